#!/usr/bin/env bash
# Integration test of what a security review found (issue 12), against a
# running station (a real icecast2 and `siaran run`): login throttling per
# account and per real client behind a trusted proxy, complaint intros that
# belong to the complaint, uploads that never change another item, log lines
# that cannot be forged, JSON only as application/json, files without world
# access, the Secure cookie flag, CSV cells that are never formulas, and the
# smaller points (NUL in a form, impossible dates, %00 in a path, TRACE,
# disabling users, paths in asrun.csv for admins only).
source "$(dirname "$0")/lib.sh"

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
# the first fallback title is a formula, so as-run rows carry one
tone "$D/fb1.ogg" 3 440 '=HYPERLINK("http://x.invalid","klik")' "Band Uji" -c:a libvorbis
tone "$D/fb2.ogg" 3 550 "Isi Dua" "Band Uji" -c:a libvorbis
printf '%s\n%s\n' "$D/fb1.ogg" "$D/fb2.ogg" >"$D/fb.m3u"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
cp "$D/siaran.conf" "$D/base.conf"
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
chmod 644 "$CONF" # readable by others: siaran run must warn
for u in ani:staff opi:operator adi:admin; do
	echo "sandi-${u%%:*}-123" | "$SIARAN" user add -c "$CONF" "${u%%:*}" --role "${u##*:}" >/dev/null
done

RUN_PID=
start_station() { # start_station LOG: (re)starts siaran run on $CONF
	if [ -n "$RUN_PID" ]; then
		kill "$RUN_PID" 2>/dev/null
		wait "$RUN_PID" 2>/dev/null
	fi
	"$SIARAN" run -c "$CONF" 2>"$1" &
	RUN_PID=$!
	TEST_PIDS+=("$RUN_PID")
	wait_port "$WEB_PORT" 15
}
if ! start_station "$D/run.log"; then
	not_ok "siaran run serves the panel"
	tail -20 "$D/run.log" | sed 's/^/# /'
	exit 1
fi
ok "siaran run serves the panel"

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
json() { as "$1" "$2" "$3" -H 'Content-Type: application/json' -d "$4"; }
jq_() {
	python3 -c "import json,sys
d=json.load(open('$D/body'))
v=eval(sys.argv[1])
print('' if v is None else (json.dumps(v) if isinstance(v,(dict,list,bool)) else v))" "$1" 2>/dev/null
}
json_error() { [ -n "$(jq_ 'd["error"]')" ]; }
sql() { sqlite3 "$DB" "$1"; }
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
login() { # login USER PASSWORD [curl args]: sets CODE; keeps the cookie and token
	local u=$1 p=$2
	shift 2
	req POST /api/v1/session -c "$D/cookies.$u" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$u\",\"password\":\"$p\"}" "$@"
	[ "$CODE" = 200 ] && jq_ 'd["csrf_token"]' >"$D/csrf.$u"
}
no_world_access() { # FILE...: none readable, writable or searchable by others
	local f
	for f in "$@"; do
		[ -e "$f" ] || return 1
		[ $((0$(stat -c %a "$f") & 07)) -eq 0 ] || return 1
	done
}
for u in ani opi adi; do login "$u" "sandi-$u-123"; done
check "three users logged in" test -s "$D/csrf.ani" -a -s "$D/csrf.opi" -a -s "$D/csrf.adi"

# ---- 7: files without world access; a warning for a readable config ------------------------------
check "7: siaran run warns that the config is readable by others" \
	grep -q "readable by every user" "$D/run.log"
check "7: the database, its WAL and SHM have no world access" \
	no_world_access "$DB" "$DB-wal" "$DB-shm"

# ---- 6: JSON endpoints take application/json only ----------------------------------------------------
req POST /api/v1/session -H 'Content-Type: text/plain' -d '{"username":"adi","password":"sandi-adi-123"}'
expect_error "6: a JSON login sent as text/plain: 415" 415
req POST /api/v1/session -d '{"username":"adi","password":"sandi-adi-123"}'
expect_error "6: a JSON login sent form-urlencoded: 415" 415
json_plain() { as "$1" "$2" "$3" -H 'Content-Type: text/plain' -d "$4"; }
json_plain adi POST /api/v1/users '{"name":"baru","role":"staff","password":"sandi-baru-123"}'
expect_error "6: a JSON body as text/plain to POST /users: 415" 415
check "6: ... and no user was made" test "$(sql "SELECT count(*) FROM users WHERE name='baru'")" = 0

# ---- 10: methods, paths, dates, NUL bytes ------------------------------------------------------------
req TRACE /
expect_error "10: TRACE /: 405" 405
req TRACE /api/v1/nowplaying
expect_error "10: TRACE on an API path: 405" 405
req GET /panel/%00
expect_error "10: %00 in a path: 404" 404
req GET '/api/v1/rundown?date=2026-02-31'
expect_error "10: rundown of 2026-02-31: 400" 400
req GET '/api/v1/rundown?date=2028-02-29'
expect "10: rundown of 2028-02-29 (a leap day): 200" 200
as opi GET '/api/v1/asrun?date=2026-04-31'
expect_error "10: as-run of 2026-04-31: 400" 400

tone "$D/keluhan1.wav" 2 300 "rekaman" "x"
tone "$D/keluhan2.wav" 2 350 "rekaman" "x"
tone "$D/keluhan3.wav" 2 400 "rekaman" "x"
tone "$D/keluhan4.wav" 2 450 "rekaman" "x"
tone "$D/lagu.ogg" 3 660 "Lagu Asli" "Penyanyi" -c:a libvorbis
complaints0=$(sql 'SELECT count(*) FROM complaints')
printf 'Jalan\0rusak' >"$D/nul.txt"
as ani POST /api/v1/complaints -F "audio=@$D/keluhan1.wav" -F "title=<$D/nul.txt" -F consent=1
expect_error "10: a NUL byte in a form field: 400" 400
check "10: ... and no complaint was stored" test "$(sql 'SELECT count(*) FROM complaints')" = "$complaints0"

# ---- 5: control characters refused in one-line fields; logs escaped ----------------------------------
as ani POST /api/v1/complaints -F "audio=@$D/keluhan1.wav" -F $'title=Jalan\nFORGED rusak' -F consent=1
expect_error "5: a complaint title with a newline: 400" 400
check "5: ... and no complaint was stored" test "$(sql 'SELECT count(*) FROM complaints')" = "$complaints0"
req POST /api/v1/session -H 'Content-Type: application/json' \
	-d '{"username":"tamu\nFORGED 2026-01-01 info web user adi (admin) logged in","password":"salah-sekali"}'
expect_error "5: a login name with a newline: 401" 401
sleep 0.3
check "5: the logged name cannot start a line of its own" \
	test "$(grep -c '^FORGED' "$D/run.log")" = 0
check "5: the newline is logged as \\n" grep -q 'tamu\\nFORGED' "$D/run.log"

# ---- 2: complaint intros belong to the complaint ------------------------------------------------------
as ani POST /api/v1/complaints -F "audio=@$D/keluhan1.wav" -F 'title=Jalan rusak' \
	-F location=Rangkasbitung -F consent=1
expect "2: a complaint is stored: 201" 201
C1=$(jq_ 'd["id"]')
I1=$(sql "SELECT intro_media_id FROM complaints WHERE id=$C1")
check "2: it has a spoken intro" test -n "$I1"
check "2: the intro is stored as the complaint's, not a library announcement" \
	test "$(sql "SELECT kind FROM media WHERE id=$I1")" = complaint
as opi GET '/api/v1/media?limit=500'
check "2: the library list has no intro" \
	test "$(jq_ 'len([m for m in d["media"] if m["title"].startswith("Suara Warga")])')" = 0
as opi GET "/api/v1/media/$I1/audio"
expect_error "2: an operator cannot download the intro: 404" 404
json opi PATCH "/api/v1/media/$I1" '{"title":"Lagu"}'
expect_error "2: an operator cannot edit the intro: 404" 404
json opi POST /api/v1/shows "{\"name\":\"Daftar\",\"dates\":[\"2030-01-08\"],\"start\":\"08:00\",\"duration\":30,\"content\":\"playlist\",\"items\":[$I1]}"
expect_error "2: an operator cannot put the intro in a playlist: 422" 422
as ani POST /api/v1/complaints -F "audio=@$D/keluhan2.wav" -F 'title=Korupsi C' \
	-F confidential=1 -F consent=1
expect "2: a confidential complaint is stored: 201" 201
C2=$(jq_ 'd["id"]')
check "2: a confidential complaint gets no intro" \
	test -z "$(sql "SELECT intro_media_id FROM complaints WHERE id=$C2")"
as ani POST /api/v1/announcements -F "audio=@$D/keluhan2.wav" -F mode=next
expect_error "4: staff upload a complaint's bytes as an announcement: 409" 409
check "4: ... the recording keeps its kind and title" \
	test "$(sql "SELECT kind||'/'||title FROM media WHERE id=(SELECT media_id FROM complaints WHERE id=$C2)")" = "complaint/Korupsi C"
check "2: no intro speaks its title" \
	test "$(sql "SELECT count(*) FROM media WHERE title LIKE 'Suara Warga%Korupsi C%'")" = 0

# ---- 3: a refused upload changes nothing; rotations take airable kinds only ---------------------------
R1=$(sql "SELECT media_id FROM complaints WHERE id=$C1")
title_r1=$(sql "SELECT title FROM media WHERE id=$R1")
as opi POST /api/v1/media -F "audio=@$D/keluhan1.wav" -F kind=music -F 'title=Lagu Baru' -F categories=warga
expect_error "3: an operator uploads a complaint's bytes: 409" 409
check "3: ... the recording keeps its title" test "$(sql "SELECT title FROM media WHERE id=$R1")" = "$title_r1"
check "3: ... and gets no category" test "$(sql "SELECT count(*) FROM media_category WHERE media_id=$R1")" = 0
# a category on a complaint recording (an older station's data) must not put
# it into a rotation of that category
sql "INSERT OR IGNORE INTO media_category (media_id, category) VALUES ($R1, 'warga')"
as opi POST /api/v1/media -F "audio=@$D/lagu.ogg" -F kind=music -F categories=warga
expect "3: a song in the same category: 201" 201
M1=$(jq_ 'd["id"]')
json opi POST /api/v1/shows '{"name":"Rotasi Warga","dates":["2030-01-08"],"start":"20:00","duration":30,"content":"rotation","categories":["warga"]}'
expect "3: a rotation of that category: 201" 201
"$SIARAN" rundown -c "$CONF" --date 2030-01-08 >"$D/rundown.txt" 2>&1
check "3: the rotation airs the song" grep -q 'Lagu Asli' "$D/rundown.txt"
check "3: the rotation never airs the complaint recording" \
	test "$(grep -c -e 'Jalan rusak' -e ' complaint ' "$D/rundown.txt")" = 0

# a playlist that names a complaint's intro (an older station's data) does
# not air it either
json opi POST /api/v1/shows "{\"name\":\"Daftar Lagu\",\"dates\":[\"2030-01-08\"],\"start\":\"09:00\",\"duration\":30,\"content\":\"playlist\",\"items\":[$M1]}"
expect "3: a playlist of the song: 201" 201
sql "INSERT INTO show_items (show_id, position, media_id) VALUES ($(jq_ 'd["id"]'), 1, $I1)"
"$SIARAN" rundown -c "$CONF" --date 2030-01-08 >"$D/rundown.txt" 2>&1
check "3: the playlist airs the song" grep -qE '^09:00:00 .*Lagu Asli' "$D/rundown.txt"
check "3: the playlist never airs the complaint's intro" \
	test "$(grep -c 'Suara Warga' "$D/rundown.txt")" = 0

# ---- 4: an upload never changes another item ------------------------------------------------------------
as ani POST /api/v1/complaints -F "audio=@$D/lagu.ogg" -F 'title=Bukan lagu' -F consent=1
expect_error "4: staff upload a song's bytes as a complaint: 409" 409
check "4: ... the song keeps its title" test "$(sql "SELECT title||'/'||kind FROM media WHERE id=$M1")" = "Lagu Asli/music"
as ani POST /api/v1/announcements -F "audio=@$D/lagu.ogg" -F mode=next
expect_error "4: staff upload a song's bytes as an announcement: 409" 409
check "4: ... the song still keeps its title" test "$(sql "SELECT title||'/'||kind FROM media WHERE id=$M1")" = "Lagu Asli/music"
as opi POST /api/v1/media -F "audio=@$D/lagu.ogg" -F kind=psa -F 'title=Ganti Judul'
check "4: an operator re-upload as another kind is refused (409) and changes nothing" \
	test "$CODE/$(sql "SELECT title||'/'||kind FROM media WHERE id=$M1")" = "409/Lagu Asli/music"

# ---- 9: CSV cells are never formulas -----------------------------------------------------------------
as ani POST /api/v1/complaints -F "audio=@$D/keluhan3.wav" -F 'title==HYPERLINK("http://x.invalid","a")' \
	-F 'location=+62 Lebak' -F consent=1
expect "9: a complaint titled with a formula: 201" 201
C3=$(jq_ 'd["id"]')
as ani GET "/api/v1/complaints/$C3/lapor?format=csv"
expect "9: its LAPOR! CSV: 200" 200
check "9: the title cell is neutralised" grep -q "\"'=HYPERLINK" "$D/body"
check "9: the location cell is neutralised" grep -q "\"'+62 Lebak\"" "$D/body"
check "9: no cell starts with = + - @" \
	python3 -c "import csv,sys
rows=list(csv.reader(open('$D/body')))
sys.exit(any(c[:1] in ('=','+','-','@','\t','\r') for r in rows for c in r))"
for i in $(seq 1 100); do
	[ "$(sql "SELECT count(*) FROM asrun WHERE title LIKE '=HYPERLINK%'")" -gt 0 ] && break
	sleep 0.1
done
as opi GET /api/v1/asrun.csv
check "9: asrun.csv has the formula title neutralised" grep -q "\"'=HYPERLINK" "$D/body"
check "9: no asrun.csv cell starts with = + - @" \
	python3 -c "import csv,sys
rows=list(csv.reader(open('$D/body')))
sys.exit(len(rows) < 2 or any(c[:1] in ('=','+','-','@','\t','\r') for r in rows for c in r))"

# ---- 10: asrun.csv shows server paths only to admin --------------------------------------------------
check "10: the operator's asrun.csv has no server paths" test "$(grep -c "$D" "$D/body")" = 0
as adi GET /api/v1/asrun.csv
check "10: the admin's asrun.csv has the sources" grep -q "$D/fb1.ogg" "$D/body"

# ---- 7: media files without world access --------------------------------------------------------------
check "7: the media store has files" test "$(find "$D/media" -type f | wc -l)" -gt 0
check "7: no media file is readable by others" test "$(find "$D/media" -type f -perm /o=rwx | wc -l)" = 0

# ---- 10: disable, enable, passwords, sessions ---------------------------------------------------------
ANI=$(sql "SELECT id FROM users WHERE name='ani'")
OPI=$(sql "SELECT id FROM users WHERE name='opi'")
json adi PATCH "/api/v1/users/$ANI" '{"disabled":true}'
expect "10: the admin disables ani: 200" 200
as ani GET /api/v1/session
expect_error "10: disabling ended ani's session: 401" 401
login ani sandi-ani-123
expect_error "10: a disabled user cannot log in: 401" 401
json adi PATCH "/api/v1/users/$ANI" '{"disabled":false}'
expect "10: the admin enables ani again: 200" 200
login ani sandi-ani-123
expect "10: ani logs in again: 200" 200
json adi PATCH "/api/v1/users/$ANI" '{"password":"sandi-baru-456"}'
expect "10: the admin sets ani's password: 200" 200
as ani GET /api/v1/session
expect_error "10: the new password ended ani's session: 401" 401
login ani sandi-baru-456
expect "10: ani logs in with the new password: 200" 200
as adi DELETE "/api/v1/users/$ANI/sessions"
check "10: the admin ends ani's sessions: 200, one ended" test "$CODE/$(jq_ 'd["ended"]')" = "200/1"
as ani GET /api/v1/session
expect_error "10: ... and ani is logged out: 401" 401
json adi PATCH "/api/v1/users/$(sql "SELECT id FROM users WHERE name='adi'")" '{"disabled":true}'
expect_error "10: an admin cannot disable themselves: 409" 409
json opi PATCH "/api/v1/users/$ANI" '{"disabled":true}'
expect_error "10: an operator cannot change users: 403" 403
"$SIARAN" user disable -c "$CONF" opi >"$D/cli.out" 2>&1
check "10: siaran user disable exits 0" test $? -eq 0
as opi GET /api/v1/session
expect_error "10: ... and ends opi's session: 401" 401
"$SIARAN" user enable -c "$CONF" opi >/dev/null 2>&1
echo "sandi-opi-789" | "$SIARAN" user passwd -c "$CONF" opi >/dev/null 2>&1
check "10: siaran user enable and passwd exit 0" test $? -eq 0
login opi sandi-opi-789
expect "10: opi logs in with the password set by the CLI: 200" 200
"$SIARAN" user disable -c "$CONF" nobody >/dev/null 2>&1
check "10: siaran user disable of an unknown name exits 2" test $? -eq 2

# ---- 1: without trusted_proxies nobody's X-Forwarded-For is believed ---------------------------------
for i in 1 2 3 4 5; do
	req POST /api/v1/session -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.9.9.$i" \
		-d "{\"username\":\"orang$i\",\"password\":\"salah-salah\"}"
done
req POST /api/v1/session -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.9.9.6" \
	-d '{"username":"orang6","password":"salah-salah"}'
expect_error "1: by default a forged X-Forwarded-For does not escape the limit: 429" 429

# an older station's intro, stored as a library announcement
sql "UPDATE media SET kind = 'announcement' WHERE id = $I1"

# ---- 1 and 8: behind a trusted proxy -------------------------------------------------------------------
cp "$D/base.conf" "$CONF"
chmod 600 "$CONF"
echo "trusted_proxies = 192.0.2.1, 127.0.0.1" >>"$CONF" # [web] is the last section
if ! start_station "$D/run2.log"; then
	not_ok "siaran run starts with trusted_proxies"
	tail -5 "$D/run2.log" | sed 's/^/# /'
	exit 1
fi
ok "siaran run starts with trusted_proxies"
check "2: at start an older station's intro becomes the complaint's" \
	test "$(sql "SELECT kind FROM media WHERE id=$I1")" = complaint
check "7: no warning for a config only its owner reads" \
	test "$(grep -c "readable by every user" "$D/run2.log")" = 0
xff_login() { # xff_login CLIENT USER PASSWORD [curl args]: a login through the proxy
	local c=$1 u=$2 p=$3
	shift 3
	req POST /api/v1/session -c "$D/cookies.$u" -H 'Content-Type: application/json' \
		-H "X-Forwarded-For: $c" -d "{\"username\":\"$u\",\"password\":\"$p\"}" "$@"
}
for i in 1 2 3 4 5; do xff_login 203.0.113.5 "palsu$i" salah-salah; done
xff_login 203.0.113.5 palsu6 salah-salah
expect_error "1: the sixth failure from one client behind the proxy: 429" 429
xff_login 203.0.113.6 adi sandi-adi-123
expect "1: another client behind the same proxy logs in at once: 200" 200
xff_login "203.0.113.5, 203.0.113.7" adi sandi-adi-123
expect "1: the address the proxy appended counts, not what the client wrote: 200" 200

# five failures on one account from five clients: its owner waits a short time, never minutes
for i in 1 2 3 4 5 6; do xff_login "198.51.100.$i" adi salah-salah; done
xff_login 198.51.100.50 adi sandi-adi-123
code1=$CODE
wait1=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/Ip' "$D/headers")
if [ "$code1" = 429 ]; then
	sleep "${wait1:-1}"
	xff_login 198.51.100.50 adi sandi-adi-123
fi
check "1: after failures on the account the right password waits at most 30 s (got $code1, Retry-After ${wait1:-none})" \
	test "$code1" = 200 -o "${wait1:-999}" -le 30
expect "1: ... and then logs in: 200" 200

# sixty parallel wrong passwords from one client: no more tries than the limit
curls=()
for i in $(seq 1 60); do
	curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
		-H 'X-Forwarded-For: 192.0.2.77' -d "{\"username\":\"tamu$i\",\"password\":\"salah-salah\"}" \
		"$B/api/v1/session" >>"$D/parallel.txt" &
	curls+=("$!")
done
wait "${curls[@]}"
tried=$(grep -c '^401' "$D/parallel.txt")
throttled=$(grep -c '^429' "$D/parallel.txt")
check "1: 60 parallel wrong passwords: at most 5 tried ($tried tried, $throttled throttled)" \
	test "$tried" -le 5 -a "$((tried + throttled))" = 60

# 8: the proxy says https: the cookie is Secure; plain http: it is not
xff_login 203.0.113.8 opi sandi-opi-789 -H 'X-Forwarded-Proto: https'
check "8: behind a trusted proxy on https the cookie is Secure" \
	grep -qiE '^Set-Cookie: siaran_session=[0-9a-f]+;.*; Secure' "$D/headers"
xff_login 203.0.113.8 opi sandi-opi-789
check "8: on plain http it is not" test "$(grep -ci '^Set-Cookie:.*Secure' "$D/headers")" = 0

cp "$D/base.conf" "$CONF"
chmod 600 "$CONF"
printf 'trusted_proxies = 127.0.0.1\nsecure_cookies = true\n' >>"$CONF"
if ! start_station "$D/run3.log"; then
	not_ok "siaran run starts with secure_cookies"
	exit 1
fi
xff_login 203.0.113.9 opi sandi-opi-789
check "8: with secure_cookies the session cookie is Secure" \
	grep -qiE '^Set-Cookie: siaran_session=[0-9a-f]+;.*; Secure' "$D/headers"
echo "trusted_proxies = 127.0.0.1, bukan-alamat" >>"$CONF" # a second one: the last wins
"$SIARAN" rundown -c "$CONF" >/dev/null 2>"$D/bad.err"
check "1: a trusted_proxies entry that is not an address is a config error (exit 2)" \
	test $? -eq 2 -a -n "$(grep -E "siaran.conf:[0-9]+: trusted_proxies: 'bukan-alamat'" "$D/bad.err")"
