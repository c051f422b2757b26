#!/usr/bin/env bash
# Suara Warga, the whole loop, against a running station (real icecast2,
# `siaran run`, a listener decoding the stream with ffmpeg): citizens send
# without a login (limits: consent 400, size 413, length 413, non-audio 422,
# per client 429, queue 503), follow their reference, staff verify, air,
# forward and record the agency's answer, the answer airs in the next Suara
# Warga segment, the public board shows it; overdue answers are counted.  No
# public page or JSON ever holds the caller's name or phone.
source "$(dirname "$0")/lib.sh"

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
tone "$D/fb1.ogg" 5 440 "Lagu Satu" "Band Uji" -c:a libvorbis
tone "$D/fb2.ogg" 5 550 "Lagu Dua" "Band Uji" -c:a libvorbis
printf '%s\n%s\n' "$D/fb1.ogg" "$D/fb2.ogg" >"$D/fb.m3u"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
# every X-Forwarded-For value is another client behind the trusted proxy
cat >>"$D/siaran.conf" <<'CONF'
trusted_proxies = 127.0.0.1

[complaints]
public_upload_limit = 1
public_max_seconds = 20
public_per_hour = 3
public_queue_limit = 5
answer_days = 5
holidays = 2026-12-25, 2027-01-01
CONF
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
# the caller, unique to this run: never on a public page
NAME="Warga Rahasia $RANDOM$RANDOM"
PHONE="0857$RANDOM$RANDOM"

# ---- an older database migrates, its complaints and their events kept ------------------
# the version before Suara Warga as an older siaran left it: made from this one's
# by undoing the migrations from Suara Warga's (5 -> 6) on: the show exceptions'
# (10 -> 11), the insert order's (9 -> 10), the podcasts' (7 -> 8), the planner
# checkpoint's (6 -> 7) and Suara Warga's
mkdir -p "$D/old"
printf '[storage]\ndatabase = siaran.db\nmedia = media\n[web]\nlisten =\n' >"$D/old/siaran.conf"
echo "sandi-lama-1234" | "$SIARAN" user add -c "$D/old/siaran.conf" lama --role staff >/dev/null 2>&1
OLD=$D/old/siaran.db
NEW_VERSION=$(sqlite3 "$OLD" 'PRAGMA user_version')
SW_VERSION=6
sqlite3 "$OLD" "PRAGMA foreign_keys=OFF; DROP TABLE show_exceptions; DROP TABLE podcast_episodes;
ALTER TABLE shows DROP COLUMN podcast; ALTER TABLE shows DROP COLUMN podcast_description;
ALTER TABLE shows DROP COLUMN podcast_image; ALTER TABLE shows DROP COLUMN podcast_category;
DROP TABLE plan_checkpoint; DROP TABLE public_submissions;
ALTER TABLE announcements DROP COLUMN queue_position;
DROP INDEX complaint_events_by_complaint; DROP TABLE complaints;
CREATE TABLE complaints (id INTEGER PRIMARY KEY, media_id INTEGER REFERENCES media(id),
 intro_media_id INTEGER REFERENCES media(id), title TEXT NOT NULL, summary TEXT NOT NULL DEFAULT '',
 category TEXT NOT NULL DEFAULT '', location TEXT NOT NULL DEFAULT '', incident_date TEXT,
 caller_name TEXT, caller_phone TEXT, anonymous INTEGER NOT NULL DEFAULT 1,
 confidential INTEGER NOT NULL DEFAULT 0, consent INTEGER NOT NULL DEFAULT 0,
 status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received','verified','queued','aired','forwarded','closed','rejected')),
 queue_position INTEGER, air_next INTEGER NOT NULL DEFAULT 0, lapor_tracking_id TEXT,
 created_by INTEGER REFERENCES users(id), created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX complaints_by_status ON complaints(status, queue_position);
INSERT INTO complaints (title, status, caller_name, lapor_tracking_id, created_at, updated_at)
 VALUES ('Aduan lama', 'forwarded', 'Pak Lama', 'LAP-OLD-1', 100, 200);
INSERT INTO complaint_events (complaint_id, from_status, to_status, at, note)
 VALUES (1, NULL, 'received', 100, ''), (1, 'aired', 'forwarded', 200, 'LAP-OLD-1');
PRAGMA user_version = $((SW_VERSION - 1));"
"$SIARAN" user disable -c "$D/old/siaran.conf" lama >/dev/null 2>"$D/old/migrate.log" # opens it
check "a version $((SW_VERSION - 1)) database migrates to $NEW_VERSION" \
	test "$(sqlite3 "$OLD" 'PRAGMA user_version')" = "$NEW_VERSION"
check "its complaint is kept, as staff's, with its events" \
	test "$(sqlite3 "$OLD" "SELECT c.title||'|'||c.status||'|'||c.source||'|'||c.caller_name||'|'||(SELECT count(*) FROM complaint_events e WHERE e.complaint_id = c.id) FROM complaints c")" = "Aduan lama|forwarded|staff|Pak Lama|2"
queue_before=$(sqlite3 "$OLD" "SELECT value FROM versions WHERE name = 'queue'")
check "after the migration a complaint can be answered" \
	sqlite3 "$OLD" "UPDATE complaints SET status = 'answered' WHERE id = 1"
check "and the change still reaches the engine's loader (queue version $queue_before moved)" \
	test "$(sqlite3 "$OLD" "SELECT value FROM versions WHERE name = 'queue'")" -gt "${queue_before:-999999}"
check "the migrated database has no broken reference" test -z "$(sqlite3 "$OLD" 'PRAGMA foreign_key_check')"

for u in ani:staff opi:operator adi:admin; do
	echo "sandi-${u%%:*}-123" | "$SIARAN" user add -c "$CONF" "${u%%:*}" --role "${u##*:}" >/dev/null
done
start_siaran || exit 1
ok "siaran run serves the panel"

req() {
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -X "$m" -o "$D/body" -D "$D/headers" -w '%{http_code}' "$@" "$B$p")
}
as() {
	local u=$1 m=$2 p=$3
	shift 3
	req "$m" "$p" -b "$D/cookies.$u" -H "X-CSRF-Token: $(cat "$D/csrf.$u")" "$@"
}
jq_() {
	python3 -c "import json,sys
d=json.load(open('$D/body'))
v=eval(sys.argv[1])
print('' if v is None else (json.dumps(v) if isinstance(v,(dict,list,bool)) else v))" "$1" 2>/dev/null
}
expect() {
	if [ "$CODE" = "$2" ]; then ok "$1"; else not_ok "$1: got $CODE, want $2: $(head -c 300 "$D/body")"; fi
}
expect_error() {
	if [ "$CODE" = "$2" ] && [ -n "$(jq_ 'd["error"]')" ]; then ok "$1"; else
		not_ok "$1: got $CODE, want $2 with a JSON error: $(head -c 300 "$D/body")"
	fi
}
sql() { sqlite3 "$DB" "$1"; }
# public GET PATH: keeps every public body for the privacy check at the end
PUBLIC_N=0
public_get() {
	req GET "$1"
	PUBLIC_N=$((PUBLIC_N + 1))
	cp "$D/body" "$D/public.$PUBLIC_N"
}
for u in ani opi adi; do
	req POST /api/v1/session -c "$D/cookies.$u" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$u\",\"password\":\"sandi-$u-123\"}"
	jq_ 'd["csrf_token"]' >"$D/csrf.$u"
done

# ---- citizens send ---------------------------------------------------------------------
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=300:sample_rate=8000:duration=3" \
	-ac 1 -c:a pcm_s16le "$D/call.wav"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=500:sample_rate=16000:duration=2" \
	-ac 1 -c:a libopus "$D/voicenote.ogg"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=350:sample_rate=8000:duration=30" \
	-ac 1 -c:a pcm_mulaw "$D/long.wav" # 240 kB, 30 s: past public_max_seconds
head -c 20000 /dev/urandom >"$D/noise.wav"
head -c 1500000 /dev/urandom >"$D/big.wav"
FORM=(-F "title=Jalan berlubang di Desa Mekar" -F "category=Infrastruktur"
	-F "location=Kecamatan Cibeber, Desa Mekar" -F "caller_name=$NAME"
	-F "caller_phone=$PHONE" -F anonymous=0)
pub() { # pub CLIENT [curl args]: a public submission from CLIENT
	local client=$1
	shift
	req POST /api/v1/public/complaints -H "X-Forwarded-For: $client" "$@"
}

pub 10.0.0.1 -F "audio=@$D/call.wav" "${FORM[@]}"
expect_error "without consent: 400" 400
pub 10.0.0.1 -F "audio=@$D/call.wav" "${FORM[@]}" -F consent=0
expect_error "consent=0: 400" 400
pub 10.0.0.2 -F "audio=@$D/noise.wav" "${FORM[@]}" -F consent=1
expect_error "a file that is no audio: 422" 422
pub 10.0.0.3 -F "audio=@$D/big.wav" "${FORM[@]}" -F consent=1
expect_error "1.5 MB past public_upload_limit = 1: 413" 413
pub 10.0.0.3 -F "audio=@$D/long.wav" "${FORM[@]}" -F consent=1
expect_error "30 s past public_max_seconds = 20: 413" 413
req POST /api/v1/public/complaints -H 'Content-Type: application/json' -d '{"title":"x"}'
expect_error "JSON instead of a form: 415" 415
check "refused submissions store no complaint" test "$(sql 'SELECT count(*) FROM complaints')" = 0
check "a refused long recording is not left in the library" \
	test "$(sql "SELECT count(*) FROM media WHERE deleted = 0")" = 0

pub 10.0.0.4 -F "audio=@$D/voicenote.ogg" "${FORM[@]}" -F consent=1
expect "a citizen's Ogg Opus voice note: 202" 202
REF=$(jq_ 'd["reference"]')
check "the answer is only a reference" test "$(jq_ 'sorted(d.keys())')" = '["reference"]'
check "the reference is 8 unambiguous characters ($REF)" \
	bash -c "[[ '$REF' =~ ^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$ ]]"
C1=$(sql "SELECT id FROM complaints WHERE reference = '$REF'")
check "stored as received from the public page, with the caller for staff" \
	test "$(sql "SELECT status||'|'||source||'|'||consent||'|'||caller_phone||'|'||(created_by IS NULL) FROM complaints WHERE id = '$C1'")" \
	= "received|public|1|$PHONE|1"
check "the client is stored as a hash, never its address" \
	bash -c "[ \"\$(sqlite3 '$DB' \"SELECT count(*) FROM public_submissions WHERE client LIKE '10.%'\")\" = 0 ] && [ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM public_submissions')\" -ge 1 ]"

public_get "/api/v1/public/complaints/$REF"
expect "the reference route: 200" 200
check "the reference route has only the allowed fields" \
	test "$(jq_ 'sorted(d.keys())')" = '["aired_at", "answered_at", "forwarded_at", "reference", "status"]'
check "the reference route says received" test "$(jq_ 'd["status"]')" = received
public_get /api/v1/public/complaints/ZZZZZZZZ
expect_error "an unknown reference: 404" 404

# a flood of 100 from one address, 8 at a time, while a listener listens
ffmpeg -nostdin -loglevel error -t 25 -i "http://127.0.0.1:$ICE_PORT/radio.ogg" \
	-f s16le -ac 2 -ar 44100 "$D/listen.raw" &
LISTEN_PID=$!
TEST_PIDS+=("$LISTEN_PID")
sleep 2
seq 1 100 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	-H "X-Forwarded-For: 10.9.9.9" -F "audio=@$D/call.wav" -F "title=Banjir {}" \
	-F consent=1 "$B/api/v1/public/complaints" >"$D/flood.codes"
check "the flood: 3 accepted (202), 97 refused (429)" \
	test "$(sort "$D/flood.codes" | uniq -c | awk '{printf "%s:%s ", $2, $1}')" = "202:3 429:97 "
check "the flood stored at most the limit" \
	test "$(sql "SELECT count(*) FROM complaints WHERE title LIKE 'Banjir %'")" = 3
pub 10.9.9.9 -F "audio=@$D/call.wav" -F "title=Sekali lagi" -F consent=1
expect_error "the same client again within the hour: 429" 429
pub 10.0.0.5 -F "audio=@$D/call.wav" -F "title=Dari tetangga" -F consent=1
expect "another client is not limited by the first: 202" 202
pub 10.0.0.6 -F "audio=@$D/call.wav" -F "title=Antrean penuh" -F consent=1
expect_error "five unverified public complaints fill the queue: 503" 503
wait "$LISTEN_PID"
listened=$(($(stat -c %s "$D/listen.raw" 2>/dev/null || echo 0) / 4))
check "the stream played on through the flood (a listener decoded $listened frames, want >= 20 s)" \
	[ "$listened" -ge $((20 * 44100)) ]
check "the station is still running" kill -0 "${TEST_PIDS[0]}"

as ani GET /api/v1/complaints
expect "the staff list: 200" 200
check "the staff queue shows where each came from" \
	test "$(jq_ '",".join(sorted(set(c["source"] for c in d["complaints"])))')" = public
check "a public complaint cannot air before staff verify it" \
	test "$(sql "SELECT count(*) FROM complaints WHERE status NOT IN ('received')")" = 0

# ---- the station follows up ------------------------------------------------------------
as ani POST "/api/v1/complaints/$C1/verify"
expect "verify: 200" 200
as ani POST "/api/v1/complaints/$C1/air-next"
expect "air-next: 200" 200
for _ in $(seq 1 150); do
	[ "$(sql "SELECT status FROM complaints WHERE id=$C1")" = aired ] && break
	sleep 0.2
done
check "the complaint aired" test "$(sql "SELECT status FROM complaints WHERE id=$C1")" = aired
public_get "/api/v1/public/complaints/$REF"
check "the reference route shows when it aired" test -n "$(jq_ 'd["aired_at"]')"

as ani POST "/api/v1/complaints/$C1/answer" -H 'Content-Type: application/json' \
	-d '{"agency":"Dinas PU","text":"Jalan diperbaiki minggu depan."}'
expect_error "answer before forward: 409" 409
as ani POST "/api/v1/complaints/$C1/forward" -H 'Content-Type: application/json' \
	-d '{"tracking_id":"LAPOR-2026-0042"}'
expect "forward: 200" 200
as ani GET "/api/v1/complaints/$C1"
check "a forwarded complaint waits for its answer, not overdue" \
	test "$(jq_ 'str(d["overdue"]) + "|" + str(bool(d["answer_due"]))')" = "False|True"
as opi POST "/api/v1/complaints/$C1/answer" -H 'Content-Type: application/json' \
	-d '{"agency":"Dinas PU","text":"x"}'
expect_error "an operator may not answer: 403" 403
req POST "/api/v1/complaints/$C1/answer" -H 'Content-Type: application/json' \
	-d '{"agency":"Dinas PU","text":"x"}'
expect_error "answer without a session: 401" 401
as ani POST "/api/v1/complaints/$C1/answer" -H 'Content-Type: application/json' -d '{"text":"x"}'
expect_error "answer without agency: 400" 400
as ani POST "/api/v1/complaints/$C1/answer" -H 'Content-Type: application/json' -d '{"agency":"Dinas PU"}'
expect_error "answer without text or recording: 400" 400
as ani POST "/api/v1/complaints/$C1/answer" -F "agency=Dinas PU" -F "audio=@$D/noise.wav"
expect_error "an answer recording that is no audio: 422" 422
check "refused answers leave it forwarded" test "$(sql "SELECT status FROM complaints WHERE id=$C1")" = forwarded
# the answer's last step (its event row) fails: its recording and intro go too
media_before=$(sql "SELECT count(*) FROM media")
files_before=$(find "$D/media" -type f | wc -l)
sql "CREATE TRIGGER test_refuse_answer BEFORE INSERT ON complaint_events
	WHEN NEW.to_status = 'answered' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
as ani POST "/api/v1/complaints/$C1/answer" -H 'Content-Type: application/json' \
	-d '{"agency":"Dinas PU","text":"Jawaban yang tidak tersimpan."}'
expect_error "an answer whose event cannot be written is refused: 500" 500
sql "DROP TRIGGER test_refuse_answer"
check "and it left no media row (media $media_before -> $(sql "SELECT count(*) FROM media"))" \
	test "$(sql "SELECT count(*) FROM media")" = "$media_before"
check "and no stored file without a row (files $files_before -> $(find "$D/media" -type f | wc -l))" \
	test "$(find "$D/media" -type f | wc -l)" = "$files_before"
check "and the complaint is still forwarded" test "$(sql "SELECT status FROM complaints WHERE id=$C1")" = forwarded
as ani POST "/api/v1/complaints/$C1/answer" -H 'Content-Type: application/json' \
	-d '{"agency":"Dinas PU","text":"Jalan di Desa Mekar diperbaiki minggu depan."}'
expect "the agency's answer (text, spoken): 200" 200
check "answered, with the agency" test "$(jq_ 'd["status"] + "|" + d["answer_agency"]')" = "answered|Dinas PU"
check "answered is an event" \
	test "$(sql "SELECT count(*) FROM complaint_events WHERE complaint_id=$C1 AND to_status='answered'")" = 1
sleep 8
check "the answer does not air outside a Suara Warga segment" \
	test -z "$(sql "SELECT answer_aired_at FROM complaints WHERE id=$C1")"

# the next Suara Warga segment: a show that started a minute ago
START=$(TZ=Asia/Jakarta date -d '-1 min' +%H:%M)
as adi POST /api/v1/shows -H 'Content-Type: application/json' \
	-d "{\"name\":\"Suara Warga\",\"days\":[0,1,2,3,4,5,6],\"start\":\"$START\",\"duration\":120,\"content\":\"complaints\"}"
expect "a Suara Warga show now: 201" 201
for _ in $(seq 1 200); do
	[ -n "$(sql "SELECT answer_aired_at FROM complaints WHERE id=$C1")" ] && break
	sleep 0.2
done
check "the answer aired in the Suara Warga segment" \
	test -n "$(sql "SELECT answer_aired_at FROM complaints WHERE id=$C1")"
check "as-run: the spoken intro 'Tanggapan Dinas PU' and then the answer" \
	test "$(sql "SELECT group_concat(CASE media_id WHEN (SELECT answer_intro_media_id FROM complaints WHERE id=$C1) THEN 'intro' WHEN (SELECT answer_media_id FROM complaints WHERE id=$C1) THEN 'answer' END, ',') FROM (SELECT media_id FROM asrun WHERE title LIKE 'Tanggapan Dinas PU%' ORDER BY started_at)")" = "intro,answer"
check "the answer airing is an event" \
	test "$(sql "SELECT count(*) FROM complaint_events WHERE complaint_id=$C1 AND note='answer on air'")" = 1
public_get /api/v1/nowplaying

# ---- overdue ----------------------------------------------------------------------------
as ani POST /api/v1/complaints -F "audio=@$D/call.wav" -F "title=Sampah menumpuk" -F consent=1
C2=$(jq_ 'd["id"]')
as ani POST "/api/v1/complaints/$C2/verify" >/dev/null
as ani POST "/api/v1/complaints/$C2/forward" -H 'Content-Type: application/json' -d '{"tracking_id":"LAPOR-2026-0043"}'
req GET /metrics
check "metrics: nothing overdue yet" grep -q '^siaran_complaints_overdue 0$' "$D/body"
sql "UPDATE complaint_events SET at = at - 30 * 86400 WHERE complaint_id = $C2 AND to_status = 'forwarded'"
as ani GET /api/v1/complaints
check "the staff list flags it overdue and counts it" \
	test "$(jq_ 'str([c["overdue"] for c in d["complaints"] if c["id"] == '"$C2"']) + "|" + str(d["overdue"])')" = "[True]|1"
req GET /metrics
check "metrics: siaran_complaints_overdue 1" grep -q '^siaran_complaints_overdue 1$' "$D/body"
as ani POST "/api/v1/complaints/$C1/close"
expect "close after the answer: 200" 200

# ---- the monthly report -----------------------------------------------------------------
as ani POST /api/v1/complaints -F "audio=@$D/call.wav" -F "title=Rumus" -F "category==1+1" -F consent=1
MONTH=$(TZ=Asia/Jakarta date +%Y-%m)
EARLIER=$(TZ=Asia/Jakarta date -d "@$(sql "SELECT at FROM complaint_events WHERE complaint_id=$C2 AND to_status='forwarded'")" +%Y-%m)
as ani GET "/api/v1/complaints/report?month=$MONTH"
expect "the monthly report: 200" 200
if [ "$EARLIER" = "$MONTH" ]; then want_fwd=2; else want_fwd=1; fi
check "report: received 7, aired 1, forwarded $want_fwd, answered 1 this month" \
	test "$(jq_ '"%d,%d,%d,%d" % (d["received"], d["aired"], d["forwarded"], d["answered"])')" = "7,1,$want_fwd,1"
check "report: by category and by kecamatan/desa" \
	test "$(jq_ '[c["received"] for c in d["by_category"] if c["category"] == "Infrastruktur"] + [l["aired"] for l in d["by_location"] if l["location"] == "Kecamatan Cibeber, Desa Mekar"]')" = "[1, 1]"
check "report: the medians (received to aired in days, forwarded to answered in working days)" \
	test "$(jq_ '"%s|%s" % (d["median_days_received_to_aired"] < 1, d["median_workdays_forwarded_to_answered"])')" = "True|0.0"
as ani GET "/api/v1/complaints/report?month=$EARLIER"
check "report: the complaint forwarded 30 days ago is overdue in its month" \
	test "$(jq_ 'd["overdue"] >= 1')" = true
as adi GET "/api/v1/complaints/report?month=$MONTH&format=csv"
expect "the report as CSV: 200" 200
check "CSV: header, total and category rows" \
	bash -c "head -1 '$D/body' | grep -q '^bulan,dimensi,nama,received,aired,forwarded,answered,overdue' && grep -q '^$MONTH,total,,7,1,' '$D/body' && grep -q '^$MONTH,category,Infrastruktur,1,' '$D/body'"
check "CSV: a category that looks like a formula is no formula" bash -c "! grep -q ',=1+1' '$D/body'"
as ani GET "/api/v1/complaints/report?month=2026-13"
expect_error "report for month 2026-13: 400" 400
as opi GET /api/v1/complaints/report
expect_error "an operator may not read the report: 403" 403
req GET /api/v1/complaints/report
expect_error "the report without a session: 401" 401

as ani POST "/api/v1/complaints/$C2/answer" -F "agency=Dinas Kebersihan" -F "audio=@$D/voicenote.ogg"
expect "an answer as a recording (multipart): 200" 200
check "the recorded answer is the complaint's item" \
	test "$(sql "SELECT c.status||'|'||m.kind FROM complaints c JOIN media m ON m.id = c.answer_media_id WHERE c.id=$C2")" = "answered|complaint"
req GET /metrics
check "metrics: answered, no longer overdue" grep -q '^siaran_complaints_overdue 0$' "$D/body"

# ---- everyone can see -------------------------------------------------------------------
public_get /api/v1/public/suara-warga
expect "the public board: 200" 200
check "the board lists only the aired complaint" \
	test "$(jq_ '",".join(c["title"] for c in d["complaints"])')" = "Jalan berlubang di Desa Mekar"
check "the board shows the answer and its working days" \
	test "$(jq_ 'd["complaints"][0]["answer"]["agency"] + "|" + str(d["complaints"][0]["answer_workdays"])')" = "Dinas PU|0"
check "the board has this month's totals" test "$(jq_ 'd["month"]["received"] == 7 and d["month"]["aired"] == 1')" = true
public_get "/api/v1/public/complaints/$REF"
check "the reference shows each step" \
	test "$(jq_ 'd["status"] + "|" + str(all(d[k] for k in ("aired_at","forwarded_at","answered_at")))')" = "closed|True"
public_get /
check "the listener page has the 'Kirim Suara Warga' form with recorder and consent" \
	bash -c "grep -q 'Kirim Suara Warga' '$D/body' && grep -q 'id=\"rec-start\"' '$D/body' && grep -q 'name=\"consent\" required' '$D/body'"
public_get /suara-warga
expect "the board page: 200" 200
check "the board page loads its script" grep -q '/static/board.js' "$D/body"
public_get "/suara-warga?ref=$REF"
leaks=$(grep -l -e "$NAME" -e "$PHONE" "$D"/public.* 2>/dev/null | tr '\n' ' ')
check "no public page or JSON holds the caller's name or phone ($PUBLIC_N bodies)" test -z "$leaks"
check "no Icecast metadata holds them" bash -c "! curl -s http://127.0.0.1:$ICE_PORT/status-json.xsl | grep -qe '$PHONE'"

# ---- creating a complaint is one transaction ----------------------------------------------
# The complaint's row cannot be written (a trigger refuses it): the recording and its
# intro, decoded and stored before, leave no media row and no stored file behind.
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=370:sample_rate=8000:duration=3" \
	-af "volume=0.5" "$D/call-refused.wav"
media_before=$(sql "SELECT count(*) FROM media")
files_before=$(find "$D/media" -type f | wc -l)
sql "CREATE TRIGGER test_refuse_complaint BEFORE INSERT ON complaints
	BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
as ani POST /api/v1/complaints -F "audio=@$D/call-refused.wav" -F "title=Tidak tersimpan" \
	-F "location=Desa Jauh" -F consent=1
expect_error "a complaint whose row cannot be written is refused: 500" 500
sql "DROP TRIGGER test_refuse_complaint"
check "and it left no media row, recording or intro (media $media_before -> $(sql "SELECT count(*) FROM media"))" \
	test "$(sql "SELECT count(*) FROM media")" = "$media_before"
check "and no stored file without a row (files $files_before -> $(find "$D/media" -type f | wc -l))" \
	test "$(find "$D/media" -type f | wc -l)" = "$files_before"
as ani POST /api/v1/complaints -F "audio=@$D/call-refused.wav" -F "title=Tersimpan" \
	-F "location=Desa Jauh" -F consent=1
expect "the same upload once the row can be written: 201" 201
check "with its recording and its intro (media $media_before -> $(sql "SELECT count(*) FROM media"))" \
	test "$(sql "SELECT count(*) FROM media")" = "$((media_before + 2))"
