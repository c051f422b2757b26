#!/usr/bin/env bash
# Integration: a corpus of hostile media files, generated here, goes through
# `siaran import` one file at a time, each bounded to 60 s.  Every file is
# either imported (exit 0, a line with its id) or refused (exit 1, a line
# naming the file and why); none crashes (exit >= 128) or hangs (timeout).
# Afterwards the database holds exactly the accepted rows, the media store
# holds exactly their files (no temp files), and PRAGMA integrity_check is ok.
# Real audio in odd formats (192 kHz, 8 kHz u-law, 6 channels, 1 h of silence,
# clipped) must be imported with the right duration.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "hostile media: ./siaran is not built"
	exit 1
fi

C="$TMP/corpus"
mkdir -p "$C"
: >"$TMP/fallback.m3u"
write_conf "$TMP" 9 unused fallback.m3u

# ---- the corpus ------------------------------------------------------------------

gen() { ffmpeg -nostdin -loglevel error -y "$@"; }
# real files to cut short
tone "$TMP/real.wav" 5 440 "Asli" "Penguji"
tone "$TMP/real.flac" 5 440 "Asli" "Penguji"
tone "$TMP/real.ogg" 5 440 "Asli" "Penguji" -c:a libvorbis
tone "$TMP/real.mp3" 5 440 "Asli" "Penguji" -c:a libmp3lame -b:a 128k

: >"$C/zero_bytes.wav"
: >"$C/zero_bytes.mp3"
for ext in wav flac ogg mp3; do
	head -c 3000 "$TMP/real.$ext" >"$C/truncated_3k.$ext"
	# cut in the middle of the audio: the first part is real and decodable
	size=$(stat -c %s "$TMP/real.$ext")
	head -c $((size / 2)) "$TMP/real.$ext" >"$C/truncated_half.$ext"
done
head -c 44 "$TMP/real.wav" >"$C/header_only.wav"
printf 'This is not audio, only a text file named .mp3\n' >"$C/text_named.mp3"
printf 'ID3\x04\x00\x00\x00\x00\x00\x00' >"$C/id3_header_only.mp3"
head -c 20000 /dev/urandom >"$C/random.ogg"
head -c 20000 /dev/urandom >"$C/random.flac"
printf 'fLaC' >"$C/flac_magic_only.flac"
printf 'OggS' >"$C/ogg_magic_only.ogg"

# WAV headers that lie: written byte by byte
python3 - "$C" <<'PY'
import struct, sys, math
d = sys.argv[1]
def wav(name, rate=44100, channels=2, bits=16, fmt=1, data_len=None, frames=44100,
        riff_len=None, block_align=None, byte_rate=None):
    ba = block_align if block_align is not None else max(1, channels * bits // 8)
    br = byte_rate if byte_rate is not None else (rate * ba) & 0xffffffff
    samples = bytearray()
    for i in range(frames):
        v = int(8000 * math.sin(2 * math.pi * 440 * i / 44100))
        for _ in range(max(1, min(channels, 8))):
            samples += struct.pack("<h", v)
    body = bytes(samples)
    dl = data_len if data_len is not None else len(body)
    fmt_chunk = struct.pack("<HHIIHH", fmt, channels & 0xffff, rate & 0xffffffff, br,
                            ba & 0xffff, bits & 0xffff)
    rl = riff_len if riff_len is not None else (4 + 8 + len(fmt_chunk) + 8 + len(body))
    with open(f"{d}/{name}", "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", rl & 0xffffffff) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk)
        f.write(b"data" + struct.pack("<I", dl & 0xffffffff) + body)
wav("one_sample.wav", frames=1)
wav("rate_4294967295.wav", rate=0xffffffff)
wav("rate_zero.wav", rate=0)
wav("rate_1hz.wav", rate=1)
wav("rate_2ghz.wav", rate=2_000_000_000)
wav("channels_65535.wav", channels=65535)
wav("channels_zero.wav", channels=0)
wav("channels_255.wav", channels=255)
wav("bits_7.wav", bits=7)
wav("bits_zero.wav", bits=0)
wav("format_tag_9999.wav", fmt=9999)
wav("length_4gb.wav", data_len=0xfffffff0, riff_len=0xfffffff8)
wav("riff_len_tiny.wav", riff_len=4)
wav("block_align_zero.wav", block_align=0)
# a fmt chunk whose size runs past the end of the file
with open(f"{d}/fmt_chunk_huge.wav", "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 100) + b"WAVE" + b"fmt " + struct.pack("<I", 0x7fffffff)
            + b"\x01\x00\x02\x00")
PY

# real audio, unusual shapes: these must be imported
gen -f lavfi -i "sine=frequency=1000:sample_rate=192000:duration=3" -ac 2 "$C/hi_192k.flac"
gen -f lavfi -i "sine=frequency=440:sample_rate=8000:duration=3" -c:a pcm_mulaw "$C/ulaw_8k.wav"
gen -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3" \
	-af "aformat=channel_layouts=5.1" "$C/six_channels.wav"
gen -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=3" -af "volume=40dB" \
	-c:a pcm_s16le "$C/clipped_loud.wav"
t0=$(date +%s.%N)
gen -f lavfi -i anullsrc=r=44100:cl=stereo -t 3600 -c:a flac "$C/silence_1h.flac"
echo "# generated 1 h of silence as FLAC ($(stat -c %s "$C/silence_1h.flac") bytes) in" \
	"$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"

# files that must be imported, with their duration in seconds
declare -A MUST=([hi_192k.flac]=3 [ulaw_8k.wav]=3 [six_channels.wav]=3 [clipped_loud.wav]=3
	[silence_1h.flac]=3600)

# ---- import each, bounded ----------------------------------------------------------

accepted=0
worst=0
worst_name=""
for f in "$C"/*; do
	name=$(basename "$f")
	t0=$(date +%s.%N)
	rc=0
	# one hour of audio takes a while to measure: a bound of its own
	limit=60
	[ "$name" = silence_1h.flac ] && limit=180
	timeout -k 5 $limit "$SIARAN" import -c "$TMP/siaran.conf" "$f" \
		>"$TMP/out.txt" 2>"$TMP/err.txt" || rc=$?
	took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
	if awk -v t="$took" -v w="$worst" 'BEGIN{exit !(t > w)}'; then
		worst=$took worst_name=$name
	fi
	# the reason: the one stderr line that is not a timestamped log line
	reason=$(grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2} ' "$TMP/err.txt" | grep -F "$name" | head -1)
	noise=$(grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2} ' "$TMP/err.txt" | grep -vcF "$name" || true)
	line=$(head -1 "$TMP/out.txt")
	echo "# $name: exit $rc in $took s: ${line:-$reason}"
	[ "$noise" -gt 0 ] && echo "#   $noise other stderr lines: $(grep -vE '^[0-9]{4}-' "$TMP/err.txt" |
		grep -vF "$name" | head -2 | tr '\n' '|')"
	if [ $rc -ge 124 ]; then
		what="crashed (exit $rc)"
		[ $rc -eq 124 ] || [ $rc -eq 137 ] && what="hung (> $limit s)"
		not_ok "$name: import $what: $(tail -2 "$TMP/err.txt" | tr '\n' ' ')"
		if [ -d "$ROOT/tests/fuzz/corpus/media" ] && [ -f "$f" ]; then
			echo "# crasher kept as tests/fuzz/corpus/media/hostile-$name"
			cp "$f" "$ROOT/tests/fuzz/corpus/media/hostile-$name"
		fi
		continue
	fi
	if [ $rc -eq 0 ]; then
		if echo "$line" | grep -Eq '^[0-9]+[[:space:]]'; then
			ok "$name: imported ($line)"
			accepted=$((accepted + 1))
		else
			not_ok "$name: exit 0 but no line with an id (stdout '$line')"
		fi
	elif [ $rc -eq 1 ] && [ -n "$reason" ]; then
		ok "$name: refused with a reason ($reason)"
	else
		not_ok "$name: neither imported nor refused with a line naming the file (exit $rc," \
			"stderr '$(tail -1 "$TMP/err.txt")')"
	fi
	if [ -n "${MUST[$name]:-}" ]; then
		want=${MUST[$name]}
		got=$(echo "$line" | awk '{print $3}')
		check "$name: real audio is imported with duration $want s (got '${got:-refused}')" \
			awk -v g="${got:-x}" -v w="$want" 'BEGIN{exit !(g != "x" && g - w < 0.01 && w - g < 0.01)}'
	fi
done
echo "# slowest file: $worst_name in $worst s"

# ---- the library afterwards ----------------------------------------------------------

DB="$TMP/siaran.db"
rows=$(sqlite3 "$DB" 'SELECT count(*) FROM media' 2>/dev/null)
check "the database has exactly the accepted rows ($accepted accepted, ${rows:-?} rows)" \
	[ "${rows:-x}" = "$accepted" ]
stored=$(find "$TMP/media" -type f 2>/dev/null | grep -vc '/\.' || true)
hidden=$(find "$TMP/media" -name '.*' -type f 2>/dev/null | wc -l)
check "the media store holds one file per row ($stored files, ${rows:-?} rows)" \
	[ "$stored" = "${rows:-x}" ]
check "no temporary file is left in the media store ($hidden found)" [ "$hidden" -eq 0 ]
missing=0
while IFS= read -r p; do
	case $p in /*) ;; *) p="$TMP/media/$p" ;; esac
	[ -f "$p" ] || [ -f "$TMP/$p" ] || missing=$((missing + 1))
done < <(sqlite3 "$DB" 'SELECT path FROM media' 2>/dev/null)
check "every row's file exists in the store ($missing missing)" [ "$missing" -eq 0 ]
integrity=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
check "PRAGMA integrity_check is ok (got '$integrity')" [ "$integrity" = ok ]
bad=$(sqlite3 "$DB" 'SELECT count(*) FROM media WHERE duration <= 0 OR frames <= 0 OR rate <= 0' 2>/dev/null)
check "no accepted row has a zero or negative duration, length or rate (${bad:-?} rows)" \
	[ "${bad:-x}" = 0 ]

# a clipped file: its measured true peak is at or above 0 dBTP, and its
# loudness is a number (not NaN or -inf), so gain is applied sanely
peak=$(sqlite3 "$DB" "SELECT true_peak || ' ' || loudness FROM media WHERE original_name LIKE '%clipped_loud%'" 2>/dev/null)
check "clipped audio: true peak >= -0.5 dBTP, loudness finite (got '$peak')" \
	awk -v p="${peak:-x}" 'BEGIN{split(p, a, " "); exit !(p != "x" && a[1] + 0 >= -0.5 && a[2] + 0 > -70 && a[2] + 0 < 10)}'

# importing the whole folder in one call: same outcome, exit 1 (some refused),
# nothing new stored (every accepted file is a duplicate by content)
rc=0
timeout -k 5 300 "$SIARAN" import -c "$TMP/siaran.conf" "$C" >"$TMP/all.out" 2>"$TMP/all.err" || rc=$?
rows2=$(sqlite3 "$DB" 'SELECT count(*) FROM media' 2>/dev/null)
check "importing the whole corpus folder at once: exit 1, no crash (got $rc)" [ $rc -eq 1 ]
check "re-importing the corpus adds no rows ($rows -> $rows2)" [ "$rows2" = "$rows" ]
