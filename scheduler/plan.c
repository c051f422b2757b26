/* The planner: at each item boundary, what airs next, by the priority rules
 * of docs/scheduling.md; and where the next hard event is.  The engine's
 * source and the rundown call the same functions, the rundown through
 * planner_simulate, which advances time exactly as the engine does. */
#define LOG_MODULE "plan"
/* How long a live item is planned for: until its presenter leaves, in practice. */
#define LIVE_ITEM_HOURS 6
#include <stdlib.h>
#include <string.h>

#include "scheduler/plan.h"

/* ---- state ------------------------------------------------------------------- */

void plan_state_clear(struct plan_state *st)
{
        free(st->history);
        free(st->done);
        free(st->progress);
        memset(st, 0, sizeof *st);
}

static void *copy_array(const void *src, size_t n, size_t size)
{
        if (n == 0)
                return NULL;
        void *dst = xmalloc(n * size);
        memcpy(dst, src, n * size);
        return dst;
}

void plan_state_copy(struct plan_state *dst, const struct plan_state *src)
{
        plan_state_clear(dst);
        *dst = *src;
        dst->history = copy_array(src->history, src->n_history, sizeof *src->history);
        dst->cap_history = src->n_history;
        dst->done = copy_array(src->done, src->n_done, sizeof *src->done);
        dst->cap_done = src->n_done;
        dst->progress = copy_array(src->progress, src->n_progress, sizeof *src->progress);
        dst->cap_progress = src->n_progress;
}

static bool is_done(const struct plan_state *st, int type, int64_t id, int64_t at)
{
        for (size_t i = st->n_done; i-- > 0;)
                if (st->done[i].type == type && st->done[i].id == id &&
                    st->done[i].at == at)
                        return true;
        return false;
}

static void mark_done(struct plan_state *st, int type, int64_t id, int64_t at)
{
        if (st->n_done == st->cap_done) {
                st->cap_done = st->cap_done ? 2 * st->cap_done : 64;
                st->done = xrealloc(st->done, st->cap_done * sizeof *st->done);
        }
        st->done[st->n_done++] = (struct done_event){.type = type, .id = id, .at = at};
}

void planner_undo_event(struct planner *p, const struct plan_pick *pick)
{
        struct plan_state *st = &p->st;
        for (size_t i = st->n_done; i-- > 0;) {
                struct done_event *e = &st->done[i];
                if (e->type == pick->event_type && e->id == pick->event_id &&
                    e->at == pick->event_at) {
                        memmove(e, e + 1, (st->n_done - i - 1) * sizeof *e);
                        st->n_done--;
                        return;
                }
        }
}

/* Drops what no rule can look at any more, so the state stays small over
 * weeks of airing. */
static void prune_state(struct plan_state *st, int64_t now)
{
        int64_t horizon = now - PLAN_HISTORY_MS;
        size_t keep = 0;
        while (keep < st->n_history && st->history[keep].start < horizon)
                keep++;
        if (keep > 0) {
                memmove(st->history, st->history + keep,
                        (st->n_history - keep) * sizeof *st->history);
                st->n_history -= keep;
        }
        size_t out = 0;
        for (size_t i = 0; i < st->n_done; i++) {
                const struct done_event *e = &st->done[i];
                /* complaints and announcements are kept by id; their at is 0 */
                if (e->at == 0 || e->at >= horizon)
                        st->done[out++] = *e;
        }
        st->n_done = out;
        out = 0;
        for (size_t i = 0; i < st->n_progress; i++)
                if (st->progress[i].start >= horizon)
                        st->progress[out++] = st->progress[i];
        st->n_progress = out;
}

static void remember(struct plan_state *st, int64_t start, int64_t media_id,
                     uint64_t artist)
{
        /* An item outside the library without an artist (a fallback file, a
         * relay) matches no separation rule: keeping it would only grow the
         * state the station saves with every pick (a day of 3 s fallback
         * items is 30 000 entries). */
        if (media_id == 0 && artist == 0)
                return;
        if (st->n_history == st->cap_history) {
                st->cap_history = st->cap_history ? 2 * st->cap_history : 256;
                st->history =
                    xrealloc(st->history, st->cap_history * sizeof *st->history);
        }
        st->history[st->n_history++] = (struct history_entry){
            .start = start, .media_id = media_id, .artist_key = artist};
}

static struct show_progress *find_progress(struct plan_state *st,
                                           const struct instance *in)
{
        for (size_t i = st->n_progress; i-- > 0;)
                if (st->progress[i].show_id == in->show->id &&
                    st->progress[i].start == in->start)
                        return &st->progress[i];
        return NULL;
}

static struct show_progress *add_progress(struct plan_state *st,
                                          const struct instance *in)
{
        if (st->n_progress == st->cap_progress) {
                st->cap_progress = st->cap_progress ? 2 * st->cap_progress : 32;
                st->progress =
                    xrealloc(st->progress, st->cap_progress * sizeof *st->progress);
        }
        struct show_progress *pr = &st->progress[st->n_progress++];
        memset(pr, 0, sizeof *pr);
        pr->show_id = in->show->id;
        pr->start = in->start;
        return pr;
}

/* ---- picks from the library ------------------------------------------------------ */

static int64_t media_frames(const struct cat_media *m)
{
        return m->cue_out > m->cue_in ? m->cue_out - m->cue_in : 0;
}

/* Fills pick from a playable media row; false when it cannot air. */
static bool pick_media(struct planner *p, int64_t id, enum pick_source source,
                       struct plan_pick *pick)
{
        struct cat_media *m = catalog_get(p->cat, id);
        if (!m || !catalog_playable(m) || media_frames(m) <= 0)
                return false;
        memset(pick, 0, sizeof *pick);
        pick->path = m->path;
        pick->title = m->title;
        pick->artist = m->artist;
        pick->kind = m->kind;
        pick->media_id = m->id;
        pick->cue_in = m->cue_in;
        pick->cue_out = m->cue_out;
        pick->frames = media_frames(m);
        pick->gain_db = catalog_gain_db(m, p->config->loudness_target);
        pick->quiet = m->quiet;
        pick->source = source;
        return true;
}

/* ---- what is on the grid at a time ----------------------------------------------- */

/* Does a win over b when both air at the same moment?  A dated one-off beats
 * a weekly slot, then the later start (a show that begins inside another one
 * takes over until it ends), then the lower id. */
static bool instance_beats(const struct instance *a, const struct instance *b)
{
        if (a->dated != b->dated)
                return a->dated;
        if (a->start != b->start)
                return a->start > b->start;
        return a->show->id < b->show->id;
}

static const struct instance *winner_at(struct planner *p, int64_t t)
{
        const struct instance *best = NULL;
        int64_t today = grid_midnight(p->grid, t);
        int64_t days[2] = {grid_day_before(p->grid, today), today};
        for (int k = 0; k < 2; k++) {
                const struct day_plan *day = grid_day(p->grid, days[k]);
                for (size_t i = 0; i < day->n_inst; i++) {
                        const struct instance *in = &day->inst[i];
                        if (in->start <= t + PLAN_SLOP_MS && t + PLAN_SLOP_MS < in->end &&
                            (!best || instance_beats(in, best)))
                                best = in;
                }
        }
        return best;
}

/* The earliest start of another show in (after, before) that really takes
 * the air there: where an item that began at after would run into it.  A
 * show beaten at its start (a one-off holds the air) is no start at all. */
static const struct instance *next_show_start(struct planner *p, int64_t after,
                                              int64_t before)
{
        const struct instance *best = NULL;
        for (int64_t day = grid_midnight(p->grid, after); day < before;
             day = grid_day_after(p->grid, day)) {
                const struct day_plan *d = grid_day(p->grid, day);
                for (size_t i = 0; i < d->n_inst; i++) {
                        const struct instance *in = &d->inst[i];
                        if (in->start > after + PLAN_SLOP_MS && in->start < before &&
                            (!best || in->start < best->start) &&
                            winner_at(p, in->start) == in)
                                best = in;
                }
                if (best)
                        break;
        }
        return best;
}

/* ---- rotation ------------------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53ULL;
        x ^= x >> 33;
        return x;
}

static size_t gcd_size(size_t a, size_t b)
{
        while (b) {
                size_t r = a % b;
                a = b;
                b = r;
        }
        return a;
}

static bool played_since(const struct plan_state *st, int64_t since, int64_t media_id,
                         uint64_t artist)
{
        for (size_t i = st->n_history; i-- > 0;) {
                const struct history_entry *h = &st->history[i];
                if (h->start < since)
                        break;
                if (media_id ? h->media_id == media_id
                             : (artist && h->artist_key == artist))
                        return true;
        }
        return false;
}

static int64_t last_played(const struct plan_state *st, int64_t media_id)
{
        for (size_t i = st->n_history; i-- > 0;)
                if (st->history[i].media_id == media_id)
                        return st->history[i].start;
        return INT64_MIN;
}

/* Draws from the show's pool: a deterministic pseudo-random order from the
 * show's seed, the date and the draw number, taking the first track that
 * keeps both separation rules; if none does, the first that keeps the track
 * rule; else the one heard longest ago.  Same database, same draws. */
static bool pick_rotation(struct planner *p, const struct instance *in,
                          struct show_progress *pr, int64_t t, struct plan_pick *pick)
{
        const struct show *s = in->show;
        if (s->n_pool == 0)
                return false;
        uint64_t seed = mix64((uint64_t)s->seed * 0x9e3779b97f4a7c15ULL ^
                              (uint64_t)in->date_key << 20 ^ (uint64_t)s->id);
        uint64_t draw = mix64(seed + (uint64_t)pr->picks);
        pr->picks++;
        size_t n = s->n_pool;
        size_t first = (size_t)(draw % n);
        /* Stride co-prime with n visits every track once, in a scrambled order. */
        size_t stride = 1 + (size_t)((draw >> 32) % n);
        while (n > 1 && (stride % n == 0 || gcd_size(stride, n) != 1))
                stride++;
        int64_t track_since = t - s->track_separation_ms;
        int64_t artist_since = t - s->artist_separation_ms;
        size_t fallback_track = SIZE_MAX, oldest = SIZE_MAX;
        int64_t oldest_at = INT64_MAX;
        for (size_t k = 0, i = first; k < n; k++, i = (i + stride) % n) {
                struct cat_media *m = &p->cat->media[s->pool[i]];
                if (!catalog_playable(m) || media_frames(m) <= 0)
                        continue;
                bool track_ok = !played_since(&p->st, track_since, m->id, 0);
                if (track_ok && !played_since(&p->st, artist_since, 0, m->artist_key))
                        return pick_media(p, m->id, PICK_SHOW, pick);
                if (track_ok && fallback_track == SIZE_MAX)
                        fallback_track = i;
                int64_t last = last_played(&p->st, m->id);
                if (last < oldest_at) {
                        oldest_at = last;
                        oldest = i;
                }
        }
        size_t chosen = fallback_track != SIZE_MAX ? fallback_track : oldest;
        if (chosen == SIZE_MAX)
                return false;
        return pick_media(p, p->cat->media[s->pool[chosen]].id, PICK_SHOW, pick);
}

/* ---- PSA campaigns ------------------------------------------------------------- */

/* The campaign item for a slot: rotation by the slot's counter, skipping
 * items that cannot air. */
static bool pick_slot(struct planner *p, const struct slot *sl, enum pick_source source,
                      struct plan_pick *pick)
{
        const struct campaign *c = sl->campaign;
        for (size_t k = 0; k < c->n_items; k++) {
                size_t i = (size_t)((sl->seq + (int64_t)k) % (int64_t)c->n_items);
                if (pick_media(p, c->items[i], source, pick)) {
                        pick->kind = ITEM_PSA;
                        pick->ref = c->id;
                        pick->event_type = EVENT_SLOT;
                        pick->event_id = c->id;
                        pick->event_at = sl->at;
                        return true;
                }
        }
        return false;
}

/* Visits the slots of the days that can hold times in [from, to].  (A day
 * without slots has slots == NULL, and NULL + 0 is undefined: UBSan.) */
#define FOR_EACH_SLOT(p, from, to, sl)                                                   \
        for (int64_t day_ = grid_day_before((p)->grid, grid_midnight((p)->grid, from));  \
             day_ <= (to); day_ = grid_day_after((p)->grid, day_))                       \
                for (const struct day_plan *d_ = grid_day((p)->grid, day_); d_;          \
                     d_ = NULL)                                                          \
                        for (const struct slot *sl = d_->n_slots ? d_->slots : NULL;     \
                             sl && sl < d_->slots + d_->n_slots; sl++)

/* A hard slot due at t, or a soft one whose window has closed: the earliest
 * not yet aired, at most PLAN_HARD_LATE_MS late. */
static bool pick_hard_due(struct planner *p, int64_t t, struct plan_pick *pick)
{
        const struct slot *best = NULL;
        FOR_EACH_SLOT(p, t - PLAN_HARD_LATE_MS, t + PLAN_SLOP_MS, sl)
        {
                int64_t due = sl->window_end;
                if (due > t + PLAN_SLOP_MS || due < t - PLAN_HARD_LATE_MS ||
                    is_done(&p->st, EVENT_SLOT, sl->campaign->id, sl->at))
                        continue;
                if (!best || due < best->window_end)
                        best = sl;
        }
        if (!best)
                return false;
        mark_done(&p->st, EVENT_SLOT, best->campaign->id, best->at);
        if (pick_slot(p, best, PICK_HARD_PSA, pick))
                return true;
        log_warn("campaign %lld: no playable item at its slot",
                 (long long)best->campaign->id);
        return pick_hard_due(p, t, pick);
}

/* A soft slot whose window is open at t. */
static bool pick_soft_due(struct planner *p, int64_t t, struct plan_pick *pick)
{
        FOR_EACH_SLOT(p, t - PLAN_HARD_LATE_MS, t + PLAN_SLOP_MS, sl)
        {
                if (sl->campaign->hard || sl->at > t + PLAN_SLOP_MS ||
                    sl->window_end < t ||
                    is_done(&p->st, EVENT_SLOT, sl->campaign->id, sl->at))
                        continue;
                mark_done(&p->st, EVENT_SLOT, sl->campaign->id, sl->at);
                if (pick_slot(p, sl, PICK_SOFT_PSA, pick))
                        return true;
        }
        return false;
}

/* ---- complaints and announcements ------------------------------------------------ */

static bool live_now(const struct planner *p, int64_t t)
{
        return p->live && t >= p->live_from;
}

/* A complaint and the answer to it share an id: answer tells them apart. */
static struct live_complaint *find_complaint(struct planner *p, int64_t id, bool answer)
{
        for (size_t i = 0; p->live && i < p->live->n_complaints; i++)
                if (p->live->complaints[i].id == id &&
                    p->live->complaints[i].answer == answer)
                        return &p->live->complaints[i];
        return NULL;
}

/* A complaint and the answer to it air once each, kept apart. */
static int complaint_event(const struct live_complaint *c)
{
        return c->answer ? EVENT_COMPLAINT_ANSWER : EVENT_COMPLAINT;
}

static bool pick_complaint_recording(struct planner *p, const struct live_complaint *c,
                                     struct plan_pick *pick)
{
        if (!pick_media(p, c->media_id,
                        c->answer ? PICK_COMPLAINT_ANSWER : PICK_COMPLAINT, pick))
                return false;
        pick->kind = ITEM_COMPLAINT;
        pick->title = c->title;
        pick->artist = "";
        pick->ref = c->id;
        return true;
}

/* The complaint's spoken intro (then the recording follows right after), or
 * the recording when it has no intro. */
static bool pick_complaint(struct planner *p, const struct live_complaint *c,
                           struct plan_pick *pick)
{
        struct plan_pick recording;
        if (!pick_complaint_recording(p, c, &recording))
                return false;
        mark_done(&p->st, complaint_event(c), c->id, 0);
        if (c->intro_media_id &&
            pick_media(p, c->intro_media_id, PICK_COMPLAINT_INTRO, pick)) {
                pick->kind = ITEM_COMPLAINT;
                pick->ref = c->id;
                pick->artist = "";
                p->st.followup_complaint = c->id;
                p->st.followup_answer = c->answer;
        } else {
                *pick = recording;
        }
        pick->event_type = complaint_event(c);
        pick->event_id = c->id;
        return true;
}

/* Length in ms of a complaint with its intro; -1 if it cannot air. */
static int64_t complaint_ms(struct planner *p, const struct live_complaint *c)
{
        struct cat_media *m = catalog_get(p->cat, c->media_id);
        if (!m || !catalog_playable(m))
                return -1;
        int64_t frames = media_frames(m);
        struct cat_media *intro =
            c->intro_media_id ? catalog_get(p->cat, c->intro_media_id) : NULL;
        if (intro && catalog_playable(intro))
                frames += media_frames(intro);
        return frames * 1000 / p->rate;
}

static bool pick_air_next(struct planner *p, int64_t t, struct plan_pick *pick)
{
        if (!live_now(p, t))
                return false;
        for (size_t i = 0; i < p->live->n_complaints; i++) {
                const struct live_complaint *c = &p->live->complaints[i];
                if (c->air_next && !is_done(&p->st, complaint_event(c), c->id, 0) &&
                    pick_complaint(p, c, pick))
                        return true;
        }
        return false;
}

static bool pick_announcement(struct planner *p, int64_t t, bool urgent,
                              struct plan_pick *pick)
{
        if (!live_now(p, t))
                return false;
        for (size_t i = 0; i < p->live->n_announcements; i++) {
                const struct live_announcement *a = &p->live->announcements[i];
                bool due = urgent ? a->mode == ANNOUNCE_NOW
                                  : a->mode == ANNOUNCE_NEXT ||
                                        (a->mode == ANNOUNCE_AT &&
                                         a->air_at <= t + PLAN_SLOP_MS &&
                                         a->air_at >= t - PLAN_HARD_LATE_MS);
                if (!due || is_done(&p->st, EVENT_ANNOUNCEMENT, a->id, 0))
                        continue;
                mark_done(&p->st, EVENT_ANNOUNCEMENT, a->id, 0);
                if (!pick_media(p, a->media_id, PICK_ANNOUNCEMENT, pick))
                        continue;
                /* a cart airs as what it is (a jingle, a PSA) under its own
                 * title; an announcement's own recording is an announcement */
                if (a->alert_id)
                        pick->kind = ITEM_ALERT;
                pick->ref = a->id;
                pick->event_type = EVENT_ANNOUNCEMENT;
                pick->event_id = a->id;
                return true;
        }
        return false;
}

/* ---- show content ------------------------------------------------------------------ */

enum complaint_stage { STAGE_INTRO, STAGE_COMPLAINTS, STAGE_OUTRO, STAGE_FILLER };

/* Suara Warga: station intro, the queued complaints in queue order (each with
 * its own intro) while they fit before the show ends, station outro, then
 * filler from the show's categories. */
static bool pick_complaint_show(struct planner *p, const struct instance *in,
                                struct show_progress *pr, int64_t t,
                                struct plan_pick *pick)
{
        int64_t limit =
            in->end + (in->show->hard_end ? 0 : (int64_t)(p->config->show_grace * 1000));
        for (;;) {
                switch (pr->pos) {
                case STAGE_INTRO: {
                        bool any = false;
                        for (size_t i = 0; live_now(p, t) && i < p->live->n_complaints;
                             i++) {
                                const struct live_complaint *c = &p->live->complaints[i];
                                int64_t ms = complaint_ms(p, c);
                                if (c->queued && ms >= 0 && t + ms <= limit &&
                                    !is_done(&p->st, complaint_event(c), c->id, 0))
                                        any = true;
                        }
                        pr->pos = any ? STAGE_COMPLAINTS : STAGE_FILLER;
                        if (any && p->grid->intro_jingle &&
                            pick_media(p, p->grid->intro_jingle, PICK_JINGLE, pick))
                                return true;
                        break;
                }
                case STAGE_COMPLAINTS:
                        for (size_t i = 0; live_now(p, t) && i < p->live->n_complaints;
                             i++) {
                                const struct live_complaint *c = &p->live->complaints[i];
                                int64_t ms = complaint_ms(p, c);
                                if (!c->queued || ms < 0 || t + ms > limit ||
                                    is_done(&p->st, complaint_event(c), c->id, 0))
                                        continue;
                                if (pick_complaint(p, c, pick))
                                        return true;
                        }
                        pr->pos = STAGE_OUTRO;
                        break;
                case STAGE_OUTRO:
                        pr->pos = STAGE_FILLER;
                        if (p->grid->outro_jingle &&
                            pick_media(p, p->grid->outro_jingle, PICK_JINGLE, pick))
                                return true;
                        break;
                default:
                        return pick_rotation(p, in, pr, t, pick);
                }
        }
}

/* The relayed stream from now to the show's end (set_end cuts it there with
 * the show's fade), or the show's filler while the stream cannot air. */
static bool pick_relay(struct planner *p, const struct instance *in,
                       struct show_progress *pr, int64_t t, struct plan_pick *pick)
{
        if (p->relay_ready && !p->relay_ready(p->relay_ctx))
                return pick_rotation(p, in, pr, t, pick);
        memset(pick, 0, sizeof *pick);
        pick->path = in->show->url;
        pick->title = in->show->name;
        pick->artist = "";
        pick->kind = ITEM_RELAY;
        int64_t past_end = in->end - t + (int64_t)(p->config->show_grace * 1000) + 1000;
        pick->frames = past_end * p->rate / 1000;
        pick->source = PICK_SHOW;
        return true;
}

/* A presenter on the live input airs until they leave (the feed runs dry)
 * or a hard event cuts them; under the show's name, or "Siaran langsung". */
static bool pick_presenter(struct planner *p, const struct instance *in,
                           struct plan_pick *pick)
{
        const char *title = in ? in->show->name : "Siaran langsung";
        bool live_show = in && in->show->content == CONTENT_LIVE;
        if (!p->presenter_ready ||
            !p->presenter_ready(p->presenter_ctx, live_show, title, p->presenter_name,
                                sizeof p->presenter_name))
                return false;
        memset(pick, 0, sizeof *pick);
        pick->path = "live";
        pick->title = title;
        pick->artist = p->presenter_name;
        pick->kind = ITEM_LIVE;
        pick->quiet = true; /* the live input's own silence_limit applies */
        pick->frames = (int64_t)LIVE_ITEM_HOURS * 3600 * p->rate;
        pick->source = PICK_PRESENTER;
        pick->ref = in ? in->show->id : 0;
        if (live_show && in->show->hard_end) { /* fades out at the show's end */
                pick->end_by_ms = in->end;
                pick->end_fade_ms = (int64_t)(p->config->hard_fade * 1000);
                pick->end_reason = PLAYOUT_END_SHOW_END;
        }
        return true;
}

static bool pick_show(struct planner *p, const struct instance *in, int64_t t,
                      struct plan_pick *pick)
{
        struct show_progress *pr = find_progress(&p->st, in);
        if (!pr)
                pr = add_progress(&p->st, in);
        bool ok = false;
        switch (in->show->content) {
        case CONTENT_PLAYLIST:
                while (!ok && (size_t)pr->pos < in->show->n_playlist)
                        ok =
                            pick_media(p, in->show->playlist[pr->pos++], PICK_SHOW, pick);
                break;
        case CONTENT_ROTATION:
                ok = pick_rotation(p, in, pr, t, pick);
                break;
        case CONTENT_COMPLAINTS:
                ok = pick_complaint_show(p, in, pr, t, pick);
                break;
        case CONTENT_RELAY:
                ok = pick_relay(p, in, pr, t, pick);
                break;
        case CONTENT_LIVE: /* until (and after) the presenter: filler */
                ok = pick_rotation(p, in, pr, t, pick);
                break;
        }
        if (ok && (pick->source == PICK_SHOW || pick->source == PICK_JINGLE))
                pick->ref = in->show->id;
        return ok;
}

/* ---- the decision -------------------------------------------------------------------
 */

static void pick_fallback(struct planner *p, int64_t t, struct plan_pick *pick, bool *ok)
{
        /* The fallback's position restarts each local day from a point derived
         * from the date, so a rundown planned days ahead agrees with a station
         * that has been airing since. */
        int64_t day = grid_midnight(p->grid, t);
        if (day != p->st.fallback_day) {
                p->st.fallback_day = day;
                size_t n = fallback_count(p->fb);
                p->st.fallback_cursor = n ? (size_t)(mix64((uint64_t)day) % n) : 0;
        }
        *ok = fallback_pick(p->fb, p->cat, &p->st.fallback_cursor, t, pick) == 0;
}

/* The fade before the hard event at `at`: a campaign's own fade_seconds
 * when a PSA slot is due there (0 is a cut: end_fade_ms 0 makes the engine
 * use its click-free ramp), else the station's hard_fade. */
static int64_t hard_event_fade(struct planner *p, int64_t at, int64_t fade)
{
        FOR_EACH_SLOT(p, at, at, sl)
        {
                if (sl->window_end == at &&
                    !is_done(&p->st, EVENT_SLOT, sl->campaign->id, sl->at))
                        return sl->campaign->fade_ms;
        }
        return fade;
}

/* Cuts pick at its show's end or at the next show's start when it would run
 * past them (soft: by more than the grace period), and at the next hard
 * event so that event's own fade length is used. */
static void set_end(struct planner *p, const struct instance *in, int64_t t,
                    struct plan_pick *pick)
{
        int64_t natural = t + pick->frames * 1000 / p->rate;
        int64_t grace = (int64_t)(p->config->show_grace * 1000);
        int64_t fade = (int64_t)(p->config->hard_fade * 1000);
        bool cuttable = pick->source == PICK_SHOW || pick->source == PICK_FALLBACK ||
                        pick->source == PICK_JINGLE;
        if (cuttable && in) {
                int64_t allowed = in->end + (in->show->hard_end ? 0 : grace);
                if (natural > allowed) {
                        pick->end_by_ms = in->end;
                        pick->end_fade_ms = fade;
                        pick->end_reason = PLAYOUT_END_SHOW_END;
                }
        }
        if (cuttable) {
                const struct instance *next = next_show_start(p, t, natural);
                if (next && !next->show->hard_start && natural > next->start + grace &&
                    (!pick->end_by_ms || next->start < pick->end_by_ms)) {
                        pick->end_by_ms = next->start;
                        pick->end_fade_ms = fade;
                        pick->end_reason = PLAYOUT_END_SHOW_END;
                }
        }
        /* A hard event at the very moment of a show's end or start wins: its
         * own fade and reason apply. */
        int64_t until = pick->end_by_ms ? pick->end_by_ms : natural;
        int64_t hard;
        if (planner_next_hard(p, t, until, &hard) &&
            (hard < until || (pick->end_by_ms && hard == until))) {
                pick->end_by_ms = hard;
                pick->end_fade_ms = hard_event_fade(p, hard, fade);
                pick->end_reason = PLAYOUT_END_FADED_HARD;
        }
}

int planner_next(struct planner *p, int64_t t, struct plan_pick *pick)
{
        prune_state(&p->st, t);
        const struct instance *in = winner_at(p, t);
        bool relay = in && in->show->content == CONTENT_RELAY && in->show->url;
        p->relay_url = relay ? in->show->url : NULL;
        p->relay_from = relay ? in->start : 0;
        p->relay_until = relay ? in->end : 0;
        bool live_show = in && in->show->content == CONTENT_LIVE;
        p->live_show_from = live_show ? in->start : 0;
        p->live_show_until = live_show ? in->end : 0;
        bool ok = false;
        if (pick_announcement(p, t, true, pick))
                ok = true;
        else if (pick_hard_due(p, t, pick))
                ok = true;
        else if (p->st.followup_complaint) {
                struct live_complaint *c =
                    find_complaint(p, p->st.followup_complaint, p->st.followup_answer);
                p->st.followup_complaint = 0;
                if (c && pick_complaint_recording(p, c, pick)) {
                        ok = true;
                }
        }
        if (!ok && pick_presenter(p, in, pick))
                ok = true; /* a presenter on the live input */
        if (!ok && pick_air_next(p, t, pick))
                ok = true;
        if (!ok && pick_announcement(p, t, false, pick))
                ok = true;
        if (!ok && in && !find_progress(&p->st, in) && pick_show(p, in, t, pick))
                ok = true; /* a show's first item comes before a waiting soft PSA */
        if (!ok && pick_soft_due(p, t, pick))
                ok = true;
        if (!ok && in && pick_show(p, in, t, pick))
                ok = true;
        if (!ok) {
                /* filler inside a show keeps that show's end rules (in stays) */
                pick_fallback(p, t, pick, &ok);
                if (!ok)
                        return -1;
        }
        set_end(p, in, t, pick);
        const struct cat_media *m =
            pick->media_id ? catalog_get(p->cat, pick->media_id) : NULL;
        remember(&p->st, t, pick->media_id, m ? m->artist_key : 0);
        return 0;
}

/* ---- hard events ---------------------------------------------------------------------
 */

bool planner_next_hard(struct planner *p, int64_t from, int64_t until, int64_t *at_ms)
{
        int64_t best = INT64_MAX;
        FOR_EACH_SLOT(p, from, until, sl)
        {
                int64_t due = sl->window_end;
                if (due <= from || due > until || due >= best ||
                    is_done(&p->st, EVENT_SLOT, sl->campaign->id, sl->at))
                        continue;
                /* A soft slot only turns hard when no boundary falls in its window:
                 * the item running into it ends after the window closes. */
                if (!sl->campaign->hard && until <= sl->window_end)
                        continue;
                best = due;
        }
        for (int64_t day = grid_day_before(p->grid, grid_midnight(p->grid, from));
             day <= until; day = grid_day_after(p->grid, day)) {
                const struct day_plan *d = grid_day(p->grid, day);
                for (size_t i = 0; i < d->n_inst; i++) {
                        const struct instance *in = &d->inst[i];
                        if (!in->show->hard_start || in->start <= from ||
                            in->start > until || in->start >= best ||
                            find_progress(&p->st, in))
                                continue;
                        if (winner_at(p, in->start) != in)
                                continue;
                        best = in->start;
                }
        }
        for (size_t i = 0; p->live && i < p->live->n_announcements; i++) {
                const struct live_announcement *a = &p->live->announcements[i];
                if (a->mode == ANNOUNCE_AT && a->air_at > from && a->air_at <= until &&
                    a->air_at < best && a->air_at >= p->live_from &&
                    !is_done(&p->st, EVENT_ANNOUNCEMENT, a->id, 0))
                        best = a->air_at;
        }
        if (best == INT64_MAX)
                return false;
        *at_ms = best;
        return true;
}

/* ---- items and simulation
 * --------------------------------------------------------------- */

void planner_make_item(const struct planner *p, const struct plan_pick *pick,
                       int64_t start_ms, struct playout_item *item)
{
        (void)p;
        memset(item, 0, sizeof *item);
        item->path = xstrdup(pick->path);
        item->title = xstrdup(pick->title ? pick->title : "");
        item->artist = xstrdup(pick->artist ? pick->artist : "");
        item->kind = pick->kind;
        item->media_id = pick->media_id;
        item->ref_id = pick->ref;
        item->scheduled_ms = start_ms;
        item->cue_in = pick->cue_in;
        item->cue_out = pick->cue_out;
        item->gain_db = pick->gain_db;
        item->end_by_ms = pick->end_by_ms;
        item->end_fade_ms = pick->end_fade_ms;
        item->end_reason = pick->end_reason;
        item->quiet = pick->quiet;
}

int64_t planner_anchor(int64_t ms)
{
        return day_before(time_local_midnight(ms));
}

/* Where an item picked at frame (counted from origin) hands over to the next:
 * mirrors the engine's arithmetic (playout/engine.c), the natural end less
 * the crossfade, or the earliest stop (end_by, hard event).  The state must be
 * the one right after the pick, as the engine's next_hard call sees it. */
static int64_t handover_frame(struct planner *p, int64_t origin, int64_t frame,
                              const struct plan_pick *pick)
{
        int rate = p->rate;
        int64_t xfade = (int64_t)(p->config->crossfade * rate + 0.5);
        int64_t t = origin + frame * 1000 / rate;
        int64_t end = frame + (pick->frames > 0 ? pick->frames : 1);
        int64_t stop = -1;
        if (pick->end_by_ms > 0) {
                int64_t at = (pick->end_by_ms - origin) * rate / 1000;
                if (at > frame)
                        stop = at;
        }
        int64_t hard;
        if (planner_next_hard(p, t, origin + end * 1000 / rate, &hard)) {
                int64_t at = (hard - origin) * rate / 1000;
                if (at > frame && at < end && (stop < 0 || at < stop))
                        stop = at;
        }
        int64_t handover = end;
        if (stop < 0 && xfade > 0 && end - xfade > frame)
                handover = end - xfade;
        if (stop >= 0 && stop < handover)
                handover = stop;
        return handover;
}

/* The simulation loop; first (may be NULL) is an item already picked at
 * origin, the planner's state being the one right after it. */
static void simulate_from(struct planner *p, int64_t origin,
                          const struct plan_pick *first, int64_t to_ms, plan_emit_fn emit,
                          void *user)
{
        int rate = p->rate;
        int64_t frame = 0;
        for (;;) {
                int64_t t = origin + frame * 1000 / rate;
                struct plan_pick pick;
                if (first) {
                        pick = *first;
                        first = NULL;
                } else {
                        if (t >= to_ms)
                                break;
                        if (planner_next(p, t, &pick) < 0) {
                                frame += rate; /* the engine airs a second of silence */
                                continue;
                        }
                }
                int64_t handover = handover_frame(p, origin, frame, &pick);
                if (emit && !emit(user, t, origin + handover * 1000 / rate, &pick))
                        break;
                frame = handover;
        }
}

void planner_simulate(struct planner *p, int64_t origin, int64_t to_ms, plan_emit_fn emit,
                      void *user)
{
        simulate_from(p, origin, NULL, to_ms, emit, user);
}

void planner_continue(struct planner *p, int64_t start_ms, const struct plan_pick *pick,
                      int64_t to_ms, plan_emit_fn emit, void *user)
{
        simulate_from(p, start_ms, pick, to_ms, emit, user);
}
