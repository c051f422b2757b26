/* The complaint workflow the web and the engine share: the status steps an
 * operator takes (verify, reject, queue, air-next, forward, close) and the
 * event row each leaves, as functions over a connection, so the web's
 * handlers only parse, call and respond, and the unit tests call them
 * directly; and the edit of a complaint's details until it airs.  What the
 * engine moves on (aired, an answer on air) is written by
 * its writer thread (writer.c). */
#define LOG_MODULE "complaints"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- editing until it airs ------------------------------------------------------- */

enum { TEXT_FIELDS = 7, FLAG_FIELDS = 3 };

static const char *const text_names[TEXT_FIELDS] = {
    "title",         "summary",     "category",    "location",
    "incident_date", "caller_name", "caller_phone"};
static const char *const flag_names[FLAG_FIELDS] = {"anonymous", "confidential",
                                                    "consent"};

/* The details an edit may change, as stored (NULL for SQL NULL). */
struct complaint_row {
        char *text[TEXT_FIELDS];
        int flag[FLAG_FIELDS];
        char status[16];
        int64_t intro_media_id; /* 0: none */
};

static void row_clear(struct complaint_row *c)
{
        for (int i = 0; i < TEXT_FIELDS; i++)
                free(c->text[i]);
        memset(c, 0, sizeof *c);
}

/* 0, -2 when there is no such complaint, -1. */
static int read_row(sqlite3 *db, int64_t id, struct complaint_row *c)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db,
                               "SELECT title, summary, category, location, incident_date,"
                               " caller_name, caller_phone, anonymous, confidential,"
                               " consent, status, intro_media_id FROM complaints"
                               " WHERE id = ?1",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, id);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_DONE)
                rc = -2;
        if (step != SQLITE_ROW)
                goto out;
        for (int i = 0; i < TEXT_FIELDS; i++) {
                const unsigned char *v = sqlite3_column_text(stmt, i);
                c->text[i] = v ? xstrdup((const char *)v) : NULL;
        }
        for (int i = 0; i < FLAG_FIELDS; i++)
                c->flag[i] = sqlite3_column_int(stmt, TEXT_FIELDS + i) != 0;
        const unsigned char *status = sqlite3_column_text(stmt, 10);
        snprintf(c->status, sizeof c->status, "%s", status ? (const char *)status : "");
        c->intro_media_id = sqlite3_column_int64(stmt, 11);
        rc = 0;
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* NULL and "" are the same text. */
static bool same_text(const char *a, const char *b)
{
        return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Until it airs: what is rejected, aired or later never changes. */
static bool editable(const char *status)
{
        return strcmp(status, "received") == 0 || strcmp(status, "verified") == 0 ||
               strcmp(status, "queued") == 0;
}

char *sched_complaint_intro_text(const char *title, const char *location)
{
        return location && *location
                   ? xasprintf("Suara Warga dari %s, tentang %s.", location, title)
                   : xasprintf("Suara Warga, tentang %s.", title);
}

/* The intro's words spoken and stored (a file, not yet a row); 0 or -1 (logged:
 * the complaint then goes without an intro). */
static int speak_intro(const struct config *config, const char *title,
                       const char *location, struct sched_media_file *file)
{
        char err[256];
        char *text = sched_complaint_intro_text(title, location);
        char *path = sched_speak(text, err, sizeof err);
        free(text);
        if (!path) {
                log_warn("complaint intro: text-to-speech failed: %s", err);
                return -1;
        }
        int rc = sched_media_prepare(config, path, file, err, sizeof err);
        if (rc < 0)
                log_warn("complaint intro: %s", err);
        unlink(path);
        free(path);
        return rc < 0 ? -1 : 0;
}

/* The spoken intro's row, inside the edit's transaction: its media id, 0 when
 * the same speech is a library item (never taken over), -1 on an error. */
static int64_t insert_intro(sqlite3 *db, struct sched_media_file *file, const char *title)
{
        char err[256];
        bool existed = false;
        struct sched_media media = {0};
        if (sched_media_insert(db, file, ITEM_COMPLAINT, NULL, NULL, &existed, &media,
                               err, sizeof err) < 0) {
                log_warn("complaint intro: %s", err);
                return -1;
        }
        int64_t id = media.id;
        if (existed && media.kind != ITEM_COMPLAINT) {
                id = 0;
        } else if (!existed) {
                char *item_title = xasprintf("Suara Warga: %s", title);
                if (sched_media_set_title(db, id, item_title) < 0)
                        id = -1;
                free(item_title);
        }
        sched_media_clear(&media);
        return id;
}

/* The old intro, no longer any complaint's, leaves the catalog (its file
 * stays: the engine may hold it open). */
static int retire_intro(sqlite3 *db, int64_t media_id)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                db,
                "UPDATE media SET deleted = 1 WHERE id = ?1 AND kind = 'complaint'"
                " AND id NOT IN (SELECT intro_media_id FROM complaints"
                "  WHERE intro_media_id IS NOT NULL)"
                " AND id NOT IN (SELECT media_id FROM complaints WHERE media_id IS NOT "
                "NULL)"
                " AND id NOT IN (SELECT answer_media_id FROM complaints"
                "  WHERE answer_media_id IS NOT NULL)"
                " AND id NOT IN (SELECT answer_intro_media_id FROM complaints"
                "  WHERE answer_intro_media_id IS NOT NULL)",
                -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(stmt, 1, media_id);
        int rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(stmt);
        return rc;
}

static int write_edit(sqlite3 *db, int64_t id, const char *const text[TEXT_FIELDS],
                      const int flag[FLAG_FIELDS], int64_t intro_media_id)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                db,
                "UPDATE complaints SET title = ?2, summary = ?3, category = ?4,"
                " location = ?5, incident_date = ?6, caller_name = ?7, caller_phone = ?8,"
                " anonymous = ?9, confidential = ?10, consent = ?11,"
                " intro_media_id = ?12, updated_at = ?13 WHERE id = ?1",
                -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(stmt, 1, id);
        for (int i = 0; i < TEXT_FIELDS; i++) {
                bool nullable = i >= 4; /* incident_date, caller_name, caller_phone */
                if (!nullable || (text[i] && *text[i]))
                        sqlite3_bind_text(stmt, 2 + i, text[i] ? text[i] : "", -1,
                                          SQLITE_STATIC);
        }
        for (int i = 0; i < FLAG_FIELDS; i++)
                sqlite3_bind_int(stmt, 9 + i, flag[i]);
        if (intro_media_id > 0)
                sqlite3_bind_int64(stmt, 12, intro_media_id);
        sqlite3_bind_int64(stmt, 13, time_now_ms() / 1000);
        int rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(stmt);
        return rc;
}

int sched_complaint_edit(sqlite3 *db, const struct config *config, int64_t id,
                         const struct sched_complaint_edit *edit, int64_t user_id,
                         char *err, size_t err_size)
{
        const char *given[TEXT_FIELDS] = {
            edit->title,         edit->summary,     edit->category,    edit->location,
            edit->incident_date, edit->caller_name, edit->caller_phone};
        const int given_flag[FLAG_FIELDS] = {edit->anonymous, edit->confidential,
                                             edit->consent};
        struct complaint_row before = {0}, now = {0};
        struct sched_media_file intro = {0};
        bool in_transaction = false, spoken = false;
        int rc = read_row(db, id, &before);
        if (rc == -2)
                snprintf(err, err_size, "no complaint %lld", (long long)id);
        if (rc < 0)
                goto out;
        rc = -3;
        if (!editable(before.status)) {
                snprintf(err, err_size, "a complaint that is %s can no longer be edited",
                         before.status);
                goto out;
        }
        const char *title = given[0] ? given[0] : before.text[0];
        const char *location = given[3] ? given[3] : before.text[3];
        int confidential = given_flag[1] >= 0 ? given_flag[1] : before.flag[1];
        /* a confidential complaint never airs, so it keeps no intro to leak */
        bool respeak = !confidential && (!same_text(title, before.text[0]) ||
                                         !same_text(location, before.text[3]) ||
                                         before.intro_media_id == 0);
        if (respeak) /* slow: before the write lock */
                spoken = speak_intro(config, title, location, &intro) == 0;

        rc = -1;
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        in_transaction = true;
        rc = read_row(db, id, &now);
        if (rc == -2)
                snprintf(err, err_size, "no complaint %lld", (long long)id);
        if (rc == -1)
                goto db_error;
        if (rc < 0)
                goto out;
        rc = -3;
        if (!editable(now.status)) {
                snprintf(err, err_size, "a complaint that is %s can no longer be edited",
                         now.status);
                goto out;
        }
        if (!same_text(now.text[0], before.text[0]) ||
            !same_text(now.text[3], before.text[3]) || now.flag[1] != before.flag[1]) {
                snprintf(err, err_size, "the complaint was changed meanwhile; try again");
                goto out;
        }

        const char *text[TEXT_FIELDS];
        int flag[FLAG_FIELDS];
        char note[160] = "edit:";
        size_t used = strlen(note);
        for (int i = 0; i < TEXT_FIELDS; i++) {
                text[i] = given[i] ? given[i] : now.text[i];
                if (!same_text(text[i], now.text[i]))
                        used += (size_t)snprintf(note + used, sizeof note - used, "%s %s",
                                                 used > 5 ? "," : "", text_names[i]);
        }
        for (int i = 0; i < FLAG_FIELDS; i++) {
                flag[i] = given_flag[i] >= 0 ? given_flag[i] : now.flag[i];
                if (flag[i] != now.flag[i])
                        used += (size_t)snprintf(note + used, sizeof note - used, "%s %s",
                                                 used > 5 ? "," : "", flag_names[i]);
        }
        rc = -1;
        int64_t intro_id = confidential ? 0 : now.intro_media_id;
        if (respeak) {
                intro_id = spoken ? insert_intro(db, &intro, title) : 0;
                if (intro_id < 0)
                        goto db_error;
        }
        bool fields_changed = used > 5;
        if (!fields_changed && intro_id == now.intro_media_id) {
                rc = 0; /* nothing to write, nothing to record */
                goto out;
        }
        if (!fields_changed)
                snprintf(note, sizeof note, "edit: intro");
        if (write_edit(db, id, text, flag, intro_id) < 0 ||
            (now.intro_media_id && now.intro_media_id != intro_id &&
             retire_intro(db, now.intro_media_id) < 0) ||
            sched_complaint_event(db, id, now.status, now.status, user_id, note) < 0 ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        in_transaction = false;
        log_info("complaint %lld: %s (intro %lld -> %lld)", (long long)id, note,
                 (long long)now.intro_media_id, (long long)intro_id);
        rc = 0;
        goto out;
db_error:
        snprintf(err, err_size, "%s", sqlite3_errmsg(db));
        rc = -1;
out:
        if (in_transaction)
                sched_db_rollback(db);
        sched_media_file_clear(db, &intro);
        row_clear(&before);
        row_clear(&now);
        return rc;
}
