/*
 * mp3_encoder.c: MP3 (LAME, constant bitrate) for legacy players.  MP3 has no
 * logical streams: the title travels as ICY metadata, which the shout sink
 * sends from sink_set_title, so an item start changes nothing in the audio.
 */
#define LOG_MODULE "encoder"

#include <stdlib.h>

#include <lame/lame.h>

#include "encoder/plugin.h"

/* Frames per lame call; the output buffer is sized for it (LAME's bound:
 * 1.25 * samples + 7200 bytes). */
#define CHUNK_FRAMES 4096
#define OUT_BYTES (CHUNK_FRAMES * 5 / 4 + 7200)

struct mp3_codec {
        struct codec base;
        lame_global_flags *lame;
        int channels;
        unsigned char out[OUT_BYTES];
};

static struct codec *mp3_open(const struct output_config *output, int rate, int channels,
                              const char **errstr)
{
        struct mp3_codec *m = xcalloc(1, sizeof *m);
        m->channels = channels;
        m->lame = lame_init();
        if (!m->lame) {
                *errstr = "cannot create the MP3 encoder";
                goto fail;
        }
        lame_set_in_samplerate(m->lame, rate);
        lame_set_out_samplerate(m->lame, rate);
        lame_set_num_channels(m->lame, channels);
        lame_set_mode(m->lame, channels == 1 ? MONO : JOINT_STEREO);
        lame_set_brate(m->lame, output->bitrate > 0 ? output->bitrate : 128);
        /* A stream, not a file: no Xing/LAME header frame to rewrite. */
        lame_set_bWriteVbrTag(m->lame, 0);
        if (lame_init_params(m->lame) < 0) {
                *errstr = "MP3 cannot encode this bitrate, sample rate and channel count";
                goto fail;
        }
        return &m->base;

fail:
        if (m->lame)
                lame_close(m->lame);
        free(m);
        return NULL;
}

static int mp3_begin_item(struct codec *codec, const char *title, const char *artist)
{
        (void)codec;
        (void)title;
        (void)artist;
        return 0;
}

static int mp3_write(struct codec *codec, const float *pcm, size_t frames)
{
        struct mp3_codec *m = (struct mp3_codec *)codec;
        int rc = 0;
        for (size_t done = 0; done < frames;) {
                size_t n = frames - done;
                if (n > CHUNK_FRAMES)
                        n = CHUNK_FRAMES;
                const float *src = pcm + done * (size_t)m->channels;
                int bytes;
                if (m->channels == 2)
                        bytes = lame_encode_buffer_interleaved_ieee_float(
                            m->lame, src, (int)n, m->out, OUT_BYTES);
                else
                        bytes = lame_encode_buffer_ieee_float(m->lame, src, src, (int)n,
                                                              m->out, OUT_BYTES);
                if (bytes < 0) {
                        log_error("MP3 encoder failed (%d)", bytes);
                        return -1;
                }
                if (bytes > 0 && encoder_emit(m->base.encoder, m->out, (size_t)bytes) < 0)
                        rc = -1;
                done += n;
        }
        return rc;
}

static int mp3_finish(struct codec *codec)
{
        struct mp3_codec *m = (struct mp3_codec *)codec;
        /* The no-gap flush completes the last frame and keeps the encoder
         * usable, should the engine carry on. */
        int bytes = lame_encode_flush_nogap(m->lame, m->out, OUT_BYTES);
        if (bytes < 0)
                return -1;
        return bytes > 0 ? encoder_emit(m->base.encoder, m->out, (size_t)bytes) : 0;
}

static void mp3_close(struct codec *codec)
{
        struct mp3_codec *m = (struct mp3_codec *)codec;
        lame_close(m->lame);
        free(m);
}

/* Measured as for Vorbis: 128 kbit/s +0.4 dB, 320 kbit/s +0.8 dB,
 * 64 kbit/s +0.8 dB. */
static double mp3_peak_overshoot_db(const struct output_config *output)
{
        (void)output;
        return 1.0;
}

const struct encoder_plugin mp3_encoder_plugin = {
    .name = "mp3",
    .ogg = false,
    .open = mp3_open,
    .begin_item = mp3_begin_item,
    .write = mp3_write,
    .finish = mp3_finish,
    .close = mp3_close,
    .peak_overshoot_db = mp3_peak_overshoot_db,
};
