/*
 * archive: the logger that keeps exactly what aired (the programme after the
 * limiter) as one Ogg file per clock hour of station time, in a folder per
 * date, and the readers of that archive: the day's listing, clips of any
 * window across hour files, and retention.  This is the module's one public
 * header.
 *
 * Layout: FOLDER/YYYY-MM-DD/HH.opus (or .ogg for Vorbis); a file begun again
 * in the same hour (a restart, a pause) is HH.part2.opus, HH.part3.opus, ...
 * With the test-only segment_seconds below an hour, names are HH-MM-SS.
 * Every file carries TITLE "<station> YYYY-MM-DD HH:MM" and ARTIST
 * "<station>", and SIARAN_START=<UTC ms of its first sample>.
 *
 * Threads: archive_write is called on the engine thread and only copies into
 * a bounded queue; encoding and every disk operation run on the archive's own
 * thread, so a slow or full disk never holds the stream.
 */
#ifndef SIARAN_ARCHIVE_H
#define SIARAN_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/common.h"

struct archive;

struct archive_status {
        bool recording;   /* a file is open and being written */
        bool paused;      /* the disk guard stopped archiving */
        int64_t free_mb;  /* free space on the archive's disk at the last check */
        int64_t files;    /* files begun since start */
        int64_t bytes;    /* bytes written since start */
        int64_t dropped;  /* frames dropped because the queue was full */
        char current[64]; /* "YYYY-MM-DD/HH.opus" being written, "" when none */
};

/* Starts the logger for config's [archive] (config->archive_dir must be set)
 * whose frame 0 airs at start_ms (UTC ms), at config->samplerate.  Creates the
 * folder (0750), runs retention once, starts the thread.  NULL with *errstr. */
struct archive *archive_new(const struct config *config, int64_t start_ms,
                            const char **errstr);

/* Queues frames of interleaved float stereo, the next ones of the stream.
 * Engine thread; never blocks on the disk (when the queue is full the
 * frames are dropped and the file restarts as a new part). */
void archive_write(struct archive *archive, const float *pcm, size_t frames);

/* The same, with the signature of playout_set_monitor. */
void archive_monitor(void *archive, const float *pcm, size_t frames);

/* Thread-safe snapshot. */
void archive_get_status(struct archive *archive, struct archive_status *status);

/* Writes what is queued, closes the current file properly, stops the
 * thread and frees.  archive_free(NULL) is a no-op. */
void archive_free(struct archive *archive);

/* Deletes the archive's hour files under folder whose hour ended more than
 * retention_days before now_ms, oldest first, and date folders left empty.
 * Files that are not the archive's are left alone.  Returns the number of
 * files deleted, or -1 when folder cannot be read.  Any thread. */
int archive_prune(const char *folder, int retention_days, int64_t now_ms);

/* The archive of the local day that begins at day_ms (UTC ms of local
 * midnight, from time_parse_date): a JSON object {"date", "hours": [{"hour",
 * "file", "start", "end", "seconds", "bytes"}...], "gaps": [{"start", "end",
 * "seconds"}...], "seconds"}; times ISO 8601.  Returns a new reference, or
 * NULL (with err) when the folder cannot be read.  Any thread. */
struct json_t *archive_list_day(const char *folder, const char *date, int64_t day_ms,
                                char *err, size_t err_size);

/* Parses a time for a clip: "YYYY-MM-DDTHH:MM[:SS[.mmm]]" (or a space for
 * the T) followed by "Z", "+HH:MM" or "-HH:MM", or by nothing for station
 * time.  Returns 0 with *ms (UTC ms), or -1. */
int archive_parse_time(const char *text, int64_t *ms);

/* Longest window a clip may cover. */
#define ARCHIVE_CLIP_MAX_SECONDS (3 * 3600)

/* Writes the window [from_ms, to_ms) of the archive to out_path as Ogg Opus
 * (48 kbit/s stereo at rate), decoded from the hour files with the media
 * reader and cut to the sample.  Returns 0; -2 when the window is not wholly
 * archived; -1 on another failure; err says why.  Any thread. */
int archive_clip_write(const char *folder, int rate, int64_t from_ms, int64_t to_ms,
                       const char *out_path, char *err, size_t err_size);

/* How archive_cut_write encodes. */
struct archive_cut {
        const char *format; /* an encoder format: "opus", "vorbis", "mp3" */
        int bitrate;        /* kbit/s */
        const char *title;  /* the stream's tags (Ogg formats); NULL: "clip from ..." */
        const char *artist;
        int max_seconds;   /* longest window accepted */
        bool private_file; /* out_path must not exist; created 0640 */
        /* bytes written before the audio (an MP3's ID3 tag), or NULL */
        const unsigned char *prefix;
        size_t prefix_len;
};

/* archive_clip_write with the format, tags and limit of cut. */
int archive_cut_write(const char *folder, int rate, int64_t from_ms, int64_t to_ms,
                      const struct archive_cut *cut, const char *out_path, char *err,
                      size_t err_size);

/* ---- podcasts (archive/podcast.c) ------------------------------------------
 *
 * Each airing of a show with podcast = 1 becomes an episode: once the slot
 * the grid gives it (sched_show_airings) has ended and show_grace has passed,
 * the episode is cut from the archive from the start of the first item that
 * began in the slot to the end of the last one (the as-run's times), as
 * 128 kbit/s CBR MP3, into FOLDER/podcast/SHOW_ID/YYYY-MM-DD-HHMM.mp3
 * (folders 0750, files 0640), and a podcast_episodes row is written with its
 * title ("<show> YYYY-MM-DD"), description (the titles that aired), bytes and
 * seconds.  An airing the archive does not wholly hold 10 minutes after its
 * end is recorded without a file and never tried again.  Episodes are kept as
 * long as the archive's retention_days. */

struct podcast;

/* Starts the podcast thread for config (archive_dir must be set): it opens
 * its own database connection and looks for finished airings every few
 * seconds.  NULL with *errstr. */
struct podcast *podcast_new(const struct config *config, const char **errstr);

/* Stops the thread (an episode being cut is finished first) and frees.
 * podcast_free(NULL) is a no-op. */
void podcast_free(struct podcast *podcast);

#endif
