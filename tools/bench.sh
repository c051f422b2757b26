#!/usr/bin/env bash
# `make bench`: Siaran's cost over plain Vorbis encoding, and its memory.
#
#   1. A fixed workload: 10 different synthesized 3-minute 44.1 kHz stereo
#      pieces (build/tools/mkdemo -n 10 -s 180; seeded, so identical on every
#      machine), as a 30-minute fallback playlist.
#   2. `siaran render` of those 30 minutes to Ogg Vorbis q0.4, against
#      `oggenc -q 4` of the same PCM (the same items decoded to one WAV first),
#      3 runs each, interleaved.  CPU seconds (user + sys, all threads) per hour
#      of audio, min / median / max, and the ratio (target: at most 1.15);
#      again with the pieces imported (loudness gain) and 2 s crossfades.
#   3. Peak RSS (VmHWM) of `siaran run` streaming to a local icecast2 with one
#      listener for 20 s (target: under 30 MB).
#   4. Later benchmarks run only when their feature exists: planning a 7-day
#      rundown, and wrk against GET /api/v1/nowplaying.
#   5. The engine's worst block time and smallest lead over real time with a
#      10,000-item library and a library write every second.
#   6. A presenter on the live input (Ogg Vorbis in, Vorbis out): CPU per
#      audio-hour of `siaran run` against files in the same run and oggenc
#      -q 4 of the same PCM, and the time from the encoder's first byte to on
#      air (target: buffer + 1 s).
#
# Environment: BENCH_DIR (default /tmp/siaran-bench; the workload is kept
# there between runs), BENCH_RUNS (default 3), BENCH_STREAM_SECONDS (20).
set -eo pipefail
# the integration tests' helpers: start_icecast, write_conf, free_port,
# wait_port; processes put in TEST_PIDS are stopped on exit
. "$(dirname "$0")/../tests/lib.sh"
set -e
MKDEMO="$ROOT/build/tools/mkdemo"
B=${BENCH_DIR:-/tmp/siaran-bench}
RUNS=${BENCH_RUNS:-3}
STREAM_SECONDS=${BENCH_STREAM_SECONDS:-20}
AUDIO_SECONDS=1800

die() {
	echo "bench: $*" >&2
	exit 1
}
note() { echo "bench: $*" >&2; }

for tool in "$SIARAN" "$MKDEMO"; do
	[ -x "$tool" ] || die "$tool is missing: run 'make' first (or 'make bench')"
done
for cmd in oggenc ffmpeg python3 icecast2 curl; do
	command -v "$cmd" >/dev/null || die "$cmd is not installed ('make deps')"
done

# cpu_seconds COMMAND...: runs it (output discarded) and prints the user +
# system CPU seconds it and all its threads and children used.
cpu_seconds() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if r.returncode != 0:
    sys.stderr.write(r.stderr.decode(errors="replace")[-500:])
    sys.exit(f"{sys.argv[1]} exited with {r.returncode}")
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{u.ru_utime + u.ru_stime:.3f}")
PY
}

# stats V...: "min median max" of the numbers
stats() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		      printf "%.3f %.3f %.3f", v[1], m, v[NR] }'
}

# ---- the workload ----------------------------------------------------------------

make_workload() {
	mkdir -p "$B"
	if [ "$(ls "$B"/music/*.flac 2>/dev/null | wc -l)" -ne 10 ]; then
		note "synthesizing the workload: 10 pieces of 180 s"
		rm -rf "$B/music"
		"$MKDEMO" -n 10 -s 180 "$B/music" >/dev/null
	fi
	(cd "$B" && ls music/*.flac) >"$B/fallback.m3u"
	if [ ! -s "$B/workload.wav" ]; then
		note "decoding the same items to one WAV for oggenc"
		local list="$B/concat.txt" f
		: >"$list"
		while read -r f; do echo "file '$B/$f'" >>"$list"; done <"$B/fallback.m3u"
		ffmpeg -nostdin -loglevel error -y -f concat -safe 0 -i "$list" \
			-ar 44100 -ac 2 -c:a pcm_s16le "$B/workload.wav"
	fi
	# The same pieces as WAV: siaran then reads what oggenc reads, and the
	# ratio measures the engine, not the FLAC decoder.
	mkdir -p "$B/music-wav"
	local f
	for f in "$B"/music/*.flac; do
		local w="$B/music-wav/$(basename "$f" .flac).wav"
		[ -s "$w" ] || ffmpeg -nostdin -loglevel error -y -i "$f" -c:a pcm_s16le "$w"
	done
	(cd "$B" && ls music-wav/*.wav) >"$B/fallback-wav.m3u"
	cp "$B/fallback.m3u" "$B/fallback-flac.m3u"
}

# ---- 1: render vs oggenc ----------------------------------------------------------

# bench_encode INPUT: INPUT is wav or flac, the format siaran reads the pieces in
bench_encode() {
	local input=$1 i s o siaran_runs=() oggenc_runs=() ratios=()
	cp "$B/fallback-$input.m3u" "$B/fallback.m3u"
	for i in $(seq 1 "$RUNS"); do
		rm -f "$B/siaran.db" "$B/siaran.db-wal" "$B/siaran.db-shm"
		s=$(cpu_seconds "$SIARAN" render -c "$B/siaran.conf" --from "2026-01-05 00:00:00" \
			--to "2026-01-05 00:30:00" -o "$B/render.ogg")
		o=$(cpu_seconds oggenc -Q -q 4 -o "$B/oggenc.ogg" "$B/workload.wav")
		siaran_runs+=("$(awk -v c="$s" -v a=$AUDIO_SECONDS 'BEGIN { print c * 3600 / a }')")
		oggenc_runs+=("$(awk -v c="$o" -v a=$AUDIO_SECONDS 'BEGIN { print c * 3600 / a }')")
		ratios+=("$(awk -v s="$s" -v o="$o" 'BEGIN { print s / o }')")
		note "run $i: siaran render ${s} s CPU, oggenc ${o} s CPU for 30 min of audio"
	done
	local frames
	frames=$(ffmpeg -nostdin -loglevel error -i "$B/render.ogg" -f s16le -ac 2 - | wc -c |
		awk '{ print int($1 / 4) }')
	read -r s_min s_med s_max <<<"$(stats "${siaran_runs[@]}")"
	read -r o_min o_med o_max <<<"$(stats "${oggenc_runs[@]}")"
	read -r r_min r_med r_max <<<"$(stats "${ratios[@]}")"
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "CPU s/h of audio: siaran render ($input)" \
		"$s_min" "$s_med" "$s_max" "q0.4, $RUNS runs")")
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "CPU s/h of audio: oggenc -q 4 (wav)" \
		"$o_min" "$o_med" "$o_max" "same PCM")")
	local verdict="target <= 1.15: $(awk -v r="$r_med" 'BEGIN { print (r <= 1.15 ? "met" : "MISSED") }')"
	[ "$input" = flac ] && verdict="includes FLAC decoding, which oggenc does not do"
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "ratio siaran ($input) / oggenc" "$r_min" "$r_med" \
		"$r_max" "$verdict")")
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "rendered frames (want 79380000)" "" "$frames" "" \
		"$([ "$frames" = 79380000 ] && echo exact || echo WRONG)")")
}

# bench_processed: the same 30 minutes with what a station adds on top of
# playing files: every piece imported into the library (so its loudness gain
# applies: the pieces differ in loudness) and 2 s crossfades between them.
bench_processed() {
	local P="$B/processed" i s o siaran_runs=() ratios=()
	rm -rf "$P"
	mkdir -p "$P"
	write_conf "$P" 9 unused fallback.m3u "crossfade = 2"
	"$SIARAN" import -c "$P/siaran.conf" "$B"/music-wav/*.wav >"$P/import.log" 2>&1 ||
		die "import of the workload failed (see $P/import.log)"
	sqlite3 "$P/siaran.db" "SELECT path FROM media ORDER BY id" >"$P/fallback.m3u"
	local gains
	gains=$(sqlite3 "$P/siaran.db" \
		"SELECT printf('%+.1f to %+.1f dB', min(-16 - loudness), max(-16 - loudness)) FROM media")
	for i in $(seq 1 "$RUNS"); do
		s=$(cpu_seconds "$SIARAN" render -c "$P/siaran.conf" --from "2026-01-05 00:00:00" \
			--to "2026-01-05 00:30:00" -o "$P/render.ogg")
		o=$(cpu_seconds oggenc -Q -q 4 -o "$B/oggenc.ogg" "$B/workload.wav")
		siaran_runs+=("$(awk -v c="$s" -v a=$AUDIO_SECONDS 'BEGIN { print c * 3600 / a }')")
		ratios+=("$(awk -v s="$s" -v o="$o" 'BEGIN { print s / o }')")
		note "run $i: siaran render with gain and crossfades ${s} s CPU, oggenc ${o} s CPU"
	done
	read -r s_min s_med s_max <<<"$(stats "${siaran_runs[@]}")"
	read -r r_min r_med r_max <<<"$(stats "${ratios[@]}")"
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "CPU s/h: render, loudness gain + crossfade" \
		"$s_min" "$s_med" "$s_max" "gains $gains, 2 s crossfades")")
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "ratio of that / oggenc" "$r_min" "$r_med" \
		"$r_max" "target <= 1.15: $(awk -v r="$r_med" 'BEGIN { print (r <= 1.15 ? "met" : "MISSED") }')")")
}

# ---- 2: memory of the live station ----------------------------------------------------

bench_stream() {
	local ice_port web_port
	ice_port=$(free_port)
	write_conf "$B" "$ice_port" "bench$$" fallback.m3u
	web_port=$WEB_PORT
	chmod 755 "$B"
	start_icecast "$B/icecast" "$ice_port" "bench$$" || die "icecast2 did not start (see $B/icecast/log/)"
	rm -f "$B/siaran.db" "$B/siaran.db-wal" "$B/siaran.db-shm"
	"$SIARAN" run -c "$B/siaran.conf" 2>"$B/run.log" &
	local pid=$!
	TEST_PIDS+=("$pid")
	wait_port "$web_port" 10 || die "siaran run did not start (see $B/run.log)"
	sleep 1
	curl -s --max-time "$STREAM_SECONDS" -o /dev/null "http://127.0.0.1:$ice_port/radio.ogg" &
	TEST_PIDS+=($!)
	note "streaming to icecast2 with one listener for $STREAM_SECONDS s"
	sleep "$STREAM_SECONDS"
	kill -0 "$pid" 2>/dev/null || die "siaran run exited early (see $B/run.log)"
	local hwm rss
	hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "siaran run peak RSS (VmHWM), MB" "" \
		"$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')" "" \
		"now $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') MB; target < 30: $([ "$hwm" -lt 30720 ] && echo met || echo MISSED)")")

	bench_nowplaying "$web_port"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}

# ---- hooks: benchmarks of later features, run when the feature exists ----------

# GET /api/v1/nowplaying under load (wrk), while the station streams.
bench_nowplaying() { # WEB_PORT
	local url="http://127.0.0.1:$1/api/v1/nowplaying"
	if ! command -v wrk >/dev/null; then
		RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "nowplaying under wrk" "" "-" "" "skipped: no wrk")")
		return 0
	fi
	if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" != 200 ]; then
		RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "nowplaying under wrk" "" "-" "" "skipped: no $url")")
		return 0
	fi
	local out rps p99
	out=$(wrk -t 2 -c 32 -d 10s --latency "$url" 2>&1)
	rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
	p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "GET /api/v1/nowplaying, requests/s" "" \
		"${rps:-?}" "" "wrk 2 threads, 32 connections, 10 s; p99 ${p99:-?}")")
}

# Planning a 7-day rundown for a library of 10,000 items and 200 rotation
# shows (`siaran rundown` for each day), wall seconds.  The rows share one
# real file: planning reads the library, not the audio.
bench_rundown_week() {
	local P="$B/plan" d start end items=0 n
	rm -rf "$P"
	mkdir -p "$P"
	ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=440:duration=1" "$P/x.wav"
	printf 'x.wav\n' >"$P/fallback.m3u"
	write_conf "$P" 9 unused fallback.m3u
	"$SIARAN" import -c "$P/siaran.conf" "$P/x.wav" >/dev/null 2>&1 || die "import failed"
	python3 - "$P/siaran.db" "$(sqlite3 "$P/siaran.db" 'SELECT path FROM media LIMIT 1')" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); path = sys.argv[2]
db.executemany("INSERT INTO media (sha256, path, kind, title, artist, duration, frames, rate,"
               " loudness, true_peak, cue_in, cue_out, created_at)"
               " VALUES (?, ?, 'music', ?, ?, ?, ?, 44100, -20, -3, 0, ?, 0)",
               [(f"bench{i}", path, f"Lagu {i}", f"Artis {i % 700}", 120 + i % 200,
                 (120 + i % 200) * 44100, (120 + i % 200) * 44100) for i in range(10000)])
db.executemany("INSERT INTO media_category (media_id, category) SELECT id, ? FROM media"
               " WHERE sha256 = ?", [(f"c{i % 20}", f"bench{i}") for i in range(10000)])
db.executemany("INSERT INTO shows (name, days, start_time, duration, content, categories,"
               " seed, created_at) VALUES (?, ?, ?, 3600, 'rotation', ?, ?, 0)",
               [(f"Acara {i}", 1 << (i % 7), (i // 7) * 3000 % 86400,
                 f"c{i % 20},c{(i + 3) % 20}", i) for i in range(200)])
db.commit()
PY
	# days to come: a day that has begun is the as-run up to now, not a plan
	local days=() i
	for i in 1 2 3 4 5 6 7; do days+=("$(TZ=Asia/Jakarta date -d "+$i day" +%F)"); done
	start=$(date +%s.%N)
	for d in "${days[@]}"; do
		n=$("$SIARAN" rundown -c "$P/siaran.conf" --date "$d" 2>>"$B/rundown.log" | wc -l) ||
			die "siaran rundown failed (see $B/rundown.log)"
		items=$((items + n))
	done
	end=$(date +%s.%N)
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "7-day rundown, 10k media, 200 shows (s)" "" \
		"$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" "" \
		"$items items; target < 1 s")")
}

# The engine's worst block time and its smallest lead over real time (how close
# it came to its deadline) while it streams from a 10,000-item library (5 s
# cuts of the workload's pieces, a rotation show over all of them) and a
# library write lands every second (a title edit, which really changes the
# catalogue) with a listener-count insert, for BENCH_ENGINE_SECONDS (30).
bench_engine_under_writes() {
	local E="$B/engine" ice_port pid seconds=${BENCH_ENGINE_SECONDS:-30}
	rm -rf "$E"
	mkdir -p "$E"
	chmod 755 "$E"
	ice_port=$(free_port)
	start_icecast "$E/icecast" "$ice_port" "bench$$" || die "icecast2 did not start"
	: >"$E/empty.m3u"
	write_conf "$E" "$ice_port" "bench$$" empty.m3u
	"$SIARAN" rundown -c "$E/siaran.conf" >/dev/null 2>&1 || true # creates the schema
	python3 - "$E/siaran.db" "$B"/music/*.flac <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
files = sys.argv[2:]
db.executemany("INSERT INTO media (sha256, path, kind, title, artist, duration, frames, rate,"
               " loudness, true_peak, cue_in, cue_out, created_at)"
               " VALUES (?, ?, 'music', ?, ?, 5.0, 7938000, 44100, -18.0, -3.0, 0, 220500, 0)",
               [(f"{i:064x}", files[i % len(files)], f"Lagu {i}", f"Penyanyi {i % 700}")
                for i in range(10000)])
db.execute("INSERT INTO media_category (media_id, category) SELECT id, 'musik' FROM media")
db.execute("INSERT INTO shows (name, days, start_time, duration, content, categories,"
           " track_separation_hours, artist_separation_minutes, created_at)"
           " VALUES ('Sepanjang Hari', 127, 0, 86400, 'rotation', 'musik', 3, 1, 0)")
db.commit()
PY
	"$SIARAN" run -c "$E/siaran.conf" 2>"$E/run.log" &
	pid=$!
	TEST_PIDS+=("$pid")
	wait_port "$WEB_PORT" 10 || die "siaran run did not start (see $E/run.log)"
	note "10,000-item library, a write every second, for $seconds s"
	local i
	for i in $(seq 1 "$seconds"); do
		sqlite3 -cmd '.timeout 5000' "$E/siaran.db" \
			"UPDATE media SET title = 'Lagu $i' WHERE id = $((i * 300 % 10000 + 1));
			 INSERT INTO listener_stats (at, mount, listeners) VALUES ($(date +%s%3N), '/radio.ogg', $i);"
		sleep 1
	done
	local m worst lead underruns aired
	m=$(curl -s -m 2 "http://127.0.0.1:$WEB_PORT/metrics")
	worst=$(echo "$m" | awk '$1 == "siaran_engine_worst_block_seconds" { printf "%.1f", $2 * 1000 }')
	lead=$(echo "$m" | awk '$1 == "siaran_engine_min_lead_seconds" { printf "%.0f", $2 * 1000 }')
	underruns=$(echo "$m" | awk '$1 == "siaran_underruns_total" { print $2 }')
	aired=$(echo "$m" | awk '$1 == "siaran_items_aired_total" { print $2 }')
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "engine worst block, 10k library + writes (ms)" "" \
		"$worst" "" "smallest lead over real time ${lead} ms of 300; $underruns underruns; $aired items")")
}

# ---- live input: a presenter's Ogg Vorbis in, Vorbis out ----------------------------

# proc_cpu PID: user + system CPU seconds of PID (all its threads) so far
proc_cpu() {
	awk -v t="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"
}

# CPU per audio-hour of `siaran run` while a presenter streams the workload (Ogg
# Vorbis q4 in, the station's Vorbis out), against the same span of files
# from the fallback in the same run, and against oggenc -q 4 of the same
# PCM; and the time from the presenter's first byte to the station's output.
# ffmpeg sends Ogg pages of 0.2 s here, as libshout-based encoders (BUTT,
# Mixxx) about do; its default of 1 s pages adds up to a second.
bench_live() {
	local L="$B/live" ice_port live_port pid enc t0 t1 t2 t3 file_cpu live_cpu ogg_cpu
	mkdir -p "$L"
	chmod 755 "$L"
	ice_port=$(free_port)
	live_port=$(free_port)
	write_conf "$L" "$ice_port" "bench$$" "$B/fallback-wav.m3u"
	printf '\n[live]\nlisten = 127.0.0.1:%s\n' "$live_port" >>"$L/siaran.conf"
	rm -f "$L/siaran.db" "$L/siaran.db-wal" "$L/siaran.db-shm"
	echo "bench-live-123" | "$SIARAN" user add -c "$L/siaran.conf" penyiar --role operator >/dev/null 2>&1
	start_icecast "$L/icecast" "$ice_port" "bench$$" || die "icecast2 did not start (see $L/icecast/log/)"
	"$SIARAN" run -c "$L/siaran.conf" 2>"$L/run.log" &
	pid=$!
	TEST_PIDS+=("$pid")
	wait_port "$WEB_PORT" 10 && wait_port "$live_port" 5 || die "siaran run did not start (see $L/run.log)"
	curl -s --max-time $((3 * STREAM_SECONDS + 30)) -o /dev/null "http://127.0.0.1:$ice_port/radio.ogg" &
	TEST_PIDS+=($!)
	# the fallback's loudness is measured at the first start: not in the window
	local i
	for i in $(seq 1 60); do
		[ "$(grep -c 'fallback entry .* measured' "$L/run.log")" -ge 10 ] && break
		sleep 0.5
	done
	sleep 2
	note "live input: $STREAM_SECONDS s of files, then $STREAM_SECONDS s of a presenter"
	t0=$(proc_cpu "$pid")
	sleep "$STREAM_SECONDS"
	t1=$(proc_cpu "$pid")
	ffmpeg -nostdin -loglevel error -re -i "$B/workload.wav" -t $((STREAM_SECONDS + 20)) \
		-c:a libvorbis -q:a 4 -content_type application/ogg -page_duration 200000 -f ogg \
		"icecast://penyiar:bench-live-123@127.0.0.1:$live_port/live" >"$L/encoder.log" 2>&1 &
	enc=$!
	TEST_PIDS+=("$enc")
	kind_wait "http://127.0.0.1:$WEB_PORT" live 10 >/dev/null || die "the presenter never aired (see $L/run.log)"
	t2=$(proc_cpu "$pid")
	sleep "$STREAM_SECONDS"
	t3=$(proc_cpu "$pid")
	kill "$enc" 2>/dev/null
	sleep 2
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	ffmpeg -nostdin -loglevel error -y -i "$B/workload.wav" -t "$STREAM_SECONDS" "$L/excerpt.wav"
	ogg_cpu=$(cpu_seconds oggenc -Q -q 4 -o "$L/excerpt.ogg" "$L/excerpt.wav")
	file_cpu=$(awk -v a="$t0" -v b="$t1" -v s="$STREAM_SECONDS" 'BEGIN { printf "%.1f", (b - a) * 3600 / s }')
	live_cpu=$(awk -v a="$t2" -v b="$t3" -v s="$STREAM_SECONDS" 'BEGIN { printf "%.1f", (b - a) * 3600 / s }')
	ogg_cpu=$(awk -v a="$ogg_cpu" -v s="$STREAM_SECONDS" 'BEGIN { printf "%.1f", a * 3600 / s }')
	# the log's millisecond times: the request taken (the body's first bytes
	# follow at once) and the live item's first frame mixed (the output runs at
	# most 0.3 s behind the mix)
	local latency
	latency=$(awk '/live: penyiar .* connected/ && !c { c = $2 } /on air: .*\(live,/ && c && !a { a = $2 }
		function ms(t, p) { split(t, p, ":"); return (p[1] * 3600 + p[2] * 60 + p[3]) * 1000 }
		END { if (c && a) printf "%.2f", (ms(a) - ms(c)) / 1000 }' "$L/run.log")
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "CPU s/h: siaran run, presenter (Vorbis in)" "" "$live_cpu" "" \
		"files in the same run $file_cpu; oggenc -q 4 $ogg_cpu")")
	RESULTS+=("$(printf '%-44s %9s %9s %9s  %s' "presenter's first byte to on air (s)" "" "${latency:-?}" "" \
		"buffer 1.5 s; target buffer + 1 s: $(awk -v l="${latency:-99}" 'BEGIN { print (l <= 2.5) ? "met" : "MISSED" }')")")
}

# ---- main ---------------------------------------------------------------------------

RESULTS=()
make_workload
write_conf "$B" 9 unused fallback.m3u
bench_encode wav
bench_encode flac
bench_processed
bench_stream
bench_rundown_week
bench_engine_under_writes
bench_live

echo
echo "Siaran benchmark: $(nproc) CPU, $(uname -r), siaran $("$SIARAN" --version | awk '{ print $2 }'), workload 10 x 180 s synthesized, 44.1 kHz stereo"
printf '%-44s %9s %9s %9s  %s\n' "measure" "min" "median" "max" "note"
printf '%s\n' "${RESULTS[@]}"
