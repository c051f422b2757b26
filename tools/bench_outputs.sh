#!/usr/bin/env bash
# Benchmark (make bench): the CPU that `siaran run` spends per hour of audio
# with three outputs (Vorbis q0.4 stereo, Opus 32 kbit/s mono, MP3 128 kbit/s
# stereo) streaming to a real local icecast2, against the sum of the
# standalone encoders (oggenc -q 4, opusenc --bitrate 32 --downmix-mono,
# lame -b 128) on the same PCM in the same run.  Prints each run and the ratio
# min/median/max of RUNS runs; the target is a ratio of at most 1.15.
#
# Two references: "live", the standalone encoders fed the PCM in real time
# (ffmpeg -re, as a pipeline station would), so that both pay for waking up
# paced; and "batch", the encoders on the file as fast as they go (hot
# caches, no pacing), the stricter figure.  Each of the three is measured
# alone, one after the other (on a 2-core machine, encoders running beside
# siaran inflate both sides' CPU time).  Exit status 0 when the live median
# meets the target; both are printed.
#
# siaran's CPU is utime + stime from /proc/PID/stat over a window of
# BENCH_SECONDS (default 60; the engine is paced in run mode), divided by the
# stream time it produced in that window (siaran_stream_seconds from /metrics).
# It includes everything the station does (decoding, loudness, mixing, the
# web server and its Icecast poller), which the standalone encoders do not.
#
# Needs: icecast2, ffmpeg, oggenc (vorbis-tools), opusenc (opus-tools),
# lame (lame), python3, curl.
. "$(dirname "$0")/../tests/lib.sh"
set -u

RUNS=${BENCH_RUNS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-60}
TARGET=1.15
HZ=$(getconf CLK_TCK)

for tool in icecast2 ffmpeg oggenc opusenc lame curl python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "bench_outputs: $tool is missing (apt-get install icecast2 ffmpeg vorbis-tools opus-tools lame curl)" >&2
		exit 2
	fi
done
if [ ! -x "$SIARAN" ]; then
	echo "bench_outputs: build ./siaran first (make)" >&2
	exit 2
fi

# The PCM: 60 s of music-like stereo (chords with tremolo, panned, over pink
# noise), at about -16 LUFS so siaran's loudness gain leaves it nearly as is.
ffmpeg -nostdin -loglevel error -y \
	-f lavfi -i "sine=frequency=220:sample_rate=44100:duration=60" \
	-f lavfi -i "sine=frequency=277:sample_rate=44100:duration=60" \
	-f lavfi -i "sine=frequency=330:sample_rate=44100:duration=60" \
	-f lavfi -i "anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:duration=60" \
	-filter_complex "[0]tremolo=f=2:d=0.6,pan=stereo|c0=0.8*c0|c1=0.3*c0[a];\
[1]tremolo=f=3:d=0.5,pan=stereo|c0=0.3*c0|c1=0.8*c0[b];\
[2]tremolo=f=5:d=0.7,pan=stereo|c0=0.5*c0|c1=0.5*c0[c];\
[3]pan=stereo|c0=c0|c1=0.7*c0[n];[a][b][c][n]amix=inputs=4,volume=2.5" \
	-c:a pcm_s16le -metadata title="Bench" -metadata artist="Siaran" "$TMP/music.wav" || {
	echo "bench_outputs: cannot make the fixture" >&2
	exit 1
}

PASS="bench$RANDOM$RANDOM"
PORT=$(free_port)
mkdir -p "$TMP/ice"
if ! start_icecast "$TMP/ice" "$PORT" "$PASS"; then
	echo "bench_outputs: icecast2 does not start: $(tail -2 "$TMP/ice/log/stdout")" >&2
	exit 1
fi
echo music.wav >"$TMP/fallback.m3u"
write_conf "$TMP" "$PORT" "$PASS" fallback.m3u
cat >>"$TMP/siaran.conf" <<CONF

[output.mobile]
server = 127.0.0.1
port = $PORT
password = $PASS
mount = /mobile.opus
format = opus
bitrate = 32
channels = 1

[output.legacy]
server = 127.0.0.1
port = $PORT
password = $PASS
mount = /radio.mp3
format = mp3
bitrate = 128
channels = 2
CONF

# cpu_ticks PID: utime + stime of a process, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
stream_seconds() {
	curl -s --max-time 2 "http://127.0.0.1:$WEB_PORT/metrics" |
		awk '$1 == "siaran_stream_seconds" { print $2 }'
}
mounts_up() {
	local i
	for i in $(seq 1 100); do
		[ "$(curl -s --max-time 1 "http://127.0.0.1:$PORT/status-json.xsl" |
			grep -o '"listenurl"' | wc -l)" -ge 3 ] && return 0
		sleep 0.1
	done
	return 1
}
# timed NAME COMMAND...: runs it, its user + system seconds into $TMP/cpu.NAME
timed() {
	local name=$1
	shift
	/usr/bin/time -f '%U %S' -o "$TMP/cpu.$name" "$@" >/dev/null 2>&1
}
cpu_of() { awk '{ printf "%.3f", $1 + $2 }' "$TMP/cpu.$1"; }

echo "bench_outputs: $RUNS runs of ${SECONDS_PER_RUN} s, Vorbis q0.4 stereo + Opus 32k mono + MP3 128k stereo"
echo "  live: the standalone encoders fed in real time (ffmpeg -re), after siaran's window"
echo "  batch: the standalone encoders on the 60 s file as fast as they go"
live_ratios=()
batch_ratios=()
paced_ratios=()
for run in $(seq 1 "$RUNS"); do
	rm -f "$TMP/siaran.db"* "$TMP"/cpu.*
	"$SIARAN" run -c "$TMP/siaran.conf" >"$TMP/siaran.log" 2>&1 &
	pid=$!
	TEST_PIDS+=("$pid")
	if ! mounts_up || ! wait_port "$WEB_PORT" 5; then
		echo "bench_outputs: siaran does not stream: $(tail -2 "$TMP/siaran.log")" >&2
		exit 1
	fi
	sleep 2 # past start-up (database, first item, connections)
	t0=$(cpu_ticks "$pid")
	s0=$(stream_seconds)
	sleep "$SECONDS_PER_RUN"
	t1=$(cpu_ticks "$pid")
	s1=$(stream_seconds)
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null

	# Then, alone in the same way, the same PCM paced like a live stream into
	# the three encoders.
	ffmpeg -nostdin -loglevel error -re -stream_loop -1 -i "$TMP/music.wav" \
		-t "$SECONDS_PER_RUN" -f wav - 2>/dev/null |
		tee >(timed live-vorbis oggenc -Q -q 4 -o "$TMP/live.ogg" -) \
			>(timed live-opus opusenc --quiet --bitrate 32 --downmix-mono - "$TMP/live.opus") |
		timed live-mp3 lame --quiet -b 128 - "$TMP/live.mp3"
	# The process substitutions may finish after the pipeline.
	for _ in $(seq 1 100); do
		[ -s "$TMP/cpu.live-vorbis" ] && [ -s "$TMP/cpu.live-opus" ] && break
		sleep 0.1
	done

	timed vorbis oggenc -Q -q 4 -o "$TMP/s.ogg" "$TMP/music.wav"
	timed opus opusenc --quiet --bitrate 32 --downmix-mono "$TMP/music.wav" "$TMP/s.opus"
	timed mp3 lame --quiet -b 128 "$TMP/music.wav" "$TMP/s.mp3"

	line=$(awk -v t0="$t0" -v t1="$t1" -v hz="$HZ" -v s0="$s0" -v s1="$s1" -v d="$SECONDS_PER_RUN" \
		-v lv="$(cpu_of live-vorbis)" -v lo="$(cpu_of live-opus)" -v lm="$(cpu_of live-mp3)" \
		-v v="$(cpu_of vorbis)" -v o="$(cpu_of opus)" -v m="$(cpu_of mp3)" 'BEGIN {
		audio = s1 - s0
		if (audio <= 0) { print "ERROR no stream time"; exit }
		siaran = (t1 - t0) / hz / audio * 3600
		live = (lv + lo + lm) / d * 3600
		batch = (v + o + m) / 60 * 3600
		printf "%.4f %.4f %.4f siaran %.1f CPU s per audio hour (%.1f s of audio); live encoders %.1f (oggenc %.1f, opusenc %.1f, lame %.1f); batch %.1f (%.1f, %.1f, %.1f)",
			siaran / live, siaran / batch, live / batch, siaran, audio, live, lv / d * 3600, lo / d * 3600,
			lm / d * 3600, batch, v / 60 * 3600, o / 60 * 3600, m / 60 * 3600
	}')
	case $line in ERROR*)
		echo "bench_outputs: run $run: $line" >&2
		exit 1
		;;
	esac
	read -r live_ratio batch_ratio paced_ratio rest <<<"$line"
	echo "run $run: ratio live $live_ratio, batch $batch_ratio: $rest"
	live_ratios+=("$live_ratio")
	batch_ratios+=("$batch_ratio")
	paced_ratios+=("$paced_ratio")
done

# summary LABEL TARGET RATIOS...: min/median/max; exit 1 if the median misses
# TARGET (none when TARGET is "-")
summary() {
	local label=$1 target=$2
	shift 2
	printf '%s\n' "$@" | sort -n | awk -v target="$target" -v label="$label" '
		{ r[NR] = $1 }
		END {
			median = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
			printf "%s: min %.3f median %.3f max %.3f", label, r[1], median, r[NR]
			if (target == "-") { printf "\n"; exit 0 }
			printf " (target <= %.2f): %s\n", target, median <= target ? "met" : "NOT met"
			exit median <= target ? 0 : 1
		}'
}
rc=0
summary "outputs ratio, siaran / live encoders" "$TARGET" "${live_ratios[@]}" || rc=1
summary "outputs ratio, siaran / batch encoders" "$TARGET" "${batch_ratios[@]}" || true
# What pacing alone costs on this machine: the same encoders, the same PCM,
# paced against as fast as they go.  No streaming process can beat it.
summary "the standalone encoders themselves, live / batch" - "${paced_ratios[@]}"
exit $rc
