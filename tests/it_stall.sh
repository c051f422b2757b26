#!/usr/bin/env bash
# Integration: servers that stall without closing the socket, which a real
# Icecast cannot be made to do on demand (SIGSTOP is covered in it_faults; it
# stalls too briefly to fill the socket buffers).  Two small TCP servers stand
# in for Icecast:
# - "stall": answers the source request with 200, then never reads again (a
#   dead link, a hung server).  siaran must notice within STALL_TIMEOUT (10 s)
#   after its buffers fill, log it, and connect again.
# - "mute": accepts the connection and never answers.  siaran must give the
#   attempt up after 5 s, log one line, and retry with backoff.
# Meanwhile the station keeps wall-clock time (no underruns) and answers
# nowplaying; SIGTERM still ends it promptly with exit status 0.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "stall: ./siaran is not built"
	exit 1
fi

STALL_PORT=$(free_port)
MUTE_PORT=$(free_port)
# fake_server PORT MODE LOG: accepts every connection and keeps it open;
# "stall" answers the request head with 200 and then reads nothing more,
# "mute" reads and answers nothing.  Each accept is a line in LOG.
fake_server() {
	python3 - "$1" "$2" "$3" <<'PY' &
import socket, sys, time
port, mode, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
# A small receive buffer and segment size: on loopback the sender's buffer
# would otherwise grow to megabytes and take minutes to fill.
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
srv.bind(("127.0.0.1", port))
srv.listen(16)
held = []
while True:
    c, _ = srv.accept()
    held.append(c)
    if mode != "stall":
        with open(log, "a") as f:
            f.write("%.3f\n" % time.time())
        continue
    # the source request; libshout first probes with an empty one
    c.settimeout(5)
    head = b""
    try:
        while b"\r\n\r\n" not in head:
            d = c.recv(1)
            if not d:
                break
            head += d
        c.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
    except OSError:
        pass
    with open(log, "a") as f:
        f.write("%.3f %s\n" % (time.time(), head.split(b" ")[0].decode("ascii", "replace")))
PY
	TEST_PIDS+=($!)
}
fake_server "$STALL_PORT" stall "$TMP/stall.accepts"
fake_server "$MUTE_PORT" mute "$TMP/mute.accepts"

# notitle_server PORT DIR: takes a source stream (200, then reads all of it,
# its byte count in DIR/bytes) but never answers any other request, so a
# title update (GET /admin/metadata, MP3) hangs; each one is a line in
# DIR/titles.
notitle_server() {
	python3 - "$1" "$2" <<'PY' &
import os, socket, sys, threading
port, out = int(sys.argv[1]), sys.argv[2]
total = 0
lock = threading.Lock()
held = []
def serve(c):
    global total
    head = b""
    while b"\r\n\r\n" not in head:
        d = c.recv(1)
        if not d:
            return
        head += d
    if not head.startswith((b"SOURCE", b"PUT")):
        if head.startswith(b"GET /admin/metadata"):
            with open(out + "/titles", "a") as f:
                f.write(head.split(b"\r\n")[0].decode("ascii", "replace") + "\n")
        held.append(c)  # never answered
        return
    c.sendall(b"HTTP/1.0 200 OK\r\n\r\n")
    while True:
        d = c.recv(65536)
        if not d:
            return
        with lock:
            total += len(d)
            with open(out + "/bytes.tmp", "w") as f:
                f.write(str(total))
            os.replace(out + "/bytes.tmp", out + "/bytes")
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(16)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
	TEST_PIDS+=($!)
}
NOTITLE_PORT=$(free_port)
mkdir -p "$TMP/notitle"
notitle_server "$NOTITLE_PORT" "$TMP/notitle"
for _ in $(seq 1 50); do
	[ -n "$(ss -Hltn "sport = :$STALL_PORT")" ] && [ -n "$(ss -Hltn "sport = :$MUTE_PORT")" ] &&
		[ -n "$(ss -Hltn "sport = :$NOTITLE_PORT")" ] && break
	sleep 0.1
done

ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=600" \
	-af "volume=0.5,aformat=channel_layouts=stereo" "$TMP/long.flac"
echo long.flac >"$TMP/fallback.m3u"
write_conf "$TMP" "$STALL_PORT" secret fallback.m3u
cat >>"$TMP/siaran.conf" <<CONF

[output.mute]
server = 127.0.0.1
port = $MUTE_PORT
password = secret
mount = /mute.ogg
format = vorbis
quality = 0.4
channels = 2

[output.legacy]
server = 127.0.0.1
port = $NOTITLE_PORT
password = secret
mount = /legacy.mp3
format = mp3
bitrate = 128
channels = 2
CONF
API="http://127.0.0.1:$WEB_PORT/api/v1"

t0=$(date +%s.%N)
"$SIARAN" run -c "$TMP/siaran.conf" >"$TMP/siaran.log" 2>&1 &
SIARAN_PID=$!
TEST_PIDS+=("$SIARAN_PID")

# The stalled server is given up and connected to again.
stall_line=""
for _ in $(seq 1 180); do
	stall_line=$(grep -m1 'output main: lost connection' "$TMP/siaran.log")
	[ -n "$stall_line" ] && [ "$(grep -c SOURCE "$TMP/stall.accepts")" -ge 4 ] && break
	sleep 0.5
done
# Each connection is two accepts (libshout probes first); the status poller
# of the listener statistics makes GET requests too, so count SOURCE lines.
sources=$(grep -c SOURCE "$TMP/stall.accepts")
echo "# stall: $sources source connections; $stall_line"
check "a server that stops reading is given up ('$stall_line')" \
	eval 'echo "$stall_line" | grep -q "took nothing for 10 s"'
check "and connected to again ($sources source requests, 2 per connection)" [ "$sources" -ge 4 ]

# The server that never answers: one clear line, bounded attempts.
mute_lines=$(grep -c 'output mute: cannot connect' "$TMP/siaran.log")
mute_first=$(grep -m1 'output mute: cannot connect' "$TMP/siaran.log")
mute_tries=$(wc -l <"$TMP/mute.accepts")
echo "# mute: $mute_tries connection attempts, $mute_lines log lines; $mute_first"
check "a server that never answers: the attempt is given up with a clear line ('$mute_first')" \
	eval 'echo "$mute_first" | grep -q "no answer within 5 s"'
check "a server that never answers: retried ($mute_tries attempts), logged once ($mute_lines lines)" \
	eval '[ "$mute_tries" -ge 2 ] && [ "$mute_lines" -eq 1 ]'

# The MP3 server that never answers a title update: the title is given up
# after 1 s and the audio keeps flowing.
bytes_before=$(cat "$TMP/notitle/bytes" 2>/dev/null || echo 0)
sleep 5
bytes_after=$(cat "$TMP/notitle/bytes" 2>/dev/null || echo 0)
title_tries=$(wc -l <"$TMP/notitle/titles" 2>/dev/null || echo 0)
title_line=$(grep -m1 'output legacy: cannot update the title' "$TMP/siaran.log")
echo "# notitle: $title_tries title requests; MP3 bytes $bytes_before -> $bytes_after in 5 s; $title_line"
check "an MP3 server that never answers a title update: the update was tried ($title_tries) and given up ('$title_line')" \
	eval '[ "$title_tries" -ge 1 ] && echo "$title_line" | grep -q "no answer within 1000 ms"'
check "and its audio keeps flowing: $((bytes_after - bytes_before)) bytes in 5 s (128 kbit/s is 80 000)" \
	[ $((bytes_after - bytes_before)) -ge 40000 ]

state=$(curl -s -m 2 "$API/nowplaying" | python3 -c '
import json, sys
n = json.load(sys.stdin)
print(",".join("%s=%s" % (o["name"], o["connected"]) for o in n["outputs"]))' 2>/dev/null)
check "nowplaying answers and shows the silent server not connected ('$state')" \
	eval 'echo "$state" | grep -q "mute=False"'
underruns=$(curl -s -m 2 "http://127.0.0.1:$WEB_PORT/metrics" | awk '/^siaran_underruns_total/{print $2}')
check "the engine kept time: no underruns (${underruns:-missing})" [ "${underruns:-x}" = 0 ]

t1=$(date +%s.%N)
kill -TERM "$SIARAN_PID"
rc=124
for _ in $(seq 1 100); do
	if ! kill -0 "$SIARAN_PID" 2>/dev/null; then
		wait "$SIARAN_PID"
		rc=$?
		break
	fi
	sleep 0.1
done
took=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}')
echo "# SIGTERM with both servers stalled: exit $rc after $took s"
check "SIGTERM with both servers stalled: exit 0 within 10 s (exit $rc after $took s)" [ "$rc" = 0 ]
