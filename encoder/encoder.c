/*
 * encoder.c: the encoder registry and the work every format shares: channel
 * downmix, sample-rate conversion (libsoxr), deciding when a new logical
 * stream begins, and fanning pages out to the sinks.
 */
#define LOG_MODULE "encoder"

#include <stdlib.h>
#include <string.h>

#include <soxr.h>

#include "encoder/plugin.h"

/* Input is converted in slices of this many frames, so scratch buffers have
 * a fixed size and the hot path never allocates. */
#define SLICE_FRAMES 4096
#define MAX_SINKS CONFIG_MAX_OUTPUTS

static const struct encoder_plugin *const encoder_plugins[] = {
    &vorbis_encoder_plugin,
    &opus_encoder_plugin,
    &mp3_encoder_plugin,
    NULL,
};

struct encoder {
        const struct encoder_plugin *plugin;
        struct codec *codec;
        char *output_name;
        int in_rate;
        int out_rate;
        int channels;
        double peak_overshoot_db;

        struct sink *sinks[MAX_SINKS];
        size_t n_sinks;

        /* The title of the current item, kept to restart a stream with it. */
        char *title;
        char *artist;
        char *extra_key; /* encoder_set_comment, NULL when none */
        char *extra_value;
        /* A new logical stream must begin before the next frame is encoded.
         * Streams start lazily so that two item starts with no audio in
         * between never produce an empty logical stream. */
        bool restart_pending;
        bool stream_open;
        bool unchained; /* item starts do not begin new streams */

        soxr_t resampler; /* NULL when out_rate == in_rate */
        float *mono;      /* SLICE_FRAMES downmixed frames */
        float *resampled; /* resampler output for one slice */
        size_t resampled_frames;
};

static const struct encoder_plugin *find_plugin(const char *name)
{
        for (size_t i = 0; encoder_plugins[i]; i++)
                if (strcmp(encoder_plugins[i]->name, name) == 0)
                        return encoder_plugins[i];
        return NULL;
}

struct encoder *encoder_new(const struct output_config *output, int in_rate,
                            const char **errstr)
{
        const char *format = output->format ? output->format : "vorbis";
        const struct encoder_plugin *plugin = find_plugin(format);
        if (!plugin) {
                *errstr = "unsupported output format";
                return NULL;
        }
        if (output->channels != 1 && output->channels != 2) {
                *errstr = "channels must be 1 or 2";
                return NULL;
        }
        if (in_rate < 8000 || in_rate > 192000) {
                *errstr = "unsupported input sample rate";
                return NULL;
        }
        int out_rate = output->samplerate > 0 ? output->samplerate : in_rate;
        if (out_rate < 8000 || out_rate > 192000) {
                *errstr = "unsupported output sample rate";
                return NULL;
        }
        struct encoder *e = xcalloc(1, sizeof *e);
        e->plugin = plugin;
        e->peak_overshoot_db =
            plugin->peak_overshoot_db ? plugin->peak_overshoot_db(output) : 0;
        e->output_name = xstrdup(output->name ? output->name : "");
        e->in_rate = in_rate;
        e->out_rate = out_rate;
        e->channels = output->channels;
        e->restart_pending = true;
        e->codec = plugin->open(output, out_rate, e->channels, errstr);
        if (!e->codec)
                goto fail;
        e->codec->plugin = plugin;
        e->codec->encoder = e;
        if (e->channels == 1)
                e->mono = xmalloc(SLICE_FRAMES * sizeof *e->mono);
        if (out_rate != in_rate) {
                soxr_error_t serr = NULL;
                soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
                soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
                e->resampler = soxr_create(in_rate, out_rate, (unsigned)e->channels,
                                           &serr, &io, &q, NULL);
                if (!e->resampler) {
                        log_error("output %s: resampler: %s", e->output_name, serr);
                        *errstr = "cannot create the resampler";
                        goto fail;
                }
                /* Room for one slice's output plus the resampler's own slack. */
                e->resampled_frames =
                    (size_t)((double)SLICE_FRAMES * out_rate / in_rate) + 256;
                e->resampled = xmalloc(e->resampled_frames * (size_t)e->channels *
                                       sizeof *e->resampled);
        }
        return e;

fail:
        encoder_free(e);
        return NULL;
}

void encoder_add_sink(struct encoder *encoder, struct sink *sink)
{
        if (encoder->n_sinks >= MAX_SINKS) {
                log_error("output %s: too many sinks for one encoder",
                          encoder->output_name);
                return;
        }
        encoder->sinks[encoder->n_sinks++] = sink;
}

int encoder_begin_item(struct encoder *encoder, const char *title, const char *artist)
{
        free(encoder->title);
        free(encoder->artist);
        encoder->title = xstrdup(title);
        encoder->artist = xstrdup(artist);
        if (!encoder->unchained || !encoder->stream_open)
                encoder->restart_pending = true;
        for (size_t i = 0; i < encoder->n_sinks; i++)
                sink_set_title(encoder->sinks[i], title, artist);
        return 0;
}

void encoder_set_comment(struct encoder *encoder, const char *key, const char *value)
{
        free(encoder->extra_key);
        free(encoder->extra_value);
        encoder->extra_key = xstrdup(key);
        encoder->extra_value = xstrdup(value);
        encoder->codec->extra_key = encoder->extra_key;
        encoder->codec->extra_value = encoder->extra_value;
}

void encoder_set_chained(struct encoder *encoder, bool chained)
{
        encoder->unchained = !chained;
}

int encoder_emit(struct encoder *encoder, const unsigned char *data, size_t len)
{
        int rc = 0;
        for (size_t i = 0; i < encoder->n_sinks; i++)
                if (sink_write(encoder->sinks[i], data, len) < 0)
                        rc = -1;
        return rc;
}

static int start_stream(struct encoder *e)
{
        e->restart_pending = false;
        e->stream_open = true;
        return e->plugin->begin_item(e->codec, e->title, e->artist);
}

/* Asks every sink (each answers true only once) whether it needs headers. */
static bool sinks_want_new_stream(struct encoder *e)
{
        bool want = false;
        for (size_t i = 0; i < e->n_sinks; i++)
                if (sink_wants_new_stream(e->sinks[i]))
                        want = true;
        return want;
}

/* Runs frames (at the output's channel count, input rate) through the
 * resampler if there is one, then into the codec.  in == NULL flushes the
 * resampler. */
static int encode_converted(struct encoder *e, const float *in, size_t frames)
{
        if (!e->resampler)
                return frames ? e->plugin->write(e->codec, in, frames) : 0;
        size_t used = 0;
        for (;;) {
                size_t idone = 0, odone = 0;
                soxr_error_t serr =
                    soxr_process(e->resampler, in ? in + used * e->channels : NULL,
                                 in ? frames - used : 0, &idone, e->resampled,
                                 e->resampled_frames, &odone);
                if (serr) {
                        log_error("output %s: resampler: %s", e->output_name, serr);
                        return -1;
                }
                used += idone;
                if (odone > 0 && e->plugin->write(e->codec, e->resampled, odone) < 0)
                        return -1;
                /* Done when the input is consumed and the output buffer was not
                 * filled (a full buffer may mean more is waiting). */
                if ((!in || used >= frames) && odone < e->resampled_frames)
                        return 0;
        }
}

int encoder_write(struct encoder *encoder, const float *pcm, size_t frames)
{
        struct encoder *e = encoder;
        if (frames == 0)
                return 0;
        if (sinks_want_new_stream(e))
                e->restart_pending = true;
        if (e->restart_pending && start_stream(e) < 0)
                return -1;
        if (e->channels == 2)
                return encode_converted(e, pcm, frames);
        for (size_t done = 0; done < frames;) {
                size_t n = frames - done;
                if (n > SLICE_FRAMES)
                        n = SLICE_FRAMES;
                const float *src = pcm + 2 * done;
                for (size_t i = 0; i < n; i++)
                        e->mono[i] = 0.5f * (src[2 * i] + src[2 * i + 1]);
                if (encode_converted(e, e->mono, n) < 0)
                        return -1;
                done += n;
        }
        return 0;
}

int encoder_finish(struct encoder *encoder)
{
        struct encoder *e = encoder;
        int rc = 0;
        /* A file with no audio at all still gets one valid (empty) stream. */
        if (!e->stream_open && start_stream(e) < 0)
                rc = -1;
        if (e->resampler) {
                if (encode_converted(e, NULL, 0) < 0)
                        rc = -1;
                soxr_clear(e->resampler);
        }
        if (e->plugin->finish(e->codec) < 0)
                rc = -1;
        e->stream_open = false;
        e->restart_pending = true;
        return rc;
}

double encoder_peak_overshoot_db(const struct encoder *encoder)
{
        return encoder->peak_overshoot_db;
}

bool encoder_config_equal(const struct output_config *a, const struct output_config *b)
{
        const char *fa = a->format ? a->format : "vorbis";
        const char *fb = b->format ? b->format : "vorbis";
        return strcmp(fa, fb) == 0 && a->quality == b->quality &&
               a->bitrate == b->bitrate && a->channels == b->channels &&
               a->samplerate == b->samplerate;
}

void encoder_free(struct encoder *encoder)
{
        if (!encoder)
                return;
        if (encoder->codec)
                encoder->plugin->close(encoder->codec);
        if (encoder->resampler)
                soxr_delete(encoder->resampler);
        free(encoder->mono);
        free(encoder->resampled);
        free(encoder->title);
        free(encoder->artist);
        free(encoder->extra_key);
        free(encoder->extra_value);
        free(encoder->output_name);
        free(encoder);
}
