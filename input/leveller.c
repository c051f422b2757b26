/* The live input's slow gain (see leveller.h). */
#include <ebur128.h>
#include <math.h>
#include <stdlib.h>

#include "common/common.h"
#include "input/leveller.h"

#define LEVELLER_DB_PER_SECOND 1.0
#define LEVELLER_MAX_DB 12.0     /* either way: a far-off level is the mixer's job */
#define LEVELLER_GATE_LUFS -45.0 /* quieter than this is a pause: the gain holds */
#define LEVELLER_STEP_SECONDS 0.1

struct leveller {
        ebur128_state *meter;
        int rate;
        double target;
        double gain_db;
        size_t since_step; /* frames since the gain last moved */
        size_t heard;      /* frames measured in this session, up to 3 s */
};

struct leveller *leveller_new(int rate, double target)
{
        ebur128_state *meter = ebur128_init(2, (unsigned long)rate, EBUR128_MODE_S);
        if (!meter)
                return NULL;
        struct leveller *l = xcalloc(1, sizeof *l);
        l->meter = meter;
        l->rate = rate;
        l->target = target;
        return l;
}

/* Once the meter holds a full short-term window: a step of the gain toward
 * what would put the window at the target. */
static void leveller_step(struct leveller *l)
{
        double loudness = -HUGE_VAL;
        if (l->heard < (size_t)(3 * l->rate) ||
            ebur128_loudness_shortterm(l->meter, &loudness) != EBUR128_SUCCESS ||
            !(loudness > LEVELLER_GATE_LUFS))
                return;
        double want = l->target - loudness;
        if (want > LEVELLER_MAX_DB)
                want = LEVELLER_MAX_DB;
        if (want < -LEVELLER_MAX_DB)
                want = -LEVELLER_MAX_DB;
        double step = LEVELLER_DB_PER_SECOND * LEVELLER_STEP_SECONDS;
        if (want > l->gain_db + step)
                l->gain_db += step;
        else if (want < l->gain_db - step)
                l->gain_db -= step;
        else
                l->gain_db = want;
}

void leveller_process(struct leveller *l, float *frames, size_t n)
{
        ebur128_add_frames_float(l->meter, frames, n);
        l->heard += n;
        double from = db_to_gain(l->gain_db);
        l->since_step += n;
        if (l->since_step >= (size_t)(LEVELLER_STEP_SECONDS * l->rate)) {
                l->since_step = 0;
                leveller_step(l);
        }
        double to = db_to_gain(l->gain_db);
        /* a ramp over the block, so a step makes no click */
        for (size_t i = 0; i < n; i++) {
                float g = (float)(from + (to - from) * (double)(i + 1) / (double)n);
                frames[2 * i] *= g;
                frames[2 * i + 1] *= g;
        }
}

void leveller_reset(struct leveller *l)
{
        ebur128_state *fresh = ebur128_init(2, (unsigned long)l->rate, EBUR128_MODE_S);
        if (fresh) {
                ebur128_destroy(&l->meter);
                l->meter = fresh;
        }
        l->gain_db = 0;
        l->since_step = 0;
        l->heard = 0;
}

double leveller_gain_db(const struct leveller *l)
{
        return l->gain_db;
}

void leveller_free(struct leveller *l)
{
        if (!l)
                return;
        ebur128_destroy(&l->meter);
        free(l);
}
