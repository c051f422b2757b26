/* Now playing, the Prometheus metrics and the day's programme.  The hot path
 * (GET /api/v1/nowplaying) never touches the database: a background thread
 * plans the next items and polls Icecast for listener counts, and the JSON is
 * cached for a fifth of a second.  The next items and the day's programme are
 * the station's one timeline (scheduler_timeline): what aired, then the plan
 * on from the engine's real state, replanned whenever the engine takes or
 * drops an item. */
#define LOG_MODULE "web"
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/alerts.h"
#include "archive/archive.h"
#include "input/input.h"
#include "scheduler/scheduler.h"
#include "web/web_private.h"

#define CACHE_NS (200 * 1000000LL)
#define LISTENER_POLL_MS 10000
#define REPLAN_MS 30000
/* How often the thread looks whether the engine's picks changed: a change
 * shows in the next items well within a second. */
#define WATCH_MS 200
#define NEXT_ITEMS 5
#define PLAN_HOURS 3
#define RUNDOWN_CACHE_MS 60000

struct web_status {
        struct web *web;
        struct worker *worker; /* status_run every WATCH_MS; NULL if it did not start */
        pthread_mutex_t lock;
        bool replan; /* web_status_schedule_changed (under lock) */

        /* the worker's own: when it last planned and polled */
        int64_t last_poll, last_plan, planned_for;
        uint64_t planned_version;

        /* filled by the background thread (under lock) */
        json_t *next;                      /* [{title, kind, starts_at}] */
        int listeners[CONFIG_MAX_OUTPUTS]; /* per config output; -1 unknown */
        struct web_listener_log *history;  /* the thread's; stores each poll */

        /* the cached answer (under lock) */
        char *cached;
        size_t cached_len;
        int64_t cached_at_ns;

        /* the day's programme (under lock) */
        json_t *rundown;
        char rundown_date[16];
        int64_t rundown_at_ms;
        uint64_t rundown_version; /* scheduler_timeline_version it was made at */
};

/* ---- planning the next items --------------------------------------------------------
 */

struct plan_collect {
        json_t *items;
        int64_t after_ms;
        size_t limit;
};

static void collect_item(void *user, int64_t start_ms, const struct playout_item *item)
{
        struct plan_collect *c = user;
        char when[64];
        if (start_ms < c->after_ms || json_array_size(c->items) >= c->limit)
                return;
        json_t *title = json_string(item->title ? item->title : "");
        json_array_append_new(
            c->items, json_pack("{so ss ss sI}", "title", title ? title : json_string(""),
                                "kind", item_kind_name(item->kind), "starts_at",
                                time_format_iso(start_ms, when, sizeof when),
                                "starts_at_ms", (json_int_t)start_ms));
}

/* The items after the one on air at now: the first the timeline emits. */
static json_t *plan_next(struct web *web, int64_t now)
{
        char err[256];
        struct plan_collect c = {
            .items = json_array(), .after_ms = now + 1, .limit = NEXT_ITEMS};
        if (scheduler_timeline(web->ctx.config, web->ctx.scheduler, now,
                               now + PLAN_HOURS * 3600 * 1000LL, now, NEXT_ITEMS + 1,
                               collect_item, &c, err, sizeof err) < 0) {
                log_warn("cannot plan the next items: %s", err);
                json_decref(c.items);
                return NULL;
        }
        return c.items;
}

/* ---- Icecast listener counts
 * ----------------------------------------------------------- */

static void poll_listeners(struct web_status *st, int counts[CONFIG_MAX_OUTPUTS])
{
        const struct config *config = st->web->ctx.config;
        for (size_t i = 0; i < config->n_outputs; i++)
                counts[i] = -1;
        for (size_t i = 0; i < config->n_outputs; i++) {
                const struct output_config *o = &config->outputs[i];
                if (counts[i] >= 0)
                        continue; /* filled from an earlier fetch of the same server */
                json_t *status = icecast_status_fetch(o->server, o->port, 2000);
                if (!status)
                        continue;
                for (size_t j = i; j < config->n_outputs; j++) {
                        const struct output_config *p = &config->outputs[j];
                        if (strcmp(p->server, o->server) != 0 || p->port != o->port)
                                continue;
                        /* The server answered: no source means no listener. */
                        json_t *source = icecast_status_source(status, p->mount);
                        counts[j] = source ? (int)json_integer_value(
                                                 json_object_get(source, "listeners"))
                                           : 0;
                }
                json_decref(status);
        }
}

/* ---- the background thread
 * -------------------------------------------------------------- */

/* The worker's run: plans again when the engine's picks or the schedule
 * changed (or every REPLAN_MS), polls the listener counts every
 * LISTENER_POLL_MS, and looks again in WATCH_MS. */
static int status_run(void *arg)
{
        struct web_status *st = arg;
        struct web *web = st->web;
        pthread_mutex_lock(&st->lock);
        bool replan = st->replan;
        st->replan = false;
        pthread_mutex_unlock(&st->lock);

        int64_t now = time_now_ms();
        struct playout_nowplaying np = {0};
        if (web->ctx.playout)
                playout_get_nowplaying(web->ctx.playout, &np);
        uint64_t version = scheduler_timeline_version(web->ctx.scheduler);
        json_t *next = NULL;
        if (replan || np.started_ms != st->planned_for ||
            version != st->planned_version || now - st->last_plan >= REPLAN_MS) {
                next = plan_next(web, now);
                st->planned_for = np.started_ms;
                st->planned_version = version;
                st->last_plan = now;
        }
        int counts[CONFIG_MAX_OUTPUTS];
        bool polled = false;
        if (now - st->last_poll >= LISTENER_POLL_MS && web->ctx.config->n_outputs > 0) {
                poll_listeners(st, counts);
                st->last_poll = now;
                polled = true;
                web_listener_log_add(st->history, now, counts);
        }

        pthread_mutex_lock(&st->lock);
        if (next) {
                json_decref(st->next);
                st->next = next;
                st->cached_at_ns = 0; /* rebuild the answer */
        }
        if (polled)
                memcpy(st->listeners, counts, sizeof counts);
        pthread_mutex_unlock(&st->lock);
        return WATCH_MS;
}

struct web_status *web_status_new(struct web *web)
{
        struct web_status *st = xcalloc(1, sizeof *st);
        st->web = web;
        pthread_mutex_init(&st->lock, NULL);
        st->planned_for = -1;
        st->next = json_array();
        for (int i = 0; i < CONFIG_MAX_OUTPUTS; i++)
                st->listeners[i] = -1;
        st->history = web_listener_log_new(web->ctx.config);
        st->worker = worker_new("status", 0, status_run, st);
        if (!st->worker)
                log_error("cannot start the status thread; next items stay empty");
        return st;
}

void web_status_free(struct web_status *st)
{
        if (!st)
                return;
        worker_free(st->worker);
        web_listener_log_free(st->history);
        json_decref(st->next);
        json_decref(st->rundown);
        free(st->cached);
        pthread_mutex_destroy(&st->lock);
        free(st);
}

void web_status_schedule_changed(struct web_status *st)
{
        if (!st)
                return;
        pthread_mutex_lock(&st->lock);
        st->replan = true;
        st->rundown_at_ms = 0;
        pthread_mutex_unlock(&st->lock);
        worker_wake(st->worker);
        web_events_changed(st->web->events);
}

/* ---- now playing
 * ---------------------------------------------------------------------------- */

/* The listeners of the output a sink sends to; 0 when unknown. */
static int sink_listeners(struct web_status *st, struct sink *sink)
{
        const struct config *config = st->web->ctx.config;
        for (size_t i = 0; i < config->n_outputs; i++)
                if (strcmp(config->outputs[i].name, sink_name(sink)) == 0)
                        return st->listeners[i] > 0 ? st->listeners[i] : 0;
        return 0;
}

static json_t *json_text(const char *s)
{
        json_t *v = json_string(s ? s : "");
        return v ? v : json_string("");
}

/* {"id","headline","since"} of the active alert, or null. */
static json_t *active_alert(struct web *web)
{
        char when[64];
        struct alerts_active a = {0};
        if (web->ctx.alerts)
                alerts_get_active(web->ctx.alerts, &a);
        if (!a.active)
                return json_null();
        return json_pack("{sI so ss}", "id", (json_int_t)a.id, "headline",
                         json_text(a.headline), "since",
                         time_format_iso(a.since_ms, when, sizeof when));
}

json_t *web_status_outputs(struct web_status *st)
{
        struct web *web = st->web;
        json_t *outputs = json_array();
        pthread_mutex_lock(&st->lock);
        for (size_t i = 0; i < web->ctx.n_sinks; i++) {
                struct sink_status ss;
                sink_get_status(web->ctx.sinks[i], &ss);
                json_array_append_new(
                    outputs, json_pack("{so so sb si}", "name",
                                       json_text(sink_name(web->ctx.sinks[i])), "mount",
                                       json_text(sink_mount(web->ctx.sinks[i])),
                                       "connected", ss.connected, "listeners",
                                       sink_listeners(st, web->ctx.sinks[i])));
        }
        pthread_mutex_unlock(&st->lock);
        return outputs;
}

/* The planned items that start after the one on air.  The plan is rebuilt
 * by the status thread a moment after the engine takes an item (it checks
 * every 200 ms), so for that moment its first item is the one now on air:
 * it is left out rather than shown as both now and next. */
static json_t *next_after(json_t *planned, int64_t on_air_since_ms)
{
        json_t *next = json_array();
        size_t i;
        json_t *item;
        json_array_foreach(planned, i, item)
        {
                json_int_t start =
                    json_integer_value(json_object_get(item, "starts_at_ms"));
                if (start > on_air_since_ms)
                        json_array_append(next, item);
        }
        return next;
}

/* Called with st->lock held. */
static char *build_nowplaying(struct web_status *st)
{
        struct web *web = st->web;
        const struct config *config = web->ctx.config;
        char when[64];
        json_t *now = json_null();
        int64_t on_air_since_ms = INT64_MIN;
        if (web->ctx.playout) {
                struct playout_nowplaying np;
                playout_get_nowplaying(web->ctx.playout, &np);
                if (np.on_air)
                        on_air_since_ms = np.started_ms;
                if (np.on_air) {
                        /* a complaint airs under its title; whatever the file's tags
                         * said about the caller stays off the air */
                        bool private_kind = np.kind == ITEM_COMPLAINT ||
                                            np.kind == ITEM_ANNOUNCEMENT ||
                                            np.kind == ITEM_ALERT;
                        /* a presenter's item carries their name as its artist
                         * (for the as-run); it is given as now.presenter, and
                         * the encoder's latest title is the title */
                        struct input_live_status ls = {0};
                        if (np.kind == ITEM_LIVE) {
                                input_live_get_status(web->ctx.live, &ls);
                                if (ls.title[0])
                                        snprintf(np.title, sizeof np.title, "%s",
                                                 ls.title);
                                private_kind = true;
                        }
                        now = json_pack("{so so ss ss sI sf sf}", "title",
                                        json_text(np.title), "artist",
                                        json_text(private_kind ? "" : np.artist), "kind",
                                        item_kind_name(np.kind), "started_at",
                                        time_format_iso(np.started_ms, when, sizeof when),
                                        "started_at_ms", (json_int_t)np.started_ms,
                                        "duration", np.duration, "elapsed", np.elapsed);
                        if (np.kind == ITEM_LIVE)
                                json_object_set_new(now, "presenter",
                                                    json_text(np.artist));
                }
        }
        json_t *outputs = json_array();
        for (size_t i = 0; i < web->ctx.n_sinks; i++) {
                struct sink_status ss;
                sink_get_status(web->ctx.sinks[i], &ss);
                json_array_append_new(
                    outputs, json_pack("{so so sb si}", "name",
                                       json_text(sink_name(web->ctx.sinks[i])), "mount",
                                       json_text(sink_mount(web->ctx.sinks[i])),
                                       "connected", ss.connected, "listeners",
                                       sink_listeners(st, web->ctx.sinks[i])));
        }
        json_t *root = json_pack("{s{soso} so so so ss}", "station", "name",
                                 json_text(config->station_name), "timezone",
                                 json_text(config->timezone), "now", now, "next",
                                 next_after(st->next, on_air_since_ms), "outputs",
                                 outputs, "stream_url", web->stream_url);
        json_object_set_new(root, "alert", active_alert(web));
        if (web->ctx.archive) {
                struct archive_status as;
                archive_get_status(web->ctx.archive, &as);
                json_object_set_new(
                    root, "archive",
                    json_pack("{sb sb}", "recording", as.recording, "paused", as.paused));
        }
        char *text = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_decref(root);
        return text;
}

/* GET /api/v1/live: who is on the live input. */
void web_handle_live(struct web_request *r)
{
        struct input_live_status ls;
        char since[64];
        input_live_get_status(r->web->ctx.live, &ls);
        json_t *body = json_pack(
            "{sb so so so sf}", "connected", ls.connected, "user",
            ls.connected ? json_text(ls.user) : json_null(), "since",
            ls.connected ? json_string(time_format_iso(ls.since_ms, since, sizeof since))
                         : json_null(),
            "format", ls.connected && ls.format[0] ? json_text(ls.format) : json_null(),
            "level_db", ls.level_db);
        json_object_set_new(body, "gain_db", json_real(ls.gain_db));
        if (ls.connected && ls.title[0])
                json_object_set_new(body, "title", json_text(ls.title));
        web_respond_json(r, 200, body);
}

void web_handle_nowplaying(struct web_request *r)
{
        struct web_status *st = r->web->status;
        int64_t now = time_monotonic_ns();
        pthread_mutex_lock(&st->lock);
        if (!st->cached || now - st->cached_at_ns >= CACHE_NS) {
                char *text = build_nowplaying(st);
                if (text) {
                        free(st->cached);
                        st->cached = text;
                        st->cached_len = strlen(text);
                        st->cached_at_ns = now;
                }
        }
        if (st->cached)
                web_respond_bytes(r, 200, "application/json; charset=utf-8", st->cached,
                                  st->cached_len, true);
        pthread_mutex_unlock(&st->lock);
        if (!r->response)
                web_respond_error(r, 500, "internal_error", "cannot build now playing");
}

/* ---- metrics
 * -------------------------------------------------------------------------------- */

/* A label value with \, " and newlines escaped (Prometheus text format). */
static void label_value(char *out, size_t size, const char *in)
{
        size_t o = 0;
        for (; *in && o + 3 < size; in++) {
                if (*in == '\\' || *in == '"') {
                        out[o++] = '\\';
                        out[o++] = *in;
                } else if (*in == '\n') {
                        out[o++] = '\\';
                        out[o++] = 'n';
                } else {
                        out[o++] = *in;
                }
        }
        out[o] = '\0';
}

struct text {
        char *buf;
        size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void text_add(struct text *t, const char *fmt, ...)
{
        va_list ap;
        for (;;) {
                va_start(ap, fmt);
                int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
                va_end(ap);
                if (n >= 0 && (size_t)n < t->cap - t->len) {
                        t->len += (size_t)n;
                        return;
                }
                t->cap = t->cap * 2 + (size_t)(n > 0 ? n : 0) + 256;
                t->buf = xrealloc(t->buf, t->cap);
        }
}

static void add_alert_metrics(struct web *web, struct text *t)
{
        struct alerts_stats s = {0};
        struct alerts_active a = {0};
        if (web->ctx.alerts) {
                alerts_get_stats(web->ctx.alerts, &s);
                alerts_get_active(web->ctx.alerts, &a);
        }
        text_add(t,
                 "# HELP siaran_alerts_total Emergency alerts raised since start.\n"
                 "# TYPE siaran_alerts_total counter\n"
                 "siaran_alerts_total{source=\"feed\"} %lld\n"
                 "siaran_alerts_total{source=\"test\"} %lld\n"
                 "# HELP siaran_alert_active 1 while an emergency alert is active.\n"
                 "# TYPE siaran_alert_active gauge\nsiaran_alert_active %d\n"
                 "# HELP siaran_alert_feed_polls_total Requests to the alert feed.\n"
                 "# TYPE siaran_alert_feed_polls_total counter\n"
                 "siaran_alert_feed_polls_total %lld\n"
                 "# HELP siaran_alert_feed_errors_total Failed requests and rejected "
                 "documents.\n"
                 "# TYPE siaran_alert_feed_errors_total counter\n"
                 "siaran_alert_feed_errors_total %lld\n"
                 "# HELP siaran_alert_feed_up 1 when the latest poll got a usable "
                 "document.\n"
                 "# TYPE siaran_alert_feed_up gauge\nsiaran_alert_feed_up %d\n",
                 (long long)s.raised, (long long)s.tests, a.active ? 1 : 0,
                 (long long)s.polls, (long long)s.feed_errors, s.feed_ok ? 1 : 0);
}

static void add_archive_metrics(struct text *t, struct archive *archive)
{
        struct archive_status as;
        archive_get_status(archive, &as);
        text_add(
            t,
            "# HELP siaran_archive_recording 1 while the archive writes a file.\n"
            "# TYPE siaran_archive_recording gauge\nsiaran_archive_recording %d\n"
            "# HELP siaran_archive_paused 1 while the disk guard pauses the "
            "archive (free space below min_free_mb).\n"
            "# TYPE siaran_archive_paused gauge\nsiaran_archive_paused %d\n"
            "# HELP siaran_archive_free_megabytes Free space on the archive's disk.\n"
            "# TYPE siaran_archive_free_megabytes gauge\n"
            "siaran_archive_free_megabytes %lld\n"
            "# HELP siaran_archive_dropped_frames_total Frames lost because the "
            "disk was too slow.\n"
            "# TYPE siaran_archive_dropped_frames_total counter\n"
            "siaran_archive_dropped_frames_total %lld\n",
            as.recording, as.paused, (long long)as.free_mb, (long long)as.dropped);
}

void web_handle_metrics(struct web_request *r)
{
        struct web *web = r->web;
        struct text t = {.buf = xmalloc(4096), .cap = 4096};
        struct playout_stats stats = {0};
        if (web->ctx.playout)
                playout_get_stats(web->ctx.playout, &stats);
        static const struct {
                const char *name, *help;
                size_t offset;
        } counters[] = {
            {"siaran_items_aired_total", "Items the engine started.",
             offsetof(struct playout_stats, items_aired)},
            {"siaran_skips_total", "Items skipped (unreadable, operator, silence).",
             offsetof(struct playout_stats, skips)},
            {"siaran_silence_alarms_total", "Silence detector alarms.",
             offsetof(struct playout_stats, silence_alarms)},
            {"siaran_underruns_total", "Times the engine fell behind real time.",
             offsetof(struct playout_stats, underruns)},
        };
        text_add(&t, "# HELP siaran_up The station process is running.\n"
                     "# TYPE siaran_up gauge\nsiaran_up 1\n");
        for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
                text_add(&t, "# HELP %s %s\n# TYPE %s counter\n%s %lld\n",
                         counters[i].name, counters[i].help, counters[i].name,
                         counters[i].name,
                         (long long)*(const int64_t *)((const char *)&stats +
                                                       counters[i].offset));
        text_add(&t,
                 "# HELP siaran_engine_worst_block_seconds Longest time the engine took "
                 "for one block.\n# TYPE siaran_engine_worst_block_seconds gauge\n"
                 "siaran_engine_worst_block_seconds %.6f\n"
                 "# HELP siaran_engine_min_lead_seconds Smallest lead of the output over "
                 "real time (its margin to the deadline).\n"
                 "# TYPE siaran_engine_min_lead_seconds gauge\n"
                 "siaran_engine_min_lead_seconds %.6f\n",
                 stats.worst_block_ms / 1000, stats.min_lead_ms / 1000);
        text_add(&t,
                 "# HELP siaran_stream_seconds Stream time produced.\n"
                 "# TYPE siaran_stream_seconds counter\nsiaran_stream_seconds %.3f\n",
                 (double)stats.frames / (web->ctx.config->samplerate > 0
                                             ? web->ctx.config->samplerate
                                             : 44100));

        int overdue = web_complaints_overdue_count(web);
        if (overdue >= 0)
                text_add(&t,
                         "# HELP siaran_complaints_overdue Forwarded complaints past "
                         "their answer day.\n"
                         "# TYPE siaran_complaints_overdue gauge\n"
                         "siaran_complaints_overdue %d\n",
                         overdue);

        static const char *const output_metrics[][3] = {
            {"siaran_output_connected", "gauge", "1 when the output is connected."},
            {"siaran_output_reconnects_total", "counter", "Reconnects after a failure."},
            {"siaran_output_bytes_sent_total", "counter", "Bytes sent to the server."},
            {"siaran_output_dropped_bytes_total", "counter",
             "Bytes dropped (queue full)."},
            {"siaran_listeners", "gauge", "Listeners on the mount (Icecast stats)."},
        };
        for (size_t m = 0; m < sizeof output_metrics / sizeof output_metrics[0]; m++) {
                text_add(&t, "# HELP %s %s\n# TYPE %s %s\n", output_metrics[m][0],
                         output_metrics[m][2], output_metrics[m][0],
                         output_metrics[m][1]);
                for (size_t i = 0; i < web->ctx.n_sinks; i++) {
                        struct sink *sink = web->ctx.sinks[i];
                        struct sink_status ss;
                        char name[128], mount[256];
                        long long value = 0;
                        sink_get_status(sink, &ss);
                        label_value(name, sizeof name, sink_name(sink));
                        label_value(mount, sizeof mount, sink_mount(sink));
                        switch (m) {
                        case 0:
                                value = ss.connected;
                                break;
                        case 1:
                                value = ss.reconnects;
                                break;
                        case 2:
                                value = ss.bytes_sent;
                                break;
                        case 3:
                                value = ss.dropped;
                                break;
                        default:
                                pthread_mutex_lock(&web->status->lock);
                                value = sink_listeners(web->status, sink);
                                pthread_mutex_unlock(&web->status->lock);
                        }
                        text_add(&t, "%s{output=\"%s\",mount=\"%s\"} %lld\n",
                                 output_metrics[m][0], name, mount, value);
                }
        }
        add_alert_metrics(web, &t);
        if (web->ctx.archive)
                add_archive_metrics(&t, web->ctx.archive);
        web_respond_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", t.buf,
                          t.len, true);
        free(t.buf);
}

/* ---- the day's programme
 * ---------------------------------------------------------------------- */

struct rundown_collect {
        json_t *items;
};

static void collect_rundown(void *user, int64_t start_ms, const struct playout_item *item)
{
        struct rundown_collect *c = user;
        char when[64];
        if (json_array_size(c->items) >= 2000)
                return;
        json_array_append_new(c->items,
                              json_pack("{so so ss ss sI}", "title",
                                        json_text(item->title), "artist",
                                        json_text(item->kind == ITEM_COMPLAINT ||
                                                          item->kind == ITEM_ANNOUNCEMENT
                                                      ? ""
                                                      : item->artist),
                                        "kind", item_kind_name(item->kind), "starts_at",
                                        time_format_iso(start_ms, when, sizeof when),
                                        "starts_at_ms", (json_int_t)start_ms));
}

/* GET /api/v1/rundown[?date=YYYY-MM-DD]: the items of a day (public: the
 * listener page shows today's programme): the station's timeline, what aired
 * (the as-run) up to the item on air, then the plan on from the engine's real
 * state; a day to come as planned.  Cached for a minute, or until the engine
 * takes or drops an item. */
void web_handle_rundown(struct web_request *r)
{
        struct web_status *st = r->web->status;
        const char *date = web_query(r, "date");
        char today[16];
        int64_t day_ms, now = time_now_ms();
        if (date) {
                if (strlen(date) != 10 || time_parse_date(date, &day_ms) < 0) {
                        web_respond_error(r, 400, "date_invalid",
                                          "date must be YYYY-MM-DD");
                        return;
                }
                snprintf(today, sizeof today, "%s", date);
        } else {
                int y, m, d;
                time_local_fields(now, &y, &m, &d, NULL, NULL, NULL, NULL);
                snprintf(today, sizeof today, "%04d-%02d-%02d", y, m, d);
                time_parse_date(today, &day_ms);
        }
        uint64_t version = scheduler_timeline_version(r->web->ctx.scheduler);
        pthread_mutex_lock(&st->lock);
        if (st->rundown && strcmp(st->rundown_date, today) == 0 &&
            now - st->rundown_at_ms < RUNDOWN_CACHE_MS &&
            st->rundown_version == version) {
                web_respond_json(
                    r, 200, json_pack("{ss sO}", "date", today, "items", st->rundown));
                pthread_mutex_unlock(&st->lock);
                return;
        }
        pthread_mutex_unlock(&st->lock);

        char err[256];
        struct rundown_collect c = {.items = json_array()};
        int64_t end_ms = time_local_midnight(day_ms + 36 * 3600 * 1000LL);
        if (scheduler_timeline(r->web->ctx.config, r->web->ctx.scheduler, day_ms, end_ms,
                               now, 0, collect_rundown, &c, err, sizeof err) < 0) {
                json_decref(c.items);
                web_respond_error(r, 500, "internal_error", "cannot plan %s: %s", today,
                                  err);
                return;
        }
        pthread_mutex_lock(&st->lock);
        json_decref(st->rundown);
        st->rundown = json_incref(c.items);
        snprintf(st->rundown_date, sizeof st->rundown_date, "%s", today);
        st->rundown_at_ms = now;
        st->rundown_version = version;
        pthread_mutex_unlock(&st->lock);
        web_respond_json(r, 200, json_pack("{ss so}", "date", today, "items", c.items));
}
