/* Announcements (uploaded audio or text spoken by text-to-speech) to air
 * now, after the current item or at a time; the TTS preview; and the skip
 * button. */
#define _GNU_SOURCE /* timegm */
#define LOG_MODULE "web"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "media/media.h"
#include "scheduler/scheduler.h"
#include "web/web_private.h"

#define TEXT_MAX 2000
#define TTS_VOICE "id"

/* Parses "YYYY-MM-DDTHH:MM[:SS]" in the station zone, or with "Z" or an
 * offset "+HH:MM" as that instant.  Returns 0 or -1. */
static int parse_time(const char *text, int64_t *ms)
{
        int y, mo, d, h, mi, s = 0, n = 0;
        char sep;
        if (sscanf(text, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) != 6 ||
            (sep != 'T' && sep != ' '))
                return -1;
        const char *rest = text + n;
        if (*rest == ':') {
                int k = 0;
                if (sscanf(rest, ":%2d%n", &s, &k) != 1)
                        return -1;
                rest += k;
                if (*rest == '.') /* fractions of a second are dropped */
                        while (*++rest >= '0' && *rest <= '9')
                                ;
        }
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
                return -1;
        if (*rest == '\0') {
                *ms = time_from_local(y, mo, d, h, mi, s);
                return 0;
        }
        int offset = 0;
        if (strcmp(rest, "Z") != 0) {
                int oh, om, k = 0;
                if ((rest[0] != '+' && rest[0] != '-') ||
                    sscanf(rest + 1, "%2d:%2d%n", &oh, &om, &k) != 2 ||
                    rest[1 + k] != '\0')
                        return -1;
                offset = (oh * 60 + om) * 60 * (rest[0] == '-' ? -1 : 1);
        }
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = mo - 1,
                        .tm_mday = d,
                        .tm_hour = h,
                        .tm_min = mi,
                        .tm_sec = s};
        *ms = ((int64_t)timegm(&tm) - offset) * 1000;
        return 0;
}

static bool valid_text(const char *text)
{
        if (!text || !*text || strlen(text) > TEXT_MAX)
                return false;
        for (const unsigned char *p = (const unsigned char *)text; *p; p++)
                if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
                        return false;
        return true;
}

/* Speaks text into a new temp WAV.  Returns its path (the caller unlinks and
 * frees it) or NULL with a reason. */
static char *speak(const char *text, char *err, size_t err_size)
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

void web_handle_announcement_preview(struct web_request *r)
{
        char err[256];
        const char *text = json_string_value(json_object_get(r->json, "text"));
        if (!valid_text(text)) {
                web_respond_error(r, 400, "text must be 1-%d characters of text",
                                  TEXT_MAX);
                return;
        }
        char *path = speak(text, err, sizeof err);
        if (!path) {
                web_respond_error(r, 500, "text-to-speech failed: %s", err);
                return;
        }
        /* the open descriptor keeps the data readable after the unlink */
        if (web_respond_file(r, path, "audio/wav") < 0)
                web_respond_error(r, 500, "cannot read the spoken text");
        unlink(path);
        free(path);
}

void web_handle_announcement_create(struct web_request *r)
{
        char err[256];
        char *tts_path = NULL;
        char *title = NULL;
        struct sched_media media = {0};
        bool existed = false;
        sqlite3_stmt *stmt = NULL;
        const char *text, *mode, *at;
        int64_t air_at = 0;

        if (r->body_json) {
                text = json_string_value(json_object_get(r->json, "text"));
                mode = json_string_value(json_object_get(r->json, "mode"));
                at = json_string_value(json_object_get(r->json, "at"));
                if (!valid_text(text)) {
                        web_respond_error(r, 400, "text must be 1-%d characters of text",
                                          TEXT_MAX);
                        goto out;
                }
        } else {
                text = web_field(r, "text");
                mode = web_field(r, "mode");
                at = web_field(r, "at");
                if (!r->upload_path || r->upload_size == 0) {
                        web_respond_error(
                            r, 400, "the form needs an audio file in the field 'audio'");
                        goto out;
                }
                if (text && *text && !valid_text(text)) {
                        web_respond_error(r, 400, "text must be at most %d characters",
                                          TEXT_MAX);
                        goto out;
                }
        }
        if (!mode || !*mode)
                mode = "next";
        if (strcmp(mode, "now") != 0 && strcmp(mode, "next") != 0 &&
            strcmp(mode, "at") != 0) {
                web_respond_error(r, 400, "mode must be now, next or at");
                goto out;
        }
        if (strcmp(mode, "at") == 0) {
                if (!at || parse_time(at, &air_at) < 0) {
                        web_respond_error(
                            r, 400,
                            "mode at needs at: a time YYYY-MM-DDTHH:MM[:SS][+HH:MM]");
                        goto out;
                }
                if (air_at < time_now_ms() - 60 * 1000) {
                        web_respond_error(r, 400, "the time %s has passed", at);
                        goto out;
                }
        }

        const char *source = r->upload_path;
        if (r->body_json) {
                tts_path = speak(text, err, sizeof err);
                if (!tts_path) {
                        web_respond_error(r, 500, "text-to-speech failed: %s", err);
                        goto out;
                }
                source = tts_path;
        }
        int rc = sched_media_import(r->db, r->web->ctx.config, source, ITEM_ANNOUNCEMENT,
                                    NULL, NULL, &existed, &media, err, sizeof err);
        if (rc < 0) {
                /* speech we made ourselves that fails to import is our fault */
                web_respond_import_error(r, r->body_json ? -2 : rc, err);
                goto out;
        }
        if (existed && media.kind != ITEM_ANNOUNCEMENT) {
                /* an upload never changes another item's title or kind */
                web_respond_error(r, 409,
                                  "this recording is already stored as another "
                                  "item; upload a recording of its own");
                goto out;
        }
        if (existed) {
                title = NULL; /* the same announcement again: it keeps its title */
        } else if (text && *text) {
                /* the first words are its title in the rundown and on the stream */
                title = xasprintf("Pengumuman: %.60s", text);
                for (char *p = title; *p; p++)
                        if (*p == '\n' || *p == '\r' || *p == '\t')
                                *p = ' ';
        } else {
                title = xstrdup("Pengumuman");
        }
        if (title && sqlite3_prepare_v2(r->db,
                                        "UPDATE media SET title = ?1, artist = '' "
                                        "WHERE id = ?2",
                                        -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_text(stmt, 1, title, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 2, media.id);
                sqlite3_step(stmt);
        }
        sqlite3_finalize(stmt);
        stmt = NULL;

        if (sqlite3_prepare_v2(r->db,
                               "INSERT INTO announcements (media_id, text, mode, air_at, "
                               "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, media.id);
        sqlite3_bind_text(stmt, 2, text ? text : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, mode, -1, SQLITE_STATIC);
        if (air_at)
                sqlite3_bind_int64(stmt, 4, air_at);
        sqlite3_bind_int64(stmt, 5, r->session.user_id);
        sqlite3_bind_int64(stmt, 6, time_now_ms() / 1000);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto db_error;
        int64_t id = sqlite3_last_insert_rowid(r->db);
        log_info("announcement %lld (%s, media %lld, %.1f s) by %s", (long long)id, mode,
                 (long long)media.id, media.duration, r->session.user);

        if (r->web->ctx.playout) {
                if (strcmp(mode, "now") == 0)
                        playout_interrupt(r->web->ctx.playout);
                else
                        playout_schedule_changed(r->web->ctx.playout);
        }
        web_status_schedule_changed(r->web->status);

        char when[64] = "";
        json_t *answer = json_pack("{sI sI ss ss sf}", "id", (json_int_t)id, "media_id",
                                   (json_int_t)media.id, "mode", mode, "status",
                                   "pending", "duration", media.duration);
        json_object_set_new(answer, "air_at",
                            air_at
                                ? json_string(time_format_iso(air_at, when, sizeof when))
                                : json_null());
        web_respond_json(r, 201, answer);
        goto out;
db_error:
        web_respond_db_error(r);
out:
        sqlite3_finalize(stmt);
        if (tts_path) {
                unlink(tts_path);
                free(tts_path);
        }
        free(title);
        sched_media_clear(&media);
}

void web_handle_announcement_list(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT a.id, a.text, a.mode, a.air_at, a.status, a.created_at, "
                "u.name, m.title, m.duration FROM announcements a "
                "LEFT JOIN users u ON u.id = a.created_by "
                "LEFT JOIN media m ON m.id = a.media_id "
                "ORDER BY a.id DESC LIMIT 100",
                -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        json_t *list = json_array();
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                char air[64], created[64];
                json_t *o = json_object();
                json_object_set_new(o, "id", json_integer(sqlite3_column_int64(stmt, 0)));
                for (int i = 1; i <= 7; i++) {
                        static const char *const names[] = {
                            "",       "text",       "mode",       "air_at",
                            "status", "created_at", "created_by", "title"};
                        json_t *v = json_null();
                        if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
                                v = json_null();
                        else if (i == 3)
                                v = json_string(time_format_iso(
                                    sqlite3_column_int64(stmt, i), air, sizeof air));
                        else if (i == 5)
                                v = json_string(
                                    time_format_iso(sqlite3_column_int64(stmt, i) * 1000,
                                                    created, sizeof created));
                        else
                                v = json_string(
                                    (const char *)sqlite3_column_text(stmt, i));
                        json_object_set_new(o, names[i], v ? v : json_null());
                }
                json_object_set_new(o, "duration",
                                    json_real(sqlite3_column_double(stmt, 8)));
                json_array_append_new(list, o);
        }
        sqlite3_finalize(stmt);
        web_respond_json(r, 200, json_pack("{so}", "announcements", list));
}

void web_handle_skip(struct web_request *r)
{
        if (!r->web->ctx.playout) {
                web_respond_error(r, 503, "the engine is not running");
                return;
        }
        playout_skip(r->web->ctx.playout);
        log_info("skip requested by %s", r->session.user);
        web_respond_json(r, 200, json_pack("{sb}", "skipped", 1));
}
