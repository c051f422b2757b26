/* Listener statistics: the status thread's Icecast polls stored per mount in
 * listener_stats, and GET /api/v1/listeners, the history the dashboard
 * charts.
 *
 * Storage: one row per mount when its count changes, and at least one a
 * minute while it stays the same.  A 10 s poll stored as is would write
 * 8640 rows a day per mount for a count that rarely moves; the chart's
 * smallest bucket is 5 minutes, so a row a minute plus every change keeps
 * its maxima exact enough at a fraction of the size.  Rows older than 400
 * days are deleted once a day.  A mount pushed to two servers (a local and a
 * remote Icecast) counts the listeners of both. */
#define LOG_MODULE "web"
#include <stdlib.h>
#include <string.h>

#include "scheduler/scheduler.h"
#include "web/web_private.h"

#define KEEP_MS (400 * 24 * 3600 * 1000LL)
#define PRUNE_EVERY_MS (24 * 3600 * 1000LL)
#define HEARTBEAT_MS 60000
#define REOPEN_MS 60000 /* how long to wait after the database failed to open */

struct mount_state {
        const char *mount; /* borrowed from the config */
        int last;          /* the last stored count, -1 before the first */
        int64_t stored_at_ms;
};

struct web_listener_log {
        const struct config *config;
        sqlite3 *db; /* the poller's own connection, opened on first use */
        int64_t open_failed_ms;
        int64_t pruned_at_ms;
        struct mount_state mounts[CONFIG_MAX_OUTPUTS];
        size_t n_mounts;
};

struct web_listener_log *web_listener_log_new(const struct config *config)
{
        struct web_listener_log *log = xcalloc(1, sizeof *log);
        log->config = config;
        for (size_t i = 0; i < config->n_outputs; i++) {
                const char *mount = config->outputs[i].mount;
                size_t j = 0;
                while (j < log->n_mounts && strcmp(log->mounts[j].mount, mount) != 0)
                        j++;
                if (j == log->n_mounts)
                        log->mounts[log->n_mounts++] =
                            (struct mount_state){.mount = mount, .last = -1};
        }
        return log;
}

void web_listener_log_free(struct web_listener_log *log)
{
        if (!log)
                return;
        sqlite3_close_v2(log->db);
        free(log);
}

static bool open_db(struct web_listener_log *log, int64_t now_ms)
{
        char err[256];
        if (log->db)
                return true;
        if (log->open_failed_ms && now_ms - log->open_failed_ms < REOPEN_MS)
                return false;
        log->db = sched_db_open(log->config->database, err, sizeof err);
        if (!log->db) {
                log_error("listener statistics: %s", err);
                log->open_failed_ms = now_ms;
                return false;
        }
        return true;
}

static void prune(struct web_listener_log *log, int64_t now_ms)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(log->db, "DELETE FROM listener_stats WHERE at < ?", -1,
                               &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, now_ms - KEEP_MS);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto out;
        int deleted = sqlite3_changes(log->db);
        if (deleted > 0)
                log_info("listener statistics: deleted %d rows older than 400 days",
                         deleted);
        log->pruned_at_ms = now_ms;
out:
        if (log->pruned_at_ms != now_ms)
                log_warn("listener statistics: cannot delete old rows: %s",
                         sqlite3_errmsg(log->db));
        sqlite3_finalize(stmt);
}

void web_listener_log_add(struct web_listener_log *log, int64_t at_ms,
                          const int counts[CONFIG_MAX_OUTPUTS])
{
        sqlite3_stmt *stmt = NULL;
        bool began = false;
        if (!log || !open_db(log, at_ms))
                return;
        const struct config *config = log->config;
        for (size_t m = 0; m < log->n_mounts; m++) {
                struct mount_state *ms = &log->mounts[m];
                int sum = -1; /* stays -1 when no server of this mount answered */
                for (size_t i = 0; i < config->n_outputs; i++)
                        if (counts[i] >= 0 &&
                            strcmp(config->outputs[i].mount, ms->mount) == 0)
                                sum = (sum < 0 ? 0 : sum) + counts[i];
                /* An unreachable server is a hole in the chart, not a zero. */
                if (sum < 0)
                        continue;
                if (sum == ms->last && at_ms - ms->stored_at_ms < HEARTBEAT_MS)
                        continue;
                if (!stmt) {
                        if (sqlite3_exec(log->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
                                goto fail;
                        began = true;
                        if (sqlite3_prepare_v2(log->db,
                                               "INSERT INTO listener_stats (at, mount, "
                                               "listeners) VALUES (?, ?, ?)",
                                               -1, &stmt, NULL) != SQLITE_OK)
                                goto fail;
                }
                sqlite3_reset(stmt);
                sqlite3_bind_int64(stmt, 1, at_ms);
                sqlite3_bind_text(stmt, 2, ms->mount, -1, SQLITE_STATIC);
                sqlite3_bind_int(stmt, 3, sum);
                if (sqlite3_step(stmt) != SQLITE_DONE)
                        goto fail;
                ms->last = sum;
                ms->stored_at_ms = at_ms;
        }
        if (began && sqlite3_exec(log->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto fail;
        began = false;
        sqlite3_finalize(stmt);
        if (at_ms - log->pruned_at_ms >= PRUNE_EVERY_MS)
                prune(log, at_ms);
        return;
fail:
        log_warn("listener statistics: cannot store a sample: %s",
                 sqlite3_errmsg(log->db));
        sqlite3_finalize(stmt);
        if (began)
                sched_db_rollback(log->db);
        /* stored_at of the mounts that failed is unchanged: retried next poll */
        for (size_t m = 0; m < log->n_mounts; m++)
                if (log->mounts[m].stored_at_ms == at_ms)
                        log->mounts[m].last = -1;
}

/* ---- GET /api/v1/listeners?range=day|week ------------------------------------ */

static json_t *series_for(json_t *series, const char *mount)
{
        size_t i;
        json_t *s;
        json_array_foreach(series, i, s)
        {
                if (strcmp(json_string_value(json_object_get(s, "mount")), mount) == 0)
                        return s;
        }
        s = json_pack("{ss s[] si}", "mount", mount, "points", "peak", 0);
        json_array_append_new(series, s);
        return s;
}

/* The most listeners per mount in each bucket of the last day (5-minute
 * buckets) or week (hourly); buckets without a sample are left out (the
 * station or the server was down).  Any logged-in role. */
void web_handle_listeners(struct web_request *r)
{
        const char *range = web_query(r, "range");
        int64_t span_ms, bucket_ms;
        sqlite3_stmt *stmt = NULL;
        json_t *series = NULL;
        char from_iso[64], to_iso[64], at_iso[64];
        if (!range || strcmp(range, "day") == 0) {
                range = "day";
                span_ms = 24 * 3600 * 1000LL;
                bucket_ms = 300 * 1000LL;
        } else if (strcmp(range, "week") == 0) {
                span_ms = 7 * 24 * 3600 * 1000LL;
                bucket_ms = 3600 * 1000LL;
        } else {
                web_respond_error(r, 400, "field_invalid", "range must be day or week");
                return;
        }
        int64_t to_ms = (time_now_ms() / bucket_ms + 1) * bucket_ms;
        int64_t from_ms = to_ms - span_ms;
        series = json_array();
        if (sqlite3_prepare_v2(r->db,
                               "SELECT mount, (at / ?1) * ?1 AS bucket, MAX(listeners) "
                               "FROM listener_stats WHERE at >= ?2 AND at < ?3 "
                               "GROUP BY mount, bucket ORDER BY mount, bucket",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto fail;
        sqlite3_bind_int64(stmt, 1, bucket_ms);
        sqlite3_bind_int64(stmt, 2, from_ms);
        sqlite3_bind_int64(stmt, 3, to_ms);
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                const char *mount = (const char *)sqlite3_column_text(stmt, 0);
                int listeners = sqlite3_column_int(stmt, 2);
                json_t *s = series_for(series, mount ? mount : "");
                json_array_append_new(
                    json_object_get(s, "points"),
                    json_pack("{ss si}", "at",
                              time_format_iso(sqlite3_column_int64(stmt, 1), at_iso,
                                              sizeof at_iso),
                              "listeners", listeners));
                if (listeners > json_integer_value(json_object_get(s, "peak")))
                        json_object_set_new(s, "peak", json_integer(listeners));
        }
        if (rc != SQLITE_DONE)
                goto fail;
        /* every configured mount has a series, even before its first sample */
        const struct config *config = r->web->ctx.config;
        for (size_t i = 0; i < config->n_outputs; i++)
                series_for(series, config->outputs[i].mount);
        sqlite3_finalize(stmt);
        web_respond_json(r, 200,
                         json_pack("{ss sI ss ss so}", "range", range, "bucket_seconds",
                                   (json_int_t)(bucket_ms / 1000), "from",
                                   time_format_iso(from_ms, from_iso, sizeof from_iso),
                                   "to", time_format_iso(to_ms, to_iso, sizeof to_iso),
                                   "series", series));
        return;
fail:
        log_error("listener statistics: %s", sqlite3_errmsg(r->db));
        sqlite3_finalize(stmt);
        json_decref(series);
        web_respond_error(r, 500, "db_error", "cannot read the listener statistics");
}
