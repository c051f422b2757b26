#!/usr/bin/env bash
# Emergency alerts against a real feed server: python3 serves documents in
# BMKG's autogempa format from a temp folder (the test swaps the document and
# the HTTP status), a real icecast2, `siaran run` airing a programme, and a
# real listener (ffmpeg).  Checks what a listener, a caller of the API and the
# database show: an M6.2 quake 118 km away airs within poll + 2 s, interrupting
# the programme; the bulletin names magnitude and region; it repeats and stops
# when ended; small, far and broken documents change nothing; the same event
# never airs twice, also after a restart; a far quake with a tsunami potential
# airs; the test bulletin says it is a test.
source "$(dirname "$0")/lib.sh"

D=$TMP
POLL=1
ICE_PORT=$(free_port)
PASS="al$RANDOM$RANDOM"
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
tone "$D/fb1.ogg" 4 440 "Lagu Satu" "Band Uji" -c:a libvorbis
printf '%s\n' "$D/fb1.ogg" >"$D/fb.m3u"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u "latitude = -6.36
longitude = 106.25"
FEED_PORT=$(free_port)
cat >>"$D/siaran.conf" <<CONF

[alerts]
feed = http://127.0.0.1:$FEED_PORT/autogempa.json
poll = $POLL
min_magnitude = 5.0
max_distance_km = 250
repeat = 3
repeat_minutes = 0.1
CONF
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT

# ---- the feed server: GET serves $FEED/doc with the status in $FEED/status ----
FEED=$D/feed
mkdir -p "$FEED"
cat >"$D/feed.py" <<'PY'
import http.server, os, sys
folder, port = sys.argv[1], int(sys.argv[2])
class Feed(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = int(open(os.path.join(folder, "status")).read().strip() or 200)
        body = open(os.path.join(folder, "doc"), "rb").read()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Feed).serve_forever()
PY
start_feed() {
	python3 "$D/feed.py" "$FEED" "$FEED_PORT" &
	FEED_PID=$!
	TEST_PIDS+=("$FEED_PID")
	wait_port "$FEED_PORT" 10
}
# serve STATUS FILE: swaps what the feed answers (atomically)
serve() {
	echo "$1" >"$FEED/status.tmp" && mv -f "$FEED/status.tmp" "$FEED/status"
	cp "$2" "$FEED/doc.tmp" && mv -f "$FEED/doc.tmp" "$FEED/doc"
}
# quake FILE MAGNITUDE "LAT,LON" POTENSI WILAYAH [SECONDS_AGO]: an autogempa
# document of a quake that happened SECONDS_AGO (default 5) before now
quake() {
	python3 - "$@" <<'PY'
import datetime, json, sys
path, mag, coords, potensi, wilayah = sys.argv[1:6]
ago = int(sys.argv[6]) if len(sys.argv) > 6 else 5
t = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(seconds=ago)
wib = t + datetime.timedelta(hours=7)
lat, lon = (float(x) for x in coords.split(","))
doc = {"Infogempa": {"gempa": {
    "Tanggal": wib.strftime("%d %b %Y"), "Jam": wib.strftime("%H:%M:%S WIB"),
    "DateTime": t.isoformat(), "Coordinates": coords,
    "Lintang": "%.2f %s" % (abs(lat), "LS" if lat < 0 else "LU"),
    "Bujur": "%.2f %s" % (abs(lon), "BT" if lon > 0 else "BB"),
    "Magnitude": mag, "Kedalaman": "10 km", "Wilayah": wilayah, "Potensi": potensi,
    "Dirasakan": "III Lebak", "Shakemap": "20261204021230.mmi.jpg"}}}
open(path, "w").write(json.dumps(doc))
PY
}

echo 200 >"$FEED/status"
quake "$FEED/doc" 4.1 "-6.50,106.20" "Tidak berpotensi tsunami" "Pusat gempa di darat 16 km Selatan Lebak"
start_feed || { not_ok "the feed server starts"; exit 1; }

# ---- a programme on air: a 10-minute tone in a show that started this minute ----
ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=330:sample_rate=44100:duration=600" \
	-ac 2 -metadata title="Program Pagi" "$D/programme.flac"
prog_id=$("$SIARAN" import -c "$CONF" --kind programme "$D/programme.flac" | cut -f1)
secs=$(TZ=Asia/Jakarta date +%s -d "today 00:00")
now_s=$(date +%s)
start=$(((now_s - secs) / 60 * 60))
if [ $((86400 - start)) -lt 240 ]; then # too close to midnight for a show
	sleep $((86400 - start + 5))
	now_s=$(date +%s); secs=$(TZ=Asia/Jakarta date +%s -d "today 00:00"); start=$(((now_s - secs) / 60 * 60))
fi
dur=$((86400 - start)); [ "$dur" -gt 3600 ] && dur=3600
sqlite3 "$DB" "INSERT INTO shows (name, days, start_time, duration, content, seed, created_at)
	VALUES ('Pagi', 127, $start, $dur, 'playlist', 1, 0);
	INSERT INTO show_items VALUES (last_insert_rowid(), 0, $prog_id);"

for u in opi:operator adi:admin ani:staff; do
	echo "sandi-${u%%:*}-123" | "$SIARAN" user add -c "$CONF" "${u%%:*}" --role "${u##*:}" >/dev/null
done

start_station() {
	"$SIARAN" run -c "$CONF" 2>>"$D/run.log" &
	RUN_PID=$!
	TEST_PIDS+=("$RUN_PID")
	wait_port "$WEB_PORT" 15
}
if ! start_station; then
	not_ok "siaran run starts"
	tail -20 "$D/run.log" | sed 's/^/# /'
	exit 1
fi
ok "siaran run starts with [alerts] polling a local feed"

# ---- helpers ------------------------------------------------------------------------------
req() {
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -m 10 -X "$m" -o "$D/body" -w '%{http_code}' "$@" "$B$p")
}
login() {
	req POST /api/v1/session -H 'Content-Type: application/json' -c "$D/cookies.$1" \
		-d "{\"username\":\"$1\",\"password\":\"sandi-$1-123\"}"
	python3 -c "import json;print(json.load(open('$D/body'))['csrf_token'])" >"$D/csrf.$1"
}
as() {
	local u=$1 m=$2 p=$3
	shift 3
	req "$m" "$p" -b "$D/cookies.$u" -H "X-CSRF-Token: $(cat "$D/csrf.$u")" "$@"
}
jq_() {
	python3 -c "import json,sys
d=json.load(open('$D/body'))
v=eval(sys.argv[1])
print('' if v is None else (json.dumps(v) if isinstance(v,(dict,list,bool)) else v))" "$1" 2>/dev/null
}
np() { # np EXPR: evaluates EXPR on the current now-playing
	req GET /api/v1/nowplaying
	jq_ "$1"
}
sql() { sqlite3 "$DB" "$1"; }
# wait_for SECONDS EXPR VALUE: polls now-playing until EXPR is VALUE; sets WAITED (s)
wait_for() {
	local limit=$1 expr=$2 want=$3 t0 now
	t0=$(date +%s.%N)
	while :; do
		[ "$(np "$expr")" = "$want" ] && break
		now=$(date +%s.%N)
		if python3 -c "import sys;sys.exit(0 if $now-$t0 > $limit else 1)"; then
			WAITED=$(python3 -c "print(round($now-$t0,2))")
			return 1
		fi
		sleep 0.1
	done
	WAITED=$(python3 -c "print(round($(date +%s.%N)-$t0,2))")
}
alerts_rows() { sql "SELECT count(*) FROM alerts"; }

login opi
login adi
login ani

if wait_for 10 "d['now']['kind']" programme; then ok "the programme is on air"; else
	not_ok "the programme is on air (now: $(np "d['now']"))"; fi

# ---- documents that must not air ------------------------------------------------------------
sleep $((POLL * 3))
check "an M4.1 quake 16 km away does not air" test "$(alerts_rows)" = 0
quake "$D/far.json" 6.0 "-12.00,112.00" "Tidak berpotensi tsunami" "Pusat gempa di laut 880 km Tenggara Lebak"
python3 -c "
import math
a,b,c,d=map(math.radians,(-6.36,106.25,-12.0,112.0))
h=math.sin((c-a)/2)**2+math.cos(a)*math.cos(c)*math.sin((d-b)/2)**2
print('# the M6.0 quake is %.0f km away' % (2*6371*math.asin(math.sqrt(h))))"
serve 200 "$D/far.json"
sleep $((POLL * 3))
check "an M6.0 quake ~900 km away without tsunami potential does not air" test "$(alerts_rows)" = 0
check "... and the log says why (below the rules)" grep -q "below the rules, not aired" "$D/run.log"

# broken documents: each stays for several polls, each logs once
printf '{"Infogempa":{"gempa":{"Tanggal":"04 Des 2026","Magnitude":"6.' >"$D/partial.json"
quake "$D/mag99.json" 99 "-7.30,105.75" "Tidak berpotensi tsunami" "Lebak"
quake "$D/lat200.json" 6.5 "200,105.75" "Tidak berpotensi tsunami" "Lebak"
python3 -c "
import json
d=json.load(open('$D/mag99.json')); g=d['Infogempa']['gempa']
g['Magnitude']='6.4'; del g['Coordinates']; json.dump(d,open('$D/missing.json','w'))"
echo 'not json at all <html>' >"$D/garbage.json"
for f in partial mag99 lat200 missing garbage; do
	serve 200 "$D/$f.json"
	sleep $((POLL * 3))
done
check "broken documents (partial, M99, latitude 200, no Coordinates, not JSON) air nothing" \
	test "$(alerts_rows)" = 0
n=$(grep -c "feed document rejected" "$D/run.log")
check "one log line per bad document, not per poll (5 documents, $n lines)" test "$n" -eq 5
check "magnitude 99 is named in its log line" grep -q "Magnitude '99' is not between 0 and 10" "$D/run.log"
check "latitude 200 is named in its log line" grep -q "Coordinates '200,105.75' is not a place on Earth" "$D/run.log"

python3 -c "print('{\"Infogempa\":{\"gempa\":{\"Wilayah\":\"' + 'x' * 300000 + '\"}}}')" >"$D/big.json"
serve 200 "$D/big.json"
sleep $((POLL * 3))
n=$(grep -c "larger than 262144 bytes" "$D/run.log")
check "a 300 kB document is refused at 256 kB, one line for 3 polls ($n)" test "$n" -eq 1
serve 200 "$D/far.json"
sleep $((POLL * 2))
serve 500 "$D/far.json"
sleep $((POLL * 4))
n=$(grep -c "HTTP status 500" "$D/run.log")
check "an HTTP 500 outage of 4 polls logs one line ($n)" test "$n" -eq 1
serve 200 "$D/far.json"
sleep $((POLL * 2))
check "the feed's recovery is logged" grep -q "answers again" "$D/run.log"
kill "$FEED_PID"
wait "$FEED_PID" 2>/dev/null
sleep $((POLL * 4))
n=$(grep -c "Connection refused\|Couldn't connect" "$D/run.log")
check "an unreachable feed for 4 polls logs one line ($n)" test "$n" -eq 1
check "nothing aired during the outages" test "$(alerts_rows)" = 0
check "the programme stayed on air through the bad input" test "$(np "d['now']['kind']")" = programme
start_feed || not_ok "the feed server restarts"

# ---- an M6.2 quake 118 km south-west: airs within poll + 2 s ---------------------------------
ffmpeg -nostdin -loglevel error -y -t 25 -i "http://127.0.0.1:$ICE_PORT/radio.ogg" -c copy "$D/listen.ogg" &
LISTEN_PID=$!
TEST_PIDS+=("$LISTEN_PID")
sleep 2
REGION="Pusat gempa berada di laut 118 km Barat Daya Lebak"
quake "$D/near.json" 6.2 "-7.30,105.75" "Tidak berpotensi tsunami" "$REGION"
SWAP_MS=$(date +%s%3N)
serve 200 "$D/near.json"
if wait_for 15 "d['now']['kind']" alert; then ok "the M6.2 quake 118 km away airs (now.kind alert)"; else
	not_ok "the M6.2 quake airs (waited $WAITED s; now $(np "d['now']"))"; fi
alert_id=$(np "d['alert']['id']")
check "nowplaying carries the alert (id $alert_id)" test -n "$alert_id"
headline=$(np "d['alert']['headline']")
echo "# headline: $headline"
check "the headline names the magnitude with a decimal comma" grep -q "M6,2" <<<"$headline"
check "the alert's since is an ISO time" grep -qE '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T' <<<"$(np "d['alert']['since']")"
text=$(sql "SELECT text FROM announcements WHERE alert_id = $alert_id LIMIT 1")
echo "# bulletin: $text"
check "the bulletin says magnitudo 6,2" grep -q "Gempa magnitudo 6,2" <<<"$text"
check "the bulletin names the region" grep -qF "$REGION" <<<"$text"
check "the bulletin gives distance and direction from the station" grep -q "118 kilometer barat daya dari Radio Uji" <<<"$text"
check "the calm variant: no tsunami potential" grep -q "Tidak berpotensi tsunami. Tetap tenang" <<<"$text"
req GET /metrics
check "/metrics: siaran_alert_active 1" grep -q '^siaran_alert_active 1$' "$D/body"
check "/metrics: siaran_alerts_total{source=\"feed\"} 1" grep -q '^siaran_alerts_total{source="feed"} 1$' "$D/body"

wait "$LISTEN_PID"
dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$D/listen.ogg" 2>/dev/null)
frames=$(frames_44k "$D/listen.ogg")
echo "# the listener received $dur s ($frames frames) across the interruption"
check "a listener's stream continues through the bulletin (>= 20 s of audio in 25 s)" \
	test "${frames:-0}" -ge $((20 * 44100))

# ---- repeats and ending -----------------------------------------------------------------------
# The next airing comes repeat_minutes (6 s) after the previous one ended;
# the schedule airs in the gap.  (The as-run below shows both.)
for i in $(seq 1 600); do
	[ "$(sql "SELECT count(*) FROM announcements WHERE alert_id = $alert_id")" -ge 2 ] && break
	sleep 0.1
done
if wait_for 10 "d['now']['kind']" alert; then ok "the bulletin airs again (repeat 2 of 3)"; else
	not_ok "the bulletin airs again (now $(np "d['now']"))"; fi
n=$(sql "SELECT count(*) FROM announcements WHERE alert_id = $alert_id")
check "two airings queued so far ($n)" test "$n" = 2
first=$(sql "SELECT started_at FROM asrun WHERE kind = 'alert' ORDER BY id LIMIT 1")
latency=$(((${first:-0} - SWAP_MS)))
echo "# the first bulletin started $latency ms after the document changed (poll $POLL s)"
check "the bulletin started within poll + 2 s of the feed changing ($latency ms)" \
	test "$latency" -ge 0 -a "$latency" -le $(((POLL + 2) * 1000))
check "the interrupted programme is in the as-run, cut by the bulletin" test \
	"$(sql "SELECT count(*) FROM asrun WHERE kind = 'programme' AND reason = 'skipped_operator'")" -ge 1
check "the as-run marks the first bulletin as kind alert" test \
	"$(sql "SELECT count(*) FROM asrun WHERE kind = 'alert' AND title LIKE 'Gempa M6,2%'")" -ge 1

as ani POST "/api/v1/alerts/$alert_id/end"
check "staff may not end an alert (403)" test "$CODE" = 403
req POST "/api/v1/alerts/$alert_id/end" -b "$D/cookies.opi"
check "ending without the CSRF token is refused (403)" test "$CODE" = 403
check "... and the bulletin stays on air" test "$(np "d['now']['kind']")" = alert
as opi POST "/api/v1/alerts/9999/end"
check "ending an unknown alert: 404" test "$CODE" = 404
as opi POST "/api/v1/alerts/$alert_id/end"
check "the operator ends the alert (200)" test "$CODE" = 200
if wait_for 4 "d['now']['kind'] != 'alert'" true; then ok "the bulletin is cut within ${WAITED} s of the end"; else
	not_ok "the bulletin is cut after the end (now $(np "d['now']"))"; fi
check "nowplaying no longer carries the alert" test "$(np "d['alert']")" = ""
sleep 10 # longer than repeat_minutes (6 s)
n=$(sql "SELECT count(*) FROM announcements WHERE alert_id = $alert_id")
check "no third airing after the end ($n airings)" test "$n" = 2
gap=$(sql "SELECT b.started_at - a.ended_at FROM asrun a, asrun b WHERE a.kind = 'alert'
	AND b.kind = 'alert' AND b.id > a.id ORDER BY a.id, b.id LIMIT 1")
between=$(sql "SELECT group_concat(DISTINCT kind) FROM asrun WHERE kind != 'alert' AND id >
	(SELECT min(id) FROM asrun WHERE kind = 'alert') AND id < (SELECT max(id) FROM asrun WHERE kind = 'alert')")
echo "# ${gap:-?} ms between the first airing's end and the second's start; aired between: $between"
check "the repeat came repeat_minutes (6 s) after the first airing ended ($gap ms)" \
	test "${gap:-0}" -ge 5700 -a "${gap:-0}" -le 8000
check "the schedule aired between the two airings ($between)" test -n "$between"
check "the alert is ended, by opi" test "$(sql "SELECT status || ' ' || ended_by FROM alerts WHERE id = $alert_id")" = "ended opi"
check "the same event seen for many polls made one alert" test "$(alerts_rows)" = 1

# ---- a restart sees the same event: it does not air again ---------------------------------------
kill -TERM "$RUN_PID"
wait "$RUN_PID" 2>/dev/null
start_station || not_ok "siaran restarts"
sleep $((POLL * 4))
check "after a restart the same event does not air again" test "$(alerts_rows)" = 1
check "... and nothing alerts on air" test "$(np "d['now']['kind']")" != alert

# ---- a far quake with tsunami potential airs -----------------------------------------------------
quake "$D/tsunami.json" 7.4 "-10.50,98.00" "Berpotensi tsunami" "Pusat gempa di laut 950 km Barat Daya Lebak"
serve 200 "$D/tsunami.json"
if wait_for $((POLL + 2)) "d['now']['kind']" alert; then ok "a far quake with tsunami potential airs (${WAITED} s)"; else
	not_ok "a far quake with tsunami potential airs (waited $WAITED s)"; fi
tid=$(np "d['alert']['id']")
text=$(sql "SELECT text FROM announcements WHERE alert_id = ${tid:-0} LIMIT 1")
check "its bulletin tells people to leave the coast" grep -q "Berpotensi tsunami: segera menjauhi pantai menuju tempat tinggi." <<<"$text"
as opi POST "/api/v1/alerts/$tid/end"
wait_for 4 "d['now']['kind'] != 'alert'" true

# ---- the API: list and test ---------------------------------------------------------------------
req GET /api/v1/alerts
check "GET /api/v1/alerts needs a login (401)" test "$CODE" = 401
as ani GET /api/v1/alerts
check "GET /api/v1/alerts lists both alerts" test "$CODE:$(jq_ 'len(d["alerts"])')" = 200:2
check "... newest first, with its status" test "$(jq_ 'd["alerts"][0]["status"]')" = ended
as opi POST /api/v1/alerts/test
check "an operator may not air a test (403)" test "$CODE" = 403
as adi POST /api/v1/alerts/test
[ "$CODE" = 201 ] || sed 's/^/# /' "$D/body"
check "the admin airs a test bulletin (201)" test "$CODE" = 201
test_id=$(jq_ 'd["id"]')
if wait_for 3 "d['now']['kind']" alert; then ok "the test bulletin is on air"; else not_ok "the test bulletin is on air"; fi
text=$(sql "SELECT text FROM announcements WHERE alert_id = ${test_id:-0}")
check "the test bulletin says it is a test" grep -q "^Ini hanya uji coba" <<<"$text"
check "the test alert is marked as a test" test "$(sql "SELECT test FROM alerts WHERE id = ${test_id:-0}")" = 1
req GET /metrics
check "/metrics counts the test apart" grep -q '^siaran_alerts_total{source="test"} 1$' "$D/body"
req GET /
check "the listener page has the alert banner" grep -q 'id="alert-banner"' "$D/body"

kill -TERM "$RUN_PID"
wait "$RUN_PID"
check "siaran stops cleanly (exit 0) with the poller running" test $? -eq 0
