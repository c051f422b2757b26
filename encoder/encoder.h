/*
 * encoder: encoder plugins (Vorbis first) behind one interface, Ogg muxing
 * with a fresh logical stream per item so titles reach Icecast, and the output
 * sinks: libshout to Icecast (one thread per output) and a file for render.
 * This is the module's one public header.
 *
 * Threads: an encoder and the sink_write/sink_wants_new_stream calls belong to
 * the engine thread.  A shout sink sends from its own thread; the engine never
 * waits on the network.
 */
#ifndef SIARAN_ENCODER_H
#define SIARAN_ENCODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/* ---- sinks ----------------------------------------------------------------- */

struct sink;

struct sink_status {
        bool connected;
        int64_t bytes_sent;
        int64_t reconnects;   /* successful reconnects after a failure */
        int64_t dropped;      /* bytes dropped because the queue was full */
        char last_error[160]; /* the last failure, "" when none */
};

/* A sink that streams to Icecast with libshout from its own thread, through a
 * bounded queue.  Connection failures are logged once per state change and
 * retried with backoff (first retry within 1 s, then at most every 5 s).
 * Never blocks the caller.  Returns NULL with *errstr on bad settings. */
struct sink *sink_shout_new(const struct output_config *output, const char *station_name,
                            const char **errstr);

/* A sink that writes the stream to a file (for render).  NULL with *errstr if
 * the file cannot be created. */
struct sink *sink_file_new(const char *path, const char **errstr);

/* Like sink_file_new, but the file must not exist yet, is created without
 * world access (0640) and every page reaches the kernel as it is written, so
 * what was encoded survives a crash (the archive). */
struct sink *sink_file_new_unbuffered(const char *path, const char **errstr);

/* Queues (shout) or writes (file) one piece of the encoded stream.  page is a
 * whole Ogg page (header and body concatenated) or, for non-Ogg formats, a
 * chunk of the stream.  Returns 0, or -1 if a file sink failed to write. */
int sink_write(struct sink *sink, const unsigned char *data, size_t len);

/* True once after the sink (re)connected and needs the stream to restart with
 * fresh headers; the encoder then begins a new logical stream. */
bool sink_wants_new_stream(struct sink *sink);

/* Tells the sink the current title, for formats whose metadata travels
 * outside the stream (MP3: ICY).  Ogg sinks may ignore it. */
void sink_set_title(struct sink *sink, const char *title, const char *artist);

/* Thread-safe snapshot of the sink's state. */
void sink_get_status(struct sink *sink, struct sink_status *status);

/* The name and mount of the output (borrowed; "" for file sinks). */
const char *sink_name(const struct sink *sink);
const char *sink_mount(const struct sink *sink);

/* Flushes, disconnects, stops the thread and frees.  sink_free(NULL) is a
 * no-op. */
void sink_free(struct sink *sink);

/* ---- encoders -------------------------------------------------------------- */

struct encoder;

/* Creates the encoder for output's format (vorbis; later opus, mp3) fed with
 * interleaved float stereo at in_rate.  It converts channels (and, if the
 * output asks for another rate, the rate) itself.  NULL with *errstr on an
 * unsupported format or setting. */
struct encoder *encoder_new(const struct output_config *output, int in_rate,
                            const char **errstr);

/* Adds a sink that receives every page this encoder produces.  The encoder
 * does not own the sink. */
void encoder_add_sink(struct encoder *encoder, struct sink *sink);

/* Ends the current logical stream (if any) and begins a new one whose
 * comments carry title and artist (NULL: none).  Call at each item start. */
int encoder_begin_item(struct encoder *encoder, const char *title, const char *artist);

/* Chained (the default): each encoder_begin_item starts a new logical stream
 * carrying the title, as Icecast needs.  Unchained: one logical stream for
 * the whole output, titles are not carried.  For render files: ffmpeg (5.1)
 * decodes 128 samples of padding at every chain boundary of an Ogg Vorbis
 * file (libvorbis decoders are exact), so a render that must measure exactly
 * with ffmpeg is written unchained.  Call before the first encoder_write. */
void encoder_set_chained(struct encoder *encoder, bool chained);

/* Adds the comment KEY=value (copied) to the tags of every stream this
 * encoder begins from now on (Opus and Vorbis; MP3 ignores it).  The archive
 * stores each file's exact start this way. */
void encoder_set_comment(struct encoder *encoder, const char *key, const char *value);

/* Encodes frames of interleaved float stereo and passes finished pages to
 * every sink.  Starts a fresh logical stream first if a sink asked for one.
 * Returns 0 or -1. */
int encoder_write(struct encoder *encoder, const float *pcm, size_t frames);

/* Ends the stream (end-of-stream page) and flushes every page to the sinks. */
int encoder_finish(struct encoder *encoder);

/* How far (dB) the decoded stream's true peak can rise above the PCM fed in,
 * for this encoder's format and settings (0 for a lossless one): the
 * headroom the limiter must keep so listeners hear at most -1 dBTP. */
double encoder_peak_overshoot_db(const struct encoder *encoder);

/* True when two outputs can share one encoder (same format settings). */
bool encoder_config_equal(const struct output_config *a, const struct output_config *b);

void encoder_free(struct encoder *encoder);

#endif
