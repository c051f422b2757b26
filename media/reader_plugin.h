/*
 * media/reader_plugin.h: the module's private interface of the reader plugins.
 * Only files in media/ include this; everyone else uses media/media.h.
 *
 * A reader_plugin decodes one kind of file into interleaved float at the
 * file's own rate and channel count.  The common code in reader.c chooses the
 * plugin by probing, then does the work every format shares: the downmix (or
 * mono spread) to stereo, the resampling to the station rate (libsoxr), the
 * NaN guard and the tags' clean-up.
 */
#ifndef SIARAN_MEDIA_READER_PLUGIN_H
#define SIARAN_MEDIA_READER_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/media.h"

/* The speaker a source channel feeds, for the shared downmix. */
enum reader_speaker {
        READER_SPEAKER_NONE, /* unknown, LFE, ambisonic X/Y/Z: no stereo image */
        READER_SPEAKER_CENTER,
        READER_SPEAKER_LEFT,
        READER_SPEAKER_RIGHT,
        READER_SPEAKER_LEFT_SIDE, /* left of the listener but not front left */
        READER_SPEAKER_RIGHT_SIDE,
};

/* What a plugin learned at open. */
struct reader_format {
        int rate;       /* the source's sample rate */
        int channels;   /* the source's channel count */
        int64_t frames; /* length in source frames, -1 when unknown */
};

/* The base of every plugin instance; a plugin embeds it as its first member.
 * Set by reader.c after open. */
struct reader_source {
        const struct reader_plugin *plugin;
};

enum reader_tag { READER_TAG_TITLE, READER_TAG_ARTIST };

struct reader_plugin {
        /* For logs: "sndfile", "ffmpeg". */
        const char *name;

        /* How sure the plugin is that it reads path, whose first head_len
         * bytes are in head (zero-padded by at least 64 bytes): 0 (not its
         * kind) to 100 (certain).  The highest score opens the file; on a tie
         * the plugin listed first wins.  Must not keep anything open. */
        int (*probe)(const char *path, const unsigned char *head, size_t head_len);

        /* Opens path and fills format.  Decodes nothing the caller could miss:
         * what it decodes to learn the format is returned by the first read.
         * NULL with *errstr (a static one-line reason) on failure. */
        struct reader_source *(*open)(const char *path, struct reader_format *format,
                                      const char **errstr);

        /* Decodes up to frames frames of interleaved float (format.channels
         * per frame, nominally in [-1, 1]) into buf.  Returns the number
         * read, 0 at the end, -1 on a decoding error (a truncated or damaged
         * file included). */
        long (*read)(struct reader_source *source, float *buf, size_t frames);

        /* Positions the next read at source frame.  0 or -1.  Optional: NULL
         * means the plugin cannot seek. */
        int (*seek)(struct reader_source *source, int64_t frame);

        /* Fills map[format.channels] with each channel's speaker.  Returns
         * false when the layout is unknown.  Optional: only asked about
         * sources with more than two channels. */
        bool (*speakers)(struct reader_source *source, enum reader_speaker *map);

        /* A tag of the file, borrowed until close; NULL when absent. */
        const char *(*tag)(struct reader_source *source, enum reader_tag which);

        /* The lower-case file name extension that names the file's format
         * ("m4a", "flac"), or NULL when there is none worth keeping.  Optional. */
        const char *(*extension)(struct reader_source *source);

        /* Closes the file and frees everything. */
        void (*close)(struct reader_source *source);
};

extern const struct reader_plugin sndfile_reader_plugin;
extern const struct reader_plugin ffmpeg_reader_plugin;

/* The extension naming the format of the file at path as the plugin that
 * reads it says, or NULL (unreadable, or no such name): for the file store. */
const char *media_reader_detect_extension(const char *path);

#endif
