#!/usr/bin/env bash
# Integration test of the web API against a running station: a real icecast2,
# `siaran run`, accounts made with `siaran user add`.  Every endpoint: success,
# unauthenticated (401), wrong role (403), missing/wrong CSRF (403), malformed
# input (4xx with a JSON reason), and that refused requests change nothing
# (rows checked with the sqlite3 CLI, files in the media store counted).
source "$(dirname "$0")/lib.sh"

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi

# fallback: short tones so a queued complaint airs within seconds
tone "$D/fb1.ogg" 6 440 "Lagu Satu" "Band Uji" -c:a libvorbis
tone "$D/fb2.ogg" 6 550 "Lagu Dua" "Band Uji" -c:a libvorbis
printf '%s\n%s\n' "$D/fb1.ogg" "$D/fb2.ogg" >"$D/fb.m3u"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
echo "upload_limit = 1" >>"$D/siaran.conf" # MB; [web] is the last section
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT

for u in ani:staff opi:operator adi:admin; do
	echo "sandi-${u%%:*}-123" | "$SIARAN" user add -c "$CONF" "${u%%:*}" --role "${u##*:}" >/dev/null 2>"$D/useradd.err"
done
check "user add creates three accounts" test "$(sqlite3 "$DB" 'SELECT count(*) FROM users')" = 3
echo short | "$SIARAN" user add -c "$CONF" eve --role staff >/dev/null 2>&1
check "user add refuses a short password (exit 2)" test $? -eq 2
echo "sandi-yang-panjang" | "$SIARAN" user add -c "$CONF" eve --role boss >/dev/null 2>&1
check "user add refuses an unknown role (exit 2)" test $? -eq 2
check "refused user add adds no row" test "$(sqlite3 "$DB" 'SELECT count(*) FROM users')" = 3
check "passwords are stored as argon2id hashes" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")" = 3

"$SIARAN" run -c "$CONF" 2>"$D/run.log" &
RUN_PID=$!
TEST_PIDS+=("$RUN_PID")
if ! wait_port "$WEB_PORT" 15; then
	not_ok "siaran run serves the panel"
	cat "$D/run.log" | tail -20 | sed 's/^/# /'
	exit 1
fi
ok "siaran run serves the panel"

# ---- helpers --------------------------------------------------------------------------
# req METHOD PATH [curl args...]: sets CODE, body in $D/body, headers in $D/headers
req() {
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -X "$m" -o "$D/body" -D "$D/headers" -w '%{http_code}' "$@" "$B$p")
}
# as USER METHOD PATH [args]: with the user's cookie and CSRF token
as() {
	local u=$1 m=$2 p=$3
	shift 3
	local csrf
	csrf=$(cat "$D/csrf.$u")
	req "$m" "$p" -b "$D/cookies.$u" -H "X-CSRF-Token: $csrf" "$@"
}
# as_nocsrf USER METHOD PATH [args]: cookie but no CSRF header
as_nocsrf() {
	local u=$1 m=$2 p=$3
	shift 3
	req "$m" "$p" -b "$D/cookies.$u" "$@"
}
jq_() { # jq_ EXPR: evaluates a Python expression on the body as d
	python3 -c "import json,sys
d=json.load(open('$D/body'))
v=eval(sys.argv[1])
print('' if v is None else (json.dumps(v) if isinstance(v,(dict,list,bool)) else v))" "$1" 2>/dev/null
}
json_error() { # body is {"error": "..."} with a non-empty reason
	[ -n "$(jq_ 'd["error"]')" ]
}
sql() { sqlite3 "$DB" "$1"; }
media_files() { find "$D/media" -type f 2>/dev/null | wc -l; }
upload_leftovers() { find /var/tmp /tmp -maxdepth 1 -name 'siaran-upload-*' -newer "$CONF" 2>/dev/null | wc -l; }
expect() { # expect NAME CODE: the last request answered CODE
	if [ "$CODE" = "$2" ]; then ok "$1"; else
		not_ok "$1: got $CODE, want $2: $(head -c 300 "$D/body")"
	fi
}
expect_error() { # expect_error NAME CODE: CODE with a JSON reason
	if [ "$CODE" = "$2" ] && json_error; then ok "$1"; else
		not_ok "$1: got $CODE, want $2 with a JSON error: $(head -c 300 "$D/body")"
	fi
}

# ---- standard headers and pages ----------------------------------------------------------
req GET /api/v1/nowplaying
expect "GET /api/v1/nowplaying is public" 200
hdr() { grep -i "^$1:" "$D/headers" | head -1 | tr -d '\r'; }
check "CSP default-src 'self'" grep -qi "^content-security-policy: default-src 'self'" "$D/headers"
check "X-Content-Type-Options nosniff" grep -qi '^x-content-type-options: nosniff' "$D/headers"
check "X-Frame-Options DENY" grep -qi '^x-frame-options: deny' "$D/headers"
check "Referrer-Policy same-origin" grep -qi '^referrer-policy: same-origin' "$D/headers"
check "API responses are Cache-Control no-store" grep -qi '^cache-control: no-store' "$D/headers"
check "nowplaying names the station" test "$(jq_ 'd["station"]["name"]')" = "Radio Uji"
check "nowplaying has the time zone" test "$(jq_ 'd["station"]["timezone"]')" = "Asia/Jakarta"
check "nowplaying has next as a list" test "$(jq_ 'type(d["next"]).__name__')" = list
check "nowplaying lists the output's mount" test "$(jq_ 'd["outputs"][0]["mount"]')" = /radio.ogg
connected=""
for _ in $(seq 1 50); do
	req GET /api/v1/nowplaying
	[ "$(jq_ 'd["outputs"][0]["connected"]')" = true ] && [ "$(jq_ 'd["now"]["kind"]')" != "" ] &&
		connected=1 && break
	sleep 0.2
done
check "nowplaying shows the output connected and an item on air" test -n "$connected"
check "now has started_at with an offset" \
	python3 -c "import json,re,sys;d=json.load(open('$D/body'));sys.exit(0 if re.search(r'T\d\d:\d\d:\d\d\+07:00$',d['now']['started_at']) else 1)"
check "now has numeric duration and elapsed" \
	python3 -c "import json,sys;n=json.load(open('$D/body'))['now'];sys.exit(0 if isinstance(n['duration'],(int,float)) and isinstance(n['elapsed'],(int,float)) else 1)"

req GET /
expect "GET / serves the listener page" 200
check "listener page is HTML with a player" grep -q '<audio id="player"' "$D/body"
check "listener page has no inline script" bash -c "! grep -q '<script>' '$D/body' && ! grep -qi ' on[a-z]*=' '$D/body'"
req GET /panel/
expect "GET /panel/ serves the panel" 200
check "panel has no inline script" bash -c "! grep -q '<script>' '$D/body'"
req GET /static/panel.js
expect "GET /static/panel.js" 200
check "scripts do not use innerHTML" bash -c "! curl -s $B/static/panel.js $B/static/listener.js $B/static/common.js | grep -q innerHTML"
req GET /no/such/page
expect_error "unknown path: 404 with a JSON reason" 404
req PUT /api/v1/nowplaying
expect_error "wrong method: 405 with a JSON reason" 405
req GET /metrics
expect "GET /metrics" 200
check "metrics have the engine counters" grep -q '^siaran_items_aired_total ' "$D/body"
check "metrics have per-output state" grep -q '^siaran_output_connected{output="main",mount="/radio.ogg"} 1' "$D/body"
check "metrics have listeners and underruns" bash -c "grep -q '^siaran_listeners{' '$D/body' && grep -q '^siaran_underruns_total ' '$D/body'"

# ---- sessions ---------------------------------------------------------------------------------
req POST /api/v1/session -H 'Content-Type: application/json' -d '{"username":"ani","password":"salah-sekali"}'
expect_error "login with a wrong password: 401" 401
check "a failed login is recorded for throttling" test "$(sql 'SELECT count(*) FROM login_failures')" -ge 1
req POST /api/v1/session -H 'Content-Type: application/json' -d '{"username":"ani"'
expect_error "login with malformed JSON: 400" 400
req POST /api/v1/session -H 'Content-Type: application/json' -d '{"username":"ani"}'
expect_error "login without a password: 400" 400
for u in ani opi adi; do
	req POST /api/v1/session -c "$D/cookies.$u" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$u\",\"password\":\"sandi-$u-123\"}"
	jq_ 'd["csrf_token"]' >"$D/csrf.$u"
	cp "$D/headers" "$D/login-headers.$u"
done
expect "login: 200" 200
check "login answers the role" test "$(jq_ 'd["role"]')" = admin
check "session cookie is HttpOnly and SameSite=Strict" \
	grep -qiE '^set-cookie: siaran_session=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=/' "$D/login-headers.ani"
check "only a hash of the token is stored" bash -c \
	"tok=\$(grep siaran_session '$D/cookies.ani' | awk '{print \$7}'); [ -n \"\$tok\" ] && [ \"\$(sqlite3 '$DB' \"SELECT count(*) FROM sessions WHERE token_hash = '\$tok'\")\" = 0 ]"
check "three sessions stored" test "$(sql 'SELECT count(*) FROM sessions')" = 3
as ani GET /api/v1/session
expect "GET /api/v1/session: who am I" 200
check "who am I names user and role" test "$(jq_ 'd["user"] + "/" + d["role"]')" = ani/staff
req GET /api/v1/session
expect_error "GET /api/v1/session without a cookie: 401" 401
req GET /api/v1/session -b "siaran_session=$(printf '%064d' 0)"
expect_error "a forged session cookie: 401" 401

# ---- complaints: upload ---------------------------------------------------------------------
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=300:sample_rate=8000:duration=3" \
	-ac 1 -c:a pcm_mulaw "$D/call.wav"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=500:sample_rate=16000:duration=2" \
	-ac 1 -c:a libopus "$D/voicenote.ogg"
head -c 20000 /dev/urandom >"$D/noise.wav"
head -c 1500000 /dev/urandom >"$D/big.bin"
FORM=(-F "audio=@$D/call.wav" -F "title=Jalan rusak di Desa Sukamaju" -F "summary=Lubang besar"
	-F "category=Infrastruktur" -F "location=Kecamatan Lebak" -F "incident_date=2026-11-20"
	-F "caller_name=Budi Santoso" -F "caller_phone=081299998888" -F anonymous=0 -F confidential=0
	-F consent=1)
before_rows=$(sql 'SELECT count(*) FROM complaints')
before_files=$(media_files)
req POST /api/v1/complaints "${FORM[@]}"
expect_error "upload without a session: 401" 401
as_nocsrf ani POST /api/v1/complaints "${FORM[@]}"
expect_error "upload without X-CSRF-Token: 403" 403
req POST /api/v1/complaints -b "$D/cookies.ani" -H "X-CSRF-Token: wrong" "${FORM[@]}"
expect_error "upload with a wrong X-CSRF-Token: 403" 403
as opi POST /api/v1/complaints "${FORM[@]}"
expect_error "upload by an operator (wrong role): 403" 403
as ani POST /api/v1/complaints -F "audio=@$D/noise.wav" -F "title=Bukan audio" -F consent=1
expect_error "a file that is not audio: 422" 422
as ani POST /api/v1/complaints -F "audio=@$D/big.bin" -F "title=Terlalu besar"
expect_error "an upload over upload_limit: 413" 413
as ani POST /api/v1/complaints -F "audio=@$D/call.wav" -F "summary=tanpa judul"
expect_error "an upload without a title: 400" 400
as ani POST /api/v1/complaints -F "audio=@$D/call.wav" -F "title=x" -F "incident_date=2026-02-30"
expect_error "an impossible incident_date: 400" 400
as ani POST /api/v1/complaints -F "audio=@$D/call.wav" -F "title=x" -F "consent=maybe"
expect_error "a flag that is not 1/0: 400" 400
as ani POST /api/v1/complaints -H 'Content-Type: application/json' -d '{"title":"x"}'
expect_error "a JSON body instead of a form: 415" 415
as ani POST /api/v1/complaints -F "title=tanpa berkas"
expect_error "a form without audio: 400" 400
check "refused uploads add no complaint" test "$(sql 'SELECT count(*) FROM complaints')" = "$before_rows"
check "refused uploads add no file to the media store" test "$(media_files)" = "$before_files"
check "refused uploads add no media row" test "$(sql 'SELECT count(*) FROM media')" = 0
check "no upload temp file is left behind" test "$(upload_leftovers)" = 0

as ani POST /api/v1/complaints "${FORM[@]}"
expect "an 8 kHz mu-law WAV complaint: 201" 201
C1=$(jq_ 'd["id"]')
check "the answer has id, status received and the duration" \
	python3 -c "import json,sys;d=json.load(open('$D/body'));sys.exit(0 if d['status']=='received' and abs(d['duration']-3)<0.2 and d['id']>0 else 1)"
check "the complaint row holds the form" \
	test "$(sql "SELECT title||'|'||location||'|'||incident_date||'|'||caller_name||'|'||consent||anonymous||confidential FROM complaints WHERE id=$C1")" \
	= "Jalan rusak di Desa Sukamaju|Kecamatan Lebak|2026-11-20|Budi Santoso|100"
check "the recording is stored in the media store as kind complaint" \
	test "$(sql "SELECT m.kind FROM complaints c JOIN media m ON m.id=c.media_id WHERE c.id=$C1")" = complaint
check "the library title is the complaint's, not the caller's" \
	test "$(sql "SELECT m.title FROM complaints c JOIN media m ON m.id=c.media_id WHERE c.id=$C1")" = "Jalan rusak di Desa Sukamaju"
check "a spoken intro was made" test -n "$(sql "SELECT intro_media_id FROM complaints WHERE id=$C1")"
check "the receipt is an event with the user" \
	test "$(sql "SELECT e.to_status||'/'||u.name FROM complaint_events e JOIN users u ON u.id=e.user_id WHERE complaint_id=$C1")" = received/ani

as ani POST /api/v1/complaints -F "audio=@$D/voicenote.ogg" -F "title=Air bersih" -F "location=Desa Cibeber" -F consent=1 -F confidential=1
expect "an Ogg Opus voice note complaint (confidential): 201" 201
C2=$(jq_ 'd["id"]')
as ani POST /api/v1/complaints -F "audio=@$D/voicenote.ogg" -F "title=Lampu jalan" -F consent=0
expect "a complaint without consent: 201" 201
C3=$(jq_ 'd["id"]')

# ---- complaints: reading ------------------------------------------------------------------------
as ani GET /api/v1/complaints
expect "staff lists complaints" 200
check "the staff list shows the caller" grep -q "Budi Santoso" "$D/body"
check "the list has counts per status" test "$(jq_ 'd["counts"]["received"]')" = 3
as ani GET "/api/v1/complaints?status=received"
expect "list filtered by status" 200
as ani GET "/api/v1/complaints?status=bogus"
expect_error "list with an unknown status: 400" 400
as opi GET /api/v1/complaints
expect_error "an operator may not list complaints: 403" 403
req GET /api/v1/complaints
expect_error "listing complaints without a session: 401" 401
as adi GET "/api/v1/complaints/$C1"
expect "admin reads one complaint" 200
check "one complaint has its events" test "$(jq_ 'len(d["events"])')" = 1
as ani GET /api/v1/complaints/99999
expect_error "an unknown complaint: 404" 404
as ani GET "/api/v1/complaints/$C1/audio"
expect "staff fetches the recording" 200
check "the recording is audio" grep -qi '^content-type: audio/' "$D/headers"

# ---- complaints: workflow ----------------------------------------------------------------------
as_nocsrf ani POST "/api/v1/complaints/$C1/verify"
expect_error "verify without CSRF: 403" 403
check "refused verify leaves the status" test "$(sql "SELECT status FROM complaints WHERE id=$C1")" = received
as opi POST "/api/v1/complaints/$C1/verify"
expect_error "verify by an operator: 403" 403
req POST "/api/v1/complaints/$C1/verify"
expect_error "verify without a session: 401" 401
as ani POST "/api/v1/complaints/$C1/queue"
expect_error "queue before verify: 409" 409
check "refused transitions record no event" test "$(sql "SELECT count(*) FROM complaint_events WHERE complaint_id=$C1")" = 1
as ani POST "/api/v1/complaints/$C1/verify"
expect "verify: 200" 200
check "verified" test "$(sql "SELECT status FROM complaints WHERE id=$C1")" = verified
as ani POST "/api/v1/complaints/$C1/verify"
expect_error "verify twice: 409" 409
for c in "$C2" "$C3"; do as ani POST "/api/v1/complaints/$c/verify" >/dev/null; done
as ani POST "/api/v1/complaints/$C2/queue"
expect_error "queue a confidential complaint: 409" 409
as ani POST "/api/v1/complaints/$C3/air-next"
expect_error "air-next without consent: 409" 409
check "refused queue leaves both verified" \
	test "$(sql "SELECT group_concat(status) FROM complaints WHERE id IN ($C2,$C3)")" = verified,verified

as ani POST "/api/v1/complaints/$C1/air-next"
expect "air-next: 200" 200
check "air-next queues it first" test "$(sql "SELECT status||air_next FROM complaints WHERE id=$C1")" = queued1
# The next list is planned again in the background after each change and
# cached briefly: give it a few seconds (a sanitizer build plans slowly).
t0=$(date +%s.%N)
listed=""
for _ in $(seq 1 50); do
	req GET /api/v1/nowplaying
	next_kinds=$(jq_ '",".join([d["now"]["kind"]] + [n["kind"] for n in d["next"]])')
	if [[ "$next_kinds" =~ ^[a-z]+,complaint || "$next_kinds" =~ ^complaint ]]; then
		listed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
		break
	fi
	sleep 0.1
done
check "after air-next, now playing lists the complaint next within 5 s (after ${listed:-> 5} s; now,next kinds: $next_kinds)" \
	[ -n "$listed" ]
check "each transition is an event with user and time" \
	test "$(sql "SELECT count(*) FROM complaint_events WHERE complaint_id=$C1 AND user_id IS NOT NULL AND at > 0")" = 3

aired_title=""
ice_titles=""
for _ in $(seq 1 150); do
	req GET /api/v1/nowplaying
	cp "$D/body" "$D/np.json"
	kind=$(jq_ 'd["now"]["kind"]')
	ice_titles="$ice_titles|$(icecast_title "$ICE_PORT")"
	if [ "$kind" = complaint ]; then
		aired_title=$(jq_ 'd["now"]["title"]')
		cp "$D/body" "$D/np-complaint.json"
		break
	fi
	sleep 0.2
done
check "the complaint airs after air-next (now playing kind complaint)" test -n "$aired_title"
check "now playing shows the complaint's title" bash -c "grep -q 'Jalan rusak di Desa Sukamaju' '$D/np-complaint.json'"
sleep 1
ice_titles="$ice_titles|$(icecast_title "$ICE_PORT")"
req GET /
page=$(cat "$D/body")
check "caller name and phone are absent from /api/v1/nowplaying" \
	bash -c "! grep -qE 'Budi|081299998888' '$D/np-complaint.json'"
check "caller name and phone are absent from /" bash -c "! echo \"\$0\" | grep -qE 'Budi|081299998888'" "$page"
check "Icecast metadata carried the complaint" bash -c "echo \"\$0\" | grep -q 'Jalan rusak'" "$ice_titles"
check "caller name and phone are absent from Icecast metadata" \
	bash -c "! echo \"\$0\" | grep -qE 'Budi|081299998888'" "$ice_titles"
for _ in $(seq 1 50); do
	[ "$(sql "SELECT status FROM complaints WHERE id=$C1")" = aired ] && break
	sleep 0.2
done
check "the scheduler marks it aired" test "$(sql "SELECT status FROM complaints WHERE id=$C1")" = aired

as ani POST "/api/v1/complaints/$C1/forward" -H 'Content-Type: application/json' -d '{}'
expect_error "forward without tracking_id: 400" 400
as ani POST "/api/v1/complaints/$C1/forward" -H 'Content-Type: application/json' -d 'nope'
expect_error "forward with malformed JSON: 400" 400
as_nocsrf ani POST "/api/v1/complaints/$C1/forward" -H 'Content-Type: application/json' -d '{"tracking_id":"LAP-1"}'
expect_error "forward without CSRF: 403" 403
check "refused forward stores no tracking id" test -z "$(sql "SELECT lapor_tracking_id FROM complaints WHERE id=$C1")"
as ani POST "/api/v1/complaints/$C1/forward" -H 'Content-Type: application/json' -d '{"tracking_id":"LAP-2026-0001"}'
expect "forward: 200" 200
check "forward answers the LAPOR! record" \
	test "$(jq_ 'd["judul"] + "|" + d["lokasi"] + "|" + d["nomor_pelacakan"] + "|" + d["status"]')" \
	= "Jalan rusak di Desa Sukamaju|Kecamatan Lebak|LAP-2026-0001|forwarded"
as ani GET "/api/v1/complaints/$C1/lapor"
expect "GET lapor export" 200
check "lapor export has every field" \
	python3 -c "import json,sys;d=json.load(open('$D/body'));sys.exit(0 if all(k in d for k in ['judul','isi','tanggal_kejadian','lokasi','kategori','anonim','rahasia','lampiran']) and d['tanggal_kejadian']=='2026-11-20' and d['anonim'] is False else 1)"
as ani GET "/api/v1/complaints/$C1/lapor?format=csv"
check "lapor CSV export" bash -c "head -1 '$D/body' | grep -q '\"judul\"' && grep -q 'LAP-2026-0001' '$D/body'"
as ani GET "/api/v1/complaints/$C2/lapor"
check "an anonymous complaint's export has no caller" bash -c "! grep -q pelapor '$D/body'"
as ani POST "/api/v1/complaints/$C2/forward" -H 'Content-Type: application/json' -d '{"tracking_id":"LAP-2"}'
expect "a confidential complaint can be forwarded" 200
as ani POST "/api/v1/complaints/$C1/close"
expect "close: 200" 200
as ani POST "/api/v1/complaints/$C1/reject"
expect_error "reject a closed complaint: 409" 409
as ani POST "/api/v1/complaints/$C3/reject"
expect "reject: 200" 200

# queue and reorder (no Suara Warga show today, so they stay queued)
ids=()
for t in Satu Dua Tiga; do
	as ani POST /api/v1/complaints -F "audio=@$D/call.wav" -F "title=Antre $t" -F consent=1
	id=$(jq_ 'd["id"]')
	ids+=("$id")
	as ani POST "/api/v1/complaints/$id/verify"
	as ani POST "/api/v1/complaints/$id/queue"
done
expect "queue: 200" 200
check "queued in order" test "$(sql "SELECT group_concat(id) FROM (SELECT id FROM complaints WHERE status='queued' ORDER BY queue_position)")" = "${ids[0]},${ids[1]},${ids[2]}"
order_before=$(sql "SELECT group_concat(id||':'||queue_position) FROM complaints WHERE status='queued'")
as ani POST /api/v1/complaints/reorder -H 'Content-Type: application/json' -d "{\"ids\":[${ids[2]},$C1]}"
expect_error "reorder with a complaint that is not queued: 409" 409
as ani POST /api/v1/complaints/reorder -H 'Content-Type: application/json' -d '{"ids":"x"}'
expect_error "reorder with malformed ids: 400" 400
as_nocsrf ani POST /api/v1/complaints/reorder -H 'Content-Type: application/json' -d "{\"ids\":[${ids[2]}]}"
expect_error "reorder without CSRF: 403" 403
as opi POST /api/v1/complaints/reorder -H 'Content-Type: application/json' -d "{\"ids\":[${ids[2]}]}"
expect_error "reorder by an operator: 403" 403
check "refused reorders change no position" test "$(sql "SELECT group_concat(id||':'||queue_position) FROM complaints WHERE status='queued'")" = "$order_before"
as ani POST /api/v1/complaints/reorder -H 'Content-Type: application/json' -d "{\"ids\":[${ids[2]},${ids[0]}]}"
expect "reorder: 200" 200
check "reorder puts the listed first, the rest after" \
	test "$(sql "SELECT group_concat(id) FROM (SELECT id FROM complaints WHERE status='queued' ORDER BY queue_position)")" = "${ids[2]},${ids[0]},${ids[1]}"

# ---- announcements ---------------------------------------------------------------------------
before=$(sql 'SELECT count(*) FROM announcements')
as ani POST /api/v1/announcements/preview -H 'Content-Type: application/json' -d '{"text":"Selamat pagi pendengar"}'
expect "TTS preview: 200" 200
check "the preview is a WAV" bash -c "head -c 4 '$D/body' | grep -q RIFF && grep -qi '^content-type: audio/wav' '$D/headers'"
as ani POST /api/v1/announcements/preview -H 'Content-Type: application/json' -d '{"text":""}'
expect_error "preview of empty text: 400" 400
req POST /api/v1/announcements -H 'Content-Type: application/json' -d '{"text":"Halo","mode":"next"}'
expect_error "announcement without a session: 401" 401
as_nocsrf ani POST /api/v1/announcements -H 'Content-Type: application/json' -d '{"text":"Halo","mode":"next"}'
expect_error "announcement without CSRF: 403" 403
as opi POST /api/v1/announcements -H 'Content-Type: application/json' -d '{"text":"Halo","mode":"next"}'
expect_error "announcement by an operator: 403" 403
as ani POST /api/v1/announcements -H 'Content-Type: application/json' -d '{"text":"Halo","mode":"soon"}'
expect_error "announcement with an unknown mode: 400" 400
as ani POST /api/v1/announcements -H 'Content-Type: application/json' -d '{"text":"Halo","mode":"at","at":"besok"}'
expect_error "announcement at a malformed time: 400" 400
as ani POST /api/v1/announcements -F "audio=@$D/noise.wav" -F mode=next
expect_error "announcement audio that is not audio: 422" 422
check "refused announcements add no row" test "$(sql 'SELECT count(*) FROM announcements')" = "$before"
as ani POST /api/v1/announcements -H 'Content-Type: application/json' \
	-d "{\"text\":\"Pengumuman jam delapan\",\"mode\":\"at\",\"at\":\"$(TZ=Asia/Jakarta date -d '+2 hours' +%Y-%m-%dT%H:%M:00+07:00)\"}"
expect "announcement at a time: 201" 201
check "mode at stores the time" test -n "$(sql "SELECT air_at FROM announcements WHERE id=$(jq_ 'd["id"]')")"
# a recording of its own: a complaint's bytes are refused (tests/it_security.sh)
tone "$D/announcement.wav" 2 700 "Rekaman" "Uji"
as ani POST /api/v1/announcements -F "audio=@$D/announcement.wav" -F mode=next -F "text=Rekaman"
expect "announcement from uploaded audio: 201" 201
as ani POST /api/v1/announcements -H 'Content-Type: application/json' -d '{"text":"Pengumuman penting sekarang juga","mode":"now"}'
expect "urgent announcement: 201" 201
urgent=""
for _ in $(seq 1 25); do
	req GET /api/v1/nowplaying
	[ "$(jq_ 'd["now"]["kind"]')" = announcement ] && urgent=1 && break
	sleep 0.2
done
check "an urgent announcement is on air within 5 s" test -n "$urgent"
as ani GET /api/v1/announcements
expect "list announcements" 200
check "the list has the three" test "$(jq_ 'len(d["announcements"])')" = 3
as opi GET /api/v1/announcements
expect_error "an operator may not list announcements: 403" 403

# ---- skip ------------------------------------------------------------------------------------
req POST /api/v1/playout/skip
expect_error "skip without a session: 401" 401
as_nocsrf opi POST /api/v1/playout/skip
expect_error "skip without CSRF: 403" 403
as opi POST /api/v1/playout/skip
expect "skip by an operator: 200" 200
as ani POST /api/v1/playout/skip
expect "skip by staff: 200" 200

# ---- users (admin) -------------------------------------------------------------------------------
as adi GET /api/v1/users
expect "admin lists users" 200
check "the user list has no password hashes" bash -c "! grep -q argon2 '$D/body'"
as ani GET /api/v1/users
expect_error "staff may not list users: 403" 403
as adi POST /api/v1/users -H 'Content-Type: application/json' -d '{"name":"susi","role":"staff","password":"sandi-susi-123"}'
expect "admin adds a user: 201" 201
as adi POST /api/v1/users -H 'Content-Type: application/json' -d '{"name":"susi","role":"staff","password":"sandi-susi-123"}'
expect_error "a taken name: 409" 409
as adi POST /api/v1/users -H 'Content-Type: application/json' -d '{"name":"budi","role":"root","password":"sandi-budi-123"}'
expect_error "an unknown role: 400" 400
as ani POST /api/v1/users -H 'Content-Type: application/json' -d '{"name":"budi","role":"admin","password":"sandi-budi-123"}'
expect_error "staff may not add users: 403" 403
check "refused user requests add no row" test "$(sql 'SELECT count(*) FROM users')" = 4

# ---- logout ---------------------------------------------------------------------------------------
as_nocsrf adi DELETE /api/v1/session
expect_error "logout without CSRF: 403" 403
as adi DELETE /api/v1/session
expect "logout: 200" 200
check "logout clears the cookie" grep -qi '^set-cookie: siaran_session=;' "$D/headers"
as adi GET /api/v1/session
expect_error "the old cookie no longer works: 401" 401

# ---- throttling (last: it blocks this address for a while) -----------------------------------
for i in 1 2 3 4 5 6; do
	req POST /api/v1/session -H 'Content-Type: application/json' -d '{"username":"susi","password":"salah-salah"}'
done
expect_error "the sixth failed login within 5 minutes: 429" 429
req POST /api/v1/session -H 'Content-Type: application/json' -d '{"username":"susi","password":"sandi-susi-123"}'
expect_error "even the right password is refused while throttled: 429" 429

check "siaran run is still running" kill -0 "$RUN_PID"
if grep -qE 'Budi|081299998888' "$D/run.log"; then
	not_ok "the log does not name the caller"
else
	ok "the log does not name the caller"
fi
