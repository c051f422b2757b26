/* The loader: reads what the engine will need from SQLite before it is due,
 * off the engine thread, and only what really changed (version counters that
 * triggers bump on every write to the library, the grid, complaints and
 * announcements; listener counts and logins do not move them).  The engine
 * takes the result at its next pick with a pointer swap and hands back what it
 * replaced, which is freed here too. */
#define LOG_MODULE "scheduler"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scheduler/background.h"

/* How often the thread looks at the version counters. */
#define POLL_MS 250
#define LOADER_NICE 10

struct sched_loader {
        const struct config *config;
        sqlite3 *db;
        bool own_db;
        bool threaded;
        struct db_writer *writer;
        int64_t schedule_version, queue_version; /* of what was loaded last */
        bool measure_fallback;

        struct worker *worker; /* threaded: loader_run every POLL_MS */
        pthread_mutex_t lock;  /* guards everything below */
        pthread_cond_t ready_cond;
        bool stop;           /* sched_loader_free began: a sync waits no more */
        char *fallback_path; /* a reload asked for this playlist */
        bool want_fallback;
        uint64_t syncs_asked, syncs_served;
        struct snapshot ready; /* prepared, not yet taken by the engine */
        bool has_ready;
        struct snapshot *retired; /* handed back by the engine, to free */
        size_t n_retired;
};

void snapshot_clear(struct snapshot *snap)
{
        grid_free(snap->grid);
        catalog_free(snap->cat);
        fallback_free(snap->fb);
        if (snap->has_live)
                live_queue_clear(&snap->live);
        memset(snap, 0, sizeof *snap);
}

int sched_versions_read(sqlite3 *db, int64_t *schedule_version, int64_t *queue_version)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1, step;
        *schedule_version = *queue_version = -1;
        if (sqlite3_prepare_v2(db, "SELECT name, value FROM versions", -1, &stmt, NULL) !=
            SQLITE_OK)
                goto out;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                const char *name = (const char *)sqlite3_column_text(stmt, 0);
                if (name && !strcmp(name, "schedule"))
                        *schedule_version = sqlite3_column_int64(stmt, 1);
                else if (name && !strcmp(name, "queue"))
                        *queue_version = sqlite3_column_int64(stmt, 1);
        }
        rc = step == SQLITE_DONE ? 0 : -1;
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* ---- one load ------------------------------------------------------------------- */

static struct fallback *load_fallback(struct sched_loader *l, const char *path)
{
        char err[256];
        struct config with_path = *l->config; /* only the playlist path differs */
        if (path)
                with_path.fallback_playlist = (char *)path;
        struct fallback *fb = fallback_new(&with_path, l->db, true, err, sizeof err);
        if (!fb)
                log_error("reload: keeping the old fallback playlist: %s", err);
        else
                log_info("fallback playlist read (%zu entries)", fallback_count(fb));
        return fb;
}

static void load_grid(struct sched_loader *l, struct snapshot *snap)
{
        char err[256];
        struct catalog *cat = catalog_load(l->db, l->config->samplerate, err, sizeof err);
        struct grid *grid = cat ? grid_load(l->db, cat, err, sizeof err) : NULL;
        if (!grid) {
                catalog_free(cat);
                log_error("keeping the previous schedule: %s", err);
                return;
        }
        snap->cat = cat;
        snap->grid = grid;
        log_debug("schedule reloaded (%zu media)", cat->n_media);
}

/* Reads what changed since the last load into snap.  Returns true if any. */
static bool load_changes(struct sched_loader *l, bool want_fallback, const char *path,
                         struct snapshot *snap)
{
        memset(snap, 0, sizeof *snap);
        /* Before the reads: a write the writer finished by now is in them. */
        snap->writes_done = l->writer ? db_writer_done(l->writer) : 0;
        int64_t schedule, queue;
        if (sched_versions_read(l->db, &schedule, &queue) < 0)
                return false; /* the database is unreadable now: try again later */
        if (want_fallback || l->measure_fallback) {
                snap->fb = load_fallback(l, want_fallback ? path : NULL);
                l->measure_fallback = false;
        }
        if (schedule != l->schedule_version) {
                load_grid(l, snap);
                if (snap->cat)
                        l->schedule_version = schedule;
        }
        if (queue != l->queue_version || snap->cat) {
                if (live_queue_load(l->db, &snap->live) == 0) {
                        snap->has_live = true;
                        l->queue_version = queue;
                } else {
                        live_queue_clear(&snap->live);
                }
        }
        return snap->cat || snap->fb || snap->has_live;
}

/* A newer piece replaces the one the engine has not taken yet. */
static void merge_into_ready(struct sched_loader *l, struct snapshot *snap)
{
        struct snapshot *r = &l->ready;
        if (!l->has_ready)
                memset(r, 0, sizeof *r);
        if (snap->cat) {
                grid_free(r->grid);
                catalog_free(r->cat);
                r->cat = snap->cat;
                r->grid = snap->grid;
        }
        if (snap->fb) {
                fallback_free(r->fb);
                r->fb = snap->fb;
        }
        if (snap->has_live) {
                if (r->has_live)
                        live_queue_clear(&r->live);
                r->live = snap->live;
                r->has_live = true;
        }
        r->writes_done = snap->writes_done;
        l->has_ready = true;
        memset(snap, 0, sizeof *snap);
}

/* ---- the thread ------------------------------------------------------------------ */

static void free_retired(struct sched_loader *l)
{
        pthread_mutex_lock(&l->lock);
        struct snapshot *retired = l->retired;
        size_t n = l->n_retired;
        l->retired = NULL;
        l->n_retired = 0;
        pthread_mutex_unlock(&l->lock);
        for (size_t i = 0; i < n; i++)
                snapshot_clear(&retired[i]);
        free(retired);
}

/* The worker's run: one load, handed over as the ready snapshot, the next in
 * POLL_MS unless a sync or a fallback reload asks sooner. */
static int loader_run(void *arg)
{
        struct sched_loader *l = arg;
        pthread_mutex_lock(&l->lock);
        uint64_t serving = l->syncs_asked;
        bool want_fallback = l->want_fallback;
        char *path = want_fallback && l->fallback_path ? xstrdup(l->fallback_path) : NULL;
        l->want_fallback = false;
        pthread_mutex_unlock(&l->lock);

        free_retired(l);
        struct snapshot snap;
        bool changed = load_changes(l, want_fallback, path, &snap);
        free(path);

        pthread_mutex_lock(&l->lock);
        if (changed)
                merge_into_ready(l, &snap);
        l->syncs_served = serving;
        pthread_cond_broadcast(&l->ready_cond);
        pthread_mutex_unlock(&l->lock);
        return POLL_MS;
}

/* ---- the interface --------------------------------------------------------------- */

struct sched_loader *sched_loader_new(const struct config *config, sqlite3 *db,
                                      bool threaded, struct db_writer *writer,
                                      int64_t schedule_version, int64_t queue_version,
                                      bool measure_fallback, char *err, size_t err_size)
{
        struct sched_loader *l = xcalloc(1, sizeof *l);
        l->config = config;
        l->writer = writer;
        l->schedule_version = schedule_version;
        l->queue_version = queue_version;
        l->measure_fallback = measure_fallback;
        pthread_mutex_init(&l->lock, NULL);
        monotonic_cond_init(&l->ready_cond);
        if (!threaded) {
                l->db = db;
                return l;
        }
        l->db = sched_db_open(config->database, err, err_size);
        l->own_db = true;
        l->threaded = true;
        /* Background work (decoding a new fallback file to measure it can take
         * seconds of CPU) runs at a lower priority: the engine thread keeps the
         * CPU it needs. */
        if (l->db)
                l->worker = worker_new("schedule loader", LOADER_NICE, loader_run, l);
        if (!l->worker) {
                if (l->db)
                        snprintf(err, err_size, "cannot start the schedule loader");
                l->threaded = false;
                sched_loader_free(l);
                return NULL;
        }
        return l;
}

bool sched_loader_poll(struct sched_loader *l, struct snapshot *snap)
{
        if (!l->threaded) {
                bool want_fallback = l->want_fallback;
                l->want_fallback = false;
                return load_changes(l, want_fallback, l->fallback_path, snap);
        }
        pthread_mutex_lock(&l->lock);
        bool has = l->has_ready;
        if (has)
                *snap = l->ready;
        l->has_ready = false;
        memset(&l->ready, 0, sizeof l->ready);
        pthread_mutex_unlock(&l->lock);
        return has;
}

void sched_loader_retire(struct sched_loader *l, struct snapshot *old)
{
        if (!l->threaded) {
                snapshot_clear(old);
                return;
        }
        pthread_mutex_lock(&l->lock);
        l->retired = xrealloc(l->retired, (l->n_retired + 1) * sizeof *l->retired);
        l->retired[l->n_retired++] = *old;
        pthread_mutex_unlock(&l->lock);
        memset(old, 0, sizeof *old);
}

void sched_loader_reload_fallback(struct sched_loader *l, const char *path)
{
        pthread_mutex_lock(&l->lock);
        free(l->fallback_path);
        l->fallback_path = xstrdup(path ? path : "");
        l->want_fallback = true;
        pthread_mutex_unlock(&l->lock);
        worker_wake(l->worker);
}

void sched_loader_sync(struct sched_loader *l, int timeout_ms)
{
        if (!l->threaded)
                return;
        struct timespec until;
        monotonic_deadline(&until, timeout_ms);
        pthread_mutex_lock(&l->lock);
        uint64_t mine = ++l->syncs_asked;
        worker_wake(l->worker); /* takes no lock of ours: safe under l->lock */
        while (!l->stop && l->syncs_served < mine &&
               pthread_cond_timedwait(&l->ready_cond, &l->lock, &until) != ETIMEDOUT)
                ;
        if (l->syncs_served < mine)
                log_warn("the schedule loader took more than %d ms; the engine picks "
                         "up the change a little later",
                         timeout_ms);
        pthread_mutex_unlock(&l->lock);
}

void sched_loader_free(struct sched_loader *l)
{
        if (!l)
                return;
        if (l->threaded) {
                pthread_mutex_lock(&l->lock);
                l->stop = true;
                pthread_cond_broadcast(&l->ready_cond);
                pthread_mutex_unlock(&l->lock);
                worker_free(l->worker); /* a load under way is finished first */
        }
        free_retired(l);
        if (l->has_ready)
                snapshot_clear(&l->ready);
        if (l->own_db)
                sqlite3_close_v2(l->db);
        free(l->fallback_path);
        pthread_cond_destroy(&l->ready_cond);
        pthread_mutex_destroy(&l->lock);
        free(l);
}
