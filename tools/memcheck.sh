#!/usr/bin/env bash
# `make memcheck`: Valgrind memcheck on a 10-minute render of a schedule with
# a hard PSA (library items, fallback, loudness gain, the limiter): no errors
# and no definite or indirect leaks.  Takes several minutes.
set -u
. "$(dirname "$0")/../tests/lib.sh"
T=$TMP
tone "$T/lagu1.flac" 420 440 "Lagu Satu" "Penyanyi A"
tone "$T/lagu2.mp3" 300 550 "Lagu Dua" "Penyanyi B"
printf '%s\n' lagu1.flac lagu2.mp3 >"$T/fallback.m3u"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=1000:duration=5" "$T/psa.wav"
write_conf "$T" 9 x fallback.m3u
psa=$("$SIARAN" import -c "$T/siaran.conf" --kind psa "$T/psa.wav" 2>/dev/null | cut -f1)
sqlite3 "$T/siaran.db" "INSERT INTO campaigns (name, valid_from, valid_to, days, timing,
	times, created_at) VALUES ('Uji', '2026-01-01', '2026-12-31', 127, 'hard', '06:05,06:08', 0);
	INSERT INTO campaign_items VALUES (last_insert_rowid(), 0, $psa);"
start=$(date +%s)
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --suppressions="$ROOT/tests/valgrind.supp" \
	"$SIARAN" render -c "$T/siaran.conf" --from "2026-12-01 06:00:00" \
	--to "2026-12-01 06:10:00" -o "$T/out.ogg" --asrun "$T/asrun.csv" >"$T/valgrind.log" 2>&1
rc=$?
echo "# valgrind memcheck of a 10-minute render: $(($(date +%s) - start)) s"
grep -E "ERROR SUMMARY|definitely lost|indirectly lost" "$T/valgrind.log" | sed 's/^==[0-9]*== /# /'
check "valgrind memcheck: no errors, no definite or indirect leaks (exit $rc)" [ "$rc" -eq 0 ]
frames=$(frames_44k "$T/out.ogg")
check "the render under valgrind is still exact ($frames frames)" [ "$frames" -eq 26460000 ]
