#!/usr/bin/env bash
# Integration: process faults of `siaran run` streaming to a real icecast2.
# - SIGKILL while streaming, start again: the item due by the wall clock is
#   back on air at the right position within 3 s (the fallback is one 600 s
#   item looped from local midnight, so the due position is
#   seconds-since-midnight mod 600); PRAGMA integrity_check is ok.
# - SIGHUP with a valid config: reload logged; with a broken one: the error
#   FILE:LINE: reason is logged and the station keeps running.
# - disk full (the media store on a 2 MB tmpfs) while importing and while
#   uploading a complaint: a clear error, nothing half-stored, stream unaffected.
# - SIGKILL during a complaint upload: the acknowledged complaint is intact, no
#   half-written file in the media store, no row for the interrupted one.
# - SIGTERM: fade out, exit 0, the log says so.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "process: ./siaran is not built"
	exit 1
fi

STORE="$TMP/store"
mkdir -p "$STORE"
MOUNTED=""
mount_tmpfs "$STORE" 2m && MOUNTED=1

PORT=$(free_port)
PASS="pr$RANDOM$RANDOM"
ICE="$TMP/ice"
mkdir -p "$ICE"
if ! start_icecast "$ICE" "$PORT" "$PASS"; then
	not_ok "icecast2 starts on port $PORT: $(tail -3 "$ICE/log/stdout" 2>/dev/null)"
	exit 1
fi

ITEM=600 # seconds: the one fallback item, looped from local midnight
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$ITEM" \
	-af "volume=0.5,aformat=channel_layouts=stereo" -metadata title="Panjang" "$TMP/long.flac"
echo long.flac >"$TMP/fallback.m3u"
write_conf "$TMP" "$PORT" "$PASS" fallback.m3u
sed -i "s|^media = media|media = store|" "$TMP/siaran.conf"
CONF="$TMP/siaran.conf"
API="http://127.0.0.1:$WEB_PORT/api/v1"
export TMPDIR="$TMP/uploads" # where the web server streams uploads
mkdir -p "$TMPDIR"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b - a}'; }
mount_up() { icecast_mount_up "$PORT" /radio.ogg "$1"; } # SECONDS
# np: "title|duration|elapsed|position|started_at" where position is where the
# item is, counted from its planned start (elapsed; and duration is the
# item's whole length, also after a resume)
np() {
	curl -s -m 2 "$API/nowplaying" 2>/dev/null | python3 -c '
import json, sys
try:
    n = json.load(sys.stdin)["now"]
    pos = n["elapsed"]
    print("%s|%.2f|%.2f|%.2f|%s" % (n["title"], n["duration"], n["elapsed"], pos,
                                    n["started_at"]))
except Exception:
    print("")'
}
# due: where the item should be by the wall clock (Asia/Jakarta is UTC+7, no DST)
due() { awk -v t="$(now)" -v len="$ITEM" 'BEGIN{s = t + 7 * 3600; printf "%.2f", s - int(s / len) * len}'; }
# off A B: |A - B| modulo the item length (a boundary may fall in between)
off() { awk -v a="$1" -v b="$2" -v len="$ITEM" 'BEGIN{d = a - b; if (d < 0) d = -d; if (d > len / 2) d = len - d; printf "%.2f", d}'; }
start_siaran() {
	"$SIARAN" run -c "$CONF" >>"$TMP/siaran.log" 2>&1 &
	SIARAN_PID=$!
	TEST_PIDS+=("$SIARAN_PID")
}
wait_np() { # SECONDS: until nowplaying answers with a title
	local i
	for i in $(seq 1 $(($1 * 20))); do
		[ -n "$(np)" ] && return 0
		sleep 0.05
	done
	return 1
}

start_siaran
if ! mount_up 10 || ! wait_np 5; then
	not_ok "siaran streams and answers /nowplaying within 10 s: $(tail -3 "$TMP/siaran.log")"
	exit 1
fi
sleep 3
before=$(np)
due_before=$(due)
echo "# before the kill: nowplaying $before, due position $due_before s"
pos=$(echo "$before" | cut -d'|' -f4)
check "at start the item airs at its wall-clock position (at $pos s, due $due_before s, off $(off "$pos" "$due_before") s)" \
	awk -v d="$(off "$pos" "$due_before")" 'BEGIN{exit !(d <= 3)}'

# ---- SIGKILL while streaming ------------------------------------------------------

kill -KILL "$SIARAN_PID"
wait "$SIARAN_PID" 2>/dev/null
integrity=$(sqlite3 "$TMP/siaran.db" 'PRAGMA integrity_check' 2>&1)
check "PRAGMA integrity_check is ok after SIGKILL (got '$integrity')" [ "$integrity" = ok ]

t0=$(now)
start_siaran
if wait_np 10; then
	answered=$(since "$t0")
	after=$(np)
	due_after=$(due)
	pos=$(echo "$after" | cut -d'|' -f4)
	echo "# after the restart: nowplaying $after, due $due_after s; answered ${answered} s after start"
	check "after SIGKILL and restart the same item is on air ('$(echo "$after" | cut -d'|' -f1)')" \
		[ "$(echo "$after" | cut -d'|' -f1)" = Panjang ]
	check "it resumes at the wall-clock position (at $pos s, due $due_after s, off $(off "$pos" "$due_after") s, limit 3)" \
		awk -v d="$(off "$pos" "$due_after")" 'BEGIN{exit !(d <= 3)}'
	# nowplaying describes the item, not the restart: its whole length and
	# its planned start (a multiple of the item length from midnight)
	check "after the resume nowplaying gives the item's whole length ($(echo "$after" | cut -d'|' -f2) s)" \
		[ "$(echo "$after" | cut -d'|' -f2)" = "$ITEM.00" ]
	started=$(echo "$after" | cut -d'|' -f5)
	check "and its planned start ($started, on a $ITEM s boundary from midnight)" \
		python3 -c '
import datetime, sys
t = datetime.datetime.fromisoformat(sys.argv[1])
s = t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6
d = s % '"$ITEM"'
sys.exit(0 if min(d, '"$ITEM"' - d) <= 1 else 1)' "$started"
else
	not_ok "siaran answers /nowplaying after a restart: $(tail -3 "$TMP/siaran.log")"
fi
if mount_up 10; then
	back=$(since "$t0")
	ok "the mount is live again ${back} s after the restart"
else
	not_ok "the mount is live again within 10 s of the restart"
fi
timeout 10 ffmpeg -nostdin -loglevel error -t 1 -i "http://127.0.0.1:$PORT/radio.ogg" -f wav -y \
	"$TMP/resumed.wav" 2>/dev/null
heard=$(since "$t0")
frames=$(frames_44k "$TMP/resumed.wav" 2>/dev/null)
echo "# restart to 1 s of audio decoded by a new listener: $heard s"
check "a new listener hears audio within 3 s of the restart (${heard} s to 1 s of audio, $frames frames)" \
	awk -v h="$heard" -v f="${frames:-0}" 'BEGIN{exit !(f >= 40000 && h - 1 <= 3)}'
resumed=$(grep -m1 -o "resuming 'Panjang'.*" "$TMP/siaran.log" | tail -1)
echo "# log: $resumed"

# ---- SIGHUP ------------------------------------------------------------------------

lines() { wc -l <"$TMP/siaran.log"; }
# logged_after N PATTERN SECONDS: PATTERN appears in the log after line N
logged_after() {
	local i
	for i in $(seq 1 $(($3 * 10))); do
		tail -n +"$(($1 + 1))" "$TMP/siaran.log" | grep -Eq "$2" && return 0
		sleep 0.1
	done
	return 1
}
n=$(lines)
kill -HUP "$SIARAN_PID"
check "SIGHUP with a valid config: the reload is logged" logged_after "$n" 'reload|config .* checked' 5
check "siaran keeps running after SIGHUP" kill -0 "$SIARAN_PID"

cp "$CONF" "$TMP/good.conf"
bad=$(($(grep -n '^\[station\]' "$CONF" | cut -d: -f1) + 1))
sed -i "${bad}i colour = blue" "$CONF"
n=$(lines)
kill -HUP "$SIARAN_PID"
if logged_after "$n" "siaran\.conf:$bad: " 5; then
	ok "SIGHUP with a broken config logs FILE:LINE: reason ($(tail -n +"$((n + 1))" "$TMP/siaran.log" | grep -m1 -o "siaran\.conf:$bad: .*"))"
else
	not_ok "SIGHUP with a broken config logs siaran.conf:$bad: reason (log: $(tail -n +"$((n + 1))" "$TMP/siaran.log" | head -2 | tr '\n' ' '))"
fi
sleep 1
e1=$(np | cut -d'|' -f3)
sleep 2
e2=$(np | cut -d'|' -f3)
check "the station keeps running on the old config (alive, elapsed $e1 -> $e2 s, mount up)" \
	eval 'kill -0 $SIARAN_PID && awk -v a="${e1:-0}" -v b="${e2:-0}" "BEGIN{exit !(b > a + 1)}" && mount_up 1'
cp "$TMP/good.conf" "$CONF"

# A new time zone is refused (TZ is never changed under running threads) with
# one line asking for a restart; the station keeps its zone.
sed -i "s|^timezone = .*|timezone = Europe/Berlin|" "$CONF"
n=$(lines)
kill -HUP "$SIARAN_PID"
check "SIGHUP with a new time zone is refused with a line asking for a restart" \
	logged_after "$n" 'reload refused: .* time zone from Asia/Jakarta to Europe/Berlin; restart siaran' 5
sleep 0.5
check "one line for the refused zone ($(tail -n +"$((n + 1))" "$TMP/siaran.log" | grep -c 'reload'))" \
	[ "$(tail -n +"$((n + 1))" "$TMP/siaran.log" | grep -c 'reload')" -eq 1 ]
tz_started=$(np | cut -d'|' -f5)
check "now playing keeps the station's offset after the refused zone ($tz_started)" \
	eval '[[ "$tz_started" == *+07:00 ]]'
cp "$TMP/good.conf" "$CONF"
# A setting that cannot change while on air is named, the rest is applied.
sed -i "s|^samplerate = 44100|samplerate = 48000|" "$CONF"
n=$(lines)
kill -HUP "$SIARAN_PID"
check "SIGHUP with a new sample rate names it for the next start" \
	logged_after "$n" 'take effect at the next start: station\.samplerate' 5
check "... and still re-reads the playlist and the schedule" \
	logged_after "$n" 'reload: .* is valid; the fallback playlist and the schedule' 5
cp "$TMP/good.conf" "$CONF"

# ---- disk full: import and upload into a full media store -------------------------

# store_state: files in the store, temp files among them, media rows
store_state() {
	echo "$(find "$STORE" -type f ! -name '.*' | wc -l) files, $(find "$STORE" -name '.*' -type f | wc -l) temp, $(sqlite3 "$TMP/siaran.db" 'SELECT count(*) FROM media') rows"
}
if [ -z "$MOUNTED" ]; then
	skip "disk full while importing" "cannot mount a tmpfs here (needs root)"
	skip "disk full while uploading" "cannot mount a tmpfs here (needs root)"
else
	# 30 s of stereo 16-bit PCM is 5.3 MB: more than the 2 MB store holds
	ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=330:sample_rate=44100:duration=30" \
		-ac 2 -metadata title="Terlalu Besar" "$TMP/big.wav"
	was=$(store_state)
	rc=0
	timeout 60 "$SIARAN" import -c "$CONF" "$TMP/big.wav" >"$TMP/full.out" 2>"$TMP/full.err" || rc=$?
	reason=$(grep -v '^[0-9]\{4\}-' "$TMP/full.err" | head -1)
	echo "# disk full import: exit $rc, '$reason'"
	check "disk full while importing: exit 1 with a clear reason naming the file (got $rc: '$reason')" \
		eval '[ $rc -eq 1 ] && echo "$reason" | grep -q "big.wav" && echo "$reason" | grep -Eiq "space|full|ENOSPC"'
	is=$(store_state)
	check "disk full while importing: nothing half-stored (before: $was; after: $is)" [ "$was" = "$is" ]
	check "the stream is unaffected by the failed import" eval 'kill -0 $SIARAN_PID && mount_up 1'
	tone "$TMP/small.wav" 1 550 "Kecil" "Penguji"
	rc=0
	"$SIARAN" import -c "$CONF" "$TMP/small.wav" >/dev/null 2>&1 || rc=$?
	check "after the failure a small file still imports into the store (exit $rc)" [ $rc -eq 0 ]
fi

# ---- complaints: an acknowledged upload, a disk-full upload, SIGKILL mid-upload ------

echo "rahasia-$RANDOM$RANDOM" >"$TMP/pw"
user_rc=0
"$SIARAN" user add -c "$CONF" ani --role admin <"$TMP/pw" >/dev/null 2>"$TMP/user.err" || user_rc=$?
login() {
	curl -s -m 5 -c "$TMP/cookies" -H 'Content-Type: application/json' \
		-d "{\"username\":\"ani\",\"password\":\"$(cat "$TMP/pw")\"}" "$API/session" |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get("csrf_token",""))' 2>/dev/null
}
CSRF=$(login)
# upload FILE [curl options...]: prints the HTTP status, the body in $TMP/upload.json
upload() {
	local f=$1
	shift
	curl -s -m 120 -o "$TMP/upload.json" -w '%{http_code}' -b "$TMP/cookies" -H "X-CSRF-Token: $CSRF" \
		-F "audio=@$f;type=audio/wav" -F "title=Jalan rusak" -F "summary=Lubang besar" \
		-F "category=jalan" -F "location=Desa Uji" -F "anonymous=1" -F "confidential=0" \
		-F "consent=1" "$@" "$API/complaints"
}
complaints() { sqlite3 "$TMP/siaran.db" 'SELECT count(*) FROM complaints' 2>/dev/null; }
if [ $user_rc -ne 0 ] || [ -z "$CSRF" ]; then
	skip "complaint uploads" "no web login (user add exit $user_rc: $(head -1 "$TMP/user.err"))"
else
	ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=300:sample_rate=8000:duration=3" \
		-ac 1 "$TMP/call.wav"
	code=$(upload "$TMP/call.wav")
	acked_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("id",""))' "$TMP/upload.json" 2>/dev/null)
	check "a complaint upload is acknowledged (HTTP $code, id '$acked_id')" [ "$code" = 201 ]
	acked_media=$(sqlite3 "$TMP/siaran.db" "SELECT m.path || '|' || m.sha256 FROM complaints c JOIN media m ON m.id = c.media_id WHERE c.id = ${acked_id:-0}" 2>/dev/null)

	if [ -n "$MOUNTED" ]; then
		was=$(store_state)
		c0=$(complaints)
		code=$(upload "$TMP/big.wav")
		body=$(head -c 200 "$TMP/upload.json")
		echo "# disk full upload: HTTP $code $body"
		check "disk full while uploading: an error status with a JSON reason (HTTP $code: $body)" \
			eval '[ "$code" -ge 400 ] && grep -q "\"error\"" "$TMP/upload.json"'
		# a full disk is the server's fault, not the caller's audio: 5xx, so
		# the panel tells staff to retry later rather than that the file is bad
		check "disk full while uploading: a server-side status (5xx), not 422 'not a usable audio file' (HTTP $code)" \
			[ "$code" -ge 500 ]
		check "disk full while uploading: nothing half-stored, no row (before: $was, $c0 complaints; after: $(store_state), $(complaints) complaints)" \
			eval '[ "$was" = "$(store_state)" ] && [ "$c0" = "$(complaints)" ]'
		check "the stream is unaffected by the failed upload" eval 'kill -0 $SIARAN_PID && mount_up 1'
	fi

	# SIGKILL in the middle of a slow upload
	head -c 20000000 /dev/urandom >"$TMP/noise.raw"
	ffmpeg -nostdin -loglevel error -y -f s16le -ar 44100 -ac 2 -i "$TMP/noise.raw" -t 10 "$TMP/upload_big.wav"
	was=$(store_state)
	c0=$(complaints)
	ls "$TMPDIR" >"$TMP/tmp_before"
	upload "$TMP/upload_big.wav" --limit-rate 400k >"$TMP/slow.code" 2>/dev/null &
	SLOW=$!
	TEST_PIDS+=("$SLOW")
	sleep 2
	partial=$(find "$TMPDIR" -type f -newer "$TMP/tmp_before" -printf '%s\n' | head -1)
	echo "# SIGKILL during an upload, ${partial:-0} bytes received so far"
	kill -KILL "$SIARAN_PID"
	wait "$SIARAN_PID" 2>/dev/null
	wait "$SLOW" 2>/dev/null
	check "the interrupted upload got no acknowledgement (HTTP '$(cat "$TMP/slow.code")')" \
		eval '[ "$(cat "$TMP/slow.code")" != 201 ]'
	t0=$(now)
	start_siaran
	wait_np 10
	echo "# restart after the killed upload answered in $(since "$t0") s"
	check "after SIGKILL mid-upload: no half-written file or row (before: $was, $c0 complaints; after: $(store_state), $(complaints) complaints)" \
		eval '[ "$was" = "$(store_state)" ] && [ "$c0" = "$(complaints)" ]'
	left=$(find "$TMPDIR" -type f -newer "$TMP/tmp_before" | wc -l)
	echo "# temp files the killed upload left in \$TMPDIR (outside the store): $left"
	path=${acked_media%|*}
	sha=${acked_media#*|}
	case $path in /*) ;; *) path="$TMP/${path#./}" ;; esac
	got=$(sha256sum "$path" 2>/dev/null | cut -d' ' -f1)
	check "the acknowledged complaint is intact after SIGKILL (row id $acked_id, file sha256 matches: ${got:0:12})" \
		eval '[ -n "$got" ] && [ "$got" = "$sha" ] &&
			[ "$(sqlite3 "$TMP/siaran.db" "SELECT count(*) FROM complaints WHERE id = ${acked_id:-0}")" = 1 ]'
	code=$(curl -s -o /dev/null -w '%{http_code}' -b "$TMP/cookies" "$API/complaints/${acked_id:-0}")
	check "the acknowledged complaint is served after the restart (HTTP $code)" [ "$code" = 200 ]
	integrity=$(sqlite3 "$TMP/siaran.db" 'PRAGMA integrity_check' 2>&1)
	check "PRAGMA integrity_check is ok after SIGKILL mid-upload (got '$integrity')" [ "$integrity" = ok ]
fi

# ---- SIGTERM: fade out, exit 0 ---------------------------------------------------------

kill -0 "$SIARAN_PID" 2>/dev/null || start_siaran
wait_np 10
mark=$(lines)
t0=$(now)
kill -TERM "$SIARAN_PID"
(sleep 15 && kill -KILL "$SIARAN_PID" 2>/dev/null) &
watchdog=$!
rc=0
wait "$SIARAN_PID" || rc=$?
kill "$watchdog" 2>/dev/null
echo "# SIGTERM to exit: $(since "$t0") s"
check "SIGTERM: exit status 0 (got $rc)" [ "$rc" = 0 ]
check "SIGTERM: the log says it faded out and stopped" \
	eval 'tail -n +$((mark + 1)) "$TMP/siaran.log" | grep -q "fad" && tail -n +$((mark + 1)) "$TMP/siaran.log" | grep -q "stopped"'
