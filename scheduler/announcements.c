/* Announcements and inserts the web and the engine share: creating one
 * (text spoken or a recording, its library row and its announcement row in
 * one transaction, the decoding outside the write lock), a library item
 * queued as an insert, the list, and cancelling a pending one, so the web's
 * handlers only parse, call and respond, and the unit tests call them
 * directly.  That one aired is written by the engine's writer (writer.c). */
#define LOG_MODULE "announcements"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scheduler/scheduler.h"

#define TTS_VOICE "id"

char *sched_speak(const char *text, char *err, size_t err_size)
{
        const char *dir = getenv("TMPDIR");
        char *path = xasprintf("%s/siaran-tts-XXXXXX.wav", dir && *dir ? dir : "/tmp");
        int fd = mkstemps(path, 4);
        if (fd < 0) {
                snprintf(err, err_size, "cannot create a temp file: %s", strerror(errno));
                free(path);
                return NULL;
        }
        close(fd);
        if (media_tts_to_wav(text, TTS_VOICE, path, err, err_size) < 0) {
                unlink(path);
                free(path);
                return NULL;
        }
        return path;
}

int sched_media_set_title(sqlite3 *db, int64_t media_id, const char *title)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db,
                               "UPDATE media SET title = ?1, artist = '' WHERE id = ?2",
                               -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_text(stmt, 1, title, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 2, media_id);
                rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(stmt);
        return rc;
}

/* The first words are its title in the rundown and on the stream. */
static char *announcement_title(const char *text)
{
        if (!text || !*text)
                return xstrdup("Pengumuman");
        char *title = xasprintf("Pengumuman: %.60s", text);
        for (char *p = title; *p; p++)
                if (*p == '\n' || *p == '\r' || *p == '\t')
                        *p = ' ';
        return title;
}

static int insert_row(sqlite3 *db, int64_t media_id, const char *text, const char *mode,
                      int64_t air_at_ms, int64_t user_id, int64_t *id)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db,
                               "INSERT INTO announcements (media_id, text, mode, air_at, "
                               "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                               -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(stmt, 1, media_id);
        sqlite3_bind_text(stmt, 2, text ? text : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, mode, -1, SQLITE_STATIC);
        if (air_at_ms)
                sqlite3_bind_int64(stmt, 4, air_at_ms);
        if (user_id > 0)
                sqlite3_bind_int64(stmt, 5, user_id);
        sqlite3_bind_int64(stmt, 6, time_now_ms() / 1000);
        int rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(stmt);
        if (rc == 0)
                *id = sqlite3_last_insert_rowid(db);
        return rc;
}

/* The rows of a prepared file, inside an open transaction: its media row
 * (titled unless it is the same announcement again) and its announcement. */
static int insert_announcement(sqlite3 *db, struct sched_media_file *file,
                               const struct sched_announcement_new *in,
                               struct sched_announcement_created *out, char *err,
                               size_t err_size)
{
        struct sched_media media = {0};
        bool existed = false;
        int rc = sched_media_insert(db, file, ITEM_ANNOUNCEMENT, NULL, NULL, &existed,
                                    &media, err, err_size);
        if (rc < 0)
                goto out;
        if (existed && media.kind != ITEM_ANNOUNCEMENT) {
                /* an upload never changes another item's title or kind */
                snprintf(err, err_size,
                         "this recording is already stored as another item; upload a "
                         "recording of its own");
                rc = -3;
                goto out;
        }
        rc = SCHED_ANNOUNCEMENT_DB_ERROR;
        char *title = existed ? NULL : announcement_title(in->text);
        int title_rc = title ? sched_media_set_title(db, media.id, title) : 0;
        free(title);
        if (title_rc < 0 || insert_row(db, media.id, in->text, in->mode, in->air_at_ms,
                                       in->user_id, &out->id) < 0) {
                snprintf(err, err_size, "%s", sqlite3_errmsg(db));
                goto out;
        }
        out->media_id = media.id;
        out->duration = media.duration;
        rc = 0;
out:
        sched_media_clear(&media);
        return rc;
}

int sched_announcement_create(sqlite3 *db, const struct config *config,
                              const struct sched_announcement_new *in,
                              struct sched_announcement_created *out, char *err,
                              size_t err_size)
{
        struct sched_media_file file = {0};
        char *speech = NULL;
        const char *source = in->audio;
        int rc;
        if (!source) {
                speech = sched_speak(in->text, err, err_size);
                if (!speech) {
                        rc = SCHED_ANNOUNCEMENT_TTS_FAILED;
                        goto out;
                }
                source = speech;
        }
        /* decoded and stored without the write lock; then the rows in one
         * transaction: a failure leaves no row, and no stored file without one */
        rc = sched_media_prepare(config, source, &file, err, err_size);
        if (rc < 0) {
                if (speech) /* speech we made ourselves that fails is our fault */
                        rc = -2;
                goto out;
        }
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
                snprintf(err, err_size, "%s", sqlite3_errmsg(db));
                rc = SCHED_ANNOUNCEMENT_DB_ERROR;
                goto out;
        }
        rc = insert_announcement(db, &file, in, out, err, err_size);
        if (rc == -1 && speech)
                rc = -2;
        if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
                snprintf(err, err_size, "%s", sqlite3_errmsg(db));
                rc = SCHED_ANNOUNCEMENT_DB_ERROR;
        }
        if (rc < 0)
                sched_db_rollback(db);
        else
                log_info("announcement %lld (%s, media %lld, %.1f s)", (long long)out->id,
                         in->mode, (long long)out->media_id, out->duration);
out:
        sched_media_file_clear(db, &file);
        if (speech) {
                unlink(speech);
                free(speech);
        }
        return rc;
}

/* Complaint recordings air only through the complaint queue, where consent
 * and verification are checked; the rest of the library may be a cart. */
static bool cart_kind(const char *kind)
{
        static const char *const kinds[] = {"jingle", "psa", "music", "programme",
                                            "announcement"};
        for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
                if (strcmp(kind, kinds[i]) == 0)
                        return true;
        return false;
}

/* 0 when media_id may be queued, -2 (none), -3 (a complaint's) or -1. */
static int check_cart(sqlite3 *db, int64_t media_id)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, "SELECT kind FROM media WHERE id = ?1 AND deleted = 0",
                               -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(stmt, 1, media_id);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_DONE)
                rc = -2;
        else if (step == SQLITE_ROW)
                rc = cart_kind((const char *)sqlite3_column_text(stmt, 0)) ? 0 : -3;
        sqlite3_finalize(stmt);
        return rc;
}

int sched_insert_create(sqlite3 *db, int64_t media_id, const char *mode, int64_t user_id,
                        int64_t *id)
{
        int rc = check_cart(db, media_id);
        if (rc < 0)
                return rc;
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db,
                               "INSERT INTO announcements (media_id, text, mode, "
                               "created_by, created_at) VALUES (?1, '', ?2, ?3, ?4)",
                               -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(stmt, 1, media_id);
        sqlite3_bind_text(stmt, 2, mode, -1, SQLITE_STATIC);
        if (user_id > 0)
                sqlite3_bind_int64(stmt, 3, user_id);
        sqlite3_bind_int64(stmt, 4, time_now_ms() / 1000);
        rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(stmt);
        if (rc == 0) {
                *id = sqlite3_last_insert_rowid(db);
                log_info("insert %lld (%s, media %lld)", (long long)*id, mode,
                         (long long)media_id);
        }
        return rc;
}

int sched_announcement_cancel(sqlite3 *db, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        /* an alert's bulletin is ended from its own route, not here */
        if (sqlite3_prepare_v2(db,
                               "UPDATE announcements SET status = 'cancelled' WHERE id = "
                               "?1 AND status = 'pending' AND alert_id IS NULL",
                               -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(stmt, 1, id);
        int rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(stmt);
        if (rc == 0 && sqlite3_changes(db) == 0)
                rc = -2;
        if (rc == 0)
                log_info("insert %lld cancelled", (long long)id);
        return rc;
}

/* The queued inserts (pending, for "next", not an alert's) in the order
 * they air; the caller frees *ids.  0 or -1. */
static int queued_inserts(sqlite3 *db, int64_t **ids, size_t *n)
{
        sqlite3_stmt *stmt = NULL;
        size_t cap = 0;
        int step;
        *ids = NULL;
        *n = 0;
        if (sqlite3_prepare_v2(db,
                               "SELECT id FROM announcements WHERE status = 'pending' "
                               "AND mode = 'next' AND alert_id IS NULL ORDER BY "
                               "queue_position IS NULL, queue_position, created_at, id",
                               -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                if (*n == cap) {
                        cap = cap ? 2 * cap : 16;
                        *ids = xrealloc(*ids, cap * sizeof **ids);
                }
                (*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
        }
        sqlite3_finalize(stmt);
        return step == SQLITE_DONE ? 0 : -1;
}

/* -2 when id is no pending insert at all, -3 when it is one that is not
 * queued (for now, for a time, an alert's), -1 on an error. */
static int why_not_queued(sqlite3 *db, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db,
                               "SELECT 1 FROM announcements WHERE id = ?1 AND "
                               "status = 'pending'",
                               -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int64(stmt, 1, id);
        int step = sqlite3_step(stmt);
        sqlite3_finalize(stmt);
        return step == SQLITE_ROW ? -3 : step == SQLITE_DONE ? -2 : -1;
}

static int write_positions(sqlite3 *db, const int64_t *ids, size_t n)
{
        sqlite3_stmt *stmt = NULL;
        int rc = 0;
        if (sqlite3_prepare_v2(
                db, "UPDATE announcements SET queue_position = ?1 WHERE id = ?2", -1,
                &stmt, NULL) != SQLITE_OK)
                return -1;
        for (size_t i = 0; i < n && rc == 0; i++) {
                sqlite3_reset(stmt);
                sqlite3_bind_int64(stmt, 1, (int64_t)i);
                sqlite3_bind_int64(stmt, 2, ids[i]);
                rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(stmt);
        return rc;
}

int sched_insert_move(sqlite3 *db, int64_t id, int64_t before_id, int64_t position,
                      int64_t *new_position)
{
        int64_t *ids = NULL;
        size_t n = 0, from = SIZE_MAX, to = SIZE_MAX;
        int rc = -1;
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                return -1;
        if (queued_inserts(db, &ids, &n) < 0)
                goto out;
        for (size_t i = 0; i < n; i++)
                if (ids[i] == id)
                        from = i;
        if (from == SIZE_MAX) {
                rc = why_not_queued(db, id);
                goto out;
        }
        memmove(ids + from, ids + from + 1, (n - from - 1) * sizeof *ids);
        n--;
        if (before_id > 0) {
                for (size_t i = 0; i < n; i++)
                        if (ids[i] == before_id)
                                to = i;
                if (to == SIZE_MAX) {
                        rc = -4;
                        goto out;
                }
        } else {
                to = position < 0 || (uint64_t)position > n ? n : (size_t)position;
        }
        memmove(ids + to + 1, ids + to, (n - to) * sizeof *ids);
        ids[to] = id;
        n++;
        if (write_positions(db, ids, n) < 0 ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto out;
        rc = 0;
        if (new_position)
                *new_position = (int64_t)to;
        log_info("insert %lld moved to position %zu of %zu", (long long)id, to + 1, n);
out:
        if (rc < 0)
                sched_db_rollback(db);
        free(ids);
        return rc;
}

static const char *column_text(sqlite3_stmt *stmt, int i)
{
        return (const char *)sqlite3_column_text(stmt, i);
}

int sched_announcement_list(sqlite3 *db, int limit,
                            void (*each)(void *user, const struct sched_announcement *a),
                            void *user)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db,
                               "SELECT a.id, a.text, a.mode, a.air_at, a.status, "
                               "a.created_at, u.name, m.title, m.duration, a.media_id "
                               "FROM announcements a "
                               "LEFT JOIN users u ON u.id = a.created_by "
                               "LEFT JOIN media m ON m.id = a.media_id "
                               "ORDER BY a.id DESC LIMIT ?1",
                               -1, &stmt, NULL) != SQLITE_OK)
                return -1;
        sqlite3_bind_int(stmt, 1, limit);
        int count = 0;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                struct sched_announcement a = {
                    .id = sqlite3_column_int64(stmt, 0),
                    .text = column_text(stmt, 1),
                    .mode = column_text(stmt, 2),
                    .has_air_at = sqlite3_column_type(stmt, 3) != SQLITE_NULL,
                    .air_at_ms = sqlite3_column_int64(stmt, 3),
                    .status = column_text(stmt, 4),
                    .has_created_at = sqlite3_column_type(stmt, 5) != SQLITE_NULL,
                    .created_at_ms = sqlite3_column_int64(stmt, 5) * 1000,
                    .created_by = column_text(stmt, 6),
                    .title = column_text(stmt, 7),
                    .duration = sqlite3_column_double(stmt, 8),
                    .media_id = sqlite3_column_int64(stmt, 9),
                };
                each(user, &a);
                count++;
        }
        sqlite3_finalize(stmt);
        return count;
}
