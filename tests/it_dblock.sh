#!/usr/bin/env bash
# Integration: the engine never waits on the database.
#  - another process holds the write lock for 30 s (BEGIN EXCLUSIVE and a
#    write, from python3's sqlite3): a listener decodes the stream throughout,
#    siaran_underruns_total stays 0, and once the lock is gone the as-run rows
#    of the locked period are written, back to back, no hole;
#  - a 10 000-item library, a rotation show drawing from all of it, and a
#    library write every second (a media title edit, which really changes the
#    catalogue) plus a listener-count insert: 0 underruns, as-run without
#    holes, and the catalogue is read again by the loader, not the engine.
# Prints the engine's worst block time and its smallest lead over real time.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "dblock: ./siaran is not built"
	exit 1
fi
short_items_station || exit 1
CONF="$TMP/siaran.conf"
DB="$TMP/siaran.db"
B=http://127.0.0.1:$WEB_PORT
sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$@"; }
metric() { curl -s -m 2 "$B/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
# gaps FROM_MS: as-run rows since FROM_MS that do not start where the one
# before ended
gaps() {
	sql "SELECT count(*) FROM (SELECT started_at - lag(ended_at) OVER (ORDER BY started_at)
		AS gap FROM asrun WHERE started_at >= $1) WHERE gap != 0"
}
now_ms() { date +%s%3N; }

"$SIARAN" run -c "$CONF" >"$TMP/run.log" 2>&1 &
SIARAN_PID=$!
TEST_PIDS+=("$SIARAN_PID")
if ! icecast_mount_up "$PORT" /radio.ogg 10; then
	not_ok "siaran streams: $(tail -3 "$TMP/run.log")"
	exit 1
fi
sleep 4

# ---- a write lock held for 30 s by another process ---------------------------------

t_lock=$(now_ms)
python3 - "$DB" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN EXCLUSIVE")
db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('lock-test', 'held')")
time.sleep(30)
db.execute("ROLLBACK")
PY
LOCK_PID=$!
TEST_PIDS+=("$LOCK_PID")
sleep 0.5
timeout 45 ffmpeg -nostdin -loglevel error -t 31 -i "http://127.0.0.1:$PORT/radio.ogg" \
	-f s16le -ac 2 -ar 44100 -y "$TMP/locked.raw" 2>/dev/null
wait "$LOCK_PID"
t_unlock=$(now_ms)
frames=$(($(stat -c %s "$TMP/locked.raw" 2>/dev/null || echo 0) / 4))
echo "# lock held $(((t_unlock - t_lock) / 1000)) s; a listener decoded $frames frames in 31 s"
check "a listener decodes the stream while the lock is held ($frames frames, want >= 30 s)" \
	[ "$frames" -ge 1323000 ]
u=$(metric siaran_underruns_total)
check "no underruns while another process holds the write lock (${u:-missing})" [ "${u:-x}" = 0 ]
check "the log says the as-run rows wait for the database" grep -q 'as-run rows held in memory' "$TMP/run.log"
sleep 4 # the writer retries every second
held=$(sql "SELECT count(*) FROM asrun WHERE started_at >= $t_lock AND started_at < $t_unlock")
g=$(gaps "$t_lock")
echo "# $held as-run rows from the locked period, $g gaps; $(grep -m1 'held back' "$TMP/run.log")"
check "once the lock is gone the rows of the locked period are written ($held rows, want >= 8)" \
	[ "${held:-0}" -ge 8 ]
check "the as-run log has no hole across the lock ($g gaps)" [ "$g" = 0 ]

# ---- a 10 000-item library under writes ------------------------------------------------

kill -TERM "$SIARAN_PID"
rc=0
wait "$SIARAN_PID" || rc=$?
check "siaran stops cleanly with its loader and writer (exit $rc)" [ "$rc" = 0 ]
python3 - "$DB" "$TMP/a.ogg" "$TMP/b.ogg" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = []
for i in range(10000):
    path = sys.argv[2 + i % 2]
    rows.append((f"{i:064x}", path, f"Lagu {i}", f"Penyanyi {i % 700}"))
db.executemany("INSERT INTO media (sha256, path, kind, title, artist, duration, frames, rate,"
               " loudness, true_peak, cue_in, cue_out, created_at)"
               " VALUES (?, ?, 'music', ?, ?, 3.0, 132300, 44100, -19.0, -6.0, 0, 132300, 0)", rows)
db.execute("INSERT INTO media_category (media_id, category) SELECT id, 'musik' FROM media")
db.execute("INSERT INTO shows (name, days, start_time, duration, content, categories,"
           " track_separation_hours, artist_separation_minutes, created_at)"
           " VALUES ('Sepanjang Hari', 127, 0, 86400, 'rotation', 'musik', 3, 1, 0)")
db.commit()
PY
check "10 000 media rows" [ "$(sql 'SELECT count(*) FROM media')" = 10000 ]
"$SIARAN" run -c "$CONF" >"$TMP/run2.log" 2>&1 &
SIARAN_PID=$!
TEST_PIDS+=("$SIARAN_PID")
if ! icecast_mount_up "$PORT" /radio.ogg 10; then
	not_ok "siaran streams the big library: $(tail -3 "$TMP/run2.log")"
	exit 1
fi
sleep 2
t_big=$(now_ms)
for i in $(seq 1 30); do
	sql "UPDATE media SET title = 'Lagu diubah $i' WHERE id = $((i * 300));
		INSERT INTO listener_stats (at, mount, listeners) VALUES ($(now_ms), '/radio.ogg', $i);"
	sleep 1
done
sleep 2
u=$(metric siaran_underruns_total)
worst=$(metric siaran_engine_worst_block_seconds)
lead=$(metric siaran_engine_min_lead_seconds)
rows=$(sql "SELECT count(*) FROM asrun WHERE started_at >= $t_big")
music=$(sql "SELECT count(*) FROM asrun WHERE started_at >= $t_big AND kind = 'music'")
g=$(gaps "$t_big")
echo "# 10 000 items, 30 writes in 30 s: worst block ${worst} s, smallest lead ${lead} s, $rows rows ($music music), $g gaps"
check "no underruns with a 10 000-item library under writes (${u:-missing})" [ "${u:-x}" = 0 ]
check "the rotation airs from the big library ($music music rows in 30 s, want >= 8)" [ "${music:-0}" -ge 8 ]
check "as-run without holes under writes ($g gaps)" [ "$g" = 0 ]
check "the engine stayed ahead of real time (smallest lead ${lead} s > 0)" \
	awk -v l="${lead:-0}" 'BEGIN{exit !(l > 0)}'
kill -TERM "$SIARAN_PID"
rc=0
wait "$SIARAN_PID" || rc=$?
check "siaran stops cleanly after the big library (exit $rc)" [ "$rc" = 0 ]
check "no sanitizer report" eval '! grep -q "Sanitizer" "$TMP/run.log" "$TMP/run2.log"'
