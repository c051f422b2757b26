#!/usr/bin/env bash
# The API's stable error codes.  (a) From the sources: every code the web
# server can answer (web/*.c) is worded in both the Indonesian and the
# English table of web/static/common.js and listed in docs/api.md, and no
# table or list has a code the server never answers.  (b) Against a running
# station: real refusals answer the expected status, a JSON body with that
# code and a non-empty English reason.
source "$(dirname "$0")/lib.sh"

# ---- (a) the sources ---------------------------------------------------------------------
python3 - <<'PY'
import glob, re

def literals(text):
    return re.findall(r'"([^"\\]*)"', text)

def server_codes():
    """code -> the file that answers it: the third argument of every
    web_respond_error call, a "code" member packed by hand, an assignment to
    a variable named code (read_show's out parameter)."""
    codes = {}
    for path in sorted(glob.glob('web/*.c')):
        if path.endswith('assets.c'):
            continue
        src = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
        for m in re.finditer(r'\bweb_respond_error\(', src):
            i, depth, args, cur = m.end(), 0, [], ''
            while True:
                c = src[i]
                if c in '([':
                    depth += 1
                elif c in ')]':
                    if depth == 0:
                        args.append(cur)
                        break
                    depth -= 1
                if c == ',' and depth == 0:
                    args.append(cur)
                    cur = ''
                else:
                    cur += c
                i += 1
            if 'struct web_request' in args[0]:
                continue  # the declaration or definition
            found = literals(args[2])
            if not found and args[2].strip() != 'code':
                print('not ok - %s: a web_respond_error call whose code is no string literal: %s'
                      % (path, ' '.join(args[2].split())))
            for code in found:
                codes.setdefault(code, path)
        for code in re.findall(r'"code",\s*"([^"]*)"', src):
            codes.setdefault(code, path)
        for code in re.findall(r'\\"code\\":\\"([^"\\]*)\\"', src):
            codes.setdefault(code, path)
        for m in re.finditer(r'\bcode\s*=\s*([^;=][^;]*);', src):
            for code in literals(m.group(1)):
                codes.setdefault(code, path)
    return codes

codes = server_codes()
print('ok - the web server answers %d distinct error codes' % len(codes)
      if len(codes) >= 40 else 'not ok - only %d error codes found in web/*.c' % len(codes))
bad = sorted(c for c in codes if not re.fullmatch(r'[a-z][a-z0-9]*(_[a-z0-9]+)*', c))
print('ok - every code is snake_case' if not bad else 'not ok - codes not in snake_case: %s' % bad)

js = open('web/static/common.js').read()
for lang in ('en', 'id'):
    m = re.search(r'\n  var %s = \{\n(.*?)\n  \};' % lang, js, re.S)
    if not m:
        print('not ok - common.js has no table "%s"' % lang)
        continue
    table = dict(re.findall(r"\be_([a-z0-9_]+): '((?:[^'\\]|\\.)*)'", m.group(1)))
    missing = sorted(set(codes) - set(table))
    unused = sorted(set(table) - set(codes))
    empty = sorted(k for k, v in table.items() if not v.strip())
    print('ok - the %s table words every code' % lang if not missing else
          'not ok - the %s table lacks %s' % (lang, ', '.join('e_%s (%s)' % (c, codes[c]) for c in missing)))
    print('ok - the %s table has no code the server never answers' % lang if not unused else
          'not ok - the %s table has unused %s' % (lang, ', '.join('e_' + c for c in unused)))
    print('ok - no empty %s wording' % lang if not empty else
          'not ok - empty %s wording for %s' % (lang, empty))
    if lang == 'id':
        # a station's staff read these: no developer terms
        jargon = sorted(k for k, v in table.items()
                        if re.search(r'\b(JSON|CSRF|HTTP|SQL|API|null|multipart|UTF-8)\b', v))
        print('ok - the Indonesian wording has no developer terms' if not jargon else
              'not ok - developer terms in the Indonesian wording of %s' % jargon)

doc = open('docs/api.md').read()
m = re.search(r'\n## Errors\n(.*?)\n## ', doc, re.S)
if not m:
    print('not ok - docs/api.md has no section "Errors"')
else:
    rows = dict((c, status) for c, status, _ in re.findall(r'^\| `([a-z0-9_]+)` \| ([0-9, ]+) \| (.+) \|$', m.group(1), re.M))
    missing = sorted(set(codes) - set(rows))
    unused = sorted(set(rows) - set(codes))
    print('ok - docs/api.md lists every code with its status' if not missing else
          'not ok - docs/api.md does not list %s' % ', '.join(missing))
    print('ok - docs/api.md lists no code the server never answers' if not unused else
          'not ok - docs/api.md lists unused %s' % ', '.join(unused))
PY

# ---- (b) a running station -------------------------------------------------------------------
D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
tone "$D/fb.ogg" 4 440 "Isi Satu" "Band Uji" -c:a libvorbis
printf '%s\n' "$D/fb.ogg" >"$D/fb.m3u"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
CONF=$D/siaran.conf
B=http://127.0.0.1:$WEB_PORT
for u in ani:staff adi:admin; do
	echo "sandi-${u%%:*}-123" | "$SIARAN" user add -c "$CONF" "${u%%:*}" --role "${u##*:}" >/dev/null
done
start_siaran || exit 1

# req METHOD PATH [curl args...]: sets CODE, the body in $D/body
req() {
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -X "$m" -o "$D/body" -w '%{http_code}' "$@" "$B$p")
}
as() { # as USER METHOD PATH [args]: with the user's cookie and CSRF token
	local u=$1 m=$2 p=$3
	shift 3
	req "$m" "$p" -b "$D/cookies.$u" -H "X-CSRF-Token: $(cat "$D/csrf.$u")" "$@"
}
field() { # field NAME: a member of the JSON body, empty when absent
	python3 -c 'import json,sys
try:
    v = json.load(open(sys.argv[1])).get(sys.argv[2])
except Exception:
    v = None
print("" if v is None else v)' "$D/body" "$1"
}
refused() { # refused NAME STATUS CODE: the last answer is STATUS {"error": non-empty, "code": CODE}
	local code error
	code=$(field code)
	error=$(field error)
	if [ "$CODE" = "$2" ] && [ "$code" = "$3" ] && [ -n "$error" ]; then
		ok "$1: $2 $3 ($error)"
	else
		not_ok "$1: got $CODE $(head -c 300 "$D/body"), want $2 with code $3 and a reason"
	fi
}
JSON=(-H 'Content-Type: application/json')

req POST /api/v1/session "${JSON[@]}" -d '{"username":"ani","password":"salah-sekali"}'
refused "a wrong password" 401 login_failed
req POST /api/v1/session "${JSON[@]}" -d '{"username":"ani"'
refused "a login body that is not JSON" 400 bad_json
req POST /api/v1/session "${JSON[@]}" -d '{"username":"ani"}'
refused "a login without a password" 400 field_required
for u in ani adi; do
	req POST /api/v1/session -c "$D/cookies.$u" "${JSON[@]}" \
		-d "{\"username\":\"$u\",\"password\":\"sandi-$u-123\"}"
	field csrf_token >"$D/csrf.$u"
done
check "both log in" test -s "$D/csrf.ani" -a -s "$D/csrf.adi"

req GET /api/v1/complaints
refused "the complaint list without a session" 401 not_logged_in
req POST /api/v1/playout/skip -b "$D/cookies.ani"
refused "a skip without X-CSRF-Token" 403 csrf_missing
as ani GET /api/v1/users
refused "staff on an admin endpoint" 403 role_forbidden
as ani GET /api/v1/complaints/999
refused "an unknown complaint" 404 not_found
req GET /api/v1/no-such-thing
refused "an unknown path" 404 not_found
req TRACE /api/v1/nowplaying
refused "a method no route knows" 405 method_not_allowed
as adi POST /api/v1/users -H 'Content-Type: text/plain' -d '{"name":"x"}'
refused "a JSON endpoint given text/plain" 415 content_type
python3 -c 'print("{\"name\":\"" + "x" * 70000 + "\"}")' >"$D/big.json"
as adi POST /api/v1/users "${JSON[@]}" --data-binary "@$D/big.json"
refused "a JSON body over 64 KB" 413 body_too_large
as adi POST /api/v1/users "${JSON[@]}" -d '{"name":"ani","role":"staff","password":"panjang-sekali"}'
refused "a user name that exists" 409 user_exists
as adi POST /api/v1/users "${JSON[@]}" -d '{"name":"budi","role":"staff","password":"pendek"}'
refused "a new user with a short password" 400 password_short
adi_id=$(sqlite3 "$D/siaran.db" "SELECT id FROM users WHERE name = 'adi'")
as adi PATCH "/api/v1/users/$adi_id" "${JSON[@]}" -d '{"disabled":true}'
refused "an admin disabling their own account" 409 own_account
as adi GET "/api/v1/media?kind=lagu"
refused "an unknown library kind" 400 kind_unknown
as adi GET "/api/v1/asrun?from=2026-03-02&to=2026-03-01"
refused "an as-run range that ends before it starts" 400 range_invalid
req GET "/api/v1/rundown?date=2026-02-31"
refused "a rundown of a day that does not exist" 400 date_invalid
as ani DELETE /api/v1/inserts/999
refused "cancelling an insert that is not pending" 404 insert_gone

# announcements
as ani POST /api/v1/announcements "${JSON[@]}" -d '{"text":"Pengumuman","mode":"at"}'
refused "an announcement at no time" 400 at_required
as ani POST /api/v1/announcements "${JSON[@]}" \
	-d '{"text":"Pengumuman","mode":"at","at":"2020-01-01T08:00:00+07:00"}'
refused "an announcement at a time that has passed" 400 time_passed
as ani POST /api/v1/announcements "${JSON[@]}" -d '{"text":"","mode":"next"}'
refused "an announcement without text" 400 text_length

# uploads
head -c 20000 /dev/urandom >"$D/noise.wav"
as adi POST /api/v1/media -F "audio=@$D/noise.wav" -F kind=music -F title=Bising
refused "a library upload that is not audio" 422 not_audio
as adi POST /api/v1/media -F kind=music -F title=Kosong
refused "a library upload without a file" 400 audio_required

# complaints: the workflow refuses what its state does not allow
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=300:sample_rate=8000:duration=2" \
	-ac 1 -c:a pcm_s16le "$D/call1.wav"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=500:sample_rate=8000:duration=2" \
	-ac 1 -c:a pcm_s16le "$D/call2.wav"
complaint() { # complaint FILE CONSENT CONFIDENTIAL: creates one, prints its id
	as ani POST /api/v1/complaints -F "audio=@$1" -F "title=Jalan rusak" -F "location=Lebak" \
		-F anonymous=1 -F "consent=$2" -F "confidential=$3"
	field id
}
no_consent=$(complaint "$D/call1.wav" 0 0)
secret=$(complaint "$D/call2.wav" 1 1)
check "two complaints are stored ($no_consent, $secret)" test -n "$no_consent" -a -n "$secret"
as ani POST "/api/v1/complaints/$no_consent/queue"
refused "queueing a complaint that is not verified" 409 complaint_state
as ani POST "/api/v1/complaints/$no_consent/verify"
as ani POST "/api/v1/complaints/$no_consent/air-next"
refused "airing a complaint whose caller did not consent" 409 consent_missing
as ani POST "/api/v1/complaints/$secret/verify"
as ani POST "/api/v1/complaints/$secret/queue"
refused "airing a confidential complaint" 409 complaint_confidential
tone "$D/song.ogg" 2 660 "Lagu" "Band Uji" -c:a libvorbis
as adi POST /api/v1/media -F "audio=@$D/song.ogg" -F kind=music -F title=Lagu
check "a song is added to the library ($CODE)" test "$CODE" = 201
as ani POST /api/v1/complaints -F "audio=@$D/song.ogg" -F "title=Lagi" -F "location=Lebak" \
	-F anonymous=1 -F consent=0 -F confidential=0
refused "a library song sent as a complaint" 409 recording_duplicate

# one date of a show: only a date it airs on
as adi POST /api/v1/shows "${JSON[@]}" \
	-d '{"name":"Senin Warga","days":[1],"start":"10:00","duration":30,"content":"complaints"}'
weekly=$(field id)
as adi POST "/api/v1/shows/$weekly/dates/2026-12-08/move" "${JSON[@]}" -d '{"start":"10:30","duration":30}'
refused "moving a Monday show's Tuesday" 409 show_not_on_date
as adi POST /api/v1/shows "${JSON[@]}" \
	-d '{"name":"Sekali","dates":["2026-12-08"],"start":"10:00","duration":30,"content":"complaints"}'
once=$(field id)
as adi DELETE "/api/v1/shows/$once/dates/2026-12-08"
refused "taking a show's only date off" 409 show_last_date
exit 0
