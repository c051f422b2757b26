/*
 * media: reading any audio file into the station format (interleaved float
 * stereo at the station rate), analysis at import, the library's file store,
 * M3U playlists and text-to-speech.  This is the module's one public header.
 *
 * Everything here is called from one thread at a time per object; the
 * functions without an object are thread-safe.
 */
#ifndef SIARAN_MEDIA_H
#define SIARAN_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The station's channel count: everything inside the engine is stereo. */
#define MEDIA_CHANNELS 2

/* ---- decoding ------------------------------------------------------------ */

struct media_reader;

/* Opens path (WAV, FLAC, Ogg Vorbis, Ogg Opus, MP3, anything libsndfile reads)
 * for reading at out_rate (44100 or 48000) in stereo float.  Resamples with
 * libsoxr (high quality); mono goes to both channels, more than two channels
 * are mixed down to stereo.  Reads and checks the first block so that a file
 * that is not decodable fails here.  On error returns NULL and sets *errstr to
 * a static reason (may be NULL). */
struct media_reader *media_reader_open(const char *path, int out_rate,
                                       const char **errstr);

/* Reads up to frames stereo frames into buf (2 * frames floats).  Returns the
 * number of frames read, 0 at the end, -1 on a decoding error (the caller
 * treats the item as ended). */
long media_reader_read(struct media_reader *reader, float *buf, size_t frames);

/* Seeks to frame (at the output rate) from the start.  Returns 0 or -1. */
int media_reader_seek(struct media_reader *reader, int64_t frame);

/* Total length in frames at the output rate (estimate from the header;
 * exact for PCM formats), or -1 when unknown. */
int64_t media_reader_frames(const struct media_reader *reader);

/* Tags: borrowed strings valid until media_reader_free; NULL when absent. */
const char *media_reader_title(const struct media_reader *reader);
const char *media_reader_artist(const struct media_reader *reader);

/* The source file's own rate and channel count. */
int media_reader_source_rate(const struct media_reader *reader);
int media_reader_source_channels(const struct media_reader *reader);

void media_reader_free(struct media_reader *reader);

/* ---- analysis ------------------------------------------------------------- */

struct media_info {
        int64_t frames;   /* decoded length at the analysis rate */
        int rate;         /* the analysis rate (the station rate) */
        double duration;  /* seconds */
        double loudness;  /* EBU R128 integrated, LUFS (-70 for silence) */
        double true_peak; /* dBTP */
        int64_t cue_in;   /* first frame above the silence threshold */
        int64_t cue_out;  /* frame after the last one above it */
        char *title;      /* from tags, or the file name without extension */
        char *artist;     /* from tags, or "" */
};

/* Decodes the whole file at rate and measures it.  Returns 0, or -1 with a
 * reason in err ("not an audio file", "truncated", ...).  info's strings are
 * owned by the caller: free them with media_info_clear. */
int media_analyze(const char *path, int rate, struct media_info *info, char *err,
                  size_t err_size);
void media_info_clear(struct media_info *info);

/* The file name of path without folders and extension ("/a/b/Lagu.mp3" ->
 * "Lagu"): the title of an untagged file.  Owned by the caller. */
char *media_title_from_path(const char *path);

/* ---- the library's file store --------------------------------------------- */

/* Copies src into store_dir under a name derived from its content (SHA-256
 * of the bytes, keeping a safe lower-case extension), via a temporary file and
 * rename so no half-written file is ever visible.  Returns the stored path
 * (owned by the caller), or NULL with a reason in err.  Storing the same
 * content twice returns the same path. */
char *media_store_add(const char *store_dir, const char *src, char *err, size_t err_size);

/* ---- M3U playlists --------------------------------------------------------- */

struct media_playlist_entry {
        char *path;  /* absolute (resolved against the playlist's folder) */
        char *title; /* from #EXTINF ("Artist - Title" split), or NULL */
        char *artist;
};

struct media_playlist {
        struct media_playlist_entry *entries;
        size_t count;
};

/* Parses an M3U/M3U8 file.  Blank lines, comments and unusable lines are
 * skipped (each logged once with FILE:LINE).  Returns NULL only when the file
 * cannot be read (reason in err). */
struct media_playlist *media_playlist_load(const char *path, char *err, size_t err_size);
void media_playlist_free(struct media_playlist *playlist);

/* ---- text-to-speech ------------------------------------------------------- */

/* Speaks text with libespeak-ng's voice (e.g. "id" for Indonesian) into a
 * 16-bit WAV file at out_path.  Returns 0 or -1 with a reason in err.
 * Serialised internally (espeak-ng is not thread-safe). */
int media_tts_to_wav(const char *text, const char *voice, const char *out_path, char *err,
                     size_t err_size);

#endif
