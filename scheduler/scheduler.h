/*
 * scheduler: the SQLite schema and migrations, the media library's rows,
 * shows and their recurrence, rotations, PSA campaigns, the complaint queue,
 * the rundown (what will air, deterministic from the database) and the as-run
 * log (what did air).  It is the engine's playout_source.  This is the
 * module's one public header.
 *
 * Threads: a struct scheduler belongs to the engine thread (plus the CLI);
 * the station's has a loader and a writer thread of its own (see
 * scheduler_new_station).  Other threads (the web server) open their own
 * connection with sched_db_open and use the sched_* functions that take a
 * sqlite3 *.
 */
#ifndef SIARAN_SCHEDULER_H
#define SIARAN_SCHEDULER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "common/common.h"
#include "media/media.h"
#include "playout/playout.h"

/* ---- database ---------------------------------------------------------------- */

/* Opens (creating if needed) the database at path: WAL, foreign keys on,
 * busy timeout, schema migrated forward to the current PRAGMA user_version.
 * Returns NULL with a reason in err. Close with sqlite3_close_v2. */
sqlite3 *sched_db_open(const char *path, char *err, size_t err_size);

/* The first failure SQLite logged on this thread since
 * sched_db_failure_clear(), as an extended result code (0 when none).  Unlike
 * sqlite3_errcode it survives later successful calls (a finalize, a reset), so
 * a handler that failed deep in a multi-statement write can still tell a full
 * disk from a broken constraint.  SQLite logs a statement that aborts (a full
 * disk in mid-write, a constraint); a failed COMMIT or SQLITE_BUSY is not
 * logged, but stays in sqlite3_errcode until the next call. */
int sched_db_first_failure(void);
void sched_db_failure_clear(void);

/* Rolls back the open transaction, if any: after a failed COMMIT, or a full
 * disk in mid-statement, SQLite has already rolled it back itself, and a
 * second ROLLBACK would only be an error of its own. */
void sched_db_rollback(sqlite3 *db);

/* The schema version this build migrates to. */
int sched_schema_version(void);

/* ---- the media library (scheduler/library.c) ------------------------------- */

struct sched_media {
        int64_t id;
        char *path; /* in the media store */
        char *title;
        char *artist;
        enum item_kind kind;
        double duration;                 /* seconds */
        double loudness;                 /* LUFS */
        double true_peak;                /* dBTP */
        int64_t frames, cue_in, cue_out; /* at rate */
        int rate;
        bool quiet;
};

void sched_media_clear(struct sched_media *media);

/* Imports the audio file at src: analyses it at the station rate
 * (media_analyze), copies it into config->media_dir under a content-derived
 * name (media_store_add) and inserts its row in one transaction, or finds the
 * existing row with the same content (then *existed is true; may be NULL;
 * the row's kind may differ from kind, and it is left as it is unless it is of
 * kind, not a complaint, and gets new categories).
 * original_name is kept for display only (may be NULL).  categories is a
 * comma-separated list (may be NULL).  Fills out (may be NULL).  Returns 0;
 * -1 when src is not usable audio (or shorter than 50 ms), or -2 when storing it failed
 * (disk full, database), each with a one-line reason in err; on error nothing is stored.
 */
int sched_media_import(sqlite3 *db, const struct config *config, const char *src,
                       enum item_kind kind, const char *original_name,
                       const char *categories, bool *existed, struct sched_media *out,
                       char *err, size_t err_size);

/* sched_media_import in two halves, so a caller can add the row inside a
 * transaction of its own (a complaint and its recordings: all or nothing)
 * without holding the write lock while the audio is decoded.
 * sched_media_prepare analyses src and copies it into the media store (no
 * database): 0, or -1 (not usable audio) / -2 (storing failed) with a reason.
 * sched_media_insert records it as sched_media_import does, inside the
 * caller's open transaction if there is one (then the caller commits or rolls
 * back), else in its own: 0, -1 or -2.  sched_media_file_clear, after the
 * commit or rollback, removes the stored copy if no row refers to it. */
struct sched_media_file {
        struct media_info info;
        char *src, *stored;
        char sha256[65];
};
int sched_media_prepare(const struct config *config, const char *src,
                        struct sched_media_file *file, char *err, size_t err_size);
int sched_media_insert(sqlite3 *db, struct sched_media_file *file, enum item_kind kind,
                       const char *original_name, const char *categories, bool *existed,
                       struct sched_media *out, char *err, size_t err_size);
void sched_media_file_clear(sqlite3 *db, struct sched_media_file *file);

/* Imports src as sched_media_import does, with its own connection to
 * config's database, and gives the row title.  For a recording made while
 * the station runs (any thread).  Returns the row's id, or -1 with a
 * one-line reason in err. */
int64_t sched_media_import_titled(const struct config *config, const char *src,
                                  enum item_kind kind, const char *title, char *err,
                                  size_t err_size);

/* Reads one media row by id.  Returns 0, or -1 if there is none. */
int sched_media_get(sqlite3 *db, int64_t id, struct sched_media *out);

/* ---- as-run (scheduler/asrun.c) ------------------------------------------ */

/* Appends one as-run row (in its own transaction). Returns 0 or -1. */
int sched_asrun_record(sqlite3 *db, const struct playout_asrun *record);

/* Writes the as-run rows with started_at in [from_ms, to_ms) to out, as CSV
 * (header: scheduled,start,end,duration,title,artist,kind,source,reason) or as
 * aligned text lines.  Times in the station zone.  Returns rows or -1. */
int sched_asrun_export(sqlite3 *db, int64_t from_ms, int64_t to_ms, bool csv, FILE *out);
/* The same, only rows of kind (all kinds when NULL); without sources the
 * source column (the stored file's path on the server) is left empty. */
int sched_asrun_export_sources(sqlite3 *db, int64_t from_ms, int64_t to_ms,
                               const char *kind, bool csv, bool sources, FILE *out);

/* Writes one as-run CSV line for a record (render's --asrun file); writes the
 * header first when header is true. */
void sched_asrun_write_csv(FILE *out, const struct playout_asrun *record, bool header);

/* How often each item of campaign campaign_id aired in [from_ms, to_ms) and
 * when, from the as-run rows of kind psa whose media is one of the campaign's
 * items.  Writes CSV (campaign,position,media_id,title,plays,start,end,
 * duration,reason: one line per airing, or one line with plays 0 and empty
 * times for an item that did not air) or aligned text.  Returns the total
 * plays, or -1 (no such campaign, or a database error). */
int sched_campaign_report(sqlite3 *db, int64_t campaign_id, int64_t from_ms,
                          int64_t to_ms, bool csv, FILE *out);

/* ---- the complaint workflow (scheduler/complaints.c) ------------------------------ */

enum sched_complaint_step {
        SCHED_COMPLAINT_VERIFY,   /* received -> verified */
        SCHED_COMPLAINT_REJECT,   /* received, verified, queued -> rejected */
        SCHED_COMPLAINT_QUEUE,    /* verified -> queued, last in the queue */
        SCHED_COMPLAINT_AIR_NEXT, /* verified, queued -> queued, right after the item on
                                     air */
        SCHED_COMPLAINT_FORWARD,  /* verified, aired -> forwarded, with a LAPOR! tracking
                                     id */
        SCHED_COMPLAINT_CLOSE,    /* aired, forwarded, answered -> closed */
};

/* Why sched_complaint_step refused a step (the web answers 409 to each). */
enum {
        SCHED_COMPLAINT_WRONG_STATUS = -3, /* not allowed from its status */
        SCHED_COMPLAINT_CONFIDENTIAL = -4, /* an airing step for a confidential one */
        SCHED_COMPLAINT_NO_CONSENT = -5,   /* an airing step without the caller's
                                              consent */
};

/* Takes one step of complaint id's workflow in one transaction, with its
 * complaint_events row (by user_id; 0: none): queue and air-next only for a
 * complaint whose caller consented and that is not confidential.
 * tracking_id is for forward (may be NULL otherwise).  Returns 0; -2 when
 * there is no such complaint; a SCHED_COMPLAINT_ refusal above (err says
 * why); -1 on a database error (err has SQLite's message); nothing changes
 * unless 0. */
int sched_complaint_step(sqlite3 *db, int64_t id, enum sched_complaint_step step,
                         int64_t user_id, const char *tracking_id, char *err,
                         size_t err_size);

/* A change to a complaint's details, as the staff type it: a NULL text or a
 * flag of -1 leaves that field as it is; "" clears incident_date,
 * caller_name and caller_phone (the others are stored as ""); title is
 * never "".  The texts are borrowed and already checked by the caller. */
struct sched_complaint_edit {
        const char *title, *summary, *category, *location, *incident_date, *caller_name,
            *caller_phone;
        int anonymous, confidential, consent; /* 1, 0, or -1: unchanged */
};

/* The words of a complaint's spoken intro ("Suara Warga dari <location>,
 * tentang <title>."); the caller frees it. */
char *sched_complaint_intro_text(const char *title, const char *location);

/* Edits complaint id while it can still air (received, verified, queued), in
 * one transaction with a complaint_events row (status to itself, the note
 * "edit: " and the changed fields; user_id 0: none).  When the title or
 * location change (or an intro is missing), the spoken intro is spoken again
 * first (text-to-speech, into config's media store, before the write lock)
 * so what airs says the new title; when that fails, or the complaint becomes
 * confidential, it has no intro (the old one is retired, never aired under
 * a stale title).  Nothing changed is not an error (no event row).  Returns
 * 0; -2 when there is no such complaint; -3 when it can no longer be edited,
 * or its title changed meanwhile (err says why: the web answers 409); -1 on
 * a database error (err has SQLite's message); nothing changes unless 0. */
int sched_complaint_edit(sqlite3 *db, const struct config *config, int64_t id,
                         const struct sched_complaint_edit *edit, int64_t user_id,
                         char *err, size_t err_size);

/* Appends a complaint_events row (from may be NULL; user_id 0: none), inside
 * the caller's transaction.  0 or -1. */
int sched_complaint_event(sqlite3 *db, int64_t complaint_id, const char *from,
                          const char *to, int64_t user_id, const char *note);

/* ---- announcements and inserts (scheduler/announcements.c) ---------------- */

/* Speaks text (Indonesian voice) into a new temp WAV.  Returns its path (the
 * caller unlinks and frees it) or NULL with a reason in err. */
char *sched_speak(const char *text, char *err, size_t err_size);

/* Titles a library row (and clears its artist), inside the caller's
 * transaction if one is open.  0 or -1. */
int sched_media_set_title(sqlite3 *db, int64_t media_id, const char *title);

struct sched_announcement_new {
        const char *text;  /* spoken when audio is NULL; else may be NULL */
        const char *audio; /* a recording to air, or NULL */
        const char *mode;  /* "now", "next" or "at" (checked by the caller) */
        int64_t air_at_ms; /* for "at"; 0 otherwise */
        int64_t user_id;   /* who made it; 0: none */
};

struct sched_announcement_created {
        int64_t id, media_id;
        double duration; /* seconds */
};

enum {
        SCHED_ANNOUNCEMENT_TTS_FAILED = -4,
        SCHED_ANNOUNCEMENT_DB_ERROR = -5,
};

/* Creates an announcement: the text spoken (or the recording decoded) and
 * stored in the media store without the write lock, then its library row
 * (kind announcement, titled "Pengumuman: <first words>" unless the same
 * announcement was stored before) and its announcement row in one
 * transaction.  Returns 0; -1 when the recording is not usable audio; -2 when
 * storing failed (also for spoken text that fails to import); -3 when the
 * recording is already another kind of library item; -4 when text-to-speech
 * failed; -5 on a database error; each with a reason in err.  On failure
 * nothing is left: no row, no stored file without a row. */
int sched_announcement_create(sqlite3 *db, const struct config *config,
                              const struct sched_announcement_new *in,
                              struct sched_announcement_created *out, char *err,
                              size_t err_size);

/* Queues library item media_id as an insert (mode "now" or "next") by
 * user_id.  Returns 0 with its id; -2 when there is no such item (or it is
 * deleted); -3 when it is a complaint's recording (those air only from the
 * complaint queue); -1 on a database error. */
int sched_insert_create(sqlite3 *db, int64_t media_id, const char *mode, int64_t user_id,
                        int64_t *id);

/* Moves queued insert id (pending, mode "next", not an alert's bulletin) in
 * the order the queued inserts air: before queued insert before_id when it
 * is > 0, else to position (0 is first; < 0 or past the end: last).  The
 * new order is stored for every queued insert, in one transaction.  Returns
 * 0 with the new position (0-based) in *new_position (may be NULL); -2 when
 * id is no pending insert; -3 when it is pending but not queued (for now,
 * for a time, an alert's); -4 when before_id is not another queued insert;
 * -1 on a database error. */
int sched_insert_move(sqlite3 *db, int64_t id, int64_t before_id, int64_t position,
                      int64_t *new_position);

/* Cancels pending announcement or insert id (not an alert's bulletin).
 * Returns 0; -2 when there is no such pending one; -1 on a database error. */
int sched_announcement_cancel(sqlite3 *db, int64_t id);

/* One row of the list; the strings are borrowed for the call and may be
 * NULL (the column is NULL). */
struct sched_announcement {
        int64_t id, media_id;
        const char *text, *mode, *status, *created_by, *title;
        bool has_air_at, has_created_at;
        int64_t air_at_ms, created_at_ms;
        double duration;
};

/* Calls each for the newest limit announcements and inserts, newest first.
 * Returns the count or -1. */
int sched_announcement_list(sqlite3 *db, int limit,
                            void (*each)(void *user, const struct sched_announcement *a),
                            void *user);

/* ---- a show's airings (scheduler/grid.c) ------------------------------------ */

struct sched_airing {
        int date_key;             /* the local date it starts on, as YYYYMMDD */
        int64_t start_ms, end_ms; /* UTC ms, the real start and end */
};

/* The airings of show show_id on the days local days from the one holding
 * from_ms (its weekly slots within valid_from..valid_to and its one-off
 * dates), computed by the planner's own grid code, so a start in the
 * spring-forward gap and a duration in real time on a clock-change day come
 * out as they air (docs/scheduling.md).  They are the show's own: a one-off
 * of another show may still take the air.  Fills at most max of out (one a
 * day is the most).  Reads only the show's rows, not the library.  Returns
 * the count, or -1 with a reason in err (no such show, a database error). */
int sched_show_airings(sqlite3 *db, int64_t show_id, int64_t from_ms, int days,
                       struct sched_airing *out, size_t max, char *err, size_t err_size);

/* ---- the engine's source ------------------------------------------------------- */

struct scheduler;

/* Opens the database and the fallback playlist named by config (measuring
 * the loudness of fallback files not measured before) and reads the library,
 * the grid and the live queue.  Everything after happens on the caller's
 * thread: for render, rundown and tests.  NULL with a reason in err. */
struct scheduler *scheduler_new(const struct config *config, char *err, size_t err_size);

/* The same for the running station: two threads of its own, with their own
 * connections, keep the engine thread away from SQLite.  The loader re-reads
 * the library and grid or the live queue when a write changed them (version
 * counters bumped by triggers), measures new fallback files and re-reads the
 * playlist on reload; the engine swaps the result in at its next pick.  The
 * writer writes as-run rows and complaint and announcement status in order,
 * holding them while the database is locked or full.  NULL with a reason. */
struct scheduler *scheduler_new_station(const struct config *config, char *err,
                                        size_t err_size);

/* Any thread but the engine's (a web handler, the signal thread): waits, at
 * most 2 s, until what was committed before the call is ready for the
 * engine's next pick.  Call it before playout_schedule_changed, playout_skip
 * or playout_interrupt (playout_set_command_hook does that).  Returns at once
 * for a scheduler from scheduler_new. */
void scheduler_sync(struct scheduler *scheduler);

/* Fills source with the scheduler's callbacks.  When record_asrun is false
 * (render) nothing is written to the as-run table. */
void scheduler_get_source(struct scheduler *scheduler, bool record_asrun,
                          struct playout_source *source);

/* The planned timeline of [from_ms, to_ms), computed with the same code the
 * engine uses (a simulation with durations from the library, no audio).
 * Calls emit for each item with its planned start; the first item may start
 * before from_ms (the one airing then).  The item is borrowed for the call.
 * The rules are in docs/scheduling.md.  Opens its own database connection, so
 * any thread may call it.  Returns 0 or -1 with a reason in err. */
int scheduler_plan(const struct config *config, int64_t from_ms, int64_t to_ms,
                   void (*emit)(void *user, int64_t start_ms,
                                const struct playout_item *item),
                   void *user, char *err, size_t err_size);

/* The item airing at from_ms and the count items after it, as scheduler_plan
 * plans them (for "next" lists: the web's now-playing).  Any thread.  It
 * replays the day, a few to tens of milliseconds: a busy server should cache
 * the answer for some seconds.  Returns the number of items emitted, or -1
 * with a reason in err. */
int scheduler_plan_upcoming(const struct config *config, int64_t from_ms, size_t count,
                            void (*emit)(void *user, int64_t start_ms,
                                         const struct playout_item *item),
                            void *user, char *err, size_t err_size);

/* The station's one timeline of [from_ms, to_ms) as of now_ms (the clock;
 * time_now_ms() but in tests): the as-run rows that started from from_ms up
 * to the item on air at now_ms, then that item at its real start and the plan
 * continued from the engine's real state (the item it pre-opened, the rotation
 * history, playlist positions and aired PSA slots and announcements as they
 * are, the live queue as it is now).  That state is station's latest picks
 * when station (this process's running scheduler) is not NULL and has picked,
 * else the checkpoint the station saved in the database; with neither (never
 * on air) or one older than a day and a half the day is replayed, as a
 * restart would.  A window starting after now_ms is planned as
 * scheduler_plan does (deterministic).  Emits at most limit items (0: all),
 * each borrowed for the call.  Any thread; opens its own database
 * connection; never touches the engine's live state.  Returns the number of
 * items emitted, or -1 with a reason in err.  Rules: docs/scheduling.md. */
int scheduler_timeline(const struct config *config, struct scheduler *station,
                       int64_t from_ms, int64_t to_ms, int64_t now_ms, size_t limit,
                       void (*emit)(void *user, int64_t start_ms,
                                    const struct playout_item *item),
                       void *user, char *err, size_t err_size);

/* Any thread: a counter that changes whenever the engine took or cancelled an
 * item (a new pick, a skip, a schedule change): when it moved, a cached
 * timeline is out of date.  0 for NULL. */
uint64_t scheduler_timeline_version(struct scheduler *scheduler);

/* Thread-safe (SIGHUP): the fallback playlist at fallback_playlist (the
 * reloaded config's path, copied; NULL or "": none) and the schedule are
 * read again before the engine picks its next item. */
void scheduler_request_reload(struct scheduler *scheduler, const char *fallback_playlist);

/* The station's relay input (not owned; set before the engine runs): shows
 * whose content is "relay" air it while it is ready and their filler
 * otherwise; the scheduler tells it which url to connect to and when to stop. */
struct input_relay;
void scheduler_set_relay(struct scheduler *scheduler, struct input_relay *relay);
/* Thread-safe: a relay show is on at now_ms (its stream, once ready, should
 * replace the filler airing). */
bool scheduler_relay_due(struct scheduler *scheduler, int64_t now_ms);

/* The station's live input (not owned; set before the engine runs): while a
 * presenter's stream is buffered it airs, after urgent announcements and
 * due hard events (PSA slots), ahead of everything else. */
struct input_live;
void scheduler_set_live(struct scheduler *scheduler, struct input_live *live);
/* Thread-safe: a show whose content is "live" is on at now_ms (staff may
 * take the air). */
bool scheduler_live_show_due(struct scheduler *scheduler, int64_t now_ms);

void scheduler_free(struct scheduler *scheduler);

#endif
