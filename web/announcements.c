/* Announcements (uploaded audio or text spoken by text-to-speech) to air
 * now, after the current item or at a time; the TTS preview; and the skip
 * button. */
#define _GNU_SOURCE /* timegm */
#define LOG_MODULE "web"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "media/media.h"
#include "scheduler/scheduler.h"
#include "web/web_private.h"

#define TEXT_MAX 2000

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

void web_handle_announcement_preview(struct web_request *r)
{
        char err[256];
        const char *text = json_string_value(json_object_get(r->json, "text"));
        if (!valid_text(text)) {
                web_respond_error(r, 400, "text_length",
                                  "text must be 1-%d characters of text", TEXT_MAX);
                return;
        }
        char *path = sched_speak(text, err, sizeof err);
        if (!path) {
                web_respond_error(r, 500, "tts_failed", "text-to-speech failed: %s", err);
                return;
        }
        /* the open descriptor keeps the data readable after the unlink */
        if (web_respond_file(r, path, "audio/wav") < 0)
                web_respond_error(r, 500, "internal_error",
                                  "cannot read the spoken text");
        unlink(path);
        free(path);
}

/* The answer to a failed sched_announcement_create. */
static void respond_create_error(struct web_request *r, int rc, const char *err)
{
        if (rc == -3)
                web_respond_error(r, 409, "recording_duplicate", "%s", err);
        else if (rc == SCHED_ANNOUNCEMENT_TTS_FAILED)
                web_respond_error(r, 500, "tts_failed", "text-to-speech failed: %s", err);
        else if (rc == SCHED_ANNOUNCEMENT_DB_ERROR)
                web_respond_db_error(r);
        else
                web_respond_import_error(r, rc, err);
}

void web_handle_announcement_create(struct web_request *r)
{
        char err[256];
        const char *text, *mode, *at;
        int64_t air_at = 0;

        if (r->body_json) {
                text = json_string_value(json_object_get(r->json, "text"));
                mode = json_string_value(json_object_get(r->json, "mode"));
                at = json_string_value(json_object_get(r->json, "at"));
                if (!valid_text(text)) {
                        web_respond_error(r, 400, "text_length",
                                          "text must be 1-%d characters of text",
                                          TEXT_MAX);
                        return;
                }
        } else {
                text = web_field(r, "text");
                mode = web_field(r, "mode");
                at = web_field(r, "at");
                if (!r->upload_path || r->upload_size == 0) {
                        web_respond_error(
                            r, 400, "audio_required",
                            "the form needs an audio file in the field 'audio'");
                        return;
                }
                if (text && *text && !valid_text(text)) {
                        web_respond_error(r, 400, "text_length",
                                          "text must be at most %d characters", TEXT_MAX);
                        return;
                }
        }
        if (!mode || !*mode)
                mode = "next";
        if (strcmp(mode, "now") != 0 && strcmp(mode, "next") != 0 &&
            strcmp(mode, "at") != 0) {
                web_respond_error(r, 400, "field_invalid",
                                  "mode must be now, next or at");
                return;
        }
        if (strcmp(mode, "at") == 0) {
                if (!at || parse_time(at, &air_at) < 0) {
                        web_respond_error(
                            r, 400, "at_required",
                            "mode at needs at: a time YYYY-MM-DDTHH:MM[:SS][+HH:MM]");
                        return;
                }
                if (air_at < time_now_ms() - 60 * 1000) {
                        web_respond_error(r, 400, "time_passed", "the time %s has passed",
                                          at);
                        return;
                }
        }

        struct sched_announcement_new in = {.text = text,
                                            .audio = r->body_json ? NULL : r->upload_path,
                                            .mode = mode,
                                            .air_at_ms = air_at,
                                            .user_id = r->session.user_id};
        struct sched_announcement_created made = {0};
        int rc = sched_announcement_create(r->db, r->web->ctx.config, &in, &made, err,
                                           sizeof err);
        if (rc < 0) {
                respond_create_error(r, rc, err);
                return;
        }
        log_info("announcement %lld (%s) by %s", (long long)made.id, mode,
                 r->session.user);
        if (r->web->ctx.playout) {
                if (strcmp(mode, "now") == 0)
                        playout_interrupt(r->web->ctx.playout);
                else
                        playout_schedule_changed(r->web->ctx.playout);
        }
        web_status_schedule_changed(r->web->status);

        char when[64] = "";
        json_t *answer = json_pack("{sI sI ss ss sf}", "id", (json_int_t)made.id,
                                   "media_id", (json_int_t)made.media_id, "mode", mode,
                                   "status", "pending", "duration", made.duration);
        json_object_set_new(answer, "air_at",
                            air_at
                                ? json_string(time_format_iso(air_at, when, sizeof when))
                                : json_null());
        web_respond_json(r, 201, answer);
}

static json_t *nullable_string(const char *s)
{
        return s ? json_string(s) : json_null();
}

static void list_one(void *user, const struct sched_announcement *a)
{
        char air[64], created[64];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(a->id));
        json_object_set_new(o, "text", nullable_string(a->text));
        json_object_set_new(o, "mode", nullable_string(a->mode));
        json_object_set_new(
            o, "air_at",
            a->has_air_at ? json_string(time_format_iso(a->air_at_ms, air, sizeof air))
                          : json_null());
        json_object_set_new(o, "status", nullable_string(a->status));
        json_object_set_new(
            o, "created_at",
            a->has_created_at
                ? json_string(time_format_iso(a->created_at_ms, created, sizeof created))
                : json_null());
        json_object_set_new(o, "created_by", nullable_string(a->created_by));
        json_object_set_new(o, "title", nullable_string(a->title));
        json_object_set_new(o, "duration", json_real(a->duration));
        json_array_append_new(user, o);
}

void web_handle_announcement_list(struct web_request *r)
{
        json_t *list = json_array();
        if (sched_announcement_list(r->db, 100, list_one, list) < 0) {
                json_decref(list);
                web_respond_db_error(r);
                return;
        }
        web_respond_json(r, 200, json_pack("{so}", "announcements", list));
}

void web_handle_skip(struct web_request *r)
{
        if (!r->web->ctx.playout) {
                web_respond_error(r, 503, "engine_down", "the engine is not running");
                return;
        }
        playout_skip(r->web->ctx.playout);
        log_info("skip requested by %s", r->session.user);
        web_respond_json(r, 200, json_pack("{sb}", "skipped", 1));
}
