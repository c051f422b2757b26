/* The attention chime, made by code: a high and a low tone, twice, each with
 * a short attack and a bell-like decay, so no file has to ship with the
 * station and the sound cannot be mistaken for programme.  It is written in
 * front of the spoken bulletin as one file, so nothing can air between them. */
#define LOG_MODULE "alerts"
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"

#define CHIME_HIGH_HZ 880.0
#define CHIME_LOW_HZ 659.25 /* a fourth below: the two-tone of public address */
#define CHIME_TONE_SECONDS 0.4
#define CHIME_TONES 4
#define CHIME_GAP_SECONDS 0.5 /* silence before the voice */
#define CHIME_LEVEL 0.5

static void write_chime(float *out, int rate, int channels)
{
        size_t tone = (size_t)(CHIME_TONE_SECONDS * rate);
        for (int t = 0; t < CHIME_TONES; t++) {
                double hz = t % 2 == 0 ? CHIME_HIGH_HZ : CHIME_LOW_HZ;
                for (size_t i = 0; i < tone; i++) {
                        double s = (double)i / rate;
                        double attack = fmin(1.0, s / 0.01);
                        double envelope = attack * exp(-s * 5.0);
                        float v =
                            (float)(CHIME_LEVEL * envelope * sin(2 * M_PI * hz * s));
                        for (int c = 0; c < channels; c++)
                                out[((size_t)t * tone + i) * channels + c] = v;
                }
        }
}

int alerts_write_chime_and_speech(const char *speech_path, const char *out_path,
                                  char *err, size_t err_size)
{
        int rc = -1;
        SF_INFO in_info = {0}, out_info = {0};
        SNDFILE *in = NULL, *out = NULL;
        float *buf = NULL;
        in = sf_open(speech_path, SFM_READ, &in_info);
        if (!in) {
                snprintf(err, err_size, "cannot read the speech: %s", sf_strerror(NULL));
                goto out;
        }
        if (in_info.samplerate < 8000 || in_info.channels < 1 || in_info.channels > 2 ||
            in_info.frames <= 0) {
                snprintf(err, err_size, "the speech has no usable audio");
                goto out;
        }
        int rate = in_info.samplerate, channels = in_info.channels;
        size_t chime = (size_t)(CHIME_TONE_SECONDS * rate) * CHIME_TONES;
        size_t gap = (size_t)(CHIME_GAP_SECONDS * rate);
        size_t total = chime + gap + (size_t)in_info.frames;
        buf = xcalloc(total * channels, sizeof *buf);
        write_chime(buf, rate, channels);
        sf_count_t got =
            sf_readf_float(in, buf + (chime + gap) * channels, in_info.frames);
        if (got <= 0) {
                snprintf(err, err_size, "cannot read the speech's samples");
                goto out;
        }
        out_info.samplerate = rate;
        out_info.channels = channels;
        out_info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        out = sf_open(out_path, SFM_WRITE, &out_info);
        if (!out) {
                snprintf(err, err_size, "cannot write %s: %s", out_path,
                         sf_strerror(NULL));
                goto out;
        }
        sf_count_t frames = (sf_count_t)(chime + gap) + got;
        if (sf_writef_float(out, buf, frames) != frames) {
                snprintf(err, err_size, "cannot write %s: %s", out_path,
                         sf_strerror(out));
                goto out;
        }
        rc = 0;
out:
        if (in)
                sf_close(in);
        if (out && sf_close(out) != 0 && rc == 0) {
                snprintf(err, err_size, "cannot finish %s", out_path);
                rc = -1;
        }
        free(buf);
        return rc;
}
