#!/usr/bin/env bash
# Integration: the archive ([archive]) of a real `siaran run` streaming to a
# real icecast2.  With 5 s segments: files start and end on their boundary and
# their decoded lengths add up to the as-run's time on air; a clip across a
# boundary (CLI and API) holds, 100 ms by 100 ms, the tone the as-run says
# aired then.  With hour files: SIGKILL leaves a file that decodes to within
# 2 s of the kill, and the next start goes on in HH.part2.opus, joined in the
# day's listing.  Retention deletes exactly the hour files past the limit.
# The disk guard on a small tmpfs pauses archiving (log, /metrics, now
# playing) while a listener still gets the stream.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "archive: ./siaran is not built"
	exit 1
fi

PORT=$(free_port)
PASS="ar$RANDOM$RANDOM"
if ! start_icecast "$TMP/ice" "$PORT" "$PASS"; then
	not_ok "icecast2 starts on port $PORT"
	exit 1
fi

# Four 1.3 s tones of different frequencies, so what aired when can be told
# from the audio alone.
for f in 440 660 990 1320; do
	ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=$f:sample_rate=48000:duration=1.3" \
		-af "volume=0.5,aformat=channel_layouts=stereo" -metadata title="Nada $f" "$TMP/t$f.wav"
done
printf '%s\n' "$TMP/t440.wav" "$TMP/t660.wav" "$TMP/t990.wav" "$TMP/t1320.wav" >"$TMP/fb.m3u"

# station DIR ARCHIVE_LINES: a 48 kHz station in DIR streaming to the icecast
# on a mount of its own, /DIRNAME.ogg (a station that just stopped may still
# be listed on another)
station() {
	local d=$1
	mkdir -p "$d"
	write_conf "$d" "$PORT" "$PASS" "$TMP/fb.m3u"
	sed -i -e 's/^samplerate = 44100/samplerate = 48000/' \
		-e "s|^mount = /radio.ogg|mount = /$(basename "$d").ogg|" "$d/siaran.conf"
	printf '\n[archive]\n%b\n' "$2" >>"$d/siaran.conf"
	chmod 600 "$d/siaran.conf"
}

# decoded_frames FILE: stereo frames at 48 kHz, as ffmpeg decodes them
decoded_frames() {
	ffmpeg -nostdin -loglevel error -i "$1" -f s16le -ac 2 -ar 48000 - 2>/dev/null | wc -c |
		awk '{print int($1/4)}'
}
tag() { # tag FILE NAME
	ffprobe -v error -show_entries stream_tags="$2" -of csv=p=0 "$1" 2>/dev/null | head -1
}

# ---- bad settings and usage: one line, exit 2 --------------------------------------------

C=$TMP/conf
station "$C" "folder = arch\nformat = mp3"
out=$("$SIARAN" run -c "$C/siaran.conf" 2>&1 >/dev/null)
rc=$?
check "[archive] format = mp3 is refused as FILE:LINE: reason, exit 2 (got $rc: $out)" \
	eval '[ $rc -eq 2 ] && echo "$out" | grep -Eq "siaran.conf:[0-9]+: format must be one of opus\|vorbis"'
station "$C" "folder = arch\nretention_days = 0"
out=$("$SIARAN" archive clip -c "$C/siaran.conf" --from "2026-12-01 06:00" --to "2026-12-01 06:01" -o "$TMP/x.ogg" 2>&1)
rc=$?
check "[archive] retention_days = 0 is refused with its line, exit 2 (got $rc: $out)" \
	eval '[ $rc -eq 2 ] && echo "$out" | grep -Eq "siaran.conf:[0-9]+: .*retention_days"'
station "$C" "folder = arch"
out=$("$SIARAN" archive clip -c "$C/siaran.conf" --from "kemarin" --to "2026-12-01 06:01" -o "$TMP/x.ogg" 2>&1)
rc=$?
check "archive clip with a bad time exits 2 with one line (got $rc: $out)" \
	eval '[ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && [ ! -e "$TMP/x.ogg" ]'
out=$("$SIARAN" archive clip -c "$C/siaran.conf" --from "2020-01-01 06:00" --to "2020-01-01 06:01" -o "$TMP/x.ogg" 2>&1)
rc=$?
check "archive clip of a window never archived exits 1 and writes nothing (got $rc: $out)" \
	eval '[ $rc -eq 1 ] && echo "$out" | grep -q "not archived" && [ ! -e "$TMP/x.ogg" ]'
check "siaran help lists archive clip" eval '"$SIARAN" help | grep -q "siaran archive clip -c FILE"'

# ---- 5 s segments: boundaries and the as-run --------------------------------------------

S=$TMP/seg
station "$S" "folder = arch\nsegment_seconds = 5\nmin_free_mb = 1"
"$SIARAN" run -c "$S/siaran.conf" >"$S/run.log" 2>&1 &
RUN=$!
TEST_PIDS+=("$RUN")
wait_port "$WEB_PORT" 15 || not_ok "siaran run serves the web"
SEG_WEB=$WEB_PORT
sleep 13
kill -TERM "$RUN"
wait "$RUN"
rc=$?
check "siaran run with the archive stops cleanly on SIGTERM (exit $rc)" [ $rc -eq 0 ]
ls "$S"/arch/*/ | sed 's/^/# file: /'

report=$(python3 - "$S/arch" "$S/siaran.db" <<'PY'
import glob, os, sqlite3, subprocess, sys
arch, db = sys.argv[1], sys.argv[2]
problems = []
files = []
for p in sorted(glob.glob(arch + "/*/*.opus")):
    pcm = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", p, "-f", "s16le",
                          "-ac", "2", "-ar", "48000", "-"], capture_output=True).stdout
    start = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream_tags=SIARAN_START",
                            "-of", "csv=p=0", p], capture_output=True, text=True).stdout.strip()
    files.append((int(start), len(pcm) // 4, p))
if len(files) < 3:
    problems.append(f"{len(files)} files, want at least 3 for 13 s of 5 s segments")
for start, frames, p in files[1:-1]:
    if start % 5000:
        problems.append(f"{os.path.basename(p)} starts at ...{start % 100000} ms, not on a 5 s boundary")
    if abs(frames - 240000) > 1:
        problems.append(f"{os.path.basename(p)} holds {frames} frames, want 240000 (5 s)")
for (s1, f1, p1), (s2, f2, p2) in zip(files, files[1:]):
    end = s1 + f1 * 1000 / 48000
    if abs(end - s2) > 20:
        problems.append(f"{os.path.basename(p1)} ends {end - s2:.1f} ms away from where {os.path.basename(p2)} begins")
total = sum(f for _, f, _ in files) / 48000
c = sqlite3.connect(db)
aired = c.execute("SELECT sum(frames) FROM asrun").fetchone()[0] / 48000
tolerance = 0.02 * max(1, len(files) - 1)
if abs(total - aired) > tolerance:
    problems.append(f"files hold {total:.3f} s, the as-run {aired:.3f} s on air (tolerance {tolerance:.2f})")
first_asrun = c.execute("SELECT min(started_at) FROM asrun").fetchone()[0]
if files and abs(files[0][0] - first_asrun) > 20:
    problems.append(f"the first file starts {files[0][0] - first_asrun} ms from the first as-run item")
print("; ".join(problems) if problems else f"ok {len(files)} files, {total:.3f} s vs as-run {aired:.3f} s")
PY
)
echo "# $report"
check "5 s segments start and end on their boundary and add up to the as-run's time on air ($report)" \
	[ "${report#ok}" != "$report" ]
first=$(ls "$S"/arch/*/*.opus | head -1)
check "files carry the station and the hour in their tags (TITLE '$(tag "$first" TITLE)')" \
	eval '[ "$(tag "$first" ARTIST)" = "Radio Uji" ] && tag "$first" TITLE | grep -Eq "^Radio Uji [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$"'
check "archive files are not readable by other users" \
	eval '[ -z "$(find "$S/arch" -type f -perm -o=r)" ]'

# The third file's start is a boundary with a whole file before it: a 3 s
# clip across it, checked against the as-run 100 ms at a time.
second=$(ls "$S"/arch/*/*.opus | sed -n 3p)
boundary_ms=$(tag "$second" SIARAN_START)
from_iso=$(python3 -c "import datetime as d;print(d.datetime.fromtimestamp(($boundary_ms-1500)/1000,d.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00','Z'))")
to_iso=$(python3 -c "import datetime as d;print(d.datetime.fromtimestamp(($boundary_ms+1500)/1000,d.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00','Z'))")
rc=0
"$SIARAN" archive clip -c "$S/siaran.conf" --from "$from_iso" --to "$to_iso" -o "$TMP/clip.ogg" 2>"$TMP/clip.err" || rc=$?
check "siaran archive clip across a boundary exits 0 (got $rc: $(cat "$TMP/clip.err"))" [ $rc -eq 0 ]
check "the clip is exactly 3 s (144000 frames, got $(decoded_frames "$TMP/clip.ogg"))" \
	[ "$(decoded_frames "$TMP/clip.ogg")" = 144000 ]

# tones_match CLIP FROM_MS DB: each 100 ms of the clip has the tone the
# as-run says aired then (windows within 60 ms of an item change are left out)
tones_match() {
	python3 - "$1" "$2" "$3" <<'PY'
import math, sqlite3, struct, subprocess, sys
clip, from_ms, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pcm = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", clip, "-f", "s16le",
                      "-ac", "1", "-ar", "48000", "-"], capture_output=True).stdout
x = struct.unpack(f"<{len(pcm)//2}h", pcm)
rows = sqlite3.connect(db).execute("SELECT started_at, ended_at, title FROM asrun").fetchall()
def expected(t):
    for s, e, title in rows:
        if s + 60 <= t and t + 100 + 60 <= e:
            return int(title.split()[-1]) if title.startswith("Nada") else None
    return None
def power(seg, f):
    w = 2 * math.cos(2 * math.pi * f / 48000)
    a = b = 0.0
    for v in seg:
        a, b = v + w * a - b, a
    return a * a + b * b - w * a * b
bad, checked = [], 0
for k in range(len(x) // 4800):
    want = expected(from_ms + k * 100)
    if want is None:
        continue
    seg = x[k * 4800:(k + 1) * 4800]
    got = max((440, 660, 990, 1320), key=lambda f: power(seg, f))
    checked += 1
    if got != want:
        bad.append(f"{k*100} ms: {got} Hz, as-run says {want}")
print("; ".join(bad[:3]) if bad or checked < 15 else f"ok {checked} windows", "" if checked >= 15 else f"(only {checked} windows)")
PY
}
m=$(tones_match "$TMP/clip.ogg" $((boundary_ms - 1500)) "$S/siaran.db")
check "the clip across the boundary holds what the as-run says aired ($m)" [ "${m#ok}" != "$m" ]

# the same through the API, logged in
echo "sandi-rahasia-123" | "$SIARAN" user add -c "$S/siaran.conf" ani --role staff >/dev/null 2>&1
"$SIARAN" run -c "$S/siaran.conf" >"$S/run2.log" 2>&1 &
RUN=$!
TEST_PIDS+=("$RUN")
wait_port "$SEG_WEB" 15 || not_ok "siaran run serves the web again"
B="http://127.0.0.1:$SEG_WEB"
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/archive/clip?from=$from_iso&to=$to_iso")
check "the clip API needs a login (got $code)" [ "$code" = 401 ]
curl -s -c "$TMP/cookies" -H 'Content-Type: application/json' \
	-d '{"username":"ani","password":"sandi-rahasia-123"}' "$B/api/v1/session" >/dev/null
code=$(curl -s -b "$TMP/cookies" -o "$TMP/api_clip.ogg" -D "$TMP/api_clip.h" -w '%{http_code}' \
	"$B/api/v1/archive/clip?from=$from_iso&to=$to_iso")
check "GET /api/v1/archive/clip answers 200 audio/ogg (got $code)" \
	eval '[ "$code" = 200 ] && grep -qi "^Content-Type: audio/ogg" "$TMP/api_clip.h"'
m=$(tones_match "$TMP/api_clip.ogg" $((boundary_ms - 1500)) "$S/siaran.db")
check "the API clip is 3 s of what aired ($(decoded_frames "$TMP/api_clip.ogg") frames, $m)" \
	eval '[ "$(decoded_frames "$TMP/api_clip.ogg")" = 144000 ] && [ "${m#ok}" != "$m" ]'
code=$(curl -s -b "$TMP/cookies" -o "$TMP/body" -w '%{http_code}' \
	"$B/api/v1/archive/clip?from=2020-01-01T00:00:00Z&to=2020-01-01T00:00:10Z")
check "a window that was never archived is 404 with a JSON error (got $code $(cat "$TMP/body"))" \
	eval '[ "$code" = 404 ] && grep -q "\"error\"" "$TMP/body"'
for q in "from=yesterday&to=$to_iso" "from=$to_iso&to=$from_iso" \
	"from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z"; do
	code=$(curl -s -b "$TMP/cookies" -o "$TMP/body" -w '%{http_code}' "$B/api/v1/archive/clip?$q")
	check "a bad window is 400 ($q: $code $(cat "$TMP/body"))" [ "$code" = 400 ]
done
day=$(basename "$(dirname "$first")")
code=$(curl -s -b "$TMP/cookies" -o "$TMP/list.json" -w '%{http_code}' "$B/api/v1/archive?date=$day")
listing=$(python3 - "$TMP/list.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
hours = d["hours"]
need = {"hour", "file", "start", "end", "seconds", "bytes"}
bad = [h["file"] for h in hours if not need <= set(h) or h["bytes"] <= 0]
print(f"{len(hours)} files, {len(d['gaps'])} gaps, {d['seconds']:.1f} s" + (f"; bad {bad}" if bad else ""))
PY
)
check "GET /api/v1/archive?date= lists the files with start, end, seconds, bytes and the gaps (got $code: $listing)" \
	eval '[ "$code" = 200 ] && ! echo "$listing" | grep -q bad && [ "${listing%% *}" -ge 4 ]'
code=$(curl -s -b "$TMP/cookies" -o /dev/null -w '%{http_code}' "$B/api/v1/archive?date=2026-13-45")
check "a bad date is 400 (got $code)" [ "$code" = 400 ]
kill -TERM "$RUN"
wait "$RUN"

# ---- hour files: SIGKILL, then a new part -------------------------------------------------

H=$TMP/hour
station "$H" "folder = arch\nmin_free_mb = 1"
"$SIARAN" run -c "$H/siaran.conf" >"$H/run.log" 2>&1 &
RUN=$!
TEST_PIDS+=("$RUN")
sleep 6.5
kill_ms=$(date +%s%3N)
kill -KILL "$RUN"
wait "$RUN" 2>/dev/null
killed=$(ls "$H"/arch/*/*.opus | head -1)
start_ms=$(tag "$killed" SIARAN_START)
frames=$(decoded_frames "$killed")
end_ms=$((start_ms + frames * 1000 / 48000))
check "after SIGKILL $(basename "$killed") decodes to within 2 s of the kill (ends $((end_ms - kill_ms)) ms from it)" \
	[ $((end_ms - kill_ms)) -ge -2000 -a $((end_ms - kill_ms)) -le 2000 ]
check "the hour file is named HH.opus in a folder by date ($(echo "$killed" | sed "s|$H/arch/||"))" \
	eval 'echo "$killed" | grep -Eq "/arch/[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9]{2}\.opus$"'
"$SIARAN" run -c "$H/siaran.conf" >"$H/run2.log" 2>&1 &
RUN=$!
TEST_PIDS+=("$RUN")
sleep 4
kill -TERM "$RUN"
wait "$RUN"
hour_name=$(basename "$killed" .opus)
part2="$(dirname "$killed")/$hour_name.part2.opus"
if [ "$(date +%H)" = "$hour_name" ] || [ -e "$part2" ]; then
	check "the next start in the same hour writes $hour_name.part2.opus" [ -e "$part2" ]
	rc=0
	from=$(python3 -c "import datetime as d;print(d.datetime.fromtimestamp(($start_ms+500)/1000,d.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00','Z'))")
	to=$(python3 -c "import datetime as d;print(d.datetime.fromtimestamp(($end_ms-500)/1000,d.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00','Z'))")
	"$SIARAN" archive clip -c "$H/siaran.conf" --from "$from" --to "$to" -o "$TMP/killed.ogg" 2>"$TMP/k.err" || rc=$?
	check "the killed file is cut by siaran archive clip too (rc $rc $(cat "$TMP/k.err"))" [ $rc -eq 0 ]
else
	skip "the next start in the same hour writes a part2" "the hour changed between the runs"
fi

# ---- retention ----------------------------------------------------------------------------

R=$TMP/ret
station "$R" "folder = arch\nretention_days = 2\nmin_free_mb = 1"
expected=$(python3 - "$R/arch" <<'PY'
import datetime as dt, os, sys
from zoneinfo import ZoneInfo
tz = ZoneInfo("Asia/Jakarta")
arch = sys.argv[1]
now = dt.datetime.now(tz)
cutoff = now - dt.timedelta(days=2)
deleted = []
for days_back in (5, 2):
    day = (now - dt.timedelta(days=days_back)).date()
    folder = os.path.join(arch, day.isoformat())
    os.makedirs(folder, exist_ok=True)
    for h in range(24):
        name = f"{h:02d}.opus" if h % 3 else f"{h:02d}.part2.opus"
        open(os.path.join(folder, name), "wb").write(b"x")
        hour_end = dt.datetime(day.year, day.month, day.day, h, tzinfo=tz) + dt.timedelta(hours=1)
        if hour_end <= cutoff - dt.timedelta(seconds=30):
            deleted.append(f"{day.isoformat()}/{name}")
    open(os.path.join(folder, "catatan.txt"), "w").write("not the archive's")
print(" ".join(deleted))
PY
)
find "$R/arch" -type f | sed "s|$R/arch/||" | sort >"$TMP/before"
"$SIARAN" run -c "$R/siaran.conf" >"$R/run.log" 2>&1 &
RUN=$!
TEST_PIDS+=("$RUN")
sleep 2
kill -TERM "$RUN"
wait "$RUN"
find "$R/arch" -type f | sed "s|$R/arch/||" | sort >"$TMP/after"
gone=$(comm -23 "$TMP/before" "$TMP/after" | tr '\n' ' ')
want=$(echo $expected | tr ' ' '\n' | sort | tr '\n' ' ')
check "retention deletes exactly the hour files past retention_days ($(echo $gone | wc -w) deleted, want $(echo $want | wc -w))" \
	[ "$gone" = "$want" ]
check "retention leaves files that are not the archive's" \
	eval '[ "$(grep -c catatan.txt "$TMP/after")" = 2 ]'
check "retention logs what it deleted" grep -q "retention: deleted $(echo $want | wc -w) hour file" "$R/run.log"

# ---- disk guard ---------------------------------------------------------------------------

G=$TMP/guard
mkdir -p "$G/disk"
if ! mount_tmpfs "$G/disk" 24m; then
	skip "disk guard on a small tmpfs" "needs root to mount a tmpfs"
	exit 0
fi
station "$G" "folder = $G/disk/arch\nmin_free_mb = 12"
"$SIARAN" run -c "$G/siaran.conf" >"$G/run.log" 2>&1 &
RUN=$!
TEST_PIDS+=("$RUN")
icecast_mount_up "$PORT" /guard.ogg 15 || not_ok "the guarded station streams"
ffmpeg -nostdin -loglevel error -y -t 14 -i "http://127.0.0.1:$PORT/guard.ogg" -c:a pcm_s16le "$G/listener.wav" &
LISTENER=$!
TEST_PIDS+=("$LISTENER")
sleep 2
dd if=/dev/zero of="$G/disk/fill" bs=1M count=16 2>/dev/null
paused=""
for _ in $(seq 1 40); do
	curl -s "http://127.0.0.1:$WEB_PORT/metrics" | grep -q '^siaran_archive_paused 1' && paused=1 && break
	sleep 0.25
done
check "below min_free_mb /metrics shows siaran_archive_paused 1" [ -n "$paused" ]
check "now playing carries archive.paused = true for the dashboard" \
	eval 'curl -s "http://127.0.0.1:$WEB_PORT/api/v1/nowplaying" | grep -q "\"paused\": *true"'
check "the pause is logged with the free space" grep -q "disk guard: .* MB free .* archiving paused" "$G/run.log"
size1=$(du -sb "$G/disk/arch" | cut -f1)
sleep 2
size2=$(du -sb "$G/disk/arch" | cut -f1)
check "while paused the archive does not grow ($size1 -> $size2 bytes)" [ "$size1" = "$size2" ]
rm -f "$G/disk/fill"
resumed=""
for _ in $(seq 1 40); do
	curl -s "http://127.0.0.1:$WEB_PORT/metrics" | grep -q '^siaran_archive_recording 1' && resumed=1 && break
	sleep 0.25
done
check "with space again archiving resumes in a new part" \
	eval '[ -n "$resumed" ] && ls "$G"/disk/arch/*/ | grep -q part2'
wait "$LISTENER"
kill -0 "$RUN" 2>/dev/null || not_ok "the guarded station is still running"
heard=$(decoded_frames "$G/listener.wav")
holes=$(ffmpeg -nostdin -i "$G/listener.wav" -af silencedetect=n=-50dB:d=0.3 -f null - 2>&1 | grep -c silence_start || true)
check "the listener got the stream all along ($heard frames, want >= 13 s; $holes silent holes)" \
	[ "$heard" -ge $((13 * 48000)) -a "$holes" -eq 0 ]
kill -TERM "$RUN"
wait "$RUN"

# ---- a disk that fills up with the guard off: the archive backs off, the stream plays on ----

F=$TMP/full
mkdir -p "$F/disk"
if ! mount_tmpfs "$F/disk" 4m; then
	skip "a full disk with min_free_mb = 0" "needs root to mount a tmpfs"
	exit 0
fi
station "$F" "folder = $F/disk/arch\nmin_free_mb = 0"
"$SIARAN" run -c "$F/siaran.conf" >"$F/run.log" 2>&1 &
RUN=$!
TEST_PIDS+=("$RUN")
icecast_mount_up "$PORT" /full.ogg 15 || not_ok "the station on a small disk streams"
sleep 1
dd if=/dev/zero of="$F/disk/fill" bs=64k 2>/dev/null # until the disk is full
sleep 8
parts=$(find "$F/disk/arch" -name '*.opus' | wc -l)
errors=$(grep -c "cannot" "$F/run.log" || true)
check "on a full disk the archive tries again every few seconds, not every block ($parts files, $errors error lines in 8 s)" \
	[ "$parts" -le 4 -a "$errors" -le 8 ]
check "on a full disk the station still streams" eval 'kill -0 "$RUN" && icecast_mount_up "$PORT" /full.ogg 2'
kill -TERM "$RUN"
wait "$RUN"
