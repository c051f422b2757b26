/* Private to scheduler/: the two helpers that keep the engine thread away from
 * SQLite.
 *
 * The writer takes what the engine reports (as-run rows, a complaint or an
 * announcement that aired) and writes it in order from its own thread and
 * connection, holding it while the database refuses it (a lock held by another
 * process, a full disk).  The loader reads what the engine will need (the
 * catalogue and the grid when the library or the schedule changed, the live
 * queue when complaints or announcements changed, a fallback playlist to
 * re-read or measure) on its own thread and connection, and hands it over as a
 * snapshot the engine takes at its next pick.  Both also run inline, on the
 * caller's thread, for render, rundown and the unit tests: the same code
 * without the thread, so a render stays deterministic. */
#ifndef SIARAN_SCHEDULER_BACKGROUND_H
#define SIARAN_SCHEDULER_BACKGROUND_H

#include "scheduler/plan.h"

/* ---- the writer (writer.c) ------------------------------------------------------ */

struct db_writer;

/* threaded: a thread with its own connection to database; otherwise every
 * write is tried at once on db (borrowed).  NULL with a reason in err. */
struct db_writer *db_writer_new(const char *database, sqlite3 *db, bool threaded,
                                char *err, size_t err_size);

/* Queue one write (engine thread; never waits on the database).  Each returns
 * the write's sequence number, counting from 1. */
uint64_t db_writer_add_asrun(struct db_writer *writer,
                             const struct playout_asrun *record);
uint64_t db_writer_add_complaint_aired(struct db_writer *writer, int64_t id,
                                       int64_t at_ms);
uint64_t db_writer_add_complaint_answer_aired(struct db_writer *writer, int64_t id,
                                              int64_t at_ms);
uint64_t db_writer_add_announcement_aired(struct db_writer *writer, int64_t id);
/* The planner's checkpoint (anchor_encode's bytes, owned from here on). */
uint64_t db_writer_add_checkpoint(struct db_writer *writer, void *data, size_t size);

/* Any thread: every write with a sequence number up to this one is done
 * (committed, or given up because its row no longer applies). */
uint64_t db_writer_done(struct db_writer *writer);

/* Tries once more to write what waits, reports what is lost, stops the
 * thread and frees.  NULL is a no-op. */
void db_writer_free(struct db_writer *writer);

/* ---- the loader (loader.c) ------------------------------------------------------- */

/* What the loader read.  A NULL cat (then grid is NULL too), a NULL fb or a
 * false has_live means "unchanged". */
struct snapshot {
        struct catalog *cat;
        struct grid *grid;
        struct fallback *fb;
        struct live_queue live;
        bool has_live;
        uint64_t writes_done; /* the writer's db_writer_done before the reads */
};

void snapshot_clear(struct snapshot *snap);

struct sched_loader;

/* Starts from the versions of what the caller has loaded already.  threaded:
 * a thread with its own connection that looks for changes every few hundred
 * milliseconds; otherwise sched_loader_poll does the reads on db (borrowed).
 * measure_fallback: the caller's fallback was read from the loudness cache
 * only, the loader reads it again measuring what is missing.  writer may be
 * NULL.  NULL with a reason in err. */
struct sched_loader *sched_loader_new(const struct config *config, sqlite3 *db,
                                      bool threaded, struct db_writer *writer,
                                      int64_t schedule_version, int64_t queue_version,
                                      bool measure_fallback, char *err, size_t err_size);

/* The schedule and queue versions (bumped by triggers on every write to the
 * library, the grid, complaints and announcements); -1 when unreadable. */
int sched_versions_read(sqlite3 *db, int64_t *schedule_version, int64_t *queue_version);

/* Engine thread.  Threaded: takes the snapshot the thread has prepared, if
 * any, without waiting on the database.  Inline: reads what changed now.
 * Returns true when snap holds something new. */
bool sched_loader_poll(struct sched_loader *loader, struct snapshot *snap);

/* Engine thread: what a snapshot replaced, to be freed off the engine thread
 * (inline: at once). */
void sched_loader_retire(struct sched_loader *loader, struct snapshot *old);

/* Any thread but the engine's: read the fallback playlist at path (copied)
 * again at the next load. */
void sched_loader_reload_fallback(struct sched_loader *loader, const char *path);

/* Any thread but the engine's: waits (at most timeout_ms) until a load that
 * began after this call is ready for the engine, so the engine's next pick
 * sees every change committed before it.  No-op inline. */
void sched_loader_sync(struct sched_loader *loader, int timeout_ms);

void sched_loader_free(struct sched_loader *loader);

#endif
