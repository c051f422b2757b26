/* The media library for operators: search, one item, its audio for the
 * preview player (with byte ranges so the player can seek), upload, edit and
 * soft delete.  Complaint recordings are not library items here: they hold
 * callers' voices and are reached only through the staff's complaint API. */
#define LOG_MODULE "web"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scheduler/scheduler.h"
#include "web/manage_private.h"

#define LIST_LIMIT_MAX 500

#define MEDIA_SELECT                                                                     \
        "SELECT m.id, m.title, m.artist, m.kind, m.duration, m.loudness, m.true_peak, "  \
        "m.cue_in, m.cue_out, m.rate, m.quiet, m.original_name, m.created_at, "          \
        "(SELECT group_concat(category, ',') FROM (SELECT category FROM media_category " \
        "WHERE media_id = m.id ORDER BY category)) "                                     \
        "FROM media m "

static json_t *media_json(sqlite3_stmt *stmt)
{
        char when[64];
        int64_t id = sqlite3_column_int64(stmt, 0);
        int rate = sqlite3_column_int(stmt, 9);
        double per = rate > 0 ? 1.0 / rate : 0;
        char *audio = xasprintf("/api/v1/media/%" PRId64 "/audio", id);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(id));
        json_object_set_new(o, "title", manage_column_text(stmt, 1));
        json_object_set_new(o, "artist", manage_column_text(stmt, 2));
        json_object_set_new(o, "kind", manage_column_text(stmt, 3));
        json_object_set_new(o, "duration", json_real(sqlite3_column_double(stmt, 4)));
        json_object_set_new(o, "loudness", json_real(sqlite3_column_double(stmt, 5)));
        json_object_set_new(o, "true_peak", json_real(sqlite3_column_double(stmt, 6)));
        json_object_set_new(o, "cue_in",
                            json_real((double)sqlite3_column_int64(stmt, 7) * per));
        json_object_set_new(o, "cue_out",
                            json_real((double)sqlite3_column_int64(stmt, 8) * per));
        json_object_set_new(o, "quiet", json_boolean(sqlite3_column_int(stmt, 10)));
        json_object_set_new(o, "original_name", manage_column_text(stmt, 11));
        json_object_set_new(
            o, "created_at",
            json_string(time_format_iso(sqlite3_column_int64(stmt, 12) * 1000, when,
                                        sizeof when)));
        json_object_set_new(
            o, "categories",
            manage_split_json((const char *)sqlite3_column_text(stmt, 13)));
        json_object_set_new(o, "audio", json_string(audio));
        free(audio);
        return o;
}

/* The visible item id as JSON, or NULL when there is none (404). */
static json_t *load_media(sqlite3 *db, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        json_t *o = NULL;
        if (sqlite3_prepare_v2(db,
                               MEDIA_SELECT "WHERE m.id = ?1 AND m.deleted = 0 "
                                            "AND m.kind != 'complaint'",
                               -1, &stmt, NULL) != SQLITE_OK) {
                log_error("media %" PRId64 ": %s", id, sqlite3_errmsg(db));
                goto out;
        }
        sqlite3_bind_int64(stmt, 1, id);
        if (sqlite3_step(stmt) == SQLITE_ROW)
                o = media_json(stmt);
out:
        sqlite3_finalize(stmt);
        return o;
}

/* A query argument that is a whole number in [min, max]; absent gives def.
 * Returns 0 or -1. */
static int query_int(struct web_request *r, const char *name, long min, long max,
                     long def, long *out)
{
        const char *v = web_query(r, name);
        char *end = NULL;
        *out = def;
        if (!v || !*v)
                return 0;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || *end || n < min || n > max)
                return -1;
        *out = n;
        return 0;
}

/* q as a LIKE pattern that matches it anywhere, with % _ \ taken literally. */
static char *like_pattern(const char *q)
{
        char *p = xmalloc(strlen(q) * 2 + 3);
        char *w = p;
        *w++ = '%';
        for (const char *c = q; *c; c++) {
                if (*c == '%' || *c == '_' || *c == '\\')
                        *w++ = '\\';
                *w++ = *c;
        }
        *w++ = '%';
        *w = '\0';
        return p;
}

/* spoken=0 leaves out the speech the station made itself: the spoken intros
 * of complaints and the announcements' audio (?6 is 1 to keep them). */
#define NOT_SPOKEN                                                                       \
        "AND (?6 OR NOT (m.id IN (SELECT intro_media_id FROM complaints WHERE "          \
        "intro_media_id IS NOT NULL) OR m.id IN (SELECT media_id FROM announcements "    \
        "WHERE media_id IS NOT NULL))) "

void manage_media_list(struct web_request *r)
{
        const char *q = web_query(r, "q");
        const char *spoken_text = web_query(r, "spoken");
        const char *kind = web_query(r, "kind");
        const char *category = web_query(r, "category");
        sqlite3_stmt *stmt = NULL;
        char *pattern = NULL;
        json_t *list = NULL;
        enum item_kind k;
        long limit, offset;
        int64_t total = 0;

        if (query_int(r, "limit", 1, LIST_LIMIT_MAX, 100, &limit) < 0 ||
            query_int(r, "offset", 0, 1000000000L, 0, &offset) < 0) {
                web_respond_error(r, 400, "field_invalid",
                                  "limit must be 1 to %d and offset 0 or more",
                                  LIST_LIMIT_MAX);
                goto out;
        }
        if (kind && *kind &&
            (item_kind_parse(kind, &k) < 0 || k == ITEM_COMPLAINT || k == ITEM_FALLBACK ||
             k == ITEM_LIVE || k == ITEM_ALERT || k == ITEM_RELAY)) {
                web_respond_error(r, 400, "kind_unknown", "unknown kind '%.40s'", kind);
                goto out;
        }
        if ((q && (!manage_text_valid(q) || strlen(q) > MANAGE_TEXT_MAX)) ||
            (category && !manage_text_valid(category))) {
                web_respond_error(r, 400, "field_invalid",
                                  "q and category must be short text");
                goto out;
        }
        if (spoken_text && strcmp(spoken_text, "0") != 0 &&
            strcmp(spoken_text, "1") != 0) {
                web_respond_error(r, 400, "field_invalid", "spoken must be 1 or 0");
                goto out;
        }
        int spoken = !spoken_text || strcmp(spoken_text, "1") == 0;
        pattern = q && *q ? like_pattern(q) : NULL;
        /* count(*) OVER () gives the total of matches with the page in one scan */
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT m.id, m.title, m.artist, m.kind, m.duration, m.loudness, "
                "m.true_peak, m.cue_in, m.cue_out, m.rate, m.quiet, m.original_name, "
                "m.created_at, (SELECT group_concat(category, ',') FROM (SELECT category "
                "FROM media_category WHERE media_id = m.id ORDER BY category)), "
                "count(*) OVER () FROM media m "
                "WHERE m.deleted = 0 AND m.kind != 'complaint' "
                "AND (?1 IS NULL OR m.title LIKE ?1 ESCAPE '\\' OR m.artist LIKE ?1 "
                "ESCAPE '\\') AND (?2 IS NULL OR m.kind = ?2) "
                "AND (?3 IS NULL OR EXISTS (SELECT 1 FROM media_category c "
                "WHERE c.media_id = m.id AND c.category = lower(?3))) " NOT_SPOKEN
                "ORDER BY m.title COLLATE NOCASE, m.id LIMIT ?4 OFFSET ?5",
                -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                goto out;
        }
        if (pattern)
                sqlite3_bind_text(stmt, 1, pattern, -1, SQLITE_STATIC);
        if (kind && *kind)
                sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
        if (category && *category)
                sqlite3_bind_text(stmt, 3, category, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 4, limit);
        sqlite3_bind_int64(stmt, 5, offset);
        sqlite3_bind_int(stmt, 6, spoken);
        list = json_array();
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                json_array_append_new(list, media_json(stmt));
                total = sqlite3_column_int64(stmt, 14);
        }
        if (step != SQLITE_DONE) {
                web_respond_db_error(r);
                goto out;
        }
        if (json_array_size(list) == 0 && offset > 0) {
                /* the page is past the end: count without it */
                sqlite3_stmt *count = NULL;
                if (sqlite3_prepare_v2(r->db,
                                       "SELECT count(*) FROM media m WHERE m.deleted = 0 "
                                       "AND m.kind != 'complaint' AND (?1 IS NULL OR "
                                       "m.title LIKE ?1 ESCAPE '\\' OR m.artist LIKE ?1 "
                                       "ESCAPE '\\') AND (?2 IS NULL OR m.kind = ?2) AND "
                                       "(?3 IS NULL OR EXISTS (SELECT 1 FROM "
                                       "media_category c WHERE c.media_id = m.id AND "
                                       "c.category = lower(?3))) " NOT_SPOKEN,
                                       -1, &count, NULL) == SQLITE_OK) {
                        sqlite3_bind_int(count, 6, spoken);
                        if (pattern)
                                sqlite3_bind_text(count, 1, pattern, -1, SQLITE_STATIC);
                        if (kind && *kind)
                                sqlite3_bind_text(count, 2, kind, -1, SQLITE_STATIC);
                        if (category && *category)
                                sqlite3_bind_text(count, 3, category, -1, SQLITE_STATIC);
                        if (sqlite3_step(count) == SQLITE_ROW)
                                total = sqlite3_column_int64(count, 0);
                }
                sqlite3_finalize(count);
        }
        web_respond_json(r, 200,
                         json_pack("{so sI sI sI}", "media", list, "total",
                                   (json_int_t)total, "limit", (json_int_t)limit,
                                   "offset", (json_int_t)offset));
        list = NULL;
out:
        json_decref(list);
        sqlite3_finalize(stmt);
        free(pattern);
}

void manage_media_categories(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(r->db,
                               "SELECT c.category, count(*) FROM media_category c JOIN "
                               "media m ON m.id = c.media_id WHERE m.deleted = 0 AND "
                               "m.kind != 'complaint' GROUP BY c.category ORDER BY "
                               "c.category",
                               -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        json_t *list = json_array();
        while (sqlite3_step(stmt) == SQLITE_ROW)
                json_array_append_new(
                    list, json_pack("{so sI}", "name", manage_column_text(stmt, 0),
                                    "count", (json_int_t)sqlite3_column_int64(stmt, 1)));
        sqlite3_finalize(stmt);
        web_respond_json(r, 200, json_pack("{so}", "categories", list));
}

void manage_media_get(struct web_request *r)
{
        json_t *o = load_media(r->db, r->ids[0]);
        if (!o) {
                web_respond_error(r, 404, "not_found", "no media %" PRId64, r->ids[0]);
                return;
        }
        web_respond_json(r, 200, o);
}

static const char *audio_type(const char *path)
{
        static const char *const types[][2] = {
            {".wav", "audio/wav"},  {".ogg", "audio/ogg"},   {".opus", "audio/ogg"},
            {".oga", "audio/ogg"},  {".mp3", "audio/mpeg"},  {".flac", "audio/flac"},
            {".m4a", "audio/mp4"},  {".webm", "audio/webm"}, {".aiff", "audio/aiff"},
            {".aif", "audio/aiff"}, {".mp4", "audio/mp4"},   {".3gp", "audio/3gpp"},
            {".aac", "audio/aac"},  {".amr", "audio/amr"},
        };
        const char *dot = strrchr(path, '.');
        for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
                if (strcmp(dot, types[i][0]) == 0)
                        return types[i][1];
        return "application/octet-stream";
}

/* Parses a single "bytes=A-B", "bytes=A-" or "bytes=-N" range against size.
 * Returns 1 (a range in *first..*last), 0 (no usable Range header: send it
 * all) or -1 (unsatisfiable: 416). */
static int parse_range(const char *header, int64_t size, int64_t *first, int64_t *last)
{
        long long a = -1, b = -1;
        char *end = NULL;
        if (!header || strncmp(header, "bytes=", 6) != 0 || strchr(header, ','))
                return 0;
        const char *p = header + 6;
        if (*p == '-') {
                long long n = strtoll(p + 1, &end, 10);
                if (end == p + 1 || *end || n <= 0)
                        return 0;
                if (size == 0)
                        return -1;
                a = n >= size ? 0 : size - n;
                b = size - 1;
        } else {
                a = strtoll(p, &end, 10);
                if (end == p || *end != '-' || a < 0)
                        return 0;
                p = end + 1;
                if (*p) {
                        b = strtoll(p, &end, 10);
                        if (end == p || *end || b < a)
                                return 0;
                } else {
                        b = size - 1;
                }
                if (a >= size)
                        return -1;
                if (b >= size)
                        b = size - 1;
        }
        *first = a;
        *last = b;
        return 1;
}

void manage_media_audio(struct web_request *r)
{
        struct sched_media media = {0};
        int fd = -1;
        struct stat st;
        sqlite3_stmt *stmt = NULL;
        bool visible = false;
        if (sqlite3_prepare_v2(r->db,
                               "SELECT 1 FROM media WHERE id = ?1 AND deleted = 0 AND "
                               "kind != 'complaint'",
                               -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, r->ids[0]);
                visible = sqlite3_step(stmt) == SQLITE_ROW;
        }
        sqlite3_finalize(stmt);
        if (!visible || sched_media_get(r->db, r->ids[0], &media) < 0) {
                web_respond_error(r, 404, "not_found", "no media %" PRId64, r->ids[0]);
                goto out;
        }
        fd = open(media.path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                web_respond_error(r, 404, "file_missing",
                                  "the file of media %" PRId64 " is missing", r->ids[0]);
                goto out;
        }
        int64_t first = 0, last = 0;
        const char *range =
            MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Range");
        int ranged = parse_range(range, (int64_t)st.st_size, &first, &last);
        if (ranged < 0) {
                char bound[64];
                web_respond_error(r, 416, "range_unsatisfiable",
                                  "the range is outside the file");
                snprintf(bound, sizeof bound, "bytes */%lld", (long long)st.st_size);
                MHD_add_response_header(r->response, "Content-Range", bound);
                goto out;
        }
        if (ranged == 0) {
                close(fd);
                fd = -1;
                if (web_respond_file(r, media.path, audio_type(media.path)) < 0)
                        web_respond_error(r, 404, "file_missing",
                                          "the file of media %" PRId64 " is missing",
                                          r->ids[0]);
                else
                        MHD_add_response_header(r->response, "Accept-Ranges", "bytes");
                goto out;
        }
        /* a part: built here since web_respond_file sends whole files; the
         * standard headers come from a small placeholder response first */
        struct MHD_Response *part = MHD_create_response_from_fd_at_offset64(
            (uint64_t)(last - first + 1), fd, (uint64_t)first);
        if (!part) {
                web_respond_error(r, 500, "internal_error", "cannot send the file");
                goto out;
        }
        fd = -1; /* the response owns it now */
        char content_range[96];
        snprintf(content_range, sizeof content_range, "bytes %lld-%lld/%lld",
                 (long long)first, (long long)last, (long long)st.st_size);
        MHD_add_response_header(part, "Content-Type", audio_type(media.path));
        MHD_add_response_header(part, "Content-Range", content_range);
        MHD_add_response_header(part, "Accept-Ranges", "bytes");
        MHD_add_response_header(part, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(part, "X-Frame-Options", "DENY");
        MHD_add_response_header(part, "Referrer-Policy", "same-origin");
        MHD_add_response_header(part, "Content-Security-Policy", r->web->csp);
        MHD_add_response_header(part, "Cache-Control", "no-store");
        if (r->response)
                MHD_destroy_response(r->response);
        r->response = part;
        r->status = 206;
out:
        if (fd >= 0)
                close(fd);
        sched_media_clear(&media);
}

/* Replaces the categories of media id with the comma-separated list. */
static int set_categories(sqlite3 *db, int64_t id, const char *list)
{
        sqlite3_stmt *del = NULL, *ins = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, "DELETE FROM media_category WHERE media_id = ?1", -1,
                               &del, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(
                db,
                "INSERT OR IGNORE INTO media_category (media_id, category) "
                "VALUES (?1, ?2)",
                -1, &ins, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(del, 1, id);
        if (sqlite3_step(del) != SQLITE_DONE)
                goto out;
        for (const char *p = list; p && *p;) {
                size_t n = strcspn(p, ",");
                sqlite3_reset(ins);
                sqlite3_bind_int64(ins, 1, id);
                sqlite3_bind_text(ins, 2, p, (int)n, SQLITE_TRANSIENT);
                if (n > 0 && sqlite3_step(ins) != SQLITE_DONE)
                        goto out;
                p += n + (p[n] == ',');
        }
        rc = 0;
out:
        sqlite3_finalize(del);
        sqlite3_finalize(ins);
        return rc;
}

/* Applies the edits that are not NULL to media id, in the caller's
 * transaction.  Returns 0 or -1. */
static int apply_edits(sqlite3 *db, int64_t id, const char *title, const char *artist,
                       const char *kind, int quiet, const char *categories)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(
                db,
                "UPDATE media SET title = coalesce(?2, title), "
                "artist = coalesce(?3, artist), kind = coalesce(?4, kind), "
                "quiet = coalesce(?5, quiet) WHERE id = ?1",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, id);
        if (title)
                sqlite3_bind_text(stmt, 2, title, -1, SQLITE_STATIC);
        if (artist)
                sqlite3_bind_text(stmt, 3, artist, -1, SQLITE_STATIC);
        if (kind)
                sqlite3_bind_text(stmt, 4, kind, -1, SQLITE_STATIC);
        if (quiet >= 0)
                sqlite3_bind_int(stmt, 5, quiet);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto out;
        if (categories && set_categories(db, id, categories) < 0)
                goto out;
        rc = 0;
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* A kind an operator may give a library item. */
static bool library_kind(const char *kind)
{
        enum item_kind k;
        return kind && item_kind_parse(kind, &k) == 0 && k != ITEM_COMPLAINT &&
               k != ITEM_FALLBACK && k != ITEM_LIVE && k != ITEM_ALERT && k != ITEM_RELAY;
}

void manage_media_upload(struct web_request *r)
{
        char err[256];
        char *categories = NULL;
        json_t *form = NULL;
        struct sched_media media = {0};
        bool existed = false;
        const char *kind = web_field(r, "kind");
        const char *title = web_field(r, "title");
        const char *artist = web_field(r, "artist");
        const char *cats = web_field(r, "categories");
        enum item_kind k;

        if (!r->upload_path || r->upload_size == 0) {
                web_respond_error(r, 400, "audio_required",
                                  "the form needs an audio file in the field 'audio'");
                goto out;
        }
        if (!kind || !*kind)
                kind = "music";
        if (!library_kind(kind)) {
                web_respond_error(r, 400, "kind_unknown",
                                  "kind must be music, programme, psa, jingle or "
                                  "announcement (complaints go to /api/v1/complaints)");
                goto out;
        }
        item_kind_parse(kind, &k);
        if ((title && (!manage_text_valid(title) || strlen(title) > MANAGE_TEXT_MAX)) ||
            (artist &&
             (!manage_text_valid(artist) || strlen(artist) > MANAGE_TEXT_MAX))) {
                web_respond_error(r, 400, "text_length",
                                  "title and artist must be text of at most %d bytes",
                                  MANAGE_TEXT_MAX);
                goto out;
        }
        form = json_pack("{ss}", "categories", cats ? cats : "");
        if (!form ||
            manage_get_categories(form, "categories", &categories, err, sizeof err) < 0) {
                web_respond_error(r, 400, "field_invalid", "%s",
                                  form ? err : "categories must be UTF-8");
                goto out;
        }
        int rc = sched_media_import(r->db, r->web->ctx.config, r->upload_path, k,
                                    r->upload_name, categories, &existed, &media, err,
                                    sizeof err);
        if (rc < 0) {
                web_respond_import_error(r, rc, err);
                goto out;
        }
        if (existed && (media.kind == ITEM_COMPLAINT || media.kind != k)) {
                /* known content that is a complaint recording stays private,
                 * and an upload never changes another item */
                web_respond_error(r, 409, "recording_duplicate",
                                  media.kind == ITEM_COMPLAINT
                                      ? "this recording is already stored as a complaint"
                                      : "this recording is already in the library as "
                                        "another item");
                goto out;
        }
        if (!existed && ((title && *title) || (artist && *artist))) {
                if (manage_begin(r->db) < 0 ||
                    apply_edits(r->db, media.id, title && *title ? title : NULL,
                                artist && *artist ? artist : NULL, NULL, -1, NULL) < 0 ||
                    manage_commit(r->db) < 0) {
                        /* before the rollback resets the error */
                        web_respond_db_error(r);
                        manage_rollback(r->db);
                        goto out;
                }
        }
        json_t *o = load_media(r->db, media.id);
        if (!o) {
                /* known content that is a complaint recording stays private */
                web_respond_error(r, 409, "recording_duplicate",
                                  "this recording is already stored as a complaint");
                goto out;
        }
        json_object_set_new(o, "existed", json_boolean(existed));
        log_info("media %" PRId64 " %s by %s (%s)", media.id,
                 existed ? "uploaded again" : "uploaded", r->session.user, kind);
        web_respond_json(r, existed ? 200 : 201, o);
        manage_schedule_changed(r);
out:
        json_decref(form);
        free(categories);
        sched_media_clear(&media);
}

void manage_media_update(struct web_request *r)
{
        static const char *const allowed[] = {"title",      "artist", "kind",
                                              "categories", "quiet",  NULL};
        char err[256];
        const char *title = NULL, *artist = NULL, *kind = NULL;
        char *categories = NULL;
        bool quiet = false;
        json_t *body = r->json;
        json_t *o = load_media(r->db, r->ids[0]);

        if (!o) {
                web_respond_error(r, 404, "not_found", "no media %" PRId64, r->ids[0]);
                goto out;
        }
        if (manage_check_keys(body, allowed, err, sizeof err) < 0 ||
            manage_get_text(body, "title", false, MANAGE_TEXT_MAX, NULL, &title, err,
                            sizeof err) < 0 ||
            manage_get_text(body, "artist", false, MANAGE_TEXT_MAX, NULL, &artist, err,
                            sizeof err) < 0 ||
            manage_get_text(body, "kind", false, 20, NULL, &kind, err, sizeof err) < 0 ||
            manage_get_bool(body, "quiet", false, &quiet, err, sizeof err) < 0 ||
            manage_get_categories(body, "categories", &categories, err, sizeof err) < 0) {
                web_respond_error(r, 400, "field_invalid", "%s", err);
                goto out;
        }
        if (title && !*title) {
                web_respond_error(r, 400, "title_empty", "the title must not be empty");
                goto out;
        }
        if (kind && !library_kind(kind)) {
                web_respond_error(r, 400, "kind_unknown",
                                  "kind must be music, programme, psa, jingle or "
                                  "announcement");
                goto out;
        }
        if (manage_begin(r->db) < 0 ||
            apply_edits(r->db, r->ids[0], title, artist, kind,
                        json_object_get(body, "quiet") &&
                                !json_is_null(json_object_get(body, "quiet"))
                            ? quiet
                            : -1,
                        categories) < 0 ||
            manage_commit(r->db) < 0) {
                /* before the rollback resets the error */
                web_respond_db_error(r);
                manage_rollback(r->db);
                goto out;
        }
        json_decref(o);
        o = load_media(r->db, r->ids[0]);
        log_info("media %" PRId64 " edited by %s", r->ids[0], r->session.user);
        web_respond_json(r, 200, o);
        o = NULL;
        manage_schedule_changed(r);
out:
        json_decref(o);
        free(categories);
}

/* Where media id is used: "show 3 (Pagi Lebak)" lines in a JSON array. */
static int media_uses(sqlite3 *db, int64_t id, json_t **uses)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        *uses = json_array();
        if (sqlite3_prepare_v2(
                db,
                "SELECT DISTINCT 'show', s.id, s.name FROM show_items i "
                "JOIN shows s ON s.id = i.show_id WHERE i.media_id = ?1 "
                "UNION ALL SELECT DISTINCT 'campaign', c.id, c.name FROM "
                "campaign_items i JOIN campaigns c ON c.id = i.campaign_id "
                "WHERE i.media_id = ?1",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, id);
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
                json_array_append_new(
                    *uses, json_pack("{so sI so}", "type", manage_column_text(stmt, 0),
                                     "id", (json_int_t)sqlite3_column_int64(stmt, 1),
                                     "name", manage_column_text(stmt, 2)));
        rc = step == SQLITE_DONE ? 0 : -1;
out:
        sqlite3_finalize(stmt);
        return rc;
}

void manage_media_delete(struct web_request *r)
{
        const char *force_arg = web_query(r, "force");
        bool force = force_arg && strcmp(force_arg, "1") == 0;
        json_t *uses = NULL;
        json_t *o = load_media(r->db, r->ids[0]);
        sqlite3_stmt *stmt = NULL;

        if (force_arg && !force && strcmp(force_arg, "0") != 0) {
                web_respond_error(r, 400, "field_invalid", "force must be 1 or 0");
                goto out;
        }
        if (!o) {
                web_respond_error(r, 404, "not_found", "no media %" PRId64, r->ids[0]);
                goto out;
        }
        if (manage_begin(r->db) < 0)
                goto db_error;
        if (media_uses(r->db, r->ids[0], &uses) < 0)
                goto db_error;
        if (json_array_size(uses) > 0 && !force) {
                manage_rollback(r->db);
                web_respond_json(
                    r, 409,
                    json_pack("{ss ss sO}", "error",
                              "the item is used by a show or a campaign; delete with "
                              "?force=1 to take it off the air anyway",
                              "code", "media_in_use", "used_by", uses));
                goto out;
        }
        /* soft: as-run rows and a later re-import keep referring to the row;
         * the planner leaves deleted media out of shows and campaigns */
        if (sqlite3_prepare_v2(r->db, "UPDATE media SET deleted = 1 WHERE id = ?1", -1,
                               &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, r->ids[0]);
        if (sqlite3_step(stmt) != SQLITE_DONE || manage_commit(r->db) < 0)
                goto db_error;
        log_info("media %" PRId64 " deleted by %s%s", r->ids[0], r->session.user,
                 force ? " (forced)" : "");
        web_respond_json(r, 200,
                         json_pack("{sI sb sO}", "id", (json_int_t)r->ids[0], "deleted",
                                   1, "used_by", uses));
        manage_schedule_changed(r);
        goto out;
db_error:
        /* before the rollback resets the error */
        web_respond_db_error(r);
        manage_rollback(r->db);
out:
        sqlite3_finalize(stmt);
        json_decref(uses);
        json_decref(o);
}
