#!/usr/bin/env bash
# Integration: scaling through Icecast relays, as docs/scaling.md describes.
# Two icecast2 on loopback: siaran streams /radio.ogg to the first (the
# master); the second relays it with the <relay> block taken from
# docs/scaling.md itself (only the master's address changed), so the
# documented example is what is tested.  A client of the relay receives
# Vorbis 44100/2, and the relay's status-json.xsl shows the current title,
# following the master's at the next item boundary.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "relay: ./siaran is not built"
	exit 1
fi

# The <relay> block of the docs, pointed at the test's master.
relay_block() { # MASTER_PORT
	sed -n '/^ *<relay>/,/^ *<\/relay>/p' "$ROOT/docs/scaling.md" |
		sed "s|<server>[^<]*</server>|<server>127.0.0.1</server>|; s|<port>[^<]*</port>|<port>$1</port>|"
}

PASS="it$RANDOM$RANDOM"
PORT1=$(free_port)
PORT2=$(free_port)
while [ "$PORT2" = "$PORT1" ]; do PORT2=$(free_port); done
block=$(relay_block "$PORT1")
if ! grep -q "<local-mount>/radio.ogg</local-mount>" <<<"$block" ||
	! grep -q "<mount>/radio.ogg</mount>" <<<"$block"; then
	not_ok "docs/scaling.md has a <relay> block for /radio.ogg (found: $(tr -d '\n' <<<"$block"))"
	exit 1
fi
ok "docs/scaling.md has a <relay> block for /radio.ogg"

mkdir -p "$TMP/master" "$TMP/relay"
start_icecast "$TMP/master" "$PORT1" "$PASS" || {
	not_ok "the master icecast2 starts: $(tail -3 "$TMP/master/log/stdout")"
	exit 1
}

tone "$TMP/a.flac" 6 440 "Lagu Satu" "Penyanyi A"
tone "$TMP/b.flac" 6 660 "Lagu Dua" "Penyanyi B"
tone "$TMP/c.flac" 6 550 "Lagu Tiga" "Penyanyi C"
printf '%s\n' a.flac b.flac c.flac >"$TMP/fallback.m3u"
write_conf "$TMP" "$PORT1" "$PASS" fallback.m3u
"$SIARAN" run -c "$TMP/siaran.conf" >"$TMP/siaran.log" 2>&1 &
SIARAN_PID=$!
TEST_PIDS+=("$SIARAN_PID")

# mount_up PORT SECONDS: waits until the server lists /radio.ogg as live
mount_up() {
	local i
	for i in $(seq 1 $(($2 * 10))); do
		curl -s --max-time 1 "http://127.0.0.1:$1/status-json.xsl" 2>/dev/null |
			grep -q '"listenurl":"[^"]*/radio.ogg"' && return 0
		sleep 0.1
	done
	return 1
}
if ! mount_up "$PORT1" 10; then
	not_ok "siaran streams to the master: $(tail -3 "$TMP/siaran.log")"
	exit 1
fi
ok "siaran streams /radio.ogg to the master on :$PORT1"

# The relay: lib.sh's config with the docs' <relay> block added.  Started
# after the master's mount is up (a relay that found no stream waits a while
# before it tries again).
start_icecast "$TMP/relay" "$PORT2" "$PASS" || {
	not_ok "the relay icecast2 starts: $(tail -3 "$TMP/relay/log/stdout")"
	exit 1
}
kill "$ICE_PID"
wait "$ICE_PID" 2>/dev/null
python3 - "$TMP/relay/icecast.xml" "$block" <<'PY'
import sys
path, block = sys.argv[1], sys.argv[2]
xml = open(path).read()
open(path, "w").write(xml.replace("</icecast>", block + "\n</icecast>"))
PY
icecast2 -c "$TMP/relay/icecast.xml" >>"$TMP/relay/log/stdout" 2>&1 &
RELAY_PID=$!
TEST_PIDS+=("$RELAY_PID")
if ! wait_port "$PORT2" 10 || ! mount_up "$PORT2" 15; then
	not_ok "the relay on :$PORT2 pulls /radio.ogg from the master: $(grep -i relay "$TMP/relay/log/error.log" | tail -3)"
	exit 1
fi
ok "the relay on :$PORT2 serves /radio.ogg pulled from the master"

# ---- a client of the relay, while both servers' titles are watched ----------------

timeout 25 ffmpeg -nostdin -loglevel error -i "http://127.0.0.1:$PORT2/radio.ogg" -t 8 \
	-f wav -y "$TMP/relay.wav" 2>"$TMP/ffmpeg.err" &
CLIENT=$!
TEST_PIDS+=("$CLIENT")

# "seconds server title" on each change, polled for 20 s
python3 - "$PORT1" "$PORT2" "$TMP/titles" <<'PY'
import json, sys, time, urllib.request
ports = {"master": sys.argv[1], "relay": sys.argv[2]}
last = {}
start = time.monotonic()
with open(sys.argv[3], "w") as out:
    while time.monotonic() - start < 20:
        for name, port in ports.items():
            try:
                with urllib.request.urlopen("http://127.0.0.1:%s/status-json.xsl" % port,
                                            timeout=1) as r:
                    src = json.load(r)["icestats"].get("source", [])
            except Exception:
                continue
            for s in src if isinstance(src, list) else [src]:
                if s.get("listenurl", "").endswith("/radio.ogg"):
                    t = s.get("title", "")
                    if t and last.get(name) != t:
                        last[name] = t
                        out.write("%.2f %s %s\n" % (time.monotonic() - start, name, t))
                        out.flush()
        time.sleep(0.1)
PY
wait "$CLIENT" 2>/dev/null

info=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels,duration_ts \
	-of csv=p=0 "$TMP/relay.wav" 2>/dev/null | head -1)
IFS=, read -r _ rate ch frames <<<"$info"
check "a client of the relay decodes >= 6 s of 44100 Hz stereo (${frames:-0} frames at ${rate:-?} Hz, ${ch:-?} ch)" \
	[ "${rate:-0}" = 44100 ] && [ "${ch:-0}" = 2 ] && [ "${frames:-0}" -ge 264600 ]
codec=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name -of csv=p=0 \
	"http://127.0.0.1:$PORT2/radio.ogg" 2>/dev/null | head -1)
check "the relay's stream is Vorbis (ffprobe: '$codec')" [ "$codec" = vorbis ]

# The relay shows the current title and follows the master: every title the
# master showed up to 5 s before polling ended, the relay showed too, within 5 s.  Both are polled in turn
# every 0.1 s, and under a sanitizer or a loaded machine one poll can take
# a second, so the relay may be seen with a title up to 2 s before the master
# is (each title airs 6 s, so the windows cannot match the wrong airing).
result=$(python3 - "$TMP/titles" <<'PY'
import sys
seen = {"master": [], "relay": []}
for line in open(sys.argv[1]):
    at, name, title = line.rstrip("\n").split(" ", 2)
    seen[name].append((float(at), title))
m, r = seen["master"], seen["relay"]
if len(r) < 2:
    print("FAIL the relay showed %d titles in 20 s, want >= 2: %s" % (len(r), r))
    sys.exit()
late = []
# The first was already set before polling began; a change in the last 5 s of
# polling may not have reached the relay before polling stopped.
for at, title in [x for x in m[1:] if x[0] <= 20 - 5]:
    match = [t for t, x in r if x == title and t >= at - 2]
    if not match or match[0] - at > 5:
        late.append(title)
shown = " | ".join(t for _, t in r)
timeline = "; master: " + ", ".join("%.1f %s" % x for x in m) + "; relay: " + \
    ", ".join("%.1f %s" % x for x in r)
print(("FAIL relay missed or lagged on %s; " % late if late else "") + "relay titles: " + shown +
      (timeline if late else ""))
PY
)
check "the relay's status-json shows the current title and follows the master's ($result)" \
	eval '[ "${result#FAIL}" = "$result" ]'
current=$(icecast_title "$PORT2")
check "the relay's title is one of the playlist's ('$current')" \
	grep -Eq 'Lagu (Satu|Dua|Tiga)' <<<"$current"
check "siaran is still running" kill -0 "$SIARAN_PID"
