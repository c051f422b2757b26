/* The writer: what the engine reports goes into a bounded queue and is
 * written in order, in one transaction per batch, from a thread of its own
 * (or inline).  While the database refuses it (another process holds the
 * write lock, the disk is full) the queue holds it and the writer tries again
 * every second, so the as-run log keeps its order and has no hole. */
#define LOG_MODULE "scheduler"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/background.h"

/* Writes held while the database refuses them: about a day of short items. */
#define MAX_PENDING 1024
/* Writes per transaction. */
#define MAX_BATCH 64
#define RETRY_MS 1000

enum write_kind {
        WRITE_ASRUN,
        WRITE_COMPLAINT_AIRED,
        WRITE_COMPLAINT_ANSWER_AIRED,
        WRITE_ANNOUNCEMENT_AIRED,
        WRITE_CHECKPOINT
};

struct write_job {
        enum write_kind kind;
        uint64_t seq;
        struct playout_item item; /* as-run: a copy of the record's item */
        struct playout_asrun record;
        int64_t id, at_ms; /* complaint or announcement */
        void *data;        /* checkpoint: the encoded anchor (owned) */
        size_t size;
};

struct db_writer {
        sqlite3 *db;
        bool own_db;
        struct worker *worker; /* threaded: writer_run; NULL inline */
        pthread_mutex_t lock;
        int64_t retry_ms; /* the worker's: no attempt before (monotonic ms) */
        struct write_job jobs[MAX_PENDING]; /* a ring: head, count (guarded) */
        size_t head, count;
        uint64_t last_seq, done_seq; /* guarded */
        bool refused;                /* the last attempt failed (logged once) */
        int64_t lost;
};

/* ---- the statements ------------------------------------------------------------ */

/* complaint -> 'aired', with its event row; a complaint deleted or moved on
 * meanwhile (aired, forwarded ...) is left alone.  Inside the batch's
 * transaction.  0, or -1 on a database error. */
static int write_complaint_aired(sqlite3 *db, int64_t id, int64_t at_ms)
{
        sqlite3_stmt *get = NULL, *set = NULL, *event = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, "SELECT status FROM complaints WHERE id = ?", -1, &get,
                               NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(get, 1, id);
        int step = sqlite3_step(get);
        if (step == SQLITE_DONE) {
                rc = 0; /* deleted meanwhile */
                goto out;
        }
        if (step != SQLITE_ROW)
                goto out;
        const char *from = (const char *)sqlite3_column_text(get, 0);
        if (!from || (strcmp(from, "queued") && strcmp(from, "verified"))) {
                rc = 0;
                goto out;
        }
        if (sqlite3_prepare_v2(db,
                               "UPDATE complaints SET status = 'aired', air_next = 0,"
                               " queue_position = NULL, updated_at = ? WHERE id = ?",
                               -1, &set, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(set, 1, at_ms / 1000);
        sqlite3_bind_int64(set, 2, id);
        if (sqlite3_step(set) != SQLITE_DONE)
                goto out;
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO complaint_events (complaint_id, from_status, to_status,"
                " user_id, at, note) VALUES (?, ?, 'aired', NULL, ?, 'on air')",
                -1, &event, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(event, 1, id);
        sqlite3_bind_text(event, 2, from, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(event, 3, at_ms / 1000);
        if (sqlite3_step(event) != SQLITE_DONE)
                goto out;
        log_info("complaint %lld aired", (long long)id);
        rc = 0;
out:
        sqlite3_finalize(get);
        sqlite3_finalize(set);
        sqlite3_finalize(event);
        return rc;
}

/* The agency's answer to a complaint aired: noted once, with an event row; an
 * answer replaced or a complaint closed meanwhile is left alone.  Inside the
 * batch's transaction.  0, or -1 on a database error. */
static int write_complaint_answer_aired(sqlite3 *db, int64_t id, int64_t at_ms)
{
        sqlite3_stmt *set = NULL, *event = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db,
                               "UPDATE complaints SET answer_aired_at = ?, updated_at = ?"
                               " WHERE id = ? AND status = 'answered'"
                               " AND answer_aired_at IS NULL",
                               -1, &set, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(set, 1, at_ms / 1000);
        sqlite3_bind_int64(set, 2, at_ms / 1000);
        sqlite3_bind_int64(set, 3, id);
        if (sqlite3_step(set) != SQLITE_DONE)
                goto out;
        if (sqlite3_changes(db) != 1) {
                rc = 0;
                goto out;
        }
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO complaint_events (complaint_id, from_status, to_status,"
                " user_id, at, note) VALUES (?, 'answered', 'answered', NULL, ?,"
                " 'answer on air')",
                -1, &event, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(event, 1, id);
        sqlite3_bind_int64(event, 2, at_ms / 1000);
        if (sqlite3_step(event) != SQLITE_DONE)
                goto out;
        log_info("complaint %lld: answer aired", (long long)id);
        rc = 0;
out:
        sqlite3_finalize(set);
        sqlite3_finalize(event);
        return rc;
}

static int write_announcement_aired(sqlite3 *db, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db,
                               "UPDATE announcements SET status = 'aired'"
                               " WHERE id = ? AND status = 'pending'",
                               -1, &stmt, NULL) == SQLITE_OK &&
            sqlite3_bind_int64(stmt, 1, id) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_DONE)
                rc = 0;
        sqlite3_finalize(stmt);
        return rc;
}

static int write_job(sqlite3 *db, struct write_job *job)
{
        switch (job->kind) {
        case WRITE_ASRUN:
                job->record.item = &job->item;
                return sched_asrun_record(db, &job->record);
        case WRITE_COMPLAINT_AIRED:
                return write_complaint_aired(db, job->id, job->at_ms);
        case WRITE_COMPLAINT_ANSWER_AIRED:
                return write_complaint_answer_aired(db, job->id, job->at_ms);
        case WRITE_ANNOUNCEMENT_AIRED:
                return write_announcement_aired(db, job->id);
        case WRITE_CHECKPOINT:
                return anchor_save(db, job->data, job->size);
        }
        return -1;
}

/* Writes jobs[0 .. n) (a copy the caller owns) in one transaction: all or none. */
static int write_batch(sqlite3 *db, struct write_job *jobs, size_t n)
{
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (write_job(db, &jobs[i]) < 0)
                        goto fail;
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
                return 0;
fail:
        sched_db_rollback(db);
        return -1;
}

/* ---- the queue ---------------------------------------------------------------- */

static struct write_job *job_at(struct db_writer *w, size_t i)
{
        return &w->jobs[(w->head + i) % MAX_PENDING];
}

static void job_clear(struct write_job *job)
{
        playout_item_clear(&job->item);
        free(job->data);
        memset(job, 0, sizeof *job);
}

/* Drops the first n jobs, written. */
static void queue_pop(struct db_writer *w, size_t n)
{
        for (size_t i = 0; i < n; i++)
                job_clear(job_at(w, i));
        w->done_seq = w->jobs[(w->head + n - 1) % MAX_PENDING].seq;
        w->head = (w->head + n) % MAX_PENDING;
        w->count -= n;
}

/* One attempt at the oldest batch; the lock is held on entry and exit but
 * released while the database works.  The batch stays in the ring meanwhile:
 * the engine only appends behind it. */
static int flush_batch(struct db_writer *w)
{
        size_t n = w->count < MAX_BATCH ? w->count : MAX_BATCH;
        struct write_job batch[MAX_BATCH];
        for (size_t i = 0; i < n; i++)
                batch[i] = *job_at(w, i); /* shallow: the ring keeps ownership */
        size_t waiting = w->count;
        pthread_mutex_unlock(&w->lock);
        int rc = write_batch(w->db, batch, n);
        pthread_mutex_lock(&w->lock);
        if (rc < 0) {
                if (!w->refused)
                        log_warn("as-run rows held in memory until the database takes "
                                 "them (%zu waiting): %s",
                                 waiting, sqlite3_errmsg(w->db));
                w->refused = true;
                return -1;
        }
        queue_pop(w, n);
        if (w->refused && w->count == 0) {
                log_info("wrote the as-run rows held back while the database refused "
                         "them");
                w->refused = false;
        }
        return 0;
}

static uint64_t queue_add(struct db_writer *w, struct write_job *job)
{
        pthread_mutex_lock(&w->lock);
        job->seq = ++w->last_seq;
        uint64_t seq = job->seq;
        if (w->count == MAX_PENDING) {
                /* The oldest may be in a batch being written: the new one goes. */
                w->lost++;
                log_error("a write for '%s' is lost: %d writes already wait for the "
                          "database",
                          job->item.title ? job->item.title : "", MAX_PENDING);
                job_clear(job);
        } else {
                *job_at(w, w->count++) = *job;
        }
        if (!w->worker)
                while (w->count > 0 && flush_batch(w) == 0)
                        ;
        pthread_mutex_unlock(&w->lock);
        worker_wake(w->worker);
        return seq;
}

uint64_t db_writer_add_asrun(struct db_writer *w, const struct playout_asrun *record)
{
        struct write_job job = {.kind = WRITE_ASRUN, .record = *record};
        playout_item_copy(&job.item, record->item);
        job.record.item = NULL;
        job.record.error = NULL;
        return queue_add(w, &job);
}

uint64_t db_writer_add_complaint_aired(struct db_writer *w, int64_t id, int64_t at_ms)
{
        struct write_job job = {.kind = WRITE_COMPLAINT_AIRED, .id = id, .at_ms = at_ms};
        return queue_add(w, &job);
}

uint64_t db_writer_add_complaint_answer_aired(struct db_writer *w, int64_t id,
                                              int64_t at_ms)
{
        struct write_job job = {
            .kind = WRITE_COMPLAINT_ANSWER_AIRED, .id = id, .at_ms = at_ms};
        return queue_add(w, &job);
}

uint64_t db_writer_add_announcement_aired(struct db_writer *w, int64_t id)
{
        struct write_job job = {.kind = WRITE_ANNOUNCEMENT_AIRED, .id = id};
        return queue_add(w, &job);
}

uint64_t db_writer_add_checkpoint(struct db_writer *w, void *data, size_t size)
{
        struct write_job job = {.kind = WRITE_CHECKPOINT, .data = data, .size = size};
        return queue_add(w, &job);
}

uint64_t db_writer_done(struct db_writer *w)
{
        pthread_mutex_lock(&w->lock);
        uint64_t done = w->done_seq;
        pthread_mutex_unlock(&w->lock);
        return done;
}

/* ---- the thread ---------------------------------------------------------------- */

/* The worker's run: writes what waits, batch after batch, until the queue is
 * empty (then waits for the next write) or the database refuses (then tries
 * again RETRY_MS later: a write queued meanwhile does not hurry the attempt). */
static int writer_run(void *arg)
{
        struct db_writer *w = arg;
        int wait_ms = WORKER_UNTIL_WOKEN;
        pthread_mutex_lock(&w->lock);
        int64_t now_ms = time_monotonic_ns() / 1000000;
        if (w->count > 0 && now_ms < w->retry_ms) {
                wait_ms = (int)(w->retry_ms - now_ms);
        } else {
                while (w->count > 0)
                        if (flush_batch(w) < 0) {
                                w->retry_ms = time_monotonic_ns() / 1000000 + RETRY_MS;
                                wait_ms = RETRY_MS;
                                break;
                        }
        }
        pthread_mutex_unlock(&w->lock);
        return wait_ms;
}

struct db_writer *db_writer_new(const char *database, sqlite3 *db, bool threaded,
                                char *err, size_t err_size)
{
        struct db_writer *w = xcalloc(1, sizeof *w);
        pthread_mutex_init(&w->lock, NULL);
        if (!threaded) {
                w->db = db;
                return w;
        }
        w->db = sched_db_open(database, err, err_size);
        w->own_db = true;
        if (w->db)
                w->worker = worker_new("database writer", 0, writer_run, w);
        if (!w->worker) {
                if (w->db)
                        snprintf(err, err_size, "cannot start the database writer");
                db_writer_free(w);
                return NULL;
        }
        return w;
}

void db_writer_free(struct db_writer *w)
{
        if (!w)
                return;
        worker_free(w->worker); /* a run under way writes what it can first */
        pthread_mutex_lock(&w->lock);
        while (w->count > 0 && w->db && flush_batch(w) == 0) /* the last try */
                ;
        if (w->count > 0 || w->lost > 0)
                log_error("%zu as-run rows and status changes could not be written and "
                          "are lost",
                          w->count + (size_t)w->lost);
        while (w->count > 0) {
                job_clear(job_at(w, 0));
                w->head = (w->head + 1) % MAX_PENDING;
                w->count--;
        }
        pthread_mutex_unlock(&w->lock);
        if (w->own_db)
                sqlite3_close_v2(w->db);
        pthread_mutex_destroy(&w->lock);
        free(w);
}
