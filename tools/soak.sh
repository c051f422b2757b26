#!/usr/bin/env bash
# Long runs (`make soak`, not part of `make test`):
#  1. 24 h of schedule rendered unpaced: time taken, RSS sampled from /proc
#     every few seconds (must stay flat), the as-run CSV complete (aired rows
#     back to back covering the whole window).
#  2. 30 min of real-time streaming to a local icecast2 while wrk loads
#     GET /api/v1/nowplaying (loopback only, bounded): RSS flat, no underruns
#     (GET /metrics), siaran still up.
# Prints TAP lines and "# " figures; exit status 1 if any check failed.
# Environment: SOAK_HOURS (render window, default 24; 0 skips it), SOAK_MINUTES
# (streaming, default 30), SOAK_RSS_MB (allowed growth, default 8), SOAK_KEEP=1 keeps the
# work folder.
set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
SIARAN="$ROOT/siaran"
HOURS=${SOAK_HOURS:-24}
MINUTES=${SOAK_MINUTES:-30}
RSS_MB=${SOAK_RSS_MB:-8}
W=$(mktemp -d /tmp/siaran-soak.XXXXXX)
chmod 755 "$W"
PIDS=()
failed=0
finish() {
	for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -z "${SOAK_KEEP:-}" ] && rm -rf "$W"
}
trap finish EXIT
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b - a}'; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

if [ ! -x "$SIARAN" ]; then
	not_ok "soak: ./siaran is not built"
	exit 1
fi

# sample_rss PID FILE: "seconds rss_kb" lines every 3 s while PID lives
sample_rss() {
	local pid=$1 out=$2 t0
	t0=$(now)
	while [ -r "/proc/$pid/status" ]; do
		rss=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null)
		[ -n "$rss" ] && echo "$(since "$t0") $rss" >>"$out"
		sleep 3
	done
}
# rss_report FILE: prints "first_kb last_kb max_kb growth_kb samples"; the
# baseline is the highest sample of the first 10 % (after warm-up: decoders,
# encoder and caches reach their size there), the growth is the highest sample
# of the last half above it
rss_report() {
	awk '{t[NR] = $1; r[NR] = $2} END {
		n = NR; if (n < 4) { print "0 0 0 0 " n; exit }
		w = int(n / 10); if (w < 2) w = 2
		base = 0; for (i = 1; i <= w; i++) if (r[i] > base) base = r[i]
		late = 0; for (i = int(n / 2); i <= n; i++) if (r[i] > late) late = r[i]
		max = 0; for (i = 1; i <= n; i++) if (r[i] > max) max = r[i]
		print base, r[n], max, late - base, n }' "$1"
}
# print the RSS curve in ten steps
rss_curve() {
	awk '{t[NR] = $1; r[NR] = $2} END { for (k = 1; k <= 10; k++) { i = int(NR * k / 10); if (i < 1) i = 1;
		printf "# rss at %7.0f s: %6.1f MB\n", t[i], r[i] / 1024 } }' "$1"
}

# ---- the station: a fallback of tones of varied length ----------------------------

for i in 1 2 3 4 5 6 7; do
	ffmpeg -nostdin -loglevel error -y -f lavfi \
		-i "sine=frequency=$((200 + i * 90)):sample_rate=44100:duration=$((17 + i * 11))" \
		-af "volume=0.4,aformat=channel_layouts=stereo" -metadata title="Nada $i" \
		-metadata artist="Soak" "$W/t$i.flac"
done
printf 't%d.flac\n' 1 2 3 4 5 6 7 >"$W/fallback.m3u"
ICE_PORT=$(free_port)
WEB_PORT=$(free_port)
PASS="soak$RANDOM$RANDOM"
cat >"$W/siaran.conf" <<CONF
[station]
name = Radio Soak
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
password = $PASS
mount = /radio.ogg
format = vorbis
quality = 0.1
channels = 2

[web]
listen = 127.0.0.1:$WEB_PORT
CONF

# contiguous CSV FROM TO: "" when the aired rows run back to back from FROM to
# TO, else what is wrong
contiguous() {
	python3 - "$@" <<'PY'
import csv, sys
try:
    rows = [r for r in csv.DictReader(open(sys.argv[1], newline=""))
            if not r["reason"].startswith("skipped")]
except (OSError, KeyError) as e:
    print(f"no as-run CSV: {e}"); sys.exit()
problems = []
if not rows:
    print("no aired rows"); sys.exit()
if not rows[0]["start"].startswith(sys.argv[2]):
    problems.append(f"first row starts {rows[0]['start']}, want {sys.argv[2]}")
if not rows[-1]["end"].startswith(sys.argv[3]):
    problems.append(f"last row ends {rows[-1]['end']}, want {sys.argv[3]}")
gaps = [(a["end"], b["start"]) for a, b in zip(rows, rows[1:]) if a["end"] != b["start"]]
if gaps:
    problems.append(f"{len(gaps)} gaps or overlaps, first {gaps[0]}")
print("; ".join(problems))
PY
}

# ---- 1. 24 h rendered unpaced ----------------------------------------------------------

if [ "$HOURS" -gt 0 ]; then

	from="2026-12-01 00:00:00"
	to=$(date -d "2026-12-01 00:00:00 $HOURS hours" '+%Y-%m-%d %H:%M:%S')
	echo "# rendering $from .. $to unpaced"
	t0=$(now)
	"$SIARAN" render -c "$W/siaran.conf" --from "$from" --to "$to" -o "$W/day.ogg" \
		--asrun "$W/day.csv" >"$W/render.log" 2>&1 &
	RPID=$!
	PIDS+=("$RPID")
	sample_rss "$RPID" "$W/render.rss" &
	PIDS+=("$!")
	rc=0
	wait "$RPID" || rc=$?
	took=$(since "$t0")
	check "render of $HOURS h exits 0 (got $rc: $(tail -1 "$W/render.log"))" [ $rc -eq 0 ]
	echo "# render of $HOURS h took $took s ($(awk -v h="$HOURS" -v t="$took" 'BEGIN{printf "%.0f", h * 3600 / t}')x real time), $(stat -c %s "$W/day.ogg" 2>/dev/null) bytes"
	rss_curve "$W/render.rss"
	read -r base last max growth n < <(rss_report "$W/render.rss")
	echo "# render RSS: baseline $((base / 1024)) MB, last $((last / 1024)) MB, max $((max / 1024)) MB, growth $((growth / 1024)) MB over $n samples"
	check "render RSS stays flat (grew $growth kB after warm-up, limit $((RSS_MB * 1024)) kB)" \
		[ "$n" -ge 4 ] && [ "$growth" -le $((RSS_MB * 1024)) ]
	rows=$(($(wc -l <"$W/day.csv") - 1))
	problem=$(contiguous "$W/day.csv" "${from%:00}" "${to%:00}")
	check "render as-run complete: $rows rows back to back from $from to $to (${problem:-ok})" [ -z "$problem" ]
	skipped=$(grep -c ',skipped' "$W/day.csv" || true)
	echo "# render as-run: $rows rows, $skipped skipped"
	rm -f "$W/day.ogg"
fi

# ---- 2. real-time streaming under API load ----------------------------------------------

ICE="$W/ice"
mkdir -p "$ICE/log"
owner=""
if [ "$(id -u)" -eq 0 ]; then
	chown -R icecast2:icecast "$ICE/log" 2>/dev/null
	owner="<changeowner><user>icecast2</user><group>icecast</group></changeowner>"
fi
cat >"$ICE/icecast.xml" <<XML
<icecast>
  <limits><clients>100</clients><sources>4</sources><source-timeout>10</source-timeout><burst-size>65536</burst-size></limits>
  <authentication><source-password>$PASS</source-password><admin-user>admin</admin-user><admin-password>$PASS</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>$ICE_PORT</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>$ICE/log</logdir><webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
  <security><chroot>0</chroot>$owner</security>
</icecast>
XML
icecast2 -c "$ICE/icecast.xml" >"$ICE/log/stdout" 2>&1 &
PIDS+=("$!")
sleep 1
start_local=$(TZ=Asia/Jakarta date '+%Y-%m-%d %H:%M:%S')
"$SIARAN" run -c "$W/siaran.conf" >"$W/run.log" 2>&1 &
SPID=$!
PIDS+=("$SPID")
for _ in $(seq 1 100); do
	curl -s "http://127.0.0.1:$ICE_PORT/status-json.xsl" | grep -q '/radio.ogg' && break
	sleep 0.1
done
if ! kill -0 "$SPID" 2>/dev/null; then
	not_ok "siaran run starts for the streaming soak: $(tail -3 "$W/run.log" | tr '\n' ' ')"
	exit 1
fi
# a listener for the whole run, so the stream is really consumed
timeout $((MINUTES * 60 + 30)) curl -s -o /dev/null "http://127.0.0.1:$ICE_PORT/radio.ogg" &
PIDS+=("$!")
sample_rss "$SPID" "$W/run.rss" &
PIDS+=("$!")
echo "# streaming for $MINUTES min with wrk on /api/v1/nowplaying"
if command -v wrk >/dev/null; then
	wrk -t 2 -c 16 -d "${MINUTES}m" --latency "http://127.0.0.1:$WEB_PORT/api/v1/nowplaying" \
		>"$W/wrk.txt" 2>&1
	grep -E 'Requests/sec|Latency |99%|Non-2xx|Socket errors' "$W/wrk.txt" | sed 's/^/# wrk: /'
	non2xx=$(awk '/Non-2xx/{print $NF}' "$W/wrk.txt")
	sockerr=$(grep 'Socket errors' "$W/wrk.txt")
	requests=$(awk '/requests in/{print $1}' "$W/wrk.txt")
	check "wrk: ${requests:-no} requests, every answer 2xx (non-2xx: ${non2xx:-0}), no socket errors (${sockerr:-none})" \
		[ "${requests:-0}" -gt 0 ] && [ -z "$non2xx" ] && [ -z "$sockerr" ]
else
	echo "# wrk is not installed: streaming without load"
	sleep $((MINUTES * 60))
fi
metrics=$(curl -s -m 5 "http://127.0.0.1:$WEB_PORT/metrics")
underruns=$(echo "$metrics" | awk '/^siaran_underruns_total/{print $2}')
streamed=$(echo "$metrics" | awk '/^siaran_stream_seconds/{print $2}')
echo "# metrics: underruns ${underruns:-?}, stream seconds ${streamed:-?}"
check "siaran is still running after $MINUTES min under load ($(tail -1 "$W/run.log"))" kill -0 "$SPID"
check "no underruns while streaming under load (siaran_underruns_total ${underruns:-missing})" \
	[ "${underruns:-x}" = 0 ]
rss_curve "$W/run.rss"
read -r base last max growth n < <(rss_report "$W/run.rss")
echo "# streaming RSS: baseline $((base / 1024)) MB, last $((last / 1024)) MB, max $((max / 1024)) MB, growth $((growth / 1024)) MB over $n samples"
check "streaming RSS stays flat (grew $growth kB after warm-up, limit $((RSS_MB * 1024)) kB)" \
	[ "$n" -ge 4 ] && [ "$growth" -le $((RSS_MB * 1024)) ]
kill -TERM "$SPID"
rc=0
wait "$SPID" || rc=$?
check "SIGTERM after the soak: exit 0 (got $rc)" [ $rc -eq 0 ]
end_local=$(TZ=Asia/Jakarta date '+%Y-%m-%d %H:%M:%S')
"$SIARAN" asrun -c "$W/siaran.conf" --from "$start_local" --to "$end_local" --csv >"$W/run.csv" 2>/dev/null
rows=$(($(wc -l <"$W/run.csv") - 1))
gaps=$(python3 - "$W/run.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline="")) if not r["reason"].startswith("skipped")]
print(sum(1 for a, b in zip(rows, rows[1:]) if a["end"] != b["start"]))
PY
)
check "streaming as-run: $rows rows, back to back ($gaps gaps)" [ "$rows" -ge 1 ] && [ "$gaps" = 0 ]

echo "# soak finished; work folder $W$([ -z "${SOAK_KEEP:-}" ] && echo ' (removed)')"
exit $failed
