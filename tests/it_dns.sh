#!/usr/bin/env bash
# Integration: the name resolver stops answering while an MP3 output is on
# air.  Its server is given by name (icecast.test, from an /etc/hosts that
# siaran sees through a private mount namespace, with a resolv.conf whose
# nameserver takes queries and never answers).  Once streaming, the name is
# taken out of the hosts file, so any new lookup of it hangs for seconds.
# Items are 3 s long, so titles change often.  Then:
# - the MP3 listener keeps getting the stream at its full rate: a title
#   update must not wait on a name lookup (it would hold the output thread,
#   and the stream, for the resolver's timeouts);
# - the titles on the MP3 mount keep changing.
# Needs root (unshare -m, binding port 53 on loopback); skipped otherwise.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	skip "resolver outage under an MP3 output" "needs root and unshare -m"
	exit 0
fi

short_items_station || exit 1
cat >>"$TMP/siaran.conf" <<CONF

[output.legacy]
server = icecast.test
port = $PORT
password = $PASS
mount = /radio.mp3
format = mp3
bitrate = 128
channels = 2
CONF

# A nameserver on 127.0.0.9 that reads every query and answers none.
DNS_IP=127.0.0.9
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
print("bound", flush=True)
while True:
    s.recvfrom(4096)
' "$DNS_IP" >"$TMP/dns.ready" &
TEST_PIDS+=("$!")
for _ in $(seq 1 50); do
	[ -s "$TMP/dns.ready" ] && break
	sleep 0.1
done
if [ ! -s "$TMP/dns.ready" ]; then
	not_ok "a silent nameserver listens on $DNS_IP:53"
	exit 1
fi
printf '127.0.0.1 localhost\n127.0.0.1 icecast.test\n' >"$TMP/hosts"
printf 'nameserver %s\noptions timeout:2 attempts:2\n' "$DNS_IP" >"$TMP/resolv.conf"
# in_namespace COMMAND...: becomes COMMAND (same pid: call it in a subshell),
# seeing $TMP/hosts and $TMP/resolv.conf
in_namespace() {
	exec unshare -m sh -c 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf &&
		shift 2 && exec "$@"' sh "$TMP/hosts" "$TMP/resolv.conf" "$@"
}

(in_namespace "$SIARAN" run -c "$TMP/siaran.conf") >"$TMP/run.log" 2>&1 &
SIARAN_PID=$!
TEST_PIDS+=("$SIARAN_PID")
if ! icecast_mount_up "$PORT" /radio.mp3 15; then
	not_ok "siaran streams MP3 to icecast.test: $(tail -3 "$TMP/run.log")"
	exit 1
fi
ok "siaran streams MP3 to its server given by name"

# ---- the resolver stops answering -------------------------------------------------
printf '127.0.0.1 localhost\n' >"$TMP/hosts" # same file, so the bind mount sees it
t0=$(date +%s.%N)
(in_namespace getent hosts icecast.test) >/dev/null
found=$?
lookup_s=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
check "a lookup of icecast.test now fails slowly (found: $found, after $lookup_s s)" \
	eval '[ "$found" != 0 ] && awk -v s="$lookup_s" "BEGIN { exit !(s >= 2) }"'

# A listener for 12 s (bytes, and the longest wait for data), and the MP3
# mount's titles meanwhile.
python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /radio.mp3 HTTP/1.0\r\n\r\n")
s.settimeout(1.0)
end = time.monotonic() + 12
total, last, longest = 0, time.monotonic(), 0.0
while time.monotonic() < end:
    try:
        data = s.recv(65536)
    except socket.timeout:
        continue
    if not data:
        break
    now = time.monotonic()
    longest = max(longest, now - last)
    total, last = total + len(data), now
longest = max(longest, time.monotonic() - last)
print(total, "%.2f" % longest)
' "$PORT" >"$TMP/listener.out" &
listener=$!
titles=""
for _ in $(seq 1 24); do
	t=$(curl -s -m 1 "http://127.0.0.1:$PORT/status-json.xsl" | python3 -c '
import json, sys
s = json.load(sys.stdin)["icestats"].get("source", [])
s = s if isinstance(s, list) else [s]
print(next((x.get("title", "") for x in s if x.get("listenurl", "").endswith("/radio.mp3")), ""))' 2>/dev/null)
	case " $titles " in *" ${t// /_} "*) ;; *) titles="$titles ${t// /_}" ;; esac
	sleep 0.5
done
wait "$listener"
read -r bytes longest <"$TMP/listener.out" || bytes=0
# 128 kbit/s is 16 000 bytes a second; Icecast's burst adds up to 64 KiB.
check "the MP3 listener got the stream at full rate during the outage ($bytes bytes in 12 s, want >= 160000)" \
	[ "${bytes:-0}" -ge 160000 ]
check "and never waited long for it (longest wait ${longest:-?} s, want < 2)" \
	awk -v s="${longest:-99}" 'BEGIN { exit !(s < 2) }'

check "the MP3 titles kept changing (seen:$titles)" \
	eval 'case "$titles" in *Nada_Satu*Nada_Dua* | *Nada_Dua*Nada_Satu*) true ;; *) false ;; esac'
check "no title update failed ($(grep -c 'cannot update the title' "$TMP/run.log") failures logged)" \
	eval '! grep -q "cannot update the title" "$TMP/run.log"'
check "siaran is still running" kill -0 "$SIARAN_PID"
