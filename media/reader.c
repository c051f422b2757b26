/* The media reader: any file libsndfile decodes, as interleaved float stereo
 * at the station rate.  The path per block is: libsndfile -> downmix to
 * stereo at the source rate -> libsoxr (only when the rates differ) -> the
 * caller's buffer.  Downmixing first means the resampler always works on two
 * channels, whatever the source has.  All buffers are allocated at open, so
 * reading allocates nothing. */
#define LOG_MODULE "media"
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <soxr.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "media/media.h"

/* Source frames decoded per refill: the engine asks for ~1024 frames. */
#define BLOCK_FRAMES 4096
/* Rates outside this range are either broken headers or would make the
 * resampler's filters absurdly large. */
#define MIN_SOURCE_RATE 1000
#define MAX_SOURCE_RATE 768000
#define MAX_SOURCE_CHANNELS 64

struct media_reader {
        SNDFILE *file;
        SF_INFO info;
        int out_rate;
        soxr_t soxr;    /* NULL when the source is already at out_rate */
        float *decoded; /* BLOCK_FRAMES * channels, used when channels > 2 */
        float *stage;   /* BLOCK_FRAMES * 2: stereo at the source rate */
        size_t stage_pos, stage_len;
        float (*mix)[2];  /* channels x {left, right} gains for downmixing */
        bool source_done; /* libsndfile returned end of file */
        bool flushed;     /* soxr has been told the input ended and drained */
        bool failed;
        int64_t frames_out; /* -1 when unknown */
        char *title, *artist;
};

static bool is_ogg_order(int format)
{
        int major = format & SF_FORMAT_TYPEMASK;
        return major == SF_FORMAT_OGG;
}

/* The speaker each channel feeds, from the file's channel map when it has one
 * (WAVE_FORMAT_EXTENSIBLE, CAF, ...), else from the usual order of the format:
 * Vorbis and Opus order (L C R ...) for Ogg, WAV/SMPTE order (L R C LFE ...)
 * for the rest.  Returns false when the layout is unknown. */
static bool channel_layout(SNDFILE *file, const SF_INFO *info, int *map)
{
        int n = info->channels;
        if (sf_command(file, SFC_GET_CHANNEL_MAP_INFO, map, (int)(n * sizeof *map)) ==
            SF_TRUE) {
                for (int i = 0; i < n; i++)
                        if (map[i] == SF_CHANNEL_MAP_INVALID ||
                            map[i] >= SF_CHANNEL_MAP_MAX)
                                return false;
                return true;
        }
        enum {
                L = SF_CHANNEL_MAP_FRONT_LEFT,
                R = SF_CHANNEL_MAP_FRONT_RIGHT,
                C = SF_CHANNEL_MAP_FRONT_CENTER,
                LFE = SF_CHANNEL_MAP_LFE,
                BL = SF_CHANNEL_MAP_REAR_LEFT,
                BR = SF_CHANNEL_MAP_REAR_RIGHT,
                BC = SF_CHANNEL_MAP_REAR_CENTER,
                SL = SF_CHANNEL_MAP_SIDE_LEFT,
                SR = SF_CHANNEL_MAP_SIDE_RIGHT,
        };
        static const int wav_order[9][8] = {
            [3] = {L, R, C},
            [4] = {L, R, BL, BR},
            [5] = {L, R, C, BL, BR},
            [6] = {L, R, C, LFE, BL, BR},
            [7] = {L, R, C, LFE, BC, SL, SR},
            [8] = {L, R, C, LFE, BL, BR, SL, SR},
        };
        /* Vorbis I specification, section 4.3.9; Opus mapping family 1 uses it too */
        static const int vorbis_order[9][8] = {
            [3] = {L, C, R},
            [4] = {L, R, BL, BR},
            [5] = {L, C, R, BL, BR},
            [6] = {L, C, R, BL, BR, LFE},
            [7] = {L, C, R, SL, SR, BC, LFE},
            [8] = {L, C, R, SL, SR, BL, BR, LFE},
        };
        if (n < 3 || n > 8)
                return false;
        memcpy(map, is_ogg_order(info->format) ? vorbis_order[n] : wav_order[n],
               (size_t)n * sizeof *map);
        return true;
}

/* Gains of one speaker into left and right: the ITU-R BS.775 style stereo
 * downmix (centre and surrounds at -3 dB, LFE left out). */
static void speaker_gains(int speaker, float *left, float *right)
{
        const float h = (float)M_SQRT1_2;
        *left = *right = 0.0f;
        switch (speaker) {
        case SF_CHANNEL_MAP_MONO:
        case SF_CHANNEL_MAP_CENTER:
        case SF_CHANNEL_MAP_FRONT_CENTER:
        case SF_CHANNEL_MAP_TOP_CENTER:
        case SF_CHANNEL_MAP_TOP_FRONT_CENTER:
        case SF_CHANNEL_MAP_REAR_CENTER:
        case SF_CHANNEL_MAP_TOP_REAR_CENTER:
        case SF_CHANNEL_MAP_AMBISONIC_B_W:
                *left = *right = h;
                break;
        case SF_CHANNEL_MAP_LEFT:
        case SF_CHANNEL_MAP_FRONT_LEFT:
                *left = 1.0f;
                break;
        case SF_CHANNEL_MAP_RIGHT:
        case SF_CHANNEL_MAP_FRONT_RIGHT:
                *right = 1.0f;
                break;
        case SF_CHANNEL_MAP_FRONT_LEFT_OF_CENTER:
        case SF_CHANNEL_MAP_REAR_LEFT:
        case SF_CHANNEL_MAP_SIDE_LEFT:
        case SF_CHANNEL_MAP_TOP_FRONT_LEFT:
        case SF_CHANNEL_MAP_TOP_REAR_LEFT:
                *left = h;
                break;
        case SF_CHANNEL_MAP_FRONT_RIGHT_OF_CENTER:
        case SF_CHANNEL_MAP_REAR_RIGHT:
        case SF_CHANNEL_MAP_SIDE_RIGHT:
        case SF_CHANNEL_MAP_TOP_FRONT_RIGHT:
        case SF_CHANNEL_MAP_TOP_REAR_RIGHT:
                *right = h;
                break;
        default: /* LFE and the ambisonic X/Y/Z components carry no stereo image */
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
        int n = r->info.channels;
        int *map = xcalloc((size_t)n, sizeof *map);
        r->mix = xcalloc((size_t)n, sizeof *r->mix);
        if (channel_layout(r->file, &r->info, map)) {
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
        int ch = r->info.channels;
        sf_count_t got;
        r->stage_pos = r->stage_len = 0;
        if (r->source_done)
                return 0;
        if (ch == 2) {
                got = sf_readf_float(r->file, r->stage, BLOCK_FRAMES);
        } else if (ch == 1) {
                got = sf_readf_float(r->file, r->stage, BLOCK_FRAMES);
                /* spread in place from the back so nothing is overwritten early */
                for (sf_count_t i = got - 1; i >= 0; i--)
                        r->stage[2 * i] = r->stage[2 * i + 1] = r->stage[i];
        } else {
                got = sf_readf_float(r->file, r->decoded, BLOCK_FRAMES);
                const float *in = r->decoded;
                for (sf_count_t i = 0; i < got; i++, in += ch) {
                        float left = 0.0f, right = 0.0f;
                        for (int c = 0; c < ch; c++) {
                                left += in[c] * r->mix[c][0];
                                right += in[c] * r->mix[c][1];
                        }
                        r->stage[2 * i] = left;
                        r->stage[2 * i + 1] = right;
                }
        }
        if (got < 0 || (got == 0 && sf_error(r->file) != SF_ERR_NO_ERROR)) {
                log_debug("decoding error: %s", sf_strerror(r->file));
                return -1;
        }
        if (got == 0) {
                r->source_done = true;
                return 0;
        }
        /* Lossy decoders can produce NaN or infinities from corrupt frames; one
         * such sample would poison the resampler, the mixer and the limiter. */
        for (sf_count_t i = 0; i < 2 * got; i++)
                if (!isfinite(r->stage[i]))
                        r->stage[i] = 0.0f;
        r->stage_len = (size_t)got;
        return got;
}

static const char *open_error_reason(const char *path)
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
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                return "a folder, not a file";
        if (stat(path, &st) == 0 && st.st_size == 0)
                return "empty file";
        switch (sf_error(NULL)) {
        case SF_ERR_UNRECOGNISED_FORMAT:
                return "not an audio file (unrecognised format)";
        case SF_ERR_MALFORMED_FILE:
                return "malformed audio file";
        case SF_ERR_UNSUPPORTED_ENCODING:
                return "unsupported audio encoding";
        case SF_ERR_SYSTEM:
                return "cannot read the file";
        default:
                return "not an audio file (cannot decode it)";
        }
}

static char *tag_copy(SNDFILE *file, int which)
{
        const char *s = sf_get_string(file, which);
        if (!s)
                return NULL;
        /* skip tags that are only blanks: they are as good as absent */
        const char *p = s;
        while (*p == ' ' || *p == '\t')
                p++;
        return *p ? xstrdup(s) : NULL;
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
        r->file = sf_open(path, SFM_READ, &r->info);
        if (!r->file) {
                reason = open_error_reason(path);
                goto fail;
        }
        if (r->info.channels < 1 || r->info.channels > MAX_SOURCE_CHANNELS) {
                reason = "unsupported channel count";
                goto fail;
        }
        if (r->info.samplerate < MIN_SOURCE_RATE ||
            r->info.samplerate > MAX_SOURCE_RATE) {
                reason = "unsupported sample rate";
                goto fail;
        }
        if (r->info.frames == 0) {
                reason = "no audio frames";
                goto fail;
        }
        /* Make integer formats decode to [-1, 1) rather than clipping; float
         * files keep their values. */
        sf_command(r->file, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);

        r->stage = xmalloc(BLOCK_FRAMES * 2 * sizeof *r->stage);
        if (r->info.channels > 2) {
                r->decoded = xmalloc((size_t)BLOCK_FRAMES * (size_t)r->info.channels *
                                     sizeof(float));
                build_downmix(r);
        }
        if (r->info.samplerate != out_rate) {
                soxr_error_t error = NULL;
                soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
                soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
                soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
                r->soxr = soxr_create(r->info.samplerate, out_rate, MEDIA_CHANNELS,
                                      &error, &io, &quality, &runtime);
                if (!r->soxr || error) {
                        reason = "cannot create the resampler";
                        goto fail;
                }
        }
        if (r->info.frames > 0 && r->info.frames < SF_COUNT_MAX / 4) {
                /* rounded like the resampler's output length */
                r->frames_out = (int64_t)llround((double)r->info.frames * out_rate /
                                                 r->info.samplerate);
        } else {
                r->frames_out = -1;
        }

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
        r->title = tag_copy(r->file, SF_STR_TITLE);
        r->artist = tag_copy(r->file, SF_STR_ARTIST);
        log_debug("opened %s: %d Hz, %d channels, format 0x%06x, %lld frames", path,
                  r->info.samplerate, r->info.channels, r->info.format,
                  (long long)r->info.frames);
        return r;
fail:
        log_debug("cannot open %s: %s", path, reason);
        if (errstr)
                *errstr = reason;
        media_reader_free(r);
        return NULL;
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
        if (frame < 0)
                return -1;
        int64_t source_frame = frame;
        if (reader->soxr)
                source_frame = (int64_t)llround((double)frame * reader->info.samplerate /
                                                reader->out_rate);
        if (reader->info.frames > 0 && source_frame > reader->info.frames)
                source_frame = reader->info.frames;
        if (sf_seek(reader->file, source_frame, SEEK_SET) < 0) {
                log_debug("seek to %lld failed: %s", (long long)source_frame,
                          sf_strerror(reader->file));
                return -1;
        }
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
        return reader->info.samplerate;
}

int media_reader_source_channels(const struct media_reader *reader)
{
        return reader->info.channels;
}

void media_reader_free(struct media_reader *reader)
{
        if (!reader)
                return;
        if (reader->file)
                sf_close(reader->file);
        if (reader->soxr)
                soxr_delete(reader->soxr);
        free(reader->decoded);
        free(reader->stage);
        free(reader->mix);
        free(reader->title);
        free(reader->artist);
        free(reader);
}
