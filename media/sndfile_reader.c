/* The libsndfile reader plugin: WAV, FLAC, Ogg Vorbis, Ogg Opus, MP3, AIFF
 * and the rest of what libsndfile decodes. */
#define LOG_MODULE "media"
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "media/reader_plugin.h"

struct sndfile_source {
        struct reader_source base;
        SNDFILE *file;
        SF_INFO info;
};

static struct sndfile_source *to_sndfile(struct reader_source *source)
{
        return (struct sndfile_source *)source;
}

/* libsndfile has no probe of its own: opening is its probe.  A file it
 * recognises but cannot read (a WAV header that lies) still scores 1, so that
 * unless another plugin reads it, the refusal carries libsndfile's reason. */
static int sndfile_probe(const char *path, const unsigned char *head, size_t head_len)
{
        (void)head;
        (void)head_len;
        SF_INFO info = {0};
        SNDFILE *file = sf_open(path, SFM_READ, &info);
        if (file) {
                sf_close(file);
                return 100;
        }
        int error = sf_error(NULL);
        return error == SF_ERR_MALFORMED_FILE || error == SF_ERR_UNSUPPORTED_ENCODING ? 1
                                                                                      : 0;
}

static const char *open_error_reason(void)
{
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

static struct reader_source *sndfile_open(const char *path, struct reader_format *format,
                                          const char **errstr)
{
        struct sndfile_source *s = xcalloc(1, sizeof *s);
        s->file = sf_open(path, SFM_READ, &s->info);
        if (!s->file) {
                *errstr = open_error_reason();
                free(s);
                return NULL;
        }
        /* Make integer formats decode to [-1, 1) rather than clipping; float
         * files keep their values. */
        sf_command(s->file, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
        format->rate = s->info.samplerate;
        format->channels = s->info.channels;
        format->frames = s->info.frames >= 0 && s->info.frames < SF_COUNT_MAX / 4
                             ? s->info.frames
                             : -1;
        log_debug("%s: libsndfile format 0x%06x, %lld frames", path, s->info.format,
                  (long long)s->info.frames);
        return &s->base;
}

static long sndfile_read(struct reader_source *source, float *buf, size_t frames)
{
        struct sndfile_source *s = to_sndfile(source);
        sf_count_t got = sf_readf_float(s->file, buf, (sf_count_t)frames);
        if (got < 0 || (got == 0 && sf_error(s->file) != SF_ERR_NO_ERROR)) {
                log_debug("decoding error: %s", sf_strerror(s->file));
                return -1;
        }
        return (long)got;
}

static int sndfile_seek(struct reader_source *source, int64_t frame)
{
        struct sndfile_source *s = to_sndfile(source);
        if (s->info.frames > 0 && frame > s->info.frames)
                frame = s->info.frames;
        if (sf_seek(s->file, frame, SEEK_SET) < 0) {
                log_debug("seek to %lld failed: %s", (long long)frame,
                          sf_strerror(s->file));
                return -1;
        }
        return 0;
}

static enum reader_speaker speaker_of(int position)
{
        switch (position) {
        case SF_CHANNEL_MAP_MONO:
        case SF_CHANNEL_MAP_CENTER:
        case SF_CHANNEL_MAP_FRONT_CENTER:
        case SF_CHANNEL_MAP_TOP_CENTER:
        case SF_CHANNEL_MAP_TOP_FRONT_CENTER:
        case SF_CHANNEL_MAP_REAR_CENTER:
        case SF_CHANNEL_MAP_TOP_REAR_CENTER:
        case SF_CHANNEL_MAP_AMBISONIC_B_W:
                return READER_SPEAKER_CENTER;
        case SF_CHANNEL_MAP_LEFT:
        case SF_CHANNEL_MAP_FRONT_LEFT:
                return READER_SPEAKER_LEFT;
        case SF_CHANNEL_MAP_RIGHT:
        case SF_CHANNEL_MAP_FRONT_RIGHT:
                return READER_SPEAKER_RIGHT;
        case SF_CHANNEL_MAP_FRONT_LEFT_OF_CENTER:
        case SF_CHANNEL_MAP_REAR_LEFT:
        case SF_CHANNEL_MAP_SIDE_LEFT:
        case SF_CHANNEL_MAP_TOP_FRONT_LEFT:
        case SF_CHANNEL_MAP_TOP_REAR_LEFT:
                return READER_SPEAKER_LEFT_SIDE;
        case SF_CHANNEL_MAP_FRONT_RIGHT_OF_CENTER:
        case SF_CHANNEL_MAP_REAR_RIGHT:
        case SF_CHANNEL_MAP_SIDE_RIGHT:
        case SF_CHANNEL_MAP_TOP_FRONT_RIGHT:
        case SF_CHANNEL_MAP_TOP_REAR_RIGHT:
                return READER_SPEAKER_RIGHT_SIDE;
        default: /* LFE and the ambisonic X/Y/Z components carry no stereo image */
                return READER_SPEAKER_NONE;
        }
}

/* The speaker each channel feeds, from the file's channel map when it has one
 * (WAVE_FORMAT_EXTENSIBLE, CAF, ...), else from the usual order of the format:
 * Vorbis and Opus order (L C R ...) for Ogg, WAV/SMPTE order (L R C LFE ...)
 * for the rest. */
static bool sndfile_speakers(struct reader_source *source, enum reader_speaker *out)
{
        struct sndfile_source *s = to_sndfile(source);
        int n = s->info.channels;
        int map[64];
        if (n < 1 || n > 64)
                return false;
        if (sf_command(s->file, SFC_GET_CHANNEL_MAP_INFO, map, (int)(n * sizeof *map)) ==
            SF_TRUE) {
                for (int i = 0; i < n; i++) {
                        if (map[i] == SF_CHANNEL_MAP_INVALID ||
                            map[i] >= SF_CHANNEL_MAP_MAX)
                                return false;
                        out[i] = speaker_of(map[i]);
                }
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
        bool ogg = (s->info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_OGG;
        for (int i = 0; i < n; i++)
                out[i] = speaker_of(ogg ? vorbis_order[n][i] : wav_order[n][i]);
        return true;
}

static const char *sndfile_tag(struct reader_source *source, enum reader_tag which)
{
        struct sndfile_source *s = to_sndfile(source);
        return sf_get_string(s->file,
                             which == READER_TAG_TITLE ? SF_STR_TITLE : SF_STR_ARTIST);
}

static const char *sndfile_extension(struct reader_source *source)
{
        struct sndfile_source *s = to_sndfile(source);
        int major = s->info.format & SF_FORMAT_TYPEMASK;
        int sub = s->info.format & SF_FORMAT_SUBMASK;
        if (major == SF_FORMAT_WAV || major == SF_FORMAT_WAVEX || major == SF_FORMAT_RF64)
                return "wav";
        if (major == SF_FORMAT_FLAC)
                return "flac";
        if (major == SF_FORMAT_OGG && sub == SF_FORMAT_OPUS)
                return "opus";
        if (major == SF_FORMAT_OGG)
                return "ogg";
        if (major == SF_FORMAT_MPEG)
                return "mp3";
        return NULL;
}

static void sndfile_close(struct reader_source *source)
{
        struct sndfile_source *s = to_sndfile(source);
        if (s->file)
                sf_close(s->file);
        free(s);
}

const struct reader_plugin sndfile_reader_plugin = {
    .name = "sndfile",
    .probe = sndfile_probe,
    .open = sndfile_open,
    .read = sndfile_read,
    .seek = sndfile_seek,
    .speakers = sndfile_speakers,
    .tag = sndfile_tag,
    .extension = sndfile_extension,
    .close = sndfile_close,
};
