#!/usr/bin/env bash
# Integration: one `siaran run` feeds four outputs from one programme mix.
# On the first icecast2: Vorbis q0.4 stereo /radio.ogg, Opus 32k mono
# /mobile.opus, MP3 128k stereo /radio.mp3; on a second icecast2: the same
# Vorbis settings on /radio.ogg (it shares the first output's encoder).
#   - a client of each format decodes >= 10 s at the configured rate and
#     channels;
#   - titles change across item boundaries on each (Icecast's status-json for
#     Vorbis and MP3, the Ogg comment headers of each chain link for Vorbis and
#     Opus, which Icecast 2.4 does not list);
#   - killing (and restarting) one server leaves the other's stream
#     uninterrupted: a raw client of the other server sees no gap in the
#     granule positions (Ogg) or byte count (MP3 CBR) against wall time, and
#     the decoded audio has no silent hole > 100 ms.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "outputs: ./siaran is not built"
	exit 1
fi

PASS="it$RANDOM$RANDOM"
PORT1=$(free_port)
PORT2=$(free_port)
while [ "$PORT2" = "$PORT1" ]; do PORT2=$(free_port); done
mkdir -p "$TMP/ice1" "$TMP/ice2"
start_icecast "$TMP/ice1" "$PORT1" "$PASS" || {
	not_ok "icecast2 #1 starts: $(tail -3 "$TMP/ice1/log/stdout")"
	exit 1
}
ICE1_PID=$ICE_PID
start_icecast "$TMP/ice2" "$PORT2" "$PASS" || {
	not_ok "icecast2 #2 starts: $(tail -3 "$TMP/ice2/log/stdout")"
	exit 1
}
ICE2_PID=$ICE_PID
# Without Icecast's burst on connect a client gets the stream from the live
# edge, so its audio position follows wall time from the first byte.
for n in 1 2; do
	sed -i 's|<burst-size>[0-9]*</burst-size>|<burst-size>0</burst-size>|' "$TMP/ice$n/icecast.xml"
done
kill "$ICE1_PID" "$ICE2_PID"
wait "$ICE1_PID" "$ICE2_PID" 2>/dev/null
icecast2 -c "$TMP/ice1/icecast.xml" >>"$TMP/ice1/log/stdout" 2>&1 &
ICE1_PID=$!
icecast2 -c "$TMP/ice2/icecast.xml" >>"$TMP/ice2/log/stdout" 2>&1 &
ICE2_PID=$!
TEST_PIDS+=("$ICE1_PID" "$ICE2_PID")
if ! wait_port "$PORT1" 10 || ! wait_port "$PORT2" 10; then
	not_ok "icecast2 restarts without burst: $(tail -3 "$TMP"/ice?/log/stdout)"
	exit 1
fi
ok "two icecast2 listen on 127.0.0.1:$PORT1 and :$PORT2"

# A tone over pink noise, 6 s each, in playlist order: no silence of its
# own, and dense enough that Vorbis pages are short (a pure sine makes 1.5 s
# pages, whose arrival jitter would hide a stall).
noisy() { # FILE FREQ TITLE ARTIST
	ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=$2:sample_rate=44100:duration=6" \
		-f lavfi -i "anoisesrc=color=pink:sample_rate=44100:amplitude=0.3:duration=6" \
		-filter_complex "amix=inputs=2,aformat=channel_layouts=stereo" \
		-metadata title="$3" -metadata artist="$4" "$1"
}
noisy "$TMP/a.flac" 440 "Lagu Satu" "Penyanyi A"
noisy "$TMP/b.flac" 660 "Lagu Dua" "Penyanyi B"
noisy "$TMP/c.flac" 550 "Lagu Tiga" "Penyanyi C"
printf '%s\n' a.flac b.flac c.flac >"$TMP/fallback.m3u"
write_conf "$TMP" "$PORT1" "$PASS" fallback.m3u
cat >>"$TMP/siaran.conf" <<CONF

[output.mobile]
server = 127.0.0.1
port = $PORT1
password = $PASS
mount = /mobile.opus
format = opus
bitrate = 32
channels = 1
samplerate = 48000

[output.legacy]
server = 127.0.0.1
port = $PORT1
password = $PASS
mount = /radio.mp3
format = mp3
bitrate = 128
channels = 2

[output.backup]
server = 127.0.0.1
port = $PORT2
password = $PASS
mount = /radio.ogg
format = vorbis
quality = 0.4
channels = 2
CONF

# An account for the API, and two old samples of listener statistics: one
# 401 days old (past the 400 days kept) and one 3 days old (in the week's
# chart, not the day's).
echo "sandi-staf-12345" | "$SIARAN" user add -c "$TMP/siaran.conf" staf --role staff \
	>/dev/null 2>"$TMP/useradd.err" || not_ok "user add: $(cat "$TMP/useradd.err")"
NOW_MS=$(($(date +%s) * 1000))
sqlite3 "$TMP/siaran.db" "INSERT INTO listener_stats (at, mount, listeners) VALUES
	($NOW_MS - 401 * 86400000, '/radio.ogg', 99), ($NOW_MS - 3 * 86400000, '/radio.ogg', 7)"

"$SIARAN" run -c "$TMP/siaran.conf" >"$TMP/siaran.log" 2>&1 &
SIARAN_PID=$!
TEST_PIDS+=("$SIARAN_PID")

# mounts PORT: the live mounts of a server, one per line
mounts() {
	curl -s --max-time 1 "http://127.0.0.1:$1/status-json.xsl" 2>/dev/null |
		grep -o '"listenurl":"[^"]*"' | sed 's|.*:[0-9]*/|/|; s|"$||'
}
# mounts_up PORT SECONDS MOUNT...: waits until every mount is live
mounts_up() {
	local port=$1 secs=$2 i m live missing
	shift 2
	for i in $(seq 1 $((secs * 10))); do
		live=$(mounts "$port")
		missing=0
		for m in "$@"; do
			grep -qx -- "$m" <<<"$live" || missing=1
		done
		[ "$missing" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

if mounts_up "$PORT1" 10 /radio.ogg /mobile.opus /radio.mp3 && mounts_up "$PORT2" 5 /radio.ogg; then
	ok "all four outputs are live (3 mounts on #1, 1 on #2)"
else
	not_ok "all four outputs are live: #1 [$(mounts "$PORT1" | tr '\n' ' ')] #2 [$(mounts "$PORT2" | tr '\n' ' ')]: $(tail -3 "$TMP/siaran.log")"
	exit 1
fi

# ---- the raw client: Ogg pages / MP3 bytes against wall time -----------------
cat >"$TMP/watch.py" <<'PY'
# watch.py URL SECONDS RAW REPORT KIND [BITRATE_KBPS]
# Reads an Icecast mount for SECONDS of wall time, stores the body in RAW and
# writes a JSON report: for Ogg every chain link (codec, rate, channels,
# title) and the audio position of every page against its arrival time; for
# MP3 (CBR) the byte count against arrival time.  "lag" = wall time minus
# audio position; its spread after the initial burst is how much the stream
# stalled or lost.
import json, socket, struct, sys, time, urllib.parse

url, secs, raw_path, report_path, kind = sys.argv[1:6]
kbps = int(sys.argv[6]) if len(sys.argv) > 6 else 0
secs = float(secs)
u = urllib.parse.urlparse(url)
report = {"error": None}
body = bytearray()
arrivals = []  # (seconds since connect, total body bytes)
try:
    s = socket.create_connection((u.hostname, u.port), timeout=5)
    s.sendall(("GET %s HTTP/1.0\r\nHost: %s:%d\r\nUser-Agent: it_outputs\r\n\r\n"
               % (u.path, u.hostname, u.port)).encode())
    head = b""
    t0 = time.monotonic()
    while b"\r\n\r\n" not in head:
        d = s.recv(4096)
        if not d:
            raise RuntimeError("no HTTP answer")
        head += d
    head, rest = head.split(b"\r\n\r\n", 1)
    if b" 200" not in head.split(b"\r\n")[0]:
        raise RuntimeError(head.split(b"\r\n")[0].decode(errors="replace"))
    body += rest
    arrivals.append((time.monotonic() - t0, len(body)))
    while True:
        left = secs - (time.monotonic() - t0)
        if left <= 0:
            break
        s.settimeout(left)
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d:
            report["eof_at"] = time.monotonic() - t0
            break
        body += d
        arrivals.append((time.monotonic() - t0, len(body)))
    s.close()
except Exception as e:
    report["error"] = str(e)
open(raw_path, "wb").write(body)

def arrival_of(offset):
    for t, n in arrivals:
        if n >= offset:
            return t
    return None

def comments(pkt, magic_len):
    # vendor string, then count and "KEY=value" entries (little endian)
    p = magic_len
    vlen = struct.unpack_from("<I", pkt, p)[0]
    p += 4 + vlen
    n = struct.unpack_from("<I", pkt, p)[0]
    p += 4
    out = {}
    for _ in range(n):
        ln = struct.unpack_from("<I", pkt, p)[0]
        p += 4
        k, _, v = pkt[p:p + ln].decode("utf-8", "replace").partition("=")
        out[k.upper()] = v
        p += ln
    return out

points = []  # (arrival, audio position in seconds)
if kind == "mp3":
    bytes_per_s = kbps * 1000 / 8
    points = [(t, n / bytes_per_s) for t, n in arrivals]
else:
    links = []       # in order of appearance
    by_serial = {}
    base = 0.0       # audio seconds of the links that ended
    off = 0
    steps = []
    while off + 27 <= len(body):
        if body[off:off + 4] != b"OggS":
            report["error"] = report["error"] or "lost Ogg sync at byte %d" % off
            break
        flags = body[off + 5]
        granule, serial = struct.unpack_from("<qI", body, off + 6)
        nseg = body[off + 26]
        if off + 27 + nseg > len(body):
            break
        lacing = body[off + 27:off + 27 + nseg]
        size = 27 + nseg + sum(lacing)
        if off + size > len(body):
            break  # the page was cut by the end of the recording
        link = by_serial.get(serial)
        if flags & 0x02 or link is None:
            if links and links[-1]["last_granule"] is not None:
                base += links[-1]["last_granule"] / links[-1]["rate"]
            link = {"serial": serial, "packets": [], "partial": b"", "rate": 0,
                    "channels": 0, "codec": "?", "title": "", "artist": "",
                    "last_granule": None, "bos": bool(flags & 0x02), "eos": False}
            by_serial[serial] = link
            links.append(link)
        if flags & 0x04:
            link["eos"] = True
        data = body[off + 27 + nseg:off + size]
        p = 0
        for lv in lacing:
            link["partial"] += data[p:p + lv]
            p += lv
            if lv < 255:
                if len(link["packets"]) < 2:
                    link["packets"].append(bytes(link["partial"]))
                link["partial"] = b""
        pk = link["packets"]
        if pk and link["rate"] == 0:
            if pk[0].startswith(b"\x01vorbis"):
                link["codec"], link["channels"] = "vorbis", pk[0][11]
                link["rate"] = struct.unpack_from("<I", pk[0], 12)[0]
            elif pk[0].startswith(b"OpusHead"):
                link["codec"], link["channels"], link["rate"] = "opus", pk[0][9], 48000
        if len(pk) >= 2 and not link["title"] and not link.get("tags_read"):
            link["tags_read"] = True
            try:
                c = comments(pk[1], 7 if link["codec"] == "vorbis" else 8)
                link["title"], link["artist"] = c.get("TITLE", ""), c.get("ARTIST", "")
            except Exception:
                pass
        if granule > 0 and link["rate"]:
            if link["last_granule"] is not None:
                steps.append((granule - link["last_granule"]) / link["rate"])
            link["last_granule"] = granule
            points.append((arrival_of(off + size), base + granule / link["rate"]))
        off += size
    report["links"] = [{k: l[k] for k in ("serial", "codec", "rate", "channels",
                                         "title", "artist", "bos", "eos")} for l in links]
    # a link cut off before its end-of-stream page lost its tail
    report["cut_links"] = sum(1 for l in links[:-1] if not l["eos"])
    # A lost page shows as a granule step of two pages or more.
    steps.sort()
    report["median_page_step"] = steps[len(steps) // 2] if steps else 0
    report["max_page_step"] = steps[-1] if steps else 0
# The first 1.5 s hold what Icecast had queued (headers, a page or two).
live = [(t, a) for t, a in points if t is not None and t >= 1.5]
report["lags"] = [(round(t, 2), round(t - a, 3)) for t, a in live]
lags = [t - a for t, a in live]
report["bytes"] = len(body)
report["live_points"] = len(live)
report["lag_spread"] = (max(lags) - min(lags)) if lags else None
report["live_audio"] = (live[-1][1] - live[0][1]) if len(live) > 1 else 0
report["live_wall"] = (live[-1][0] - live[0][0]) if len(live) > 1 else 0
json.dump(report, open(report_path, "w"), indent=1)
PY

# report FILE EXPR: evaluates a Python expression on a watch report (r)
report() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"; }

# ---- a client of each format, titles across item boundaries -----------------

CLIENTS=()
for m in radio.ogg mobile.opus radio.mp3; do
	timeout 25 ffmpeg -nostdin -loglevel error -i "http://127.0.0.1:$PORT1/$m" -t 11 \
		-f wav -y "$TMP/got-$m.wav" 2>"$TMP/ffmpeg-$m.err" &
	CLIENTS+=($!)
done
timeout 25 ffmpeg -nostdin -loglevel error -i "http://127.0.0.1:$PORT2/radio.ogg" -t 11 \
	-f wav -y "$TMP/got-backup.wav" 2>"$TMP/ffmpeg-backup.err" &
CLIENTS+=($!)
python3 "$TMP/watch.py" "http://127.0.0.1:$PORT1/mobile.opus" 15 "$TMP/titles.opus" \
	"$TMP/titles-opus.json" ogg &
CLIENTS+=($!)
python3 "$TMP/watch.py" "http://127.0.0.1:$PORT1/radio.ogg" 15 "$TMP/titles.ogg" \
	"$TMP/titles-ogg.json" ogg &
CLIENTS+=($!)
TEST_PIDS+=("${CLIENTS[@]}")

# Icecast's titles per mount, polled for 15 s: "mount title" on each change.
: >"$TMP/ice-titles"
python3 - "$PORT1" "$TMP/ice-titles" <<'PY'
import json, sys, time, urllib.request
port, out = sys.argv[1], sys.argv[2]
last = {}
end = time.monotonic() + 15
with open(out, "w") as f:
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%s/status-json.xsl" % port, timeout=1) as r:
                src = json.load(r)["icestats"].get("source", [])
        except Exception:
            src = []
        for s in src if isinstance(src, list) else [src]:
            mount = "/" + s.get("listenurl", "").rsplit("/", 1)[-1]
            t = s.get("title", "")
            if t and last.get(mount) != t:
                last[mount] = t
                f.write("%s %s\n" % (mount, t))
                f.flush()
        time.sleep(0.1)
PY
wait "${CLIENTS[@]}" 2>/dev/null

# probe FILE: codec,rate,channels,frames of the first audio stream
probe() {
	ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels,duration_ts \
		-of csv=p=0 "$1" 2>/dev/null | head -1
}
for spec in "radio.ogg vorbis 44100 2" "mobile.opus opus 48000 1" "radio.mp3 mp3 44100 2" \
	"backup vorbis 44100 2"; do
	set -- $spec
	m=$1 codec=$2 rate=$3 ch=$4
	if [ "$m" = backup ]; then url="http://127.0.0.1:$PORT2/radio.ogg"; else url="http://127.0.0.1:$PORT1/$m"; fi
	info=$(probe "$url" | cut -d, -f1-3)
	check "$m: the stream is $codec $rate Hz, $ch channel(s) (ffprobe: '$info')" \
		[ "$info" = "$codec,$rate,$ch" ]
	got=$(probe "$TMP/got-$m.wav")
	IFS=, read -r _ wrate wch frames <<<"$got"
	check "$m: a client decodes >= 10 s at $rate Hz, $ch ch (got ${frames:-0} frames at ${wrate:-?} Hz, ${wch:-?} ch)" \
		[ "${wrate:-0}" = "$rate" ] && [ "${wch:-0}" = "$ch" ] && [ "${frames:-0}" -ge $((rate * 10)) ]
done

# title_order LIST: "ok" when the titles (one per line) follow the playlist
# order and at least two distinct ones were seen, else the reason
title_order() {
	python3 -c '
import re, sys
seq = ["Satu", "Dua", "Tiga"]
got = [m.group(1) for m in (re.search(r"Lagu (Satu|Dua|Tiga)", l) for l in sys.stdin) if m]
dedup = [t for i, t in enumerate(got) if i == 0 or got[i - 1] != t]
if len(dedup) < 2:
    print("saw %s, want >= 2 titles" % dedup)
elif any(seq[(seq.index(a) + 1) % 3] != b for a, b in zip(dedup, dedup[1:])):
    print("out of playlist order: %s" % dedup)
else:
    print("ok")'
}
for m in /radio.ogg /radio.mp3; do
	seen=$(grep "^$m " "$TMP/ice-titles" | cut -d' ' -f2-)
	res=$(title_order <<<"$seen")
	check "$m: Icecast's title changes at item boundaries, in playlist order ($(tr '\n' '|' <<<"$seen") $res)" \
		[ "$res" = ok ]
done
for f in ogg opus; do
	seen=$(report "$TMP/titles-$f.json" '"\n".join(l["title"] for l in r.get("links", []))')
	res=$(title_order <<<"$seen")
	check "$f: each chain link in the stream carries the next title ($(tr '\n' '|' <<<"$seen") $res)" \
		[ "$res" = ok ]
done

# ---- one server dies: the other's streams go on -------------------------------

# fault_check NAME REPORT RAW: no stall, no loss, no silent hole.  The lag
# (wall time minus audio position) may jitter by a page or so: at most
# 0.5 s + 1.5 pages (1 s at least); no Ogg granule step exceeds 1.6 times
# the usual one (a lost page makes it two); no chain link ends without its
# end-of-stream page; and the audio advanced as much as the wall clock.
fault_check() {
	local name=$1 rep=$2 raw=$3
	local err spread step median limit adv wall cut holes
	err=$(report "$rep" 'r["error"] or r.get("eof_at") or ""')
	spread=$(report "$rep" '"%.3f" % (r["lag_spread"] if r["lag_spread"] is not None else 99)')
	step=$(report "$rep" '"%.3f" % r.get("max_page_step", 0)')
	median=$(report "$rep" '"%.3f" % r.get("median_page_step", 0)')
	limit=$(report "$rep" '"%.2f" % max(1.0, 0.5 + 1.5 * r.get("median_page_step", 0))')
	adv=$(report "$rep" '"%.2f" % r["live_audio"]')
	wall=$(report "$rep" '"%.2f" % r["live_wall"]')
	cut=$(report "$rep" 'r.get("cut_links", 0)')
	check "$name: the stream never broke off (${err:-no error})" [ -z "$err" ]
	check "$name: audio kept pace with wall time: advanced $adv s in $wall s, lag spread $spread s (<= $limit)" \
		awk -v s="$spread" -v l="$limit" -v a="$adv" -v w="$wall" \
		'BEGIN { exit !(s <= l && w >= 10 && a >= w - l) }'
	case $raw in *.mp3) ;; *) # MP3 has no granule positions; its CBR bytes are the clock
		check "$name: no gap in the granule positions (largest step $step s, usual $median s; $cut links cut short)" \
			awk -v p="$step" -v m="$median" -v c="$cut" 'BEGIN { exit !(p <= 1.6 * m + 0.01 && c == 0) }'
		;;
	esac
	holes=$(ffmpeg -nostdin -i "$raw" -af silencedetect=n=-50dB:d=0.1 -f null - 2>&1 |
		grep -c silence_start || true)
	check "$name: the decoded audio has no silent hole > 100 ms (found $holes)" [ "$holes" -eq 0 ]
}

# Kill #2 during a recording of #1 (whose /radio.ogg shares the encoder
# with #2's output), then restart #2: its sink reconnects and the shared
# encoder starts a new chain link, which #1's listeners must not notice.
python3 "$TMP/watch.py" "http://127.0.0.1:$PORT1/radio.ogg" 16 "$TMP/k1.ogg" "$TMP/k1-ogg.json" ogg &
W1=$!
python3 "$TMP/watch.py" "http://127.0.0.1:$PORT1/radio.mp3" 16 "$TMP/k1.mp3" "$TMP/k1-mp3.json" mp3 128 &
W2=$!
python3 "$TMP/watch.py" "http://127.0.0.1:$PORT1/mobile.opus" 16 "$TMP/k1.opus" "$TMP/k1-opus.json" ogg &
W3=$!
TEST_PIDS+=("$W1" "$W2" "$W3")
sleep 3
kill "$ICE2_PID"
wait "$ICE2_PID" 2>/dev/null
sleep 5
icecast2 -c "$TMP/ice2/icecast.xml" >>"$TMP/ice2/log/stdout" 2>&1 &
ICE2_PID=$!
TEST_PIDS+=("$ICE2_PID")
wait "$W1" "$W2" "$W3"
fault_check "#1 /radio.ogg while #2 dies and returns" "$TMP/k1-ogg.json" "$TMP/k1.ogg"
fault_check "#1 /radio.mp3 while #2 dies and returns" "$TMP/k1-mp3.json" "$TMP/k1.mp3"
fault_check "#1 /mobile.opus while #2 dies and returns" "$TMP/k1-opus.json" "$TMP/k1.opus"
check "#2's output is back after its restart" mounts_up "$PORT2" 8 /radio.ogg

# And the other way round: #1 (three mounts) dies, #2 goes on.
python3 "$TMP/watch.py" "http://127.0.0.1:$PORT2/radio.ogg" 16 "$TMP/k2.ogg" "$TMP/k2-ogg.json" ogg &
W1=$!
TEST_PIDS+=("$W1")
sleep 3
kill "$ICE1_PID"
wait "$ICE1_PID" 2>/dev/null
sleep 5
icecast2 -c "$TMP/ice1/icecast.xml" >>"$TMP/ice1/log/stdout" 2>&1 &
ICE1_PID=$!
TEST_PIDS+=("$ICE1_PID")
wait "$W1"
fault_check "#2 /radio.ogg while #1 dies and returns" "$TMP/k2-ogg.json" "$TMP/k2.ogg"
check "#1's three outputs are back after its restart" \
	mounts_up "$PORT1" 8 /radio.ogg /mobile.opus /radio.mp3
check "siaran never exited" kill -0 "$SIARAN_PID"

# ---- listener statistics ------------------------------------------------------

# The clients above were counted by the web server's poller (every 10 s) and
# stored per mount; /radio.ogg counts the listeners of both servers.
API="http://127.0.0.1:$WEB_PORT"
curl -s -c "$TMP/cookies" -H 'Content-Type: application/json' \
	-d '{"username":"staf","password":"sandi-staf-12345"}' "$API/api/v1/session" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' "$API/api/v1/listeners?range=day")
check "GET /api/v1/listeners without a session is refused (got $code, want 401)" [ "$code" = 401 ]
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$TMP/cookies" "$API/api/v1/listeners?range=year")
check "range=year is a bad request (got $code, want 400)" [ "$code" = 400 ]
curl -s -b "$TMP/cookies" "$API/api/v1/listeners?range=day" >"$TMP/day.json"
curl -s -b "$TMP/cookies" "$API/api/v1/listeners?range=week" >"$TMP/week.json"
day=$(python3 - "$TMP/day.json" <<'PY'
import json, sys
from datetime import datetime
r = json.load(open(sys.argv[1]))
peaks = {s["mount"]: s["peak"] for s in r["series"]}
ats = [datetime.fromisoformat(p["at"]) for s in r["series"] for p in s["points"]]
aligned = all(a.timestamp() % 300 == 0 for a in ats)
span = (datetime.fromisoformat(r["to"]) - datetime.fromisoformat(r["from"])).total_seconds()
ok = (r["bucket_seconds"] == 300 and span == 86400 and aligned and
      all(peaks.get(m, 0) >= 1 for m in ("/radio.ogg", "/mobile.opus", "/radio.mp3")) and
      peaks.get("/radio.ogg") < 7)
print(("ok " if ok else "") + "bucket %s s, span %s s, aligned %s, peaks %s" %
      (r["bucket_seconds"], span, aligned, peaks))
PY
)
check "the day's statistics: 5-minute buckets over 24 h, each mount's clients counted, nothing older ($day)" \
	[ "${day#ok }" != "$day" ]
week=$(python3 - "$TMP/week.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ogg = [s for s in r["series"] if s["mount"] == "/radio.ogg"][0]
ok = r["bucket_seconds"] == 3600 and ogg["peak"] == 7 and len(ogg["points"]) >= 2
print(("ok " if ok else "") + "bucket %s s, /radio.ogg peak %s in %d buckets" %
      (r["bucket_seconds"], ogg["peak"], len(ogg["points"])))
PY
)
check "the week's statistics: hourly buckets, the 3-day-old sample included ($week)" \
	[ "${week#ok }" != "$week" ]
old=$(sqlite3 "$TMP/siaran.db" "SELECT count(*) FROM listener_stats WHERE listeners = 99")
check "samples older than 400 days are deleted ($old left)" [ "$old" = 0 ]
rows=$(sqlite3 "$TMP/siaran.db" "SELECT count(*) FROM listener_stats")
check "samples are stored on change and once a minute, not every poll ($rows rows)" [ "$rows" -lt 60 ]
curl -s "$API/metrics" >"$TMP/metrics"
metrics=$(grep -c '^siaran_listeners{output="[a-z]*",mount="/[a-z0-9.]*"} [0-9]' "$TMP/metrics" || true)
check "/metrics has the listeners of each of the 4 outputs ($(grep '^siaran_listeners{' "$TMP/metrics" | tr '\n' ' '))" \
	[ "$metrics" = 4 ]
