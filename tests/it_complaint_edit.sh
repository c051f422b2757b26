#!/usr/bin/env bash
# A complaint is edited until it airs (PATCH /api/v1/complaints/{id}) against a
# running station (real icecast2, `siaran run`): the fields change, the history
# gets a row, the spoken intro is spoken again from the new title (its decoded
# audio is the new words, and that intro is what airs), the refusals (400, 403
# without CSRF or as an operator, 404, 409 once aired) change nothing.
source "$(dirname "$0")/lib.sh"

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
tone "$D/fb1.ogg" 4 440 "Lagu Satu" "Band Uji" -c:a libvorbis
tone "$D/fb2.ogg" 4 550 "Lagu Dua" "Band Uji" -c:a libvorbis
printf '%s\n%s\n' "$D/fb1.ogg" "$D/fb2.ogg" >"$D/fb.m3u"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
for u in ani:staff opi:operator; do
	echo "sandi-${u%%:*}-123" | "$SIARAN" user add -c "$CONF" "${u%%:*}" --role "${u##*:}" >/dev/null
done
start_siaran || exit 1
ok "siaran run serves the panel"

req() {
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -X "$m" -o "$D/body" -w '%{http_code}' "$@" "$B$p")
}
as() {
	local u=$1 m=$2 p=$3
	shift 3
	req "$m" "$p" -b "$D/cookies.$u" -H "X-CSRF-Token: $(cat "$D/csrf.$u")" "$@"
}
patch() { # patch USER ID JSON
	as "$1" PATCH "/api/v1/complaints/$2" -H 'Content-Type: application/json' -d "$3"
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
# how alike two recordings sound: the correlation (0..1) of their decoded
# loudness envelopes (20 ms frames); the same words spoken twice are close to 1
# (espeak-ng's output varies by a few samples between runs)
alike() {
	python3 - "$1" "$2" <<'PY'
import subprocess, sys, array, math
def envelope(path):
    raw = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-ac", "1",
                          "-ar", "16000", "-f", "s16le", "-"], capture_output=True, check=True).stdout
    s = array.array("h", raw)
    return [math.sqrt(sum(x * x for x in s[i:i + 320]) / 320) for i in range(0, len(s) - 320, 320)]
a, b = envelope(sys.argv[1]), envelope(sys.argv[2])
n = max(len(a), len(b))
a += [0.0] * (n - len(a)); b += [0.0] * (n - len(b))
ma, mb = sum(a) / n, sum(b) / n
cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
va = math.sqrt(sum((x - ma) ** 2 for x in a)); vb = math.sqrt(sum((y - mb) ** 2 for y in b))
print("%.2f" % (cov / (va * vb) if va and vb else 0))
PY
}
above() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)" "$1" "$2"; }
for u in ani opi; do
	req POST /api/v1/session -c "$D/cookies.$u" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$u\",\"password\":\"sandi-$u-123\"}"
	jq_ 'd["csrf_token"]' >"$D/csrf.$u"
done

ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=300:sample_rate=8000:duration=2" \
	-ac 1 -c:a pcm_s16le "$D/call.wav"
as ani POST /api/v1/complaints -F "audio=@$D/call.wav" -F "title=Lampu jalan mati" \
	-F "location=Desa Mekar" -F "caller_name=Pak Budi" -F consent=0
expect "a complaint without consent is uploaded: 201" 201
C=$(jq_ 'd["id"]')
OLD_INTRO=$(sql "SELECT intro_media_id FROM complaints WHERE id = $C")
check "it has a spoken intro ($OLD_INTRO)" test -n "$OLD_INTRO"
as ani POST "/api/v1/complaints/$C/verify"
expect "verify: 200" 200
as ani POST "/api/v1/complaints/$C/air-next"
expect_error "without consent air-next is refused: 409" 409

snapshot() { sql "SELECT title||'|'||location||'|'||consent||'|'||coalesce(intro_media_id,'')||'|'||(SELECT count(*) FROM complaint_events WHERE complaint_id = $C) FROM complaints WHERE id = $C"; }
before=$(snapshot)
# ---- refusals ----------------------------------------------------------------------
req PATCH "/api/v1/complaints/$C" -b "$D/cookies.ani" -H 'Content-Type: application/json' -d '{"title":"x"}'
expect_error "without the CSRF token: 403" 403
patch opi "$C" '{"title":"x"}'
expect_error "an operator (no complaint access): 403" 403
req PATCH "/api/v1/complaints/$C" -H 'Content-Type: application/json' -d '{"title":"x"}'
expect_error "without a session: 401" 401
patch ani 999999 '{"title":"x"}'
expect_error "an unknown complaint: 404" 404
patch ani "$C" '{"title":""}'
expect_error "an empty title: 400" 400
patch ani "$C" '{"incident_date":"2026-02-31"}'
expect_error "a date that does not exist: 400" 400
patch ani "$C" '{"consent":"yes"}'
expect_error "consent that is not true/false: 400" 400
patch ani "$C" '{"caller_name":"Pak\nBudi"}'
expect_error "a caller name with a line break: 400" 400
patch ani "$C" '{"colour":"red"}'
expect_error "an unknown field: 400" 400
patch ani "$C" '{}'
expect_error "nothing to change: 400" 400
check "the refusals changed nothing" test "$(snapshot)" = "$before"

# ---- the edit -------------------------------------------------------------------------
NEW_TITLE="Lampu penerangan jalan padam"
patch ani "$C" "{\"title\":\"$NEW_TITLE\",\"location\":\"Desa Sukamaju\",\"consent\":true,\"summary\":\"Sudah seminggu.\",\"incident_date\":\"2026-03-01\",\"caller_name\":null}"
expect "staff edit title, place, summary, date, caller and consent: 200" 200
check "the answer is the complaint as it is now" \
	test "$(jq_ '"|".join(str(d[k]) for k in ("title","location","summary","incident_date","caller_name","consent","status"))')" \
	= "$NEW_TITLE|Desa Sukamaju|Sudah seminggu.|2026-03-01|None|True|verified"
check "stored: the fields changed, the caller's name cleared" \
	test "$(sql "SELECT title||'|'||location||'|'||summary||'|'||incident_date||'|'||(caller_name IS NULL)||'|'||consent FROM complaints WHERE id = $C")" \
	= "$NEW_TITLE|Desa Sukamaju|Sudah seminggu.|2026-03-01|1|1"
as ani GET "/api/v1/complaints/$C"
check "the history has the edit, by whom, naming the fields" \
	test "$(jq_ '"|".join([d["events"][-1][k] or "" for k in ("from","to","user","note")])')" \
	= "verified|verified|ani|edit: title, summary, location, incident_date, caller_name, consent"
check "one history row for the edit" \
	test "$(sql "SELECT count(*) FROM complaint_events WHERE complaint_id = $C AND note LIKE 'edit:%'")" = 1
NEW_INTRO=$(sql "SELECT intro_media_id FROM complaints WHERE id = $C")
check "the intro was spoken again ($OLD_INTRO -> $NEW_INTRO)" \
	bash -c "[ -n '$NEW_INTRO' ] && [ '$NEW_INTRO' != '$OLD_INTRO' ]"
check "the new intro is titled after the new title" \
	test "$(sql "SELECT title FROM media WHERE id = '$NEW_INTRO'")" = "Suara Warga: $NEW_TITLE"
check "the old intro left the catalog" test "$(sql "SELECT deleted FROM media WHERE id = '$OLD_INTRO'")" = 1
# what the intro says: the same text-to-speech of the new words, decoded
as ani POST /api/v1/announcements/preview -H 'Content-Type: application/json' \
	-d "{\"text\":\"Suara Warga dari Desa Sukamaju, tentang $NEW_TITLE.\"}"
cp "$D/body" "$D/expected_new.wav"
as ani POST /api/v1/announcements/preview -H 'Content-Type: application/json' \
	-d '{"text":"Suara Warga dari Desa Mekar, tentang Lampu jalan mati."}'
cp "$D/body" "$D/expected_old.wav"
intro_file=$(sql "SELECT path FROM media WHERE id = '$NEW_INTRO'")
[ "${intro_file#/}" = "$intro_file" ] && intro_file=$D/$intro_file
old_file=$(sql "SELECT path FROM media WHERE id = '$OLD_INTRO'")
[ "${old_file#/}" = "$old_file" ] && old_file=$D/$old_file
same_old=$(alike "$old_file" "$D/expected_old.wav")
check "the old intro's audio said the old title (likeness $same_old)" above "$same_old" 0.95
same_new=$(alike "$intro_file" "$D/expected_new.wav")
stale=$(alike "$intro_file" "$D/expected_old.wav")
check "the new intro's decoded audio says the new title and place (likeness $same_new)" above "$same_new" 0.95
check "and not the old words (likeness $stale)" above 0.8 "$stale"

patch ani "$C" "{\"title\":\"$NEW_TITLE\"}"
expect "the same values again: 200" 200
check "change nothing: no history row, the intro kept" \
	test "$(sql "SELECT count(*)||'|'||(SELECT intro_media_id FROM complaints WHERE id = $C) FROM complaint_events WHERE complaint_id = $C AND note LIKE 'edit:%'")" = "1|$NEW_INTRO"

# ---- it airs with the new intro; then it cannot be edited ------------------------------
as ani POST "/api/v1/complaints/$C/air-next"
expect "with consent given, air-next: 200" 200
for _ in $(seq 1 150); do
	[ "$(sql "SELECT status FROM complaints WHERE id=$C")" = aired ] && break
	sleep 0.2
done
check "the complaint aired" test "$(sql "SELECT status FROM complaints WHERE id=$C")" = aired
for _ in $(seq 1 50); do
	[ "$(sql "SELECT count(*) FROM asrun WHERE media_id = '$NEW_INTRO'")" -ge 1 ] && break
	sleep 0.2
done
check "the new intro is what aired (as-run), the old one never" \
	test "$(sql "SELECT (SELECT count(*) FROM asrun WHERE media_id = '$NEW_INTRO')||'|'||(SELECT count(*) FROM asrun WHERE media_id = '$OLD_INTRO')")" = "1|0"
check "it aired under the new title" \
	test "$(sql "SELECT count(*) FROM asrun WHERE kind = 'complaint' AND title = 'Suara Warga: $NEW_TITLE'")" -ge 1
before=$(snapshot)
patch ani "$C" '{"title":"Terlambat"}'
expect_error "an aired complaint cannot be edited: 409" 409
check "the refused edit changed nothing" test "$(snapshot)" = "$before"

# a rejected one neither
as ani POST /api/v1/complaints -F "audio=@$D/call.wav" -F "title=Aduan ditolak"
C2=$(jq_ 'd["id"]')
as ani POST "/api/v1/complaints/$C2/reject"
patch ani "$C2" '{"title":"Lain"}'
expect_error "a rejected complaint cannot be edited: 409" 409

# making one confidential drops its intro (never aired, nothing to leak)
as ani POST /api/v1/complaints -F "audio=@$D/call.wav" -F "title=Pungutan liar" -F consent=1
C3=$(jq_ 'd["id"]')
I3=$(sql "SELECT intro_media_id FROM complaints WHERE id = $C3")
patch ani "$C3" '{"confidential":true}'
expect "made confidential: 200" 200
check "a confidential complaint keeps no intro" \
	test "$(sql "SELECT coalesce(intro_media_id,'none')||'|'||(SELECT deleted FROM media WHERE id = '$I3') FROM complaints WHERE id = $C3")" = "none|1"
as ani POST "/api/v1/complaints/$C3/verify"
as ani POST "/api/v1/complaints/$C3/air-next"
expect_error "and cannot be aired: 409" 409
check "the station is still running" kill -0 "${TEST_PIDS[0]}"
