#!/usr/bin/env bash
# Integration: a show whose content is "relay" airs a remote stream.  A second
# Icecast mount (/rri.ogg) is fed a 440 Hz tone by ffmpeg; a relay show that
# starts now relays it onto siaran's mount, where a real listener (ffmpeg)
# records.  The source is killed: the show's filler (660 Hz, from its
# categories) airs within 2 s and now.kind leaves "relay"; the source comes
# back: the relay airs again within 10 s.  A source that is up but silent
# does not air (the filler stays).  The listener hears 440 Hz, then
# 660 Hz, then 440 Hz, with no silent hole over 0.5 s; the as-run records
# the relay.  The API refuses relay shows without a usable url.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "relay show: ./siaran is not built"
	exit 1
fi
D=$TMP
PORT=$(free_port)
PASS="si$RANDOM$RANDOM"
if ! start_icecast "$D/ice" "$PORT" "$PASS"; then
	not_ok "icecast2 starts on port $PORT"
	exit 1
fi
tone "$D/fb.ogg" 3 880 "Cadangan" "Uji" -c:a libvorbis
printf '%s\n' "$D/fb.ogg" >"$D/fb.m3u"
tone "$D/isi.flac" 40 660 "Isi Relai" "Uji"
write_conf "$D" "$PORT" "$PASS" fb.m3u
# [web] is the last section: the relay buffer goes in its own section
printf '\n[live]\nbuffer = 1\n' >>"$D/siaran.conf"
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
"$SIARAN" import -c "$CONF" --category pengisi "$D/isi.flac" >/dev/null 2>"$D/import.err" ||
	not_ok "filler imports: $(cat "$D/import.err")"
echo "sandi-opi-123" | "$SIARAN" user add -c "$CONF" opi --role operator >/dev/null

SOURCE_PID=
start_source() { # [lavfi source]: a 440 Hz tone by default
	ffmpeg -nostdin -loglevel error -re -f lavfi -i "${1:-sine=frequency=440:sample_rate=44100}" \
		-af "volume=0.5,aformat=channel_layouts=stereo" -c:a libvorbis -b:a 96k \
		-content_type application/ogg -f ogg \
		"icecast://source:$PASS@127.0.0.1:$PORT/rri.ogg" >>"$D/source.log" 2>&1 &
	SOURCE_PID=$!
	TEST_PIDS+=("$SOURCE_PID")
}
start_source
icecast_mount_up "$PORT" /rri.ogg 10 || not_ok "the remote mount /rri.ogg is up"

"$SIARAN" run -c "$CONF" 2>"$D/run.log" &
TEST_PIDS+=("$!")
if ! wait_port "$WEB_PORT" 15 || ! icecast_mount_up "$PORT" /radio.ogg 15; then
	not_ok "siaran run airs /radio.ogg"
	tail -20 "$D/run.log" | sed 's/^/# /'
	exit 1
fi
ffmpeg -nostdin -loglevel error -i "http://127.0.0.1:$PORT/radio.ogg" -t 75 \
	-ac 1 -ar 8000 -f s16le "$D/heard.raw" 2>"$D/listener.log" &
LISTENER=$!
TEST_PIDS+=("$LISTENER")

req() { # req METHOD PATH [curl args...]: sets CODE, body in $D/body
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -X "$m" -o "$D/body" -w '%{http_code}' "$@" "$B$p")
}
json() { # json METHOD PATH BODY: as the operator, with the CSRF token
	req "$1" "$2" -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
		-H 'Content-Type: application/json' -d "$3"
}
req POST /api/v1/session -c "$D/cookies" -H 'Content-Type: application/json' \
	-d '{"username":"opi","password":"sandi-opi-123"}'
CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$D/body")
kind() {
	curl -s -m 1 "$B/api/v1/nowplaying" | python3 -c '
import json,sys
try: print((json.load(sys.stdin).get("now") or {}).get("kind",""))
except Exception: print("")'
}
wait_kind() { kind_wait "$B" "$@"; }

# ---- the API checks the url ------------------------------------------------------------
start=$(TZ=Asia/Jakarta date +%H:%M)
day=$(TZ=Asia/Jakarta date +%A | tr 'A-Z' 'a-z')
SHOW="{\"name\":\"Berita RRI\",\"days\":[\"$day\"],\"start\":\"$start\",\"duration\":120,\"content\":\"relay\",\"url\":\"http://127.0.0.1:$PORT/rri.ogg\",\"categories\":[\"pengisi\"]}"
for bad in "file:///etc/passwd" "rtmp://127.0.0.1/x" "http://" "http://a b/c" ""; do
	json POST /api/v1/shows "${SHOW/http:\/\/127.0.0.1:$PORT\/rri.ogg/$bad}"
	check "a relay show with url '$bad' is refused with 400 (got $CODE)" [ "$CODE" = 400 ]
done
json POST /api/v1/shows "${SHOW/\"categories\":\[\"pengisi\"\]/\"categories\":[]}"
check "a relay show without categories (filler) is refused with 400 (got $CODE)" [ "$CODE" = 400 ]
json POST /api/v1/shows "${SHOW/\"relay\"/\"rotation\"}"
check "a url on a rotation show is refused with 400 (got $CODE)" [ "$CODE" = 400 ]
check "no show was stored by the refused requests" [ "$(sqlite3 "$DB" 'SELECT count(*) FROM shows')" = 0 ]

# ---- the relay airs, falls back and comes back -------------------------------------------
json POST /api/v1/shows "$SHOW"
check "the relay show is stored (201, got $CODE: $(head -c 200 "$D/body"))" [ "$CODE" = 201 ]
req GET /api/v1/shows -b "$D/cookies"
check "the show's url is in the API's answer" grep -q "rri.ogg" "$D/body"
took=$(wait_kind relay 20)
check "now.kind is relay within 20 s of creating the show (took $took s)" [ "$took" != -1 ]
sleep 8
echo "# source killed at $(TZ=Asia/Jakarta date +%H:%M:%S.%N)"
kill "$SOURCE_PID"
took=$(wait_kind '!relay' 5)
check "the source killed: the filler airs within 2 s (now.kind left relay after $took s)" \
	awk -v t="$took" 'BEGIN{exit !(t >= 0 && t <= 2.0)}'
k=$(kind)
check "what airs is the show's filler (now.kind '$k')" [ "$k" = music ]
sleep 3
start_source
took=$(wait_kind relay 12)
check "the source back: the relay airs again within 10 s (took $took s)" \
	awk -v t="$took" 'BEGIN{exit !(t >= 0 && t <= 10.0)}'
sleep 6
# a stream that is up but silent does not air: the filler stays
kill "$SOURCE_PID"
wait_kind '!relay' 5 >/dev/null
start_source "anullsrc=r=44100:cl=stereo"
icecast_mount_up "$PORT" /rri.ogg 10 || not_ok "the silent source is up"
took=$(wait_kind relay 8)
check "a silent stream does not replace the filler (relay after $took s, want never in 8 s)" \
	[ "$took" = -1 ]
kill "$LISTENER" 2>/dev/null
wait "$LISTENER" 2>/dev/null

rows=$(sqlite3 "$DB" "SELECT count(*) FROM asrun WHERE kind = 'relay' AND title = 'Berita RRI' AND source LIKE '%/rri.ogg'")
check "the as-run records the relay (rows: $rows)" [ "${rows:-0}" -ge 1 ]
sqlite3 "$DB" "SELECT kind, title, reason, (ended_at - started_at) / 1000.0 FROM asrun ORDER BY id" |
	tail -8 | sed 's/^/# as-run: /'

# ---- what the listener heard -------------------------------------------------------------
# Per 0.25 s of the decoded 8 kHz mono: the dominant tone or "-" (silence)
tone_runs "$D/heard.raw" 440 660 880 >"$D/heard.txt"
heard=$(cat "$D/heard.txt")
echo "# heard (Hz:seconds): $heard"
order=$(echo "$heard" | tr ' ' '\n' | awk -F: '$2 >= 1.5 {print $1}' | uniq | tr '\n' ' ')
check "the listener hears the relay, the filler, the relay again, the filler (runs >= 1.5 s: $order)" \
	eval 'echo " $order" | grep -q " 440 .*660 .*440 .*660 "'
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
