/* Analysis at import: the file is decoded through the same reader the engine
 * uses, at the station rate, so the length, loudness and cue points describe
 * exactly the samples that will air. */
#define LOG_MODULE "media"
#include <ebur128.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "media/media.h"

#define ANALYZE_BLOCK 4096
/* -60 dBFS sample peak: quieter than any fade tail worth airing, louder than
 * dither and encoder noise in the "silent" lead-in of a typical file. */
#define SILENCE_THRESHOLD 0.001f
/* Leading or trailing quiet shorter than this is not silence but the audio
 * itself (a tone that starts or ends at a zero crossing): cue points move
 * only for real silence, or such items would air a frame short. */
#define SILENCE_MIN_MS 10
/* What silence measures as: libebur128 reports -inf for it. */
#define LOUDNESS_FLOOR -70.0
#define PEAK_FLOOR -120.0
/* BS.1770 measures integrated loudness over 400 ms blocks. */
#define GATING_BLOCK_MS 400

char *media_title_from_path(const char *path)
{
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        char *name = xstrdup(base);
        char *dot = strrchr(name, '.');
        if (dot && dot != name)
                *dot = '\0';
        return name;
}

static const char *ebur128_reason(int rc)
{
        return rc == EBUR128_ERROR_NOMEM ? "out of memory in loudness meter"
                                         : "loudness measurement failed";
}

int media_analyze(const char *path, int rate, struct media_info *info, char *err,
                  size_t err_size)
{
        const char *reason = NULL;
        struct media_reader *reader = NULL;
        ebur128_state *meter = NULL;
        float *buf = NULL;
        int rc = -1;

        memset(info, 0, sizeof *info);
        reader = media_reader_open(path, rate, &reason);
        if (!reader) {
                snprintf(err, err_size, "%s", reason ? reason : "cannot open the file");
                goto out;
        }
        meter = ebur128_init(MEDIA_CHANNELS, (unsigned long)rate,
                             EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
        if (!meter) {
                snprintf(err, err_size, "cannot create the loudness meter");
                goto out;
        }
        buf = xmalloc(ANALYZE_BLOCK * MEDIA_CHANNELS * sizeof *buf);

        int64_t pos = 0, first_loud = -1, last_loud = -1;
        for (;;) {
                long n = media_reader_read(reader, buf, ANALYZE_BLOCK);
                if (n < 0) {
                        snprintf(err, err_size, "decoding failed at %.3f s (truncated?)",
                                 (double)pos / rate);
                        goto out;
                }
                if (n == 0)
                        break;
                int e = ebur128_add_frames_float(meter, buf, (size_t)n);
                if (e != EBUR128_SUCCESS) {
                        snprintf(err, err_size, "%s", ebur128_reason(e));
                        goto out;
                }
                for (long i = 0; i < n; i++) {
                        if (fabsf(buf[2 * i]) > SILENCE_THRESHOLD ||
                            fabsf(buf[2 * i + 1]) > SILENCE_THRESHOLD) {
                                if (first_loud < 0)
                                        first_loud = pos + i;
                                last_loud = pos + i;
                        }
                }
                pos += n;
        }
        if (pos == 0) {
                snprintf(err, err_size, "no audio frames");
                goto out;
        }

        double loudness = LOUDNESS_FLOOR;
        int64_t ms = pos * 1000 / rate;
        int e;
        if (ms >= GATING_BLOCK_MS) {
                e = ebur128_loudness_global(meter, &loudness);
        } else if (ms > 0) {
                /* Shorter than one gating block, integrated loudness is
                 * undefined (libebur128 says -inf), and a jingle measured as
                 * silence would be aired at the loudness target's full gain.
                 * The loudness over the whole of it is the honest figure. */
                e = ebur128_loudness_window(meter, (unsigned long)ms, &loudness);
        } else {
                e = EBUR128_SUCCESS;
        }
        if (e != EBUR128_SUCCESS || !isfinite(loudness) || loudness < LOUDNESS_FLOOR)
                loudness = LOUDNESS_FLOOR;
        double peak = 0.0;
        for (unsigned ch = 0; ch < MEDIA_CHANNELS; ch++) {
                double p = 0.0;
                if (ebur128_true_peak(meter, ch, &p) == EBUR128_SUCCESS && p > peak)
                        peak = p;
        }
        double true_peak = peak > 0.0 ? 20.0 * log10(peak) : PEAK_FLOOR;
        if (true_peak < PEAK_FLOOR)
                true_peak = PEAK_FLOOR;

        info->frames = pos;
        info->rate = rate;
        info->duration = (double)pos / rate;
        info->loudness = loudness;
        info->true_peak = true_peak;
        /* A file that is silence throughout keeps its whole length: cutting it
         * to nothing would make it unplayable rather than quiet. */
        int64_t min_silence = (int64_t)rate * SILENCE_MIN_MS / 1000;
        info->cue_in = first_loud >= min_silence ? first_loud : 0;
        info->cue_out =
            last_loud >= 0 && pos - (last_loud + 1) >= min_silence ? last_loud + 1 : pos;
        const char *title = media_reader_title(reader);
        const char *artist = media_reader_artist(reader);
        info->title = title ? xstrdup(title) : media_title_from_path(path);
        info->artist = xstrdup(artist ? artist : "");
        log_debug("analysed %s: %lld frames, %.2f LUFS, %.2f dBTP, cue %lld..%lld", path,
                  (long long)info->frames, info->loudness, info->true_peak,
                  (long long)info->cue_in, (long long)info->cue_out);
        rc = 0;
out:
        free(buf);
        if (meter)
                ebur128_destroy(&meter);
        media_reader_free(reader);
        return rc;
}

void media_info_clear(struct media_info *info)
{
        if (!info)
                return;
        free(info->title);
        free(info->artist);
        memset(info, 0, sizeof *info);
}
