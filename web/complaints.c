/* Complaint segments (call-in recordings): upload, the workflow received ->
 * verified -> queued -> aired -> forwarded -> closed (or rejected), the queue
 * order and the LAPOR!-shaped export.  Caller identity appears only in these
 * authenticated staff views, never in anything that airs or is public. */
#define LOG_MODULE "web"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "media/media.h"
#include "scheduler/scheduler.h"
#include "web/web_private.h"

static const char *const statuses[] = {"received",  "verified", "queued", "aired",
                                       "forwarded", "answered", "closed", "rejected"};

static bool valid_status(const char *s)
{
        for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
                if (strcmp(s, statuses[i]) == 0)
                        return true;
        return false;
}

static json_t *column_json(sqlite3_stmt *stmt, int i)
{
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
                return json_null();
        json_t *s = json_string((const char *)sqlite3_column_text(stmt, i));
        return s ? s : json_null();
}

/* Times in these tables are UTC seconds; rows written by the scheduler may
 * carry milliseconds, told apart by size (1e11 s is far beyond any date). */
static json_t *column_time(sqlite3_stmt *stmt, int i)
{
        char when[64];
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
                return json_null();
        int64_t seconds = sqlite3_column_int64(stmt, i); /* see schema.c: units */
        return json_string(time_format_iso(seconds * 1000, when, sizeof when));
}

#define COMPLAINT_COLUMNS                                                                \
        "c.id, c.title, c.summary, c.category, c.location, c.incident_date, "            \
        "c.caller_name, c.caller_phone, c.anonymous, c.confidential, c.consent, "        \
        "c.status, "                                                                     \
        "c.queue_position, c.air_next, c.lapor_tracking_id, c.created_at, "              \
        "c.updated_at, "                                                                 \
        "m.duration, c.intro_media_id, m.path, c.source, c.reference, "                  \
        "c.answer_agency, c.answer_text, c.answer_aired_at, "                            \
        "(SELECT max(e.at) FROM complaint_events e WHERE e.complaint_id = c.id "         \
        " AND e.to_status = 'forwarded') "                                               \
        "FROM complaints c LEFT JOIN media m ON m.id = c.media_id "

static json_t *complaint_json(sqlite3_stmt *stmt, const struct config *config)
{
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(sqlite3_column_int64(stmt, 0)));
        json_object_set_new(o, "title", column_json(stmt, 1));
        json_object_set_new(o, "summary", column_json(stmt, 2));
        json_object_set_new(o, "category", column_json(stmt, 3));
        json_object_set_new(o, "location", column_json(stmt, 4));
        json_object_set_new(o, "incident_date", column_json(stmt, 5));
        json_object_set_new(o, "caller_name", column_json(stmt, 6));
        json_object_set_new(o, "caller_phone", column_json(stmt, 7));
        json_object_set_new(o, "anonymous", json_boolean(sqlite3_column_int(stmt, 8)));
        json_object_set_new(o, "confidential", json_boolean(sqlite3_column_int(stmt, 9)));
        json_object_set_new(o, "consent", json_boolean(sqlite3_column_int(stmt, 10)));
        json_object_set_new(o, "status", column_json(stmt, 11));
        json_object_set_new(o, "queue_position",
                            sqlite3_column_type(stmt, 12) == SQLITE_NULL
                                ? json_null()
                                : json_integer(sqlite3_column_int64(stmt, 12)));
        json_object_set_new(o, "air_next", json_boolean(sqlite3_column_int(stmt, 13)));
        json_object_set_new(o, "lapor_tracking_id", column_json(stmt, 14));
        json_object_set_new(o, "created_at", column_time(stmt, 15));
        json_object_set_new(o, "updated_at", column_time(stmt, 16));
        json_object_set_new(o, "duration", json_real(sqlite3_column_double(stmt, 17)));
        json_object_set_new(o, "has_intro",
                            json_boolean(sqlite3_column_type(stmt, 18) != SQLITE_NULL));
        json_object_set_new(o, "source", column_json(stmt, 20));
        json_object_set_new(o, "reference", column_json(stmt, 21));
        json_object_set_new(o, "answer_agency", column_json(stmt, 22));
        json_object_set_new(o, "answer_text", column_json(stmt, 23));
        json_object_set_new(o, "answer_aired_at", column_time(stmt, 24));
        json_object_set_new(o, "forwarded_at", column_time(stmt, 25));
        /* a forwarded complaint waits for the agency's answer */
        char due[16] = "";
        bool waiting =
            sqlite3_column_type(stmt, 25) != SQLITE_NULL &&
            strcmp((const char *)sqlite3_column_text(stmt, 11), "forwarded") == 0;
        bool overdue =
            waiting && web_complaint_overdue(config, sqlite3_column_int64(stmt, 25),
                                             time_now_ms() / 1000, due, sizeof due);
        json_object_set_new(o, "answer_due", waiting ? json_string(due) : json_null());
        json_object_set_new(o, "overdue", json_boolean(overdue));
        return o;
}

/* ---- upload ------------------------------------------------------------------------ */

/* "1"/"0" or absent (then def).  Returns 0/1, or -1 on any other value. */
static int form_flag(struct web_request *r, const char *name, int def)
{
        const char *v = web_field(r, name);
        if (!v || !*v)
                return def;
        if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
                return 1;
        if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
                return 0;
        return -1;
}

static bool valid_date(const char *s)
{
        int64_t ms;
        int y, m, d;
        char extra;
        if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
                return false;
        if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
                return false;
        if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200)
                return false;
        if (time_parse_date(s, &ms) < 0)
                return false;
        /* 2025-02-31 must not slide into March */
        int yy, mm, dd;
        time_local_fields(ms + 12 * 3600 * 1000LL, &yy, &mm, &dd, NULL, NULL, NULL, NULL);
        return yy == y && mm == m && dd == d;
}

/* Speaks text into the media store (file, not yet a row; see
 * sched_media_prepare).  Returns 0, or -1 (logged: the complaint goes
 * without it). */
static int speak_and_prepare(struct web_request *r, const char *text,
                             struct sched_media_file *file)
{
        char err[256];
        char *path = sched_speak(text, err, sizeof err);
        if (!path) {
                log_warn("complaint speech: text-to-speech failed: %s", err);
                return -1;
        }
        int rc = sched_media_prepare(r->web->ctx.config, path, file, err, sizeof err);
        if (rc < 0)
                log_warn("complaint speech: %s", err);
        unlink(path);
        free(path);
        return rc < 0 ? -1 : 0;
}

/* The complaint's spoken intro ("Suara Warga dari <location>, tentang
 * <title>."), prepared; 0 or -1. */
static int make_intro(struct web_request *r, const char *title, const char *location,
                      struct sched_media_file *file)
{
        char *text = sched_complaint_intro_text(title, location);
        int rc = speak_and_prepare(r, text, file);
        free(text);
        return rc;
}

/* The row of spoken text, stored as a complaint item titled item_title, so
 * it is the complaint's (no library listing, download, edit, playlist or
 * rotation reaches it); inside the caller's transaction if one is open.  The
 * media id, 0 when the same speech is some library item (never taken over),
 * or -1 on a database error. */
static int64_t insert_spoken(struct web_request *r, struct sched_media_file *file,
                             const char *item_title)
{
        char err[256];
        bool existed = false;
        struct sched_media media = {0};
        if (sched_media_insert(r->db, file, ITEM_COMPLAINT, NULL, NULL, &existed, &media,
                               err, sizeof err) < 0) {
                log_warn("complaint speech: %s", err);
                return -1;
        }
        int64_t id = media.id;
        if (existed && media.kind != ITEM_COMPLAINT) {
                log_warn("complaint speech: the speech is already media %lld",
                         (long long)media.id);
                id = 0;
        } else if (!existed) {
                sched_media_set_title(r->db, id, item_title);
        }
        sched_media_clear(&media);
        return id;
}

int web_complaint_intros_protect(sqlite3 *db)
{
        /* Stations that ran an older siaran have intros stored as library
         * announcements, confidential complaints' included. */
        static const char sql[] =
            "UPDATE media SET kind = 'complaint', deleted = deleted OR id IN "
            " (SELECT intro_media_id FROM complaints WHERE confidential = 1"
            "  AND intro_media_id IS NOT NULL) "
            "WHERE kind != 'complaint' AND id IN (SELECT intro_media_id FROM complaints) "
            " AND id NOT IN (SELECT media_id FROM announcements);"
            "UPDATE complaints SET intro_media_id = NULL "
            "WHERE confidential = 1 AND intro_media_id IS NOT NULL;";
        char *msg = NULL;
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
                log_error("complaint intros: %s", msg ? msg : sqlite3_errmsg(db));
                sqlite3_free(msg);
                return -1;
        }
        return 0;
}

/* The citizen's code: 8 characters without look-alikes (no 0/O, 1/I/L),
 * 31^8 (about 8.5e11) values, drawn by libsodium.  Unique within the table;
 * checked inside the insert's transaction. */
static int new_reference(sqlite3 *db, char out[9])
{
        static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM complaints WHERE reference = ?1", -1,
                               &stmt, NULL) != SQLITE_OK)
                goto out;
        for (int attempt = 0; attempt < 8; attempt++) {
                for (int i = 0; i < 8; i++)
                        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
                out[8] = '\0';
                sqlite3_reset(stmt);
                sqlite3_bind_text(stmt, 1, out, -1, SQLITE_STATIC);
                int step = sqlite3_step(stmt);
                if (step == SQLITE_DONE) {
                        rc = 0;
                        goto out;
                }
                if (step != SQLITE_ROW)
                        goto out;
        }
out:
        sqlite3_finalize(stmt);
        return rc;
}

static void create_complaint(struct web_request *r, bool from_public)
{
        static const struct {
                const char *name;
                size_t max;
                bool required;
                bool multiline; /* may hold line breaks; the rest is one line */
        } text_fields[] = {
            {"title", 200, true, false},         {"summary", 4000, false, true},
            {"category", 100, false, false},     {"location", 200, false, false},
            {"incident_date", 10, false, false}, {"caller_name", 200, false, false},
            {"caller_phone", 40, false, false},
        };
        char err[256];
        struct sched_media media = {0};
        struct sched_media_file recording = {0}, intro = {0};
        sqlite3_stmt *stmt = NULL;
        bool in_transaction = false;

        if (!r->upload_path || r->upload_size == 0) {
                web_respond_error(r, 400, "audio_required",
                                  "the form needs an audio file in the field 'audio'");
                goto out;
        }
        for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
                const char *v = web_field(r, text_fields[i].name);
                if (text_fields[i].required && (!v || !*v)) {
                        web_respond_error(r, 400, "field_required",
                                          "the field '%s' is required",
                                          text_fields[i].name);
                        goto out;
                }
                if (v && (!web_text_valid(v, text_fields[i].multiline) ||
                          strlen(v) > text_fields[i].max)) {
                        web_respond_error(r, 400, "text_length",
                                          "the field '%s' must be UTF-8 text of at most "
                                          "%zu bytes%s",
                                          text_fields[i].name, text_fields[i].max,
                                          text_fields[i].multiline
                                              ? ""
                                              : ", on one line, without control "
                                                "characters");
                        goto out;
                }
        }
        const char *title = web_field(r, "title");
        const char *location = web_field(r, "location");
        const char *incident_date = web_field(r, "incident_date");
        if (incident_date && *incident_date && !valid_date(incident_date)) {
                web_respond_error(r, 400, "date_invalid",
                                  "incident_date must be a date YYYY-MM-DD");
                goto out;
        }
        int anonymous = form_flag(r, "anonymous", 1);
        int confidential = form_flag(r, "confidential", 0);
        int consent = form_flag(r, "consent", 0);
        if (anonymous < 0 || confidential < 0 || consent < 0) {
                web_respond_error(r, 400, "field_invalid",
                                  "anonymous, confidential and consent must be 1 or 0");
                goto out;
        }
        /* the cheap refusals first; the limits are taken before any decoding */
        if (from_public && consent != 1) {
                web_respond_error(
                    r, 400, "consent_required",
                    "consent=1 is required: the station airs what you send");
                goto out;
        }
        if (from_public && web_public_submission_admit(r) < 0)
                goto out;

        /* Decoded and stored first, without the write lock; then the rows of
         * the recording, its intro, the complaint and its first event in one
         * transaction: a failure leaves no row, and no stored file without one. */
        int rc = sched_media_prepare(r->web->ctx.config, r->upload_path, &recording, err,
                                     sizeof err);
        if (rc < 0) {
                web_respond_import_error(r, rc, err);
                goto out;
        }
        if (from_public &&
            recording.info.duration > r->web->ctx.config->public_max_seconds) {
                web_respond_error(r, 413, "recording_too_long",
                                  "the recording is longer than %d minutes",
                                  r->web->ctx.config->public_max_seconds / 60);
                goto out;
        }
        /* a confidential complaint never airs, so it gets no intro to leak */
        bool has_intro =
            !confidential && make_intro(r, title, location ? location : "", &intro) == 0;

        if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        in_transaction = true;
        bool existed = false;
        rc = sched_media_insert(r->db, &recording, ITEM_COMPLAINT, NULL, NULL, &existed,
                                &media, err, sizeof err);
        if (rc < 0)
                goto db_error;
        if (existed && media.kind != ITEM_COMPLAINT) {
                /* the bytes of a library item: it stays as it is, and a
                 * complaint never airs a song under its own name */
                web_respond_error(r, 409, "recording_duplicate",
                                  "this recording is already in the library; a "
                                  "complaint needs a recording of its own");
                goto out;
        }
        /* the same call uploaded again shares the stored recording; an upload
         * never retitles another complaint's item */
        if (!existed)
                sched_media_set_title(r->db, media.id, title);
        char *intro_title = xasprintf("Suara Warga: %s", title);
        int64_t intro_id = has_intro ? insert_spoken(r, &intro, intro_title) : 0;
        free(intro_title);
        if (intro_id < 0)
                goto db_error;
        if (sqlite3_prepare_v2(
                r->db,
                "INSERT INTO complaints (media_id, intro_media_id, title, summary, "
                "category, "
                "location, incident_date, caller_name, caller_phone, anonymous, "
                "confidential, "
                "consent, status, created_by, created_at, updated_at, source, reference) "
                "VALUES (?1, ?2, ?3, ?4, "
                "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'received', ?13, ?14, ?14, ?15, ?16)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, media.id);
        if (intro_id > 0)
                sqlite3_bind_int64(stmt, 2, intro_id);
        sqlite3_bind_text(stmt, 3, title, -1, SQLITE_STATIC);
        const char *optional[] = {"summary", "category", "location"};
        for (int i = 0; i < 3; i++) {
                const char *v = web_field(r, optional[i]);
                sqlite3_bind_text(stmt, 4 + i, v ? v : "", -1, SQLITE_STATIC);
        }
        const char *nullable[] = {"incident_date", "caller_name", "caller_phone"};
        for (int i = 0; i < 3; i++) {
                const char *v = web_field(r, nullable[i]);
                if (v && *v)
                        sqlite3_bind_text(stmt, 7 + i, v, -1, SQLITE_STATIC);
        }
        sqlite3_bind_int(stmt, 10, anonymous);
        sqlite3_bind_int(stmt, 11, confidential);
        sqlite3_bind_int(stmt, 12, consent);
        if (r->session.user_id > 0)
                sqlite3_bind_int64(stmt, 13, r->session.user_id);
        sqlite3_bind_int64(stmt, 14, time_now_ms() / 1000);
        char reference[9] = "";
        sqlite3_bind_text(stmt, 15, from_public ? "public" : "staff", -1, SQLITE_STATIC);
        if (from_public) {
                if (new_reference(r->db, reference) < 0)
                        goto db_error;
                sqlite3_bind_text(stmt, 16, reference, -1, SQLITE_STATIC);
        }
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto db_error;
        int64_t id = sqlite3_last_insert_rowid(r->db);
        if (sched_complaint_event(r->db, id, NULL, "received", r->session.user_id, "") <
            0)
                goto db_error;
        if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        in_transaction = false;
        log_info("complaint %lld received from %s (media %lld, %.1f s)", (long long)id,
                 from_public ? "the public page" : r->session.user, (long long)media.id,
                 media.duration);
        if (from_public) {
                web_respond_json(r, 202, json_pack("{ss}", "reference", reference));
                goto out;
        }
        web_respond_json(r, 201,
                         json_pack("{sI ss sf sb}", "id", (json_int_t)id, "status",
                                   "received", "duration", media.duration, "intro",
                                   intro_id > 0));
        goto out;
db_error:
        web_respond_db_error(r);
out:
        sqlite3_finalize(stmt);
        if (in_transaction)
                sched_db_rollback(r->db);
        sched_media_clear(&media);
        sched_media_file_clear(r->db, &recording);
        sched_media_file_clear(r->db, &intro);
}

void web_handle_complaint_create(struct web_request *r)
{
        create_complaint(r, false);
}

void web_handle_public_complaint_create(struct web_request *r)
{
        create_complaint(r, true);
}

/* ---- reading -------------------------------------------------------------------------
 */

static json_t *status_counts(sqlite3 *db)
{
        json_t *counts = json_object();
        sqlite3_stmt *stmt = NULL;
        for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
                json_object_set_new(counts, statuses[i], json_integer(0));
        if (sqlite3_prepare_v2(db,
                               "SELECT status, count(*) FROM complaints GROUP BY status",
                               -1, &stmt, NULL) == SQLITE_OK)
                while (sqlite3_step(stmt) == SQLITE_ROW)
                        json_object_set_new(counts,
                                            (const char *)sqlite3_column_text(stmt, 0),
                                            json_integer(sqlite3_column_int64(stmt, 1)));
        sqlite3_finalize(stmt);
        return counts;
}

void web_handle_complaint_list(struct web_request *r)
{
        const char *status = web_query(r, "status");
        sqlite3_stmt *stmt = NULL;
        if (status && !valid_status(status)) {
                web_respond_error(r, 400, "field_invalid", "unknown status '%.40s'",
                                  status);
                return;
        }
        /* queued ones in airing order (air-next first), the rest newest first */
        if (sqlite3_prepare_v2(r->db,
                               "SELECT " COMPLAINT_COLUMNS
                               "WHERE ?1 IS NULL OR c.status = ?1 "
                               "ORDER BY c.status = 'queued' DESC, c.air_next DESC, "
                               "c.queue_position, c.created_at DESC, c.id DESC LIMIT 500",
                               -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        if (status)
                sqlite3_bind_text(stmt, 1, status, -1, SQLITE_STATIC);
        json_t *list = json_array();
        while (sqlite3_step(stmt) == SQLITE_ROW)
                json_array_append_new(list, complaint_json(stmt, r->web->ctx.config));
        sqlite3_finalize(stmt);
        web_respond_json(r, 200,
                         json_pack("{so so si}", "complaints", list, "counts",
                                   status_counts(r->db), "overdue",
                                   web_complaints_overdue_count(r->web)));
}

/* Fills the complaint with the events.  Returns the JSON or NULL if none. */
static json_t *load_complaint(sqlite3 *db, const struct config *config, int64_t id,
                              char **media_path)
{
        sqlite3_stmt *stmt = NULL;
        json_t *o = NULL;
        if (sqlite3_prepare_v2(db, "SELECT " COMPLAINT_COLUMNS "WHERE c.id = ?1", -1,
                               &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, id);
        if (sqlite3_step(stmt) != SQLITE_ROW)
                goto out;
        o = complaint_json(stmt, config);
        if (media_path && sqlite3_column_type(stmt, 19) != SQLITE_NULL)
                *media_path = xstrdup((const char *)sqlite3_column_text(stmt, 19));
        sqlite3_finalize(stmt);
        stmt = NULL;
        json_t *events = json_array();
        if (sqlite3_prepare_v2(
                db,
                "SELECT e.from_status, e.to_status, u.name, e.at, e.note "
                "FROM complaint_events e LEFT JOIN users u ON u.id = e.user_id "
                "WHERE e.complaint_id = ?1 ORDER BY e.id",
                -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, id);
                while (sqlite3_step(stmt) == SQLITE_ROW)
                        json_array_append_new(
                            events,
                            json_pack("{so so so so so}", "from", column_json(stmt, 0),
                                      "to", column_json(stmt, 1), "user",
                                      column_json(stmt, 2), "at", column_time(stmt, 3),
                                      "note", column_json(stmt, 4)));
        }
        json_object_set_new(o, "events", events);
out:
        sqlite3_finalize(stmt);
        return o;
}

void web_handle_complaint_get(struct web_request *r)
{
        json_t *o = load_complaint(r->db, r->web->ctx.config, r->ids[0], NULL);
        if (!o) {
                web_respond_error(r, 404, "not_found", "no complaint %lld",
                                  (long long)r->ids[0]);
                return;
        }
        web_respond_json(r, 200, o);
}

static const char *audio_type(const char *path)
{
        const char *dot = strrchr(path, '.');
        static const char *const types[][2] = {
            {".wav", "audio/wav"},  {".ogg", "audio/ogg"},   {".opus", "audio/ogg"},
            {".oga", "audio/ogg"},  {".mp3", "audio/mpeg"},  {".flac", "audio/flac"},
            {".m4a", "audio/mp4"},  {".webm", "audio/webm"}, {".mp4", "audio/mp4"},
            {".3gp", "audio/3gpp"}, {".aac", "audio/aac"},   {".amr", "audio/amr"},
        };
        for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
                if (strcmp(dot, types[i][0]) == 0)
                        return types[i][1];
        return "application/octet-stream";
}

void web_handle_complaint_audio(struct web_request *r)
{
        char *path = NULL;
        json_t *o = load_complaint(r->db, r->web->ctx.config, r->ids[0], &path);
        if (!o || !path)
                web_respond_error(r, 404, "file_missing",
                                  "no recording for complaint %lld",
                                  (long long)r->ids[0]);
        else if (web_respond_file(r, path, audio_type(path)) < 0)
                web_respond_error(r, 404, "file_missing",
                                  "the recording's file is missing");
        json_decref(o);
        free(path);
}

/* The record SP4N-LAPOR! asks for, in its own (Indonesian) field names. */
static json_t *lapor_record(json_t *c, const char *media_path)
{
        bool anonymous = json_is_true(json_object_get(c, "anonymous"));
        const char *base = media_path ? strrchr(media_path, '/') : NULL;
        json_int_t id = json_integer_value(json_object_get(c, "id"));
        char *url = xasprintf("/api/v1/complaints/%lld/audio", (long long)id);
        json_t *record =
            json_pack("{sI sO sO sO sO sO sb sb s{ss ss} sO sO}", "id", id, "judul",
                      json_object_get(c, "title"), "isi", json_object_get(c, "summary"),
                      "tanggal_kejadian", json_object_get(c, "incident_date"), "lokasi",
                      json_object_get(c, "location"), "kategori",
                      json_object_get(c, "category"), "anonim", anonymous, "rahasia",
                      json_is_true(json_object_get(c, "confidential")), "lampiran",
                      "berkas", base ? base + 1 : "", "url", url, "nomor_pelacakan",
                      json_object_get(c, "lapor_tracking_id"), "status",
                      json_object_get(c, "status"));
        free(url);
        /* the reporter's identity goes to LAPOR! only when they did not ask
         * for anonymity */
        if (record && !anonymous)
                json_object_set_new(
                    record, "pelapor",
                    json_pack("{sO sO}", "nama", json_object_get(c, "caller_name"),
                              "telepon", json_object_get(c, "caller_phone")));
        return record;
}

static void csv_field(FILE *out, json_t *value, bool last)
{
        char buf[32];
        const char *text = "";
        if (json_is_string(value))
                text = json_string_value(value);
        else if (json_is_boolean(value))
                text = json_is_true(value) ? "ya" : "tidak";
        else if (json_is_integer(value)) {
                snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(value));
                text = buf;
        }
        csv_write_cell(out, text, true); /* LAPOR! quotes every cell */
        fputc(last ? '\n' : ',', out);
}

static void respond_lapor(struct web_request *r, unsigned int status)
{
        char *path = NULL;
        json_t *c = load_complaint(r->db, r->web->ctx.config, r->ids[0], &path);
        if (!c) {
                web_respond_error(r, 404, "not_found", "no complaint %lld",
                                  (long long)r->ids[0]);
                return;
        }
        json_t *record = lapor_record(c, path);
        const char *format = web_query(r, "format");
        if (format && strcmp(format, "csv") == 0) {
                static const char *const keys[] = {
                    "id",       "judul",  "isi",     "tanggal_kejadian", "lokasi",
                    "kategori", "anonim", "rahasia", "nomor_pelacakan"};
                size_t n = sizeof keys / sizeof keys[0];
                char *csv = NULL;
                size_t len = 0;
                FILE *out = open_memstream(&csv, &len);
                if (!out) {
                        web_respond_error(r, 500, "internal_error", "out of memory");
                        json_decref(record);
                        json_decref(c);
                        free(path);
                        return;
                }
                for (size_t i = 0; i <= n; i++) {
                        json_t *key = json_string(i < n ? keys[i] : "lampiran");
                        csv_field(out, key, i == n);
                        json_decref(key);
                }
                for (size_t i = 0; i <= n; i++)
                        csv_field(
                            out,
                            i < n ? json_object_get(record, keys[i])
                                  : json_object_get(json_object_get(record, "lampiran"),
                                                    "berkas"),
                            i == n);
                fclose(out);
                web_respond_bytes(r, status, "text/csv; charset=utf-8", csv, len, true);
                free(csv);
                json_decref(record);
        } else {
                web_respond_json(r, status, record);
        }
        json_decref(c);
        free(path);
}

void web_handle_complaint_lapor(struct web_request *r)
{
        respond_lapor(r, 200);
}

/* ---- the workflow -------------------------------------------------------------------
 */

/* Takes one step of the workflow (scheduler/complaints.c); on a refusal the
 * answer is sent.  Returns true when it changed. */
static bool apply_transition(struct web_request *r, enum sched_complaint_step step,
                             const char *tracking_id)
{
        char err[256];
        int rc = sched_complaint_step(r->db, r->ids[0], step, r->session.user_id,
                                      tracking_id, err, sizeof err);
        if (rc == -2)
                web_respond_error(r, 404, "not_found", "%s", err);
        else if (rc == SCHED_COMPLAINT_WRONG_STATUS)
                web_respond_error(r, 409, "complaint_state", "%s", err);
        else if (rc == SCHED_COMPLAINT_CONFIDENTIAL)
                web_respond_error(r, 409, "complaint_confidential", "%s", err);
        else if (rc == SCHED_COMPLAINT_NO_CONSENT)
                web_respond_error(r, 409, "consent_missing", "%s", err);
        else if (rc < 0)
                web_respond_db_error(r);
        else
                log_info("complaint %lld: step by %s", (long long)r->ids[0],
                         r->session.user);
        return rc == 0;
}

static void schedule_changed(struct web_request *r)
{
        if (r->web->ctx.playout)
                playout_schedule_changed(r->web->ctx.playout);
        web_status_schedule_changed(r->web->status);
}

static void respond_complaint(struct web_request *r)
{
        json_t *o = load_complaint(r->db, r->web->ctx.config, r->ids[0], NULL);
        if (!o)
                web_respond_error(r, 500, "internal_error", "the complaint vanished");
        else
                web_respond_json(r, 200, o);
}

static void simple_step(struct web_request *r, enum sched_complaint_step step,
                        bool reschedule)
{
        if (!apply_transition(r, step, NULL))
                return;
        if (reschedule)
                schedule_changed(r);
        respond_complaint(r);
}

void web_handle_complaint_verify(struct web_request *r)
{
        simple_step(r, SCHED_COMPLAINT_VERIFY, false);
}

void web_handle_complaint_reject(struct web_request *r)
{
        simple_step(r, SCHED_COMPLAINT_REJECT, true);
}

void web_handle_complaint_queue(struct web_request *r)
{
        simple_step(r, SCHED_COMPLAINT_QUEUE, true);
}

void web_handle_complaint_air_next(struct web_request *r)
{
        simple_step(r, SCHED_COMPLAINT_AIR_NEXT, true);
}

void web_handle_complaint_close(struct web_request *r)
{
        simple_step(r, SCHED_COMPLAINT_CLOSE, false);
}

/* PATCH /api/v1/complaints/{id}: the details, while the complaint can still
 * air.  Only the fields given change; the checks are those of the upload. */
void web_handle_complaint_update(struct web_request *r)
{
        static const struct {
                const char *name;
                size_t max;
                bool multiline, nullable;
        } texts[] = {
            {"title", 200, false, false},       {"summary", 4000, true, false},
            {"category", 100, false, false},    {"location", 200, false, false},
            {"incident_date", 10, false, true}, {"caller_name", 200, false, true},
            {"caller_phone", 40, false, true},
        };
        static const char *const flags[] = {"anonymous", "confidential", "consent"};
        const char *text[7] = {0};
        int flag[3] = {-1, -1, -1};
        char err[256];
        const char *key;
        json_t *value;
        if (!json_is_object(r->json) || json_object_size(r->json) == 0) {
                web_respond_error(
                    r, 400, "field_invalid",
                    "the body must be a JSON object of the fields to change");
                return;
        }
        json_object_foreach(r->json, key, value)
        {
                bool known = false;
                for (size_t i = 0; i < 7; i++) {
                        if (strcmp(key, texts[i].name) != 0)
                                continue;
                        known = true;
                        if (json_is_null(value) && texts[i].nullable) {
                                text[i] = "";
                                break;
                        }
                        const char *v = json_string_value(value);
                        if (!v || strlen(v) > texts[i].max ||
                            !web_text_valid(v, texts[i].multiline)) {
                                web_respond_error(
                                    r, 400, "field_invalid",
                                    "the field '%s' must be UTF-8 text of at most %zu "
                                    "bytes%s",
                                    key, texts[i].max,
                                    texts[i].multiline ? ""
                                                       : ", on one line, without control "
                                                         "characters");
                                return;
                        }
                        text[i] = v;
                }
                for (size_t i = 0; i < 3; i++) {
                        if (strcmp(key, flags[i]) != 0)
                                continue;
                        known = true;
                        if (!json_is_boolean(value)) {
                                web_respond_error(r, 400, "field_invalid",
                                                  "%s must be true or false", key);
                                return;
                        }
                        flag[i] = json_is_true(value);
                }
                if (!known) {
                        web_respond_error(r, 400, "field_invalid",
                                          "unknown field '%.40s'", key);
                        return;
                }
        }
        if (text[0] && !*text[0]) {
                web_respond_error(r, 400, "title_empty", "title must not be empty");
                return;
        }
        if (text[4] && *text[4] && !valid_date(text[4])) {
                web_respond_error(r, 400, "date_invalid",
                                  "incident_date must be a date YYYY-MM-DD");
                return;
        }
        struct sched_complaint_edit edit = {
            .title = text[0],
            .summary = text[1],
            .category = text[2],
            .location = text[3],
            .incident_date = text[4],
            .caller_name = text[5],
            .caller_phone = text[6],
            .anonymous = flag[0],
            .confidential = flag[1],
            .consent = flag[2],
        };
        int rc = sched_complaint_edit(r->db, r->web->ctx.config, r->ids[0], &edit,
                                      r->session.user_id, err, sizeof err);
        if (rc == -2) {
                web_respond_error(r, 404, "not_found", "%s", err);
                return;
        }
        if (rc == -3) {
                web_respond_error(r, 409, "complaint_not_editable", "%s", err);
                return;
        }
        if (rc < 0) {
                web_respond_db_error(r);
                return;
        }
        log_info("complaint %lld edited by %s", (long long)r->ids[0], r->session.user);
        schedule_changed(r);
        respond_complaint(r);
}

void web_handle_complaint_forward(struct web_request *r)
{
        const char *tracking = json_string_value(json_object_get(r->json, "tracking_id"));
        if (!tracking || !*tracking || strlen(tracking) > 64) {
                web_respond_error(r, 400, "field_required",
                                  "tracking_id (the LAPOR! tracking number, at most 64 "
                                  "characters) is required");
                return;
        }
        for (const char *p = tracking; *p; p++) {
                if ((unsigned char)*p < 0x20 || *p == 0x7f) {
                        web_respond_error(r, 400, "field_invalid",
                                          "tracking_id has control characters");
                        return;
                }
        }
        if (!apply_transition(r, SCHED_COMPLAINT_FORWARD, tracking))
                return;
        schedule_changed(r);
        respond_lapor(r, 200);
}

void web_handle_complaint_reorder(struct web_request *r)
{
        json_t *ids = json_object_get(r->json, "ids");
        sqlite3_stmt *stmt = NULL;
        bool done = false;
        size_t n = json_array_size(ids);
        if (!json_is_array(ids) || n == 0 || n > 1000) {
                web_respond_error(r, 400, "field_invalid",
                                  "ids must be a non-empty array of complaint ids");
                return;
        }
        for (size_t i = 0; i < n; i++) {
                json_t *v = json_array_get(ids, i);
                if (!json_is_integer(v) || json_integer_value(v) <= 0) {
                        web_respond_error(r, 400, "field_invalid",
                                          "ids[%zu] is not a complaint id", i);
                        return;
                }
                for (size_t j = 0; j < i; j++)
                        if (json_integer_value(json_array_get(ids, j)) ==
                            json_integer_value(v)) {
                                web_respond_error(r, 400, "field_invalid",
                                                  "id %lld is listed twice",
                                                  (long long)json_integer_value(v));
                                return;
                        }
        }
        if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        if (sqlite3_prepare_v2(r->db, "SELECT status FROM complaints WHERE id = ?1", -1,
                               &stmt, NULL) != SQLITE_OK)
                goto db_error;
        for (size_t i = 0; i < n; i++) {
                json_int_t id = json_integer_value(json_array_get(ids, i));
                sqlite3_reset(stmt);
                sqlite3_bind_int64(stmt, 1, id);
                if (sqlite3_step(stmt) != SQLITE_ROW) {
                        web_respond_error(r, 404, "not_found", "no complaint %lld",
                                          (long long)id);
                        goto out;
                }
                if (strcmp((const char *)sqlite3_column_text(stmt, 0), "queued") != 0) {
                        web_respond_error(r, 409, "complaint_state",
                                          "complaint %lld is not queued", (long long)id);
                        goto out;
                }
        }
        sqlite3_finalize(stmt);
        stmt = NULL;
        /* the listed ones first, in the given order; the others keep their
         * order behind them */
        if (sqlite3_prepare_v2(
                r->db,
                "UPDATE complaints SET queue_position = queue_position + ?1 "
                "WHERE status = 'queued'",
                -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64)n + 1);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto db_error;
        sqlite3_finalize(stmt);
        stmt = NULL;
        if (sqlite3_prepare_v2(
                r->db,
                "UPDATE complaints SET queue_position = ?2, updated_at = ?3 "
                "WHERE id = ?1",
                -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        for (size_t i = 0; i < n; i++) {
                sqlite3_reset(stmt);
                sqlite3_bind_int64(stmt, 1, json_integer_value(json_array_get(ids, i)));
                sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i + 1);
                sqlite3_bind_int64(stmt, 3, time_now_ms() / 1000);
                if (sqlite3_step(stmt) != SQLITE_DONE)
                        goto db_error;
        }
        sqlite3_finalize(stmt);
        stmt = NULL;
        if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        done = true;
        log_info("complaint queue reordered by %s", r->session.user);
        schedule_changed(r);
        r->ids[0] = 0;
        {
                json_t *order = json_array();
                if (sqlite3_prepare_v2(
                        r->db,
                        "SELECT id FROM complaints WHERE status = 'queued' "
                        "ORDER BY air_next DESC, queue_position",
                        -1, &stmt, NULL) == SQLITE_OK)
                        while (sqlite3_step(stmt) == SQLITE_ROW)
                                json_array_append_new(
                                    order, json_integer(sqlite3_column_int64(stmt, 0)));
                web_respond_json(r, 200, json_pack("{so}", "queue", order));
        }
        goto out;
db_error:
        web_respond_db_error(r);
out:
        sqlite3_finalize(stmt);
        if (!done)
                sched_db_rollback(r->db);
}

/* ---- the agency's answer ----------------------------------------------------------- */

struct answer_input {
        const char *agency, *text;
        bool from_form;
};

static int read_answer_input(struct web_request *r, struct answer_input *in)
{
        in->from_form = !r->body_json;
        in->agency = in->from_form
                         ? web_field(r, "agency")
                         : json_string_value(json_object_get(r->json, "agency"));
        in->text = in->from_form ? web_field(r, "text")
                                 : json_string_value(json_object_get(r->json, "text"));
        if (!in->agency || !*in->agency || strlen(in->agency) > 200 ||
            !web_text_valid(in->agency, false)) {
                web_respond_error(r, 400, "field_required",
                                  "agency (who answered, one line of at most 200 bytes) "
                                  "is required");
                return -1;
        }
        if (in->text && (strlen(in->text) > 4000 || !web_text_valid(in->text, true))) {
                web_respond_error(r, 400, "text_length",
                                  "text must be UTF-8 of at most 4000 bytes");
                return -1;
        }
        bool has_audio = in->from_form && r->upload_path && r->upload_size > 0;
        if (!has_audio && (!in->text || !*in->text)) {
                web_respond_error(r, 400, "answer_missing",
                                  "the answer needs its text, or a recording in the "
                                  "field 'audio'");
                return -1;
        }
        return 0;
}

/* The complaint's title if it is forwarded (answered when not, -1). */
static int forwarded_title(struct web_request *r, char **title)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(r->db,
                               "SELECT status, title FROM complaints WHERE id = ?1", -1,
                               &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                goto out;
        }
        sqlite3_bind_int64(stmt, 1, r->ids[0]);
        if (sqlite3_step(stmt) != SQLITE_ROW) {
                web_respond_error(r, 404, "not_found", "no complaint %lld",
                                  (long long)r->ids[0]);
                goto out;
        }
        const char *status = (const char *)sqlite3_column_text(stmt, 0);
        if (strcmp(status, "forwarded") != 0) {
                web_respond_error(r, 409, "complaint_state",
                                  "cannot answer a complaint that is %s (forward it "
                                  "first)",
                                  status);
                goto out;
        }
        *title = xstrdup((const char *)sqlite3_column_text(stmt, 1));
        rc = 0;
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* The answer's recording, decoded and stored without the write lock: the
 * uploaded one, or the text spoken.  0, or -1 when it answered with an error. */
static int prepare_answer(struct web_request *r, const struct answer_input *in,
                          struct sched_media_file *file)
{
        char err[256];
        if (!(in->from_form && r->upload_path && r->upload_size > 0)) {
                if (speak_and_prepare(r, in->text, file) == 0)
                        return 0;
                web_respond_error(r, 500, "tts_failed",
                                  "text-to-speech of the answer failed");
                return -1;
        }
        int rc = sched_media_prepare(r->web->ctx.config, r->upload_path, file, err,
                                     sizeof err);
        if (rc < 0)
                web_respond_import_error(r, rc, err);
        return rc < 0 ? -1 : 0;
}

/* The answer recording's row, inside the answer's transaction.  Returns the
 * media id, or 0 when it answered with an error. */
static int64_t insert_answer(struct web_request *r, const struct answer_input *in,
                             struct sched_media_file *file, const char *item_title)
{
        char err[256];
        struct sched_media media = {0};
        bool existed = false;
        int64_t id = 0;
        if (!(in->from_form && r->upload_path && r->upload_size > 0)) {
                id = insert_spoken(r, file, item_title);
                if (id < 0)
                        web_respond_db_error(r);
                else if (id == 0)
                        web_respond_error(r, 500, "tts_failed",
                                          "text-to-speech of the answer failed");
                return id > 0 ? id : 0;
        }
        int rc = sched_media_insert(r->db, file, ITEM_COMPLAINT, NULL, NULL, &existed,
                                    &media, err, sizeof err);
        if (rc < 0) {
                web_respond_import_error(r, rc, err);
        } else if (existed && media.kind != ITEM_COMPLAINT) {
                web_respond_error(r, 409, "recording_duplicate",
                                  "this recording is already in the library; an "
                                  "answer needs a recording of its own");
        } else if (!existed && sched_media_set_title(r->db, media.id, item_title) < 0) {
                web_respond_db_error(r);
        } else {
                id = media.id;
        }
        sched_media_clear(&media);
        return id;
}

/* The answer on the complaint, inside the answer's transaction: 0, -2 when
 * it is no longer forwarded, -1 on a database error. */
static int store_answer(struct web_request *r, const struct answer_input *in,
                        int64_t media_id, int64_t intro_id)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        /* the status is checked again: another answer may have come first */
        if (sqlite3_prepare_v2(
                r->db,
                "UPDATE complaints SET status = 'answered', updated_at = ?2,"
                " answer_agency = ?3, answer_text = ?4, answer_media_id = ?5,"
                " answer_intro_media_id = ?6, answer_aired_at = NULL"
                " WHERE id = ?1 AND status = 'forwarded'",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, r->ids[0]);
        sqlite3_bind_int64(stmt, 2, time_now_ms() / 1000);
        sqlite3_bind_text(stmt, 3, in->agency, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, in->text ? in->text : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 5, media_id);
        if (intro_id > 0)
                sqlite3_bind_int64(stmt, 6, intro_id);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto out;
        if (sqlite3_changes(r->db) != 1) {
                rc = -2;
                goto out;
        }
        rc = sched_complaint_event(r->db, r->ids[0], "forwarded", "answered",
                                   r->session.user_id, in->agency);
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* The recording and its intro are decoded and stored first, without the
 * write lock; then their rows and the answer in one transaction: a failure
 * leaves no row, and no stored file without one. */
void web_handle_complaint_answer(struct web_request *r)
{
        struct answer_input in;
        struct sched_media_file recording = {0}, intro = {0};
        char *title = NULL, *intro_text = NULL, *item_title = NULL;
        bool in_transaction = false;
        if (read_answer_input(r, &in) < 0 || forwarded_title(r, &title) < 0)
                goto out;
        item_title = xasprintf("Tanggapan %s: %s", in.agency, title);
        if (prepare_answer(r, &in, &recording) < 0)
                goto out;
        intro_text = xasprintf("Tanggapan %s atas laporan tentang %s.", in.agency, title);
        bool has_intro = speak_and_prepare(r, intro_text, &intro) == 0;
        if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                goto out;
        }
        in_transaction = true;
        int64_t media_id = insert_answer(r, &in, &recording, item_title);
        if (!media_id)
                goto out;
        int64_t intro_id = has_intro ? insert_spoken(r, &intro, item_title) : 0;
        int rc = intro_id < 0 ? -1 : store_answer(r, &in, media_id, intro_id);
        if (rc == 0 && sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                rc = -1;
        if (rc == -2) {
                web_respond_error(r, 409, "complaint_state",
                                  "the complaint is no longer forwarded");
                goto out;
        }
        if (rc < 0) {
                web_respond_db_error(r);
                goto out;
        }
        in_transaction = false;
        log_info("complaint %lld: answer of %s recorded by %s", (long long)r->ids[0],
                 in.agency, r->session.user);
        schedule_changed(r);
        respond_complaint(r);
out:
        if (in_transaction)
                sched_db_rollback(r->db);
        sched_media_file_clear(r->db, &recording);
        sched_media_file_clear(r->db, &intro);
        free(title);
        free(intro_text);
        free(item_title);
}
