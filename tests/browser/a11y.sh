#!/usr/bin/env bash
# Every page in headless Chromium at a phone's size (390x844) and a desk's
# (1366x768), checked with axe-core (tests/browser/a11y.mjs drives it): no
# serious or critical accessibility violation; in Indonesian no English word
# from a list of known ones; a screenshot of each under tests/out/browser-a11y/.
# The station has something on every page: a show with a host, a campaign, a
# complaint waiting, an aired and answered one on the public board, a pending
# announcement, library items of each kind and a staff account.
source "$(dirname "$0")/../lib.sh"

HERE=$ROOT/tests/browser
OUT_DIR=$ROOT/tests/out/browser-a11y
browser_ready || exit 1

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
tone "$D/fb1.ogg" 40 440 "Lagu Pagi" "Band Uji" -c:a libvorbis
tone "$D/fb2.ogg" 40 523 "Lagu Siang" "Band Uji" -c:a libvorbis
printf '%s\n' "$D/fb1.ogg" "$D/fb2.ogg" >"$D/fb.m3u"
tone "$D/jingle.ogg" 4 880 "Jingle Radio Uji" "" -c:a libvorbis
tone "$D/psa.ogg" 10 330 "ILM DBD" "" -c:a libvorbis
tone "$D/song.ogg" 10 550 "Lagu Daerah" "Band Lebak" -c:a libvorbis
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=700:sample_rate=8000:duration=3" \
	-ac 1 -c:a pcm_s16le "$D/call.wav"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
printf '\n[archive]\nfolder = arch\nmin_free_mb = 1\n' >>"$D/siaran.conf"
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
echo "sandi-admin-123" | "$SIARAN" user add -c "$CONF" adi --role admin >/dev/null 2>&1
echo "sandi-staf-123" | "$SIARAN" user add -c "$CONF" ani --role staff >/dev/null 2>&1
"$SIARAN" import -c "$CONF" --kind jingle "$D/jingle.ogg" >/dev/null 2>&1
"$SIARAN" import -c "$CONF" --kind psa "$D/psa.ogg" >/dev/null 2>&1
"$SIARAN" import -c "$CONF" --category "pop daerah" "$D/song.ogg" >/dev/null 2>&1
PSA=$(sqlite3 "$DB" "SELECT id FROM media WHERE kind = 'psa'")
today=$(TZ=Asia/Jakarta date +%F)
now_s=$(date +%s)
sqlite3 "$DB" "INSERT INTO shows (name, host, days, start_time, duration, content, categories, created_at, podcast)
	VALUES ('Pagi Ceria', 'Kak Rina', 127, 0, 86400, 'rotation', 'pop daerah', $now_s, 1);
	INSERT INTO campaigns (name, valid_from, valid_to, timing, times, created_at)
	VALUES ('ILM DBD', '$today', '$today', 'soft', '23:30', $now_s);
	INSERT INTO campaign_items VALUES (last_insert_rowid(), 0, $PSA);"

start_siaran || exit 1

# a complaint waiting for staff, and one aired and forwarded for the board
curl -s -c "$D/cookies" -o "$D/login" -H 'Content-Type: application/json' \
	-d '{"username":"adi","password":"sandi-admin-123"}' "$B/api/v1/session"
CSRF=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["csrf_token"])' "$D/login")
post() { curl -s -b "$D/cookies" -H "X-CSRF-Token: $CSRF" "$@"; }
post -o "$D/c1" -F title="Lampu jalan padam" -F location="Desa Sukamaju" -F consent=1 \
	-F "audio=@$D/call.wav" "$B/api/v1/complaints"
post -o "$D/c2" -F title="Jalan rusak" -F category=infrastruktur -F location="Rangkasbitung" \
	-F consent=1 -F "audio=@$D/call.wav" "$B/api/v1/complaints"
C2=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["id"])' "$D/c2" 2>/dev/null)
post -o /dev/null -X POST "$B/api/v1/complaints/$C2/verify"
post -o "$D/ann" -H 'Content-Type: application/json' \
	-d "{\"text\":\"Pemadaman listrik besok pukul sembilan.\",\"mode\":\"at\",\"at\":\"$(TZ=Asia/Jakarta date -d "+3 hour" +%FT%H:%M)\"}" \
	"$B/api/v1/announcements"
check "the station has two complaints and a pending announcement" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM complaints") $(sqlite3 "$DB" "SELECT count(*) FROM announcements")" = "2 1"

rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR" "$D/profile"
BASE=$B CHROMIUM="$CHROMIUM" PROFILE="$D/profile" OUT_DIR="$OUT_DIR" \
	ADMIN_USER=adi ADMIN_PASS=sandi-admin-123 AXE="$HERE/node_modules/axe-core/axe.min.js" \
	timeout -k 5 600 node "$HERE/a11y.mjs"
rc=$?
[ "$rc" -ne 0 ] && not_ok "the browser test ran to its end (exit $rc)"
exit 0
