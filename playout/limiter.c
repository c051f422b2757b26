/* Look-ahead limiter.  When a frame arrives whose (true) peak needs a gain
 * below the current one, the gain ramps down linearly so that it reaches the
 * needed value exactly when that frame leaves the delay line; it then holds
 * for the look-ahead and releases exponentially.  Intersample peaks are
 * estimated with a cubic midpoint between frames; the ceiling keeps a small
 * margin for what that estimate misses. */
#include <math.h>
#include <string.h>

#include "common/common.h"
#include "playout/limiter.h"

void limiter_init(struct limiter *lim, int rate, double ceiling_db)
{
        memset(lim, 0, sizeof *lim);
        lim->ceiling = (float)db_to_gain(ceiling_db);
        lim->env = 1.0f;
        lim->ramp_target = 1.0f;
        lim->release = (float)(1.0 - exp(-1.0 / (0.15 * rate)));
}

/* The cubic midpoint between frames can exceed the samples around it by at
 * most (9 + 9 + 1 + 1) / 16 of the largest of them. */
#define MIDPOINT_OVERSHOOT 1.25f

static inline float larger(float a, float b)
{
        return a > b ? a : b;
}

float limiter_block_peak(const float *buf, size_t n)
{
        float peak = 0;
        for (size_t i = 0; i < 2 * n; i++)
                peak = larger(peak, fabsf(buf[i]));
        return peak;
}

/* Shifts a frame into the last four frames the intersample estimate uses. */
static inline void remember(struct limiter *lim, float l, float r)
{
        float(*h)[2] = lim->history;
        h[0][0] = h[1][0];
        h[0][1] = h[1][1];
        h[1][0] = h[2][0];
        h[1][1] = h[2][1];
        h[2][0] = h[3][0];
        h[2][1] = h[3][1];
        h[3][0] = l;
        h[3][1] = r;
}

static inline float frame_peak(struct limiter *lim, float l, float r)
{
        remember(lim, l, r);
        const float(*h)[2] = (const float(*)[2])lim->history;
        float peak = larger(fabsf(l), fabsf(r));
        float mid_l = (-h[0][0] + 9.0f * (h[1][0] + h[2][0]) - h[3][0]) * (1.0f / 16);
        float mid_r = (-h[0][1] + 9.0f * (h[1][1] + h[2][1]) - h[3][1]) * (1.0f / 16);
        return larger(peak, larger(fabsf(mid_l), fabsf(mid_r)));
}

/* Gain at rest and nothing in the block near the ceiling: delay only. */
static bool at_rest(const struct limiter *lim, float block_peak)
{
        float history_peak = 0;
        for (int i = 0; i < 4; i++)
                history_peak = larger(history_peak, larger(fabsf(lim->history[i][0]),
                                                           fabsf(lim->history[i][1])));
        return lim->env == 1.0f && lim->slope >= 0 && lim->hold == 0 &&
               larger(block_peak, history_peak) * MIDPOINT_OVERSHOOT < lim->ceiling;
}

static void delay_only(struct limiter *lim, float *buf, size_t n)
{
        for (size_t i = n > 4 ? n - 4 : 0; i < n;
             i++) /* the intersample estimate's past */
                remember(lim, buf[2 * i], buf[2 * i + 1]);
        for (size_t i = 0; i < n; i++) {
                float *slot = lim->delay + 2 * lim->head;
                float l = buf[2 * i], r = buf[2 * i + 1];
                buf[2 * i] = slot[0];
                buf[2 * i + 1] = slot[1];
                slot[0] = l;
                slot[1] = r;
                if (++lim->head == LIMITER_LOOKAHEAD)
                        lim->head = 0;
        }
}

static inline void update_gain(struct limiter *lim, float peak)
{
        if (peak > lim->ceiling) {
                float need = lim->ceiling / peak;
                if (need < lim->ramp_target) {
                        float slope = (need - lim->env) / LIMITER_LOOKAHEAD;
                        if (slope < lim->slope || lim->slope >= 0)
                                lim->slope = slope;
                        lim->ramp_target = need;
                }
                lim->hold = 2 * LIMITER_LOOKAHEAD;
        }
        if (lim->slope < 0) {
                lim->env += lim->slope;
                if (lim->env <= lim->ramp_target) {
                        lim->env = lim->ramp_target;
                        lim->slope = 0;
                }
        } else if (lim->hold > 0) {
                lim->hold--;
        } else if (lim->env < 1.0f) {
                lim->env += (1.0f - lim->env) * lim->release;
                if (lim->env > 0.9995f) /* within 0.005 dB: at rest */
                        lim->env = 1.0f;
                lim->ramp_target = lim->env;
        }
}

/* Frames the limiter looks at together when deciding on the fast path. */
#define CHUNK_FRAMES 32

static void limit_frames(struct limiter *lim, float *buf, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                float l = buf[2 * i], r = buf[2 * i + 1];
                update_gain(lim, frame_peak(lim, l, r));
                float *slot = lim->delay + 2 * lim->head;
                buf[2 * i] = slot[0] * lim->env;
                buf[2 * i + 1] = slot[1] * lim->env;
                slot[0] = l;
                slot[1] = r;
                if (++lim->head == LIMITER_LOOKAHEAD)
                        lim->head = 0;
        }
}

void limiter_process(struct limiter *lim, float *buf, size_t n, float block_peak)
{
        if (at_rest(lim, block_peak)) {
                delay_only(lim, buf, n);
                return;
        }
        /* Loud programme: most short stretches still stay clear of the ceiling. */
        for (size_t done = 0; done < n; done += CHUNK_FRAMES) {
                size_t len = n - done < CHUNK_FRAMES ? n - done : CHUNK_FRAMES;
                float *chunk = buf + 2 * done;
                if (at_rest(lim, limiter_block_peak(chunk, len)))
                        delay_only(lim, chunk, len);
                else
                        limit_frames(lim, chunk, len);
        }
}
