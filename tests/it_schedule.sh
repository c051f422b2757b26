#!/usr/bin/env bash
# The schedule on air, through `siaran render`: a hard PSA starts on its
# sample with the item before it silent; items at -30 and -10 LUFS both air at
# the loudness target; the as-run log agrees with the audio.
. "$(dirname "$0")/lib.sh"
BUILD=${SIARAN_BUILD:-build}
MEASURE="$BUILD/tools/measure"
RATE=44100
T=$TMP
DB="$T/siaran.db"

# Music: long tones; the PSA: a 1 kHz tone that is easy to find.
# 7-minute items: the one from 06:28 is still airing at 06:30.
tone "$T/lagu1.flac" 420 440 "Lagu Satu" "Penyanyi A"
tone "$T/lagu2.flac" 420 550 "Lagu Dua" "Penyanyi B"
printf '%s\n' lagu1.flac lagu2.flac >"$T/fallback.m3u"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=1000:sample_rate=44100:duration=5" \
	-af "volume=0.5,aformat=channel_layouts=stereo" -metadata title="PSA Jalan" "$T/psa.wav"
write_conf "$T" 9 x fallback.m3u

psa_id=$("$SIARAN" import -c "$T/siaran.conf" --kind psa "$T/psa.wav" | cut -f1)
check "PSA imported" test -n "$psa_id"
sqlite3 "$DB" "INSERT INTO campaigns (name, valid_from, valid_to, days, timing, times,
	window_minutes, fade_seconds, created_at) VALUES ('Keselamatan Jalan', '2026-12-01',
	'2026-12-31', 127, 'hard', '06:30', 5, 2, 0);
	INSERT INTO campaign_items (campaign_id, position, media_id)
	VALUES (last_insert_rowid(), 0, $psa_id);"

start=$(date +%s.%N)
"$SIARAN" render -c "$T/siaran.conf" --from "2026-12-01 06:00:00" --to "2026-12-01 07:00:00" \
	-o "$T/hour.ogg" --asrun "$T/hour.csv" 2>"$T/render.log"
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
echo "# rendered an hour in ${secs} s"
check "render of an hour exits 0" test "$rc" -eq 0

# Decode 100 ms either side of 06:30:00 (sample 79380000), left channel.
S=$((30 * 60 * RATE))
ffmpeg -nostdin -loglevel error -i "$T/hour.ogg" \
	-af "atrim=start_sample=$((S - 4410)):end_sample=$((S + 4410)),pan=mono|c0=c0" \
	-f s16le -acodec pcm_s16le "$T/around.raw"
read -r onset before_rms <<<"$(python3 - "$T/around.raw" <<'PY'
import array, math, sys
a = array.array('h'); a.frombytes(open(sys.argv[1], 'rb').read())
x = [v / 32768 for v in a]
steady = max(abs(v) for v in x[-2205:])
onset = next(i for i, v in enumerate(x) if abs(v) > 0.5 * steady)
# 10 ms to 2 ms before: the last 2 ms carry the codec's pre-echo of the PSA
# onset (the PCM itself is zero there: test_playout checks that sample).
pre = x[4410 - 441:4410 - 88]
print(onset - 4410, math.sqrt(sum(v * v for v in pre) / len(pre)))
PY
)"
echo "# PSA onset at ${onset} samples from 06:30:00.000; RMS from 10 to 2 ms before: ${before_rms}"
check "hard PSA starts within 2 ms of its sample (offset $onset)" \
	python3 -c "import sys; sys.exit(0 if abs(int('$onset')) <= 88 else 1)"
check "the item before is silent at 06:30:00 (RMS $before_rms)" \
	python3 -c "import sys; sys.exit(0 if float('$before_rms') < 0.003 else 1)"
check "as-run: the PSA started at 06:30:00.000" \
	grep -q '^[^,]*,2026-12-01 06:30:00.000,[^,]*,[^,]*,PSA Jalan,' "$T/hour.csv"
check "as-run: the item before was faded for it, ending at 06:30:00.000" \
	grep -q ',2026-12-01 06:30:00.000,[^,]*,Lagu.*faded_hard$' "$T/hour.csv"
frames=$(frames_44k "$T/hour.ogg")
check "an hour is exactly 158760000 frames (got $frames)" test "$frames" -eq 158760000

# Loudness: a show plays an item at -30 LUFS and one at -10 LUFS.
# A 997 Hz sine on both channels peaking at -30 / -10 dBFS measures -30 / -10 LUFS.
ffmpeg -nostdin -loglevel error -y -f lavfi \
	-i "aevalsrc=0.0316*sin(2*PI*997*t)|0.0316*sin(2*PI*997*t):s=44100:d=20" \
	-metadata title=Pelan "$T/quiet.wav"
ffmpeg -nostdin -loglevel error -y -f lavfi \
	-i "aevalsrc=0.316*sin(2*PI*997*t)|0.316*sin(2*PI*997*t):s=44100:d=20" \
	-metadata title=Keras "$T/loud.wav"
quiet_id=$("$SIARAN" import -c "$T/siaran.conf" "$T/quiet.wav" | cut -f1)
loud_id=$("$SIARAN" import -c "$T/siaran.conf" "$T/loud.wav" | cut -f1)
sqlite3 "$DB" "INSERT INTO shows (name, days, start_time, duration, content, seed, created_at)
	VALUES ('Uji Kenyaringan', 127, 8*3600, 3600, 'playlist', 1, 0);
	INSERT INTO show_items VALUES (last_insert_rowid(), 0, $quiet_id);
	INSERT INTO show_items SELECT id, 1, $loud_id FROM shows WHERE name = 'Uji Kenyaringan';"
"$SIARAN" render -c "$T/siaran.conf" --from "2026-12-01 08:00:00" --to "2026-12-01 08:00:40" \
	-o "$T/loud.ogg" 2>"$T/render2.log"
for seg in "1 19 quiet" "21 39 loud"; do
	set -- $seg
	ffmpeg -nostdin -loglevel error -y -i "$T/loud.ogg" -af "atrim=$1:$2" "$T/seg-$3.wav"
	l=$("$MEASURE" "$T/seg-$3.wav" | sed 's/.*loudness=\([^ ]*\).*/\1/')
	echo "# $3 item aired at $l LUFS (target -16)"
	check "$3 item airs within 1 LU of -16 LUFS ($l)" \
		python3 -c "import sys; sys.exit(0 if abs(float('$l') + 16) <= 1 else 1)"
done
tp=$("$MEASURE" "$T/loud.ogg" | sed 's/.*true_peak=\([^ ]*\).*/\1/')
check "true peak of the output at most -1 dBTP ($tp)" \
	python3 -c "import sys; sys.exit(0 if float('$tp') <= -1 else 1)"

# ---- a hard PSA's own fade: 0 is a cut; at a soft show start it keeps its fade ----
# 09:20 and 09:50 (hard starts) a 12-minute item; 09:30 a hard PSA with
# fade_seconds 0 cuts the first; 10:00 a soft show start and a hard PSA with
# fade_seconds 8 at once: the second fades over 8 s, logged faded_hard.
tone "$T/panjang.flac" 720 330 "Panjang" "Penyanyi P"
tone "$T/berita.flac" 60 770 "Berita" "Penyiar"
long_id=$("$SIARAN" import -c "$T/siaran.conf" "$T/panjang.flac" | cut -f1)
news_id=$("$SIARAN" import -c "$T/siaran.conf" "$T/berita.flac" | cut -f1)
sqlite3 "$DB" "INSERT INTO shows (name, days, start_time, duration, content, hard_start, seed,
	created_at) VALUES ('Tiga Puluh', 127, 9*3600+20*60, 1200, 'playlist', 1, 1, 0),
	('Lima Puluh', 127, 9*3600+50*60, 600, 'playlist', 1, 1, 0),
	('Berita Sepuluh', 127, 10*3600, 600, 'playlist', 0, 1, 0);
	INSERT INTO show_items SELECT id, 0, $long_id FROM shows WHERE name IN ('Tiga Puluh', 'Lima Puluh');
	INSERT INTO show_items SELECT id, 0, $news_id FROM shows WHERE name = 'Berita Sepuluh';
	INSERT INTO campaigns (name, valid_from, valid_to, days, timing, times, fade_seconds, created_at)
	VALUES ('Potong', '2026-12-01', '2026-12-31', 127, 'hard', '09:30', 0, 0),
	('Tepat', '2026-12-01', '2026-12-31', 127, 'hard', '10:00', 8, 0);
	INSERT INTO campaign_items SELECT id, 0, $psa_id FROM campaigns WHERE name IN ('Potong', 'Tepat');"
"$SIARAN" render -c "$T/siaran.conf" --from "2026-12-01 09:19:00" --to "2026-12-01 10:01:00" \
	-o "$T/fades.ogg" --asrun "$T/fades.csv" 2>"$T/render3.log"
check "render of 09:19-10:01 exits 0" test $? -eq 0
ffmpeg -nostdin -loglevel error -i "$T/fades.ogg" -af "pan=mono|c0=c0" -f s16le \
	-acodec pcm_s16le "$T/fades.raw"
read -r cut_ratio fade_ratio <<<"$(python3 - "$T/fades.raw" <<'PY'
import array, math, sys
a = array.array('h'); a.frombytes(open(sys.argv[1], 'rb').read())
def rms(t0, t1):  # seconds after 09:19:00
    x = a[int(t0 * 44100):int(t1 * 44100)]
    return math.sqrt(sum(v * v for v in x) / max(len(x), 1)) / 32768
at930, at1000 = 11 * 60, 41 * 60
# 100 to 20 ms before 09:30 (the click ramp is 10 ms), against 10 s before
cut = rms(at930 - 0.1, at930 - 0.02) / max(rms(at930 - 10, at930 - 9), 1e-9)
# 5 to 3 s before 10:00: half way through an 8 s fade, against 15 s before
fade = rms(at1000 - 5, at1000 - 3) / max(rms(at1000 - 15, at1000 - 13), 1e-9)
print(f"{cut:.3f} {fade:.3f}")
PY
)"
echo "# level 100-20 ms before the fade_seconds 0 PSA: ${cut_ratio} of full; 5-3 s before the 8 s one: ${fade_ratio}"
check "fade_seconds 0: the item before is at full level until the cut (${cut_ratio})" \
	python3 -c "import sys; sys.exit(0 if float('$cut_ratio') > 0.8 else 1)"
check "as-run: the 12-minute item is cut for the 09:30 PSA, faded_hard" \
	grep -q ',2026-12-01 09:30:00.000,[^,]*,Panjang,.*faded_hard$' "$T/fades.csv"
check "fade_seconds 8 at a soft show start: 4 s before, the item is fading (${fade_ratio})" \
	python3 -c "import sys; sys.exit(0 if 0.3 < float('$fade_ratio') < 0.9 else 1)"
check "as-run: the item before 10:00 ends there faded_hard, not cut_show_end" \
	grep -q ',2026-12-01 10:00:00.000,[^,]*,Panjang,.*faded_hard$' "$T/fades.csv"
check "as-run: the PSA airs at 10:00:00.000, then the show" \
	bash -c "grep -A1 '^[^,]*,2026-12-01 10:00:00.000,[^,]*,[^,]*,PSA Jalan,' '$T/fades.csv' | grep -q Berita"

# ---- "only this date": a weekly show moved on one date through the API ----------------
# Wednesdays 11:00 for 5 min (hard start), a 660 Hz song; on Wednesday
# 2026-12-02 it is moved to 11:10 by POST .../dates/2026-12-02/move: one
# transaction makes a one-off show at the new time and the exception on the
# weekly show.  Renders of that day and the next Wednesday.
tone "$T/mingguan.flac" 60 660 "Lagu Mingguan" "Penyanyi M"
"$SIARAN" import -c "$T/siaran.conf" --category mingguan "$T/mingguan.flac" >/dev/null
echo "sandi-opi-123" | "$SIARAN" user add -c "$T/siaran.conf" opi --role operator >/dev/null 2>&1
echo "sandi-sri-123" | "$SIARAN" user add -c "$T/siaran.conf" sri --role staff >/dev/null 2>&1
"$SIARAN" run -c "$T/siaran.conf" 2>"$T/run.log" &
RUN_PID=$!
TEST_PIDS+=("$RUN_PID")
B=http://127.0.0.1:$WEB_PORT
if ! wait_port "$WEB_PORT" 15; then
	not_ok "siaran run serves the API"
	tail -20 "$T/run.log" | sed 's/^/# /'
	exit 1
fi
api() { # api METHOD PATH [BODY]: sets CODE, the answer in $T/body
	CODE=$(curl -s -X "$1" -o "$T/body" -w '%{http_code}' -b "$T/cookies" \
		-H "X-CSRF-Token: $(cat "$T/csrf" 2>/dev/null)" -H 'Content-Type: application/json' \
		${3:+-d "$3"} "$B$2")
}
field() { python3 -c "import json,sys; d=json.load(open('$T/body')); print(eval(sys.argv[1]))" "$1"; }
login() { # login USER PASSWORD JAR: the session's CSRF token on stdout
	curl -s -o "$T/body" -c "$3" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" "$B/api/v1/session"
	field 'd["csrf_token"]'
}
login opi sandi-opi-123 "$T/cookies" >"$T/csrf"
check "the operator logs in" test -s "$T/csrf"
STAFF_CSRF=$(login sri sandi-sri-123 "$T/staff")
check "a staff member logs in" test -n "$STAFF_CSRF"
# the rows a date step writes, and the schedule version
rows() {
	sqlite3 "$DB" "SELECT (SELECT count(*) FROM shows) || '/' || (SELECT count(*) FROM show_dates)
		|| '/' || (SELECT count(*) FROM show_exceptions) || '/' || (SELECT count(*) FROM show_items)
		|| '/' || (SELECT value FROM versions WHERE name = 'schedule')"
}
move() { # move JAR CSRF PATH BODY: POST as that session (no token when CSRF is empty)
	CODE=$(curl -s -X POST -o "$T/body" -w '%{http_code}' -b "$1" ${2:+-H "X-CSRF-Token: $2"} \
		-H 'Content-Type: application/json' -d "$4" "$B$3")
}
WEEKLY='"name":"Siang Rabu","start":"11:00","duration":5,"content":"rotation","categories":["mingguan"],"hard_start":true'
api POST /api/v1/shows "{$WEEKLY,\"days\":[3]}"
W=$(field 'd["id"]')
check "POST the weekly show: 201, no exceptions yet" test "$CODE/$(field 'd["except_dates"]')" = "201/[]"
version0=$(sqlite3 "$DB" "SELECT value FROM versions WHERE name = 'schedule'")
for bad in '["2026-13-45"]' '"2026-12-02"' "[$(python3 -c 'print(",".join("\"2026-01-01\"" for _ in range(367)))')]"; do
	api PUT "/api/v1/shows/$W" "{$WEEKLY,\"days\":[3],\"except_dates\":$bad}"
	check "PUT except_dates ${bad:0:20}...: 400 with a reason" \
		test "$CODE/$(field '"error" in d')" = "400/True"
done
api PUT "/api/v1/shows/$W" "{$WEEKLY,\"days\":[3],\"dates\":[\"2026-12-02\"],\"except_dates\":[\"2026-12-02\"]}"
check "a date both in dates and except_dates: 400 ($(field 'd.get("error")'))" test "$CODE" = 400
check "the refusals stored nothing" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM show_exceptions")/$(sqlite3 "$DB" "SELECT count(*) FROM show_dates WHERE show_id = $W")" = 0/0
api GET "/api/v1/shows/$W"
body=$(python3 -c "import json; d=json.load(open('$T/body')); d['except_dates']=['2026-12-16']; print(json.dumps(d))")
api PUT "/api/v1/shows/$W" "$body"
check "PUT the GET answer back with except_dates: 200, answered" \
	test "$CODE/$(field '",".join(d["except_dates"])')" = "200/2026-12-16"
check "the exception is a row of show_exceptions" \
	test "$(sqlite3 "$DB" "SELECT show_id || ' ' || date FROM show_exceptions")" = "$W 2026-12-16"
api POST "/api/v1/shows/$W/dates/2026-12-16/restore"
check "POST .../dates/2026-12-16/restore: 200, the show without the exception ($CODE)" \
	test "$CODE/$(field 'd["id"]')/$(field 'len(d["except_dates"])')" = "200/$W/0"
check "restore deleted the row" test "$(sqlite3 "$DB" "SELECT count(*) FROM show_exceptions")" = 0
api POST "/api/v1/shows/$W/dates/2026-12-16/restore"
check "restore again: 404 not_found ($CODE)" test "$CODE/$(field 'd["code"]')" = 404/not_found

# refused moves write nothing: not a weekday of the show, no real date, a bad
# time or duration, an unknown field, no such show, the staff role, no CSRF
before=$(rows)
OP_CSRF=$(cat "$T/csrf")
MOVE="/api/v1/shows/$W/dates/2026-12-02/move"
GOOD='{"start":"11:10","duration":5}'
refuse() { # refuse WHAT STATUS CODE JAR CSRF PATH BODY
	move "$4" "$5" "$6" "$7"
	check "refused move, $1: $2 $3 ($CODE $(field 'd.get("code")'))" \
		test "$CODE/$(field 'd.get("code")')" = "$2/$3"
}
refuse "a Thursday (it airs Wednesdays)" 409 show_not_on_date "$T/cookies" "$OP_CSRF" \
	"/api/v1/shows/$W/dates/2026-12-03/move" "$GOOD"
refuse "2026-02-30" 400 date_invalid "$T/cookies" "$OP_CSRF" "/api/v1/shows/$W/dates/2026-02-30/move" "$GOOD"
refuse "start 25:00" 400 field_invalid "$T/cookies" "$OP_CSRF" "$MOVE" '{"start":"25:00","duration":5}'
refuse "no start" 400 field_invalid "$T/cookies" "$OP_CSRF" "$MOVE" '{"duration":5}'
refuse "duration 0" 400 field_invalid "$T/cookies" "$OP_CSRF" "$MOVE" '{"start":"11:10","duration":0}'
refuse "duration 1441 minutes" 400 field_invalid "$T/cookies" "$OP_CSRF" "$MOVE" '{"start":"11:10","duration":1441}'
refuse "duration as text" 400 field_invalid "$T/cookies" "$OP_CSRF" "$MOVE" '{"start":"11:10","duration":"5"}'
refuse "a copy date that is no date" 400 field_invalid "$T/cookies" "$OP_CSRF" "$MOVE" \
	'{"start":"11:10","duration":5,"date":"2026-12-32"}'
refuse "an unknown field" 400 field_invalid "$T/cookies" "$OP_CSRF" "$MOVE" '{"start":"11:10","duration":5,"days":[4]}'
refuse "no such show" 404 not_found "$T/cookies" "$OP_CSRF" "/api/v1/shows/99999/dates/2026-12-02/move" "$GOOD"
refuse "the staff role" 403 role_forbidden "$T/staff" "$STAFF_CSRF" "$MOVE" "$GOOD"
refuse "no CSRF token" 403 csrf_missing "$T/cookies" "" "$MOVE" "$GOOD"
check "the refused moves changed nothing (shows/dates/exceptions/items/version $before -> $(rows))" \
	test "$(rows)" = "$before"

move "$T/cookies" "$OP_CSRF" "$MOVE" "$GOOD"
O=$(field 'd["id"]')
check "POST .../dates/2026-12-02/move: 201, the new show's id and the exception ($CODE)" \
	test "$CODE/$(field 'd["show_id"]')/$(field '",".join(d["except_dates"])')/$((O > W))" = "201/$W/2026-12-02/1"
check "the one-off is a show of the same content at 11:10 for 5 min, no weekdays, no podcast" \
	test "$(sqlite3 "$DB" "SELECT name || '|' || days || '|' || start_time || '|' || duration || '|' ||
		content || '|' || categories || '|' || hard_start || '|' || podcast || '|' ||
		ifnull(valid_from, '-') FROM shows WHERE id = $O")" = "Siang Rabu|0|40200|300|rotation|mingguan|1|0|-"
check "the one-off airs on its date only" \
	test "$(sqlite3 "$DB" "SELECT group_concat(date) FROM show_dates WHERE show_id = $O")" = 2026-12-02
check "the exception is stored on the weekly show" \
	test "$(sqlite3 "$DB" "SELECT show_id || ' ' || date FROM show_exceptions")" = "$W 2026-12-02"
check "the weekly show itself is unchanged (Wednesdays 11:00, 5 min)" \
	test "$(sqlite3 "$DB" "SELECT days || ' ' || start_time || ' ' || duration FROM shows WHERE id = $W")" = "8 39600 300"
check "and it moved the schedule version (the engine re-reads)" \
	test "$(sqlite3 "$DB" "SELECT value FROM versions WHERE name = 'schedule'")" -gt "$version0"
after=$(rows)
refuse "the same date again (already excepted)" 409 show_not_on_date "$T/cookies" "$OP_CSRF" "$MOVE" "$GOOD"
check "the second move changed nothing" test "$(rows)" = "$after"

# a playlist show: its items, host and flags go with the copy, here dropped
# on the next day at 13:30:15 for 7.5 minutes; outside valid_to it is refused
api POST /api/v1/shows "{\"name\":\"Kamis Putar\",\"host\":\"Bu Ani\",\"days\":[4],\"start\":\"13:00\",\"duration\":10,
	\"content\":\"playlist\",\"items\":[$loud_id,$quiet_id],\"hard_end\":true,\"valid_from\":\"2026-12-01\",\"valid_to\":\"2026-12-31\"}"
P=$(field 'd["id"]')
check "POST a weekly playlist show: 201" test "$CODE" = 201
before=$(rows)
refuse "after valid_to" 409 show_not_on_date "$T/cookies" "$OP_CSRF" "/api/v1/shows/$P/dates/2027-01-07/move" "$GOOD"
check "which changed nothing" test "$(rows)" = "$before"
move "$T/cookies" "$OP_CSRF" "/api/v1/shows/$P/dates/2026-12-10/move" '{"start":"13:30:15","duration":7.5,"date":"2026-12-11"}'
C=$(field 'd["id"]')
check "a move to another day: 201, to 2026-12-11 ($CODE)" test "$CODE/$(field 'd["to"]')" = 201/2026-12-11
check "the copy: host, hard end, 13:30:15, 450 s, its items in order, on 2026-12-11" \
	test "$(sqlite3 "$DB" "SELECT host || '|' || hard_end || '|' || start_time || '|' || duration || '|' ||
		(SELECT group_concat(media_id) FROM (SELECT media_id FROM show_items WHERE show_id = $C ORDER BY position))
		|| '|' || (SELECT group_concat(date) FROM show_dates WHERE show_id = $C) FROM shows WHERE id = $C")" \
	= "Bu Ani|1|48615|450|$loud_id,$quiet_id|2026-12-11"
check "and 2026-12-10 is excepted on the weekly playlist show" \
	test "$(sqlite3 "$DB" "SELECT group_concat(date) FROM show_exceptions WHERE show_id = $P")" = 2026-12-10

# two operators at once: of four simultaneous moves of one date, one is made
pids=()
for i in 1 2 3 4; do
	curl -s -X POST -o "$T/par$i" -w '%{http_code}' -b "$T/cookies" -H "X-CSRF-Token: $OP_CSRF" \
		-H 'Content-Type: application/json' -d "{\"start\":\"11:2$i\",\"duration\":5}" \
		"$B/api/v1/shows/$W/dates/2026-12-30/move" >"$T/par$i.code" &
	pids+=($!)
done
wait "${pids[@]}"
codes=$(for i in 1 2 3 4; do echo "$(cat "$T/par$i.code")"; done | sort | tr '\n' ' ')
check "four moves of one date at once: one 201, three 409 ($codes)" test "$codes" = "201 409 409 409 "
check "one copy on 2026-12-30 and one exception" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM show_dates WHERE date = '2026-12-30'")/$(sqlite3 "$DB" "SELECT count(*) FROM show_exceptions WHERE date = '2026-12-30'")" = 1/1

# "Hapus hanya tanggal ini": DELETE .../dates/D; refused when it does not air
# then or is the show's only date
api DELETE "/api/v1/shows/$W/dates/2026-12-16"
check "DELETE .../dates/2026-12-16: 200, excepted ($CODE)" \
	test "$CODE/$(field '",".join(d["except_dates"])')" = "200/2026-12-02,2026-12-16,2026-12-30"
before=$(rows)
api DELETE "/api/v1/shows/$W/dates/2026-12-16"
check "the same date again: 409 show_not_on_date" test "$CODE/$(field 'd["code"]')" = 409/show_not_on_date
api DELETE "/api/v1/shows/$W/dates/2026-12-17"
check "a Thursday: 409 show_not_on_date" test "$CODE/$(field 'd["code"]')" = 409/show_not_on_date
api DELETE "/api/v1/shows/$O/dates/2026-12-02"
check "the one-off's only date: 409 show_last_date" test "$CODE/$(field 'd["code"]')" = 409/show_last_date
CODE=$(curl -s -X DELETE -o "$T/body" -w '%{http_code}' -b "$T/staff" -H "X-CSRF-Token: $STAFF_CSRF" \
	"$B/api/v1/shows/$W/dates/2026-12-23")
check "staff may not take a date off: 403 role_forbidden" test "$CODE/$(field 'd["code"]')" = 403/role_forbidden
check "the refused removals changed nothing" test "$(rows)" = "$before"
api POST "/api/v1/shows/$W/dates/2026-12-16/restore"
check "Pulihkan: restore 2026-12-16: 200" \
	test "$CODE/$(field '",".join(d["except_dates"])')" = "200/2026-12-02,2026-12-30"
api POST "/api/v1/shows/$W/dates/2026-12-30/restore"
api GET "/api/v1/shows/$W?from=2026-12-01&days=14"
check "the weekly show's airings skip the date: $(field '[a["date"] for a in d["airings"]]')" \
	test "$(field '",".join(a["date"] for a in d["airings"])')" = 2026-12-09
api GET "/api/v1/shows/$O?from=2026-12-01&days=14"
check "the one-off airs that date at 11:10" \
	test "$(field '",".join(a["date"] + " " + a["start"][11:16] for a in d["airings"])')" = "2026-12-02 11:10"
kill "$RUN_PID" 2>/dev/null
wait "$RUN_PID" 2>/dev/null

"$SIARAN" render -c "$T/siaran.conf" --from "2026-12-02 10:58:00" --to "2026-12-02 11:16:00" \
	-o "$T/moved.ogg" --asrun "$T/moved.csv" 2>"$T/render4.log"
check "render of the moved Wednesday exits 0" test $? -eq 0
"$SIARAN" render -c "$T/siaran.conf" --from "2026-12-09 10:58:00" --to "2026-12-09 11:06:00" \
	-o "$T/next.ogg" --asrun "$T/next.csv" 2>"$T/render5.log"
check "render of the next Wednesday exits 0" test $? -eq 0
check "as-run: on the excepted date nothing of the weekly show airs at 11:00" \
	bash -c "! grep -q ',2026-12-02 11:0[0-4]:[0-9.]*,[^,]*,[^,]*,Lagu Mingguan,' '$T/moved.csv'"
check "as-run: the one-off starts at 11:10:00.000 with the weekly show's song" \
	grep -q '^[^,]*,2026-12-02 11:10:00.000,[^,]*,[^,]*,Lagu Mingguan,' "$T/moved.csv"
check "as-run: the next Wednesday the weekly show airs at 11:00:00.000 as before" \
	grep -q '^[^,]*,2026-12-09 11:00:00.000,[^,]*,[^,]*,Lagu Mingguan,' "$T/next.csv"
# the decoded audio: the strongest frequency of a second (zero crossings)
freq_at() { # FILE SECONDS-FROM-START
	ffmpeg -nostdin -loglevel error -i "$1" -af "atrim=$2:$(($2 + 1)),pan=mono|c0=c0" \
		-f s16le -acodec pcm_s16le - | python3 -c "
import array, sys
a = array.array('h'); a.frombytes(sys.stdin.buffer.read())
print(round(sum(1 for x, y in zip(a, a[1:]) if x < 0 <= y) / (len(a) / 44100)))"
}
f_old=$(freq_at "$T/moved.ogg" 150)  # 11:00:30 on the excepted date
f_new=$(freq_at "$T/moved.ogg" 750)  # 11:10:30
f_next=$(freq_at "$T/next.ogg" 150) # 11:00:30 a week later
echo "# 2026-12-02 11:00:30: $f_old Hz; 11:10:30: $f_new Hz; 2026-12-09 11:00:30: $f_next Hz (the show's song: 660)"
check "audio: 11:00:30 on the excepted date is not the weekly song ($f_old Hz)" \
	python3 -c "import sys; sys.exit(0 if abs(int('$f_old') - 660) > 20 else 1)"
check "audio: 11:10:30 on that date is the song ($f_new Hz)" \
	python3 -c "import sys; sys.exit(0 if abs(int('$f_new') - 660) <= 5 else 1)"
check "audio: a week later 11:00:30 is the song again ($f_next Hz)" \
	python3 -c "import sys; sys.exit(0 if abs(int('$f_next') - 660) <= 5 else 1)"
