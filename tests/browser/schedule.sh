#!/usr/bin/env bash
# The schedule calendar and the public programme list in headless Chromium
# (tests/browser/schedule.mjs drives them): a real icecast2 and `siaran run`,
# an operator, one track in category "pop", an all-day show and a one-hour
# show inside it (overlap: the later start wins), a rotation whose category
# has no track (its move is refused), a hard and a soft PSA campaign.
# Screenshots: tests/out/browser-schedule/.
source "$(dirname "$0")/../lib.sh"

HERE=$ROOT/tests/browser
OUT_DIR=$ROOT/tests/out/browser-schedule
browser_ready || exit 1

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
tone "$D/fb1.ogg" 40 440 "Lagu Pagi" "Band Uji" -c:a libvorbis
printf '%s\n' "$D/fb1.ogg" >"$D/fb.m3u"
tone "$D/pop.ogg" 30 523 "Lagu Pop" "Band Uji" -c:a libvorbis
tone "$D/psa.ogg" 20 330 "ILM DBD" "" -c:a libvorbis
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
echo "sandi-opi-123" | "$SIARAN" user add -c "$CONF" opi --role operator >/dev/null 2>&1
"$SIARAN" import -c "$CONF" --category pop "$D/pop.ogg" >/dev/null 2>&1
"$SIARAN" import -c "$CONF" --kind psa "$D/psa.ogg" >/dev/null 2>&1
PSA=$(sqlite3 "$DB" "SELECT id FROM media WHERE kind = 'psa'")

today=$(TZ=Asia/Jakarta date +%F)
dow=$(TZ=Asia/Jakarta date +%w)
now_s=$(date +%s)
# written with SQL: the API refuses the empty rotation on purpose
sqlite3 "$DB" "INSERT INTO shows (id, name, host, days, start_time, duration, content, categories, created_at)
	VALUES (1, 'Sepanjang Hari', 'Kak Rina', 127, 0, 86400, 'rotation', 'pop', $now_s),
	(2, 'Kabar Pagi', 'Pak Budi', 127, 7*3600, 3600, 'rotation', 'pop', $now_s),
	(3, 'Pop Daerah', '', $((1 << dow)), 14*3600, 3600, 'rotation', 'pop daerah', $now_s);
	INSERT INTO campaigns (name, valid_from, valid_to, timing, times, created_at)
	VALUES ('ILM DBD', '$today', '$today', 'hard', '09:30', $now_s);
	INSERT INTO campaign_items VALUES (last_insert_rowid(), 0, $PSA);
	INSERT INTO campaigns (name, valid_from, valid_to, timing, times, window_minutes, created_at)
	VALUES ('ILM Helm', '$today', '$today', 'soft', '12:00', 10, $now_s);
	INSERT INTO campaign_items VALUES (last_insert_rowid(), 0, $PSA);"

start_siaran || exit 1
ok "siaran run serves the schedule"

rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR" "$D/profile"
BASE=$B CHROMIUM="$CHROMIUM" PROFILE="$D/profile" OUT_DIR="$OUT_DIR" TODAY="$today" DOW="$dow" \
	OP_USER=opi OP_PASS=sandi-opi-123 \
	timeout -k 5 600 node "$HERE/schedule.mjs"
rc=$?
[ "$rc" -ne 0 ] && not_ok "the browser test ran to its end (exit $rc)"
check "the dragged show is stored at its new start (SQLite: 09:00, 90 min)" \
	test "$(sqlite3 "$DB" "SELECT start_time || ',' || duration FROM shows WHERE id = 2")" = "32400,5400"
check "the refused move changed nothing (SQLite: 14:00)" \
	test "$(sqlite3 "$DB" "SELECT start_time FROM shows WHERE id = 3")" = 50400
exit 0
