#!/usr/bin/env bash
# Integration: podcasts.  A real `siaran run` streams to a real icecast2 and
# archives (20 s segments, so the show spans several files).  A one-minute
# podcast show (a playlist of a 440 Hz and a 660 Hz tone, hard start and
# end) airs at the next minute; its episode appears in GET
# /podcast/{id}.xml, which Python's feedparser (Debian's) parses with the
# iTunes tags; the enclosure's length is the bytes served, a byte range is
# 206 with exactly those bytes (416 outside the file), and the MP3 decodes
# (ffmpeg) to the show's 60 s with the tones that aired.  A show that is not
# a podcast, and an unknown one, are 404; the listener page's API lists the
# feed; the files have no world access.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "podcast: ./siaran is not built"
	exit 1
fi
# Debian's feedparser is in Debian's Python (python3 on PATH may be another)
DEBIAN_PY=/usr/bin/python3
if ! "$DEBIAN_PY" -c 'import feedparser' 2>/dev/null; then
	not_ok "python3-feedparser is installed ('make deps' installs it)"
	exit 1
fi
D=$TMP
PORT=$(free_port)
PASS="pc$RANDOM$RANDOM"
if ! start_icecast "$D/ice" "$PORT" "$PASS"; then
	not_ok "icecast2 starts on port $PORT"
	exit 1
fi
tone "$D/fb.ogg" 3 880 "Cadangan" "Uji" -c:a libvorbis
printf '%s\n' "$D/fb.ogg" >"$D/fb.m3u"
# titles with the characters XML must escape
tone "$D/berita.flac" 25 440 'Berita & Cuaca <Pagi>' 'Tim "Redaksi"'
tone "$D/lagu.flac" 50 660 "Lagu Daerah" "Sanggar Uji"
write_conf "$D" "$PORT" "$PASS" fb.m3u "show_grace = 1"
printf '\n[archive]\nfolder = arch\nsegment_seconds = 20\nmin_free_mb = 1\n' >>"$D/siaran.conf"
CONF=$D/siaran.conf
DB=$D/siaran.db
B=http://127.0.0.1:$WEB_PORT
for f in berita lagu; do
	"$SIARAN" import -c "$CONF" "$D/$f.flac" >/dev/null 2>"$D/import.err" ||
		not_ok "$f imports: $(cat "$D/import.err")"
done
echo "sandi-opi-123" | "$SIARAN" user add -c "$CONF" opi --role operator >/dev/null

"$SIARAN" run -c "$CONF" 2>"$D/run.log" &
TEST_PIDS+=("$!")
if ! wait_port "$WEB_PORT" 15 || ! icecast_mount_up "$PORT" /radio.ogg 15; then
	not_ok "siaran run airs /radio.ogg"
	tail -20 "$D/run.log" | sed 's/^/# /'
	exit 1
fi

req() { # req METHOD PATH [curl args...]: sets CODE, body in $D/body
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -X "$m" -o "$D/body" -w '%{http_code}' "$@" "$B$p")
}
json() { # json METHOD PATH BODY: as the operator, with the CSRF token
	req "$1" "$2" -b "$D/cookies" -H "X-CSRF-Token: $CSRF" \
		-H 'Content-Type: application/json' -d "$3"
}
req POST /api/v1/session -c "$D/cookies" -H 'Content-Type: application/json' \
	-d '{"username":"opi","password":"sandi-opi-123"}'
CSRF=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$D/body")
ids=$(sqlite3 "$DB" "SELECT id FROM media ORDER BY id" | paste -sd, -)

# the next whole minute, at least 15 s away, so the show is planned before it
read -r SLOT_DATE SLOT_START SLOT_MS <<<"$(python3 - <<'PY'
import datetime as dt
from zoneinfo import ZoneInfo
now = dt.datetime.now(ZoneInfo("Asia/Jakarta"))
slot = (now + dt.timedelta(seconds=15)).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
print(slot.date().isoformat(), slot.strftime("%H:%M"), int(slot.timestamp() * 1000))
PY
)"
SHOW="{\"name\":\"Kabar Desa\",\"host\":\"Bu Sari & Pak Dedi\",\"dates\":[\"$SLOT_DATE\"],\"start\":\"$SLOT_START\",\"duration\":1,\"content\":\"playlist\",\"items\":[$ids],\"hard_start\":true,\"hard_end\":true,\"podcast\":true,\"podcast_description\":\"Berita <desa> & kabar warga\",\"podcast_image\":\"https://radio.example.id/kabar.png\",\"podcast_category\":\"Government\"}"

# ---- the API checks the podcast fields -------------------------------------------------
json POST /api/v1/shows "${SHOW/Government/Gossip}"
check "an unknown podcast_category is refused with 400 (got $CODE)" [ "$CODE" = 400 ]
json POST /api/v1/shows "${SHOW/https:\/\/radio/http://radio}"
check "a podcast_image that is not https:// is refused with 400 (got $CODE)" [ "$CODE" = 400 ]
json POST /api/v1/shows "${SHOW/\"podcast\":true/\"podcast\":\"ya\"}"
check "podcast that is not a boolean is refused with 400 (got $CODE)" [ "$CODE" = 400 ]
json POST /api/v1/shows "$SHOW"
check "the podcast show is stored (201, got $CODE: $(head -c 200 "$D/body"))" [ "$CODE" = 201 ]
SHOW_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$D/body" 2>/dev/null)
check "the show's answer carries podcast and its feed" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["podcast"] is True and d["feed"] == "/podcast/%d.xml" % d["id"] and d["podcast_category"] == "Government"))' "$D/body"
# a show that is not a podcast (airing next year, so it never takes the slot)
json POST /api/v1/shows "{\"name\":\"Bukan Podcast\",\"dates\":[\"$(($(date +%Y) + 1))-06-01\"],\"start\":\"06:00\",\"duration\":30,\"content\":\"playlist\",\"items\":[$ids]}"
PLAIN_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$D/body" 2>/dev/null)
check "a show without podcast is stored as not a podcast (feed null)" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["podcast"] is False and d["feed"] is None))' "$D/body"

req GET "/podcast/$PLAIN_ID.xml"
check "the feed of a show that is not a podcast is 404 (got $CODE)" [ "$CODE" = 404 ]
req GET /podcast/987654.xml
check "the feed of an unknown show is 404 (got $CODE)" [ "$CODE" = 404 ]
req GET "/podcast/$SHOW_ID.xml"
check "before it airs the feed is there, public, with no episode (got $CODE)" \
	eval '[ "$CODE" = 200 ] && ! grep -q "<item>" "$D/body"'
req GET /api/v1/public/podcasts
check "the listener page's list has the feed, without a login ($(head -c 200 "$D/body"))" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not [p for p in d["podcasts"] if p["feed"] == "/podcast/%s.xml" % sys.argv[2] and p["name"] == "Kabar Desa"] or any(p["name"] == "Bukan Podcast" for p in d["podcasts"]))' "$D/body" "$SHOW_ID"

# ---- the show airs; its episode appears ---------------------------------------------------
end_ms=$((SLOT_MS + 60000))
echo "# slot $SLOT_DATE $SLOT_START, waiting for it to air and end"
sleep $(((end_ms - $(date +%s%3N)) / 1000 + 1))
episode=""
for _ in $(seq 1 60); do
	req GET "/podcast/$SHOW_ID.xml"
	grep -q "<enclosure" "$D/body" && episode=1 && break
	sleep 0.5
done
cp "$D/body" "$D/feed.xml"
check "the episode is in the feed within 30 s of the show's end (+1 s grace)" [ -n "$episode" ]
sqlite3 "$DB" "SELECT started_at - $SLOT_MS, ended_at - $SLOT_MS, kind, title FROM asrun WHERE ended_at > $SLOT_MS - 5000 AND started_at < $end_ms + 5000 ORDER BY started_at" |
	sed 's/^/# as-run (ms from the slot): /'

parsed=$("$DEBIAN_PY" - "$D/feed.xml" "$B" "$SHOW_ID" "$SLOT_DATE" <<'PY'
import feedparser, html, re, sys
def text(h): # descriptions are HTML: what a podcast app shows
    return html.unescape(re.sub(r"<br\s*/?>\n?", "\n", h or ""))
path, base, show_id, date = sys.argv[1:]
d = feedparser.parse(open(path, "rb").read())
bad = []
if d.bozo:
    bad.append(f"not well-formed: {d.bozo_exception}")
if "http://www.itunes.com/dtds/podcast-1.0.dtd" not in d.namespaces.values():
    bad.append(f"no itunes namespace: {d.namespaces}")
f = d.feed
want = {"title": "Kabar Desa", "author": "Bu Sari & Pak Dedi", "language": "id"}
for k, v in want.items():
    if f.get(k) != v:
        bad.append(f"channel {k} {f.get(k)!r}, want {v!r}")
if text(f.get("subtitle")) != "Berita <desa> & kabar warga":
    bad.append(f"channel description {f.get('subtitle')!r}")
if (f.get("image") or {}).get("href") != "https://radio.example.id/kabar.png":
    bad.append(f"image {f.get('image')}")
if not any(t.get("term") == "Government" for t in f.get("tags", [])):
    bad.append(f"category {f.get('tags')}")
if f.get("itunes_explicit") not in (False, None) or "<itunes:explicit>false</itunes:explicit>" not in open(path).read():
    bad.append(f"explicit {f.get('itunes_explicit')}")
if len(d.entries) != 1:
    bad.append(f"{len(d.entries)} entries, want 1")
else:
    e = d.entries[0]
    if e.title != f"Kabar Desa {date}":
        bad.append(f"item title {e.title!r}")
    desc = text(e.description)
    if "Berita & Cuaca <Pagi> - Tim \"Redaksi\"" not in desc or "Lagu Daerah - Sanggar Uji" not in desc or "Cadangan" in desc:
        bad.append(f"description is not the titles that aired in the show: {desc!r}")
    encl = e.enclosures[0] if e.enclosures else {}
    if encl.get("type") != "audio/mpeg" or not encl.get("href", "").startswith(f"{base}/podcast/{show_id}/"):
        bad.append(f"enclosure {encl}")
    if e.get("guidislink") is not False or not e.get("id"):
        bad.append(f"guid {e.get('id')!r} permalink {e.get('guidislink')}")
    if not e.get("published_parsed"):
        bad.append(f"pubDate {e.get('published')!r} does not parse")
    if e.get("itunes_duration") != "00:01:00":
        bad.append(f"duration {e.get('itunes_duration')!r}")
    print("ENCLOSURE", encl.get("href"), encl.get("length"))
print("BAD" if bad else "OK", "; ".join(bad))
PY
)
echo "$parsed" | sed 's/^/# /'
check "feedparser reads the feed: channel, iTunes tags, one item with title, description, enclosure, guid, pubDate, duration ($(echo "$parsed" | tail -1))" \
	eval 'echo "$parsed" | tail -1 | grep -q "^OK"'
read -r _ URL LENGTH <<<"$(echo "$parsed" | grep '^ENCLOSURE')"

# ---- the enclosure: length, ranges -------------------------------------------------------
code=$(curl -s -o "$D/episode.mp3" -D "$D/h" -w '%{http_code}' "${URL:-$B/none}")
size=$(stat -c %s "$D/episode.mp3" 2>/dev/null || echo 0)
check "the enclosure is served without a login as audio/mpeg (got $code)" \
	eval '[ "$code" = 200 ] && grep -qi "^Content-Type: audio/mpeg" "$D/h" && grep -qi "^Accept-Ranges: bytes" "$D/h"'
check "the enclosure's length ($LENGTH) is the bytes served ($size)" [ "${LENGTH:-x}" = "$size" ]
code=$(curl -s -o "$D/part" -D "$D/h" -w '%{http_code}' -H 'Range: bytes=1000-4999' "$URL")
check "Range: bytes=1000-4999 is 206 with Content-Range bytes 1000-4999/$size (got $code)" \
	eval '[ "$code" = 206 ] && grep -qi "^Content-Range: bytes 1000-4999/$size" "$D/h"'
check "and the body is exactly those 4000 bytes" \
	eval 'cmp -s "$D/part" <(tail -c +1001 "$D/episode.mp3" | head -c 4000)'
code=$(curl -s -o "$D/part" -w '%{http_code}' -H 'Range: bytes=-500' "$URL")
check "a suffix range (bytes=-500) is 206 with the last 500 bytes (got $code)" \
	eval '[ "$code" = 206 ] && cmp -s "$D/part" <(tail -c 500 "$D/episode.mp3")'
code=$(curl -s -o /dev/null -D "$D/h" -w '%{http_code}' -H "Range: bytes=$size-" "$URL")
check "a range past the end is 416 with Content-Range bytes */$size (got $code)" \
	eval '[ "$code" = 416 ] && grep -qi "^Content-Range: bytes \*/$size" "$D/h"'
req GET "/podcast/$PLAIN_ID/1.mp3"
check "an episode under a show that is not a podcast is 404 (got $CODE)" [ "$CODE" = 404 ]
req GET "/podcast/$SHOW_ID/987654.mp3"
check "an unknown episode is 404 (got $CODE)" [ "$CODE" = 404 ]

# ---- the episode is the show as it aired --------------------------------------------------
# The show has a hard start and end: it airs exactly 60 s.  An MP3 written
# as a stream carries no LAME header saying its priming (576 samples) and
# padding (up to a 1152-sample frame), so decoders trim their own guess:
# ffmpeg 5.1 decodes it about 23 ms short.  That is up to about 40 ms either
# way at 44.1 kHz, and the archive's files join within 20 ms: 100 ms.
audio=$(python3 - "$D/episode.mp3" "$DB" "$SLOT_MS" <<'PY'
import math, sqlite3, struct, subprocess, sys
mp3, db, slot = sys.argv[1], sys.argv[2], int(sys.argv[3])
pcm = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", mp3, "-f", "s16le",
                      "-ac", "1", "-ar", "44100", "-"], capture_output=True).stdout
x = struct.unpack(f"<{len(pcm)//2}h", pcm)
seconds = len(x) / 44100
start, end = sqlite3.connect(db).execute(
    "SELECT started_at, ended_at FROM podcast_episodes WHERE file IS NOT NULL").fetchone()
def power(seg, f):
    w = 2 * math.cos(2 * math.pi * f / 44100)
    a = b = 0.0
    for v in seg:
        a, b = v + w * a - b, a
    return a * a + b * b - w * a * b
def tone_at(t):
    seg = x[int(t * 44100):int(t * 44100) + 4410]
    return max((440, 660, 880), key=lambda f: power(seg, f))
bad = []
if abs(seconds - 60.0) > 0.1:
    bad.append(f"decodes to {seconds:.3f} s, want 60 +- 0.1")
if abs(start - slot) > 2 or abs(end - start - 60000) > 2:
    bad.append(f"the as-run window is {start - slot} .. {end - slot} ms from the slot, want 0 .. 60000")
heard = [tone_at(t) for t in (2, 10, 20, 35, 50, 58)]
if heard != [440, 440, 440, 660, 660, 660]:
    bad.append(f"tones at 2,10,20,35,50,58 s: {heard}, want the show's 440 then 660")
print("; ".join(bad) if bad else f"ok {seconds:.3f} s, tones {heard}")
PY
)
check "the episode decodes to the show's 60 s (within 0.1 s) and holds what aired ($audio)" \
	[ "${audio#ok}" != "$audio" ]
tags=$(ffprobe -v error -show_entries format_tags=title,artist,album,date,comment -of json "$D/episode.mp3" |
	python3 -c 'import json,sys; t={k.lower(): v for k, v in json.load(sys.stdin)["format"].get("tags", {}).items()}; print("|".join(t.get(k, "") for k in ("title","artist","album","date")), "Lagu Daerah" in t.get("comment", ""))')
check "the MP3's ID3 tag has the episode, the station, the show, the date and the titles ($tags)" \
	[ "$tags" = "Kabar Desa $SLOT_DATE|Radio Uji|Kabar Desa|$SLOT_DATE True" ]
check "episode files and folders have no world access" \
	eval '[ -n "$(find "$D/arch/podcast" -name "*.mp3")" ] && [ -z "$(find "$D/arch/podcast" -perm -o=r)" ] && [ -z "$(find "$D/arch/podcast" -perm -o=x)" ]'
check "the log names the episode" grep -q "episode 'Kabar Desa $SLOT_DATE'" "$D/run.log"
req GET /api/v1/public/podcasts
check "the listener page's list counts the episode" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not [p for p in d["podcasts"] if p["name"] == "Kabar Desa" and p["episodes"] == 1])' "$D/body"
# a podcast turned off: its feed and its episodes are gone from the public
json PUT "/api/v1/shows/$SHOW_ID" "${SHOW/\"podcast\":true/\"podcast\":false}"
req GET "/podcast/$SHOW_ID.xml"
c1=$CODE
CODE=$(curl -s -o /dev/null -w '%{http_code}' "$URL")
check "a show no longer a podcast: feed and episode are 404 (got $c1, $CODE)" \
	[ "$c1" = 404 -a "$CODE" = 404 ]
