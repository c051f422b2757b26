/* The engine's source: struct scheduler wraps the planner with the database
 * (reloading the grid when another connection changed it), the live queue of
 * complaints and announcements, the as-run log, and the bookkeeping the
 * engine's calls need (cancel puts the state back; aired confirms). */
#define LOG_MODULE "scheduler"
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include "scheduler/plan.h"

/* Items handed to the engine and not yet reported aired: the current one,
 * the pre-opened next one, and a crossfade tail. */
#define MAX_HANDOUTS 8
/* As-run rows kept in memory while the database cannot take them (a full
 * disk): about a day of short items. */
#define MAX_UNWRITTEN 1024

struct handout {
        int64_t scheduled_ms;
        int64_t media_id;
        int64_t ref;
        enum pick_source source;
        int event_type;
        int64_t event_id, event_at;
        char *path;
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
        int64_t data_version;
        sqlite3_stmt *data_version_stmt;
        struct handout handouts[MAX_HANDOUTS];
        size_t n_handouts;
        /* the state before the latest next(), for cancel */
        struct plan_state before_latest;
        bool has_before_latest;
        int64_t latest_ms, latest_media;
        atomic_bool want_reload; /* SIGHUP: re-read the fallback playlist */
        /* As-run rows the database refused, oldest first, written before any
         * newer row once it takes them again, so the log keeps its order. */
        struct unwritten_row *unwritten;
        size_t n_unwritten;
};

struct unwritten_row {
        struct playout_item item;
        struct playout_asrun record; /* record.item is set when written */
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
                               "SELECT id, media_id, mode, air_at FROM announcements"
                               " WHERE status = 'pending' ORDER BY created_at, id",
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
        }
        rc = step == SQLITE_DONE ? 0 : -1;
out:
        if (rc < 0)
                log_error("reading the complaint and announcement queue: %s",
                          sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        return rc;
}

/* ---- loading ----------------------------------------------------------------------- */

/* Reads the library and the grid; keeps the old ones if that fails. */
static int load_grid(struct scheduler *s, char *err, size_t err_size)
{
        struct catalog *cat = catalog_load(s->db, s->config->samplerate, err, err_size);
        if (!cat)
                return -1;
        struct grid *grid = grid_load(s->db, cat, err, err_size);
        if (!grid) {
                catalog_free(cat);
                return -1;
        }
        grid_free(s->grid);
        catalog_free(s->cat);
        s->cat = cat;
        s->grid = grid;
        s->planner.cat = cat;
        s->planner.grid = grid;
        return 0;
}

static int64_t read_data_version(struct scheduler *s)
{
        int64_t v = -1;
        if (!s->data_version_stmt &&
            sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &s->data_version_stmt,
                               NULL) != SQLITE_OK)
                return -1;
        if (sqlite3_step(s->data_version_stmt) == SQLITE_ROW)
                v = sqlite3_column_int64(s->data_version_stmt, 0);
        sqlite3_reset(s->data_version_stmt);
        return v;
}

/* Another connection (the web panel, a CLI import) committed: read the
 * schedule again.  The live queue is small and read at every boundary. */
static void refresh(struct scheduler *s)
{
        int64_t v = read_data_version(s);
        if (v != s->data_version) {
                char err[256];
                if (load_grid(s, err, sizeof err) < 0)
                        log_error("keeping the previous schedule: %s", err);
                else
                        log_debug("schedule reloaded");
                s->data_version = v;
        }
        live_queue_load(s->db, &s->live);
}

struct scheduler *scheduler_new(const struct config *config, char *err, size_t err_size)
{
        struct scheduler *s = xcalloc(1, sizeof *s);
        s->config = config;
        s->db = sched_db_open(config->database, err, err_size);
        if (!s->db)
                goto fail;
        s->fb = fallback_new(config, err, err_size);
        if (!s->fb)
                goto fail;
        if (load_grid(s, err, err_size) < 0)
                goto fail;
        s->data_version = read_data_version(s);
        s->planner.config = config;
        s->planner.rate = config->samplerate;
        s->planner.fb = s->fb;
        s->planner.live = &s->live;
        return s;
fail:
        scheduler_free(s);
        return NULL;
}

/* ---- as-run rows the database could not take ----------------------------------- */

/* Writes the held-back rows, oldest first, in one transaction (so the engine
 * thread waits for the database once, not once per row): all or none. */
static void asrun_flush_unwritten(struct scheduler *s)
{
        if (s->n_unwritten == 0 ||
            sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                return;
        bool ok = true;
        for (size_t i = 0; ok && i < s->n_unwritten; i++) {
                struct unwritten_row *u = &s->unwritten[i];
                u->record.item = &u->item;
                ok = sched_asrun_record(s->db, &u->record) == 0;
        }
        if (!ok || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
                sched_db_rollback(s->db);
                return;
        }
        for (size_t i = 0; i < s->n_unwritten; i++)
                playout_item_clear(&s->unwritten[i].item);
        log_info("wrote %zu as-run rows held back while the database refused them",
                 s->n_unwritten);
        s->n_unwritten = 0;
}

static void asrun_hold(struct scheduler *s, const struct playout_asrun *record)
{
        if (!s->unwritten)
                s->unwritten = xcalloc(MAX_UNWRITTEN, sizeof *s->unwritten);
        if (s->n_unwritten == MAX_UNWRITTEN) {
                log_error(
                    "as-run row for '%s' lost: %d rows already wait for the database",
                    s->unwritten[0].item.title ? s->unwritten[0].item.title : "",
                    MAX_UNWRITTEN);
                playout_item_clear(&s->unwritten[0].item);
                memmove(s->unwritten, s->unwritten + 1,
                        (MAX_UNWRITTEN - 1) * sizeof *s->unwritten);
                s->n_unwritten--;
        }
        struct unwritten_row *u = &s->unwritten[s->n_unwritten++];
        playout_item_copy(&u->item, record->item);
        u->record = *record;
        u->record.item = NULL;
        u->record.error = NULL;
}

/* One as-run row; when the database refuses it, it is held and written with
 * the next one that gets through. */
static void asrun_write(struct scheduler *s, const struct playout_asrun *record)
{
        asrun_flush_unwritten(s);
        if (s->n_unwritten == 0 && sched_asrun_record(s->db, record) == 0)
                return;
        asrun_hold(s, record);
        log_warn("as-run row for '%s' held in memory until the database takes it "
                 "(%zu waiting)",
                 record->item->title ? record->item->title : "", s->n_unwritten);
}

void scheduler_free(struct scheduler *s)
{
        if (!s)
                return;
        for (size_t i = 0; i < s->n_handouts; i++)
                free(s->handouts[i].path);
        asrun_flush_unwritten(s);
        if (s->n_unwritten > 0)
                log_error("%zu as-run rows could not be written and are lost",
                          s->n_unwritten);
        for (size_t i = 0; i < s->n_unwritten; i++)
                playout_item_clear(&s->unwritten[i].item);
        free(s->unwritten);
        plan_state_clear(&s->planner.st);
        plan_state_clear(&s->before_latest);
        live_queue_clear(&s->live);
        grid_free(s->grid);
        catalog_free(s->cat);
        fallback_free(s->fb);
        sqlite3_finalize(s->data_version_stmt);
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

/* The first call: replay the plan from the anchor so the state (rotation
 * history, playlist positions, aired PSA slots) is the rundown's, and return
 * what should be airing at start_ms, cued to the right position: a restart
 * in the middle of a show resumes where the show is. */
static bool resume(struct scheduler *s, int64_t start_ms, struct playout_item *item)
{
        s->planner.live_from = start_ms; /* queued complaints did not air in the past */
        struct resume_search r = {.at = start_ms};
        planner_simulate(&s->planner, planner_anchor(start_ms), start_ms, find_covering,
                         &r);
        if (!r.found)
                return false;
        planner_make_item(&s->planner, &r.pick, r.start, item);
        item->cue_in += (start_ms - r.start) * s->config->samplerate / 1000;
        item->resumed_ms = start_ms - r.start;
        add_handout(s, r.start, &r.pick);
        char when[40];
        log_info("resuming '%s' (planned at %s) %.1f s in", item->title,
                 time_format_local(r.start, when, sizeof when),
                 (start_ms - r.start) / 1000.0);
        return true;
}

/* On the engine thread: swaps in a freshly read fallback playlist.  A
 * playlist that cannot be read leaves the old one on air. */
static void reload_fallback(struct scheduler *s)
{
        char err[256];
        struct fallback *fb = fallback_new(s->config, err, sizeof err);
        if (!fb) {
                log_error("reload: keeping the old fallback playlist: %s", err);
                return;
        }
        fallback_free(s->fb);
        s->fb = fb;
        s->planner.fb = fb;
        log_info("reload: fallback playlist re-read (%zu entries)", fallback_count(fb));
}

void scheduler_request_reload(struct scheduler *s)
{
        atomic_store(&s->want_reload, true);
}

static int source_next(void *ctx, int64_t start_ms, struct playout_item *item)
{
        struct scheduler *s = ctx;
        if (atomic_exchange(&s->want_reload, false))
                reload_fallback(s);
        refresh(s);
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
        planner_make_item(&s->planner, &pick, start_ms, item);
        add_handout(s, start_ms, &pick);
        s->latest_ms = start_ms;
        s->latest_media = pick.media_id;
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
        } else {
                log_warn("cancel of '%s' that is not the latest item; keeping the state",
                         item->title ? item->title : "");
        }
}

static int exec_sql(sqlite3 *db, const char *sql)
{
        return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* complaint -> 'aired', with its event row, in one transaction. */
static void complaint_aired(struct scheduler *s, int64_t id, int64_t at_ms)
{
        sqlite3_stmt *get = NULL, *set = NULL, *event = NULL;
        if (exec_sql(s->db, "BEGIN IMMEDIATE") < 0)
                goto fail;
        if (sqlite3_prepare_v2(s->db, "SELECT status FROM complaints WHERE id = ?", -1,
                               &get, NULL) != SQLITE_OK ||
            sqlite3_bind_int64(get, 1, id) != SQLITE_OK)
                goto rollback;
        if (sqlite3_step(get) != SQLITE_ROW)
                goto rollback; /* deleted meanwhile */
        const char *from = (const char *)sqlite3_column_text(get, 0);
        if (!from || (strcmp(from, "queued") && strcmp(from, "verified")))
                goto rollback; /* already moved on (aired, forwarded ...) */
        if (sqlite3_prepare_v2(s->db,
                               "UPDATE complaints SET status = 'aired', air_next = 0,"
                               " queue_position = NULL, updated_at = ? WHERE id = ?",
                               -1, &set, NULL) != SQLITE_OK ||
            sqlite3_bind_int64(set, 1, at_ms / 1000) != SQLITE_OK ||
            sqlite3_bind_int64(set, 2, id) != SQLITE_OK ||
            sqlite3_step(set) != SQLITE_DONE)
                goto rollback;
        if (sqlite3_prepare_v2(
                s->db,
                "INSERT INTO complaint_events (complaint_id, from_status, to_status,"
                " user_id, at, note) VALUES (?, ?, 'aired', NULL, ?, 'on air')",
                -1, &event, NULL) != SQLITE_OK ||
            sqlite3_bind_int64(event, 1, id) != SQLITE_OK ||
            sqlite3_bind_text(event, 2, from, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
            sqlite3_bind_int64(event, 3, at_ms / 1000) != SQLITE_OK ||
            sqlite3_step(event) != SQLITE_DONE)
                goto rollback;
        if (exec_sql(s->db, "COMMIT") < 0)
                goto rollback;
        log_info("complaint %lld aired", (long long)id);
        goto out;
rollback:
        sched_db_rollback(s->db);
fail:
        log_debug("complaint %lld not marked aired: %s", (long long)id,
                  sqlite3_errmsg(s->db));
out:
        sqlite3_finalize(get);
        sqlite3_finalize(set);
        sqlite3_finalize(event);
}

/* The answer aired: noted once, with an event row, in one transaction. */
static void complaint_answer_aired(struct scheduler *s, int64_t id, int64_t at_ms)
{
        sqlite3_stmt *set = NULL, *event = NULL;
        if (exec_sql(s->db, "BEGIN IMMEDIATE") < 0)
                goto fail;
        if (sqlite3_prepare_v2(s->db,
                               "UPDATE complaints SET answer_aired_at = ?, updated_at = ?"
                               " WHERE id = ? AND status = 'answered'"
                               " AND answer_aired_at IS NULL",
                               -1, &set, NULL) != SQLITE_OK ||
            sqlite3_bind_int64(set, 1, at_ms / 1000) != SQLITE_OK ||
            sqlite3_bind_int64(set, 2, at_ms / 1000) != SQLITE_OK ||
            sqlite3_bind_int64(set, 3, id) != SQLITE_OK ||
            sqlite3_step(set) != SQLITE_DONE)
                goto rollback;
        if (sqlite3_changes(s->db) != 1)
                goto rollback; /* answered again or closed meanwhile */
        if (sqlite3_prepare_v2(
                s->db,
                "INSERT INTO complaint_events (complaint_id, from_status, to_status,"
                " user_id, at, note) VALUES (?, 'answered', 'answered', NULL, ?,"
                " 'answer on air')",
                -1, &event, NULL) != SQLITE_OK ||
            sqlite3_bind_int64(event, 1, id) != SQLITE_OK ||
            sqlite3_bind_int64(event, 2, at_ms / 1000) != SQLITE_OK ||
            sqlite3_step(event) != SQLITE_DONE)
                goto rollback;
        if (exec_sql(s->db, "COMMIT") < 0)
                goto rollback;
        log_info("complaint %lld: answer aired", (long long)id);
        goto out;
rollback:
        sched_db_rollback(s->db);
fail:
        log_debug("complaint %lld answer not marked aired: %s", (long long)id,
                  sqlite3_errmsg(s->db));
out:
        sqlite3_finalize(set);
        sqlite3_finalize(event);
}

static void announcement_aired(struct scheduler *s, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(s->db,
                               "UPDATE announcements SET status = 'aired'"
                               " WHERE id = ? AND status = 'pending'",
                               -1, &stmt, NULL) != SQLITE_OK ||
            sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK ||
            sqlite3_step(stmt) != SQLITE_DONE)
                log_error("announcement %lld not marked aired: %s", (long long)id,
                          sqlite3_errmsg(s->db));
        sqlite3_finalize(stmt);
}

static void source_aired(void *ctx, const struct playout_asrun *record)
{
        struct scheduler *s = ctx;
        const struct playout_item *item = record->item;
        if (s->record_asrun)
                asrun_write(s, record);
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
                /* Only the station itself (not a render) moves the workflow on. */
                if (h->source == PICK_COMPLAINT)
                        complaint_aired(s, h->ref, record->start_ms);
                else if (h->source == PICK_COMPLAINT_ANSWER)
                        complaint_answer_aired(s, h->ref, record->start_ms);
                else if (h->source == PICK_ANNOUNCEMENT)
                        announcement_aired(s, h->ref);
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
        struct scheduler *s = scheduler_new(config, err, err_size);
        if (!s)
                return -1;
        live_queue_load(s->db, &s->live);
        int64_t now = time_now_ms();
        s->planner.live_from = from_ms > now ? from_ms : now;
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
