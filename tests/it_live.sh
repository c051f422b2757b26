#!/usr/bin/env bash
# Integration: a presenter takes the air.  A real icecast2 carries the
# station (/radio.ogg, fallback: an 880 Hz tone) and a real listener (ffmpeg)
# records it.  ffmpeg streams a 440 Hz tone to siaran's [live] port with an
# operator's login (icecast:// protocol: PUT with Expect: 100-continue), once
# as Ogg Vorbis and once as MP3: within 4 s now.kind is live with
# now.presenter, the listener hears the tone; the encoder is killed and
# within 3 s the schedule is back.  No silent hole over 0.5 s across the
# changes.  Refused: a wrong password (401, nothing changes on air), staff
# outside a live show (403), a second presenter (403), another mount (404);
# the older SOURCE request is taken.  Title updates (/admin/metadata) become
# now.title; GET /api/v1/live tells who is on; the as-run has the sessions
# with the presenter's name.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "live: ./siaran is not built"
	exit 1
fi
D=$TMP
PORT=$(free_port)
LIVE_PORT=$(free_port)
PASS="si$RANDOM$RANDOM"
if ! start_icecast "$D/ice" "$PORT" "$PASS"; then
	not_ok "icecast2 starts on port $PORT"
	exit 1
fi
tone "$D/fb.ogg" 4 880 "Cadangan" "Uji" -c:a libvorbis
tone "$D/urgent.ogg" 2 660 "Pengumuman" "" -c:a libvorbis
tone "$D/isi.flac" 40 550 "Isi Siaran Langsung" "Uji"
printf '%s\n' "$D/fb.ogg" >"$D/fb.m3u"
# silence for the station is below -40 dBFS: the presenter's "silence" below
# is a quiet tone the listener's check still hears (no hole is dead air)
write_conf "$D" "$PORT" "$PASS" fb.m3u "silence_threshold = -40"
# [web] is the last section: [live] goes after it
printf '\n[live]\nlisten = 127.0.0.1:%s\nmount = /live\nbuffer = 1.5\nsilence_limit = 3\n' \
	"$LIVE_PORT" >>"$D/siaran.conf"
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
L=http://127.0.0.1:$LIVE_PORT
"$SIARAN" import -c "$CONF" --category pengisi "$D/isi.flac" >/dev/null 2>"$D/import.err" ||
	not_ok "filler imports: $(cat "$D/import.err")"
echo "sandi-opi-123" | "$SIARAN" user add -c "$CONF" opi --role operator >/dev/null
echo "sandi-adi-123" | "$SIARAN" user add -c "$CONF" adi --role admin >/dev/null
echo "sandi-sri-123" | "$SIARAN" user add -c "$CONF" sri --role staff >/dev/null

"$SIARAN" run -c "$CONF" 2>"$D/run.log" &
TEST_PIDS+=("$!")
if ! wait_port "$WEB_PORT" 15 || ! wait_port "$LIVE_PORT" 5 ||
	! icecast_mount_up "$PORT" /radio.ogg 15; then
	not_ok "siaran run airs /radio.ogg and listens for presenters"
	tail -20 "$D/run.log" | sed 's/^/# /'
	exit 1
fi
ok "siaran listens for presenters on $LIVE_PORT"
ffmpeg -nostdin -loglevel error -i "http://127.0.0.1:$PORT/radio.ogg" -t 165 \
	-ac 1 -ar 8000 -f s16le "$D/heard.raw" 2>"$D/listener.log" &
LISTENER=$!
TEST_PIDS+=("$LISTENER")

wait_kind() { kind_wait "$B" "$@"; }
field() { # field PATH KEY: now.KEY of the public now-playing
	curl -s -m 1 "$B$1" | python3 -c '
import json,sys
try:
    d=json.load(sys.stdin)
    for k in sys.argv[1].split("."): d=(d or {}).get(k)
    print("" if d is None else d)
except Exception: print("")' "$2"
}
put() { # put USER:PASS [MOUNT] [METHOD]: a short source request; sets CODE, body in $D/body
	CODE=$(head -c 2000 /dev/zero | curl -s -m 5 -o "$D/body" -w '%{http_code}' \
		-X "${3:-PUT}" -u "$1" -H 'Content-Type: audio/ogg' --data-binary @- \
		"$L${2:-/live}")
}
ENC_PID=
start_encoder() { # start_encoder FORMAT [USER:PASS [FILTER]]: a 440 Hz tone
	local fmt=$1 login=${2:-opi:sandi-opi-123} filter=${3:-volume=0.5} args
	case $fmt in
	ogg) args=(-c:a libvorbis -b:a 96k -content_type application/ogg -f ogg) ;;
	opus) args=(-c:a libopus -b:a 64k -content_type audio/ogg -f ogg) ;;
	aac) args=(-c:a aac -b:a 96k -content_type audio/aac -f adts) ;;
	probe) args=(-c:a libmp3lame -b:a 128k -content_type application/octet-stream -f mp3) ;;
	*) args=(-c:a libmp3lame -b:a 128k -content_type audio/mpeg -f mp3) ;;
	esac
	ffmpeg -nostdin -loglevel error -re -f lavfi -i "sine=frequency=440:sample_rate=44100" \
		-af "$filter,aformat=channel_layouts=stereo" "${args[@]}" \
		"icecast://$login@127.0.0.1:$LIVE_PORT/live" >>"$D/encoder.log" 2>&1 &
	ENC_PID=$!
	TEST_PIDS+=("$ENC_PID")
}
sleep 3

# ---- refused: nothing changes on air ----------------------------------------------------
put opi:salah-sekali
check "a wrong password gets 401 (got $CODE)" [ "$CODE" = 401 ]
start_encoder ogg opi:salah-sekali
took=$(wait_kind live 4)
check "an encoder with a wrong password never airs (live after $took s, want never)" [ "$took" = -1 ]
kill "$ENC_PID" 2>/dev/null
wait "$ENC_PID" 2>/dev/null
k=$(field /api/v1/nowplaying now.kind)
check "after the refused login the schedule airs on (now.kind '$k')" [ "$k" = fallback ] || [ "$k" = music ]
put sri:sandi-sri-123
check "staff outside a live show get 403 (got $CODE: $(head -c 120 "$D/body"))" \
	[ "$CODE" = 403 ]
check "the 403 says why" grep -qi "live show" "$D/body"
put opi:sandi-opi-123 /radio
check "another mount gets 404 (got $CODE)" [ "$CODE" = 404 ]
CODE=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$L/live")
check "a GET on the mount is no source request: 405 (got $CODE)" [ "$CODE" = 405 ]
CODE=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X PUT -u opi:sandi-opi-123 \
	-H "X-Padding: $(head -c 9000 /dev/zero | tr '\0' a)" --data-binary x "$L/live")
check "headers over 8 KiB get 431 (got $CODE)" [ "$CODE" = 431 ]
took=$(python3 - "$LIVE_PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"PUT /live HTTP/1.1\r\nHost: x\r\n")  # and then nothing
t0 = time.monotonic()
s.settimeout(10)
data = s.recv(200)
print("%.1f %s" % (time.monotonic() - t0, data.split(b"\r\n")[0].decode()))
PY
)
check "a request whose headers never end is answered 408 within 6 s ($took)" \
	eval 'echo "$took" | grep -q "408" && awk -v t="${took%% *}" "BEGIN{exit !(t <= 6)}"'
# an operator who sends garbage: refused by the decoder, nothing airs
head -c 200000 /dev/urandom | curl -s -m 15 -o /dev/null -X PUT -u opi:sandi-opi-123 \
	-H 'Content-Type: audio/ogg' --data-binary @- "$L/live"
took=$(wait_kind live 2)
check "a garbage stream from a logged-in operator never airs (live after $took s, want never)" \
	[ "$took" = -1 ]
c=$(field /api/v1/nowplaying now.kind)
check "the station airs on after the garbage stream (now.kind '$c')" [ -n "$c" ]

# ---- the operator takes the air (Ogg Vorbis) -------------------------------------------
req_session() {
	curl -s -c "$D/cookies" -o "$D/session" -H 'Content-Type: application/json' \
		-d '{"username":"adi","password":"sandi-adi-123"}' "$B/api/v1/session"
}
req_session
start_encoder ogg
OGG_START=$(date +%s.%N)
took=$(wait_kind live 8)
check "Ogg Vorbis: now.kind is live within 4 s of the encoder starting (took $took s)" \
	awk -v t="$took" 'BEGIN{exit !(t >= 0 && t <= 4.0)}'
p=$(field /api/v1/nowplaying now.presenter)
check "now.presenter is the operator (got '$p')" [ "$p" = opi ]
t=$(field /api/v1/nowplaying now.title)
check "without a title from the encoder the title is 'Siaran langsung' (got '$t')" \
	[ "$t" = "Siaran langsung" ]
curl -s -b "$D/cookies" "$B/api/v1/live" >"$D/live.json"
echo "# /api/v1/live: $(cat "$D/live.json")"
check "GET /api/v1/live: connected, the user, the format and a level" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
sys.exit(not (d["connected"] is True and d["user"]=="opi" and d["format"]=="ogg/vorbis"
              and d["since"] and -40 < d["level_db"] <= 0))' "$D/live.json"
CODE=$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/live")
check "GET /api/v1/live needs a login (got $CODE)" [ "$CODE" = 401 ]
put adi:sandi-adi-123
check "a second presenter gets 403 (got $CODE: $(head -c 120 "$D/body"))" [ "$CODE" = 403 ]
check "the 403 says one at a time" grep -q "one at a time" "$D/body"
CODE=$(curl -s -m 5 -o "$D/meta" -w '%{http_code}' -u opi:sandi-opi-123 \
	"$L/admin/metadata?mount=/live&mode=updinfo&song=Dialog+Bupati%20Lebak")
check "the encoder's title update is taken (got $CODE)" [ "$CODE" = 200 ]
sleep 0.5
t=$(field /api/v1/nowplaying now.title)
check "the title update is now.title (got '$t')" [ "$t" = "Dialog Bupati Lebak" ]
CODE=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -u opi:salah-sekali \
	"$L/admin/metadata?mount=/live&mode=updinfo&song=Salah")
check "a title update with a wrong password gets 401 (got $CODE)" [ "$CODE" = 401 ]
# an urgent announcement airs over the presenter, who comes back after it
# (after a second more of the presenter, so the listener hears them first
# even on a slow build)
sleep 1
CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$D/session")
CODE=$(curl -s -o "$D/ann" -w '%{http_code}' -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
	-F audio=@"$D/urgent.ogg" -F mode=now "$B/api/v1/announcements")
check "an urgent announcement is taken during the live session (got $CODE)" [ "$CODE" = 201 ]
took=$(wait_kind announcement 3)
check "the urgent announcement airs over the presenter within 1.5 s (took $took s)" \
	awk -v t="$took" 'BEGIN{exit !(t >= 0 && t <= 1.5)}'
took=$(wait_kind live 5)
check "the presenter is back on air after the announcement (took $took s)" [ "$took" != -1 ]
sleep 4
g=$(curl -s -b "$D/cookies" "$B/api/v1/live" | python3 -c 'import json,sys; print(json.load(sys.stdin)["gain_db"])')
check "the slow gain lifts the quiet presenter toward loudness_target (gain now $g dB, want 2 .. 12)" \
	awk -v g="$g" 'BEGIN{exit !(g >= 2 && g <= 12)}'
echo "# encoder killed at $(TZ=Asia/Jakarta date +%H:%M:%S.%N)"
kill "$ENC_PID"
OGG_SECONDS=$(echo "$(date +%s.%N) - $OGG_START" | bc)
took=$(wait_kind '!live' 5)
check "the encoder killed: the schedule is back within 3 s (took $took s)" \
	awk -v t="$took" 'BEGIN{exit !(t >= 0 && t <= 3.0)}'
c=$(curl -s -b "$D/cookies" "$B/api/v1/live" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connected"])')
check "GET /api/v1/live: nobody connected after they left (got $c)" [ "$c" = False ]
sleep 4

# ---- MP3 ---------------------------------------------------------------------------------
start_encoder mp3
took=$(wait_kind live 8)
check "MP3: now.kind is live within 4 s of the encoder starting (took $took s)" \
	awk -v t="$took" 'BEGIN{exit !(t >= 0 && t <= 4.0)}'
f=$(curl -s -b "$D/cookies" "$B/api/v1/live" | python3 -c 'import json,sys; print(json.load(sys.stdin)["format"])')
check "GET /api/v1/live: the format is mp3 (got '$f')" [ "$f" = mp3/mp3 ]
sleep 6
kill "$ENC_PID"
took=$(wait_kind '!live' 5)
check "MP3 encoder killed: the schedule is back within 3 s (took $took s)" \
	awk -v t="$took" 'BEGIN{exit !(t >= 0 && t <= 3.0)}'
sleep 4

# ---- Ogg Opus, AAC, and MP3 under a content type that does not say (probed) ------------
for fmt in opus aac probe; do
	start_encoder "$fmt"
	took=$(wait_kind live 8)
	f=$(curl -s -b "$D/cookies" "$B/api/v1/live" | python3 -c 'import json,sys; print(json.load(sys.stdin)["format"])')
	check "$fmt: the presenter airs (took $took s, format '$f')" \
		eval '[ "$took" != -1 ] && [ "$f" = "$(case $fmt in opus) echo ogg/opus ;; aac) echo aac/aac ;; *) echo mp3/mp3 ;; esac)" ]'
	sleep 3
	kill "$ENC_PID"
	wait_kind '!live' 5 >/dev/null
	sleep 3
done

# ---- a stall longer than the buffer, then silence longer than silence_limit -------------
start_encoder ogg opi:sandi-opi-123 "volume=0.5:enable='lt(t,16)',volume=0.05:enable='gte(t,16)'"
wait_kind live 8 >/dev/null
sleep 3
kill -STOP "$ENC_PID"
took=$(wait_kind '!live' 5)
check "the encoder stalls: the schedule is back within buffer + 1 s (took $took s)" \
	awk -v t="$took" 'BEGIN{exit !(t >= 0 && t <= 2.8)}'
kill -CONT "$ENC_PID"
took=$(wait_kind live 5)
check "the encoder goes on: the presenter is back (took $took s)" [ "$took" != -1 ]
# the tone drops to -44 dBFS 16 s into the stream (about 12 s from now, with
# the stall): silence for the station
took=$(wait_kind '!live' 25)
k=$(field /api/v1/nowplaying now.kind)
check "the presenter falls silent: the schedule resumes (after $took s, now.kind '$k')" \
	[ "$took" != -1 ]
sleep 2
c=$(curl -s -b "$D/cookies" "$B/api/v1/live" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connected"])')
k=$(field /api/v1/nowplaying now.kind)
check "a silent presenter stays connected but off air (connected $c, now.kind '$k')" \
	[ "$c" = True ] && [ "$k" != live ]
kill "$ENC_PID"
sleep 3

# ---- the older SOURCE request ------------------------------------------------------------
ffmpeg -nostdin -loglevel error -re -f lavfi -i "sine=frequency=440:sample_rate=44100" \
	-af "volume=0.5,aformat=channel_layouts=stereo" -c:a libvorbis -b:a 96k \
	-content_type application/ogg -legacy_icecast 1 -f ogg \
	"icecast://adi:sandi-adi-123@127.0.0.1:$LIVE_PORT/live" >>"$D/encoder.log" 2>&1 &
ENC_PID=$!
TEST_PIDS+=("$ENC_PID")
took=$(wait_kind live 8)
check "SOURCE (legacy icecast) from an admin airs too (took $took s)" [ "$took" != -1 ]
sleep 3
kill "$ENC_PID"
wait_kind '!live' 5 >/dev/null
sleep 3

# ---- a live show: filler until its presenter (staff) connects -------------------------
start=$(TZ=Asia/Jakarta date +%H:%M)
day=$(TZ=Asia/Jakarta date +%A | tr 'A-Z' 'a-z')
CODE=$(curl -s -o "$D/show" -w '%{http_code}' -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
	-H 'Content-Type: application/json' \
	-d "{\"name\":\"Dialog Warga\",\"days\":[\"$day\"],\"start\":\"$start\",\"duration\":60,\"content\":\"live\",\"categories\":[\"pengisi\"]}" \
	"$B/api/v1/shows")
check "a live show is stored (201, got $CODE: $(head -c 200 "$D/show"))" [ "$CODE" = 201 ]
CODE=$(curl -s -o /dev/null -w '%{http_code}' -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
	-H 'Content-Type: application/json' \
	-d "{\"name\":\"Tanpa Isi\",\"days\":[\"$day\"],\"start\":\"$start\",\"duration\":60,\"content\":\"live\",\"categories\":[]}" \
	"$B/api/v1/shows")
check "a live show without categories (its filler) is refused with 400 (got $CODE)" [ "$CODE" = 400 ]
took=$(wait_kind music 10)
t=$(field /api/v1/nowplaying now.title)
check "before its presenter the live show airs filler from its categories ($took s, '$t')" \
	[ "$t" = "Isi Siaran Langsung" ]
start_encoder ogg sri:sandi-sri-123
took=$(wait_kind live 6)
check "staff take the air during a live show (took $took s)" [ "$took" != -1 ]
t=$(field /api/v1/nowplaying now.title)
p=$(field /api/v1/nowplaying now.presenter)
check "the live show's presenter airs under its name (title '$t', presenter '$p')" \
	[ "$t" = "Dialog Warga" ] && [ "$p" = sri ]
sleep 4
kill "$ENC_PID"
took=$(wait_kind '!live' 5)
t=$(field /api/v1/nowplaying now.title)
check "after its presenter leaves the live show airs its filler again ($took s, '$t')" \
	[ "$t" = "Isi Siaran Langsung" ]
sleep 3
kill "$LISTENER" 2>/dev/null
wait "$LISTENER" 2>/dev/null

# ---- the recordings ------------------------------------------------------------------------
sleep 2
sqlite3 "$DB" "SELECT id, kind, title, frames / 44100.0 FROM media ORDER BY id" | sed 's/^/# library: /'
n2=$(sqlite3 "$DB" "SELECT count(*) FROM media WHERE kind = 'programme' AND title GLOB 'Dialog Warga [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]'")
check "the live show's session is in the library under the show's name and date (got $n2)" [ "$n2" = 1 ]
n=$(sqlite3 "$DB" "SELECT count(*) FROM media WHERE kind = 'programme' AND title GLOB 'Siaran langsung [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]'")
check "each live session is in the library as a programme titled with the show and date (got $n, want 7)" \
	[ "$n" = 7 ]
first=$(sqlite3 "$DB" "SELECT frames / 44100.0 FROM media WHERE kind = 'programme' ORDER BY id LIMIT 1")
check "the first recording lasts as long as the encoder streamed (${first:-none} s of ${OGG_SECONDS} s)" \
	awk -v a="${first:-0}" -v b="$OGG_SECONDS" 'BEGIN{d=a-b; exit !(d > -1.5 && d < 1.0)}'
f=$(sqlite3 "$DB" "SELECT path FROM media WHERE kind = 'programme' ORDER BY id LIMIT 1")
check "the recording is a file in the media store that decodes" \
	eval 'ffmpeg -nostdin -loglevel error -i "$f" -f null - 2>/dev/null'
check "no half-written recording is left behind" \
	eval '[ -z "$(ls -A "$D/media" | grep "^\.live-")" ]'

rows=$(sqlite3 "$DB" "SELECT count(*) FROM asrun WHERE kind = 'live' AND artist = 'opi'")
check "the as-run has the operator's live sessions with their name (rows: $rows)" \
	[ "${rows:-0}" -ge 2 ]
sqlite3 "$DB" "SELECT kind, title, artist, reason, (ended_at - started_at) / 1000.0 FROM asrun ORDER BY id" |
	tail -12 | sed 's/^/# as-run: /'

# ---- what the listener heard -------------------------------------------------------------
heard=$(tone_runs "$D/heard.raw" 440 550 660 880)
echo "# heard (Hz:seconds): $heard"
order=$(echo "$heard" | tr ' ' '\n' | awk -F: '$2 >= 1.5 {print $1}' | uniq | tr '\n' ' ')
check "the listener hears the schedule, the presenter, the announcement, the presenter, the schedule, the presenter, the schedule (runs >= 1.5 s: $order)" \
	eval 'echo " $order" | grep -q " 880 440 660 440 880 440 880 "'
# the level the listener hears: the presenter after the announcement (the
# slow gain has risen) against the presenter before it (gain 0 dB)
levels=$(python3 - "$D/heard.raw" <<'PY'
import math, struct, sys
data = open(sys.argv[1], "rb").read()
n = len(data) // 2
pcm = struct.unpack("<%dh" % n, data[: 2 * n])
W = 2000
def power(b, f):
    k = 2 * math.cos(2 * math.pi * f / 8000)
    s1 = s2 = 0.0
    for x in b:
        s1, s2 = x + k * s1 - s2, s1
    return s1 * s1 + s2 * s2 - k * s1 * s2
runs = []  # [freq, [rms dB...]]
for i in range(0, n - W + 1, W):
    b = pcm[i:i + W]
    rms = math.sqrt(sum(x * x for x in b) / W) / 32768
    f = max((440, 550, 660, 880), key=lambda f: power(b, f)) if rms > 1e-3 else 0
    db = 20 * math.log10(max(rms, 1e-9))
    if runs and runs[-1][0] == f:
        runs[-1][1].append(db)
    else:
        runs.append([f, [db]])
live = [r[1] for r in runs if r[0] == 440]
print("%.1f %.1f" % (sum(live[0]) / len(live[0]), max(live[1][-4:])))
PY
)
echo "# presenter's level before / after the announcement (dBFS): $levels"
check "the listener hears the presenter louder as the slow gain rises ($levels)" \
	awk -v a="${levels% *}" -v b="${levels#* }" 'BEGIN{exit !(b - a >= 2)}'
holes=$(echo "$heard" | tr ' ' '\n' | awk -F: '$1 == "-" && $2 > 0.5 {print $2}' | tr '\n' ' ')
check "no silent hole over 0.5 s in the listener's audio (found: '$holes')" [ -z "$holes" ]
fine=$(ffmpeg -nostdin -f s16le -ar 8000 -ac 1 -i "$D/heard.raw" \
	-af "silencedetect=n=-50dB:d=0.3" -f null - 2>&1 | grep -o 'silence_duration: [0-9.]*' |
	awk '{print $2}' | tr '\n' ' ')
echo "# silent stretches over 0.3 s (silencedetect): '$fine'"
check "silencedetect finds no stretch over 0.5 s" \
	eval '! echo "$fine" | tr " " "\n" | awk "\$1 > 0.5 {f=1} END {exit !f}"'
if grep -q "ERROR\|AddressSanitizer\|runtime error" "$D/run.log"; then
	not_ok "siaran logged no errors"
	grep "ERROR\|AddressSanitizer\|runtime error" "$D/run.log" | head -5 | sed 's/^/# /'
else
	ok "siaran logged no errors"
fi
grep -i "live" "$D/run.log" | tail -12 | sed 's/^/# log: /'
