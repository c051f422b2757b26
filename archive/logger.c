/*
 * logger.c: the archive's recorder.  The engine thread copies each output
 * block into a ring; the archive thread maps every frame to station time
 * (frame f airs at start_ms + f / rate, the engine's own timeline), cuts a new
 * file at the exact frame each hour begins, and encodes with the encoder
 * plugins into an unbuffered file sink.  libopusenc emits a page at least
 * every second of audio, so after a crash the file decodes to within about a
 * second of the kill.
 */
#define LOG_MODULE "archive"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "archive/archive.h"
#include "archive/archive_private.h"
#include "encoder/encoder.h"

/* Seconds of audio the queue holds: a disk that stalls longer loses audio
 * (the file then restarts as a new part) rather than the engine waiting. */
#define QUEUE_SECONDS 20
/* Frames the thread takes from the queue at a time. */
#define TAKE_FRAMES 4800
/* Audio the Opus encoder may hold before its page is written: what a crash
 * can lose on top of the queue. */
#define MAX_DELAY_MS 1000
/* How often free space is looked at. */
#define DISK_CHECK_MS 5000
/* A file that could not be created or written is tried again after this. */
#define RETRY_MS 5000
/* Retention runs at start and then this often. */
#define PRUNE_INTERVAL_MS (24LL * 3600 * 1000)

struct archive {
        char *folder;
        char *format; /* "opus" or "vorbis" */
        char *extension;
        char *station;
        int bitrate;
        int rate;
        int retention_days;
        int64_t segment_ms;
        int64_t min_free_mb;
        int64_t start_ms; /* UTC ms of frame 0 */

        /* Archive thread only. */
        struct encoder *encoder;
        struct sink *sink;
        int64_t file_end_frame; /* the frame at which the current file ends */
        float *chunk;
        int64_t next_disk_check_ns;
        int64_t next_prune_ns;
        /* After a file could not be created or written, nothing is tried
         * before this (a full or broken disk is not hammered every block). */
        int64_t retry_at_ns;

        pthread_t thread;
        bool thread_started;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        /* Guarded by lock. */
        float *ring; /* ring_frames stereo frames */
        size_t ring_frames;
        size_t head;        /* first queued frame in the ring */
        size_t queued;      /* frames queued */
        int64_t head_frame; /* stream frame number of the first queued frame */
        int64_t total;      /* frames handed to archive_write */
        bool broken;        /* frames were dropped before the queued ones */
        bool stop;
        struct archive_status status;
};

static int64_t frame_to_ms(const struct archive *a, int64_t frame)
{
        return a->start_ms + frame * 1000 / a->rate;
}

/* The first frame that airs at or after ms. */
static int64_t ms_to_frame(const struct archive *a, int64_t ms)
{
        int64_t d = (ms - a->start_ms) * a->rate;
        return d >= 0 ? (d + 999) / 1000 : -((-d) / 1000);
}

static void set_current(struct archive *a, const char *name, bool recording)
{
        pthread_mutex_lock(&a->lock);
        snprintf(a->status.current, sizeof a->status.current, "%s", name);
        a->status.recording = recording;
        if (recording)
                a->status.files++;
        pthread_mutex_unlock(&a->lock);
}

static void close_file(struct archive *a)
{
        if (!a->encoder)
                return;
        if (encoder_finish(a->encoder) < 0)
                log_error("cannot finish %s", a->status.current);
        struct sink_status st;
        sink_get_status(a->sink, &st);
        encoder_free(a->encoder);
        sink_free(a->sink);
        a->encoder = NULL;
        a->sink = NULL;
        pthread_mutex_lock(&a->lock);
        a->status.bytes += st.bytes_sent;
        pthread_mutex_unlock(&a->lock);
        set_current(a, "", false);
}

/* Creates FOLDER/DATE with mode 0750 if missing. */
static int make_day_folder(const char *path)
{
        if (mkdir(path, 0750) == 0 || errno == EEXIST)
                return 0;
        log_error("cannot create %s: %s", path, strerror(errno));
        return -1;
}

static struct encoder *make_encoder(struct archive *a, const char *errwhere)
{
        struct output_config oc = {.name = "archive",
                                   .format = a->format,
                                   .bitrate = a->bitrate,
                                   .quality = 0.0,
                                   .channels = 2,
                                   .max_delay_ms = MAX_DELAY_MS};
        const char *err = "unknown error";
        struct encoder *e = encoder_new(&oc, a->rate, &err);
        if (!e)
                log_error("%s: %s", errwhere, err);
        else
                encoder_set_chained(e, false);
        return e;
}

/* Opens the file for the segment that contains frame; 0 or -1. */
static int open_file(struct archive *a, int64_t frame)
{
        int64_t at_ms = frame_to_ms(a, frame);
        int64_t seg_start, seg_end;
        archive_segment_bounds(at_ms, a->segment_ms, &seg_start, &seg_end);
        char date[16], base[16];
        archive_segment_names(seg_start, a->segment_ms, date, sizeof date, base,
                              sizeof base);
        char path[4096], name[64];
        snprintf(path, sizeof path, "%s/%s", a->folder, date);
        if (make_day_folder(path) < 0)
                return -1;
        struct sink *sink = NULL;
        const char *err = "unknown error";
        for (int part = 1; part < 100 && !sink; part++) {
                if (part == 1)
                        snprintf(name, sizeof name, "%s/%s.%s", date, base, a->extension);
                else
                        snprintf(name, sizeof name, "%s/%s.part%d.%s", date, base, part,
                                 a->extension);
                snprintf(path, sizeof path, "%s/%s", a->folder, name);
                sink = sink_file_new_unbuffered(path, &err);
                if (!sink && strcmp(err, "the file exists") != 0)
                        break;
        }
        if (!sink) {
                log_error("cannot create %s/%s: %s", a->folder, name, err);
                return -1;
        }
        struct encoder *e = make_encoder(a, name);
        if (!e) {
                sink_free(sink);
                remove(path);
                return -1;
        }
        char start[32], title[256], when[32];
        snprintf(start, sizeof start, "%lld", (long long)at_ms);
        time_format_local(seg_start, when, sizeof when);
        when[16] = '\0'; /* "YYYY-MM-DD HH:MM" */
        snprintf(title, sizeof title, "%s %s", a->station, when);
        encoder_add_sink(e, sink);
        encoder_set_comment(e, ARCHIVE_START_TAG, start);
        encoder_begin_item(e, title, a->station);
        a->encoder = e;
        a->sink = sink;
        a->file_end_frame = ms_to_frame(a, seg_end);
        set_current(a, name, true);
        log_info("recording %s", name);
        return 0;
}

static void check_disk(struct archive *a)
{
        int64_t now = time_monotonic_ns();
        if (now < a->next_disk_check_ns)
                return;
        a->next_disk_check_ns = now + DISK_CHECK_MS * 1000000LL;
        struct statvfs vfs;
        if (statvfs(a->folder, &vfs) != 0)
                return;
        int64_t free_mb =
            (int64_t)((unsigned long long)vfs.f_bavail * vfs.f_frsize >> 20);
        pthread_mutex_lock(&a->lock);
        bool was_paused = a->status.paused;
        a->status.free_mb = free_mb;
        bool paused = free_mb < a->min_free_mb;
        a->status.paused = paused;
        pthread_mutex_unlock(&a->lock);
        if (paused && !was_paused) {
                log_error("disk guard: %lld MB free on %s, below min_free_mb = %lld; "
                          "archiving paused",
                          (long long)free_mb, a->folder, (long long)a->min_free_mb);
                close_file(a);
        } else if (!paused && was_paused) {
                log_info("disk guard: %lld MB free on %s; archiving resumes",
                         (long long)free_mb, a->folder);
        }
}

static void maybe_prune(struct archive *a)
{
        int64_t now = time_monotonic_ns();
        if (now < a->next_prune_ns)
                return;
        a->next_prune_ns = now + PRUNE_INTERVAL_MS * 1000000LL;
        int n = archive_prune(a->folder, a->retention_days, time_now_ms());
        if (n > 0)
                log_info("retention: deleted %d hour file(s) older than %d days", n,
                         a->retention_days);
}

/* Encodes n frames that begin at stream frame `frame`, cutting files at
 * their segment ends. */
static void record_frames(struct archive *a, const float *pcm, int64_t frame, size_t n)
{
        while (n > 0) {
                if (a->status.paused)
                        return;
                if (!a->encoder && time_monotonic_ns() < a->retry_at_ns)
                        return;
                if (!a->encoder && open_file(a, frame) < 0) {
                        a->retry_at_ns = time_monotonic_ns() + RETRY_MS * 1000000LL;
                        return;
                }
                size_t take = n;
                if (a->file_end_frame - frame < (int64_t)take)
                        take = (size_t)(a->file_end_frame - frame);
                if (take > 0 && encoder_write(a->encoder, pcm, take) < 0) {
                        log_error("cannot write %s; it ends here", a->status.current);
                        close_file(a);
                        a->next_disk_check_ns = 0; /* is the disk full? */
                        a->retry_at_ns = time_monotonic_ns() + RETRY_MS * 1000000LL;
                        return;
                }
                pcm += 2 * take;
                frame += (int64_t)take;
                n -= take;
                if (frame >= a->file_end_frame)
                        close_file(a);
        }
}

static void *archive_thread(void *arg)
{
        struct archive *a = arg;
        for (;;) {
                pthread_mutex_lock(&a->lock);
                /* At most a second's wait, so that the disk and retention
                 * checks run even when no audio comes. */
                if (a->queued == 0 && !a->stop) {
                        struct timespec ts;
                        clock_gettime(CLOCK_REALTIME, &ts);
                        ts.tv_sec += 1;
                        pthread_cond_timedwait(&a->wake, &a->lock, &ts);
                }
                if (a->queued == 0 && a->stop) {
                        pthread_mutex_unlock(&a->lock);
                        break;
                }
                size_t n = a->queued < TAKE_FRAMES ? a->queued : TAKE_FRAMES;
                for (size_t i = 0; i < n; i++) {
                        size_t at = (a->head + i) % a->ring_frames;
                        a->chunk[2 * i] = a->ring[2 * at];
                        a->chunk[2 * i + 1] = a->ring[2 * at + 1];
                }
                int64_t frame = a->head_frame;
                bool broken = a->broken;
                a->broken = false;
                a->head = (a->head + n) % a->ring_frames;
                a->queued -= n;
                a->head_frame += (int64_t)n;
                pthread_mutex_unlock(&a->lock);

                if (broken)
                        close_file(a);
                maybe_prune(a);
                check_disk(a);
                if (n > 0)
                        record_frames(a, a->chunk, frame, n);
        }
        close_file(a);
        return NULL;
}

void archive_write(struct archive *a, const float *pcm, size_t frames)
{
        pthread_mutex_lock(&a->lock);
        a->total += (int64_t)frames;
        if (a->ring_frames - a->queued < frames) {
                /* The disk is too slow: drop everything waiting and restart
                 * with the next block, so what is archived stays in order. */
                a->status.dropped += (int64_t)(a->queued + frames);
                a->head = 0;
                a->queued = 0;
                a->head_frame = a->total;
                a->broken = true;
        } else {
                size_t tail = (a->head + a->queued) % a->ring_frames;
                size_t first =
                    a->ring_frames - tail < frames ? a->ring_frames - tail : frames;
                memcpy(a->ring + 2 * tail, pcm, first * 2 * sizeof *pcm);
                memcpy(a->ring, pcm + 2 * first, (frames - first) * 2 * sizeof *pcm);
                a->queued += frames;
        }
        pthread_cond_signal(&a->wake);
        pthread_mutex_unlock(&a->lock);
}

void archive_monitor(void *archive, const float *pcm, size_t frames)
{
        archive_write(archive, pcm, frames);
}

void archive_get_status(struct archive *a, struct archive_status *status)
{
        pthread_mutex_lock(&a->lock);
        *status = a->status;
        pthread_mutex_unlock(&a->lock);
}

struct archive *archive_new(const struct config *config, int64_t start_ms,
                            const char **errstr)
{
        if (!config->archive_dir) {
                *errstr = "no [archive] folder";
                return NULL;
        }
        if (mkdir(config->archive_dir, 0750) != 0 && errno != EEXIST) {
                *errstr = "cannot create the archive folder";
                return NULL;
        }
        struct archive *a = xcalloc(1, sizeof *a);
        a->folder = xstrdup(config->archive_dir);
        a->format = xstrdup(config->archive_format ? config->archive_format : "opus");
        a->extension = xstrdup(strcmp(a->format, "vorbis") == 0 ? "ogg" : "opus");
        a->station = xstrdup(config->station_name);
        a->bitrate = config->archive_bitrate;
        a->rate = config->samplerate;
        a->retention_days = config->archive_retention_days;
        a->segment_ms = (int64_t)config->archive_segment_seconds * 1000;
        a->min_free_mb = config->archive_min_free_mb;
        a->start_ms = start_ms;
        a->ring_frames = (size_t)a->rate * QUEUE_SECONDS;
        a->ring = xmalloc(a->ring_frames * 2 * sizeof *a->ring);
        a->chunk = xmalloc(TAKE_FRAMES * 2 * sizeof *a->chunk);
        pthread_mutex_init(&a->lock, NULL);
        pthread_cond_init(&a->wake, NULL);
        /* A format the encoders refuse is a configuration error, found now. */
        struct encoder *probe = make_encoder(a, "[archive]");
        if (!probe) {
                *errstr = "the archive's format or bitrate is not supported";
                archive_free(a);
                return NULL;
        }
        encoder_free(probe);
        if (pthread_create(&a->thread, NULL, archive_thread, a) != 0) {
                *errstr = "cannot start the archive thread";
                archive_free(a);
                return NULL;
        }
        a->thread_started = true;
        log_info("archiving to %s (%s, %d kbit/s, %d days)", a->folder, a->format,
                 a->bitrate, a->retention_days);
        return a;
}

void archive_free(struct archive *a)
{
        if (!a)
                return;
        if (a->thread_started) {
                pthread_mutex_lock(&a->lock);
                a->stop = true;
                pthread_cond_signal(&a->wake);
                pthread_mutex_unlock(&a->lock);
                pthread_join(a->thread, NULL);
        }
        close_file(a);
        pthread_mutex_destroy(&a->lock);
        pthread_cond_destroy(&a->wake);
        free(a->ring);
        free(a->chunk);
        free(a->folder);
        free(a->format);
        free(a->extension);
        free(a->station);
        free(a);
}
