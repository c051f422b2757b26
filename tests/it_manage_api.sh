#!/usr/bin/env bash
# Integration test of the operator's API (media library, shows, PSA campaigns,
# as-run) against a running station: a real icecast2 and `siaran run`.  Every
# endpoint: success, unauthenticated (401), wrong role (403), missing CSRF
# (403), malformed input (4xx with a JSON reason), and that refused requests
# change nothing (rows checked with the sqlite3 CLI, files in the store
# counted).  Then a show and a hard PSA campaign made through the API appear
# at their times in `siaran rundown`.
source "$(dirname "$0")/lib.sh"

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
tone "$D/fb1.ogg" 4 440 "Isi Satu" "Band Uji" -c:a libvorbis
tone "$D/fb2.ogg" 4 550 "Isi Dua" "Band Uji" -c:a libvorbis
printf '%s\n%s\n' "$D/fb1.ogg" "$D/fb2.ogg" >"$D/fb.m3u"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
echo "upload_limit = 1" >>"$D/siaran.conf" # MB; [web] is the last section
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
for u in ani:staff opi:operator adi:admin; do
	echo "sandi-${u%%:*}-123" | "$SIARAN" user add -c "$CONF" "${u%%:*}" --role "${u##*:}" >/dev/null
done

start_siaran || exit 1
ok "siaran run serves the panel"

# ---- helpers ----------------------------------------------------------------------------
req() { # req METHOD PATH [curl args...]: sets CODE, body in $D/body, headers in $D/headers
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -X "$m" -o "$D/body" -D "$D/headers" -w '%{http_code}' "$@" "$B$p")
}
as() { # as USER METHOD PATH [args]: with the user's cookie and CSRF token
	local u=$1 m=$2 p=$3
	shift 3
	req "$m" "$p" -b "$D/cookies.$u" -H "X-CSRF-Token: $(cat "$D/csrf.$u")" "$@"
}
as_nocsrf() { # cookie but no CSRF header
	local u=$1 m=$2 p=$3
	shift 3
	req "$m" "$p" -b "$D/cookies.$u" "$@"
}
json() { # json USER METHOD PATH BODY: a JSON request with cookie and CSRF
	as "$1" "$2" "$3" -H 'Content-Type: application/json' -d "$4"
}
jq_() { # jq_ EXPR: a Python expression on the body as d
	python3 -c "import json,sys
d=json.load(open('$D/body'))
v=eval(sys.argv[1])
print('' if v is None else (json.dumps(v) if isinstance(v,(dict,list,bool)) else v))" "$1" 2>/dev/null
}
json_error() { [ -n "$(jq_ 'd["error"]')" ]; }
sql() { sqlite3 "$DB" "$1"; }
media_files() { find "$D/media" -type f 2>/dev/null | wc -l; }
expect() {
	if [ "$CODE" = "$2" ]; then ok "$1"; else
		not_ok "$1: got $CODE, want $2: $(head -c 300 "$D/body")"
	fi
}
expect_error() {
	if [ "$CODE" = "$2" ] && json_error; then ok "$1"; else
		not_ok "$1: got $CODE, want $2 with a JSON error: $(head -c 300 "$D/body")"
	fi
}
# refused NAME: the standard refusals of a write (401, 403 staff, 403 no CSRF)
# METHOD PATH [args]; each must change nothing, checked by the caller
refusals() {
	local name=$1 m=$2 p=$3
	shift 3
	req "$m" "$p" "$@"
	expect_error "$name without a session: 401" 401
	as ani "$m" "$p" "$@"
	expect_error "$name by staff (wrong role): 403" 403
	as_nocsrf opi "$m" "$p" "$@"
	expect_error "$name without X-CSRF-Token: 403" 403
}

for u in ani opi adi; do
	req POST /api/v1/session -c "$D/cookies.$u" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$u\",\"password\":\"sandi-$u-123\"}"
	jq_ 'd["csrf_token"]' >"$D/csrf.$u"
done
check "three users logged in" test -s "$D/csrf.ani" -a -s "$D/csrf.opi" -a -s "$D/csrf.adi"

# ---- fixtures ------------------------------------------------------------------------------
tone "$D/lagu1.ogg" 5 330 "Lagu Pagi" "Penyanyi A" -c:a libvorbis
tone "$D/lagu2.wav" 4 660 "Lagu Siang" "Penyanyi B"
tone "$D/psa.wav" 3 1000 "Pakai Helm" "Polres"
head -c 20000 /dev/urandom >"$D/noise.wav"
head -c 1500000 /dev/urandom >"$D/big.bin"

# ---- media: upload ------------------------------------------------------------------------
rows0=$(sql 'SELECT count(*) FROM media')
files0=$(media_files)
UP=(-F "audio=@$D/lagu1.ogg" -F kind=music -F "categories=Pop, dangdut")
refusals "upload" POST /api/v1/media "${UP[@]}"
as opi POST /api/v1/media -F "audio=@$D/noise.wav" -F kind=music
expect_error "uploading a file that is not audio: 422" 422
as opi POST /api/v1/media -F "audio=@$D/lagu1.ogg" -F kind=complaint
expect_error "uploading with kind complaint: 400" 400
as opi POST /api/v1/media -F "audio=@$D/lagu1.ogg" -F kind=bogus
expect_error "uploading with an unknown kind: 400" 400
as opi POST /api/v1/media -F kind=music
expect_error "a form without audio: 400" 400
as opi POST /api/v1/media -F "audio=@$D/big.bin" -F kind=music
expect_error "an upload over upload_limit: 413" 413
as opi POST /api/v1/media -H 'Content-Type: application/json' -d '{"kind":"music"}'
expect_error "a JSON body instead of a form: 415" 415
check "refused uploads add no media row" test "$(sql 'SELECT count(*) FROM media')" = "$rows0"
check "refused uploads add no file to the store" test "$(media_files)" = "$files0"

as opi POST /api/v1/media "${UP[@]}"
expect "operator uploads a song: 201" 201
M1=$(jq_ 'd["id"]')
check "the answer has title, kind, categories and duration" \
	test "$(jq_ 'd["title"]+"|"+d["kind"]+"|"+",".join(d["categories"])+"|"+str(round(d["duration"]))')" \
	= "Lagu Pagi|music|dangdut,pop|5"
check "the row is stored with its categories" \
	test "$(sql "SELECT kind||'|'||(SELECT group_concat(category) FROM (SELECT category FROM media_category WHERE media_id=$M1 ORDER BY 1)) FROM media WHERE id=$M1")" = "music|dangdut,pop"
as adi POST /api/v1/media -F "audio=@$D/lagu2.wav" -F kind=music -F categories=pop -F "title=Lagu Siang Hari"
expect "admin uploads a WAV with a title: 201" 201
M2=$(jq_ 'd["id"]')
check "the given title replaces the tag" test "$(sql "SELECT title FROM media WHERE id=$M2")" = "Lagu Siang Hari"
as opi POST /api/v1/media -F "audio=@$D/psa.wav" -F kind=psa -F categories=keselamatan
expect "operator uploads a PSA: 201" 201
P1=$(jq_ 'd["id"]')
as opi POST /api/v1/media "${UP[@]}"
expect "the same content again: 200" 200
check "re-upload says it existed and keeps one row" \
	test "$(jq_ 'd["existed"]')/$(sql "SELECT count(*) FROM media WHERE title='Lagu Pagi'")" = "true/1"

# ---- media: reading -------------------------------------------------------------------------
req GET /api/v1/media
expect_error "listing media without a session: 401" 401
as ani GET /api/v1/media
expect "staff may list media" 200
check "the list has three items and a total" test "$(jq_ 'len(d["media"])')/$(jq_ 'd["total"]')" = 3/3
as opi GET "/api/v1/media?q=siang"
check "search by title" test "$(jq_ '[m["id"] for m in d["media"]]')" = "[$M2]"
as opi GET "/api/v1/media?q=Penyanyi%20A"
check "search by artist" test "$(jq_ '[m["id"] for m in d["media"]]')" = "[$M1]"
as opi GET "/api/v1/media?q=%25"
check "a % in q is literal" test "$(jq_ 'd["total"]')" = 0
as opi GET "/api/v1/media?kind=psa"
check "filter by kind" test "$(jq_ '[m["id"] for m in d["media"]]')" = "[$P1]"
as opi GET "/api/v1/media?category=POP&limit=1"
check "filter by category, paged" test "$(jq_ 'len(d["media"])')/$(jq_ 'd["total"]')" = 1/2
as opi GET "/api/v1/media?limit=0"
expect_error "limit 0: 400" 400
as opi GET "/api/v1/media?kind=bogus"
expect_error "an unknown kind filter: 400" 400
as opi GET /api/v1/media/categories
expect "GET categories" 200
check "categories with counts" test "$(jq_ '[(c["name"],c["count"]) for c in d["categories"]]')" \
	= '[["dangdut", 1], ["keselamatan", 1], ["pop", 2]]'
as ani GET "/api/v1/media/$M1"
expect "GET one item" 200
check "one item has its audio URL" test "$(jq_ 'd["audio"]')" = "/api/v1/media/$M1/audio"
as opi GET /api/v1/media/99999
expect_error "an unknown item: 404" 404
req GET "/api/v1/media/$M1"
expect_error "one item without a session: 401" 401
as opi GET "/api/v1/media/$M1/audio"
expect "GET the audio" 200
check "the audio is audio/ogg with Accept-Ranges" \
	bash -c "grep -qi '^content-type: audio/ogg' '$D/headers' && grep -qi '^accept-ranges: bytes' '$D/headers'"
check "the audio is the stored file" cmp -s "$D/body" "$(sql "SELECT path FROM media WHERE id=$M1")"
size=$(stat -c %s "$(sql "SELECT path FROM media WHERE id=$M1")")
as opi GET "/api/v1/media/$M1/audio" -H 'Range: bytes=10-19'
expect "a byte range: 206" 206
check "the range has 10 bytes and a Content-Range" \
	bash -c "[ \$(stat -c %s '$D/body') = 10 ] && grep -qi '^content-range: bytes 10-19/$size' '$D/headers'"
as opi GET "/api/v1/media/$M1/audio" -H "Range: bytes=$((size + 5))-"
expect_error "a range past the end: 416" 416
req GET "/api/v1/media/$M1/audio"
expect_error "audio without a session: 401" 401

# ---- media: edit ---------------------------------------------------------------------------------
refusals "PATCH media" PATCH "/api/v1/media/$M1" -H 'Content-Type: application/json' -d '{"title":"Diubah"}'
json opi PATCH "/api/v1/media/$M1" '{"title": 5}'
expect_error "PATCH with a number as title: 400" 400
json opi PATCH "/api/v1/media/$M1" '{"titel": "x"}'
expect_error "PATCH with an unknown field: 400" 400
json opi PATCH "/api/v1/media/$M1" '{"kind": "complaint"}'
expect_error "PATCH to kind complaint: 400" 400
json opi PATCH "/api/v1/media/$M1" '{"title": ""}'
expect_error "PATCH with an empty title: 400" 400
json opi PATCH "/api/v1/media/$M1" '{"title": "x"'
expect_error "PATCH with malformed JSON: 400" 400
json opi PATCH "/api/v1/media/99999" '{"title": "x"}'
expect_error "PATCH an unknown item: 404" 404
check "refused edits change nothing" \
	test "$(sql "SELECT title||'|'||artist||'|'||kind||'|'||quiet||'|'||(SELECT count(*) FROM media_category WHERE media_id=$M1) FROM media WHERE id=$M1")" \
	= "Lagu Pagi|Penyanyi A|music|0|2"
json opi PATCH "/api/v1/media/$M1" '{"title":"Lagu Pagi Cerah","artist":"Penyanyi C","categories":["Pop","pagi"],"quiet":true}'
expect "PATCH media: 200" 200
check "the edit is stored" \
	test "$(sql "SELECT title||'|'||artist||'|'||quiet||'|'||(SELECT group_concat(category) FROM (SELECT category FROM media_category WHERE media_id=$M1 ORDER BY 1)) FROM media WHERE id=$M1")" \
	= "Lagu Pagi Cerah|Penyanyi C|1|pagi,pop"

# ---- shows -----------------------------------------------------------------------------------------
DAY=2030-01-07 # a Monday
SHOW="{\"name\":\"Pagi Lebak\",\"host\":\"Siti\",\"days\":[\"monday\",\"selasa\",3,4,5],\"start\":\"06:00\",
 \"duration\":60,\"valid_from\":\"2030-01-01\",\"valid_to\":null,\"content\":\"playlist\",
 \"items\":[$M1,$M2],\"hard_start\":true}"
shows0=$(sql 'SELECT count(*) FROM shows')
refusals "POST show" POST /api/v1/shows -H 'Content-Type: application/json' -d "$SHOW"
json opi POST /api/v1/shows '{"name":"x"'
expect_error "POST show with malformed JSON: 400" 400
json opi POST /api/v1/shows "${SHOW/06:00/25:00}"
expect_error "POST show with start 25:00: 400" 400
json opi POST /api/v1/shows "${SHOW/\"monday\"/\"moonday\"}"
expect_error "POST show with an unknown day: 400" 400
json opi POST /api/v1/shows "${SHOW/\"playlist\"/\"jazz\"}"
expect_error "POST show with an unknown content: 400" 400
json opi POST /api/v1/shows "${SHOW/\"duration\":60/\"duration\":0}"
expect_error "POST show with duration 0: 400" 400
json opi POST /api/v1/shows "${SHOW/\"valid_to\":null/\"valid_to\":\"2029-12-31\"}"
expect_error "POST show ending before it starts: 400" 400
json opi POST /api/v1/shows "${SHOW/\[$M1,$M2\]/[$M1,99999]}"
expect_error "POST show with an unknown media id: 422" 422
json opi POST /api/v1/shows '{"name":"Tanpa hari","start":"06:00","duration":30,"content":"rotation","categories":["pop"]}'
expect_error "POST show without days or dates: 400" 400
json opi POST /api/v1/shows '{"name":"Rotasi","days":[1],"start":"06:00","duration":30,"content":"rotation"}'
expect_error "POST rotation show without categories: 400" 400
json opi POST /api/v1/shows '{"name":"Rotasi Kosong","days":[1],"start":"06:00","duration":30,"content":"rotation","categories":["tidak-ada","juga-tidak"]}'
expect_error "POST rotation whose categories match no media: 422" 422
check "the 422 names the categories ($(jq_ 'd["error"]'))" grep -q "tidak-ada,juga-tidak" "$D/body"
check "refused shows add no row" test "$(sql 'SELECT count(*) FROM shows')/$(sql 'SELECT count(*) FROM show_items')" = "$shows0/0"
json opi POST /api/v1/shows "$SHOW"
expect "POST show: 201" 201
S1=$(jq_ 'd["id"]')
check "the show answers days, start, end and items" \
	test "$(jq_ 'str(d["days"])+d["start"]+d["end"]+str(d["items"])')" = "[1, 2, 3, 4, 5]06:0007:00[$M1, $M2]"
check "the show row: days bitmask, start and duration in seconds" \
	test "$(sql "SELECT days||'|'||start_time||'|'||duration||'|'||hard_start FROM shows WHERE id=$S1")" = "62|21600|3600|1"
check "its playlist in order" test "$(sql "SELECT group_concat(media_id) FROM (SELECT media_id FROM show_items WHERE show_id=$S1 ORDER BY position)")" = "$M1,$M2"
json adi POST /api/v1/shows '{"name":"Hari Raya","dates":["2030-01-08"],"start":"20:00","duration":30,"content":"rotation","categories":"pop"}'
expect "POST a dated rotation show (admin): 201" 201
S2=$(jq_ 'd["id"]')
json adi PUT "/api/v1/shows/$S2" '{"name":"Hari Raya","dates":["2030-01-08"],"start":"20:00","duration":30,"content":"rotation","categories":"tidak-ada"}'
expect_error "PUT a rotation onto categories without media: 422" 422
check "and the show keeps its categories" test "$(sql "SELECT categories FROM shows WHERE id=$S2")" = pop
check "its date is stored" test "$(sql "SELECT date FROM show_dates WHERE show_id=$S2")" = 2030-01-08
req GET /api/v1/shows
expect_error "GET shows without a session: 401" 401
as ani GET /api/v1/shows
expect "staff may list shows" 200
check "two shows listed" test "$(jq_ 'len(d["shows"])')" = 2
as opi GET "/api/v1/shows/$S1"
expect "GET one show" 200
check "one show has its playlist with titles" test "$(jq_ 'd["playlist"][0]["title"]')" = "Lagu Pagi Cerah"
check "the show answer lists its airings of the next 7 days (none before valid_from)" \
	test "$(jq_ 'd["airings"]')" = "[]"
as opi GET "/api/v1/shows/$S1?from=$DAY&days=7"
expect "GET one show with from and days" 200
check "its airings that week: Monday to Friday, 06:00 to 07:00 in the station's offset" \
	test "$(jq_ '[(a["date"],a["start"],a["end"]) for a in d["airings"]][0::4]')" \
	= '[["2030-01-07", "2030-01-07T06:00:00+07:00", "2030-01-07T07:00:00+07:00"], ["2030-01-11", "2030-01-11T06:00:00+07:00", "2030-01-11T07:00:00+07:00"]]'
check "five airings, and end is still the wall clock HH:MM" test "$(jq_ 'len(d["airings"])')|$(jq_ 'd["end"]')" = "5|07:00"
for bad in "from=2030-02-30" "from=2030-1-7" "from=tomorrow" "days=0" "days=32" "days=7x" "days=-1"; do
	as opi GET "/api/v1/shows/$S1?$bad"
	expect_error "GET one show with $bad: 400" 400
done
as opi GET /api/v1/shows/99999
expect_error "an unknown show: 404" 404
cp "$D/body" /dev/null
refusals "PUT show" PUT "/api/v1/shows/$S1" -H 'Content-Type: application/json' -d "${SHOW/06:00/05:00}"
json opi PUT "/api/v1/shows/$S1" "${SHOW/\"Pagi Lebak\"/42}"
expect_error "PUT show with a number as name: 400" 400
json opi PUT "/api/v1/shows/$S1" "${SHOW/\[$M1,$M2\]/[$P1,99999]}"
expect_error "PUT show with an unknown media id: 422" 422
json opi PUT /api/v1/shows/99999 "$SHOW"
expect_error "PUT an unknown show: 404" 404
check "refused PUTs change nothing" \
	test "$(sql "SELECT name||'|'||start_time||'|'||(SELECT count(*) FROM show_items WHERE show_id=$S1) FROM shows WHERE id=$S1")" = "Pagi Lebak|21600|2"
json opi PUT "/api/v1/shows/$S1" "${SHOW/\"items\":\[$M1,$M2\]/\"items\":[$M2,$M1,$M2]}"
expect "PUT show: 200" 200
check "PUT replaced the playlist" test "$(sql "SELECT group_concat(media_id) FROM (SELECT media_id FROM show_items WHERE show_id=$S1 ORDER BY position)")" = "$M2,$M1,$M2"
refusals "DELETE show" DELETE "/api/v1/shows/$S2"
check "refused deletes keep the show" test "$(sql "SELECT count(*) FROM shows WHERE id=$S2")" = 1
as opi DELETE "/api/v1/shows/$S2"
expect "DELETE show: 200" 200
check "the show and its dates are gone" test "$(sql "SELECT count(*) FROM shows WHERE id=$S2")/$(sql "SELECT count(*) FROM show_dates WHERE show_id=$S2")" = 0/0
as opi DELETE "/api/v1/shows/$S2"
expect_error "DELETE it again: 404" 404

# ---- campaigns ------------------------------------------------------------------------------------
CAMP="{\"name\":\"Keselamatan Jalan\",\"valid_from\":\"2030-01-01\",\"valid_to\":\"2030-01-31\",
 \"days\":[1,2,3,4,5],\"timing\":\"hard\",\"times\":[\"07:00\",\"12:00\"],\"fade_seconds\":2,\"items\":[$P1]}"
refusals "POST campaign" POST /api/v1/campaigns -H 'Content-Type: application/json' -d "$CAMP"
json opi POST /api/v1/campaigns "${CAMP/\"hard\"/\"loud\"}"
expect_error "POST campaign with an unknown timing: 400" 400
json opi POST /api/v1/campaigns "${CAMP/\"07:00\"/\"7 pagi\"}"
expect_error "POST campaign with a bad time: 400" 400
json opi POST /api/v1/campaigns "${CAMP/\"times\":\[\"07:00\",\"12:00\"\]/\"times\":[]}"
expect_error "POST campaign without times or interval: 400" 400
json opi POST /api/v1/campaigns "${CAMP/\"2030-01-31\"/\"2030-02-30\"}"
expect_error "POST campaign with an impossible date: 400" 400
json opi POST /api/v1/campaigns "${CAMP/\[$P1\]/[$M1]}"
expect_error "POST campaign with a music item (not psa): 422" 422
json opi POST /api/v1/campaigns "${CAMP/\[$P1\]/[99999]}"
expect_error "POST campaign with an unknown media id: 422" 422
json opi POST /api/v1/campaigns "${CAMP/\[$P1\]/[]}"
expect_error "POST campaign without items: 400" 400
check "refused campaigns add no row" test "$(sql 'SELECT count(*) FROM campaigns')/$(sql 'SELECT count(*) FROM campaign_items')" = 0/0
json opi POST /api/v1/campaigns "$CAMP"
expect "POST campaign: 201" 201
C1=$(jq_ 'd["id"]')
check "the campaign row" test "$(sql "SELECT timing||'|'||times||'|'||days||'|'||window_minutes FROM campaigns WHERE id=$C1")" = "hard|07:00,12:00|62|5"
json opi POST /api/v1/campaigns "{\"name\":\"Lunas\",\"valid_from\":\"2030-01-01\",\"valid_to\":\"2030-01-31\",\"timing\":\"soft\",\"interval_minutes\":30,\"window_minutes\":10,\"items\":[$P1]}"
expect "POST a soft campaign every 30 minutes: 201" 201
C2=$(jq_ 'd["id"]')
req GET /api/v1/campaigns
expect_error "GET campaigns without a session: 401" 401
as ani GET /api/v1/campaigns
expect "staff may list campaigns" 200
check "two campaigns listed" test "$(jq_ 'len(d["campaigns"])')" = 2
as opi GET "/api/v1/campaigns/$C1"
expect "GET one campaign" 200
check "it has times and its playlist" test "$(jq_ 'str(d["times"])+d["playlist"][0]["title"]')" = "['07:00', '12:00']Pakai Helm"
as opi GET /api/v1/campaigns/99999
expect_error "an unknown campaign: 404" 404
refusals "PUT campaign" PUT "/api/v1/campaigns/$C2" -H 'Content-Type: application/json' -d '{"name":"x"}'
json opi PUT "/api/v1/campaigns/$C2" '{"name":"Lunas","valid_from":"2030-01-01","valid_to":"2030-01-31","timing":"soft","interval_minutes":-5,"items":[1]}'
expect_error "PUT campaign with a negative interval: 400" 400
check "refused PUTs leave the campaign" test "$(sql "SELECT name||interval_minutes FROM campaigns WHERE id=$C2")" = Lunas30
json opi PUT "/api/v1/campaigns/$C2" "{\"name\":\"Lunas Pajak\",\"valid_from\":\"2030-01-01\",\"valid_to\":\"2030-01-31\",\"timing\":\"soft\",\"interval_minutes\":60,\"items\":[$P1]}"
expect "PUT campaign: 200" 200
check "PUT stored it" test "$(sql "SELECT name||interval_minutes FROM campaigns WHERE id=$C2")" = "Lunas Pajak60"
as opi GET "/api/v1/campaigns/$C1/report?from=2030-01-01&to=2030-01-31"
expect "GET campaign report" 200
check "the report lists the item with 0 plays" test "$(jq_ 'd["items"][0]["media_id"]')/$(jq_ 'd["items"][0]["plays"]')" = "$P1/0"
# an airing of the PSA written as the engine would, then the count
sql "INSERT INTO asrun (scheduled_at,started_at,ended_at,frames,kind,title,source,media_id,reason) VALUES
 ($(date -d '2030-01-07 07:00 +0700' +%s)000,$(date -d '2030-01-07 07:00 +0700' +%s)000,$(date -d '2030-01-07 07:00:03 +0700' +%s)000,132300,'psa','Pakai Helm','x',$P1,'completed')"
as opi GET "/api/v1/campaigns/$C1/report?from=2030-01-01&to=2030-01-31"
check "the report counts the airing with its time" \
	test "$(jq_ 'd["plays"]')|$(jq_ 'd["items"][0]["airings"][0]["started_at"]')" = "1|2030-01-07T07:00:00+07:00"
as ani GET "/api/v1/campaigns/$C1/report.csv?from=2030-01-01&to=2030-01-31"
expect "GET campaign report CSV" 200
check "the CSV report has the airing" \
	bash -c "grep -qi '^content-type: text/csv' '$D/headers' && grep -q '^$C1,1,$P1,Pakai Helm,1,2030-01-07 07:00:00' '$D/body'"
as opi GET "/api/v1/campaigns/99999/report.csv"
expect_error "CSV report of an unknown campaign: 404" 404
as opi GET "/api/v1/campaigns/$C1/report?from=yesterday"
expect_error "a report with a bad from: 400" 400
req GET "/api/v1/campaigns/$C1/report"
expect_error "a report without a session: 401" 401
refusals "DELETE campaign" DELETE "/api/v1/campaigns/$C2"
check "refused deletes keep the campaign" test "$(sql "SELECT count(*) FROM campaigns WHERE id=$C2")" = 1
as opi DELETE "/api/v1/campaigns/$C2"
expect "DELETE campaign: 200" 200
check "the campaign and its items are gone" test "$(sql "SELECT count(*) FROM campaign_items WHERE campaign_id=$C2")" = 0

# ---- media: delete --------------------------------------------------------------------------------
refusals "DELETE media" DELETE "/api/v1/media/$M2"
as opi DELETE "/api/v1/media/$M2"
expect_error "DELETE media used by a show: 409" 409
check "409 names the show" test "$(jq_ 'd["used_by"][0]["name"]')" = "Pagi Lebak"
check "refused deletes keep the item" test "$(sql "SELECT deleted FROM media WHERE id=$M2")" = 0
as opi DELETE "/api/v1/media/$M2?force=yes"
expect_error "DELETE with force=yes: 400" 400
tone "$D/lagu3.ogg" 3 880 "Lagu Lain" "Penyanyi D" -c:a libvorbis
as opi POST /api/v1/media -F "audio=@$D/lagu3.ogg" -F kind=music
M3=$(jq_ 'd["id"]')
as opi DELETE "/api/v1/media/$M3"
expect "DELETE unused media: 200" 200
check "soft delete: the row stays, marked deleted" test "$(sql "SELECT deleted FROM media WHERE id=$M3")" = 1
as opi GET "/api/v1/media/$M3"
expect_error "a deleted item is 404" 404
as opi DELETE "/api/v1/media/$M3"
expect_error "DELETE it again: 404" 404

# ---- media: the station's own speech is left out on request -------------------------------------
tone "$D/ann.ogg" 2 660 "Pengumuman Uji" "" -c:a libvorbis
as ani POST /api/v1/announcements -F "audio=@$D/ann.ogg" -F mode=at -F at=2031-01-01T08:00
expect "an announcement from a file: 201" 201
ANN=$(jq_ 'd["id"]')
as opi GET "/api/v1/media?kind=announcement"
check "the announcement's audio is listed by default" test "$(jq_ 'd["total"]')" = 1
as opi GET "/api/v1/media?kind=announcement&spoken=0"
check "spoken=0 leaves the announcement's audio out" test "$(jq_ 'd["total"]')/$(jq_ 'len(d["media"])')" = 0/0
as opi GET "/api/v1/media?spoken=0&offset=500"
check "spoken=0 counts without it past the last page" test "$(jq_ 'd["total"]')" -ge 1
as opi GET "/api/v1/media?spoken=yes"
expect_error "spoken=yes: 400" 400
as opi DELETE "/api/v1/inserts/$ANN"
expect "the pending announcement is cancelled: 200" 200
as opi DELETE "/api/v1/inserts/$ANN"
expect_error "cancelling it again: 404" 404

# ---- as-run ----------------------------------------------------------------------------------------
for _ in $(seq 1 60); do
	[ "$(sql "SELECT count(*) FROM asrun WHERE kind='fallback'")" -ge 1 ] && break
	sleep 0.25
done
TODAY=$(TZ=Asia/Jakarta date +%F)
req GET /api/v1/asrun
expect_error "as-run without a session: 401" 401
as ani GET "/api/v1/asrun?date=$TODAY"
expect "GET as-run of today" 200
check "today's as-run has the fallback that aired" test "$(jq_ 'sum(1 for x in d["rows"] if x["kind"]=="fallback")')" -ge 1
as opi GET "/api/v1/asrun?from=2030-01-07&to=2030-01-07&kind=psa"
check "as-run filtered by day and kind" test "$(jq_ '[(x["title"],x["started_at"],x["duration"]) for x in d["rows"]]')" \
	= '[["Pakai Helm", "2030-01-07T07:00:00+07:00", 3.0]]'
as opi GET "/api/v1/asrun?kind=bogus"
expect_error "as-run with an unknown kind: 400" 400
as opi GET "/api/v1/asrun?from=2030-01-08&to=2030-01-07"
expect_error "as-run with to before from: 400" 400
as opi GET "/api/v1/asrun.csv?from=2030-01-07&to=2030-01-07"
expect "GET as-run CSV" 200
check "the CSV is text/csv, an attachment, with the header and the row" \
	bash -c "grep -qi '^content-type: text/csv' '$D/headers' && grep -qi '^content-disposition: attachment' '$D/headers' &&
		head -1 '$D/body' | grep -q '^scheduled,start,end,duration,title,artist,kind,source,reason' &&
		grep -q '^2030-01-07 07:00:00.000,2030-01-07 07:00:00.000,.*Pakai Helm' '$D/body'"
# the CSV follows the kind filter and a time-of-day span: a music row beside the PSA
sql "INSERT INTO asrun (scheduled_at,started_at,ended_at,frames,kind,title,source,media_id,reason) VALUES
 (NULL,$(date -d '2030-01-07 07:00:03 +0700' +%s)000,$(date -d '2030-01-07 07:04:00 +0700' +%s)000,1,'music','Lagu Pagi Uji','y',$M1,'skipped_operator'),
 (NULL,$(date -d '2030-01-07 09:30:00 +0700' +%s)000,$(date -d '2030-01-07 09:33:00 +0700' +%s)000,1,'music','Lagu Siang Uji','y',$M1,'completed')"
as opi GET "/api/v1/asrun.csv?from=2030-01-07&to=2030-01-07&kind=psa"
expect "GET as-run CSV of kind psa" 200
check "the CSV with kind=psa holds only psa rows (the header and one)" \
	bash -c "[ \$(wc -l <'$D/body') = 2 ] && tail -n +2 '$D/body' | cut -d, -f7 | grep -qx psa &&
		! grep -q 'Lagu Pagi Uji' '$D/body'"
as opi GET "/api/v1/asrun.csv?from=2030-01-07&to=2030-01-07&kind=music"
check "the CSV with kind=music holds the two music rows only" \
	bash -c "[ \$(wc -l <'$D/body') = 3 ] && [ \$(tail -n +2 '$D/body' | cut -d, -f7 | sort -u) = music ]"
as opi GET "/api/v1/asrun.csv?kind=bogus"
expect_error "as-run CSV with an unknown kind: 400" 400
as opi GET "/api/v1/asrun?from=2030-01-07%2009:00&to=2030-01-07%2010:00"
check "as-run of a time-of-day span: only the 09:30 row" \
	test "$(jq_ '[x["title"] for x in d["rows"]]')" = '["Lagu Siang Uji"]'
as opi GET "/api/v1/asrun.csv?from=2030-01-07%2009:00&to=2030-01-07%2010:00&kind=music"
check "the CSV of the span and kind: only the 09:30 row" \
	bash -c "[ \$(wc -l <'$D/body') = 2 ] && grep -q 'Lagu Siang Uji' '$D/body'"
as opi GET "/api/v1/asrun.csv?from=nope"
expect_error "as-run CSV with a bad from: 400" 400
req GET /api/v1/asrun.csv
expect_error "as-run CSV without a session: 401" 401

# ---- pages --------------------------------------------------------------------------------------------
for p in schedule library asrun; do
	req GET "/panel/$p"
	expect "GET /panel/$p" 200
	check "/panel/$p is HTML without inline script or style" \
		bash -c "grep -qi '^content-type: text/html' '$D/headers' && ! grep -q '<script>' '$D/body' &&
			! grep -qiE ' on[a-z]+=| style=|<style' '$D/body'"
	req GET "/static/$p.js"
	expect "GET /static/$p.js" 200
	check "$p.js writes no HTML strings (no innerHTML)" bash -c "! grep -q innerHTML '$D/body'"
done

# ---- the rundown plans what the API made ---------------------------------------------------------
for bad in 2026-02-30 2026-1-5 2026-04-31; do
	req GET "/api/v1/rundown?date=$bad"
	expect_error "GET /api/v1/rundown?date=$bad (no such date or not YYYY-MM-DD): 400" 400
done
"$SIARAN" rundown -c "$CONF" --date "$DAY" >"$D/rundown.txt" 2>"$D/rundown.err"
check "siaran rundown runs" test $? -eq 0
check "the show opens at 06:00:00 with its first playlist item" \
	grep -qE '^06:00:00 +music +Lagu Siang Hari' "$D/rundown.txt"
check "the playlist continues in order" \
	bash -c "grep -A2 -E '^06:00:00 +music' '$D/rundown.txt' | sed -n 2p | grep -q 'Lagu Pagi Cerah'"
check "the hard PSA airs at 07:00:00" grep -qE '^07:00:00 +psa +Pakai Helm' "$D/rundown.txt"
check "the hard PSA airs at 12:00:00" grep -qE '^12:00:00 +psa +Pakai Helm' "$D/rundown.txt"
check "no PSA of the deleted soft campaign" test "$(grep -cE ' psa ' "$D/rundown.txt")" = 2
"$SIARAN" rundown -c "$CONF" --date 2030-01-05 >"$D/rundown-sat.txt" 2>&1
check "Saturday has neither show nor PSA" bash -c "! grep -qE 'Lagu Siang Hari|Pakai Helm' '$D/rundown-sat.txt'"
check "no request logged a server error" bash -c "! grep -E ' 5[0-9][0-9] ' '$D/run.log' | grep -q manage"

# ---- a show's airings on Berlin's clock-change days -------------------------------------------
# a second station in Europe/Berlin (its own database, web port and mount)
BD=$D/berlin
mkdir -p "$BD"
printf '%s\n' "$D/fb1.ogg" >"$BD/fb.m3u"
JAKARTA_WEB_PORT=$WEB_PORT
write_conf "$BD" "$ICE_PORT" "$PASS" fb.m3u
sed -i -e 's|^timezone = .*|timezone = Europe/Berlin|' -e 's|^mount = .*|mount = /berlin.ogg|' "$BD/siaran.conf"
B=http://127.0.0.1:$WEB_PORT
echo "sandi-bop-123" | "$SIARAN" user add -c "$BD/siaran.conf" bop --role operator >/dev/null
"$SIARAN" run -c "$BD/siaran.conf" 2>"$BD/run.log" &
TEST_PIDS+=("$!")
if wait_port "$WEB_PORT" 15; then
	req POST /api/v1/session -c "$D/cookies.bop" -H 'Content-Type: application/json' \
		-d '{"username":"bop","password":"sandi-bop-123"}'
	jq_ 'd["csrf_token"]' >"$D/csrf.bop"
	json bop POST /api/v1/shows '{"name":"Malam Panjang","days":[0],"start":"01:00","duration":180,"content":"complaints"}'
	expect "Berlin: POST a Sunday show at 01:00 for 180 minutes: 201" 201
	BS=$(jq_ 'd["id"]')
	as bop GET "/api/v1/shows/$BS?from=2026-10-25&days=1"
	check "Berlin, 2026-10-25: 01:00+02:00 to 03:00+01:00, three real hours (end stays 04:00)" \
		test "$(jq_ '[(a["date"],a["start"],a["end"]) for a in d["airings"]]')|$(jq_ 'd["end"]')" \
		= '[["2026-10-25", "2026-10-25T01:00:00+02:00", "2026-10-25T03:00:00+01:00"]]|04:00'
	as bop GET "/api/v1/shows/$BS?from=2026-03-29&days=1"
	check "Berlin, 2026-03-29: 01:00+01:00 to 05:00+02:00, three real hours" \
		test "$(jq_ '[(a["start"],a["end"]) for a in d["airings"]]')" \
		= '[["2026-03-29T01:00:00+01:00", "2026-03-29T05:00:00+02:00"]]'
	json bop POST /api/v1/shows '{"name":"Celah","dates":["2026-03-29"],"start":"02:30","duration":60,"content":"complaints"}'
	BG=$(jq_ 'd["id"]')
	as bop GET "/api/v1/shows/$BG?from=2026-03-28&days=3"
	check "Berlin: a one-off at 02:30 on 2026-03-29 (in the gap) airs 03:30+02:00 to 04:30+02:00" \
		test "$(jq_ '[(a["date"],a["start"],a["end"]) for a in d["airings"]]')" \
		= '[["2026-03-29", "2026-03-29T03:30:00+02:00", "2026-03-29T04:30:00+02:00"]]'
	as bop GET "/api/v1/shows/$BG?from=2026-03-32"
	expect_error "Berlin: a bad from date: 400" 400
	as bop GET /api/v1/shows
	check "the show list carries airings too" test "$(jq_ 'all(isinstance(s["airings"], list) for s in d["shows"]) and len(d["shows"]) == 2')" = true
	as bop GET "/api/v1/shows/$BS"
	json bop PUT "/api/v1/shows/$BS" "$(cat "$D/body")"
	expect "a GET answer with airings can be sent back with PUT: 200" 200
	check "no Berlin request logged a server error" bash -c "! grep -E ' 5[0-9][0-9] ' '$BD/run.log' | grep -q manage"
else
	not_ok "the Berlin station serves the panel"
	tail -20 "$BD/run.log" | sed 's/^/# /'
fi
WEB_PORT=$JAKARTA_WEB_PORT
