#!/usr/bin/env bash
# Integration: the disk under the database fills up while the station is on
# air.  The database lives on a small tmpfs (needs root); once it is running,
# a filler file takes every free byte.  Then:
# - the stream keeps playing (a listener decodes audio, no underruns), and
#   the station stays up while as-run rows cannot be written;
# - a write through the API is refused with 507 and a JSON reason, and
#   nothing is half-stored;
# - when space is back, writes work again, the as-run rows held in memory
#   meanwhile are written (no hole in the log), and PRAGMA integrity_check is ok.
. "$(dirname "$0")/lib.sh"

DBDIR="$TMP/db"
mkdir -p "$DBDIR"
if ! mount_tmpfs "$DBDIR" 4m; then
	skip "database on a full disk" "cannot mount a tmpfs here (needs root)"
	exit 0
fi

# Short items, so that as-run rows are due while the disk is full.
short_items_station || exit 1
sed -i "s|^database = .*|database = $DBDIR/siaran.db|" "$TMP/siaran.conf"
CONF=$TMP/siaran.conf
DB=$DBDIR/siaran.db
B=http://127.0.0.1:$WEB_PORT
echo "sandi-adi-123" | "$SIARAN" user add -c "$CONF" adi --role admin >/dev/null
# in category pop: the rotation show below must have something to draw (else 422)
"$SIARAN" import -c "$CONF" --kind psa --category pop "$TMP/b.ogg" >/dev/null
PSA=$(sqlite3 "$DB" "SELECT id FROM media WHERE kind = 'psa'")

"$SIARAN" run -c "$CONF" >"$TMP/run.log" 2>&1 &
SIARAN_PID=$!
TEST_PIDS+=("$SIARAN_PID")
if ! wait_port "$WEB_PORT" 15 || ! icecast_mount_up "$PORT" /radio.ogg 15; then
	not_ok "siaran streams and serves the API: $(tail -3 "$TMP/run.log")"
	exit 1
fi

req() { # req METHOD PATH [curl args...]: sets CODE, body in $TMP/body
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -m 10 -X "$m" -o "$TMP/body" -w '%{http_code}' "$@" "$B$p")
}
add_user() { # add_user NAME
	req POST /api/v1/users -b "$TMP/cookies" -H "X-CSRF-Token: $CSRF" \
		-H 'Content-Type: application/json' \
		-d "{\"name\":\"$1\",\"role\":\"staff\",\"password\":\"sandi-$1-123\"}"
}
sql() { sqlite3 "$DB" "$1" 2>/dev/null; }
underruns() {
	curl -s -m 2 "$B/metrics" | awk '$1 == "siaran_underruns_total" { print $2 }'
}

req POST /api/v1/session -c "$TMP/cookies" -H 'Content-Type: application/json' \
	-d '{"username":"adi","password":"sandi-adi-123"}'
CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$TMP/body" 2>/dev/null)
check "the admin is logged in (HTTP $CODE)" [ -n "$CSRF" ]
add_user susi
check "with space on the disk a user is added (HTTP $CODE)" [ "$CODE" = 201 ]
sleep 4 # an item boundary or two: as-run rows before the disk fills
rows_before=$(sql 'SELECT count(*) FROM asrun')

# ---- the disk fills up -----------------------------------------------------------
dd if=/dev/zero of="$DBDIR/filler" bs=16k 2>/dev/null
echo "# filled: $(df -k "$DBDIR" | awk 'NR == 2 { print $4 }') kB free; as-run rows so far: $rows_before"
users_full0=$(sql 'SELECT count(*) FROM users')
add_user tono
echo "# POST /api/v1/users on a full disk: HTTP $CODE $(head -c 200 "$TMP/body")"
check "a write on a full disk is refused with 507 (HTTP $CODE: $(head -c 120 "$TMP/body"))" \
	eval '[ "$CODE" = 507 ] && grep -q "\"error\"" "$TMP/body"'
check "and nothing was stored (users $users_full0 -> $(sql 'SELECT count(*) FROM users'))" \
	[ "$(sql "SELECT count(*) FROM users WHERE name = 'tono'")" = 0 ]

# Writes of several statements (a show and its dates, a campaign and its
# items, a media item and its categories) fail part-way through; the answer
# must still say why.
write_json() { # write_json METHOD PATH JSON
	req "$1" "$2" -b "$TMP/cookies" -H "X-CSRF-Token: $CSRF" \
		-H 'Content-Type: application/json' -d "$3"
}
DUMP="SELECT (SELECT count(*) FROM shows) || '|' || (SELECT count(*) FROM show_dates) || '|' ||
	(SELECT count(*) FROM campaigns) || '|' || ifnull((SELECT group_concat(category) FROM media_category), '') ||
	'|' || ifnull((SELECT title FROM media WHERE id = ${PSA:-0}), '?')"
dump0=$(sqlite3 "$DB" "$DUMP")
check "the PSA is in the library (id ${PSA:-none}; before: '$dump0')" \
	eval '[ -n "$PSA" ] && [ "${dump0##*|}" = "Nada Dua" ]'
write_json POST /api/v1/shows '{"name":"Pagi Lebak","days":[1,2,3],"start":"06:00",
	"duration":60,"content":"rotation","categories":["pop"],"dates":["2030-01-07","2030-01-08"]}'
check "a show on a full disk is refused with 507 (HTTP $CODE: $(head -c 120 "$TMP/body"))" \
	eval '[ "$CODE" = 507 ] && grep -q "full" "$TMP/body"'
write_json POST /api/v1/campaigns "{\"name\":\"Keselamatan Jalan\",\"valid_from\":\"2030-01-01\",
	\"valid_to\":\"2030-01-31\",\"days\":[1,2,3,4,5],\"timing\":\"hard\",
	\"times\":[\"07:00\",\"12:00\"],\"items\":[${PSA:-0}]}"
check "a campaign on a full disk is refused with 507 (HTTP $CODE: $(head -c 120 "$TMP/body"))" \
	eval '[ "$CODE" = 507 ] && grep -q "full" "$TMP/body"'
write_json PATCH "/api/v1/media/${PSA:-0}" '{"title":"Iklan Layanan","categories":["jalan","aman"]}'
check "a media edit on a full disk is refused with 507 (HTTP $CODE: $(head -c 120 "$TMP/body"))" \
	eval '[ "$CODE" = 507 ] && grep -q "full" "$TMP/body"'
dump1=$(sqlite3 "$DB" "$DUMP")
check "and none of them stored a part ('$dump0' before, '$dump1' after)" [ "$dump0" = "$dump1" ]

req POST /api/v1/session -H 'Content-Type: application/json' \
	-d '{"username":"susi","password":"sandi-susi-123"}'
check "a login on a full disk (its session cannot be stored) is refused with 507 (HTTP $CODE: $(head -c 120 "$TMP/body"))" \
	eval '[ "$CODE" = 507 ] && grep -q "\"error\"" "$TMP/body"'
req GET /api/v1/nowplaying
check "now playing still answers on a full disk (HTTP $CODE)" [ "$CODE" = 200 ]

# Two more item boundaries on a full disk; a listener hears the stream.
timeout 20 ffmpeg -nostdin -loglevel error -i "http://127.0.0.1:$PORT/radio.ogg" -t 7 \
	-f s16le -ac 2 -ar 44100 - 2>/dev/null >"$TMP/heard.raw"
frames=$(($(stat -c %s "$TMP/heard.raw") / 4))
check "a listener decodes the stream while the disk is full ($frames frames, want >= 6 s)" \
	[ "$frames" -ge 264600 ]
check "siaran is still running" kill -0 "$SIARAN_PID"
u=$(underruns)
check "no underruns while the disk is full (${u:-missing})" [ "${u:-x}" = 0 ]
asrun_errors=$(grep -ciE 'as-run|database' "$TMP/run.log")
echo "# log lines about the database while full: $asrun_errors; first: $(grep -m1 -iE 'as-run|database' "$TMP/run.log")"

# ---- space comes back --------------------------------------------------------------
rm -f "$DBDIR/filler"
add_user tono
check "with space back, the same write succeeds (HTTP $CODE)" [ "$CODE" = 201 ]
sleep 7 # two boundaries
rows_after=$(sql 'SELECT count(*) FROM asrun')
check "as-run rows are written again ($rows_before before the disk filled, $rows_after now)" \
	[ "${rows_after:-0}" -gt "${rows_before:-0}" ]
held=$(grep -m1 'as-run rows held back' "$TMP/run.log")
echo "# $held"
check "the rows held in memory while the disk was full were written ('$held')" [ -n "$held" ]
# Back to back: each row starts where the one before it ended, none missing.
gaps=$(sql 'SELECT count(*) FROM (SELECT started_at - lag(ended_at) OVER (ORDER BY started_at) AS gap
	FROM asrun) WHERE gap != 0')
first_last=$(sql "SELECT min(started_at) || ' to ' || max(ended_at) FROM asrun")
check "the as-run log has no hole across the full period ($rows_after rows, $first_last ms, $gaps gaps)" \
	[ "$gaps" = 0 ]
integrity=$(sql 'PRAGMA integrity_check')
check "PRAGMA integrity_check: $integrity" [ "$integrity" = ok ]
kill -TERM "$SIARAN_PID"
wait "$SIARAN_PID"
rc=$?
check "SIGTERM: exit 0 (got $rc)" [ "$rc" = 0 ]
integrity=$(sql 'PRAGMA integrity_check')
check "after the exit, PRAGMA integrity_check: $integrity" [ "$integrity" = ok ]
