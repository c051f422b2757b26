/* The media library's rows: import (analyse, store, record) and lookup. */
#define LOG_MODULE "library"
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "media/media.h"
#include "scheduler/scheduler.h"

/* Shorter items are refused at import: they would air as nothing. */
#define MIN_DURATION_SECONDS 0.05

#define MEDIA_COLUMNS                                                                    \
        "id, path, title, artist, kind, duration, loudness, true_peak, frames, cue_in, " \
        "cue_out, rate, quiet"

void sched_media_clear(struct sched_media *media)
{
        if (!media)
                return;
        free(media->path);
        free(media->title);
        free(media->artist);
        memset(media, 0, sizeof *media);
}

static char *column_strdup(sqlite3_stmt *stmt, int column)
{
        const unsigned char *text = sqlite3_column_text(stmt, column);
        return xstrdup(text ? (const char *)text : "");
}

/* Fills out from a row selected with MEDIA_COLUMNS. */
static void read_media_row(sqlite3_stmt *stmt, struct sched_media *out)
{
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(stmt, 0);
        out->path = column_strdup(stmt, 1);
        out->title = column_strdup(stmt, 2);
        out->artist = column_strdup(stmt, 3);
        if (item_kind_parse((const char *)sqlite3_column_text(stmt, 4), &out->kind) < 0)
                out->kind = ITEM_MUSIC; /* the schema's CHECK makes this unreachable */
        out->duration = sqlite3_column_double(stmt, 5);
        out->loudness = sqlite3_column_double(stmt, 6);
        out->true_peak = sqlite3_column_double(stmt, 7);
        out->frames = sqlite3_column_int64(stmt, 8);
        out->cue_in = sqlite3_column_int64(stmt, 9);
        out->cue_out = sqlite3_column_int64(stmt, 10);
        out->rate = sqlite3_column_int(stmt, 11);
        out->quiet = sqlite3_column_int(stmt, 12) != 0;
}

int sched_media_get(sqlite3 *db, int64_t id, struct sched_media *out)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, "SELECT " MEDIA_COLUMNS " FROM media WHERE id = ?1",
                               -1, &stmt, NULL) != SQLITE_OK) {
                log_error("media %lld: %s", (long long)id, sqlite3_errmsg(db));
                goto out;
        }
        sqlite3_bind_int64(stmt, 1, id);
        if (sqlite3_step(stmt) != SQLITE_ROW)
                goto out;
        read_media_row(stmt, out);
        rc = 0;
out:
        sqlite3_finalize(stmt);
        return rc;
}

int64_t sched_media_import_titled(const struct config *config, const char *src,
                                  enum item_kind kind, const char *title, char *err,
                                  size_t err_size)
{
        struct sched_media row = {0};
        int64_t id = -1;
        sqlite3 *db = sched_db_open(config->database, err, err_size);
        if (!db)
                return -1;
        if (sched_media_import(db, config, src, kind, NULL, NULL, NULL, &row, err,
                               err_size) == 0) {
                id = row.id;
                if (sched_media_set_title(db, id, title) < 0)
                        snprintf(err, err_size, "stored as %lld, but not titled",
                                 (long long)id);
        }
        sched_media_clear(&row);
        sqlite3_close_v2(db);
        return id;
}

/* The SHA-256 of the stored file, as lower-case hex: the identity of the
 * content.  Computed here rather than parsed from the store's file name so the
 * library does not depend on how media/ names its files. */
static int hash_file(const char *path, char hex[crypto_hash_sha256_BYTES * 2 + 1],
                     char *err, size_t err_size)
{
        unsigned char digest[crypto_hash_sha256_BYTES];
        unsigned char buf[65536];
        crypto_hash_sha256_state state;
        int rc = -1;
        FILE *f = fopen(path, "rb");
        if (!f) {
                snprintf(err, err_size, "cannot read stored file: %s", strerror(errno));
                goto out;
        }
        crypto_hash_sha256_init(&state);
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
                crypto_hash_sha256_update(&state, buf, n);
        if (ferror(f)) {
                snprintf(err, err_size, "cannot read stored file: %s", strerror(errno));
                goto out;
        }
        crypto_hash_sha256_final(&state, digest);
        sodium_bin2hex(hex, crypto_hash_sha256_BYTES * 2 + 1, digest, sizeof digest);
        rc = 0;
out:
        if (f)
                fclose(f);
        return rc;
}

static int exec_simple(sqlite3 *db, const char *sql, char *err, size_t err_size)
{
        char *msg = NULL;
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
                snprintf(err, err_size, "database: %s", msg ? msg : sqlite3_errmsg(db));
                sqlite3_free(msg);
                return -1;
        }
        return 0;
}

/* Adds each comma-separated category (trimmed, lower-cased, non-empty) to the
 * media row; categories it already has are kept once. */
static int add_categories(sqlite3 *db, int64_t media_id, const char *categories,
                          char *err, size_t err_size)
{
        sqlite3_stmt *stmt = NULL;
        char *list = NULL;
        int rc = -1;
        if (!categories || !*categories)
                return 0;
        if (sqlite3_prepare_v2(
                db,
                "INSERT OR IGNORE INTO media_category (media_id, category) "
                "VALUES (?1, ?2)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        list = xstrdup(categories);
        char *save = NULL;
        for (char *word = strtok_r(list, ",", &save); word;
             word = strtok_r(NULL, ",", &save)) {
                while (isspace((unsigned char)*word))
                        word++;
                size_t len = strlen(word);
                while (len > 0 && isspace((unsigned char)word[len - 1]))
                        word[--len] = '\0';
                if (len == 0)
                        continue;
                /* ASCII only: UTF-8 bytes of other scripts stay as they are */
                for (char *c = word; *c; c++)
                        *c = (char)tolower((unsigned char)*c);
                sqlite3_reset(stmt);
                sqlite3_bind_int64(stmt, 1, media_id);
                sqlite3_bind_text(stmt, 2, word, -1, SQLITE_TRANSIENT);
                if (sqlite3_step(stmt) != SQLITE_DONE)
                        goto db_error;
        }
        rc = 0;
        goto out;
db_error:
        snprintf(err, err_size, "cannot add categories: %s", sqlite3_errmsg(db));
out:
        sqlite3_finalize(stmt);
        free(list);
        return rc;
}

/* The title to record.  media_analyze falls back to the source's file name
 * when there is no tag; for uploads that name is a temporary one, so the
 * operator's original name is the better fallback. */
static char *choose_title(const struct media_info *info, const char *src,
                          const char *original_name)
{
        char *src_name = media_title_from_path(src);
        char *title = NULL;
        bool from_file_name =
            !info->title || !*info->title || strcmp(info->title, src_name) == 0;
        if (from_file_name && original_name && *original_name)
                title = media_title_from_path(original_name);
        else if (info->title && *info->title)
                title = xstrdup(info->title);
        else
                title = xstrdup(src_name);
        free(src_name);
        return title;
}

/* Looks up the row holding this content.  Returns 1 (found, out filled), 0
 * (none) or -1. */
static int find_by_sha256(sqlite3 *db, const char *sha256, struct sched_media *out,
                          bool *deleted, char *err, size_t err_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(
                db, "SELECT " MEDIA_COLUMNS ", deleted FROM media WHERE sha256 = ?1", -1,
                &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_text(stmt, 1, sha256, -1, SQLITE_STATIC);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW) {
                read_media_row(stmt, out);
                *deleted = sqlite3_column_int(stmt, 13) != 0;
                rc = 1;
        } else if (step == SQLITE_DONE) {
                rc = 0;
        } else {
                goto db_error;
        }
        goto out;
db_error:
        snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* Brings an existing row back: un-deletes it, and points it at the freshly
 * stored copy when its own file has gone missing from the store. */
static int revive_row(sqlite3 *db, struct sched_media *row, bool deleted,
                      const char *stored, char *err, size_t err_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        bool repath = strcmp(row->path, stored) != 0 && access(row->path, F_OK) != 0;
        if (!deleted && !repath)
                return 0;
        if (sqlite3_prepare_v2(db,
                               "UPDATE media SET deleted = 0, path = ?2 WHERE id = ?1",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, row->id);
        sqlite3_bind_text(stmt, 2, repath ? stored : row->path, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto db_error;
        if (repath) {
                log_warn("media %lld: file was missing, now %s", (long long)row->id,
                         stored);
                free(row->path);
                row->path = xstrdup(stored);
        }
        rc = 0;
        goto out;
db_error:
        snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
out:
        sqlite3_finalize(stmt);
        return rc;
}

static int insert_row(sqlite3 *db, const char *sha256, const char *stored,
                      const char *original_name, enum item_kind kind,
                      const struct media_info *info, const char *title, int64_t *id,
                      char *err, size_t err_size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO media (sha256, path, original_name, kind, title, "
                "artist, duration, frames, rate, loudness, true_peak, cue_in, "
                "cue_out, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                "?9, ?10, ?11, ?12, ?13, ?14)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_text(stmt, 1, sha256, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, stored, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, original_name ? original_name : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, item_kind_name(kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 5, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 6, info->artist ? info->artist : "", -1, SQLITE_STATIC);
        sqlite3_bind_double(stmt, 7, info->duration);
        sqlite3_bind_int64(stmt, 8, info->frames);
        sqlite3_bind_int(stmt, 9, info->rate);
        sqlite3_bind_double(stmt, 10, info->loudness);
        sqlite3_bind_double(stmt, 11, info->true_peak);
        sqlite3_bind_int64(stmt, 12, info->cue_in);
        sqlite3_bind_int64(stmt, 13, info->cue_out);
        sqlite3_bind_int64(stmt, 14, time_now_ms() / 1000);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto db_error;
        *id = sqlite3_last_insert_rowid(db);
        rc = 0;
        goto out;
db_error:
        snprintf(err, err_size, "cannot add to the library: %s", sqlite3_errmsg(db));
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* Removes a stored file that no row refers to: left by a failed insert, or a
 * second copy of known content under another extension.  When the database
 * cannot answer, the file stays (an orphan is better than a row without its
 * file). */
static void remove_if_unreferenced(sqlite3 *db, const char *stored)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM media WHERE path = ?1", -1, &stmt,
                               NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_text(stmt, 1, stored, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto out;
        if (unlink(stored) != 0 && errno != ENOENT)
                log_warn("%s: cannot remove unreferenced file: %s", stored,
                         strerror(errno));
        else
                log_debug("%s: removed, no row refers to it", stored);
out:
        sqlite3_finalize(stmt);
}

void sched_media_file_clear(sqlite3 *db, struct sched_media_file *file)
{
        if (file->stored)
                remove_if_unreferenced(db, file->stored);
        media_info_clear(&file->info);
        free(file->stored);
        free(file->src);
        memset(file, 0, sizeof *file);
}

int sched_media_prepare(const struct config *config, const char *src,
                        struct sched_media_file *file, char *err, size_t err_size)
{
        memset(file, 0, sizeof *file);
        if (sodium_init() < 0) {
                snprintf(err, err_size, "libsodium failed to initialise");
                return -1;
        }
        if (media_analyze(src, config->samplerate, &file->info, err, err_size) < 0)
                return -1;
        if (file->info.duration < MIN_DURATION_SECONDS) {
                /* It would air as nothing: most likely a broken recording. */
                snprintf(err, err_size, "too short to air (%.0f ms, at least %.0f ms)",
                         file->info.duration * 1000, MIN_DURATION_SECONDS * 1000);
                return -1;
        }
        file->src = xstrdup(src);
        /* the audio is fine: what fails from here is storage */
        file->stored = media_store_add(config->media_dir, src, err, err_size);
        if (!file->stored || hash_file(file->stored, file->sha256, err, err_size) < 0)
                return -2;
        return 0;
}

int sched_media_insert(sqlite3 *db, struct sched_media_file *file, enum item_kind kind,
                       const char *original_name, const char *categories, bool *existed,
                       struct sched_media *out, char *err, size_t err_size)
{
        struct sched_media row = {0};
        char *title = NULL;
        bool own_transaction = sqlite3_get_autocommit(db) != 0;
        bool found_existing = false;
        bool deleted = false;
        int rc = -2;

        if (existed)
                *existed = false;
        if (kind == ITEM_FALLBACK || kind == ITEM_LIVE || kind == ITEM_ALERT ||
            kind == ITEM_RELAY) {
                snprintf(err, err_size, "kind '%s' cannot be imported",
                         item_kind_name(kind));
                return -1;
        }
        /* IMMEDIATE takes the write lock now, so two imports of the same content
         * cannot both miss the lookup and collide on the UNIQUE sha256. */
        if (own_transaction && exec_simple(db, "BEGIN IMMEDIATE", err, err_size) < 0)
                goto out;
        int found = find_by_sha256(db, file->sha256, &row, &deleted, err, err_size);
        if (found < 0)
                goto out;
        if (found) {
                found_existing = true;
                if (revive_row(db, &row, deleted, file->stored, err, err_size) < 0)
                        goto out;
        } else {
                int64_t id = 0;
                title = choose_title(&file->info, file->src, original_name);
                if (insert_row(db, file->sha256, file->stored, original_name, kind,
                               &file->info, title, &id, err, err_size) < 0)
                        goto out;
                if (sched_media_get(db, id, &row) < 0) {
                        snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
                        goto out;
                }
        }
        /* categories given again for known content are added: an operator who
         * re-imports a folder with a new category expects the tracks to carry it.
         * Content already stored as another kind is someone else's item (a
         * complaint recording, a PSA): an import never changes it. */
        bool same_item = !found_existing || (row.kind == kind && kind != ITEM_COMPLAINT);
        if (same_item && add_categories(db, row.id, categories, err, err_size) < 0)
                goto out;
        if (own_transaction && exec_simple(db, "COMMIT", err, err_size) < 0)
                goto out;
        log_info("media %lld: %s %s (%s, %.3f s, %.1f LUFS)", (long long)row.id,
                 found_existing ? "already had" : "imported", file->src,
                 item_kind_name(row.kind), row.duration, row.loudness);
        if (existed)
                *existed = found_existing;
        if (out) {
                *out = row;
                memset(&row, 0, sizeof row);
        }
        rc = 0;
out:
        if (rc < 0 && own_transaction)
                sched_db_rollback(db);
        sched_media_clear(&row);
        free(title);
        return rc;
}

int sched_media_import(sqlite3 *db, const struct config *config, const char *src,
                       enum item_kind kind, const char *original_name,
                       const char *categories, bool *existed, struct sched_media *out,
                       char *err, size_t err_size)
{
        if (existed)
                *existed = false;
        if (kind == ITEM_FALLBACK || kind == ITEM_LIVE || kind == ITEM_ALERT ||
            kind == ITEM_RELAY) {
                snprintf(err, err_size, "kind '%s' cannot be imported",
                         item_kind_name(kind));
                return -1;
        }
        struct sched_media_file file;
        int rc = sched_media_prepare(config, src, &file, err, err_size);
        if (rc == 0)
                rc = sched_media_insert(db, &file, kind, original_name, categories,
                                        existed, out, err, err_size);
        sched_media_file_clear(db, &file);
        return rc;
}
