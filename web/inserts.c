/* Carts and queued inserts for the studio: a library item (a jingle, a
 * station ID, a PSA) queued to air next or at once, through the same queue
 * as announcements; and taking a queued insert out before it airs. */
#define LOG_MODULE "web"
#include <string.h>

#include "scheduler/scheduler.h"
#include "web/web_private.h"

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

/* POST /api/v1/inserts {"media_id": N, "mode": "next"|"now"} */
void web_handle_insert_create(struct web_request *r)
{
        json_t *id_value = json_object_get(r->json, "media_id");
        const char *mode = json_string_value(json_object_get(r->json, "mode"));
        sqlite3_stmt *stmt = NULL;
        if (!json_is_integer(id_value) || json_integer_value(id_value) <= 0) {
                web_respond_error(r, 400, "media_id must be a library item's id");
                return;
        }
        if (!mode)
                mode = "next";
        if (strcmp(mode, "next") != 0 && strcmp(mode, "now") != 0) {
                web_respond_error(r, 400, "mode must be next or now");
                return;
        }
        int64_t media_id = json_integer_value(id_value);
        if (sqlite3_prepare_v2(r->db,
                               "SELECT kind, title FROM media WHERE id = ?1 AND "
                               "deleted = 0",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, media_id);
        int step = sqlite3_step(stmt);
        if (step != SQLITE_ROW && step != SQLITE_DONE)
                goto db_error;
        if (step == SQLITE_DONE) {
                sqlite3_finalize(stmt);
                web_respond_error(r, 404, "no library item %lld", (long long)media_id);
                return;
        }
        if (!cart_kind((const char *)sqlite3_column_text(stmt, 0))) {
                sqlite3_finalize(stmt);
                web_respond_error(r, 403,
                                  "a complaint airs only from the complaint queue");
                return;
        }
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(r->db,
                               "INSERT INTO announcements (media_id, text, mode, "
                               "created_by, created_at) VALUES (?1, '', ?2, ?3, ?4)",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, media_id);
        sqlite3_bind_text(stmt, 2, mode, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 3, r->session.user_id);
        sqlite3_bind_int64(stmt, 4, time_now_ms() / 1000);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto db_error;
        sqlite3_finalize(stmt);
        int64_t id = sqlite3_last_insert_rowid(r->db);
        log_info("insert %lld (%s, media %lld) by %s", (long long)id, mode,
                 (long long)media_id, r->session.user);
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
        return;
db_error:
        sqlite3_finalize(stmt);
        web_respond_db_error(r);
}

/* DELETE /api/v1/inserts/{id}: a pending insert or announcement is cancelled
 * (an alert's bulletin is ended from its own route, not here). */
void web_handle_insert_cancel(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(r->db,
                               "UPDATE announcements SET status = 'cancelled' WHERE id = "
                               "?1 AND status = 'pending' AND alert_id IS NULL",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, r->ids[0]);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto db_error;
        sqlite3_finalize(stmt);
        if (sqlite3_changes(r->db) == 0) {
                web_respond_error(r, 404, "no pending insert %lld (aired or cancelled)",
                                  (long long)r->ids[0]);
                return;
        }
        log_info("insert %lld cancelled by %s", (long long)r->ids[0], r->session.user);
        if (r->web->ctx.playout)
                playout_schedule_changed(r->web->ctx.playout);
        web_status_schedule_changed(r->web->status);
        web_respond_json(
            r, 200,
            json_pack("{sI ss}", "id", (json_int_t)r->ids[0], "status", "cancelled"));
        return;
db_error:
        sqlite3_finalize(stmt);
        web_respond_db_error(r);
}
