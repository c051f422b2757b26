/* The engine's source: struct scheduler wraps the planner with what the
 * engine needs from the database, prepared off its thread by the loader (the
 * catalogue and grid when they changed, the live queue of complaints and
 * announcements), hands what airs to the writer (as-run rows, status
 * changes), and keeps the bookkeeping the engine's calls need (cancel puts the
 * state back; aired confirms).  The engine thread never waits on SQLite. */
#define LOG_MODULE "scheduler"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "input/input.h"
#include "scheduler/background.h"

/* Items handed to the engine and not yet reported aired: the current one,
 * the pre-opened next one, and a crossfade tail. */
#define MAX_HANDOUTS 8
/* Complaints and announcements that aired and whose status the writer has not
 * written yet: the planner must not pick them again meanwhile. */
#define MAX_AIRED_UNWRITTEN 64
/* How long a command from the panel waits for the loader (scheduler_sync). */
#define SYNC_TIMEOUT_MS 2000
/* A checkpoint older than this is not where the station stands any more (it
 * was off for long): a restart then replays the day from the anchor as a
 * render does. */
#define CHECKPOINT_SPAN_MS (36LL * 3600 * 1000)
/* More than the engine's lead over the wall clock (PACING_LEAD_MS). */
#define ENGINE_LEAD_MS 5000

struct handout {
        int64_t scheduled_ms;
        int64_t media_id;
        int64_t ref;
        enum pick_source source;
        int event_type;
        int64_t event_id, event_at;
        char *path;
};

/* A complaint or announcement that aired, until a live queue read after its
 * status was written replaces the one in memory. */
struct aired_unwritten {
        enum pick_source source;
        int64_t id;
        uint64_t write_seq;
};

struct scheduler {
        const struct config *config;
        sqlite3 *db;
        struct catalog *cat;
        struct grid *grid;
        struct fallback *fb;
        struct live_queue live;
        struct planner planner;
        bool record_asrun;
        bool started;
        struct db_writer *writer;
        struct sched_loader *loader;
        struct handout handouts[MAX_HANDOUTS];
        size_t n_handouts;
        /* the state before the latest next(), for cancel */
        struct plan_state before_latest;
        bool has_before_latest;
        int64_t latest_ms, latest_media;
        struct aired_unwritten aired[MAX_AIRED_UNWRITTEN];
        size_t n_aired;
        /* The engine's latest picks with the planner's state after each (engine
         * thread), the copy other threads read (under published_lock), and
         * how often it changed; the checkpoint the station saved last time,
         * read at creation for the first pick. */
        struct anchor anchor;
        pthread_mutex_t published_lock;
        struct anchor published;
        _Atomic uint64_t timeline_version;
        struct anchor saved;
        /* The station's relay input (may be NULL) and the relay show it
         * follows (UTC ms; written on the engine thread, read on the input's). */
        struct input_relay *relay;
        _Atomic int64_t relay_from, relay_until;
        struct input_live *live_input;                   /* presenters; may be NULL */
        _Atomic int64_t live_show_from, live_show_until; /* as relay_from, _until */
};

/* ---- the live queue ---------------------------------------------------------- */

void live_queue_clear(struct live_queue *q)
{
        for (size_t i = 0; i < q->n_complaints; i++)
                free(q->complaints[i].title);
        free(q->complaints);
        free(q->announcements);
        memset(q, 0, sizeof *q);
}

int live_queue_load(sqlite3 *db, struct live_queue *q)
{
        live_queue_clear(q);
        sqlite3_stmt *stmt = NULL;
        int rc = -1, step;
        /* Confidential complaints and those without consent never air. */
        if (sqlite3_prepare_v2(
                db,
                "SELECT id, media_id, intro_media_id, title, air_next, status"
                " FROM complaints WHERE consent = 1 AND confidential = 0"
                " AND media_id IS NOT NULL AND (status = 'queued'"
                " OR (air_next = 1 AND status = 'verified'))"
                " ORDER BY queue_position IS NULL, queue_position, id",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                q->complaints = xrealloc(q->complaints,
                                         (q->n_complaints + 1) * sizeof *q->complaints);
                struct live_complaint *c = &q->complaints[q->n_complaints++];
                c->id = sqlite3_column_int64(stmt, 0);
                c->media_id = sqlite3_column_int64(stmt, 1);
                c->intro_media_id = sqlite3_column_int64(stmt, 2);
                const unsigned char *title = sqlite3_column_text(stmt, 3);
                c->title = xasprintf("Suara Warga: %s", title ? (const char *)title : "");
                c->air_next = sqlite3_column_int(stmt, 4) != 0;
                const unsigned char *status = sqlite3_column_text(stmt, 5);
                c->queued = status && !strcmp((const char *)status, "queued");
                c->answer = false;
        }
        if (step != SQLITE_DONE)
                goto out;
        sqlite3_finalize(stmt);
        /* the agencies' answers, oldest first, after the complaints */
        if (sqlite3_prepare_v2(
                db,
                "SELECT id, answer_media_id, answer_intro_media_id, title, answer_agency"
                " FROM complaints WHERE consent = 1 AND confidential = 0"
                " AND status = 'answered' AND answer_aired_at IS NULL"
                " AND answer_media_id IS NOT NULL ORDER BY updated_at, id",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                q->complaints = xrealloc(q->complaints,
                                         (q->n_complaints + 1) * sizeof *q->complaints);
                struct live_complaint *c = &q->complaints[q->n_complaints++];
                c->id = sqlite3_column_int64(stmt, 0);
                c->media_id = sqlite3_column_int64(stmt, 1);
                c->intro_media_id = sqlite3_column_int64(stmt, 2);
                const unsigned char *title = sqlite3_column_text(stmt, 3);
                const unsigned char *agency = sqlite3_column_text(stmt, 4);
                c->title =
                    xasprintf("Tanggapan %s: %s", agency ? (const char *)agency : "",
                              title ? (const char *)title : "");
                c->air_next = false;
                c->queued = true;
                c->answer = true;
        }
        if (step != SQLITE_DONE)
                goto out;
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(db,
                               "SELECT id, media_id, mode, air_at, alert_id"
                               " FROM announcements"
                               " WHERE status = 'pending' ORDER BY"
                               " queue_position IS NULL, queue_position, created_at, id",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                q->announcements =
                    xrealloc(q->announcements,
                             (q->n_announcements + 1) * sizeof *q->announcements);
                struct live_announcement *a = &q->announcements[q->n_announcements++];
                a->id = sqlite3_column_int64(stmt, 0);
                a->media_id = sqlite3_column_int64(stmt, 1);
                const char *mode = (const char *)sqlite3_column_text(stmt, 2);
                a->mode = !mode || !strcmp(mode, "now") ? ANNOUNCE_NOW
                          : !strcmp(mode, "next")       ? ANNOUNCE_NEXT
                                                        : ANNOUNCE_AT;
                a->air_at = sqlite3_column_int64(stmt, 3);
                a->alert_id = sqlite3_column_int64(stmt, 4);
        }
        rc = step == SQLITE_DONE ? 0 : -1;
out:
        if (rc < 0)
                log_error("reading the complaint and announcement queue: %s",
                          sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        return rc;
}

/* Drops a complaint or announcement from the live queue in memory. */
static void live_queue_remove(struct live_queue *q, enum pick_source source, int64_t id)
{
        if (source == PICK_COMPLAINT || source == PICK_COMPLAINT_ANSWER) {
                /* a complaint and the answer to it are two entries of one id */
                bool answer = source == PICK_COMPLAINT_ANSWER;
                for (size_t i = 0; i < q->n_complaints; i++)
                        if (q->complaints[i].id == id &&
                            q->complaints[i].answer == answer) {
                                free(q->complaints[i].title);
                                memmove(&q->complaints[i], &q->complaints[i + 1],
                                        (q->n_complaints - i - 1) *
                                            sizeof q->complaints[0]);
                                q->n_complaints--;
                                return;
                        }
        } else if (source == PICK_ANNOUNCEMENT) {
                for (size_t i = 0; i < q->n_announcements; i++)
                        if (q->announcements[i].id == id) {
                                memmove(&q->announcements[i], &q->announcements[i + 1],
                                        (q->n_announcements - i - 1) *
                                            sizeof q->announcements[0]);
                                q->n_announcements--;
                                return;
                        }
        }
}

/* ---- snapshots from the loader ------------------------------------------------------
 */

/* A fresh live queue may predate the writer's status change of an item that
 * aired: leave such items out until a queue read after the write. */
static void filter_aired(struct scheduler *s, struct live_queue *q, uint64_t writes_done)
{
        size_t kept = 0;
        for (size_t i = 0; i < s->n_aired; i++) {
                struct aired_unwritten *a = &s->aired[i];
                if (a->write_seq <= writes_done)
                        continue;
                live_queue_remove(q, a->source, a->id);
                s->aired[kept++] = *a;
        }
        s->n_aired = kept;
}

/* Swaps in what the loader read; what it replaces goes back to the loader. */
static void apply_snapshot(struct scheduler *s, struct snapshot *snap)
{
        struct snapshot old = {0};
        if (snap->cat) {
                old.cat = s->cat;
                old.grid = s->grid;
                s->cat = snap->cat;
                s->grid = snap->grid;
                s->planner.cat = s->cat;
                s->planner.grid = s->grid;
        }
        if (snap->fb) {
                old.fb = s->fb;
                s->fb = snap->fb;
                s->planner.fb = s->fb;
        }
        if (snap->has_live) {
                filter_aired(s, &snap->live, snap->writes_done);
                old.live = s->live;
                old.has_live = true;
                s->live = snap->live;
        }
        memset(snap, 0, sizeof *snap);
        sched_loader_retire(s->loader, &old);
}

static void take_snapshot(struct scheduler *s)
{
        struct snapshot snap;
        if (sched_loader_poll(s->loader, &snap))
                apply_snapshot(s, &snap);
}

/* ---- creating ------------------------------------------------------------------------
 */

/* station: the running station's scheduler, with the writer and the loader on
 * threads of their own and the fallback's loudness measured by the loader;
 * otherwise everything happens inline on the caller's thread.  measure:
 * fallback files missing from the loudness cache are measured now (a render
 * must air them at the gain the station gives them). */
/* ---- relays ------------------------------------------------------------------ */

static bool relay_can_air(void *ctx)
{
        struct scheduler *s = ctx;
        return s->relay && input_feed_ready(input_relay_feed(s->relay));
}

void scheduler_set_relay(struct scheduler *s, struct input_relay *relay)
{
        s->relay = relay;
}

bool scheduler_relay_due(struct scheduler *s, int64_t now_ms)
{
        return now_ms >= atomic_load(&s->relay_from) &&
               now_ms < atomic_load(&s->relay_until);
}

/* After a pick: a relay show at its start starts (or keeps) the relay
 * connecting, so its buffer is full when it can air.  The relay stops at the
 * first pick once the show is over by the wall clock: a pick asked ahead
 * (for after the relay item's end, or before the show) changes nothing. */
static void follow_relay(struct scheduler *s)
{
        if (!s->relay)
                return;
        if (s->planner.relay_url) {
                atomic_store(&s->relay_from, s->planner.relay_from);
                atomic_store(&s->relay_until, s->planner.relay_until);
                input_relay_want(s->relay, s->planner.relay_url);
        } else if (time_now_ms() >= atomic_load(&s->relay_until)) {
                atomic_store(&s->relay_from, 0);
                atomic_store(&s->relay_until, 0);
                input_relay_want(s->relay, NULL);
        }
}

/* ---- presenters ---------------------------------------------------------------- */

/* Staff take the air only in a live show (the live input let them in
 * during one; once it is over, the schedule goes on without them). */
static bool presenter_can_air(void *ctx, bool live_show, const char *title, char *name,
                              size_t name_size)
{
        struct scheduler *s = ctx;
        if (!input_feed_ready(input_live_feed(s->live_input)))
                return false;
        struct input_live_status st;
        input_live_get_status(s->live_input, &st);
        if (!st.connected || (!live_show && !strcmp(st.role, "staff")))
                return false;
        snprintf(name, name_size, "%s", st.user);
        input_live_note_show(s->live_input, title);
        return true;
}

void scheduler_set_live(struct scheduler *s, struct input_live *live)
{
        s->live_input = live;
}

bool scheduler_live_show_due(struct scheduler *s, int64_t now_ms)
{
        return now_ms >= atomic_load(&s->live_show_from) &&
               now_ms < atomic_load(&s->live_show_until);
}

/* After a pick: the live show it was in, for who may take the air; a pick
 * asked ahead for after the show keeps it until the show is over. */
static void follow_live_show(struct scheduler *s)
{
        if (s->planner.live_show_until) {
                atomic_store(&s->live_show_from, s->planner.live_show_from);
                atomic_store(&s->live_show_until, s->planner.live_show_until);
        }
}

static struct scheduler *scheduler_create(const struct config *config, bool station,
                                          bool measure, char *err, size_t err_size)
{
        struct scheduler *s = xcalloc(1, sizeof *s);
        s->config = config;
        pthread_mutex_init(&s->published_lock, NULL);
        s->db = sched_db_open(config->database, err, err_size);
        if (!s->db)
                goto fail;
        int64_t schedule_version, queue_version;
        if (sched_versions_read(s->db, &schedule_version, &queue_version) < 0) {
                snprintf(err, err_size, "%s: cannot read the schedule version: %s",
                         config->database, sqlite3_errmsg(s->db));
                goto fail;
        }
        s->fb = fallback_new(config, s->db, measure, err, err_size);
        if (!s->fb)
                goto fail;
        s->cat = catalog_load(s->db, config->samplerate, err, err_size);
        if (!s->cat)
                goto fail;
        s->grid = grid_load(s->db, s->cat, err, err_size);
        if (!s->grid)
                goto fail;
        if (live_queue_load(s->db, &s->live) < 0) {
                snprintf(err, err_size,
                         "cannot read the complaint and announcement queue");
                goto fail;
        }
        if (anchor_load(s->db, &s->saved) < 0) {
                snprintf(err, err_size, "cannot read the planner checkpoint: %s",
                         sqlite3_errmsg(s->db));
                goto fail;
        }
        s->writer = db_writer_new(config->database, s->db, station, err, err_size);
        if (!s->writer)
                goto fail;
        s->loader = sched_loader_new(
            config, s->db, station, s->writer, schedule_version, queue_version,
            station && fallback_unmeasured(s->fb) > 0, err, err_size);
        if (!s->loader)
                goto fail;
        s->planner.config = config;
        s->planner.rate = config->samplerate;
        s->planner.cat = s->cat;
        s->planner.grid = s->grid;
        s->planner.fb = s->fb;
        s->planner.live = &s->live;
        s->planner.relay_ready = relay_can_air;
        s->planner.relay_ctx = s;
        s->planner.presenter_ready = presenter_can_air;
        s->planner.presenter_ctx = s;
        return s;
fail:
        scheduler_free(s);
        return NULL;
}

struct scheduler *scheduler_new(const struct config *config, char *err, size_t err_size)
{
        return scheduler_create(config, false, true, err, err_size);
}

struct scheduler *scheduler_new_station(const struct config *config, char *err,
                                        size_t err_size)
{
        return scheduler_create(config, true, false, err, err_size);
}

void scheduler_sync(struct scheduler *s)
{
        sched_loader_sync(s->loader, SYNC_TIMEOUT_MS);
}

void scheduler_free(struct scheduler *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n_handouts; i++)
                free(s->handouts[i].path);
        sched_loader_free(s->loader);
        db_writer_free(s->writer);
        plan_state_clear(&s->planner.st);
        plan_state_clear(&s->before_latest);
        anchor_clear(&s->anchor);
        anchor_clear(&s->published);
        anchor_clear(&s->saved);
        pthread_mutex_destroy(&s->published_lock);
        live_queue_clear(&s->live);
        grid_free(s->grid);
        catalog_free(s->cat);
        fallback_free(s->fb);
        sqlite3_close_v2(s->db);
        free(s);
}

/* ---- handouts ------------------------------------------------------------------------
 */

static void add_handout(struct scheduler *s, int64_t start_ms,
                        const struct plan_pick *pick)
{
        if (s->n_handouts == MAX_HANDOUTS) { /* never reported: forget the oldest */
                free(s->handouts[0].path);
                memmove(s->handouts, s->handouts + 1,
                        (MAX_HANDOUTS - 1) * sizeof s->handouts[0]);
                s->n_handouts--;
        }
        struct handout *h = &s->handouts[s->n_handouts++];
        h->scheduled_ms = start_ms;
        h->media_id = pick->media_id;
        h->ref = pick->ref;
        h->source = pick->source;
        h->event_type = pick->event_type;
        h->event_id = pick->event_id;
        h->event_at = pick->event_at;
        h->path = xstrdup(pick->path);
}

static struct handout *find_handout(struct scheduler *s, const struct playout_item *item)
{
        for (size_t i = s->n_handouts; i-- > 0;) {
                struct handout *h = &s->handouts[i];
                if (h->scheduled_ms == item->scheduled_ms &&
                    h->media_id == item->media_id && h->ref == item->ref_id)
                        return h;
        }
        return NULL;
}

static void drop_handout(struct scheduler *s, struct handout *h)
{
        free(h->path);
        size_t i = (size_t)(h - s->handouts);
        memmove(h, h + 1, (s->n_handouts - i - 1) * sizeof *h);
        s->n_handouts--;
}

/* ---- the source's callbacks ---------------------------------------------------------
 */

struct resume_search {
        int64_t at;
        bool found;
        int64_t start;
        struct plan_pick pick;
};

static bool find_covering(void *user, int64_t start, int64_t end,
                          const struct plan_pick *pick)
{
        struct resume_search *r = user;
        if (end > r->at) {
                r->found = true;
                r->start = start;
                r->pick = *pick;
                return false;
        }
        return true;
}

/* Whether an anchor is where the station stands at at_ms.  Its first item
 * may start a little after at_ms: the paced engine runs some 300 ms ahead of
 * the wall clock, so it has taken the item due next (and pre-opened the one
 * after) just before the clock gets there. */
static bool anchor_fresh(const struct anchor *a, int64_t at_ms)
{
        return a->n > 0 && a->items[0].start <= at_ms + ENGINE_LEAD_MS &&
               at_ms - a->items[0].start < CHECKPOINT_SPAN_MS;
}

/* The engine's picks changed: other threads get a copy of the anchor (made
 * here, swapped in under the lock), and the station saves it as its
 * checkpoint through the writer.  A render (no as-run) publishes nothing. */
static void publish(struct scheduler *s)
{
        if (!s->record_asrun)
                return; /* a render: nobody reads it */
        struct anchor fresh = {0};
        anchor_copy(&fresh, &s->anchor);
        pthread_mutex_lock(&s->published_lock);
        struct anchor old = s->published;
        s->published = fresh;
        pthread_mutex_unlock(&s->published_lock);
        anchor_clear(&old);
        atomic_fetch_add(&s->timeline_version, 1);
        size_t size;
        void *data = anchor_encode(&s->anchor, &size);
        db_writer_add_checkpoint(s->writer, data, size);
}

/* The first call: what should be airing at start_ms, cued to the right
 * position, with the planner's state (rotation history, playlist positions,
 * aired PSA slots and announcements) as it stands then.  The station goes on
 * from its checkpoint: the item on air when it stopped, at its position, or
 * what followed it.  Without one (the first start, a render) the plan is
 * replayed from the anchor so the state is the rundown's.  A restart in the
 * middle of a show resumes where the show is. */
static bool resume(struct scheduler *s, int64_t start_ms, struct playout_item *item)
{
        s->planner.live_from = start_ms; /* queued complaints did not air in the past */
        struct resume_search r = {.at = start_ms};
        bool checkpoint = s->record_asrun && anchor_fresh(&s->saved, start_ms);
        if (checkpoint)
                anchor_run(&s->planner, &s->saved, start_ms, start_ms, find_covering, &r);
        else
                planner_simulate(&s->planner, planner_anchor(start_ms), start_ms,
                                 find_covering, &r);
        if (!r.found) {
                anchor_clear(&s->saved);
                return false;
        }
        planner_make_item(&s->planner, &r.pick, r.start, item);
        item->cue_in += (start_ms - r.start) * s->config->samplerate / 1000;
        item->resumed_ms = start_ms - r.start;
        add_handout(s, r.start, &r.pick);
        anchor_push(&s->anchor, r.start, &r.pick, &s->planner.st);
        anchor_clear(&s->saved); /* r.pick's strings may be its: used until here */
        s->latest_ms = r.start;
        s->latest_media = r.pick.media_id;
        publish(s);
        char when[40];
        log_info("resuming '%s' (%s %s) %.1f s in", item->title,
                 checkpoint ? "on air since" : "planned at",
                 time_format_local(r.start, when, sizeof when),
                 (start_ms - r.start) / 1000.0);
        return true;
}

void scheduler_request_reload(struct scheduler *s, const char *fallback_playlist)
{
        sched_loader_reload_fallback(s->loader, fallback_playlist);
}

static int source_next(void *ctx, int64_t start_ms, struct playout_item *item)
{
        struct scheduler *s = ctx;
        take_snapshot(s);
        if (!s->started) {
                s->started = true;
                if (resume(s, start_ms, item))
                        return 0;
        }
        plan_state_copy(&s->before_latest, &s->planner.st);
        s->has_before_latest = true;
        struct plan_pick pick;
        if (planner_next(&s->planner, start_ms, &pick) < 0) {
                s->has_before_latest = false;
                log_error(
                    "nothing to air at all: the fallback playlist has no playable file");
                return -1;
        }
        follow_relay(s);
        follow_live_show(s);
        planner_make_item(&s->planner, &pick, start_ms, item);
        add_handout(s, start_ms, &pick);
        anchor_push(&s->anchor, start_ms, &pick, &s->planner.st);
        s->latest_ms = start_ms;
        s->latest_media = pick.media_id;
        publish(s);
        log_debug("next at %lld: '%s' (%s)", (long long)start_ms, item->title,
                  item_kind_name(item->kind));
        return 0;
}

static bool source_next_hard(void *ctx, int64_t from_ms, int64_t until_ms, int64_t *at_ms)
{
        struct scheduler *s = ctx;
        return planner_next_hard(&s->planner, from_ms, until_ms, at_ms);
}

static void source_cancel(void *ctx, const struct playout_item *item)
{
        struct scheduler *s = ctx;
        struct handout *h = find_handout(s, item);
        if (h)
                drop_handout(s, h);
        /* The engine cancels only its pre-opened item, the latest we gave it:
         * going back to the state before it undoes every choice it made. */
        if (s->has_before_latest && item->scheduled_ms == s->latest_ms &&
            item->media_id == s->latest_media) {
                plan_state_copy(&s->planner.st, &s->before_latest);
                s->has_before_latest = false;
                anchor_pop(&s->anchor);
                publish(s);
        } else {
                log_warn("cancel of '%s' that is not the latest item; keeping the state",
                         item->title ? item->title : "");
        }
}

/* Only the station itself (not a render) moves the workflow on: the writer
 * records the new status; until a queue read after that write arrives, the
 * item is gone from the queue in memory. */
static void mark_aired(struct scheduler *s, enum pick_source source, int64_t id,
                       int64_t at_ms)
{
        uint64_t seq;
        if (source == PICK_COMPLAINT)
                seq = db_writer_add_complaint_aired(s->writer, id, at_ms);
        else if (source == PICK_COMPLAINT_ANSWER)
                seq = db_writer_add_complaint_answer_aired(s->writer, id, at_ms);
        else
                seq = db_writer_add_announcement_aired(s->writer, id);
        live_queue_remove(&s->live, source, id);
        if (s->n_aired == MAX_AIRED_UNWRITTEN) { /* the oldest is long written */
                memmove(s->aired, s->aired + 1,
                        (MAX_AIRED_UNWRITTEN - 1) * sizeof s->aired[0]);
                s->n_aired--;
        }
        s->aired[s->n_aired++] =
            (struct aired_unwritten){.source = source, .id = id, .write_seq = seq};
}

static void source_aired(void *ctx, const struct playout_asrun *record)
{
        struct scheduler *s = ctx;
        const struct playout_item *item = record->item;
        if (s->record_asrun)
                db_writer_add_asrun(s->writer, record);
        /* A silent relay would otherwise be picked again at once */
        if (s->relay && item->kind == ITEM_RELAY && record->reason == PLAYOUT_END_SILENCE)
                input_feed_suspend(input_relay_feed(s->relay));
        struct handout *h = find_handout(s, item);
        if (!h)
                return;
        if (record->reason == PLAYOUT_END_UNREADABLE) {
                /* Leave the file out for now; a timed PSA slot gets another go
                 * with the campaign's next item at the engine's next call. */
                if (h->source == PICK_FALLBACK) {
                        fallback_mark_unreadable(s->fb, h->path, record->start_ms);
                } else {
                        struct cat_media *m = catalog_get(s->cat, h->media_id);
                        if (m)
                                m->exists = 0;
                }
                if (h->event_type == EVENT_SLOT) {
                        struct plan_pick undo = {.event_type = h->event_type,
                                                 .event_id = h->event_id,
                                                 .event_at = h->event_at};
                        planner_undo_event(&s->planner, &undo);
                }
        } else if (s->record_asrun) {
                if (h->source == PICK_COMPLAINT || h->source == PICK_COMPLAINT_ANSWER ||
                    h->source == PICK_ANNOUNCEMENT)
                        mark_aired(s, h->source, h->ref, record->start_ms);
        }
        drop_handout(s, h);
}

void scheduler_get_source(struct scheduler *s, bool record_asrun,
                          struct playout_source *source)
{
        s->record_asrun = record_asrun;
        memset(source, 0, sizeof *source);
        source->ctx = s;
        source->next = source_next;
        source->next_hard = source_next_hard;
        source->cancel = source_cancel;
        source->aired = source_aired;
}

/* ---- the rundown
 * ------------------------------------------------------------------------ */

struct plan_emit {
        const struct planner *planner;
        int64_t from;
        size_t limit; /* items to emit; 0 = no limit */
        size_t emitted;
        void (*emit)(void *user, int64_t start_ms, const struct playout_item *item);
        void *user;
};

static bool emit_planned(void *user, int64_t start, int64_t end,
                         const struct plan_pick *pick)
{
        struct plan_emit *pe = user;
        if (end <= pe->from)
                return true;
        struct playout_item item;
        planner_make_item(pe->planner, pick, start, &item);
        pe->emit(pe->user, start, &item);
        playout_item_clear(&item);
        pe->emitted++;
        return pe->limit == 0 || pe->emitted < pe->limit;
}

static int
plan_window(const struct config *config, int64_t from_ms, int64_t to_ms, size_t limit,
            void (*emit)(void *user, int64_t start_ms, const struct playout_item *item),
            void *user, char *err, size_t err_size)
{
        /* A rundown shows titles and times, not gains: it never waits for a
         * fallback file to be measured (the web's now-playing calls this). */
        struct scheduler *s = scheduler_create(config, false, false, err, err_size);
        if (!s)
                return -1;
        int64_t now = time_now_ms();
        s->planner.live_from = from_ms > now ? from_ms : now;
        s->planner.relay_ready = NULL;     /* a plan shows a relay show's stream */
        s->planner.presenter_ready = NULL; /* and no presenter: nobody knows */
        struct plan_emit pe = {.planner = &s->planner,
                               .from = from_ms,
                               .limit = limit,
                               .emit = emit,
                               .user = user};
        planner_simulate(&s->planner, planner_anchor(from_ms), to_ms, emit_planned, &pe);
        scheduler_free(s);
        return (int)pe.emitted;
}

int scheduler_plan(const struct config *config, int64_t from_ms, int64_t to_ms,
                   void (*emit)(void *user, int64_t start_ms,
                                const struct playout_item *item),
                   void *user, char *err, size_t err_size)
{
        return plan_window(config, from_ms, to_ms, 0, emit, user, err, err_size) < 0 ? -1
                                                                                     : 0;
}

int scheduler_plan_upcoming(const struct config *config, int64_t from_ms, size_t count,
                            void (*emit)(void *user, int64_t start_ms,
                                         const struct playout_item *item),
                            void *user, char *err, size_t err_size)
{
        /* two days ahead is plenty to find count items after from */
        return plan_window(config, from_ms, from_ms + 48LL * 3600 * 1000, count + 1, emit,
                           user, err, err_size);
}

/* ---- the timeline: what aired, then the plan from the real state ------------------- */

uint64_t scheduler_timeline_version(struct scheduler *s)
{
        return s ? atomic_load(&s->timeline_version) : 0;
}

/* The planned items from the one on air at now on, kept (up to a limit) to
 * be emitted after the as-run rows before them. */
struct forecast {
        const struct planner *planner;
        int64_t now, to;
        size_t limit; /* 0 = none */
        struct playout_item *items;
        int64_t *starts;
        size_t n, cap;
};

static bool keep_forecast(void *user, int64_t start, int64_t end,
                          const struct plan_pick *pick)
{
        struct forecast *f = user;
        if (start >= f->to || (f->limit && f->n >= f->limit))
                return false;
        if (end <= f->now && start < f->now)
                return true; /* over already: the as-run has it */
        if (f->n == f->cap) {
                f->cap = f->cap ? 2 * f->cap : 64;
                f->items = xrealloc(f->items, f->cap * sizeof *f->items);
                f->starts = xrealloc(f->starts, f->cap * sizeof *f->starts);
        }
        planner_make_item(f->planner, pick, start, &f->items[f->n]);
        f->starts[f->n++] = start;
        return true;
}

static void forecast_clear(struct forecast *f)
{
        for (size_t i = 0; i < f->n; i++)
                playout_item_clear(&f->items[i]);
        free(f->items);
        free(f->starts);
}

/* The as-run rows that started in [from_ms, to_ms), as items; the count
 * emitted (at most limit, 0 = no limit) or -1. */
static int emit_asrun(sqlite3 *db, int64_t from_ms, int64_t to_ms, size_t limit,
                      void (*emit)(void *user, int64_t start_ms,
                                   const struct playout_item *item),
                      void *user)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db,
                               "SELECT started_at, title, artist, kind, media_id, ref_id,"
                               " scheduled_at FROM asrun WHERE started_at >= ?"
                               " AND started_at < ? AND reason <> 'unreadable'"
                               " ORDER BY started_at, id",
                               -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(stmt, 1, from_ms);
        sqlite3_bind_int64(stmt, 2, to_ms);
        int n = 0, step;
        while ((limit == 0 || (size_t)n < limit) &&
               (step = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct playout_item item = {0};
                const char *title = (const char *)sqlite3_column_text(stmt, 1);
                const char *artist = (const char *)sqlite3_column_text(stmt, 2);
                const char *kind = (const char *)sqlite3_column_text(stmt, 3);
                item.title = (char *)(title ? title : "");
                item.artist = (char *)(artist ? artist : "");
                if (!kind || item_kind_parse(kind, &item.kind) < 0)
                        item.kind = ITEM_MUSIC;
                item.media_id = sqlite3_column_int64(stmt, 4);
                item.ref_id = sqlite3_column_int64(stmt, 5);
                item.scheduled_ms = sqlite3_column_int64(stmt, 6);
                emit(user, sqlite3_column_int64(stmt, 0), &item);
                n++;
        }
        sqlite3_finalize(stmt);
        return n;
}

int scheduler_timeline(const struct config *config, struct scheduler *station,
                       int64_t from_ms, int64_t to_ms, int64_t now_ms, size_t limit,
                       void (*emit)(void *user, int64_t start_ms,
                                    const struct playout_item *item),
                       void *user, char *err, size_t err_size)
{
        if (from_ms > now_ms) /* a day to come: deterministic, as a render */
                return plan_window(config, from_ms, to_ms, limit, emit, user, err,
                                   err_size);
        struct scheduler *s = scheduler_create(config, false, false, err, err_size);
        if (!s)
                return -1;
        struct anchor a = {0};
        if (station) {
                pthread_mutex_lock(&station->published_lock);
                anchor_copy(&a, &station->published);
                pthread_mutex_unlock(&station->published_lock);
        }
        if (a.n == 0) /* another process, or before the first pick: the saved one */
                anchor_copy(&a, &s->saved);
        s->planner.live_from = now_ms;
        s->planner.relay_ready = NULL; /* a plan shows a relay show's stream */
        struct forecast f = {
            .planner = &s->planner, .now = now_ms, .to = to_ms, .limit = limit};
        if (to_ms > now_ms) {
                if (anchor_fresh(&a, now_ms))
                        anchor_run(&s->planner, &a, now_ms, to_ms, keep_forecast, &f);
                else /* never on air, or off for long: as a restart now would */
                        planner_simulate(&s->planner, planner_anchor(now_ms), to_ms,
                                         keep_forecast, &f);
        }
        anchor_clear(&a);
        int64_t cut = f.n > 0 ? f.starts[0] : now_ms;
        int n = emit_asrun(s->db, from_ms, cut < to_ms ? cut : to_ms, limit, emit, user);
        if (n < 0) {
                snprintf(err, err_size, "cannot read the as-run log: %s",
                         sqlite3_errmsg(s->db));
        } else {
                for (size_t i = 0; i < f.n && (limit == 0 || (size_t)n < limit); i++) {
                        emit(user, f.starts[i], &f.items[i]);
                        n++;
                }
        }
        forecast_clear(&f);
        scheduler_free(s);
        return n;
}
