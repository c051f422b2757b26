/*
 * opus_encoder.c: Opus in Ogg through libopusenc, for low-bandwidth mounts.
 * Each item is a new chained logical stream (ope_encoder_chain_current) whose
 * OpusTags carry TITLE and ARTIST, as with Vorbis.
 */
#define LOG_MODULE "encoder"

#include <stdlib.h>

#include <opus/opusenc.h>

#include "encoder/plugin.h"

#define CHUNK_FRAMES 4096

struct opus_codec {
        struct codec base;
        OggOpusEnc *enc; /* NULL before the first item and after finish */
        int rate;
        int channels;
        int bitrate;   /* bit/s, 0 = libopus's choice */
        int max_delay; /* samples at 48 kHz, 0 = libopusenc's defaults */
        bool failed;   /* a page could not be passed on */
};

/* libopusenc hands over one finished page at a time. */
static int opus_page_out(void *user, const unsigned char *page, opus_int32 len)
{
        struct opus_codec *o = user;
        if (encoder_emit(o->base.encoder, page, (size_t)len) < 0)
                o->failed = true;
        return 0;
}

static int opus_stream_closed(void *user)
{
        (void)user;
        return 0;
}

static const OpusEncCallbacks opus_callbacks = {
    .write = opus_page_out,
    .close = opus_stream_closed,
};

static OggOpusComments *make_comments(const struct codec *codec, const char *title,
                                      const char *artist)
{
        OggOpusComments *c = ope_comments_create();
        if (!c)
                return NULL;
        ope_comments_add(c, "ENCODER", "Siaran " SIARAN_VERSION);
        if (title && *title)
                ope_comments_add(c, "TITLE", title);
        if (artist && *artist)
                ope_comments_add(c, "ARTIST", artist);
        if (codec->extra_key && codec->extra_value)
                ope_comments_add(c, codec->extra_key, codec->extra_value);
        return c;
}

static struct codec *opus_open(const struct output_config *output, int rate, int channels,
                               const char **errstr)
{
        if (output->bitrate != 0 && (output->bitrate < 6 || output->bitrate > 510)) {
                *errstr = "Opus bitrate must be 6-510 kbit/s";
                return NULL;
        }
        struct opus_codec *o = xcalloc(1, sizeof *o);
        o->rate = rate;
        o->channels = channels;
        o->bitrate = output->bitrate * 1000;
        o->max_delay = output->max_delay_ms > 0 ? output->max_delay_ms * 48 : 0;
        return &o->base;
}

static int opus_begin_item(struct codec *codec, const char *title, const char *artist)
{
        struct opus_codec *o = (struct opus_codec *)codec;
        OggOpusComments *comments = make_comments(codec, title, artist);
        if (!comments)
                return -1;
        int err = OPE_OK;
        bool chained = o->enc != NULL;
        if (chained) {
                err = ope_encoder_chain_current(o->enc, comments);
        } else {
                o->enc = ope_encoder_create_callbacks(&opus_callbacks, o, comments,
                                                      o->rate, o->channels, 0, &err);
                if (o->enc && o->bitrate > 0)
                        ope_encoder_ctl(o->enc, OPUS_SET_BITRATE(o->bitrate));
                /* Half for the encoder's look-ahead, half for page muxing. */
                if (o->enc && o->max_delay > 0) {
                        ope_encoder_ctl(o->enc, OPE_SET_DECISION_DELAY(o->max_delay / 2));
                        ope_encoder_ctl(o->enc, OPE_SET_MUXING_DELAY(o->max_delay / 2));
                }
        }
        ope_comments_destroy(comments);
        if (!o->enc || err != OPE_OK) {
                log_error("Opus encoder: %s", ope_strerror(err));
                return -1;
        }
        /* The first stream's headers go out now; libopusenc writes those of a
         * chained stream when its audio begins (always on pages of their
         * own, as Ogg Opus requires and Icecast expects). */
        if (!chained)
                ope_encoder_flush_header(o->enc);
        return o->failed ? -1 : 0;
}

static int opus_write(struct codec *codec, const float *pcm, size_t frames)
{
        struct opus_codec *o = (struct opus_codec *)codec;
        for (size_t done = 0; done < frames;) {
                size_t n = frames - done;
                if (n > CHUNK_FRAMES)
                        n = CHUNK_FRAMES;
                int err = ope_encoder_write_float(
                    o->enc, pcm + done * (size_t)o->channels, (int)n);
                if (err != OPE_OK) {
                        log_error("Opus encoder: %s", ope_strerror(err));
                        return -1;
                }
                done += n;
        }
        return o->failed ? -1 : 0;
}

static int opus_finish(struct codec *codec)
{
        struct opus_codec *o = (struct opus_codec *)codec;
        if (!o->enc)
                return 0;
        int err = ope_encoder_drain(o->enc);
        ope_encoder_destroy(o->enc);
        o->enc = NULL;
        return err == OPE_OK && !o->failed ? 0 : -1;
}

static void opus_close(struct codec *codec)
{
        struct opus_codec *o = (struct opus_codec *)codec;
        if (o->enc)
                ope_encoder_destroy(o->enc);
        free(o);
}

/* Measured as for Vorbis: libopus's default rate (about 120 kbit/s for
 * stereo) +1.5 dB; 64 kbit/s +2.7 dB; 32 kbit/s +2.5 dB on pink noise (more
 * on clipped white noise, see docs/reliability.md). */
static double opus_peak_overshoot_db(const struct output_config *output)
{
        if (output->bitrate == 0 || output->bitrate >= 96)
                return 1.8;
        return 3.0;
}

const struct encoder_plugin opus_encoder_plugin = {
    .name = "opus",
    .ogg = true,
    .open = opus_open,
    .begin_item = opus_begin_item,
    .write = opus_write,
    .finish = opus_finish,
    .close = opus_close,
    .peak_overshoot_db = opus_peak_overshoot_db,
};
