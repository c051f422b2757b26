/*
 * encoder/plugin.h: the module's private plugin interfaces.  Only files in
 * encoder/ include this; everyone else uses encoder/encoder.h.
 *
 * An encoder_plugin turns float PCM (already at the output's rate and channel
 * count) into a byte stream; the common code in encoder.c does the channel and
 * rate conversion, decides when a new logical stream starts and hands every
 * produced page to the sinks.  A sink_plugin receives those pages.
 */
#ifndef SIARAN_ENCODER_PLUGIN_H
#define SIARAN_ENCODER_PLUGIN_H

#include "encoder/encoder.h"

/* ---- encoder plugins ------------------------------------------------------ */

/* The base of every plugin instance; a plugin embeds it as its first member.
 * Set by encoder.c after open. */
struct codec {
        const struct encoder_plugin *plugin;
        struct encoder *encoder; /* where encoded pages go, via encoder_emit() */
        /* One more comment for every stream's tags ("" when none), set by
         * encoder_set_comment; borrowed from the encoder. */
        const char *extra_key;
        const char *extra_value;
};

struct encoder_plugin {
        /* The output_config.format value this plugin handles ("vorbis"). */
        const char *name;

        /* True if the plugin's output is Ogg (sinks may then wait for a
         * beginning-of-stream page after a reconnect). */
        bool ogg;

        /* Creates the codec for rate and channels (1 or 2) with the settings of
         * output.  No output yet.  NULL with *errstr (static) on bad settings. */
        struct codec *(*open)(const struct output_config *output, int rate, int channels,
                              const char **errstr);

        /* Ends the current stream if one is open (its last pages are emitted)
         * and begins a new one whose metadata carries title and artist (either
         * may be NULL); emits its headers.  0 or -1. */
        int (*begin_item)(struct codec *codec, const char *title, const char *artist);

        /* Encodes frames of interleaved float (rate and channels as opened) into
         * the current stream, emitting each finished page.  0 or -1. */
        int (*write)(struct codec *codec, const float *pcm, size_t frames);

        /* Ends the current stream (if any) and emits all its remaining pages.
         * A later begin_item starts a new stream.  0 or -1. */
        int (*finish)(struct codec *codec);

        /* Frees the codec without emitting anything. */
        void (*close)(struct codec *codec);

        /* Optional (NULL: 0): how far, in dB, the true peak of the stream as a
         * decoder reads it can rise above the true peak of the PCM fed in,
         * with the settings of output.  Lossy codecs change the waveform, and
         * on dense loud material the decoded peaks overshoot; the figures are
         * measured (docs/reliability.md, "True peak after the codec") and the
         * engine's limiter keeps that much more headroom. */
        double (*peak_overshoot_db)(const struct output_config *output);
};

extern const struct encoder_plugin vorbis_encoder_plugin;
extern const struct encoder_plugin opus_encoder_plugin;
extern const struct encoder_plugin mp3_encoder_plugin;

/* Passes one encoded page (or chunk) to every sink of encoder.  Called by
 * plugins on the engine thread.  0, or -1 if a sink failed. */
int encoder_emit(struct encoder *encoder, const unsigned char *data, size_t len);

/* ---- sink plugins ---------------------------------------------------------- */

struct sink_plugin {
        const char *name; /* "shout", "file" */

        /* Takes one page or chunk (see sink_write in encoder.h).  Engine
         * thread; must not block on the network.  0 or -1. */
        int (*write)(struct sink *sink, const unsigned char *data, size_t len);

        /* Optional: true once when the stream must restart with headers. */
        bool (*wants_new_stream)(struct sink *sink);

        /* Optional: the title for out-of-band metadata (ICY). */
        void (*set_title)(struct sink *sink, const char *title, const char *artist);

        /* Fills status (thread-safe). */
        void (*get_status)(struct sink *sink, struct sink_status *status);

        /* Flushes, stops and frees everything, including the sink itself. */
        void (*free)(struct sink *sink);
};

/* The base of every sink; a sink embeds it as its first member. */
struct sink {
        const struct sink_plugin *plugin;
        const char *name;  /* borrowed from the instance, "" when none */
        const char *mount; /* idem */
};

#endif
