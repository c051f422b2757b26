#!/usr/bin/env bash
# Benchmark (make bench): what the archive costs.  `siaran run` streams one
# output (Vorbis q0.4 stereo) to a real local icecast2, alternately without
# and with [archive] (Opus 48 kbit/s stereo hour files), RUNS times each, in
# the same run of this script on the same PCM.  Prints the CPU seconds per
# hour of audio of each and the difference, min/median/max.
#
# siaran's CPU is utime + stime from /proc/PID/stat (all threads, so the
# archive's own thread counts) over a window of BENCH_SECONDS (default 60;
# run mode is paced), divided by the stream time produced in that window
# (siaran_stream_seconds from /metrics).
. "$(dirname "$0")/../tests/lib.sh"
set -u

RUNS=${BENCH_RUNS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-60}
HZ=$(getconf CLK_TCK)

for tool in icecast2 ffmpeg curl; do
	if ! command -v "$tool" >/dev/null; then
		echo "bench_archive: $tool is missing (make deps)" >&2
		exit 2
	fi
done
if [ ! -x "$SIARAN" ]; then
	echo "bench_archive: build ./siaran first (make)" >&2
	exit 2
fi

# 60 s of music-like stereo: chords with tremolo over pink noise.
ffmpeg -nostdin -loglevel error -y \
	-f lavfi -i "sine=frequency=220:sample_rate=44100:duration=60" \
	-f lavfi -i "sine=frequency=330:sample_rate=44100:duration=60" \
	-f lavfi -i "anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:duration=60" \
	-filter_complex "[0]tremolo=f=2:d=0.6,pan=stereo|c0=0.8*c0|c1=0.3*c0[a];\
[1]tremolo=f=5:d=0.7,pan=stereo|c0=0.3*c0|c1=0.8*c0[b];\
[2]pan=stereo|c0=c0|c1=0.7*c0[n];[a][b][n]amix=inputs=3,volume=2.5" \
	-c:a pcm_s16le -metadata title="Bench" "$TMP/music.wav" || {
	echo "bench_archive: cannot make the fixture" >&2
	exit 1
}

PASS="bench$RANDOM$RANDOM"
PORT=$(free_port)
if ! start_icecast "$TMP/ice" "$PORT" "$PASS"; then
	echo "bench_archive: icecast2 does not start" >&2
	exit 1
fi
echo music.wav >"$TMP/fallback.m3u"
write_conf "$TMP" "$PORT" "$PASS" fallback.m3u
cp "$TMP/siaran.conf" "$TMP/plain.conf"
printf '\n[archive]\nfolder = archive\nmin_free_mb = 1\n' >>"$TMP/siaran.conf"
mv "$TMP/siaran.conf" "$TMP/archive.conf"
chmod 600 "$TMP/plain.conf" "$TMP/archive.conf"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
stream_seconds() {
	curl -s --max-time 2 "http://127.0.0.1:$WEB_PORT/metrics" |
		awk '$1 == "siaran_stream_seconds" { print $2 }'
}

# measure CONF: CPU seconds per audio hour of one window
measure() {
	rm -rf "$TMP/siaran.db"* "$TMP/archive"
	"$SIARAN" run -c "$1" >"$TMP/siaran.log" 2>&1 &
	local pid=$!
	TEST_PIDS+=("$pid")
	if ! icecast_mount_up "$PORT" /radio.ogg 10 || ! wait_port "$WEB_PORT" 5; then
		echo "bench_archive: siaran does not stream: $(tail -2 "$TMP/siaran.log")" >&2
		exit 1
	fi
	sleep 2 # past start-up
	local t0 s0 t1 s1
	t0=$(cpu_ticks "$pid")
	s0=$(stream_seconds)
	sleep "$SECONDS_PER_RUN"
	t1=$(cpu_ticks "$pid")
	s1=$(stream_seconds)
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	awk -v t0="$t0" -v t1="$t1" -v hz="$HZ" -v s0="$s0" -v s1="$s1" \
		'BEGIN { if (s1 - s0 <= 0) exit 1; printf "%.1f", (t1 - t0) / hz / (s1 - s0) * 3600 }'
}

echo "bench_archive: $RUNS runs of ${SECONDS_PER_RUN} s each, without and with the archive (Opus 48 kbit/s)"
plain=()
archived=()
extra=()
for run in $(seq 1 "$RUNS"); do
	p=$(measure "$TMP/plain.conf") || exit 1
	a=$(measure "$TMP/archive.conf") || exit 1
	d=$(awk -v a="$a" -v p="$p" 'BEGIN { printf "%.1f", a - p }')
	echo "run $run: without $p, with archive $a CPU s per audio hour (archive +$d)"
	plain+=("$p")
	archived+=("$a")
	extra+=("$d")
done
summary() {
	local label=$1
	shift
	printf '%s\n' "$@" | sort -g | awk -v label="$label" '{ r[NR] = $1 }
		END { m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
		      printf "%s: min %.1f median %.1f max %.1f CPU s per audio hour\n", label, r[1], m, r[NR] }'
}
summary "without the archive" "${plain[@]}"
summary "with the archive" "${archived[@]}"
summary "the archive's cost" "${extra[@]}"
