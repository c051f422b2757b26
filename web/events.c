/* The studio's server push: GET /api/v1/events, Server-Sent Events.  One
 * thread builds one snapshot of the station (what airs, the show, the next
 * hard event, the next hour, the queued inserts, the outputs) and every open
 * stream gets the same text: the database is read once for all of them, not
 * per client.  A stream with nothing to send is suspended (it costs no server
 * thread) and resumed when the snapshot changes or a heartbeat is due. */
#define LOG_MODULE "web"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scheduler/scheduler.h"
#include "web/web_private.h"

#define MAX_STREAMS 32
#define TICK_MS 100      /* what airs is looked at this often (in memory) */
#define VERSIONS_MS 500  /* the database's change counters, this often */
#define REBUILD_MS 20000 /* the next hour is planned again at least this often */
#define HEARTBEAT_NS (15LL * 1000000000LL)
#define SESSION_CHECK_MS 5000 /* an ended session closes its streams this soon */
#define LOOKAHEAD_MS (60 * 60 * 1000LL)
#define HARD_HORIZON_MS (24 * 3600 * 1000LL)
#define MAX_TIMELINE 80
#define MAX_INSERTS 50

struct sse_stream {
        struct web_events *ev;
        struct MHD_Connection *connection;
        uint64_t sent_version;
        int64_t last_send_ns;
        char *pending; /* the event being written */
        size_t pending_len, pending_off;
        bool suspended;
        bool ended; /* the session behind it ended: the stream closes */
        char token_hash[65];
        struct sse_stream *next;
};

/* What the worker keeps between its ticks (its own: nothing else touches it). */
struct loop_state {
        bool opened; /* db was tried (on the worker's thread, at its first tick) */
        sqlite3 *db;
        json_t *slow;
        int64_t versions, versions_at, built_at, started_ms, heartbeat_ns, sessions_at;
        uint64_t timeline_version; /* scheduler_timeline_version at the last build */
        char title[256];
};

struct web_events {
        struct web *web;
        struct worker *worker; /* events_run every TICK_MS; NULL if it did not start */
        struct loop_state ls;
        pthread_mutex_t lock;
        bool stopping; /* web_events_stop began: streams end */
        bool changed;  /* web_events_changed: rebuild at the next tick */

        /* under lock */
        char *snapshot; /* the JSON every stream sends */
        uint64_t version;
        struct sse_stream *streams;
        size_t n_streams;
};

/* ---- the slow part: the database and the planner -------------------------------- */

static json_t *text_value(const char *s)
{
        json_t *v = json_string(s ? s : "");
        return v ? v : json_string("");
}

struct timeline_collect {
        json_t *items;
};

static void collect_timeline(void *user, int64_t start_ms,
                             const struct playout_item *item)
{
        struct timeline_collect *c = user;
        if (json_array_size(c->items) >= MAX_TIMELINE)
                return;
        bool private_kind = item->kind == ITEM_COMPLAINT ||
                            item->kind == ITEM_ANNOUNCEMENT || item->kind == ITEM_ALERT;
        json_array_append_new(
            c->items,
            json_pack("{so so ss sI}", "title", text_value(item->title), "artist",
                      text_value(private_kind ? "" : item->artist), "kind",
                      item_kind_name(item->kind), "start_ms", (json_int_t)start_ms));
}

/* One hard event: what it is and when. */
struct hard_event {
        int64_t at_ms;
        char label[160];  /* Indonesian: "ILM DBD 09:30 tepat" for a PSA slot */
        char name[160];   /* what it is, without the time: for the panel's words */
        const char *kind; /* "show", "psa", "announcement" */
};

static void hard_add(json_t *list, struct hard_event *best, int64_t now, int64_t at,
                     const char *label, const char *name, const char *kind)
{
        if (at <= now || at > now + HARD_HORIZON_MS)
                return;
        if (at <= now + LOOKAHEAD_MS)
                json_array_append_new(list, json_pack("{sI ss ss ss}", "at_ms",
                                                      (json_int_t)at, "label", label,
                                                      "name", name, "kind", kind));
        if (best->at_ms == 0 || at < best->at_ms) {
                best->at_ms = at;
                snprintf(best->label, sizeof best->label, "%s", label);
                snprintf(best->name, sizeof best->name, "%s", name);
                best->kind = kind;
        }
}

/* Shows with a hard start, and which show airs now (the later start wins, as
 * the planner decides between overlapping weekly slots). */
static void read_shows(sqlite3 *db, int64_t now, json_t *hard, struct hard_event *best,
                       json_t **show_now)
{
        sqlite3_stmt *stmt = NULL;
        int64_t now_start = 0;
        *show_now = json_null();
        if (sqlite3_prepare_v2(db, "SELECT id, name, host, hard_start FROM shows", -1,
                               &stmt, NULL) != SQLITE_OK)
                return;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                struct sched_airing a[4];
                char err[128];
                const char *name = (const char *)sqlite3_column_text(stmt, 1);
                const char *host = (const char *)sqlite3_column_text(stmt, 2);
                int n = sched_show_airings(db, sqlite3_column_int64(stmt, 0),
                                           now - 24 * 3600 * 1000LL, 3, a, 4, err,
                                           sizeof err);
                for (int i = 0; i < n; i++) {
                        if (a[i].start_ms <= now && now < a[i].end_ms &&
                            a[i].start_ms > now_start) {
                                now_start = a[i].start_ms;
                                json_decref(*show_now);
                                *show_now =
                                    json_pack("{so so sI sI}", "name", text_value(name),
                                              "host", text_value(host), "start_ms",
                                              (json_int_t)a[i].start_ms, "end_ms",
                                              (json_int_t)a[i].end_ms);
                        }
                        if (sqlite3_column_int(stmt, 3))
                                hard_add(hard, best, now, a[i].start_ms, name ? name : "",
                                         name ? name : "", "show");
                }
        }
        sqlite3_finalize(stmt);
}

/* The slots of a hard campaign on the local day holding day_ms. */
static void campaign_slots(int64_t day_ms, const char *times, int interval,
                           const char *label, int64_t now, json_t *hard,
                           struct hard_event *best)
{
        int y, m, d;
        char text[200];
        time_local_fields(day_ms, &y, &m, &d, NULL, NULL, NULL, NULL);
        for (const char *p = times; p && *p;) {
                int h, mi, s = 0, k = 0;
                if (sscanf(p, " %2d:%2d%n", &h, &mi, &k) == 2) {
                        if (p[k] == ':')
                                sscanf(p + k, ":%2d%n", &s, &(int){0});
                        int64_t at = time_from_local(y, m, d, h, mi, s);
                        snprintf(text, sizeof text, "%s %02d:%02d tepat", label, h, mi);
                        hard_add(hard, best, now, at, text, label, "psa");
                }
                p = strchr(p, ',');
                if (p)
                        p++;
        }
        for (int minute = 0; interval > 0 && minute < 24 * 60; minute += interval) {
                int64_t at = time_from_local(y, m, d, minute / 60, minute % 60, 0);
                snprintf(text, sizeof text, "%s %02d:%02d tepat", label, minute / 60,
                         minute % 60);
                hard_add(hard, best, now, at, text, label, "psa");
        }
}

/* PSA campaigns with hard timing, today and tomorrow. */
static void read_campaigns(sqlite3 *db, int64_t now, json_t *hard,
                           struct hard_event *best)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db,
                               "SELECT name, valid_from, valid_to, days, times, "
                               "interval_minutes FROM campaigns WHERE timing = 'hard'",
                               -1, &stmt, NULL) != SQLITE_OK)
                return;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                const char *name = (const char *)sqlite3_column_text(stmt, 0);
                const char *from = (const char *)sqlite3_column_text(stmt, 1);
                const char *to = (const char *)sqlite3_column_text(stmt, 2);
                int days = sqlite3_column_int(stmt, 3);
                int64_t today = time_local_midnight(now);
                for (int i = 0; i < 2; i++) {
                        /* 36 h on is tomorrow, also across a clock change */
                        int64_t day =
                            i ? time_local_midnight(today + 36 * 3600 * 1000LL) : today;
                        int y, m, d, wd;
                        char date[16];
                        time_local_fields(day, &y, &m, &d, NULL, NULL, NULL, &wd);
                        snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
                        if (!(days & (1 << wd)) || (from && strcmp(date, from) < 0) ||
                            (to && strcmp(date, to) > 0))
                                continue;
                        campaign_slots(day, (const char *)sqlite3_column_text(stmt, 4),
                                       sqlite3_column_int(stmt, 5), name ? name : "", now,
                                       hard, best);
                }
        }
        sqlite3_finalize(stmt);
}

/* Pending inserts (announcements and carts, not alert bulletins) in the
 * order they air: those for now, the queued ones in their queue order (as
 * the engine's live queue, scheduler/source.c), then those for a time, which
 * are hard events too. */
static json_t *read_inserts(sqlite3 *db, int64_t now, json_t *hard,
                            struct hard_event *best)
{
        sqlite3_stmt *stmt = NULL;
        json_t *list = json_array();
        if (sqlite3_prepare_v2(db,
                               "SELECT a.id, a.mode, a.air_at, m.title, m.duration, "
                               "m.kind, a.media_id FROM announcements a JOIN media m "
                               "ON m.id = a.media_id WHERE a.status = 'pending' AND "
                               "a.alert_id IS NULL ORDER BY a.mode <> 'now', "
                               "a.mode = 'at', a.air_at, a.queue_position IS NULL, "
                               "a.queue_position, a.created_at, a.id LIMIT ?1",
                               -1, &stmt, NULL) != SQLITE_OK)
                return list;
        sqlite3_bind_int(stmt, 1, MAX_INSERTS);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                const char *mode = (const char *)sqlite3_column_text(stmt, 1);
                const char *title = (const char *)sqlite3_column_text(stmt, 3);
                int64_t at = sqlite3_column_int64(stmt, 2);
                json_t *o =
                    json_pack("{sI so so sf so sI}", "id",
                              (json_int_t)sqlite3_column_int64(stmt, 0), "mode",
                              text_value(mode), "title", text_value(title), "duration",
                              sqlite3_column_double(stmt, 4), "media_kind",
                              text_value((const char *)sqlite3_column_text(stmt, 5)),
                              "media_id", (json_int_t)sqlite3_column_int64(stmt, 6));
                json_object_set_new(o, "air_at_ms",
                                    at ? json_integer((json_int_t)at) : json_null());
                json_array_append_new(list, o);
                if (mode && strcmp(mode, "at") == 0)
                        hard_add(hard, best, now, at, title ? title : "",
                                 title ? title : "", "announcement");
        }
        sqlite3_finalize(stmt);
        return list;
}

/* The change counters of the schedule and the live queue. */
static int64_t read_versions(sqlite3 *db)
{
        sqlite3_stmt *stmt = NULL;
        int64_t sum = -1;
        if (sqlite3_prepare_v2(db, "SELECT total(value) FROM versions", -1, &stmt,
                               NULL) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
                sum = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return sum;
}

static int64_t queue_version(sqlite3 *db)
{
        sqlite3_stmt *stmt = NULL;
        int64_t v = 0;
        if (sqlite3_prepare_v2(db, "SELECT value FROM versions WHERE name = 'queue'", -1,
                               &stmt, NULL) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
                v = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return v;
}

/* Everything that comes from the database and the planner. */
static json_t *build_slow(struct web *web, sqlite3 *db, int64_t now)
{
        char err[256];
        json_t *hard = json_array(), *show = NULL;
        struct hard_event best = {0};
        struct timeline_collect c = {.items = json_array()};
        /* the station's one timeline: the item on air, then the plan on from
         * the engine's real state (docs/scheduling.md) */
        if (scheduler_timeline(web->ctx.config, web->ctx.scheduler, now,
                               now + LOOKAHEAD_MS, now, 0, collect_timeline, &c, err,
                               sizeof err) < 0)
                log_warn("studio: cannot plan the next hour: %s", err);
        read_shows(db, now, hard, &best, &show);
        read_campaigns(db, now, hard, &best);
        json_t *inserts = read_inserts(db, now, hard, &best);
        json_t *root =
            json_pack("{so so so so sI}", "timeline", c.items, "hard", hard, "show", show,
                      "inserts", inserts, "queue_version", (json_int_t)queue_version(db));
        json_object_set_new(root, "next_hard",
                            best.at_ms
                                ? json_pack("{sI ss ss ss}", "at_ms",
                                            (json_int_t)best.at_ms, "label", best.label,
                                            "name", best.name, "kind", best.kind)
                                : json_null());
        return root;
}

/* ---- the fast part: what airs, the outputs ------------------------------------------
 */

static json_t *build_on_air(const struct playout_nowplaying *np)
{
        if (!np->on_air)
                return json_null();
        bool private_kind = np->kind == ITEM_COMPLAINT || np->kind == ITEM_ANNOUNCEMENT ||
                            np->kind == ITEM_ALERT;
        return json_pack("{so so ss sI sf}", "title", text_value(np->title), "artist",
                         text_value(private_kind ? "" : np->artist), "kind",
                         item_kind_name(np->kind), "started_ms",
                         (json_int_t)np->started_ms, "duration", np->duration);
}

/* The snapshot's text: slow (borrowed) plus what airs and the outputs. */
static char *build_snapshot(struct web *web, json_t *slow,
                            const struct playout_nowplaying *np)
{
        char when[64];
        int64_t now = time_now_ms();
        json_t *root = json_deep_copy(slow);
        json_t *on_air = build_on_air(np);
        json_object_set_new(root, "on_air", on_air);
        /* the insert on air stays pending until its status is written; it is
         * not waiting any more.  It is known by its id (the item's ref) and
         * its library item: a cart airs as its own kind (a jingle, a PSA),
         * whose ref may also be a show's or a campaign's id. */
        json_t *inserts = json_object_get(root, "inserts");
        for (size_t i = 0; np->on_air && np->ref_id > 0 && i < json_array_size(inserts);
             i++) {
                json_t *insert = json_array_get(inserts, i);
                if (json_integer_value(json_object_get(insert, "id")) == np->ref_id &&
                    json_integer_value(json_object_get(insert, "media_id")) ==
                        np->media_id) {
                        json_object_set_new(on_air, "insert_id",
                                            json_integer((json_int_t)np->ref_id));
                        json_array_remove(inserts, i);
                        break;
                }
        }
        json_object_set_new(root, "outputs", web_status_outputs(web->status));
        json_object_set_new(root, "station", text_value(web->ctx.config->station_name));
        /* the offset of the station's zone, so the browser shows station time */
        json_object_set_new(root, "zone_now",
                            text_value(time_format_iso(now, when, sizeof when)));
        char *text = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_decref(root);
        return text;
}

/* ---- the thread -----------------------------------------------------------------------
 */

static void resume_all(struct web_events *ev)
{
        for (struct sse_stream *s = ev->streams; s; s = s->next)
                if (s->suspended) {
                        s->suspended = false;
                        MHD_resume_connection(s->connection);
                }
}

/* Swaps in text when it differs from the snapshot streams have; takes it. */
static void publish(struct web_events *ev, char *text)
{
        pthread_mutex_lock(&ev->lock);
        if (text && (!ev->snapshot || strcmp(text, ev->snapshot) != 0)) {
                free(ev->snapshot);
                ev->snapshot = text;
                text = NULL;
                ev->version++;
                resume_all(ev);
        }
        pthread_mutex_unlock(&ev->lock);
        free(text);
}

static bool on_air_changed(struct loop_state *ls, const struct playout_nowplaying *np)
{
        int64_t started = np->on_air ? np->started_ms : 0;
        const char *title = np->on_air ? np->title : "";
        if (started == ls->started_ms && strcmp(title, ls->title) == 0)
                return false;
        ls->started_ms = started;
        snprintf(ls->title, sizeof ls->title, "%s", title);
        return true;
}

/* True while the session of token_hash is valid (as web_session_lookup). */
static bool session_alive(sqlite3 *db, const char *token_hash)
{
        sqlite3_stmt *stmt = NULL;
        bool alive = true; /* a database error does not close anyone's screen */
        if (sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM sessions s JOIN users u ON u.id = "
                               "s.user_id WHERE s.token_hash = ?1 AND s.expires_at > ?2 "
                               "AND u.disabled = 0",
                               -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_text(stmt, 1, token_hash, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 2, time_now_ms() / 1000);
                if (sqlite3_step(stmt) == SQLITE_ROW)
                        alive = sqlite3_column_int(stmt, 0) > 0;
        }
        sqlite3_finalize(stmt);
        return alive;
}

/* Ends the streams whose login ended (logout, expiry, a disabled account):
 * the check at the stream's start is not the last one. */
static void check_sessions(struct web_events *ev, sqlite3 *db)
{
        char hashes[MAX_STREAMS][65];
        size_t n = 0;
        pthread_mutex_lock(&ev->lock);
        for (struct sse_stream *s = ev->streams; s && n < MAX_STREAMS; s = s->next)
                if (!s->ended)
                        memcpy(hashes[n++], s->token_hash, sizeof hashes[0]);
        pthread_mutex_unlock(&ev->lock);
        for (size_t i = 0; i < n; i++) {
                if (session_alive(db, hashes[i]))
                        continue;
                pthread_mutex_lock(&ev->lock);
                for (struct sse_stream *s = ev->streams; s; s = s->next)
                        if (strcmp(s->token_hash, hashes[i]) == 0 && !s->ended) {
                                s->ended = true;
                                if (s->suspended) {
                                        s->suspended = false;
                                        MHD_resume_connection(s->connection);
                                }
                        }
                pthread_mutex_unlock(&ev->lock);
        }
}

static void tick(struct web_events *ev, struct loop_state *ls, bool asked)
{
        struct web *web = ev->web;
        struct playout_nowplaying np = {0};
        int64_t now = time_now_ms();
        if (web->ctx.playout)
                playout_get_nowplaying(web->ctx.playout, &np);
        bool rebuild = asked || !ls->slow || now - ls->built_at >= REBUILD_MS;
        if (on_air_changed(ls, &np))
                rebuild = true;
        uint64_t timeline = scheduler_timeline_version(web->ctx.scheduler);
        if (timeline != ls->timeline_version) { /* a pick, a skip, a cancel */
                ls->timeline_version = timeline;
                rebuild = true;
        }
        if (now - ls->versions_at >= VERSIONS_MS) {
                int64_t v = read_versions(ls->db);
                ls->versions_at = now;
                if (v != ls->versions) {
                        ls->versions = v;
                        rebuild = true;
                }
        }
        if (rebuild) {
                json_decref(ls->slow);
                ls->slow = build_slow(web, ls->db, now);
                ls->built_at = now;
        }
        publish(ev, build_snapshot(web, ls->slow, &np));
        if (now - ls->sessions_at >= SESSION_CHECK_MS) {
                ls->sessions_at = now;
                check_sessions(ev, ls->db);
        }
        int64_t mono = time_monotonic_ns();
        if (mono - ls->heartbeat_ns >= HEARTBEAT_NS / 3) {
                /* streams send their own heartbeat when theirs is due */
                ls->heartbeat_ns = mono;
                pthread_mutex_lock(&ev->lock);
                resume_all(ev);
                pthread_mutex_unlock(&ev->lock);
        }
}

/* The worker's run: one tick (the database is opened at the first), the next
 * in TICK_MS unless web_events_changed asks sooner. */
static int events_run(void *arg)
{
        struct web_events *ev = arg;
        struct loop_state *ls = &ev->ls;
        if (!ls->opened) {
                char err[256];
                ls->opened = true;
                ls->versions = -2;
                ls->db = sched_db_open(ev->web->ctx.config->database, err, sizeof err);
                if (!ls->db)
                        log_error("studio events: %s", err);
        }
        pthread_mutex_lock(&ev->lock);
        bool asked = ev->changed, stopping = ev->stopping;
        ev->changed = false;
        pthread_mutex_unlock(&ev->lock);
        if (ls->db && !stopping) /* web_events_stop has resumed every stream */
                tick(ev, ls, asked);
        return TICK_MS;
}

struct web_events *web_events_new(struct web *web)
{
        struct web_events *ev = xcalloc(1, sizeof *ev);
        ev->web = web;
        pthread_mutex_init(&ev->lock, NULL);
        ev->worker = worker_new("studio events", 0, events_run, ev);
        if (!ev->worker)
                log_error("cannot start the studio events thread");
        return ev;
}

void web_events_changed(struct web_events *ev)
{
        if (!ev)
                return;
        pthread_mutex_lock(&ev->lock);
        ev->changed = true;
        pthread_mutex_unlock(&ev->lock);
        worker_wake(ev->worker);
}

void web_events_stop(struct web_events *ev)
{
        if (!ev)
                return;
        pthread_mutex_lock(&ev->lock);
        ev->stopping = true;
        /* libmicrohttpd may not stop with suspended connections: each resumed
         * stream ends at its next call */
        resume_all(ev);
        pthread_mutex_unlock(&ev->lock);
        worker_stop(ev->worker);
        /* the thread has ended: what it kept goes (once; stop may be called
         * again by web_events_free) */
        json_decref(ev->ls.slow);
        ev->ls.slow = NULL;
        if (ev->ls.db)
                sqlite3_close_v2(ev->ls.db);
        ev->ls.db = NULL;
}

void web_events_free(struct web_events *ev)
{
        if (!ev)
                return;
        web_events_stop(ev);
        worker_free(ev->worker);
        free(ev->snapshot);
        pthread_mutex_destroy(&ev->lock);
        free(ev);
}

/* ---- a stream ---------------------------------------------------------------------- */

/* Called with ev->lock held: the next event for s, or false when there is
 * nothing to send yet. */
static bool next_event(struct sse_stream *s, int64_t mono)
{
        struct web_events *ev = s->ev;
        free(s->pending);
        s->pending = NULL;
        if (ev->snapshot && s->sent_version != ev->version) {
                s->pending = xasprintf("event: state\ndata: %s\n\n", ev->snapshot);
                s->sent_version = ev->version;
        } else if (mono - s->last_send_ns >= HEARTBEAT_NS) {
                s->pending = xstrdup(": ping\n\n");
        } else {
                return false;
        }
        s->pending_len = strlen(s->pending);
        s->pending_off = 0;
        return true;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
        struct sse_stream *s = cls;
        struct web_events *ev = s->ev;
        int64_t mono = time_monotonic_ns();
        (void)pos;
        pthread_mutex_lock(&ev->lock);
        if (ev->stopping || s->ended) {
                pthread_mutex_unlock(&ev->lock);
                return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (s->pending_off >= s->pending_len && !next_event(s, mono)) {
                /* nothing to say: off the event loop until publish() or a
                 * heartbeat round resumes it */
                s->suspended = true;
                MHD_suspend_connection(s->connection);
                pthread_mutex_unlock(&ev->lock);
                return 0;
        }
        size_t n = s->pending_len - s->pending_off;
        if (n > max)
                n = max;
        memcpy(buf, s->pending + s->pending_off, n);
        s->pending_off += n;
        s->last_send_ns = mono;
        pthread_mutex_unlock(&ev->lock);
        return (ssize_t)n;
}

static void stream_free(void *cls)
{
        struct sse_stream *s = cls;
        struct web_events *ev = s->ev;
        pthread_mutex_lock(&ev->lock);
        for (struct sse_stream **p = &ev->streams; *p; p = &(*p)->next)
                if (*p == s) {
                        *p = s->next;
                        ev->n_streams--;
                        break;
                }
        pthread_mutex_unlock(&ev->lock);
        free(s->pending);
        free(s);
}

/* GET /api/v1/events: logged in (the router checks), at most MAX_STREAMS at
 * once; the first event is the current snapshot. */
void web_handle_events(struct web_request *r)
{
        struct web_events *ev = r->web->events;
        pthread_mutex_lock(&ev->lock);
        if (ev->n_streams >= MAX_STREAMS || ev->stopping) {
                pthread_mutex_unlock(&ev->lock);
                web_respond_error(r, 503, "server_busy",
                                  "too many open studio screens (at most %d)",
                                  MAX_STREAMS);
                return;
        }
        struct sse_stream *s = xcalloc(1, sizeof *s);
        s->ev = ev;
        s->connection = r->connection;
        s->last_send_ns = time_monotonic_ns();
        snprintf(s->token_hash, sizeof s->token_hash, "%s", r->session.token_hash);
        /* a comment first, so the browser sees the stream open at once */
        s->pending = xstrdup("retry: 2000\n\n");
        s->pending_len = strlen(s->pending);
        s->next = ev->streams;
        ev->streams = s;
        ev->n_streams++;
        pthread_mutex_unlock(&ev->lock);
        struct MHD_Response *response = MHD_create_response_from_callback(
            MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, s, stream_free);
        if (!response) {
                stream_free(s);
                web_respond_error(r, 500, "internal_error",
                                  "cannot open the event stream");
                return;
        }
        MHD_add_response_header(response, "Content-Type", "text/event-stream");
        MHD_add_response_header(response, "X-Accel-Buffering", "no");
        web_respond_stream(r, response);
}
