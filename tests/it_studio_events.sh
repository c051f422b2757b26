#!/usr/bin/env bash
# The studio's server push (GET /api/v1/events, Server-Sent Events) against a
# running station: a real icecast2 and `siaran run`.  Logged out it is 401;
# logged in the first event is the station's state; a cart queued through
# POST /api/v1/inserts is pushed to an open stream within a second and can be
# taken out again (DELETE) or moved in the queue (POST .../move); a complaint
# recording cannot be a cart; an idle
# stream costs no CPU (it is suspended, not polled).
source "$(dirname "$0")/lib.sh"

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi
tone "$D/fb1.ogg" 40 440 "Lagu Pagi" "Band Uji" -c:a libvorbis
tone "$D/fb2.ogg" 40 523 "Lagu Siang" "Band Uji" -c:a libvorbis
printf '%s\n%s\n' "$D/fb1.ogg" "$D/fb2.ogg" >"$D/fb.m3u"
tone "$D/jingle.ogg" 3 880 "Jingle Radio Uji" "" -c:a libvorbis
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
echo "sandi-staf-123" | "$SIARAN" user add -c "$CONF" ani --role staff >/dev/null 2>&1
"$SIARAN" import -c "$CONF" --kind jingle "$D/jingle.ogg" >"$D/import.log" 2>&1
JINGLE=$(sqlite3 "$DB" "SELECT id FROM media WHERE kind = 'jingle'")
check "a jingle is in the library" test -n "$JINGLE"

start_siaran || exit 1
ok "siaran run serves the panel"

code=$(curl -s -o "$D/anon" -w '%{http_code}' -m 5 "$B/api/v1/events")
check "events refuse a logged-out client: 401 ($code)" test "$code" = 401
code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -b "siaran_session=$(printf '0%.0s' {1..64})" "$B/api/v1/events")
check "events refuse a made-up session: 401 ($code)" test "$code" = 401

curl -s -c "$D/cookies" -o "$D/login" -H 'Content-Type: application/json' \
	-d '{"username":"ani","password":"sandi-staf-123"}' "$B/api/v1/session"
CSRF=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["csrf_token"])' "$D/login")
check "staff logs in" test -n "$CSRF"

# one stream in the background for the whole test
curl -s -N -b "$D/cookies" -D "$D/sse.headers" -o "$D/sse" "$B/api/v1/events" &
CURL_PID=$!
TEST_PIDS+=("$CURL_PID")
for _ in $(seq 1 50); do grep -q '^event: state' "$D/sse" 2>/dev/null && break; sleep 0.1; done
check "the stream answers text/event-stream" grep -qi '^content-type: text/event-stream' "$D/sse.headers"
check "the first event is the station's state" grep -q '^event: state' "$D/sse"
# the latest state event's JSON
last_state() { grep '^data: ' "$D/sse" | tail -1 | sed 's/^data: //'; }
py() { last_state | python3 -c "import json,sys;d=json.load(sys.stdin);print($1)"; }
# (the day is planned from midnight: either tone may be the one airing)
on_air() { py 'd["on_air"]["title"] if d["on_air"] else ""' 2>/dev/null; }
for _ in $(seq 1 100); do case $(on_air) in "Lagu Pagi" | "Lagu Siang") break ;; esac; sleep 0.1; done
check "the state names what airs ($(on_air))" test "$(on_air)" = "Lagu Pagi" -o "$(on_air)" = "Lagu Siang"
check "the state has the next hour" test "$(py 'len(d["timeline"]) > 0')" = True
check "the state has the output" test "$(py 'd["outputs"][0]["name"]')" = main

# a cart: queued next, pushed to the open stream at once (queued with 10 s
# or more left on the current item, so it is still waiting when taken out)
left() { py 'int(d["on_air"]["started_ms"] / 1000 + d["on_air"]["duration"] - __import__("time").time())' 2>/dev/null || echo 0; }
for _ in $(seq 1 450); do [ "$(left)" -ge 10 ] && break; sleep 0.1; done
t0=$(date +%s%N)
code=$(curl -s -o "$D/ins" -w '%{http_code}' -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
	-H 'Content-Type: application/json' -d "{\"media_id\":$JINGLE,\"mode\":\"next\"}" "$B/api/v1/inserts")
check "a cart is queued: 201 ($code)" test "$code" = 201
# (grep, not python: the wait must measure the push, not the interpreter's start)
INS=$(grep -o '"id": *[0-9]*' "$D/ins" | head -1 | grep -o '[0-9]*$')
seen=""
for _ in $(seq 1 150); do
	if grep '^data: ' "$D/sse" | tail -1 | grep -q "\"inserts\": *\[{\"id\": *$INS,"; then
		seen=1
		break
	fi
	sleep 0.02
done
ms=$((($(date +%s%N) - t0) / 1000000))
check "the queued cart is pushed as the only insert ($(py '[i["id"] for i in d["inserts"]]' 2>/dev/null))" \
	test "$(py '[i["id"] for i in d["inserts"]]' 2>/dev/null)" = "[$INS]"
check "the queued cart is pushed within a second (${ms} ms)" test -n "$seen" -a "$ms" -le 1000
check "the cart is in the next hour's timeline" test "$(py '"Jingle Radio Uji" in [i["title"] for i in d["timeline"]]')" = True

code=$(curl -s -o /dev/null -w '%{http_code}' -b "$D/cookies" -H 'Content-Type: application/json' \
	-d "{\"media_id\":$JINGLE}" "$B/api/v1/inserts")
check "an insert without the CSRF token: 403 ($code)" test "$code" = 403
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"media_id\":$JINGLE}" "$B/api/v1/inserts")
check "an insert logged out: 401 ($code)" test "$code" = 401
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
	-H 'Content-Type: application/json' -d '{"media_id":999999}' "$B/api/v1/inserts")
check "an insert of no such item: 404 ($code)" test "$code" = 404
sqlite3 "$DB" "UPDATE media SET kind = 'complaint' WHERE id = $JINGLE"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
	-H 'Content-Type: application/json' -d "{\"media_id\":$JINGLE}" "$B/api/v1/inserts")
check "a complaint recording cannot be a cart: 403 ($code)" test "$code" = 403
sqlite3 "$DB" "UPDATE media SET kind = 'jingle' WHERE id = $JINGLE"
check "refused inserts add no row" test "$(sqlite3 "$DB" 'SELECT count(*) FROM announcements')" = 1

# a second cart, moved before the first: the stream and the stored order
# follow; moved past the end it is last again
code=$(curl -s -o "$D/ins2" -w '%{http_code}' -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
	-H 'Content-Type: application/json' -d "{\"media_id\":$JINGLE,\"mode\":\"next\"}" "$B/api/v1/inserts")
INS2=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["id"])' "$D/ins2")
check "a second cart is queued: 201 ($code)" test "$code" = 201
move() { # id body -> http code, the answer in $D/move
	curl -s -o "$D/move" -w '%{http_code}' -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
		-H 'Content-Type: application/json' -d "$2" "$B/api/v1/inserts/$1/move"
}
pushed_order() { # expected "[a, b]": the stream shows it within a second
	for _ in $(seq 1 40); do
		[ "$(py '[i["id"] for i in d["inserts"]]' 2>/dev/null)" = "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
stored_order() { sqlite3 "$DB" "SELECT group_concat(id) FROM (SELECT id FROM announcements WHERE status = 'pending' ORDER BY queue_position IS NULL, queue_position, created_at, id)"; }
check "the two are queued in the order they came" pushed_order "[$INS, $INS2]"
code=$(move "$INS2" "{\"before\":$INS}")
check "the second moves before the first: 200 ($code)" test "$code" = 200
check "the answer gives its new place (0)" \
	test "$(python3 -c 'import json,sys;d=json.load(open(sys.argv[1]));print(d["id"], d["position"])' "$D/move")" = "$INS2 0"
check "the stream shows the new order within a second" pushed_order "[$INS2, $INS]"
check "the database holds the new order" test "$(stored_order)" = "$INS2,$INS"
code=$(move "$INS2" '{"position":5}')
check "moved past the end it is last: 200 ($code), position $(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["position"])' "$D/move")" \
	test "$code" = 200 -a "$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["position"])' "$D/move")" = 1
check "and the stream follows" pushed_order "[$INS, $INS2]"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$D/cookies" -H 'Content-Type: application/json' \
	-d '{"position":0}' "$B/api/v1/inserts/$INS2/move")
check "a move without the CSRF token: 403 ($code)" test "$code" = 403
code=$(move "$INS2" '{}')
check "a move without before or position: 400 ($code)" test "$code" = 400
code=$(move "$INS2" '{"position":-1}')
check "a move to a negative position: 400 ($code)" test "$code" = 400
code=$(move "$INS2" "{\"before\":$INS2}")
check "a move before itself: 409 ($code)" test "$code" = 409
code=$(move 999999 '{"position":0}')
check "a move of no such insert: 404 ($code)" test "$code" = 404
later=$(($(date +%s) * 1000 + 20 * 3600 * 1000))
AT=$(sqlite3 "$DB" "INSERT INTO announcements (media_id, mode, air_at, created_at) VALUES ($JINGLE, 'at', $later, 0); SELECT last_insert_rowid()")
code=$(move "$AT" '{"position":0}')
check "an insert for a time has no place in the queue: 409 ($code)" test "$code" = 409
code=$(move "$INS" "{\"before\":$AT}")
check "nor can one move before it: 409 ($code)" test "$code" = 409
sqlite3 "$DB" "UPDATE announcements SET status = 'cancelled' WHERE id = $AT"
check "the refused moves left the order alone" test "$(stored_order)" = "$INS,$INS2"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -b "$D/cookies" -H "X-CSRF-Token: $CSRF" "$B/api/v1/inserts/$INS2")
check "the second cart is taken out: 200 ($code)" test "$code" = 200
code=$(move "$INS2" '{"position":0}')
check "a cancelled insert cannot move: 404 ($code)" test "$code" = 404

code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -b "$D/cookies" -H "X-CSRF-Token: $CSRF" "$B/api/v1/inserts/$INS")
check "the queued cart is taken out: 200 ($code)" test "$code" = 200
check "its row is cancelled" test "$(sqlite3 "$DB" "SELECT status FROM announcements WHERE id = $INS")" = cancelled
gone=""
for _ in $(seq 1 40); do [ "$(py 'len(d["inserts"])' 2>/dev/null)" = 0 ] && { gone=1; break; }; sleep 0.05; done
check "the stream shows it gone" test -n "$gone"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -b "$D/cookies" -H "X-CSRF-Token: $CSRF" "$B/api/v1/inserts/$INS")
check "taking it out twice: 404 ($code)" test "$code" = 404

# an idle stream is suspended: the station's CPU over 3 s stays low with
# eight streams open (a stream polled by a busy loop would take a core)
for i in $(seq 1 8); do
	curl -s -N -b "$D/cookies" -o "$D/sse.$i" "$B/api/v1/events" &
	TEST_PIDS+=("$!")
done
sleep 1
c0=$(awk '{print $14 + $15}' "/proc/$RUN_PID/stat")
sleep 3
c1=$(awk '{print $14 + $15}' "/proc/$RUN_PID/stat")
ticks=$((c1 - c0))
check "nine open streams cost little CPU (${ticks} ticks in 3 s)" test "$ticks" -lt 150
all=1
for i in $(seq 1 8); do grep -q '^event: state' "$D/sse.$i" || all=""; done
check "each of them got the state" test -n "$all"

# a stream ends when its login does (logout here); another login's goes on
curl -s -c "$D/cookies2" -o "$D/login2" -H 'Content-Type: application/json' \
	-d '{"username":"ani","password":"sandi-staf-123"}' "$B/api/v1/session"
CSRF2=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["csrf_token"])' "$D/login2")
curl -s -N -b "$D/cookies2" -o "$D/sse2" "$B/api/v1/events" &
CURL2=$!
TEST_PIDS+=("$CURL2")
for _ in $(seq 1 50); do grep -q '^event: state' "$D/sse2" 2>/dev/null && break; sleep 0.1; done
curl -s -o /dev/null -X DELETE -b "$D/cookies2" -H "X-CSRF-Token: $CSRF2" "$B/api/v1/session"
t0=$(date +%s%N)
for _ in $(seq 1 150); do kill -0 "$CURL2" 2>/dev/null || break; sleep 0.1; done
ms=$((($(date +%s%N) - t0) / 1000000))
check "a logout closes that session's stream (${ms} ms)" test ! -d "/proc/$CURL2" -o "$(awk '{print $3}' /proc/$CURL2/stat 2>/dev/null)" = Z
check "the other session's stream stays open" kill -0 "$CURL_PID"
code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -b "$D/cookies2" "$B/api/v1/events")
check "the logged-out session cannot open a stream again: 401 ($code)" test "$code" = 401

kill "$RUN_PID"
for _ in $(seq 1 100); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.1; done
check "the station stops with streams open" test ! -d "/proc/$RUN_PID" -o "$(awk '{print $3}' /proc/$RUN_PID/stat 2>/dev/null)" = Z
exit 0
