# Helpers for the integration tests (tests/it_*.sh).  Sourced, never run.
# Each test prints TAP lines: "ok - NAME", "not ok - NAME: why",
# "ok - NAME # SKIP why".  Fixtures are made here, by the test itself.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
ROOT=$(pwd)
SIARAN="$ROOT/${SIARAN_BUILD:-build}/siaran"  # the build under test (make asan: build-asan)
TEST_PIDS=()
TMP=$(mktemp -d "/tmp/siaran-test.XXXXXX")
chmod 755 "$TMP"

TMPFS_MOUNTS=()
cleanup() {
	for p in "${TEST_PIDS[@]:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null && kill -CONT "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for m in "${TMPFS_MOUNTS[@]:-}"; do [ -n "$m" ] && umount "$m" 2>/dev/null; done
	[ -z "${KEEP_TMP:-}" ] && rm -rf "$TMP"
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP ${2:-}"; }
# check NAME COMMAND...: ok if the command succeeds
check() { local n=$1; shift; if "$@"; then ok "$n"; else not_ok "$n"; fi; }

free_port() {
	python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

wait_port() { # PORT SECONDS
	local i
	for i in $(seq 1 $(($2 * 10))); do
		(exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# start_icecast DIR PORT PASSWORD: starts icecast2 as an unprivileged user
# (it refuses to run as root); sets ICE_PID.
start_icecast() {
	local d=$1 port=$2 pass=$3
	mkdir -p "$d/log"
	chmod 755 "$d"
	if [ "$(id -u)" -eq 0 ]; then chown -R icecast2:icecast "$d/log" 2>/dev/null; fi
	local owner=""
	if [ "$(id -u)" -eq 0 ]; then
		owner="<changeowner><user>icecast2</user><group>icecast</group></changeowner>"
	fi
	cat >"$d/icecast.xml" <<XML
<icecast>
  <limits><clients>100</clients><sources>10</sources><source-timeout>10</source-timeout><burst-size>65536</burst-size></limits>
  <authentication><source-password>$pass</source-password><admin-user>admin</admin-user><admin-password>$pass</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>$port</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>$d/log</logdir><webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>$owner</security>
</icecast>
XML
	icecast2 -c "$d/icecast.xml" >"$d/log/stdout" 2>&1 &
	ICE_PID=$!
	TEST_PIDS+=("$ICE_PID")
	wait_port "$port" 10
}

# tone FILE SECONDS FREQ TITLE ARTIST [extra ffmpeg output args...]
tone() {
	local f=$1 s=$2 hz=$3 t=$4 a=$5
	shift 5
	ffmpeg -nostdin -loglevel error -y -f lavfi \
		-i "sine=frequency=$hz:sample_rate=44100:duration=$s" \
		-af "volume=0.5,aformat=channel_layouts=stereo" \
		-metadata title="$t" -metadata artist="$a" "$@" "$f"
}

# write_conf DIR ICECAST_PORT PASSWORD PLAYLIST [extra lines for [station]]
write_conf() {
	local d=$1 port=$2 pass=$3 pl=$4 extra=${5:-}
	WEB_PORT=$(free_port)
	cat >"$d/siaran.conf" <<CONF
[station]
name = Radio Uji
timezone = Asia/Jakarta
samplerate = 44100
loudness_target = -16
$extra

[storage]
database = siaran.db
media = media

[fallback]
playlist = $pl

[output.main]
server = 127.0.0.1
port = $port
password = $pass
mount = /radio.ogg
format = vorbis
quality = 0.4
channels = 2

[web]
listen = 127.0.0.1:$WEB_PORT
CONF
}

# short_items_station: icecast2 on a free port (PORT, PASS) and
# $TMP/siaran.conf whose fallback alternates two 3 s tones, "Nada Satu" and
# "Nada Dua" (so item boundaries and title changes come often).  Reports
# not_ok and fails when icecast2 does not start.
short_items_station() {
	PORT=$(free_port)
	PASS="si$RANDOM$RANDOM"
	if ! start_icecast "$TMP/ice" "$PORT" "$PASS"; then
		not_ok "icecast2 starts on port $PORT"
		return 1
	fi
	tone "$TMP/a.ogg" 3 440 "Nada Satu" "Uji" -c:a libvorbis
	tone "$TMP/b.ogg" 3 660 "Nada Dua" "Uji" -c:a libvorbis
	printf '%s\n%s\n' "$TMP/a.ogg" "$TMP/b.ogg" >"$TMP/fb.m3u"
	write_conf "$TMP" "$PORT" "$PASS" fb.m3u
}

# frames of an audio file, decoded by ffmpeg to 44.1 kHz stereo
frames_44k() {
	ffmpeg -nostdin -loglevel error -i "$1" -f s16le -ac 2 -ar 44100 - | wc -c |
		awk '{print int($1/4)}'
}

# mount_tmpfs DIR SIZE: a small tmpfs at DIR (a disk that fills up); needs
# root, fails otherwise.  cleanup unmounts it.
mount_tmpfs() {
	[ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size="$2" tmpfs "$1" 2>/dev/null || return 1
	TMPFS_MOUNTS+=("$1")
}

# icecast_mount_up PORT MOUNT SECONDS: waits until Icecast lists MOUNT as a live source
icecast_mount_up() {
	local i
	for i in $(seq 1 $(($3 * 20))); do
		curl -s -m 1 "http://127.0.0.1:$1/status-json.xsl" 2>/dev/null |
			grep -q "\"listenurl\":\"[^\"]*$2\"" && return 0
		sleep 0.05
	done
	return 1
}

# icecast_title PORT: the title Icecast shows for the first source
icecast_title() {
	curl -s "http://127.0.0.1:$1/status-json.xsl" | python3 -c '
import json,sys
try:
    s=json.load(sys.stdin)["icestats"].get("source")
    s=s if isinstance(s,dict) else (s or [{}])[0]
    print(s.get("title",""))
except Exception: print("")'
}

# kind_wait BASE_URL WANT|!WANT SECONDS: polls now.kind of BASE_URL's
# /api/v1/nowplaying every 50 ms (one process, so the polling itself adds
# little); prints the seconds it took, or -1 (and fails) when it did not
# happen in time.  !WANT: any kind but WANT.
kind_wait() {
	python3 - "$1/api/v1/nowplaying" "$2" "$3" <<'PY'
import json, sys, time, urllib.request
url, want, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
t0 = time.monotonic()
while time.monotonic() - t0 <= limit:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            k = (json.load(r).get("now") or {}).get("kind", "")
    except Exception:
        k = ""
    if (want.startswith("!") and k and k != want[1:]) or k == want:
        print("%.2f" % (time.monotonic() - t0))
        sys.exit(0)
    time.sleep(0.05)
print(-1)
sys.exit(1)
PY
}

# tone_runs RAW FREQ...: what a listener heard in RAW (8 kHz mono s16le):
# per 0.25 s the dominant of the FREQs (Goertzel), or "-" below -50 dBFS;
# printed as the runs "FREQ:SECONDS ...".
tone_runs() {
	python3 - "$@" <<'PY'
import math, struct, sys
data = open(sys.argv[1], "rb").read()
freqs = [int(f) for f in sys.argv[2:]]
n = len(data) // 2
pcm = struct.unpack("<%dh" % n, data[: 2 * n])
W = 2000
def power(block, f):
    k = 2 * math.cos(2 * math.pi * f / 8000)
    s1 = s2 = 0.0
    for x in block:
        s1, s2 = x + k * s1 - s2, s1
    return s1 * s1 + s2 * s2 - k * s1 * s2
out = []
for i in range(0, n - W + 1, W):
    b = pcm[i:i + W]
    rms = math.sqrt(sum(x * x for x in b) / W) / 32768
    if rms < 10 ** (-50 / 20):
        out.append("-")
        continue
    p = {f: power(b, f) for f in freqs}
    out.append(str(max(p, key=p.get)))
runs = []
for x in out:
    if runs and runs[-1][0] == x:
        runs[-1][1] += 1
    else:
        runs.append([x, 1])
print(" ".join("%s:%.2f" % (x, c * 0.25) for x, c in runs))
PY
}

# start_siaran: `siaran run -c $CONF` in the background (its log in
# $TMP/run.log), then waits for the panel on $WEB_PORT.  Sets RUN_PID; reports
# not_ok with the log's tail and fails when the station does not come up.
start_siaran() {
	"$SIARAN" run -c "$CONF" 2>"$TMP/run.log" &
	RUN_PID=$!
	TEST_PIDS+=("$RUN_PID")
	if ! wait_port "$WEB_PORT" 15; then
		not_ok "siaran run serves the panel"
		tail -20 "$TMP/run.log" | sed 's/^/# /'
		return 1
	fi
}

# browser_ready: node, npm, Debian's Chromium ($CHROMIUM, set here when unset)
# and the browser suites' npm packages (tests/browser/install.sh).  'make deps'
# installs them all, so a missing one is reported not_ok (never a skip) and
# fails.
browser_ready() {
	CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
	if ! command -v node >/dev/null || ! command -v npm >/dev/null || [ ! -x "$CHROMIUM" ]; then
		not_ok "node, npm and $CHROMIUM are installed ('make deps' installs them)"
		return 1
	fi
	if ! "$ROOT/tests/browser/install.sh" >"$TMP/npm.log" 2>&1; then
		not_ok "the browser tests' npm packages install: $(tail -1 "$TMP/npm.log")"
		return 1
	fi
}
