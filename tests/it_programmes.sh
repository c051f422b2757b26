#!/usr/bin/env bash
# The public programme list (GET /api/v1/public/programmes) against a running
# station: today's shows in station time with name, host, start and end
# (an all-day show ends at 24:00), in start order, nothing of their content;
# a show of another day and one past its validity are left out; and the
# logged-in categories route the schedule's picker reads answers 401 logged
# out and the track counts logged in.
source "$(dirname "$0")/lib.sh"

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
tone "$D/fb1.ogg" 4 440 "Isi Satu" "Band Uji" -c:a libvorbis
printf '%s\n' "$D/fb1.ogg" >"$D/fb.m3u"
tone "$D/pop.ogg" 4 550 "Lagu Pop" "Band Uji" -c:a libvorbis
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
echo "sandi-opi-123" | "$SIARAN" user add -c "$CONF" opi --role operator >/dev/null
"$SIARAN" import -c "$CONF" --category pop "$D/pop.ogg" >/dev/null 2>&1

dow=$(TZ=Asia/Jakarta date +%w)
other=$(((dow + 3) % 7))
yesterday=$(TZ=Asia/Jakarta date -d yesterday +%F)
now_s=$(date +%s)
sqlite3 "$DB" "INSERT INTO shows (name, host, days, start_time, duration, content, categories, created_at)
	VALUES ('Sepanjang Hari', 'Kak Rina', 127, 0, 86400, 'rotation', 'pop', $now_s),
	('Kabar Desa', 'Pak Budi', $((1 << dow)), 7*3600, 3600, 'rotation', 'pop', $now_s),
	('Bukan Hari Ini', '', $((1 << other)), 9*3600, 3600, 'rotation', 'pop', $now_s);
	INSERT INTO shows (name, host, days, start_time, duration, content, categories, valid_to, created_at)
	VALUES ('Sudah Lewat', '', 127, 10*3600, 3600, 'rotation', 'pop', '$yesterday', $now_s);"

start_siaran || exit 1

code=$(curl -s -o "$D/p" -w '%{http_code}' "$B/api/v1/public/programmes")
check "the programme list is public (200 without a login): $code" test "$code" = 200
got=$(python3 - "$D/p" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(d["date"], "|".join("%s,%s,%s-%s" % (p["name"], p["host"], p["start"], p["end"]) for p in d["programmes"]))
print(sorted(set(k for p in d["programmes"] for k in p)))
PY
)
today=$(TZ=Asia/Jakarta date +%F)
check "today's shows in start order, all-day to 24:00: $(head -1 <<<"$got")" \
	test "$(head -1 <<<"$got")" = "$today Sepanjang Hari,Kak Rina,00:00-24:00|Kabar Desa,Pak Budi,07:00-08:00"
check "only public fields: $(tail -1 <<<"$got")" \
	test "$(tail -1 <<<"$got")" = "['end', 'ends_at', 'host', 'name', 'start', 'starts_at']"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$B/api/v1/public/programmes")
check "the programme list cannot be written ($code)" test "$code" = 404 -o "$code" = 405

code=$(curl -s -o "$D/c" -w '%{http_code}' "$B/api/v1/media/categories")
check "the categories route refuses a logged-out client ($code)" test "$code" = 401
curl -s -c "$D/cookies" -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"opi","password":"sandi-opi-123"}' "$B/api/v1/session"
code=$(curl -s -b "$D/cookies" -o "$D/c" -w '%{http_code}' "$B/api/v1/media/categories")
check "logged in, the categories route counts the tracks ($code $(cat "$D/c"))" \
	test "$code" = 200 -a "$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["categories"])' "$D/c")" = "[{'name': 'pop', 'count': 1}]"
exit 0
