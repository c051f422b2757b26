#!/usr/bin/env bash
# Integration: Icecast faults against a running `siaran run` and a real icecast2.
# - Icecast down at start, then started: the stream arrives.
# - a second station with a wrong password and a mount held by another source:
#   it stays up, logs one clear line (no flood), takes the mount when freed.
# - Icecast killed mid-stream and restarted: the mount is back within 5 s and
#   a new listener hears audio; the time from the server being back to audio
#   reaching a new listener is measured (target < 3 s).
# - Icecast stalls (SIGSTOP 10 s, SIGCONT): siaran stays up, its timeline keeps
#   wall-clock time (nowplaying position vs the clock), the stream resumes.
# Output state is checked in GET /api/v1/nowplaying (outputs[].connected).
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "faults: ./siaran is not built"
	exit 1
fi

PORT=$(free_port)
PASS="fa$RANDOM$RANDOM"
ICE="$TMP/ice"
mkdir -p "$ICE"
ITEM=600 # the one fallback item, looped from local midnight
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$ITEM" \
	-af "volume=0.5,aformat=channel_layouts=stereo" -metadata title="Panjang" "$TMP/long.flac"
echo long.flac >"$TMP/fallback.m3u"
write_conf "$TMP" "$PORT" "$PASS" fallback.m3u
API="http://127.0.0.1:$WEB_PORT/api/v1"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b - a}'; }
mount_up() { icecast_mount_up "$PORT" "$1" "$2"; } # MOUNT SECONDS
# np_field API EXPR: a value from nowplaying (python expression on n)
np_field() {
	curl -s -m 2 "$1/nowplaying" 2>/dev/null | python3 -c '
import json, sys
try:
    n = json.load(sys.stdin)
    print('"$2"')
except Exception:
    print("")'
}
connected() { np_field "$1" '",".join("%s=%s" % (o["name"], o["connected"]) for o in n["outputs"])'; }
# position of the item from its planned start; due: by the wall clock (UTC+7)
position() { np_field "$API" "'%.2f' % ($ITEM - n['now']['duration'] + n['now']['elapsed'])"; }
due() { awk -v t="$(now)" -v len="$ITEM" 'BEGIN{s = t + 7 * 3600; printf "%.2f", s - int(s / len) * len}'; }
off() { awk -v a="$1" -v b="$2" -v len="$ITEM" 'BEGIN{d = a - b; if (d < 0) d = -d; if (d > len / 2) d = len - d; printf "%.2f", d}'; }
# first_audio SECONDS: a new listener connects (retrying while the mount is
# missing) and reads the stream until the first Ogg page carrying audio (a
# granule position > 0); prints the seconds that took
first_audio() {
	python3 - "$PORT" "$1" <<'PY'
import socket, struct, sys, time
port, limit = int(sys.argv[1]), float(sys.argv[2])
t0 = time.time()
while time.time() - t0 < limit:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(b"GET /radio.ogg HTTP/1.0\r\nHost: x\r\n\r\n")
        buf = b""
        while b"\r\n\r\n" not in buf:
            c = s.recv(4096)
            if not c:
                raise OSError("closed")
            buf += c
        head, buf = buf.split(b"\r\n\r\n", 1)
        if b" 200 " not in head.split(b"\r\n")[0]:
            raise OSError("not 200")
        while time.time() - t0 < limit:
            i = buf.find(b"OggS")
            if i >= 0 and len(buf) >= i + 27:
                granule = struct.unpack("<q", buf[i + 6:i + 14])[0]
                if granule > 0:
                    print("%.2f" % (time.time() - t0))
                    sys.exit(0)
                buf = buf[i + 4:]
                continue
            c = s.recv(4096)
            if not c:
                raise OSError("closed")
            buf += c
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}
# listen SECONDS: keeps trying until a new listener decodes 1 s of audio; prints the time taken
listen() {
	local t0 i
	t0=$(now)
	for i in $(seq 1 $(($1 * 5))); do
		rm -f "$TMP/l.wav"
		timeout 5 ffmpeg -nostdin -loglevel error -t 1 -i "http://127.0.0.1:$PORT/radio.ogg" \
			-f wav -y "$TMP/l.wav" 2>/dev/null
		if [ "$(frames_44k "$TMP/l.wav" 2>/dev/null)" -ge 40000 ] 2>/dev/null; then
			since "$t0"
			return 0
		fi
		sleep 0.2
	done
	return 1
}

# ---- Icecast down at start ----------------------------------------------------------

"$SIARAN" run -c "$TMP/siaran.conf" >"$TMP/siaran.log" 2>&1 &
SIARAN_PID=$!
TEST_PIDS+=("$SIARAN_PID")
sleep 4
check "with Icecast down at start, siaran starts and keeps running" kill -0 "$SIARAN_PID"
state=$(connected "$API")
check "nowplaying reports the output as not connected (outputs: '$state')" [ "$state" = "main=False" ]
down_lines=$(grep -ciE 'output|connect|icecast|shout' "$TMP/siaran.log" || true)
echo "# log lines about the output in 4 s of Icecast down: $down_lines"
check "the log says the output is down, without a flood ($down_lines lines in 4 s)" \
	eval '[ "$down_lines" -ge 1 ] && [ "$down_lines" -le 6 ]'
if ! start_icecast "$ICE" "$PORT" "$PASS"; then
	not_ok "icecast2 starts on port $PORT: $(tail -3 "$ICE/log/stdout")"
	exit 1
fi
t0=$(now)
if mount_up /radio.ogg 15; then
	ok "Icecast started late: the stream arrives after $(since "$t0") s"
else
	not_ok "Icecast started late: the stream arrives within 15 s ($(tail -2 "$TMP/siaran.log" | tr '\n' ' '))"
fi
sleep 0.5
state=$(connected "$API")
check "nowplaying reports the output connected (outputs: '$state')" [ "$state" = "main=True" ]

# ---- wrong password, mount in use: a second station -------------------------------------

S2="$TMP/second"
mkdir -p "$S2"
cp "$TMP/long.flac" "$S2/"
echo long.flac >"$S2/fallback.m3u"
write_conf "$S2" "$PORT" "wrong-password" fallback.m3u
sed -i 's|^mount = /radio.ogg|mount = /wrong.ogg|' "$S2/siaran.conf"
cat >>"$S2/siaran.conf" <<CONF

[output.busy]
server = 127.0.0.1
port = $PORT
password = $PASS
mount = /busy.ogg
format = vorbis
quality = 0.4
channels = 2
CONF
API2="http://127.0.0.1:$WEB_PORT/api/v1"
# another source holds /busy.ogg first
ffmpeg -nostdin -loglevel error -re -f lavfi -i "sine=frequency=880:sample_rate=44100" -c:a libvorbis \
	-content_type application/ogg -f ogg "icecast://source:$PASS@127.0.0.1:$PORT/busy.ogg" \
	2>"$TMP/other.err" &
OTHER=$!
TEST_PIDS+=("$OTHER")
if ! mount_up /busy.ogg 10; then
	not_ok "another source holds /busy.ogg ($(tail -1 "$TMP/other.err"))"
fi
"$SIARAN" run -c "$S2/siaran.conf" >"$S2/siaran.log" 2>&1 &
S2_PID=$!
TEST_PIDS+=("$S2_PID")
sleep 8
check "wrong password and a busy mount: the second station keeps running" kill -0 "$S2_PID"
pw_lines=$(grep -E 'output main' "$S2/siaran.log" | grep -ciE 'password|auth|refused|denied' || true)
first=$(grep -E 'output main' "$S2/siaran.log" | grep -m1 -iE 'password|auth|refused|denied')
echo "# wrong password: $pw_lines log lines in 8 s; first: $first"
check "wrong password: the log line names the wrong password, not a busy mount ('$first')" \
	eval 'echo "$first" | grep -q "wrong password" && ! echo "$first" | grep -q "in use"'
check "wrong password: no flood of log lines ($pw_lines in 8 s, limit 4)" [ "$pw_lines" -le 4 ]
busy_first=$(grep -E 'output busy' "$S2/siaran.log" | grep -m1 'refused')
echo "# mount in use: $(grep -c busy "$S2/siaran.log") log lines in 8 s; first: $busy_first"
check "mount in use: the log line says the mount is in use, not a wrong password ('$busy_first')" \
	eval 'echo "$busy_first" | grep -q "mount is in use" && ! echo "$busy_first" | grep -q "wrong password"'
state=$(connected "$API2")
check "nowplaying of the second station: both outputs not connected ('$state')" \
	[ "$state" = "main=False,busy=False" ]
kill "$OTHER" 2>/dev/null
wait "$OTHER" 2>/dev/null
t0=$(now)
took=""
for _ in $(seq 1 300); do
	if [ "$(connected "$API2")" = "main=False,busy=True" ]; then
		took=$(since "$t0")
		break
	fi
	sleep 0.1
done
check "mount in use: siaran takes /busy.ogg over once freed (after ${took:-> 30} s)" [ -n "$took" ]
kill -TERM "$S2_PID" 2>/dev/null
wait "$S2_PID" 2>/dev/null
check "the first station was unaffected by the second one" eval 'kill -0 $SIARAN_PID && mount_up /radio.ogg 1'

# ---- Icecast killed mid-stream and restarted --------------------------------------------

kill -KILL "$ICE_PID"
wait "$ICE_PID" 2>/dev/null
sleep 3
check "siaran keeps running while Icecast is gone" kill -0 "$SIARAN_PID"
state=$(connected "$API")
check "nowplaying reports the output disconnected while Icecast is gone ('$state')" [ "$state" = "main=False" ]
icecast2 -c "$ICE/icecast.xml" >>"$ICE/log/stdout" 2>&1 &
ICE_PID=$!
TEST_PIDS+=("$ICE_PID")
wait_port "$PORT" 10
t0=$(now)
if mount_up /radio.ogg 5; then
	back=$(since "$t0")
	ok "after an Icecast restart the mount is back in $back s (limit 5)"
else
	back=""
	not_ok "after an Icecast restart the mount is back within 5 s"
fi
first=$(first_audio 10)
echo "# reconnect: server back -> mount live ${back:-?} s; server back -> first audio page at a new listener ${first:-never} s"
check "server back to audio reaching a new listener under 3 s (took ${first:-> 10} s)" \
	awk -v t="${first:-99}" 'BEGIN{exit !(t < 3)}'
heard=$(listen 10)
check "a new listener decodes Vorbis audio after the restart (1 s of audio in ${heard:-> 10} s)" [ -n "$heard" ]

# ---- Icecast stalls: SIGSTOP 10 s, then SIGCONT ------------------------------------------

before=$(position)
due0=$(due)
kill -STOP "$ICE_PID"
sleep 5
mid=$(position)
due_mid=$(due)
check "while Icecast is stopped siaran keeps running and answers (position $mid s)" \
	eval 'kill -0 $SIARAN_PID && [ -n "$mid" ]'
sleep 5
kill -CONT "$ICE_PID"
after=$(position)
due1=$(due)
echo "# stall: position/due before $before/$due0, at 5 s $mid/$due_mid, after 10 s $after/$due1"
check "the timeline keeps wall-clock time through a 10 s stall (off by $(off "${after:-0}" "$due1") s, limit 2)" \
	awk -v d="$(off "${after:-0}" "$due1")" 'BEGIN{exit !(d <= 2)}'
t0=$(now)
heard=$(listen 15)
check "after SIGCONT a new listener hears the stream again (after $(since "$t0") s)" [ -n "$heard" ]
for _ in $(seq 1 100); do [ "$(connected "$API")" = "main=True" ] && break; sleep 0.1; done
check "nowplaying reports the output connected after the stall ('$(connected "$API")')" \
	[ "$(connected "$API")" = "main=True" ]
check "siaran never exited" kill -0 "$SIARAN_PID"
