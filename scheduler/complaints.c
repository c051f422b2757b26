/* The complaint workflow the web and the engine share: the status steps an
 * operator takes (verify, reject, queue, air-next, forward, close) and the
 * event row each leaves, as functions over a connection, so the web's
 * handlers only parse, call and respond, and the unit tests call them
 * directly.  What the engine moves on (aired, an answer on air) is written by
 * its writer thread (writer.c). */
#define LOG_MODULE "complaints"
#include <string.h>

#include "scheduler/scheduler.h"

enum step_flags {
        NEEDS_AIRABLE = 1 << 0, /* consent given, not confidential */
        SET_QUEUE_END = 1 << 1, /* last place in the queue */
        SET_AIR_NEXT = 1 << 2,
        SET_TRACKING = 1 << 3,
        CLEAR_QUEUE = 1 << 4,
};

struct step {
        const char *action;
        const char *from[4];
        const char *to;
        int flags;
};

/* Indexed by enum sched_complaint_step. */
static const struct step steps[] = {
    [SCHED_COMPLAINT_VERIFY] = {"verify", {"received"}, "verified", 0},
    [SCHED_COMPLAINT_REJECT] = {"reject",
                                {"received", "verified", "queued"},
                                "rejected",
                                CLEAR_QUEUE},
    [SCHED_COMPLAINT_QUEUE] = {"queue",
                               {"verified"},
                               "queued",
                               NEEDS_AIRABLE | SET_QUEUE_END},
    [SCHED_COMPLAINT_AIR_NEXT] = {"air-next",
                                  {"verified", "queued"},
                                  "queued",
                                  NEEDS_AIRABLE | SET_AIR_NEXT},
    [SCHED_COMPLAINT_FORWARD] = {"forward",
                                 {"verified", "aired"},
                                 "forwarded",
                                 SET_TRACKING | CLEAR_QUEUE},
    [SCHED_COMPLAINT_CLOSE] = {"close",
                               {"aired", "forwarded", "answered"},
                               "closed",
                               CLEAR_QUEUE},
};

int sched_complaint_event(sqlite3 *db, int64_t complaint_id, const char *from,
                          const char *to, int64_t user_id, const char *note)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO complaint_events (complaint_id, from_status, "
                "to_status, user_id, at, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, complaint_id);
        if (from)
                sqlite3_bind_text(stmt, 2, from, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, to, -1, SQLITE_STATIC);
        if (user_id > 0)
                sqlite3_bind_int64(stmt, 4, user_id);
        sqlite3_bind_int64(stmt, 5, time_now_ms() / 1000);
        sqlite3_bind_text(stmt, 6, note ? note : "", -1, SQLITE_STATIC);
        rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* Reads the complaint's status and airability; 0, -2 when there is none, -1. */
static int read_state(sqlite3 *db, int64_t id, char *from, size_t from_size,
                      bool *consent, bool *confidential)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db,
                               "SELECT status, consent, confidential FROM complaints"
                               " WHERE id = ?1",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, id);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW) {
                const char *status = (const char *)sqlite3_column_text(stmt, 0);
                snprintf(from, from_size, "%s", status ? status : "");
                *consent = sqlite3_column_int(stmt, 1) != 0;
                *confidential = sqlite3_column_int(stmt, 2) != 0;
                rc = 0;
        } else if (step == SQLITE_DONE) {
                rc = -2;
        }
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* Why the step cannot be taken from this state (a SCHED_COMPLAINT_ refusal,
 * reason in err), or 0 when it can. */
static int refusal(const struct step *t, const char *from, bool consent,
                   bool confidential, char *err, size_t err_size)
{
        bool allowed = false;
        for (int i = 0; i < 4 && t->from[i]; i++)
                if (strcmp(from, t->from[i]) == 0)
                        allowed = true;
        if (!allowed) {
                snprintf(err, err_size, "cannot %s a complaint that is %s", t->action,
                         from);
                return SCHED_COMPLAINT_WRONG_STATUS;
        }
        if ((t->flags & NEEDS_AIRABLE) && confidential) {
                snprintf(err, err_size, "a confidential complaint is never aired");
                return SCHED_COMPLAINT_CONFIDENTIAL;
        }
        if ((t->flags & NEEDS_AIRABLE) && !consent) {
                snprintf(err, err_size, "the caller did not consent to airing");
                return SCHED_COMPLAINT_NO_CONSENT;
        }
        return 0;
}

static int write_step(sqlite3 *db, int64_t id, const struct step *t,
                      const char *tracking_id)
{
        sqlite3_stmt *stmt = NULL;
        /* the queue position is kept when air-next is applied to a queued one */
        if (sqlite3_prepare_v2(
                db,
                "UPDATE complaints SET status = ?2, updated_at = ?3, "
                "queue_position = CASE WHEN ?4 THEN NULL WHEN ?5 THEN "
                " (SELECT coalesce(max(queue_position), 0) + 1 FROM complaints "
                "  WHERE status = 'queued') "
                " WHEN ?6 AND queue_position IS NULL THEN "
                " (SELECT coalesce(max(queue_position), 0) + 1 FROM complaints "
                "  WHERE status = 'queued') ELSE queue_position END, "
                "air_next = CASE WHEN ?6 THEN 1 ELSE 0 END, "
                "lapor_tracking_id = coalesce(?7, lapor_tracking_id) WHERE id = ?1",
                -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(stmt, 1, id);
        sqlite3_bind_text(stmt, 2, t->to, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, time_now_ms() / 1000);
        sqlite3_bind_int(stmt, 4, (t->flags & CLEAR_QUEUE) != 0);
        sqlite3_bind_int(stmt, 5, (t->flags & SET_QUEUE_END) != 0);
        sqlite3_bind_int(stmt, 6, (t->flags & SET_AIR_NEXT) != 0);
        if (tracking_id && (t->flags & SET_TRACKING))
                sqlite3_bind_text(stmt, 7, tracking_id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(stmt);
        return rc;
}

int sched_complaint_step(sqlite3 *db, int64_t id, enum sched_complaint_step which,
                         int64_t user_id, const char *tracking_id, char *err,
                         size_t err_size)
{
        if ((unsigned)which >= sizeof steps / sizeof steps[0]) {
                snprintf(err, err_size, "no such step");
                return SCHED_COMPLAINT_WRONG_STATUS;
        }
        const struct step *t = &steps[which];
        char from[16] = "";
        bool consent = false, confidential = false;
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        int rc = read_state(db, id, from, sizeof from, &consent, &confidential);
        if (rc == -2) {
                snprintf(err, err_size, "no complaint %lld", (long long)id);
                sched_db_rollback(db);
                return -2;
        }
        if (rc < 0)
                goto db_error;
        int refused = refusal(t, from, consent, confidential, err, err_size);
        if (refused) {
                sched_db_rollback(db);
                return refused;
        }
        const char *note = which == SCHED_COMPLAINT_AIR_NEXT ? "air-next"
                           : tracking_id                     ? tracking_id
                                                             : "";
        if (write_step(db, id, t, tracking_id) < 0 ||
            sched_complaint_event(db, id, from, t->to, user_id, note) < 0 ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        log_info("complaint %lld: %s -> %s (%s)", (long long)id, from, t->to, t->action);
        return 0;
db_error:
        snprintf(err, err_size, "%s", sqlite3_errmsg(db));
        sched_db_rollback(db);
        return -1;
}
