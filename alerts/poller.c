/* The poller thread: reads the feed with libcurl (bounded in time and size,
 * on this thread only, so nothing else ever waits on the network), raises an
 * alert for a new matching event, airs the repeats, and keeps the snapshot
 * the web server reads.  An alert on air is an announcement row of mode
 * "now" with the alert's id: the planner gives it top priority, and
 * playout_interrupt (the panel's "now") fades what airs, live included. */
#define _GNU_SOURCE /* mkstemps */
#define LOG_MODULE "alerts"
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts/alerts.h"
#include "media/media.h"
#include "scheduler/scheduler.h"

/* An event older than this when first seen is history, not news: a station
 * started (or a feed back) after hours must not announce yesterday's quake. */
#define MAX_AGE_MS (60 * 60 * 1000LL)
/* ... and one dated well ahead of the clock is a broken document. */
#define MAX_AHEAD_MS (24 * 60 * 60 * 1000LL)
/* How often the thread looks at repeats and at alerts ending. */
#define TICK_MS 250
#define CONNECT_TIMEOUT_MS 5000
#define TOTAL_TIMEOUT_MS 10000

struct alerts {
        const struct config *config;
        struct playout *playout;
        sqlite3 *db; /* the thread's */
        pthread_t thread;
        bool thread_started;

        pthread_mutex_t lock;
        pthread_cond_t wake;
        bool stopping;
        struct alerts_active active; /* under lock */
        struct alerts_stats stats;   /* under lock */

        /* the thread's own */
        bool in_outage;
        int64_t outage_since_ms;
        uint64_t last_bad_document; /* hash of the latest rejected document */
        char last_key[128];         /* the latest event handled this run */
};

/* ---- small helpers -------------------------------------------------------------------
 */

static uint64_t hash_bytes(const char *data, size_t len)
{
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */
        for (size_t i = 0; i < len; i++) {
                h ^= (unsigned char)data[i];
                h *= 1099511628211ULL;
        }
        return h;
}

static int exec_simple(sqlite3 *db, const char *sql)
{
        return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* A new empty temp file named *.wav; the caller unlinks and frees it. */
static char *temp_wav(char *err, size_t err_size)
{
        const char *dir = getenv("TMPDIR");
        char *path = xasprintf("%s/siaran-alert-XXXXXX.wav", dir && *dir ? dir : "/tmp");
        int fd = mkstemps(path, 4);
        if (fd < 0) {
                snprintf(err, err_size, "cannot create a temp file: %s", strerror(errno));
                free(path);
                return NULL;
        }
        close(fd);
        return path;
}

static void remove_temp(char *path)
{
        if (path) {
                unlink(path);
                free(path);
        }
}

/* Reads the newest active alert into the snapshot. */
static void refresh_active(struct alerts *a, sqlite3 *db)
{
        struct alerts_active now = {0};
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db,
                               "SELECT id, headline, created_at FROM alerts"
                               " WHERE status = 'active' ORDER BY id DESC LIMIT 1",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW) {
                now.active = true;
                now.id = sqlite3_column_int64(stmt, 0);
                const unsigned char *h = sqlite3_column_text(stmt, 1);
                snprintf(now.headline, sizeof now.headline, "%s",
                         h ? (const char *)h : "");
                now.since_ms = sqlite3_column_int64(stmt, 2);
        } else if (step != SQLITE_DONE) {
                goto out; /* busy: keep what was known */
        }
        pthread_mutex_lock(&a->lock);
        a->active = now;
        pthread_mutex_unlock(&a->lock);
out:
        sqlite3_finalize(stmt);
}

/* ---- raising an alert ---------------------------------------------------------------
 */

struct raise_request {
        const struct alerts_event *event; /* NULL for a test */
        double distance_km, bearing_deg;
        const char *headline, *text;
        bool test;
        const char *user;
        int repeats; /* airings after the first */
};

/* Speaks text behind the chime and imports it.  Returns 0 or -1. */
static int make_bulletin(struct alerts *a, sqlite3 *db, const char *text,
                         struct sched_media *media, char *err, size_t err_size)
{
        int rc = -1;
        char *speech = sched_speak(text, err, err_size);
        char *bulletin = speech ? temp_wav(err, err_size) : NULL;
        if (!bulletin)
                goto out;
        if (alerts_write_chime_and_speech(speech, bulletin, err, err_size) < 0)
                goto out;
        if (sched_media_import(db, a->config, bulletin, ITEM_ANNOUNCEMENT, NULL, NULL,
                               NULL, media, err, err_size) < 0)
                goto out;
        rc = 0;
out:
        remove_temp(speech);
        remove_temp(bulletin);
        return rc;
}

/* Stores the alert and its first airing in one transaction.  Returns 0, 1
 * when the event is already stored (it aired before), -1 on failure. */
static int store_alert(sqlite3 *db, const struct raise_request *q, int64_t media_id,
                       int64_t *id, char *err, size_t err_size)
{
        int rc = -1;
        sqlite3_stmt *stmt = NULL;
        int64_t now = time_now_ms();
        const struct alerts_event *e = q->event;
        if (exec_simple(db, "BEGIN IMMEDIATE") < 0)
                goto fail;
        if (sqlite3_prepare_v2(db,
                               "UPDATE media SET title = ?1, artist = '' WHERE id = ?2",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto fail;
        sqlite3_bind_text(stmt, 1, q->headline, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, media_id);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto fail;
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO alerts (event_key, event_at, latitude, longitude, magnitude,"
                " depth_km, distance_km, region, potential, tsunami, test, headline, "
                "text,"
                " media_id, repeats_left, next_at, created_by, created_at) VALUES"
                " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
                " ?17, ?18)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto fail;
        if (e) {
                sqlite3_bind_text(stmt, 1, e->key, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 2, e->at_ms);
                sqlite3_bind_double(stmt, 3, e->latitude);
                sqlite3_bind_double(stmt, 4, e->longitude);
                sqlite3_bind_double(stmt, 5, e->magnitude);
                sqlite3_bind_double(stmt, 6, e->depth_km);
                if (isfinite(q->distance_km))
                        sqlite3_bind_double(stmt, 7, q->distance_km);
                sqlite3_bind_text(stmt, 8, e->region, -1, SQLITE_STATIC);
                sqlite3_bind_text(stmt, 9, e->potential, -1, SQLITE_STATIC);
                sqlite3_bind_int(stmt, 10, e->tsunami);
        } else {
                sqlite3_bind_text(stmt, 8, "", -1, SQLITE_STATIC);
                sqlite3_bind_text(stmt, 9, "", -1, SQLITE_STATIC);
                sqlite3_bind_int(stmt, 10, 0);
        }
        sqlite3_bind_int(stmt, 11, q->test);
        sqlite3_bind_text(stmt, 12, q->headline, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 13, q->text, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 14, media_id);
        sqlite3_bind_int(stmt, 15, q->repeats);
        sqlite3_bind_null(stmt, 16); /* set when this airing has ended */
        sqlite3_bind_text(stmt, 17, q->user, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 18, now);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_CONSTRAINT &&
            sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE) {
                rc = 1;
                goto rollback;
        }
        if (step != SQLITE_DONE)
                goto fail;
        *id = sqlite3_last_insert_rowid(db);
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO announcements (media_id, text, mode, created_at,"
                " alert_id) VALUES (?1, ?2, 'now', ?3, ?4)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto fail;
        sqlite3_bind_int64(stmt, 1, media_id);
        sqlite3_bind_text(stmt, 2, q->text, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, now / 1000);
        sqlite3_bind_int64(stmt, 4, *id);
        if (sqlite3_step(stmt) != SQLITE_DONE || exec_simple(db, "COMMIT") < 0)
                goto fail;
        rc = 0;
        goto out;
fail:
        snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
rollback:
        sched_db_rollback(db);
out:
        sqlite3_finalize(stmt);
        return rc;
}

static bool event_stored(sqlite3 *db, const char *key)
{
        sqlite3_stmt *stmt = NULL;
        bool found = false;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM alerts WHERE event_key = ?1", -1, &stmt,
                               NULL) == SQLITE_OK &&
            sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) == SQLITE_OK)
                found = sqlite3_step(stmt) == SQLITE_ROW;
        sqlite3_finalize(stmt);
        return found;
}

/* Makes the bulletin, stores it and interrupts the air.  Returns 0, 1 when
 * the event had aired already, or -1 with a reason. */
static int raise_alert(struct alerts *a, sqlite3 *db, const struct raise_request *q,
                       int64_t *id, char *err, size_t err_size)
{
        struct sched_media media = {0};
        int rc = make_bulletin(a, db, q->text, &media, err, err_size);
        if (rc < 0)
                goto out;
        rc = store_alert(db, q, media.id, id, err, err_size);
        if (rc != 0)
                goto out;
        if (a->playout)
                playout_interrupt(a->playout);
        pthread_mutex_lock(&a->lock);
        if (q->test)
                a->stats.tests++;
        else
                a->stats.raised++;
        pthread_mutex_unlock(&a->lock);
        refresh_active(a, db);
        log_warn("alert %lld on air%s: %s (media %lld, %.1f s, %d repeats)",
                 (long long)*id, q->test ? " (test)" : "", q->text, (long long)media.id,
                 media.duration, q->repeats);
        pthread_mutex_lock(&a->lock);
        pthread_cond_signal(&a->wake);
        pthread_mutex_unlock(&a->lock);
out:
        sched_media_clear(&media);
        return rc;
}

int alerts_air_test(struct alerts *a, sqlite3 *db, const char *user, int64_t *id,
                    char *err, size_t err_size)
{
        const char *station = a->config->station_name;
        char *text = xasprintf("Ini hanya uji coba. Ini uji coba sistem peringatan gempa "
                               "dan tsunami %s. Tidak ada gempa, tidak ada bahaya. "
                               "Sekali lagi, ini hanya uji coba.",
                               station && *station ? station : "stasiun ini");
        struct raise_request q = {.distance_km = NAN,
                                  .bearing_deg = NAN,
                                  .headline =
                                      "UJI COBA peringatan gempa: ini hanya uji coba",
                                  .text = text,
                                  .test = true,
                                  .user = user && *user ? user : "admin",
                                  .repeats = 0};
        int rc = raise_alert(a, db, &q, id, err, err_size);
        free(text);
        return rc < 0 ? -1 : 0;
}

/* ---- ending
 * ---------------------------------------------------------------------------- */

/* Whether the announcement airing now (ref) belongs to alert id. */
static bool airing_is_of(sqlite3 *db, int64_t announcement, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        bool yes = false;
        if (sqlite3_prepare_v2(
                db, "SELECT 1 FROM announcements WHERE id = ?1 AND alert_id = ?2", -1,
                &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, announcement);
                sqlite3_bind_int64(stmt, 2, id);
                yes = sqlite3_step(stmt) == SQLITE_ROW;
        }
        sqlite3_finalize(stmt);
        return yes;
}

int alerts_end(struct alerts *a, sqlite3 *db, int64_t id, const char *user, char *err,
               size_t err_size)
{
        int rc = -2;
        sqlite3_stmt *stmt = NULL;
        if (exec_simple(db, "BEGIN IMMEDIATE") < 0)
                goto fail;
        if (sqlite3_prepare_v2(db, "SELECT status FROM alerts WHERE id = ?1", -1, &stmt,
                               NULL) != SQLITE_OK)
                goto fail;
        sqlite3_bind_int64(stmt, 1, id);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_DONE) {
                rc = -1;
                snprintf(err, err_size, "no alert %lld", (long long)id);
                goto rollback;
        }
        if (step != SQLITE_ROW)
                goto fail;
        if (strcmp((const char *)sqlite3_column_text(stmt, 0), "active") != 0) {
                rc = 1;
                goto rollback;
        }
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(db,
                               "UPDATE alerts SET status = 'ended', ended_at = ?2,"
                               " ended_by = ?3, repeats_left = 0 WHERE id = ?1",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto fail;
        sqlite3_bind_int64(stmt, 1, id);
        sqlite3_bind_int64(stmt, 2, time_now_ms());
        sqlite3_bind_text(stmt, 3, user ? user : "", -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto fail;
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(db,
                               "UPDATE announcements SET status = 'cancelled'"
                               " WHERE alert_id = ?1 AND status = 'pending'",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto fail;
        sqlite3_bind_int64(stmt, 1, id);
        if (sqlite3_step(stmt) != SQLITE_DONE || exec_simple(db, "COMMIT") < 0)
                goto fail;
        rc = 0;
        if (a->playout) {
                struct playout_nowplaying np;
                playout_get_nowplaying(a->playout, &np);
                if (np.on_air && np.kind == ITEM_ALERT && airing_is_of(db, np.ref_id, id))
                        playout_skip(a->playout);
                else
                        playout_schedule_changed(a->playout);
        }
        refresh_active(a, db);
        log_warn("alert %lld ended by %s", (long long)id, user ? user : "?");
        goto out;
fail:
        snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
rollback:
        sched_db_rollback(db);
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* ---- repeats -------------------------------------------------------------------------
 */

/* The time of an alert's next airing is set once its previous airing has
 * ended (its announcement is no longer pending): repeat_minutes after that,
 * so the programme always gets the gap, however long the bulletin. */
static void schedule_repeats(struct alerts *a, int64_t now)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                a->db,
                "UPDATE alerts SET next_at = ?1 WHERE status = 'active' AND repeats_left "
                "> 0"
                " AND next_at IS NULL AND NOT EXISTS (SELECT 1 FROM announcements n"
                " WHERE n.alert_id = alerts.id AND n.status = 'pending')",
                -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(
                    stmt, 1, now + (int64_t)(a->config->alerts_repeat_minutes * 60000.0));
                sqlite3_step(stmt);
        }
        sqlite3_finalize(stmt);
}

/* Queues the next airing of each active alert whose time has come. */
static void air_repeats(struct alerts *a)
{
        sqlite3_stmt *due = NULL, *insert = NULL, *update = NULL;
        int64_t now = time_now_ms();
        bool aired = false;
        schedule_repeats(a, now);
        if (sqlite3_prepare_v2(
                a->db,
                "SELECT id, media_id, text FROM alerts WHERE status = 'active'"
                " AND repeats_left > 0 AND next_at <= ?1 AND NOT EXISTS (SELECT 1 FROM"
                " announcements n WHERE n.alert_id = alerts.id AND n.status = 'pending')",
                -1, &due, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(
                a->db,
                "INSERT INTO announcements (media_id, text, mode, created_at,"
                " alert_id) VALUES (?1, ?2, 'now', ?3, ?4)",
                -1, &insert, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(a->db,
                               "UPDATE alerts SET repeats_left = repeats_left - 1,"
                               " next_at = NULL WHERE id = ?1 AND status = 'active'",
                               -1, &update, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(due, 1, now);
        while (sqlite3_step(due) == SQLITE_ROW) {
                int64_t id = sqlite3_column_int64(due, 0);
                if (exec_simple(a->db, "BEGIN IMMEDIATE") < 0)
                        break;
                sqlite3_bind_int64(insert, 1, sqlite3_column_int64(due, 1));
                sqlite3_bind_text(insert, 2, (const char *)sqlite3_column_text(due, 2),
                                  -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(insert, 3, now / 1000);
                sqlite3_bind_int64(insert, 4, id);
                sqlite3_bind_int64(update, 1, id);
                bool ok = sqlite3_step(insert) == SQLITE_DONE &&
                          sqlite3_step(update) == SQLITE_DONE &&
                          exec_simple(a->db, "COMMIT") == 0;
                sqlite3_reset(insert);
                sqlite3_reset(update);
                if (!ok) {
                        log_error("alert %lld: repeat not queued: %s", (long long)id,
                                  sqlite3_errmsg(a->db));
                        sched_db_rollback(a->db);
                        break;
                }
                log_info("alert %lld airs again", (long long)id);
                aired = true;
        }
        if (aired && a->playout)
                playout_interrupt(a->playout);
        /* An alert is over once its last airing has aired. */
        exec_simple(a->db,
                    "UPDATE alerts SET status = 'done' WHERE status = 'active'"
                    " AND repeats_left = 0 AND NOT EXISTS (SELECT 1 FROM announcements n"
                    " WHERE n.alert_id = alerts.id AND n.status = 'pending')");
out:
        sqlite3_finalize(due);
        sqlite3_finalize(insert);
        sqlite3_finalize(update);
}

/* ---- the feed
 * ---------------------------------------------------------------------------- */

struct download {
        char *data;
        size_t len;
        bool too_large;
};

static size_t collect(char *ptr, size_t size, size_t count, void *user)
{
        struct download *d = user;
        size_t n = size * count;
        if (d->len + n > ALERTS_FEED_MAX_BYTES) {
                d->too_large = true;
                return 0; /* aborts the transfer */
        }
        d->data = xrealloc(d->data, d->len + n + 1);
        memcpy(d->data + d->len, ptr, n);
        d->len += n;
        d->data[d->len] = '\0';
        return n;
}

/* GETs the feed into d.  Returns 0, or -1 with a reason. */
static int fetch_feed(struct alerts *a, struct download *d, char *err, size_t err_size)
{
        int rc = -1;
        long total = (long)(a->config->alerts_poll * 1000);
        if (total > TOTAL_TIMEOUT_MS)
                total = TOTAL_TIMEOUT_MS;
        if (total < 1000)
                total = 1000;
        CURL *curl = curl_easy_init();
        if (!curl) {
                snprintf(err, err_size, "cannot start a transfer");
                goto out;
        }
        curl_easy_setopt(curl, CURLOPT_URL, a->config->alerts_feed);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                         total < CONNECT_TIMEOUT_MS ? total : (long)CONNECT_TIMEOUT_MS);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "siaran/" SIARAN_VERSION);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, d);
        CURLcode res = curl_easy_perform(curl);
        if (res != CURLE_OK) {
                if (d->too_large)
                        snprintf(err, err_size, "the document is larger than %d bytes",
                                 ALERTS_FEED_MAX_BYTES);
                else
                        snprintf(err, err_size, "%s", curl_easy_strerror(res));
                goto out;
        }
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) {
                snprintf(err, err_size, "HTTP status %ld", status);
                goto out;
        }
        rc = 0;
out:
        curl_easy_cleanup(curl);
        return rc;
}

static void set_feed_state(struct alerts *a, bool ok, bool counted_error)
{
        pthread_mutex_lock(&a->lock);
        a->stats.polls++;
        a->stats.feed_ok = ok;
        if (counted_error)
                a->stats.feed_errors++;
        pthread_mutex_unlock(&a->lock);
}

static void handle_event(struct alerts *a, const struct alerts_event *e)
{
        char err[256];
        if (strcmp(e->key, a->last_key) == 0)
                return;
        snprintf(a->last_key, sizeof a->last_key, "%s", e->key);
        if (event_stored(a->db, e->key)) {
                log_debug("event %s aired before", e->key);
                return;
        }
        const struct config *c = a->config;
        struct alerts_rules rules = {.station_latitude = c->station_latitude,
                                     .station_longitude = c->station_longitude,
                                     .min_magnitude = c->alerts_min_magnitude,
                                     .max_distance_km = c->alerts_max_distance_km};
        double distance;
        bool match = alerts_event_matches(e, &rules, &distance);
        int64_t now = time_now_ms();
        if (e->at_ms > now + MAX_AHEAD_MS) {
                log_warn("event %s is dated in the future: not aired", e->key);
                return;
        }
        if (e->at_ms < now - MAX_AGE_MS) {
                log_info("event %s (M%.1f) is %lld minutes old: not aired", e->key,
                         e->magnitude, (long long)((now - e->at_ms) / 60000));
                return;
        }
        if (!match) {
                log_info("event %s M%.1f, %.0f km, \"%s\": below the rules, not aired",
                         e->key, e->magnitude, distance, e->potential);
                return;
        }
        double bearing = NAN;
        if (isfinite(distance))
                bearing = alerts_bearing_deg(c->station_latitude, c->station_longitude,
                                             e->latitude, e->longitude);
        char *text = alerts_bulletin_text(e, distance, bearing, c->station_name);
        char *headline = alerts_headline(e, distance, bearing);
        struct raise_request q = {.event = e,
                                  .distance_km = distance,
                                  .bearing_deg = bearing,
                                  .headline = headline,
                                  .text = text,
                                  .user = "feed",
                                  .repeats = c->alerts_repeat - 1};
        int64_t id = 0;
        int rc = raise_alert(a, a->db, &q, &id, err, sizeof err);
        if (rc < 0) {
                /* try again at the next poll: a bulletin must not be lost */
                log_error("event %s: bulletin not aired: %s", e->key, err);
                a->last_key[0] = '\0';
        }
        free(text);
        free(headline);
}

static void poll_feed(struct alerts *a)
{
        char err[256];
        struct download d = {0};
        struct alerts_event event;
        int64_t now = time_now_ms();
        if (fetch_feed(a, &d, err, sizeof err) < 0) {
                if (!a->in_outage) {
                        log_warn("feed %s: %s (one line per outage; retrying every %g s)",
                                 a->config->alerts_feed, err, a->config->alerts_poll);
                        a->in_outage = true;
                        a->outage_since_ms = now;
                }
                set_feed_state(a, false, true);
                goto out;
        }
        if (a->in_outage) {
                log_info("feed %s answers again after %lld s", a->config->alerts_feed,
                         (long long)((now - a->outage_since_ms) / 1000));
                a->in_outage = false;
        }
        if (alerts_parse_feed(d.data ? d.data : "", d.len, &event, err, sizeof err) < 0) {
                uint64_t h = hash_bytes(d.data ? d.data : "", d.len);
                if (h != a->last_bad_document)
                        log_warn("feed document rejected: %s", err);
                a->last_bad_document = h;
                set_feed_state(a, false, true);
                goto out;
        }
        a->last_bad_document = 0;
        set_feed_state(a, true, false);
        handle_event(a, &event);
out:
        free(d.data);
}

/* ---- the thread ----------------------------------------------------------------------
 */

static void *alerts_thread(void *arg)
{
        struct alerts *a = arg;
        bool polling = a->config->alerts_feed && *a->config->alerts_feed;
        int64_t next_poll = time_monotonic_ns();
        pthread_mutex_lock(&a->lock);
        while (!a->stopping) {
                pthread_mutex_unlock(&a->lock);
                int64_t now = time_monotonic_ns();
                if (polling && now >= next_poll) {
                        next_poll = now + (int64_t)(a->config->alerts_poll * 1e9);
                        poll_feed(a);
                }
                air_repeats(a);
                refresh_active(a, a->db);
                pthread_mutex_lock(&a->lock);
                if (a->stopping)
                        break;
                int64_t wait_ns = TICK_MS * 1000000LL;
                if (polling && next_poll - time_monotonic_ns() < wait_ns)
                        wait_ns = next_poll - time_monotonic_ns();
                if (wait_ns > 0) {
                        struct timespec deadline;
                        clock_gettime(CLOCK_MONOTONIC, &deadline);
                        int64_t ns = deadline.tv_nsec + wait_ns;
                        deadline.tv_sec += ns / 1000000000LL;
                        deadline.tv_nsec = ns % 1000000000LL;
                        pthread_cond_timedwait(&a->wake, &a->lock, &deadline);
                }
        }
        pthread_mutex_unlock(&a->lock);
        return NULL;
}

/* Before any thread uses libcurl (not thread-safe in older releases). */
static void init_curl(void)
{
        curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct alerts *alerts_new(const struct config *config, struct playout *playout, char *err,
                          size_t err_size)
{
        static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
        pthread_once(&curl_once, init_curl);
        struct alerts *a = xcalloc(1, sizeof *a);
        a->config = config;
        a->playout = playout;
        pthread_mutex_init(&a->lock, NULL);
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&a->wake, &attr);
        pthread_condattr_destroy(&attr);
        a->db = sched_db_open(config->database, err, err_size);
        if (!a->db)
                goto fail;
        if (config->alerts_feed && *config->alerts_feed &&
            !(isfinite(config->station_latitude) && isfinite(config->station_longitude)))
                log_warn("[station] latitude and longitude are not set: only events with "
                         "a tsunami potential will air");
        refresh_active(a, a->db);
        if (pthread_create(&a->thread, NULL, alerts_thread, a) != 0) {
                snprintf(err, err_size, "cannot start the alerts thread");
                goto fail;
        }
        a->thread_started = true;
        if (config->alerts_feed && *config->alerts_feed)
                log_info("polling %s every %g s", config->alerts_feed,
                         config->alerts_poll);
        return a;
fail:
        alerts_free(a);
        return NULL;
}

void alerts_free(struct alerts *a)
{
        if (!a)
                return;
        if (a->thread_started) {
                pthread_mutex_lock(&a->lock);
                a->stopping = true;
                pthread_cond_signal(&a->wake);
                pthread_mutex_unlock(&a->lock);
                pthread_join(a->thread, NULL);
        }
        sqlite3_close_v2(a->db);
        pthread_cond_destroy(&a->wake);
        pthread_mutex_destroy(&a->lock);
        free(a);
}

void alerts_get_active(struct alerts *a, struct alerts_active *out)
{
        pthread_mutex_lock(&a->lock);
        *out = a->active;
        pthread_mutex_unlock(&a->lock);
}

void alerts_get_stats(struct alerts *a, struct alerts_stats *out)
{
        pthread_mutex_lock(&a->lock);
        *out = a->stats;
        pthread_mutex_unlock(&a->lock);
}
