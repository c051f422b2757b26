#!/usr/bin/env bash
# Integration: "next is what airs" (issue 11) on a running station streaming
# to a real icecast2.  An operator adds a rotation show that starts now and an
# announcement for "next"; then skips; then the station is killed (SIGKILL)
# and started again.  Each time the next three items of GET /api/v1/nowplaying
# must be the next three of GET /api/v1/rundown and of `siaran rundown`, and
# what then airs by the as-run log: titles equal, starts within 0.5 s (the
# plan counts the same frames the engine plays, so the only slack is the
# engine's block-time rounding of a few ms; 0.5 s is far from a wrong item,
# the shortest here lasts 3 s).  After the restart the item on air when the
# station was killed is back at its position (+-1 s).
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "timeline: ./siaran is not built"
	exit 1
fi
short_items_station || exit 1
CONF=$TMP/siaran.conf
DB=$TMP/siaran.db
B=http://127.0.0.1:$WEB_PORT
API=$B/api/v1
echo "sandi-opi-1234" | "$SIARAN" user add -c "$CONF" opi --role admin >/dev/null
# the rotation: four tracks of 8 to 11 s, distinct titles
for i in 1 2 3 4; do
	tone "$TMP/lagu$i.ogg" $((7 + i)) $((300 + 50 * i)) "Lagu Rotasi $i" "Penyanyi $i" -c:a libvorbis
	"$SIARAN" import -c "$CONF" --category rotasi "$TMP/lagu$i.ogg" >/dev/null
done

start_siaran() {
	"$SIARAN" run -c "$CONF" >>"$TMP/run.log" 2>&1 &
	SIARAN_PID=$!
	TEST_PIDS+=("$SIARAN_PID")
}
start_siaran
if ! wait_port "$WEB_PORT" 15 || ! icecast_mount_up "$PORT" /radio.ogg 15; then
	not_ok "siaran streams and serves the API: $(tail -3 "$TMP/run.log")"
	exit 1
fi

req() { # req METHOD PATH [curl args...]: sets CODE, body in $TMP/body
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -m 10 -X "$m" -o "$TMP/body" -w '%{http_code}' "$@" "$B$p")
}
write_json() { # write_json METHOD PATH JSON
	req "$1" "$2" -b "$TMP/cookies" -H "X-CSRF-Token: $CSRF" \
		-H 'Content-Type: application/json' -d "$3"
}
req POST /api/v1/session -c "$TMP/cookies" -H 'Content-Type: application/json' \
	-d '{"username":"opi","password":"sandi-opi-1234"}'
CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$TMP/body" 2>/dev/null)
check "the operator is logged in (HTTP $CODE)" [ -n "$CSRF" ]

now_ms() { date +%s%3N; }

# steady LEFT_MS: waits for a moment when the item on air began at least
# 0.7 s ago (its pick is saved, so siaran rundown, another process, has it
# too) and the next item begins in LEFT_MS or more; leaves nowplaying in
# $TMP/steady.npjson
steady() {
	local i
	for i in $(seq 1 150); do
		curl -s -m 5 "$API/nowplaying" >"$TMP/steady.npjson"
		python3 - "$TMP/steady.npjson" "$(now_ms)" "$1" <<'PY' && return 0
import json, sys
np, t, left = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
now, nxt = np.get("now") or {}, np.get("next") or []
ok = now.get("started_at_ms") and nxt and t - now["started_at_ms"] >= 700 \
    and nxt[0]["starts_at_ms"] - t >= left
sys.exit(0 if ok else 1)
PY
		sleep 0.2
	done
	return 1
}

# predicted NAME: the next three of nowplaying, of the rundown and of `siaran
# rundown` into $TMP/NAME.{np,rd,cli}, one "start_ms|title" a line (the CLI's
# starts are whole seconds, local time)
predicted() {
	# every reading below is taken before the next item begins
	steady 1500
	cp "$TMP/steady.npjson" "$TMP/$1.npjson"
	curl -s -m 10 "$API/rundown" >"$TMP/$1.rdjson"
	"$SIARAN" rundown -c "$CONF" >"$TMP/$1.clitxt" 2>>"$TMP/cli.log"
	python3 - "$TMP/$1" <<'PY'
import json, sys, datetime
base = sys.argv[1]
np = json.load(open(base + ".npjson"))
nxt = np["next"][:3]
# the item on air when the prediction was taken: the as-run compared is what
# started after it (it may have started a moment before the first predicted)
with open(base + ".now", "w") as f:
    f.write("%d\n" % ((np.get("now") or {}).get("started_at_ms") or 0))
with open(base + ".np", "w") as f:
    for i in nxt:
        f.write("%d|%s\n" % (i["starts_at_ms"], i["title"]))
items = json.load(open(base + ".rdjson"))["items"]
first = nxt[0]["starts_at_ms"] if nxt else 0
with open(base + ".rd", "w") as f:
    for i in [i for i in items if i["starts_at_ms"] >= first][:3]:
        f.write("%d|%s\n" % (i["starts_at_ms"], i["title"]))
# siaran rundown: "HH:MM:SS  kind  title[ - artist]" of today (UTC+7)
day = datetime.datetime.utcfromtimestamp(first / 1000 + 7 * 3600).date() if first else None
rows = []
for line in open(base + ".clitxt"):
    hms, rest = line[:8], line[8:].strip()
    kind, _, title = rest.partition("  ")
    title = title.strip().split(" - ")[0]
    h, m, s = map(int, hms.split(":"))
    t = datetime.datetime(day.year, day.month, day.day, h, m, s) - datetime.timedelta(hours=7)
    ms = int((t - datetime.datetime(1970, 1, 1)).total_seconds() * 1000)
    rows.append((ms, title))
with open(base + ".cli", "w") as f:
    for ms, title in [r for r in rows if r[0] >= first - 999][:3]:
        f.write("%d|%s\n" % (ms, title))
PY
}

# aired NAME: waits until the three predicted items have aired, then writes
# the as-run rows from the first predicted start on into $TMP/NAME.asrun
aired() {
	local first last i now
	first=$(head -1 "$TMP/$1.np" | cut -d'|' -f1)
	last=$(sed -n 3p "$TMP/$1.np" | cut -d'|' -f1)
	for i in $(seq 1 600); do
		[ "$(sqlite3 "$DB" "SELECT count(*) FROM asrun WHERE started_at >= ${last:-0} - 1000" 2>/dev/null)" -ge 1 ] && break
		sleep 0.1
	done
	now=$(cat "$TMP/$1.now" 2>/dev/null)
	echo "# $1: on air at the prediction since ${now:-?}, first predicted $first"
	sqlite3 -separator '|' "$DB" "SELECT started_at, title FROM asrun WHERE started_at >= ${first:-0} - 500
		AND started_at > ${now:-0} AND reason <> 'unreadable' ORDER BY started_at, id LIMIT 3" >"$TMP/$1.asrun"
}

# compare NAME A B TOL_MS: A's three lines against B's: titles equal, starts within TOL
compare() {
	python3 - "$TMP/$1.$2" "$TMP/$1.$3" "$4" <<'PY'
import sys
a = [l.rstrip("\n").split("|", 1) for l in open(sys.argv[1]) if l.strip()]
b = [l.rstrip("\n").split("|", 1) for l in open(sys.argv[2]) if l.strip()]
tol = int(sys.argv[3])
if len(a) != 3 or len(b) != 3:
    print("# %d and %d items" % (len(a), len(b)))
    for x in a + [["--", "--"]] + b:
        print("#   %s %s" % tuple(x))
    sys.exit(1)
worst = max(abs(int(x[0]) - int(y[0])) for x, y in zip(a, b))
same = all(x[1] == y[1] for x, y in zip(a, b))
print("# %s vs %s: titles %s, worst start difference %d ms" %
      (sys.argv[1].rsplit(".", 1)[1], sys.argv[2].rsplit(".", 1)[1],
       "equal" if same else "differ", worst))
for x, y in zip(a, b):
    print("#   %s %-28s | %s %s" % (x[0], x[1], y[0], y[1]))
sys.exit(0 if same and worst <= tol else 1)
PY
}

phase() { # phase NAME WHAT: the checks for one change
	predicted "$1"
	aired "$1"
	check "$2: the next 3 of nowplaying are the rundown's" compare "$1" np rd 0
	check "$2: and those of siaran rundown (whole seconds)" compare "$1" np cli 1000
	check "$2: and they are what aired, titles equal, starts within 0.5 s" compare "$1" np asrun 500
}

# ---- a rotation show that starts now and an announcement for next --------------------
HM=$(TZ=Asia/Jakarta date +%H:%M)
write_json POST /api/v1/shows "{\"name\":\"Rotasi Siang\",\"days\":[0,1,2,3,4,5,6],\"start\":\"$HM\",
	\"duration\":120,\"content\":\"rotation\",\"categories\":[\"rotasi\"]}"
check "a rotation show starting now ($HM) is created (HTTP $CODE: $(head -c 120 "$TMP/body"))" \
	test "$CODE" = 201
# the announcement goes in with 5 s or more left of the item on air, so it is
# still next when the predictions are read (a second to see it, a second more)
steady 5000
t0=$(now_ms)
write_json POST /api/v1/announcements '{"text":"Pengumuman jalan ditutup besok pagi","mode":"next"}'
check "an announcement for next is created (HTTP $CODE: $(head -c 120 "$TMP/body"))" test "$CODE" = 201
for i in $(seq 1 40); do
	curl -s -m 2 "$API/nowplaying" | grep -q '"title": *"Pengumuman' && break
	sleep 0.05
done
echo "# the announcement is in nowplaying.next $(($(now_ms) - t0)) ms after its POST answered"
check "the announcement is in nowplaying.next within a second ($(($(now_ms) - t0)) ms)" \
	test $(($(now_ms) - t0)) -le 1000
sleep 1
phase show "after the show and the announcement"
check "the announcement airs next, then the show's rotation" \
	eval 'head -1 "$TMP/show.asrun" | grep -q "|Pengumuman" && sed -n 2p "$TMP/show.asrun" | grep -q "|Lagu Rotasi"'

# ---- a skip ------------------------------------------------------------------------
req POST /api/v1/playout/skip -b "$TMP/cookies" -H "X-CSRF-Token: $CSRF"
check "the item on air is skipped (HTTP $CODE)" test "$CODE" = 200
sleep 1.5
phase skip "after a skip"

# ---- SIGKILL and a restart -----------------------------------------------------------
# kill early in an item of 8 s or more, so it is still on when the station is back
for i in $(seq 1 400); do
	read -r title dur el started <<<"$(curl -s -m 2 "$API/nowplaying" | python3 -c '
import json, sys
n = json.load(sys.stdin)["now"] or {}
print(n.get("title", "").replace(" ", "_"), n.get("duration", 0), n.get("elapsed", 0), n.get("started_at_ms", 0))')"
	awk -v d="$dur" -v e="$el" 'BEGIN{exit !(d >= 8 && e < 1.5)}' && break
	sleep 0.05
done
echo "# killed during '${title//_/ }' ($dur s long, $el s in, started at $started)"
kill -KILL "$SIARAN_PID"
wait "$SIARAN_PID" 2>/dev/null
start_siaran
for i in $(seq 1 200); do
	curl -s -m 1 "$API/nowplaying" 2>/dev/null | grep -q '"now": *{' && break
	sleep 0.05
done
read -r title2 started2 off <<<"$(curl -s -m 2 "$API/nowplaying" | python3 -c '
import json, sys, time
n = json.load(sys.stdin)["now"] or {}
print(n.get("title", "").replace(" ", "_"), n.get("started_at_ms", 0),
      "%.2f" % (n.get("elapsed", 0) - (time.time() * 1000 - n.get("started_at_ms", 0)) / 1000))')"
echo "# after the restart: '${title2//_/ }' started at $started2, position off the wall clock by $off s"
check "after SIGKILL and a restart the same item is on air ('${title2//_/ }')" test "$title2" = "$title"
check "at its position: the same start ($started vs $started2), the position within 1 s ($off s)" \
	awk -v a="$started" -v b="$started2" -v o="$off" \
	'BEGIN{d = a - b; if (d < 0) d = -d; if (o < 0) o = -o; exit !(d <= 1000 && o <= 1)}'
sleep 1
phase restart "after the restart"
grep -q "resuming '${title//_/ }' (on air since" "$TMP/run.log"
check "the log says it resumed from the checkpoint" test $? -eq 0
