#!/usr/bin/env bash
# Integration: `siaran render` renders a window exactly (to the sample) and
# gaplessly, skips a missing and a garbage file, writes an as-run CSV, works
# at 48 kHz, and reports bad config and bad usage (impossible dates too) with
# exit status 2.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "render: ./siaran is not built"
	exit 1
fi

# ---- a playlist with a missing and a garbage file ----------------------------

tone "$TMP/a.flac" 7 440 "Satu" "Penyanyi A"
tone "$TMP/b.ogg" 5 660 "Dua" "Penyanyi B" -c:a libvorbis
tone "$TMP/c.mp3" 6 550 "Tiga" "Penyanyi C"
head -c 50000 /dev/urandom >"$TMP/garbage.wav"
printf '%s\n' a.flac missing.wav b.ogg garbage.wav c.mp3 >"$TMP/fallback.m3u"
write_conf "$TMP" 9 unused fallback.m3u

rc=0
"$SIARAN" render -c "$TMP/siaran.conf" --from "2026-12-01 06:00:00" --to "2026-12-01 06:02:00" \
	-o "$TMP/out.ogg" --asrun "$TMP/asrun.csv" >"$TMP/render.log" 2>&1 || rc=$?
if [ $rc -eq 0 ]; then ok "render exits 0"; else not_ok "render exits 0 (got $rc: $(tail -1 "$TMP/render.log"))"; fi

codec=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels \
	-of csv=p=0 "$TMP/out.ogg" 2>/dev/null | head -1)
check "render writes Ogg Vorbis 44100/2 (got '$codec')" [ "$codec" = "vorbis,44100,2" ]

frames=$(frames_44k "$TMP/out.ogg")
check "120 s render is exactly 5292000 frames (got $frames)" [ "$frames" = 5292000 ]

# silencedetect reports every stretch below -50 dBFS longer than 50 ms
holes=$(ffmpeg -nostdin -i "$TMP/out.ogg" -af silencedetect=n=-50dB:d=0.05 -f null - 2>&1 |
	grep -c silence_start || true)
check "no silent hole > 50 ms where files were skipped (found $holes)" [ "$holes" -eq 0 ]

# The as-run CSV: one row per item, aired rows back to back from 06:00:00 to
# 06:02:00; an unreadable file is never counted as aired (the scheduler probes
# the fallback ahead, so it may be left out of the as-run altogether, or be
# listed with a "skipped" reason).
asrun_report=$(python3 - "$TMP/asrun.csv" <<'PY' 2>&1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
problems = []
aired = [r for r in rows if not r["reason"].startswith("skipped")]
skipped = [r for r in rows if r["reason"].startswith("skipped")]
named = [r for r in aired if r["title"] in ("Satu", "Dua", "Tiga")]
if len(named) < 18:
    problems.append(f"{len(named)} aired rows name the tones, want >= 18 (120 s of 18 s loops)")
bad = [r["source"] for r in skipped if not ("missing" in r["source"] or "garbage" in r["source"])]
if bad:
    problems.append(f"readable files marked skipped: {bad}")
if any("missing" in r["source"] or "garbage" in r["source"] for r in aired):
    problems.append("an unreadable file is listed as aired")
if aired and "06:00:00" not in aired[0]["start"]:
    problems.append(f"first item starts at {aired[0]['start']}, want 06:00:00")
if aired and "06:02:00" not in aired[-1]["end"]:
    problems.append(f"last item ends at {aired[-1]['end']}, want 06:02:00")
for prev, cur in zip(aired, aired[1:]):
    if prev["end"] != cur["start"]:
        problems.append(f"gap or overlap: {prev['title']} ends {prev['end']}, {cur['title']} starts {cur['start']}")
        break
total = sum(float(r["duration"]) for r in aired)
if abs(total - 120.0) > 0.01:
    problems.append(f"aired durations add up to {total:.3f} s, want 120")
print("; ".join(problems) if problems else "")
PY
)
check "as-run CSV: items back to back, unreadable files never aired (${asrun_report:-ok})" \
	[ -z "$asrun_report" ]
check "the log names the missing file and why" grep -Eq 'missing\.wav.*(not found|No such)' "$TMP/render.log"
check "the log names the garbage file and why" grep -Eq 'garbage\.wav.*(not|unrecogni|invalid)' "$TMP/render.log"

# ---- a 48 kHz station ----------------------------------------------------------

mkdir -p "$TMP/s48"
tone "$TMP/s48/a.wav" 4 440 "Empat Puluh Delapan" "Penyanyi D"
tone "$TMP/s48/b.flac" 3 880 "Kedua" "Penyanyi E" -ar 22050
printf '%s\n' a.wav b.flac >"$TMP/s48/fallback.m3u"
write_conf "$TMP/s48" 9 unused fallback.m3u
sed -i 's/^samplerate = 44100/samplerate = 48000/' "$TMP/s48/siaran.conf"
rc=0
"$SIARAN" render -c "$TMP/s48/siaran.conf" --from "2026-12-01 23:59:30" --to "2026-12-02 00:00:30" \
	-o "$TMP/s48/out.ogg" >"$TMP/s48/render.log" 2>&1 || rc=$?
check "48 kHz render exits 0 (got $rc)" [ $rc -eq 0 ]
rate=$(ffprobe -v error -select_streams a:0 -show_entries stream=sample_rate -of csv=p=0 \
	"$TMP/s48/out.ogg" 2>/dev/null | head -1)
check "48 kHz station renders at 48000 Hz (got '$rate')" [ "$rate" = 48000 ]
frames48=$(ffmpeg -nostdin -loglevel error -i "$TMP/s48/out.ogg" -f s16le -ac 2 -ar 48000 - |
	wc -c | awk '{print int($1/4)}')
check "60 s across midnight at 48 kHz is exactly 2880000 frames (got $frames48)" \
	[ "$frames48" = 2880000 ]

# ---- bad config and bad usage: exit 2, one line naming what is wrong ----------

cp "$TMP/siaran.conf" "$TMP/bad.conf"
line=$(($(grep -n '^\[station\]' "$TMP/bad.conf" | cut -d: -f1) + 2))
sed -i "${line}i colour = blue" "$TMP/bad.conf"
rc=0
"$SIARAN" render -c "$TMP/bad.conf" --from "2026-12-01 06:00" --to "2026-12-01 06:01" \
	-o "$TMP/bad.ogg" >"$TMP/bad.out" 2>"$TMP/bad.err" || rc=$?
check "unknown config key: exit 2 (got $rc)" [ $rc -eq 2 ]
check "unknown config key: stderr says $TMP/bad.conf:$line: (got '$(head -1 "$TMP/bad.err")')" \
	grep -q "bad.conf:$line: " "$TMP/bad.err"
check "unknown config key: nothing rendered" [ ! -s "$TMP/bad.ogg" ]

cp "$TMP/siaran.conf" "$TMP/bad2.conf"
sed -i 's/^samplerate = 44100/samplerate = 22050/' "$TMP/bad2.conf"
line=$(grep -n '^samplerate' "$TMP/bad2.conf" | cut -d: -f1)
rc=0
"$SIARAN" render -c "$TMP/bad2.conf" --from "2026-12-01 06:00" --to "2026-12-01 06:01" \
	-o "$TMP/bad2.ogg" >/dev/null 2>"$TMP/bad2.err" || rc=$?
check "bad samplerate value: exit 2 and FILE:LINE (got $rc: '$(head -1 "$TMP/bad2.err")')" \
	eval '[ $rc -eq 2 ] && grep -q "bad2.conf:$line: " "$TMP/bad2.err"'

usage_case() { # NAME ARGS...: expects exit 2 and one line on stderr
	local name=$1 rc=0
	shift
	"$SIARAN" "$@" >"$TMP/usage.out" 2>"$TMP/usage.err" </dev/null || rc=$?
	local lines
	lines=$(grep -c . "$TMP/usage.err" || true)
	check "bad usage, $name: exit 2 with an error on stderr (got $rc, $lines lines)" \
		eval '[ $rc -eq 2 ] && [ "$lines" -ge 1 ]'
}
usage_case "no --to" render -c "$TMP/siaran.conf" --from "2026-12-01 06:00" -o "$TMP/u.ogg"
usage_case "--to before --from" render -c "$TMP/siaran.conf" --from "2026-12-01 06:00" \
	--to "2026-12-01 05:00" -o "$TMP/u.ogg"
usage_case "malformed time" render -c "$TMP/siaran.conf" --from "tomorrow" \
	--to "2026-12-01 05:00" -o "$TMP/u.ogg"
# Impossible dates and lenient forms are refused with one line, not moved
# (mktime would render 2026-02-30 as 2 March).
one_line_refusal() { # NAME ARGS...: exit 2, exactly one line on stderr, nothing on stdout
	local name=$1 rc=0
	shift
	"$SIARAN" "$@" >"$TMP/usage.out" 2>"$TMP/usage.err" </dev/null || rc=$?
	local lines
	lines=$(wc -l <"$TMP/usage.err")
	check "refused, $name: exit 2, one line on stderr, no output (got $rc, $lines lines: $(head -c 120 "$TMP/usage.err"))" \
		eval '[ $rc -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$TMP/usage.out" ]'
}
rm -f "$TMP/u.ogg"
one_line_refusal "render --from 2026-02-30" render -c "$TMP/siaran.conf" --from "2026-02-30 06:00" \
	--to "2026-03-02 06:01" -o "$TMP/u.ogg"
check "refused, render --from 2026-02-30: nothing rendered" [ ! -s "$TMP/u.ogg" ]
one_line_refusal "render --to 2026-04-31" render -c "$TMP/siaran.conf" --from "2026-05-01 06:00" \
	--to "2026-04-31 06:01" -o "$TMP/u.ogg"
one_line_refusal "render --from '2026-01-05 6:00'" render -c "$TMP/siaran.conf" \
	--from "2026-01-05 6:00" --to "2026-01-05 06:01" -o "$TMP/u.ogg"
one_line_refusal "render --from '2026-1-5 06:00'" render -c "$TMP/siaran.conf" \
	--from "2026-1-5 06:00" --to "2026-01-05 06:01" -o "$TMP/u.ogg"
one_line_refusal "rundown --date 2026-02-30" rundown -c "$TMP/siaran.conf" --date 2026-02-30
one_line_refusal "rundown --date 2026-1-5" rundown -c "$TMP/siaran.conf" --date 2026-1-5
rc=0
"$SIARAN" rundown -c "$TMP/siaran.conf" --date 2028-02-29 >"$TMP/leap.txt" 2>&1 || rc=$?
check "rundown --date 2028-02-29 (a leap day) is planned (exit $rc)" \
	eval '[ $rc -eq 0 ] && [ -s "$TMP/leap.txt" ]'
usage_case "unknown option" render -c "$TMP/siaran.conf" --frmo "2026-12-01 06:00"
usage_case "no config" render --from "2026-12-01 06:00" --to "2026-12-01 06:01" -o "$TMP/u.ogg"
usage_case "unknown command" broadcast
rc=0
"$SIARAN" >/dev/null 2>&1 || rc=$?
check "no command at all: exit 2 (got $rc)" [ $rc -eq 2 ]
rc=0
"$SIARAN" render -c "$TMP/nonexistent.conf" --from "2026-12-01 06:00" --to "2026-12-01 06:01" \
	-o "$TMP/u.ogg" >/dev/null 2>"$TMP/noconf.err" || rc=$?
check "missing config file: exit 2 naming the file (got $rc)" \
	eval '[ $rc -eq 2 ] && grep -q nonexistent.conf "$TMP/noconf.err"'
