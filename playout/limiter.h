/* Private to playout/: a look-ahead peak limiter with an intersample (true
 * peak) estimate, so loudness gain never makes the output clip. */
#ifndef SIARAN_PLAYOUT_LIMITER_H
#define SIARAN_PLAYOUT_LIMITER_H

#include <stddef.h>

#define LIMITER_LOOKAHEAD 64 /* frames; the latency of the limiter */

struct limiter {
        float delay[2 * LIMITER_LOOKAHEAD]; /* ring of the last frames, stereo */
        size_t head;
        float history[4][2]; /* the last input frames for the intersample estimate */
        float ceiling;       /* linear */
        float env;           /* gain applied at the output */
        float slope;         /* per-frame change while ramping down */
        float ramp_target;
        int hold;      /* frames to hold the gain after the last peak */
        float release; /* per-frame release coefficient */
};

void limiter_init(struct limiter *lim, int rate, double ceiling_db);

/* Processes n frames in place.  The output lags the input by
 * LIMITER_LOOKAHEAD frames (the first call outputs that many zeros).
 * block_peak is the largest absolute sample of buf (the engine measures it
 * anyway for the silence detector): a quiet block with the gain at rest takes
 * a fast path that only delays it. */
void limiter_process(struct limiter *lim, float *buf, size_t n, float block_peak);

/* The largest absolute sample of n interleaved stereo frames. */
float limiter_block_peak(const float *buf, size_t n);

#endif
