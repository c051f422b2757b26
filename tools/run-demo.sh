#!/usr/bin/env bash
# The demo station (`make run`): creates ./run/ on first use (config,
# passwords, demo media, library, fallback playlist, admin account), then
# starts icecast2 (its config and logs in a private folder of its own, see
# make_icecast_dir) and `siaran run`, prints "on air" once a listener gets
# audio, and stops both on Ctrl-C.  A second run reuses ./run/ as it is:
# nothing there is overwritten, so edits to run/siaran.conf, the database and
# the accounts survive.  When Icecast or siaran fails to start it says why in
# one line and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN="$ROOT/run"
SIARAN="$ROOT/siaran"
MKDEMO="$ROOT/build/tools/mkdemo"
ICE_PORT=8000
WEB_PORT=8080

say() { printf 'run-demo: %s\n' "$*"; }
die() {
	printf 'run-demo: %s\n' "$*" >&2
	exit 1
}

for tool in "$SIARAN" "$MKDEMO"; do
	[ -x "$tool" ] || die "$tool is missing: build first with 'make' (or use 'make run')"
done
for cmd in icecast2 ffmpeg espeak-ng; do
	command -v "$cmd" >/dev/null || die "$cmd is not installed: 'make deps' installs it"
done

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # PORT SECONDS PID: waits until PORT accepts, while PID lives
	local i
	for i in $(seq 1 $(($2 * 10))); do
		port_taken "$1" && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

random_password() { head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20; }

# A secret kept in run/: made once, read back on every later run.
secret() { # NAME
	local f="$RUN/$1"
	if [ ! -s "$f" ]; then
		(umask 077 && random_password >"$f")
	fi
	cat "$f"
}

# ---- first use: the station's folder -----------------------------------------

make_config() {
	[ -f "$RUN/siaran.conf" ] && return 0
	local pass=$1
	cat >"$RUN/siaran.conf" <<CONF
; The demo station made by 'make run'.  Yours to edit: 'make run' never
; overwrites it.  Every key is explained in docs/siaran.conf.example.
[station]
name = Radio Multatuli
timezone = Asia/Jakarta
samplerate = 44100
loudness_target = -16

[storage]
database = siaran.db
media = media

[fallback]
playlist = fallback.m3u

[output.main]
server = 127.0.0.1
port = $ICE_PORT
password = $pass
mount = /radio.ogg
format = vorbis
quality = 0.4
channels = 2
description = Radio Multatuli, suara warga Lebak (demo)
genre = Various

[web]
listen = 127.0.0.1:$WEB_PORT
CONF
	chmod 600 "$RUN/siaran.conf"
	say "wrote run/siaran.conf"
}

# Icecast's own folder: its configuration (with the passwords) and its logs.
# icecast2 refuses to run as root: started as root it drops to icecast2:icecast
# after binding (<changeowner>) and only then opens its logs, so nothing it
# needs may live in the checkout, which can sit in a folder only its owner
# may enter (a home folder is 0700 on Debian 12, so is `mktemp -d`).  The
# folder is made fresh for each start, reachable by that user alone, under
# /run (or $TMPDIR when not root, where Icecast runs as the caller); stop()
# copies the logs back to run/icecast-log/ and removes it.
make_icecast_dir() {
	local base=/run
	[ "$(id -u)" -eq 0 ] || base=${TMPDIR:-/tmp}
	ICE_DIR=$(mktemp -d "$base/siaran-icecast.XXXXXX") || die "cannot make a folder for Icecast under $base"
	mkdir "$ICE_DIR/log"
	if [ "$(id -u)" -eq 0 ]; then
		id icecast2 >/dev/null 2>&1 || die "the user icecast2 is missing: reinstall icecast2 ('apt-get install --reinstall icecast2')"
		chown -R icecast2:icecast "$ICE_DIR"
	fi
}

# Written at every start from run/icecast-*-password (so a checkout moved or
# copied still works), readable by Icecast's user only.
write_icecast_config() {
	local source_pass=$1 admin_pass=$2 owner=""
	if [ "$(id -u)" -eq 0 ]; then
		owner="<changeowner><user>icecast2</user><group>icecast</group></changeowner>"
	fi
	(umask 077 && cat >"$ICE_DIR/icecast.xml") <<XML
<!-- Icecast for the demo station, written by 'make run' at each start; loopback
     only.  The passwords are kept in run/icecast-source-password and
     run/icecast-admin-password. -->
<icecast>
  <location>Lebak</location>
  <admin>admin@localhost</admin>
  <limits>
    <clients>100</clients>
    <sources>4</sources>
    <queue-size>524288</queue-size>
    <source-timeout>10</source-timeout>
    <burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>$source_pass</source-password>
    <admin-user>admin</admin-user>
    <admin-password>$admin_pass</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket>
    <port>$ICE_PORT</port>
    <bind-address>127.0.0.1</bind-address>
  </listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>$ICE_DIR/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
    <alias source="/" destination="/status.xsl"/>
  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>3</loglevel>
  </logging>
  <security>
    <chroot>0</chroot>
    $owner
  </security>
</icecast>
XML
	[ "$(id -u)" -eq 0 ] && chown icecast2:icecast "$ICE_DIR/icecast.xml"
	return 0
}

# Icecast's logs, kept in run/icecast-log/ after it stops (readable by the
# caller only), and its folder removed.
keep_icecast_logs() {
	[ -n "$ICE_DIR" ] && [ -d "$ICE_DIR" ] || return 0
	mkdir -p "$RUN/icecast-log"
	cp "$ICE_DIR"/log/* "$RUN/icecast-log/" 2>/dev/null || true
	rm -rf "$ICE_DIR"
	ICE_DIR=""
}

# Why Icecast stopped, in one line: its FATAL/error line, else its output.
icecast_reason() {
	local line
	line=$(grep -hE 'FATAL|EROR|ERROR|[Ee]rror' "$ICE_DIR/log/stdout" "$ICE_DIR/log/error.log" 2>/dev/null | tail -1)
	[ -n "$line" ] || line=$(tail -1 "$ICE_DIR/log/stdout" 2>/dev/null)
	printf '%s' "${line:-no message}"
}

# speak FILE TITLE TEXT [chime]: Indonesian speech (espeak-ng) over a quiet
# bed of the first demo piece, as 44.1 kHz stereo FLAC tagged with TITLE.
# With "chime", three rising bell tones come first: the station's signature.
speak() {
	local out=$1 title=$2 text=$3 chime=${4:-}
	local wav="$RUN/demo/.speech.wav" bed="$RUN/demo/music/01-senja-di-rangkasbitung.flac"
	espeak-ng -v id -s 140 -p 45 -w "$wav" "$text" || die "espeak-ng failed for $out"
	local inputs=(-i "$wav" -i "$bed") delay=800 chime_filter="" mix="[v][b]" n=2
	if [ -n "$chime" ]; then
		inputs+=(-f lavfi -i "aevalsrc='0.25*(sin(2*PI*523.25*t)*exp(-5*t)+gte(t,0.22)*sin(2*PI*659.25*(t-0.22))*exp(-5*(t-0.22))+gte(t,0.44)*sin(2*PI*783.99*(t-0.44))*exp(-4*(t-0.44)))':s=44100:d=1.6")
		chime_filter="[2:a]aformat=channel_layouts=stereo[c];"
		mix="[v][b][c]" n=3 delay=1400
	fi
	# the voice, padded by 1.2 s, sets the length; the bed fades in and, by
	# the reverse-fade-reverse trick, out over the last second
	ffmpeg -nostdin -loglevel error -y "${inputs[@]}" -filter_complex \
		"[0:a]aresample=44100,aformat=channel_layouts=stereo,adelay=$delay|$delay,apad=pad_dur=1.2[v];
		 [1:a]atrim=start=8,asetpts=PTS-STARTPTS,volume=0.13,afade=t=in:d=0.5[b];
		 $chime_filter
		 ${mix}amix=inputs=$n:duration=first:normalize=0,areverse,afade=t=in:d=1,areverse[o]" \
		-map "[o]" -ar 44100 -metadata title="$title" -metadata artist="Radio Multatuli" \
		"$out" || die "could not make $out"
	rm -f "$wav"
}

make_media() {
	[ -f "$RUN/demo/.complete" ] && return 0
	say "synthesizing the demo music (a few seconds)"
	"$MKDEMO" "$RUN/demo/music" >/dev/null
	say "speaking the station ID and two public service announcements (espeak-ng, Indonesian)"
	speak "$RUN/demo/station-id.flac" "Radio Multatuli" \
		"Radio Multatuli. Suara warga Lebak." chime
	speak "$RUN/demo/psa-lapor.flac" "Layanan masyarakat: LAPOR!" \
		"Punya keluhan tentang pelayanan publik? Laporkan keluhan pelayanan publik melalui lapor titik go titik ai di, atau SMS ke satu tujuh nol delapan. Pemerintah wajib menindaklanjuti laporan Anda."
	speak "$RUN/demo/psa-sungai.flac" "Layanan masyarakat: Sungai bersih" \
		"Sungai Ciujung adalah sumber kehidupan kita. Jangan buang sampah ke sungai. Mari jaga kebersihan lingkungan bersama, demi anak cucu kita."
	touch "$RUN/demo/.complete"
}

make_playlist() {
	[ -f "$RUN/fallback.m3u" ] && return 0
	local music=("$RUN"/demo/music/*.flac) i=0 rel
	{
		echo "#EXTM3U"
		echo "# The demo station's fallback: airs whenever nothing else is scheduled."
		for rel in "${music[@]#"$RUN"/}"; do
			case $i in
			0) echo "demo/station-id.flac" ;;
			2) echo "demo/psa-lapor.flac" ;;
			4) echo "demo/station-id.flac" ;;
			5) echo "demo/psa-sungai.flac" ;;
			esac
			echo "$rel"
			i=$((i + 1))
		done
	} >"$RUN/fallback.m3u"
	say "wrote run/fallback.m3u"
}

# Adds the demo media to the station's library (analysed: loudness, cue
# points), so the panel and the scheduler know them.  The fallback playlist
# plays from the files either way.
import_media() {
	[ -f "$RUN/.imported" ] && return 0
	local ok=1 log="$RUN/import.log"
	: >"$log"
	"$SIARAN" import -c "$RUN/siaran.conf" --kind music --category demo "$RUN/demo/music" >>"$log" 2>&1 || ok=0
	# the station ID is a psa too: PSA campaigns (the hourly ID) take psa items
	"$SIARAN" import -c "$RUN/siaran.conf" --kind psa "$RUN/demo/station-id.flac" \
		"$RUN/demo/psa-lapor.flac" "$RUN/demo/psa-sungai.flac" >>"$log" 2>&1 || ok=0
	if [ $ok -eq 1 ]; then
		touch "$RUN/.imported"
		say "imported $(grep -cE '^[0-9]+\s' "$log") files into the library"
	else
		say "warning: import failed ($(tail -1 "$log")); the station airs the fallback playlist anyway"
	fi
}

make_admin() {
	[ -s "$RUN/admin-password" ] && return 0
	local pw
	pw=$(random_password)
	if printf '%s\n' "$pw" | "$SIARAN" user add -c "$RUN/siaran.conf" admin --role admin \
		>"$RUN/user-add.log" 2>&1; then
		(umask 077 && printf '%s\n' "$pw" >"$RUN/admin-password")
		say "created the panel account 'admin'"
	else
		say "warning: could not create the admin account: $(tail -1 "$RUN/user-add.log")"
	fi
}

# A schedule, made once through the panel's API while the station runs: an
# all-day music rotation show, the two PSAs every 15 minutes (soft, at the
# next song boundary) and the station ID on the hour (hard).  The media ids
# come from the import's output lines (id, kind, duration, loudness, path).
make_schedule() {
	[ -f "$RUN/.scheduled" ] && return 0
	[ -f "$RUN/.imported" ] && [ -s "$RUN/admin-password" ] || return 0
	local api="http://127.0.0.1:$WEB_PORT/api/v1" jar="$RUN/.cookies" csrf today until
	local psa jingle
	psa=$(awk -F'\t' '$2 == "psa" && $5 ~ /psa-/ { printf "%s%s", sep, $1; sep = "," }' "$RUN/import.log")
	jingle=$(awk -F'\t' '$5 ~ /station-id/ { print $1; exit }' "$RUN/import.log")
	today=$(TZ=Asia/Jakarta date +%F)
	until=$(TZ=Asia/Jakarta date -d '+1 year' +%F)
	csrf=$(curl -s -c "$jar" -H 'Content-Type: application/json' \
		-d "{\"username\":\"admin\",\"password\":\"$(cat "$RUN/admin-password")\"}" \
		"$api/session" | sed -n 's/.*"csrf_token" *: *"\([^"]*\)".*/\1/p')
	if [ -z "$csrf" ]; then
		say "warning: could not log in to the panel API; no schedule made (the fallback airs)"
		return 0
	fi
	local failed=0 what body
	for what in show psa id; do
		case $what in
		show) body="{\"name\":\"Lagu Pilihan Lebak\",\"host\":\"Orkes Multatuli\",\"days\":[0,1,2,3,4,5,6],\"start\":\"00:00\",\"duration\":1440,\"valid_from\":\"$today\",\"content\":\"rotation\",\"categories\":[\"demo\"]}" ;;
		psa) body="{\"name\":\"Layanan masyarakat\",\"valid_from\":\"$today\",\"valid_to\":\"$until\",\"days\":[0,1,2,3,4,5,6],\"timing\":\"soft\",\"interval_minutes\":15,\"window_minutes\":5,\"items\":[$psa]}" ;;
		id) body="{\"name\":\"Identitas stasiun\",\"valid_from\":\"$today\",\"valid_to\":\"$until\",\"days\":[0,1,2,3,4,5,6],\"timing\":\"hard\",\"interval_minutes\":60,\"fade_seconds\":2,\"items\":[$jingle]}" ;;
		esac
		local url="$api/campaigns"
		[ $what = show ] && url="$api/shows"
		local code
		code=$(curl -s -o "$RUN/.schedule-$what.json" -w '%{http_code}' -b "$jar" \
			-H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d "$body" "$url")
		case $code in
		200 | 201) ;;
		*)
			failed=1
			say "warning: schedule ($what): HTTP $code $(head -c 200 "$RUN/.schedule-$what.json")"
			;;
		esac
	done
	rm -f "$jar"
	if [ $failed -eq 0 ]; then
		touch "$RUN/.scheduled"
		say "scheduled today: an all-day rotation show, PSAs every 15 min, the station ID on the hour"
	fi
}

# ---- start ----------------------------------------------------------------------

first=0
[ -d "$RUN" ] || first=1
mkdir -p "$RUN"
# run/ holds the passwords and is no one else's business: siaran runs as the
# caller, and Icecast gets its own folder (make_icecast_dir).
chmod 700 "$RUN"
[ $first -eq 1 ] && say "first run: creating the demo station in ./run/"
source_pass=$(secret icecast-source-password)
admin_pass=$(secret icecast-admin-password)
make_config "$source_pass"
make_media
make_playlist
import_media
make_admin

# Debian's icecast2 package starts its own service on install, on port 8000
# (from /etc/icecast2/icecast.xml): worth naming, it is the usual holder.
system_icecast_running() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' <"$f"; } 2>/dev/null | grep -q 'icecast2 .*-c /etc/icecast2/icecast.xml' && return 0
	done
	return 1
}

for p in $ICE_PORT $WEB_PORT; do
	if port_taken "$p"; then
		if [ "$p" = "$ICE_PORT" ] && system_icecast_running; then
			die "port $p on 127.0.0.1 is taken by the system's Icecast (the icecast2 service): stop it ('systemctl stop icecast2', or 'service icecast2 stop') and run 'make run' again"
		fi
		die "port $p on 127.0.0.1 is already in use (another Icecast or siaran?); stop it and run 'make run' again"
	fi
done

ICE_PID="" SIARAN_PID="" ICE_DIR=""
# stop STATUS [WHY]: stops what was started; WHY, the one line that says
# what went wrong, comes last.
stop() {
	trap - INT TERM
	echo
	if [ -n "$SIARAN_PID" ] && kill -0 "$SIARAN_PID" 2>/dev/null; then
		say "stopping siaran"
		kill -TERM "$SIARAN_PID" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$SIARAN_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$SIARAN_PID" 2>/dev/null || true
	fi
	if [ -n "$ICE_PID" ] && kill -0 "$ICE_PID" 2>/dev/null; then
		say "stopping icecast2"
		kill -TERM "$ICE_PID" 2>/dev/null || true
	fi
	wait 2>/dev/null || true
	keep_icecast_logs
	[ -n "${2:-}" ] && printf 'run-demo: %s\n' "$2" >&2
	exit "${1:-0}"
}
trap 'stop 0' INT TERM

make_icecast_dir
write_icecast_config "$source_pass" "$admin_pass"
icecast2 -c "$ICE_DIR/icecast.xml" >"$ICE_DIR/log/stdout" 2>&1 &
ICE_PID=$!
if ! wait_port $ICE_PORT 10 "$ICE_PID"; then
	stop 1 "icecast2 did not start on port $ICE_PORT: $(icecast_reason) (logs in run/icecast-log/)"
fi

# siaran logs to the terminal and to run/siaran.log
"$SIARAN" run -c "$RUN/siaran.conf" 2> >(tee -i -a "$RUN/siaran.log" >&2) &
SIARAN_PID=$!
siaran_reason() { tail -1 "$RUN/siaran.log" 2>/dev/null; }
if ! wait_port $WEB_PORT 15 "$SIARAN_PID"; then
	stop 1 "siaran did not start (the panel on port $WEB_PORT never opened): $(siaran_reason) (log: run/siaran.log)"
fi

# "On air" only once a listener gets audio: Icecast lists the station's mount
# and a GET of it answers with Ogg pages.
MOUNT=$(sed -n 's/^[[:space:]]*mount[[:space:]]*=[[:space:]]*\([^[:space:];]*\).*/\1/p' "$RUN/siaran.conf" | head -1)
MOUNT=${MOUNT:-/radio.ogg}
listener_gets_audio() {
	curl -s -m 2 "http://127.0.0.1:$ICE_PORT/status-json.xsl" 2>/dev/null |
		grep -q "\"listenurl\":\"[^\"]*$MOUNT\"" || return 1
	[ "$(curl -s -m 3 "http://127.0.0.1:$ICE_PORT$MOUNT" 2>/dev/null | head -c 4)" = OggS ]
}
on_air=0
for _ in $(seq 1 60); do
	kill -0 "$ICE_PID" 2>/dev/null || stop 1 "icecast2 stopped: $(icecast_reason) (logs in run/icecast-log/)"
	kill -0 "$SIARAN_PID" 2>/dev/null || stop 1 "siaran stopped: $(siaran_reason) (log: run/siaran.log)"
	if listener_gets_audio; then
		on_air=1
		break
	fi
	sleep 0.5
done
[ $on_air -eq 1 ] || stop 1 "siaran runs but Icecast serves no audio on $MOUNT after 30 s: $(siaran_reason) (log: run/siaran.log)"

make_schedule

login="see run/user-add.log"
[ -s "$RUN/admin-password" ] && login="admin / $(cat "$RUN/admin-password")"
cat <<EOF

  Radio Multatuli is on air.
    listen:  http://127.0.0.1:$ICE_PORT$MOUNT   (browser, VLC, mpv, ffplay)
    panel:   http://127.0.0.1:$WEB_PORT/panel/
    login:   $login   (also in run/admin-password)
  Everything lives in ./run/ (Icecast's logs go to run/icecast-log/ when it
  stops); Ctrl-C stops the station and Icecast.

EOF

set +e
wait "$SIARAN_PID"
rc=$?
set -e
[ "$rc" -eq 0 ] && stop 0 "siaran stopped (log: run/siaran.log)"
stop "$rc" "siaran exited with status $rc: $(siaran_reason) (log: run/siaran.log)"
