/* Carts and queued inserts for the studio: a library item (a jingle, a
 * station ID, a PSA) queued to air next or at once, through the same queue
 * as announcements; and taking a queued insert out before it airs. */
#define LOG_MODULE "web"
#include <string.h>

#include "scheduler/scheduler.h"
#include "web/web_private.h"

/* POST /api/v1/inserts {"media_id": N, "mode": "next"|"now"} */
void web_handle_insert_create(struct web_request *r)
{
        json_t *id_value = json_object_get(r->json, "media_id");
        const char *mode = json_string_value(json_object_get(r->json, "mode"));
        if (!json_is_integer(id_value) || json_integer_value(id_value) <= 0) {
                web_respond_error(r, 400, "field_invalid",
                                  "media_id must be a library item's id");
                return;
        }
        if (!mode)
                mode = "next";
        if (strcmp(mode, "next") != 0 && strcmp(mode, "now") != 0) {
                web_respond_error(r, 400, "field_invalid", "mode must be next or now");
                return;
        }
        int64_t media_id = json_integer_value(id_value);
        int64_t id = 0;
        int rc = sched_insert_create(r->db, media_id, mode, r->session.user_id, &id);
        if (rc == -2) {
                web_respond_error(r, 404, "not_found", "no library item %lld",
                                  (long long)media_id);
                return;
        }
        if (rc == -3) {
                web_respond_error(r, 403, "complaint_queue_only",
                                  "a complaint airs only from the complaint queue");
                return;
        }
        if (rc < 0) {
                web_respond_db_error(r);
                return;
        }
        log_info("insert %lld by %s", (long long)id, r->session.user);
        if (r->web->ctx.playout) {
                if (strcmp(mode, "now") == 0)
                        playout_interrupt(r->web->ctx.playout);
                else
                        playout_schedule_changed(r->web->ctx.playout);
        }
        web_status_schedule_changed(r->web->status);
        web_respond_json(r, 201,
                         json_pack("{sI sI ss ss}", "id", (json_int_t)id, "media_id",
                                   (json_int_t)media_id, "mode", mode, "status",
                                   "pending"));
}

/* DELETE /api/v1/inserts/{id}: a pending insert or announcement is cancelled
 * (an alert's bulletin is ended from its own route, not here). */
void web_handle_insert_cancel(struct web_request *r)
{
        int rc = sched_announcement_cancel(r->db, r->ids[0]);
        if (rc == -2) {
                web_respond_error(r, 404, "insert_gone",
                                  "no pending insert %lld (aired or cancelled)",
                                  (long long)r->ids[0]);
                return;
        }
        if (rc < 0) {
                web_respond_db_error(r);
                return;
        }
        log_info("insert %lld cancelled by %s", (long long)r->ids[0], r->session.user);
        if (r->web->ctx.playout)
                playout_schedule_changed(r->web->ctx.playout);
        web_status_schedule_changed(r->web->status);
        web_respond_json(
            r, 200,
            json_pack("{sI ss}", "id", (json_int_t)r->ids[0], "status", "cancelled"));
}

/* POST /api/v1/inserts/{id}/move {"before": ID} or {"position": N}: a queued
 * insert moves in the order the queued inserts air (the engine takes them in
 * that order). */
void web_handle_insert_move(struct web_request *r)
{
        json_t *before = json_object_get(r->json, "before");
        json_t *position = json_object_get(r->json, "position");
        if ((before && !json_is_null(before) &&
             (!json_is_integer(before) || json_integer_value(before) <= 0)) ||
            (position &&
             (!json_is_integer(position) || json_integer_value(position) < 0))) {
                web_respond_error(r, 400, "field_invalid",
                                  "before must be a queued insert's id and position a "
                                  "number from 0");
                return;
        }
        if (!json_is_integer(before) && !position) {
                web_respond_error(r, 400, "field_invalid",
                                  "give before (an insert's id) or position");
                return;
        }
        int64_t before_id = json_is_integer(before) ? json_integer_value(before) : 0;
        int64_t to = position ? json_integer_value(position) : -1;
        int64_t placed = 0;
        int rc = sched_insert_move(r->db, r->ids[0], before_id, to, &placed);
        if (rc == -2) {
                web_respond_error(r, 404, "insert_gone",
                                  "no pending insert %lld (aired or cancelled)",
                                  (long long)r->ids[0]);
                return;
        }
        if (rc == -3) {
                web_respond_error(r, 409, "insert_not_queued",
                                  "insert %lld is not queued for next (it airs now or at "
                                  "a time)",
                                  (long long)r->ids[0]);
                return;
        }
        if (rc == -4) {
                web_respond_error(r, 409, "insert_not_queued",
                                  "insert %lld is not another queued insert",
                                  (long long)before_id);
                return;
        }
        if (rc < 0) {
                web_respond_db_error(r);
                return;
        }
        log_info("insert %lld moved to %lld by %s", (long long)r->ids[0],
                 (long long)placed, r->session.user);
        if (r->web->ctx.playout)
                playout_schedule_changed(r->web->ctx.playout);
        web_status_schedule_changed(r->web->status);
        web_respond_json(r, 200,
                         json_pack("{sI sI}", "id", (json_int_t)r->ids[0], "position",
                                   (json_int_t)placed));
}
