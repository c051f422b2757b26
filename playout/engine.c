/* The engine loop: asks the source what comes next, mixes decks in fixed
 * blocks split exactly at item boundaries and hard events, limits, feeds the
 * encoders and paces itself against CLOCK_MONOTONIC (run) or not at all
 * (render). */
#define LOG_MODULE "playout"
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "playout/deck.h"
#include "playout/limiter.h"
#include "playout/playout.h"

#define BLOCK_FRAMES 1024
#define MAX_ENCODERS 16
#define MAX_OPEN_ATTEMPTS 32
#define PACING_LEAD_MS 300  /* how far ahead of real time the engine runs */
#define PACING_BATCH_MS 100 /* the lead swings between 200 and 300 ms */
#define UNKNOWN_LENGTH_WINDOW_MS (6LL * 3600 * 1000)
#define STOP_FADE_SECONDS 1.0
/* Keeps the true peak of the mix under -1 dBTP (0.3 dB for what the limiter's
 * intersample estimate misses); codec_headroom_db lowers it further. */
#define LIMITER_CEILING_DB -1.3
#define MAX_TITLE_EVENTS 8

/* A title change at an output frame, applied when the output (which lags the
 * mix by the limiter's look-ahead) reaches that frame. */
struct title_event {
        int64_t frame;
        char *title;
        char *artist;
};

struct playout {
        struct playout_config config;
        struct playout_source source;
        struct encoder *encoders[MAX_ENCODERS];
        size_t n_encoders;

        struct deck current;
        bool has_current;
        struct deck tail; /* the outgoing item of a crossfade */
        bool has_tail;
        struct deck pending; /* the pre-opened next item */
        bool has_pending;
        int64_t pending_start; /* the stream frame it was asked for */

        int64_t mix_pos;   /* frames mixed */
        int64_t out_pos;   /* frames sent to the encoders */
        int64_t end_frame; /* render: total frames; -1: until stopped */
        bool stopping;
        int64_t stop_frame;
        int64_t silent_frames;
        float silence_level; /* the silence threshold as a linear peak */
        bool behind;         /* the paced engine is late (one underrun per episode) */
        int64_t pacing_origin_ns;
        bool reached_lead; /* the paced engine has been a full lead ahead once */

        struct title_event titles[MAX_TITLE_EVENTS];
        size_t n_titles;

        void (*monitor)(void *user, const float *pcm, size_t frames);
        void *monitor_user;
        void (*command_hook)(void *user);
        void *command_hook_user;
        struct input_feed *relay; /* plays ITEM_RELAY items; may be NULL */
        struct input_feed *live;  /* plays ITEM_LIVE items; may be NULL */

        struct limiter limiter;
        float mix[2 * BLOCK_FRAMES];
        float scratch[2 * BLOCK_FRAMES];

        atomic_bool want_stop, want_skip, want_reschedule, want_interrupt, want_take_over;
        int64_t take_over_fade; /* frames of fade-in for the item a take-over starts */

        pthread_mutex_t lock; /* guards now and stats */
        struct playout_nowplaying now;
        struct playout_stats stats;
};

struct playout *playout_new(const struct playout_config *config,
                            const struct playout_source *source, const char **errstr)
{
        if (config->rate != 44100 && config->rate != 48000) {
                *errstr = "sample rate must be 44100 or 48000";
                return NULL;
        }
        if (!source->next) {
                *errstr = "the source has no next()";
                return NULL;
        }
        struct playout *p = xcalloc(1, sizeof *p);
        p->config = *config;
        if (p->config.click_fade <= 0)
                p->config.click_fade = 0.01;
        if (p->config.operator_fade <= 0)
                p->config.operator_fade = 0.5;
        p->source = *source;
        p->end_frame = -1;
        if (config->end_ms > config->start_ms)
                p->end_frame = (config->end_ms - config->start_ms) * config->rate / 1000;
        double headroom = config->codec_headroom_db > 0 ? config->codec_headroom_db : 0;
        limiter_init(&p->limiter, config->rate, LIMITER_CEILING_DB - headroom);
        p->silence_level = (float)db_to_gain(config->silence_threshold);
        pthread_mutex_init(&p->lock, NULL);
        return p;
}

void playout_add_encoder(struct playout *p, struct encoder *encoder)
{
        if (p->n_encoders < MAX_ENCODERS)
                p->encoders[p->n_encoders++] = encoder;
}

void playout_set_input(struct playout *p, enum item_kind kind, struct input_feed *feed)
{
        if (kind == ITEM_RELAY)
                p->relay = feed;
        else if (kind == ITEM_LIVE)
                p->live = feed;
}

static struct input_feed *feed_for(const struct playout *p, enum item_kind kind)
{
        return kind == ITEM_RELAY ? p->relay : kind == ITEM_LIVE ? p->live : NULL;
}

void playout_set_monitor(struct playout *p,
                         void (*monitor)(void *user, const float *pcm, size_t frames),
                         void *user)
{
        p->monitor = monitor;
        p->monitor_user = user;
}

/* ---- time ------------------------------------------------------------------ */

static int64_t frame_to_ms(const struct playout *p, int64_t frame)
{
        return p->config.start_ms + frame * 1000 / p->config.rate;
}

static int64_t ms_to_frame(const struct playout *p, int64_t ms)
{
        return (ms - p->config.start_ms) * p->config.rate / 1000;
}

static int64_t seconds_to_frames(const struct playout *p, double seconds)
{
        return (int64_t)llround(seconds * p->config.rate);
}

/* ---- as-run and now playing -------------------------------------------------- */

static void report(struct playout *p, const struct playout_item *item, int64_t start,
                   int64_t end, enum playout_end_reason reason, const char *error)
{
        struct playout_asrun record = {
            .item = item,
            .start_ms = frame_to_ms(p, start),
            .end_ms = frame_to_ms(p, end),
            .frames = end - start,
            .reason = reason,
            .error = error,
        };
        if (reason == PLAYOUT_END_UNREADABLE)
                log_warn("skipped '%s': %s", item->path, error ? error : "unreadable");
        else
                log_info("ended '%s' (%s, %.1f s)",
                         item->title ? item->title : item->path,
                         playout_end_reason_name(reason),
                         (double)(end - start) / p->config.rate);
        pthread_mutex_lock(&p->lock);
        if (reason == PLAYOUT_END_UNREADABLE || reason == PLAYOUT_END_OPERATOR ||
            reason == PLAYOUT_END_SILENCE)
                p->stats.skips++;
        else
                p->stats.items_aired++;
        pthread_mutex_unlock(&p->lock);
        if (p->source.aired)
                p->source.aired(p->source.ctx, &record);
}

static void copy_text(char *dst, size_t size, const char *src)
{
        snprintf(dst, size, "%s", src ? src : "");
}

static void update_nowplaying(struct playout *p)
{
        pthread_mutex_lock(&p->lock);
        struct playout_nowplaying *now = &p->now;
        now->on_air = p->has_current;
        if (p->has_current) {
                const struct deck *d = &p->current;
                copy_text(now->title, sizeof now->title, d->item.title);
                copy_text(now->artist, sizeof now->artist, d->item.artist);
                now->kind = d->item.kind;
                now->media_id = d->item.media_id;
                now->ref_id = d->item.ref_id;
                double before = d->item.resumed_ms > 0 ? d->item.resumed_ms / 1000.0 : 0;
                now->started_ms = frame_to_ms(p, d->start) - (int64_t)(before * 1000);
                int64_t end = deck_natural_end(d);
                if (d->stop_at >= 0 && (end < 0 || d->stop_at < end))
                        end = d->stop_at;
                now->duration =
                    end >= 0 ? before + (double)(end - d->start) / p->config.rate : 0;
                now->elapsed = before + (double)(p->mix_pos - d->start) / p->config.rate;
        }
        p->stats.frames = p->out_pos;
        pthread_mutex_unlock(&p->lock);
}

static void queue_title(struct playout *p, int64_t frame, const struct playout_item *item)
{
        if (p->n_titles == MAX_TITLE_EVENTS) { /* only the latest matters */
                free(p->titles[0].title);
                free(p->titles[0].artist);
                memmove(p->titles, p->titles + 1,
                        (MAX_TITLE_EVENTS - 1) * sizeof p->titles[0]);
                p->n_titles--;
        }
        struct title_event *t = &p->titles[p->n_titles++];
        t->frame = frame;
        t->title = xstrdup(item->title ? item->title : "");
        t->artist = xstrdup(item->artist ? item->artist : "");
}

/* ---- choosing and opening items ----------------------------------------------- */

static void drop_pending(struct playout *p)
{
        if (!p->has_pending)
                return;
        if (p->source.cancel)
                p->source.cancel(p->source.ctx, &p->pending.item);
        deck_close(&p->pending);
        p->has_pending = false;
}

/* Asks the source for the item starting at frame and opens it into pending,
 * skipping (and reporting) what cannot be opened.  Returns 0 or -1. */
static int open_next(struct playout *p, int64_t frame)
{
        int64_t start_ms = frame_to_ms(p, frame);
        for (int attempt = 0; attempt < MAX_OPEN_ATTEMPTS; attempt++) {
                struct playout_item item = {0};
                if (p->source.next(p->source.ctx, start_ms, &item) < 0)
                        return -1;
                const char *err = "unreadable";
                if (!item.path || deck_open(&p->pending, &item, p->config.rate,
                                            feed_for(p, item.kind), &err) < 0) {
                        report(p, &item, frame, frame, PLAYOUT_END_UNREADABLE, err);
                        playout_item_clear(&item);
                        continue;
                }
                playout_item_clear(&item);
                p->has_pending = true;
                p->pending_start = frame;
                return 0;
        }
        log_error("no playable item after %d attempts", MAX_OPEN_ATTEMPTS);
        return -1;
}

/* Where the current item will hand over to the next one, as far as known now. */
static int64_t expected_handover(const struct playout *p)
{
        const struct deck *d = &p->current;
        int64_t end = deck_natural_end(d);
        if (end >= 0 && p->config.crossfade > 0)
                end -= seconds_to_frames(p, p->config.crossfade);
        if (d->stop_at >= 0 && (end < 0 || d->stop_at < end))
                end = d->stop_at;
        return end;
}

/* Sets the current deck's stop for a hard event or show end inside its span. */
static void plan_current_stop(struct playout *p, int64_t from_frame)
{
        struct deck *d = &p->current;
        const struct playout_item *item = &d->item;
        if (item->end_by_ms > 0) {
                int64_t at = ms_to_frame(p, item->end_by_ms);
                int64_t fade = item->end_fade_ms > 0
                                   ? item->end_fade_ms * p->config.rate / 1000
                                   : seconds_to_frames(p, p->config.click_fade);
                if (at > from_frame)
                        deck_set_stop(d, at, fade,
                                      item->end_reason ? item->end_reason
                                                       : PLAYOUT_END_SHOW_END);
        }
        int64_t end = deck_natural_end(d);
        int64_t from_ms = frame_to_ms(p, from_frame);
        int64_t until_ms =
            end >= 0 ? frame_to_ms(p, end) : from_ms + UNKNOWN_LENGTH_WINDOW_MS;
        int64_t hard_ms;
        if (p->source.next_hard &&
            p->source.next_hard(p->source.ctx, from_ms, until_ms, &hard_ms)) {
                int64_t at = ms_to_frame(p, hard_ms);
                if (at > from_frame && (end < 0 || at < end)) {
                        int64_t fade = seconds_to_frames(p, p->config.hard_fade);
                        if (fade > at - from_frame) /* the event is closer than a fade */
                                fade = at - from_frame;
                        deck_set_stop(d, at, fade, PLAYOUT_END_FADED_HARD);
                }
        }
}

static void preopen_next(struct playout *p)
{
        int64_t at = expected_handover(p);
        if (at >= 0 && !p->has_pending && !p->stopping)
                open_next(p, at);
}

/* Makes the pending item (or a freshly opened one) current at frame. */
static bool start_item(struct playout *p, int64_t frame)
{
        if (p->has_pending && p->pending_start != frame)
                drop_pending(p); /* the handover moved: ask again for the real time */
        if (!p->has_pending && open_next(p, frame) < 0)
                return false;
        p->current = p->pending;
        p->has_pending = false;
        p->has_current = true;
        struct deck *d = &p->current;
        d->start = frame;
        d->fade_in_end = frame;
        d->stop_at = -1;
        if (p->has_tail && p->config.crossfade > 0)
                d->fade_in_end = frame + seconds_to_frames(p, p->config.crossfade);
        if (p->take_over_fade > 0) {
                d->fade_in_end = frame + p->take_over_fade;
                p->take_over_fade = 0;
        }
        plan_current_stop(p, frame);
        queue_title(p, frame, &d->item);
        log_info("on air: '%s' by '%s' (%s, %.1f s)", d->item.title ? d->item.title : "",
                 d->item.artist ? d->item.artist : "", item_kind_name(d->item.kind),
                 d->length >= 0 ? (double)d->length / p->config.rate : -1.0);
        update_nowplaying(p);
        preopen_next(p);
        return true;
}

static void end_current(struct playout *p, int64_t frame, enum playout_end_reason reason)
{
        struct deck *d = &p->current;
        if (d->ended_early)
                log_warn("'%s' stopped decoding early", d->item.path);
        report(p, &d->item, d->start, frame, reason, NULL);
        deck_close(d);
        p->has_current = false;
}

static void end_tail(struct playout *p, int64_t frame)
{
        enum playout_end_reason reason =
            p->tail.stop_at >= 0 ? (enum playout_end_reason)p->tail.stop_reason
                                 : PLAYOUT_END_COMPLETED;
        report(p, &p->tail.item, p->tail.start, frame, reason, NULL);
        deck_close(&p->tail);
        p->has_tail = false;
}

/* ---- commands ---------------------------------------------------------------- */

/* What airs becomes the tail, fading out over operator_fade while next()
 * fades in over the same: a live input takes the air with a crossfade
 * rather than after a fade to nothing. */
static void take_over(struct playout *p, int64_t here)
{
        drop_pending(p);
        if (!p->has_current)
                return;
        int64_t fade = seconds_to_frames(p, p->config.operator_fade);
        if (p->has_tail)
                end_tail(p, here);
        p->tail = p->current;
        p->has_tail = true;
        p->has_current = false;
        deck_set_stop(&p->tail, here + fade, fade, PLAYOUT_END_TAKEN_OVER);
        p->take_over_fade = fade;
        log_info("taking over from '%s'", p->tail.item.title ? p->tail.item.title : "");
}

static void take_commands(struct playout *p)
{
        int64_t here = p->mix_pos;
        if (atomic_exchange(&p->want_stop, false) && !p->stopping) {
                p->stopping = true;
                p->stop_frame = here + seconds_to_frames(p, STOP_FADE_SECONDS);
                drop_pending(p);
                if (p->has_current)
                        deck_set_stop(&p->current, p->stop_frame,
                                      seconds_to_frames(p, STOP_FADE_SECONDS),
                                      PLAYOUT_END_STOPPED);
                log_info("stopping: fading out");
        }
        if (atomic_exchange(&p->want_take_over, false) && !p->stopping)
                take_over(p, here);
        bool interrupt = atomic_exchange(&p->want_interrupt, false);
        if ((atomic_exchange(&p->want_reschedule, false) || interrupt) && !p->stopping) {
                drop_pending(p);
                if (p->has_current) {
                        plan_current_stop(p, here);
                        if (!interrupt)
                                preopen_next(p);
                }
        }
        if ((atomic_exchange(&p->want_skip, false) || interrupt) && p->has_current &&
            !p->stopping) {
                int64_t fade = seconds_to_frames(p, p->config.operator_fade);
                deck_set_stop(&p->current, here + fade, fade, PLAYOUT_END_OPERATOR);
                drop_pending(p);
                log_info("skipping '%s'",
                         p->current.item.title ? p->current.item.title : "");
        }
}

/* ---- mixing -------------------------------------------------------------------- */

/* How many frames from here the current deck may play before something must
 * happen (its stop, the start of a crossfade, the tail's end, the stop). */
static size_t frames_until_event(struct playout *p, int64_t here, size_t n)
{
        int64_t limit = here + (int64_t)n;
        const struct deck *d = &p->current;
        if (d->stop_at >= 0 && d->stop_at < limit)
                limit = d->stop_at;
        if (p->config.crossfade > 0 && d->stop_at < 0 && p->has_pending) {
                int64_t xf =
                    deck_natural_end(d) - seconds_to_frames(p, p->config.crossfade);
                if (deck_natural_end(d) >= 0 && xf > here && xf < limit)
                        limit = xf;
        }
        if (p->has_tail && p->tail.stop_at >= 0 && p->tail.stop_at < limit &&
            p->tail.stop_at > here)
                limit = p->tail.stop_at;
        return (size_t)(limit - here);
}

static bool crossfade_due(struct playout *p, int64_t here)
{
        const struct deck *d = &p->current;
        if (p->config.crossfade <= 0 || d->stop_at >= 0 || !p->has_pending ||
            deck_natural_end(d) < 0)
                return false;
        return here >= deck_natural_end(d) - seconds_to_frames(p, p->config.crossfade);
}

/* Moves the current deck to the tail, fading out over the crossfade. */
static void begin_crossfade(struct playout *p, int64_t here)
{
        if (p->has_tail)
                end_tail(p, here);
        p->tail = p->current;
        p->has_tail = true;
        p->has_current = false;
        int64_t xf = seconds_to_frames(p, p->config.crossfade);
        deck_set_stop(&p->tail, here + xf, xf, PLAYOUT_END_COMPLETED);
        p->pending_start = here;
}

static void mix_tail(struct playout *p, float *out, size_t n, int64_t here)
{
        if (!p->has_tail)
                return;
        size_t got = deck_mix(&p->tail, out, n, here, p->scratch);
        if (got < n || (p->tail.stop_at >= 0 && here + (int64_t)n >= p->tail.stop_at))
                end_tail(p, here + (int64_t)got);
}

/* Fills mix[0 .. n) for stream frames [mix_pos, mix_pos + n). */
static void mix_block(struct playout *p, size_t n)
{
        memset(p->mix, 0, 2 * n * sizeof(float));
        size_t filled = 0;
        while (filled < n) {
                int64_t here = p->mix_pos + (int64_t)filled;
                if (p->stopping && here >= p->stop_frame)
                        break;
                if (p->has_current && crossfade_due(p, here))
                        begin_crossfade(p, here);
                if (!p->has_current && !start_item(p, here)) {
                        mix_tail(p, p->mix + 2 * filled, n - filled, here);
                        break; /* nothing at all to play: silence until the next block */
                }
                struct deck *d = &p->current;
                if (d->stop_at >= 0 && here >= d->stop_at) {
                        end_current(p, here, d->stop_reason);
                        continue;
                }
                size_t span = frames_until_event(p, here, n - filled);
                size_t got = deck_mix(d, p->mix + 2 * filled, span, here, p->scratch);
                mix_tail(p, p->mix + 2 * filled, got, here);
                filled += got;
                if (got < span) /* the item ended by itself */
                        end_current(p, here + (int64_t)got, PLAYOUT_END_COMPLETED);
        }
}

/* ---- output -------------------------------------------------------------------- */

static void apply_title(struct playout *p, struct title_event *t)
{
        for (size_t i = 0; i < p->n_encoders; i++)
                encoder_begin_item(p->encoders[i], t->title, t->artist);
        free(t->title);
        free(t->artist);
}

/* Sends frames [out_pos, out_pos + n) to the encoders, starting a new logical
 * stream exactly at each title change. */
static int write_output(struct playout *p, const float *buf, size_t n)
{
        size_t done = 0;
        while (done < n) {
                size_t chunk = n - done;
                if (p->n_titles > 0) {
                        int64_t at = p->titles[0].frame - (p->out_pos + (int64_t)done);
                        if (at <= 0) {
                                apply_title(p, &p->titles[0]);
                                memmove(p->titles, p->titles + 1,
                                        --p->n_titles * sizeof p->titles[0]);
                                continue;
                        }
                        if ((size_t)at < chunk)
                                chunk = (size_t)at;
                }
                for (size_t i = 0; i < p->n_encoders; i++)
                        if (encoder_write(p->encoders[i], buf + 2 * done, chunk) < 0)
                                return -1;
                done += chunk;
        }
        if (p->monitor)
                p->monitor(p->monitor_user, buf, n);
        p->out_pos += (int64_t)n;
        return 0;
}

static void check_silence(struct playout *p, float peak, size_t n)
{
        if (p->config.silence_threshold >= 0 || p->config.silence_limit <= 0 ||
            !p->has_current)
                return;
        if (peak > p->silence_level || p->current.item.quiet) {
                p->silent_frames = 0;
                return;
        }
        p->silent_frames += (int64_t)n;
        if (p->silent_frames < seconds_to_frames(p, p->config.silence_limit))
                return;
        log_error("silence alarm: %.0f s below %.0f dBFS in '%s'; skipping",
                  p->config.silence_limit, p->config.silence_threshold,
                  p->current.item.title ? p->current.item.title : "");
        pthread_mutex_lock(&p->lock);
        p->stats.silence_alarms++;
        pthread_mutex_unlock(&p->lock);
        p->silent_frames = 0;
        int64_t fade = seconds_to_frames(p, p->config.click_fade);
        deck_set_stop(&p->current, p->mix_pos + fade, fade, PLAYOUT_END_SILENCE);
}

/* The margin of the output over real time (the deadline of the frames just
 * made), counted once the engine has run a full lead ahead: at the start it
 * catches up from zero. */
static void record_lead(struct playout *p, int64_t lead_ns)
{
        if (!p->reached_lead) {
                p->reached_lead = lead_ns >= PACING_LEAD_MS * 1000000LL;
                return;
        }
        double lead_ms = (double)lead_ns / 1e6;
        pthread_mutex_lock(&p->lock);
        if (p->stats.min_lead_ms == 0 || lead_ms < p->stats.min_lead_ms)
                p->stats.min_lead_ms = lead_ms;
        pthread_mutex_unlock(&p->lock);
}

static void record_block_time(struct playout *p, int64_t started_ns)
{
        double ms = (double)(time_monotonic_ns() - started_ns) / 1e6;
        if (ms <= p->stats.worst_block_ms) /* only the engine thread writes it */
                return;
        pthread_mutex_lock(&p->lock);
        p->stats.worst_block_ms = ms;
        pthread_mutex_unlock(&p->lock);
}

static void pace(struct playout *p)
{
        if (!p->config.paced)
                return;
        int64_t due_ns = p->pacing_origin_ns +
                         p->out_pos * 1000000000LL / p->config.rate -
                         PACING_LEAD_MS * 1000000LL;
        int64_t now = time_monotonic_ns();
        record_lead(p, due_ns + PACING_LEAD_MS * 1000000LL - now);
        if (now > due_ns + 1000000000LL) { /* more than a second late */
                if (!p->reached_lead) {
                        /* Still the start (the first pick replays the day to
                         * resume, which takes a while with a big library): no
                         * stream was out yet, so nothing ran dry.  It catches
                         * up unpaced and keeps the wall-clock timeline. */
                        if (!p->behind)
                                log_info("catching up %.1f s at the start",
                                         (double)(now - due_ns) / 1e9);
                        p->behind = true;
                        return;
                }
                if (!p->behind) {
                        p->behind = true;
                        pthread_mutex_lock(&p->lock);
                        p->stats.underruns++;
                        pthread_mutex_unlock(&p->lock);
                        log_warn("engine is %.1f s behind real time",
                                 (double)(now - due_ns) / 1e9);
                }
                return;
        }
        p->behind = false;
        if (due_ns <= now)
                return;
        /* Ahead by more than the lead: sleep until the lead has shrunk by a batch,
         * so the engine wakes every PACING_BATCH_MS rather than every block. */
        due_ns += PACING_BATCH_MS * 1000000LL;
        struct timespec ts = {.tv_sec = due_ns / 1000000000LL,
                              .tv_nsec = due_ns % 1000000000LL};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                if (atomic_load(&p->want_stop))
                        break;
}

int playout_run(struct playout *p)
{
        p->pacing_origin_ns = time_monotonic_ns();
        /* The limiter's output lags by its look-ahead: mix that much first so
         * output frame k is mix frame k and events stay on their sample. */
        mix_block(p, LIMITER_LOOKAHEAD);
        limiter_process(&p->limiter, p->mix, LIMITER_LOOKAHEAD,
                        limiter_block_peak(p->mix, LIMITER_LOOKAHEAD));
        p->mix_pos = LIMITER_LOOKAHEAD;
        int rc = 0;
        for (;;) {
                take_commands(p);
                size_t n = BLOCK_FRAMES;
                if (p->end_frame >= 0 && p->out_pos + (int64_t)n > p->end_frame)
                        n = (size_t)(p->end_frame - p->out_pos);
                if (p->stopping && p->out_pos + (int64_t)n > p->stop_frame)
                        n = p->stop_frame > p->out_pos
                                ? (size_t)(p->stop_frame - p->out_pos)
                                : 0;
                if (n == 0)
                        break;
                int64_t block_started = time_monotonic_ns();
                mix_block(p, n);
                float peak = limiter_block_peak(p->mix, n);
                check_silence(p, peak, n);
                p->mix_pos += (int64_t)n;
                limiter_process(&p->limiter, p->mix, n, peak);
                if (write_output(p, p->mix, n) < 0) {
                        log_error("an encoder failed; stopping");
                        rc = -1;
                        break;
                }
                update_nowplaying(p);
                record_block_time(p, block_started);
                pace(p);
        }
        if (p->has_tail)
                end_tail(p, p->out_pos);
        if (p->has_current)
                end_current(p, p->out_pos, PLAYOUT_END_STOPPED);
        drop_pending(p);
        for (size_t i = 0; i < p->n_encoders; i++)
                encoder_finish(p->encoders[i]);
        update_nowplaying(p);
        return rc;
}

void playout_request_stop(struct playout *p)
{
        atomic_store(&p->want_stop, true);
}

void playout_set_command_hook(struct playout *p, void (*hook)(void *user), void *user)
{
        p->command_hook = hook;
        p->command_hook_user = user;
}

static void before_command(struct playout *p)
{
        if (p->command_hook)
                p->command_hook(p->command_hook_user);
}

void playout_skip(struct playout *p)
{
        before_command(p);
        atomic_store(&p->want_skip, true);
}

void playout_schedule_changed(struct playout *p)
{
        before_command(p);
        atomic_store(&p->want_reschedule, true);
}

void playout_interrupt(struct playout *p)
{
        before_command(p);
        atomic_store(&p->want_interrupt, true);
}

void playout_take_over(struct playout *p)
{
        before_command(p);
        atomic_store(&p->want_take_over, true);
}

void playout_get_nowplaying(struct playout *p, struct playout_nowplaying *now)
{
        pthread_mutex_lock(&p->lock);
        *now = p->now;
        pthread_mutex_unlock(&p->lock);
}

void playout_get_stats(struct playout *p, struct playout_stats *stats)
{
        pthread_mutex_lock(&p->lock);
        *stats = p->stats;
        pthread_mutex_unlock(&p->lock);
}

void playout_free(struct playout *p)
{
        if (!p)
                return;
        if (p->has_current)
                deck_close(&p->current);
        if (p->has_tail)
                deck_close(&p->tail);
        if (p->has_pending)
                deck_close(&p->pending);
        for (size_t i = 0; i < p->n_titles; i++) {
                free(p->titles[i].title);
                free(p->titles[i].artist);
        }
        pthread_mutex_destroy(&p->lock);
        free(p);
}
