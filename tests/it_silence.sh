#!/usr/bin/env bash
# Integration: the silence detector on the programme output, through
# `siaran render` and its as-run CSV.  A 30 s silent file between tones and a
# tone with a long silent tail are cut after silence_limit (3 s) with reason
# skipped_silence, the output has no silent hole longer than 3.5 s, and a
# library item flagged quiet (media.quiet = 1) is exempt.  Then the config
# parser: each bad line reports FILE:LINE: reason and exit status 2, through
# both `render` and `run`.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "silence: ./siaran is not built"
	exit 1
fi

gen() { ffmpeg -nostdin -loglevel error -y "$@"; }

tone "$TMP/a.flac" 6 440 "Nada A" "Penguji"
tone "$TMP/b.flac" 6 660 "Nada B" "Penguji"
gen -f lavfi -i anullsrc=r=44100:cl=stereo -t 30 -metadata title="Sunyi" "$TMP/silent30.flac"
# 4 s of tone, then 30 s of silence: dead air at the end of a real item
gen -f lavfi -i "sine=frequency=550:sample_rate=44100:duration=4" \
	-f lavfi -i anullsrc=r=44100:cl=stereo:d=30 \
	-filter_complex "[0]volume=0.5,aformat=channel_layouts=stereo[t];[t][1]concat=n=2:v=0:a=1" \
	-t 34 -metadata title="Ekor Sunyi" "$TMP/tail.flac"
printf '%s\n' a.flac silent30.flac b.flac tail.flac >"$TMP/fallback.m3u"
write_conf "$TMP" 9 unused fallback.m3u "silence_limit = 3"

# asrun_rows CSV: "title|reason|duration" per row
asrun_rows() {
	python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    print(r["title"] + "|" + r["reason"] + "|" + r["duration"])' "$1"
}
# holes FILE MIN_SECONDS: the silent stretches (below -50 dBFS) longer than MIN
holes() {
	ffmpeg -nostdin -i "$1" -af "silencedetect=n=-50dB:d=$2" -f null - 2>&1 |
		grep -o 'silence_duration: [0-9.]*' | awk '{print $2}' | tr '\n' ' '
}

rc=0
"$SIARAN" render -c "$TMP/siaran.conf" --from "2026-12-01 06:00:00" --to "2026-12-01 06:01:00" \
	-o "$TMP/out.ogg" --asrun "$TMP/asrun.csv" >"$TMP/render.log" 2>&1 || rc=$?
check "render with silence_limit = 3 exits 0 (got $rc: $(tail -1 "$TMP/render.log"))" [ $rc -eq 0 ]
asrun_rows "$TMP/asrun.csv" >"$TMP/rows" 2>/dev/null
sed 's/^/# as-run: /' "$TMP/rows" | head -12

silent=$(grep -m1 '^Sunyi|' "$TMP/rows")
check "the 30 s silent item ends with reason skipped_silence (row '$silent')" \
	[ "$(echo "$silent" | cut -d'|' -f2)" = skipped_silence ]
d=$(echo "$silent" | cut -d'|' -f3)
check "the silent item is cut after about 3 s (aired ${d:-?} s, want 2.9 .. 3.6)" \
	awk -v d="${d:-0}" 'BEGIN{exit !(d >= 2.9 && d <= 3.6)}'
tail_row=$(grep -m1 '^Ekor Sunyi|' "$TMP/rows")
td=$(echo "$tail_row" | cut -d'|' -f3)
check "a tone with a silent tail is cut 3 s into the silence (row '$tail_row', want 6.9 .. 7.6 s)" \
	eval '[ "$(echo "$tail_row" | cut -d"|" -f2)" = skipped_silence ] &&
		awk -v d="${td:-0}" "BEGIN{exit !(d >= 6.9 && d <= 7.6)}"'
after=$(grep -A1 -m1 '^Sunyi|' "$TMP/rows" | tail -1 | cut -d'|' -f1)
check "the next item follows the cut silent item (got '$after')" [ "$after" = "Nada B" ]

long=$(holes "$TMP/out.ogg" 3.5)
check "no silent hole longer than 3.5 s in the output (found: '${long}')" [ -z "$long" ]
short=$(holes "$TMP/out.ogg" 2.5)
echo "# silent stretches > 2.5 s in the output: $short"
check "the detector is what cut them: holes of about 3 s are there (found: '$short')" \
	[ -n "$short" ]
alarms=$(grep -c 'silence alarm' "$TMP/render.log" || true)
check "each cut is logged as a silence alarm ($alarms lines)" [ "$alarms" -ge 2 ]

# ---- an item flagged quiet is exempt ------------------------------------------------

Q="$TMP/quiet"
mkdir -p "$Q"
cp "$TMP/a.flac" "$TMP/b.flac" "$TMP/silent30.flac" "$Q/"
: >"$Q/fallback.m3u"
write_conf "$Q" 9 unused fallback.m3u "silence_limit = 3"
"$SIARAN" import -c "$Q/siaran.conf" "$Q/silent30.flac" >"$Q/import.out" 2>"$Q/import.err"
id=$(awk 'NR==1{print $1}' "$Q/import.out")
stored=$(sqlite3 "$Q/siaran.db" "SELECT path FROM media WHERE id = ${id:-0}" 2>/dev/null)
case $stored in /*) ;; ?*) stored="$Q/${stored#./}" ;; esac
if [ -z "$id" ] || [ ! -f "$stored" ]; then
	not_ok "quiet: the silent file is imported into the library (got '$(cat "$Q/import.out" "$Q/import.err")')"
else
	sqlite3 "$Q/siaran.db" "UPDATE media SET quiet = 1 WHERE id = $id"
	printf '%s\n' a.flac "$stored" b.flac >"$Q/fallback.m3u"
	rc=0
	"$SIARAN" render -c "$Q/siaran.conf" --from "2026-12-01 06:00:00" --to "2026-12-01 06:00:50" \
		-o "$Q/out.ogg" --asrun "$Q/asrun.csv" >"$Q/render.log" 2>&1 || rc=$?
	asrun_rows "$Q/asrun.csv" >"$Q/rows" 2>/dev/null
	sed 's/^/# as-run (quiet): /' "$Q/rows" | head -6
	row=$(grep -m1 '^Sunyi|' "$Q/rows")
	check "a library item flagged quiet airs in full (row '$row', want completed, 30 s)" \
		eval '[ $rc -eq 0 ] && [ "$(echo "$row" | cut -d"|" -f2)" = completed ] &&
			awk -v d="$(echo "$row" | cut -d"|" -f3)" "BEGIN{exit !(d > 29.9)}"'
	check "no silence alarm for the quiet item" eval '! grep -q "silence alarm" "$Q/render.log"'
	# the same library item without the flag is cut
	sqlite3 "$Q/siaran.db" "UPDATE media SET quiet = 0 WHERE id = $id"
	"$SIARAN" render -c "$Q/siaran.conf" --from "2026-12-01 06:00:00" --to "2026-12-01 06:00:50" \
		-o "$Q/out2.ogg" --asrun "$Q/asrun2.csv" >"$Q/render2.log" 2>&1
	row=$(asrun_rows "$Q/asrun2.csv" 2>/dev/null | grep -m1 '^Sunyi|')
	check "the same library item without the quiet flag is cut (row '$row')" \
		[ "$(echo "$row" | cut -d'|' -f2)" = skipped_silence ]
fi

# ---- the default limit is 10 s ------------------------------------------------------------

D="$TMP/default"
mkdir -p "$D"
cp "$TMP/a.flac" "$TMP/silent30.flac" "$D/"
printf '%s\n' a.flac silent30.flac >"$D/fallback.m3u"
write_conf "$D" 9 unused fallback.m3u
"$SIARAN" render -c "$D/siaran.conf" --from "2026-12-01 06:00:00" --to "2026-12-01 06:00:30" \
	-o "$D/out.ogg" --asrun "$D/asrun.csv" >"$D/render.log" 2>&1
row=$(asrun_rows "$D/asrun.csv" 2>/dev/null | grep -m1 '^Sunyi|')
check "without silence_limit the silent item is cut after the default 10 s (row '$row')" \
	eval '[ "$(echo "$row" | cut -d"|" -f2)" = skipped_silence ] &&
		awk -v d="$(echo "$row" | cut -d"|" -f3)" "BEGIN{exit !(d >= 9.9 && d <= 10.6)}"'

# ---- config: every bad line is FILE:LINE: reason, exit 2 ------------------------------

# bad_conf NAME FILE EXPECTED_LINE: expects exit 2 and "FILE:LINE: reason"
# (LINE may be "A|B" when either line is a fair answer) from render and run.
bad_conf() {
	local name=$1 f=$2 line=$3 cmd rc err
	for cmd in render run; do
		rc=0
		if [ $cmd = render ]; then
			timeout 20 "$SIARAN" render -c "$f" --from "2026-12-01 06:00" --to "2026-12-01 06:01" \
				-o "$TMP/bad.ogg" >/dev/null 2>"$TMP/bad.err" || rc=$?
		else
			timeout 20 "$SIARAN" run -c "$f" >/dev/null 2>"$TMP/bad.err" || rc=$?
		fi
		err=$(grep -v '^[0-9]\{4\}-' "$TMP/bad.err" | head -1)
		check "config $name via $cmd: exit 2 and '$(basename "$f"):$line: reason' (got $rc: '$err')" \
			eval '[ $rc -eq 2 ] && echo "$err" | grep -Eq "$(basename "$f" | sed "s/\./\\\\./g"):($line): .{5,}"'
	done
}
n_case=0
# bad_line NAME SECTION TEXT: TEXT inserted just after [SECTION]
bad_line() {
	local f line
	n_case=$((n_case + 1))
	f="$TMP/bad$n_case.conf"
	cp "$TMP/siaran.conf" "$f"
	line=$(($(grep -n "^\[$2\]" "$f" | head -1 | cut -d: -f1) + 1))
	sed -i "${line}i $3" "$f"
	bad_conf "$1" "$f" "$line"
}
# bad_value NAME KEY VALUE: the existing "KEY = ..." line gets VALUE
bad_value() {
	local f line
	n_case=$((n_case + 1))
	f="$TMP/bad$n_case.conf"
	cp "$TMP/siaran.conf" "$f"
	line=$(grep -n "^$2 *=" "$f" | head -1 | cut -d: -f1)
	sed -i "${line}s|=.*|= $3|" "$f"
	bad_conf "$1" "$f" "$line"
}
bad_line "unknown key" station "colour = blue"
bad_line "silence_limit out of range" station "silence_limit = 0"
bad_line "silence_threshold not a number" station "silence_threshold = loud"
bad_line "line without =" station "just some words"
bad_line "bitrate out of range" output.main "bitrate = 100000"
bad_line "negative upload_limit" web "upload_limit = -5"
bad_value "unknown time zone" timezone "Mars/Olympus_Mons"
bad_value "unknown output format" format "flac"
bad_value "port not a number" port "eighty"
bad_value "quality out of range" quality "7"
# an unknown section: the error may name the section line or its first key
n_case=$((n_case + 1))
cp "$TMP/siaran.conf" "$TMP/bad$n_case.conf"
line=$(($(wc -l <"$TMP/bad$n_case.conf") + 1))
printf '[studio]\nmic = 1\n' >>"$TMP/bad$n_case.conf"
bad_conf "unknown section" "$TMP/bad$n_case.conf" "$line|$((line + 1))"
