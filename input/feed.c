/* The inputs' feed (see feed.h). */
#define LOG_MODULE "input"
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/common.h"
#include "input/feed.h"
#include "input/leveller.h"
#include "input/ring.h"

/* Extra room beyond the buffer so a ring nobody reads (filler airs) keeps
 * the freshest audio: the oldest is dropped. */
#define RING_EXTRA_SECONDS 0.5
#define LEVEL_WINDOW_SECONDS 0.5
/* The paced engine mixes up to this far ahead of real time, so it takes
 * that much from a fresh ring at once: the buffer counts beyond it. */
#define ENGINE_READ_AHEAD_SECONDS 0.3

struct input_feed {
        int rate;
        int64_t buffer_frames;
        void (*on_ready)(void *user);
        void *user;
        struct ring *ring;
        float silence_level;          /* linear peak; 0: every frame counts as audible */
        int64_t silence_limit_frames; /* 0: silence never drops the feed */
        atomic_bool heard;            /* audible audio arrived since the last drop */
        atomic_bool ready;
        /* the writer's own */
        int64_t silent_frames;
        float window_peak;
        int64_t window_frames;
        _Atomic float level;       /* linear peak of the latest full window */
        struct leveller *leveller; /* NULL: the audio airs as it comes */
};

struct input_feed *feed_new(int rate, double buffer, double silence_db,
                            double silence_limit, void (*on_ready)(void *user),
                            void *user)
{
        struct input_feed *f = xcalloc(1, sizeof *f);
        f->rate = rate;
        f->buffer_frames = (int64_t)((buffer + ENGINE_READ_AHEAD_SECONDS) * rate);
        f->silence_level = silence_db < 0 ? powf(10.0f, (float)silence_db / 20.0f) : 0;
        f->silence_limit_frames =
            silence_limit > 0 && silence_db < 0 ? (int64_t)(silence_limit * rate) : 0;
        f->on_ready = on_ready;
        f->user = user;
        f->ring = ring_new(
            (size_t)((buffer + ENGINE_READ_AHEAD_SECONDS + RING_EXTRA_SECONDS) * rate));
        return f;
}

static void feed_mark_ready_if_full(struct input_feed *f)
{
        if (atomic_load(&f->ready) || !atomic_load(&f->heard) ||
            ring_level(f->ring) < f->buffer_frames)
                return;
        atomic_store(&f->ready, true);
        log_info("input buffered, ready to air");
        if (f->on_ready)
                f->on_ready(f->user);
}

/* The level for the panel, and the silence that drops a live feed. */
static void feed_measure(struct input_feed *f, const float *frames, size_t n)
{
        float peak = 0;
        for (size_t i = 0; i < 2 * n; i++)
                if (fabsf(frames[i]) > peak)
                        peak = fabsf(frames[i]);
        if (peak > f->window_peak)
                f->window_peak = peak;
        f->window_frames += (int64_t)n;
        if (f->window_frames >= (int64_t)(LEVEL_WINDOW_SECONDS * f->rate)) {
                atomic_store(&f->level, f->window_peak);
                f->window_peak = 0;
                f->window_frames = 0;
        }
        if (peak > f->silence_level) {
                atomic_store(&f->heard, true);
                f->silent_frames = 0;
                return;
        }
        f->silent_frames += (int64_t)n;
        if (f->silence_limit_frames > 0 && f->silent_frames >= f->silence_limit_frames &&
            atomic_load(&f->heard)) {
                log_warn("input silent for %.0f s: the schedule resumes until it is "
                         "audible again",
                         (double)f->silence_limit_frames / f->rate);
                feed_drop(f);
                f->silent_frames = 0;
        }
}

void feed_push(struct input_feed *f, float *frames, size_t n)
{
        for (size_t i = 0; i < 2 * n; i++)
                if (!(frames[i] >= -4.0f && frames[i] <= 4.0f)) /* NaN guard */
                        frames[i] = 0;
        feed_measure(f, frames, n);
        if (f->leveller)
                leveller_process(f->leveller, frames, n);
        ring_write(f->ring, frames, n);
        feed_mark_ready_if_full(f);
}

void feed_drop(struct input_feed *f)
{
        atomic_store(&f->ready, false);
        atomic_store(&f->heard, false);
        ring_clear(f->ring);
}

void feed_set_leveller(struct input_feed *f, struct leveller *leveller)
{
        f->leveller = leveller;
}

double feed_level_db(struct input_feed *f)
{
        float level = atomic_load(&f->level);
        return level > 1e-6f ? 20.0 * log10(level) : -120.0;
}

bool input_feed_ready(struct input_feed *f)
{
        return f && atomic_load(&f->ready);
}

long input_feed_read(struct input_feed *f, float *buf, size_t frames)
{
        if (!atomic_load(&f->ready))
                return -1;
        size_t got = ring_read(f->ring, buf, frames);
        if (got < frames) {
                atomic_store(&f->ready, false);
                log_warn("input ran dry: the stream stalled longer than the buffer");
        }
        return (long)got;
}

void input_feed_suspend(struct input_feed *f)
{
        feed_drop(f);
        log_warn("input silent on air: back when it is audible again");
}

void feed_free(struct input_feed *f)
{
        if (!f)
                return;
        ring_free(f->ring);
        free(f);
}
