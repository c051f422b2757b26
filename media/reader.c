/* The media reader: any file a reader plugin decodes, as interleaved float
 * stereo at the station rate.  The plugins are tried by probing (see
 * reader_plugin.h); the path per block is then: plugin -> downmix to stereo
 * at the source rate -> libsoxr (only when the rates differ) -> the caller's
 * buffer.  Downmixing first means the resampler always works on two channels,
 * whatever the source has, and every plugin gets the same mix and the same
 * resampler.  All buffers are allocated at open, so this layer allocates
 * nothing while reading. */
#define LOG_MODULE "media"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <soxr.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "media/reader_plugin.h"

/* Source frames decoded per refill: the engine asks for ~1024 frames. */
#define BLOCK_FRAMES 4096
/* Rates outside this range are either broken headers or would make the
 * resampler's filters absurdly large. */
#define MIN_SOURCE_RATE 1000
#define MAX_SOURCE_RATE 768000
#define MAX_SOURCE_CHANNELS 64
/* The bytes of a file's start the plugins probe: enough for every container
 * signature and a few frames of a raw stream (ADTS AAC, AMR). */
#define PROBE_BYTES 16384
#define PROBE_PADDING 64

static const struct reader_plugin *const reader_plugins[] = {
    &sndfile_reader_plugin,
    &ffmpeg_reader_plugin,
    NULL,
};

struct media_reader {
        const struct reader_plugin *plugin;
        struct reader_source *source;
        struct reader_format format;
        int out_rate;
        soxr_t soxr;    /* NULL when the source is already at out_rate */
        float *decoded; /* BLOCK_FRAMES * channels, used when channels > 2 */
        float *stage;   /* BLOCK_FRAMES * 2: stereo at the source rate */
        size_t stage_pos, stage_len;
        float (*mix)[2];  /* channels x {left, right} gains for downmixing */
        bool source_done; /* the plugin returned end of file */
        bool flushed;     /* soxr has been told the input ended and drained */
        bool failed;
        int64_t frames_out; /* -1 when unknown */
        char *title, *artist;
};

/* Gains of one speaker into left and right: the ITU-R BS.775 style stereo
 * downmix (centre and surrounds at -3 dB, LFE left out). */
static void speaker_gains(enum reader_speaker speaker, float *left, float *right)
{
        const float h = (float)M_SQRT1_2;
        *left = *right = 0.0f;
        switch (speaker) {
        case READER_SPEAKER_CENTER:
                *left = *right = h;
                break;
        case READER_SPEAKER_LEFT:
                *left = 1.0f;
                break;
        case READER_SPEAKER_RIGHT:
                *right = 1.0f;
                break;
        case READER_SPEAKER_LEFT_SIDE:
                *left = h;
                break;
        case READER_SPEAKER_RIGHT_SIDE:
                *right = h;
                break;
        case READER_SPEAKER_NONE:
                break;
        }
}

/* The downmix matrix for more than two channels.  Each output is normalised
 * so its gains sum to at most 1: a full-scale surround mix stays within full
 * scale, and the loudness measured at import (through this same reader)
 * brings it to the station's level anyway.  Unknown layouts average the
 * even channels into left and the odd ones into right. */
static void build_downmix(struct media_reader *r)
{
        int n = r->format.channels;
        enum reader_speaker *map = xcalloc((size_t)n, sizeof *map);
        r->mix = xcalloc((size_t)n, sizeof *r->mix);
        if (r->plugin->speakers && r->plugin->speakers(r->source, map)) {
                for (int i = 0; i < n; i++)
                        speaker_gains(map[i], &r->mix[i][0], &r->mix[i][1]);
        }
        float sum[2] = {0, 0};
        for (int i = 0; i < n; i++) {
                sum[0] += r->mix[i][0];
                sum[1] += r->mix[i][1];
        }
        if (sum[0] <= 0.0f || sum[1] <= 0.0f) {
                /* no usable layout: left gets the even channels, right the odd */
                int evens = (n + 1) / 2, odds = n / 2;
                for (int i = 0; i < n; i++) {
                        r->mix[i][0] = i % 2 == 0 ? 1.0f / (float)evens : 0.0f;
                        r->mix[i][1] = i % 2 == 1 ? 1.0f / (float)odds : 0.0f;
                }
        } else {
                for (int i = 0; i < n; i++) {
                        if (sum[0] > 1.0f)
                                r->mix[i][0] /= sum[0];
                        if (sum[1] > 1.0f)
                                r->mix[i][1] /= sum[1];
                }
        }
        free(map);
}

/* Decodes the next block of the source into the stereo stage.  Returns the
 * number of frames staged, 0 at the end, -1 on a decoding error. */
static long refill_stage(struct media_reader *r)
{
        int ch = r->format.channels;
        long got;
        r->stage_pos = r->stage_len = 0;
        if (r->source_done)
                return 0;
        if (ch == 2) {
                got = r->plugin->read(r->source, r->stage, BLOCK_FRAMES);
        } else if (ch == 1) {
                got = r->plugin->read(r->source, r->stage, BLOCK_FRAMES);
                /* spread in place from the back so nothing is overwritten early */
                for (long i = got - 1; i >= 0; i--)
                        r->stage[2 * i] = r->stage[2 * i + 1] = r->stage[i];
        } else {
                got = r->plugin->read(r->source, r->decoded, BLOCK_FRAMES);
                const float *in = r->decoded;
                for (long i = 0; i < got; i++, in += ch) {
                        float left = 0.0f, right = 0.0f;
                        for (int c = 0; c < ch; c++) {
                                left += in[c] * r->mix[c][0];
                                right += in[c] * r->mix[c][1];
                        }
                        r->stage[2 * i] = left;
                        r->stage[2 * i + 1] = right;
                }
        }
        if (got < 0 || got > BLOCK_FRAMES)
                return -1;
        if (got == 0) {
                r->source_done = true;
                return 0;
        }
        /* Lossy decoders can produce NaN or infinities from corrupt frames; one
         * such sample would poison the resampler, the mixer and the limiter. */
        for (long i = 0; i < 2 * got; i++)
                if (!isfinite(r->stage[i]))
                        r->stage[i] = 0.0f;
        r->stage_len = (size_t)got;
        return got;
}

/* Why path cannot be opened at all, or NULL when it can be read. */
static const char *file_error_reason(const char *path)
{
        if (access(path, R_OK) < 0) {
                switch (errno) {
                case ENOENT:
                case ENOTDIR:
                        return "file not found";
                case EACCES:
                        return "permission denied";
                default:
                        return "cannot open the file";
                }
        }
        struct stat st;
        if (stat(path, &st) < 0)
                return "cannot open the file";
        if (S_ISDIR(st.st_mode))
                return "a folder, not a file";
        if (!S_ISREG(st.st_mode))
                return "not a regular file";
        if (st.st_size == 0)
                return "empty file";
        return NULL;
}

/* The plugin with the highest probe score for path, or NULL when none
 * claims it (or the file cannot be read). */
static const struct reader_plugin *choose_plugin(const char *path)
{
        unsigned char *head = xcalloc(1, PROBE_BYTES + PROBE_PADDING);
        size_t len = 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                while (len < PROBE_BYTES) {
                        ssize_t n = read(fd, head + len, PROBE_BYTES - len);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0)
                                break;
                        len += (size_t)n;
                }
                close(fd);
        }
        const struct reader_plugin *best = NULL;
        int best_score = 0;
        for (size_t i = 0; fd >= 0 && reader_plugins[i]; i++) {
                int score = reader_plugins[i]->probe(path, head, len);
                if (score > best_score) {
                        best = reader_plugins[i];
                        best_score = score;
                }
                if (best_score >= 100) /* certain: the later ones cannot win */
                        break;
        }
        free(head);
        return best;
}

/* Opens the source with the plugin the probe chose.  NULL with *reason. */
static struct reader_source *open_source(const char *path,
                                         const struct reader_plugin **plugin,
                                         struct reader_format *format,
                                         const char **reason)
{
        *reason = file_error_reason(path);
        if (*reason)
                return NULL;
        *plugin = choose_plugin(path);
        if (!*plugin) {
                *reason = "not an audio file (unrecognised format)";
                return NULL;
        }
        struct reader_source *source = (*plugin)->open(path, format, reason);
        if (!source)
                return NULL;
        source->plugin = *plugin;
        return source;
}

static char *tag_copy(struct media_reader *r, enum reader_tag which)
{
        const char *s = r->plugin->tag ? r->plugin->tag(r->source, which) : NULL;
        if (!s)
                return NULL;
        /* skip tags that are only blanks: they are as good as absent */
        const char *p = s;
        while (*p == ' ' || *p == '\t')
                p++;
        return *p ? xstrdup(s) : NULL;
}

static int create_resampler(struct media_reader *r)
{
        soxr_error_t error = NULL;
        soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
        soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
        soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
        r->soxr = soxr_create(r->format.rate, r->out_rate, MEDIA_CHANNELS, &error, &io,
                              &quality, &runtime);
        return r->soxr && !error ? 0 : -1;
}

struct media_reader *media_reader_open(const char *path, int out_rate,
                                       const char **errstr)
{
        const char *reason = NULL;
        struct media_reader *r = xcalloc(1, sizeof *r);
        r->out_rate = out_rate;

        if (out_rate < 8000 || out_rate > 192000) {
                reason = "unsupported output rate";
                goto fail;
        }
        r->source = open_source(path, &r->plugin, &r->format, &reason);
        if (!r->source)
                goto fail;
        if (r->format.channels < 1 || r->format.channels > MAX_SOURCE_CHANNELS) {
                reason = "unsupported channel count";
                goto fail;
        }
        if (r->format.rate < MIN_SOURCE_RATE || r->format.rate > MAX_SOURCE_RATE) {
                reason = "unsupported sample rate";
                goto fail;
        }
        if (r->format.frames == 0) {
                reason = "no audio frames";
                goto fail;
        }

        r->stage = xmalloc(BLOCK_FRAMES * 2 * sizeof *r->stage);
        if (r->format.channels > 2) {
                r->decoded = xmalloc((size_t)BLOCK_FRAMES * (size_t)r->format.channels *
                                     sizeof(float));
                build_downmix(r);
        }
        if (r->format.rate != out_rate && create_resampler(r) < 0) {
                reason = "cannot create the resampler";
                goto fail;
        }
        /* rounded like the resampler's output length */
        r->frames_out =
            r->format.frames > 0
                ? (int64_t)llround((double)r->format.frames * out_rate / r->format.rate)
                : -1;

        /* Decode the first block now: a file whose header parses but whose audio
         * does not (or is empty) fails here, not in the middle of airing it. */
        long first = refill_stage(r);
        if (first < 0) {
                reason = "cannot decode the audio";
                goto fail;
        }
        if (first == 0) {
                /* libsndfile 1.2.0 also reads nothing from an Ogg file whose
                 * end is cut off (its length is then unknown) */
                reason = "no audio frames (empty, truncated or damaged)";
                goto fail;
        }
        r->title = tag_copy(r, READER_TAG_TITLE);
        r->artist = tag_copy(r, READER_TAG_ARTIST);
        log_debug("opened %s with %s: %d Hz, %d channels, %lld frames", path,
                  r->plugin->name, r->format.rate, r->format.channels,
                  (long long)r->format.frames);
        return r;
fail:
        log_debug("cannot open %s: %s", path, reason);
        if (errstr)
                *errstr = reason;
        media_reader_free(r);
        return NULL;
}

const char *media_reader_detect_extension(const char *path)
{
        const struct reader_plugin *plugin = NULL;
        struct reader_format format;
        const char *reason = NULL;
        struct reader_source *source = open_source(path, &plugin, &format, &reason);
        if (!source)
                return NULL;
        const char *ext = plugin->extension ? plugin->extension(source) : NULL;
        plugin->close(source);
        return ext;
}

/* Without resampling: copy staged frames out. */
static long read_direct(struct media_reader *r, float *buf, size_t frames)
{
        size_t got = 0;
        while (got < frames) {
                if (r->stage_pos == r->stage_len) {
                        long n = refill_stage(r);
                        if (n < 0)
                                return got > 0 ? (long)got : -1;
                        if (n == 0)
                                break;
                }
                size_t n = r->stage_len - r->stage_pos;
                if (n > frames - got)
                        n = frames - got;
                memcpy(buf + 2 * got, r->stage + 2 * r->stage_pos, n * 2 * sizeof *buf);
                r->stage_pos += n;
                got += n;
        }
        return (long)got;
}

/* Through the resampler, which writes straight into the caller's buffer. */
static long read_resampled(struct media_reader *r, float *buf, size_t frames)
{
        size_t got = 0;
        while (got < frames && !r->flushed) {
                if (r->stage_pos == r->stage_len && !r->source_done) {
                        long n = refill_stage(r);
                        if (n < 0) {
                                r->failed = true;
                                return got > 0 ? (long)got : -1;
                        }
                }
                size_t in_done = 0, out_done = 0;
                soxr_error_t error;
                if (r->stage_pos < r->stage_len) {
                        error = soxr_process(r->soxr, r->stage + 2 * r->stage_pos,
                                             r->stage_len - r->stage_pos, &in_done,
                                             buf + 2 * got, frames - got, &out_done);
                        r->stage_pos += in_done;
                        /* soxr always takes input while it has room to write;
                         * if it ever took none, looping would spin forever */
                        if (!error && in_done == 0 && out_done == 0)
                                error = "resampler made no progress";
                } else {
                        /* input ended: a NULL input asks soxr for its remaining tail */
                        error = soxr_process(r->soxr, NULL, 0, NULL, buf + 2 * got,
                                             frames - got, &out_done);
                        if (!error && out_done == 0)
                                r->flushed = true;
                }
                if (error) {
                        log_debug("resampler: %s", error);
                        r->failed = true;
                        return got > 0 ? (long)got : -1;
                }
                got += out_done;
        }
        return (long)got;
}

long media_reader_read(struct media_reader *reader, float *buf, size_t frames)
{
        if (reader->failed)
                return -1;
        if (frames == 0)
                return 0;
        long got = reader->soxr ? read_resampled(reader, buf, frames)
                                : read_direct(reader, buf, frames);
        if (got < 0)
                reader->failed = true;
        return got;
}

int media_reader_seek(struct media_reader *reader, int64_t frame)
{
        if (frame < 0 || !reader->plugin->seek)
                return -1;
        int64_t source_frame = frame;
        if (reader->soxr)
                source_frame = (int64_t)llround((double)frame * reader->format.rate /
                                                reader->out_rate);
        if (reader->plugin->seek(reader->source, source_frame) < 0)
                return -1;
        reader->stage_pos = reader->stage_len = 0;
        reader->source_done = false;
        reader->flushed = false;
        reader->failed = false;
        if (reader->soxr && soxr_clear(reader->soxr) != NULL)
                return -1;
        return 0;
}

int64_t media_reader_frames(const struct media_reader *reader)
{
        return reader->frames_out;
}

const char *media_reader_title(const struct media_reader *reader)
{
        return reader->title;
}

const char *media_reader_artist(const struct media_reader *reader)
{
        return reader->artist;
}

int media_reader_source_rate(const struct media_reader *reader)
{
        return reader->format.rate;
}

int media_reader_source_channels(const struct media_reader *reader)
{
        return reader->format.channels;
}

void media_reader_free(struct media_reader *reader)
{
        if (!reader)
                return;
        if (reader->source)
                reader->plugin->close(reader->source);
        if (reader->soxr)
                soxr_delete(reader->soxr);
        free(reader->decoded);
        free(reader->stage);
        free(reader->mix);
        free(reader->title);
        free(reader->artist);
        free(reader);
}
