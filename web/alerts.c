/* Emergency alerts: the list, ending one, and the admin's test bulletin.
 * The work is alerts/'s; these handlers check, call and answer. */
#define LOG_MODULE "web"
#include <stdio.h>
#include <string.h>

#include "alerts/alerts.h"
#include "web/web_private.h"

#define ALERT_LIST_LIMIT 100

static json_t *column_json(sqlite3_stmt *stmt, int i)
{
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL:
                return json_null();
        case SQLITE_INTEGER:
                return json_integer(sqlite3_column_int64(stmt, i));
        case SQLITE_FLOAT:
                return json_real(sqlite3_column_double(stmt, i));
        default: {
                json_t *v = json_string((const char *)sqlite3_column_text(stmt, i));
                return v ? v : json_string("");
        }
        }
}

static json_t *time_json(sqlite3_stmt *stmt, int i)
{
        char when[64];
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
                return json_null();
        return json_string(
            time_format_iso(sqlite3_column_int64(stmt, i), when, sizeof when));
}

void web_handle_alert_list(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT a.id, a.status, a.test, a.headline, a.text, a.magnitude,"
                " a.depth_km, a.distance_km, a.latitude, a.longitude, a.region,"
                " a.potential, a.tsunami, a.repeats_left, a.created_by, a.ended_by,"
                " a.event_at, a.created_at, a.ended_at, (SELECT count(*) FROM"
                " announcements n WHERE n.alert_id = a.id AND n.status = 'aired')"
                " FROM alerts a ORDER BY a.id DESC LIMIT ?1",
                -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        sqlite3_bind_int(stmt, 1, ALERT_LIST_LIMIT);
        static const char *const names[] = {
            "id",       "status",       "test",       "headline",  "text",   "magnitude",
            "depth_km", "distance_km",  "latitude",   "longitude", "region", "potential",
            "tsunami",  "repeats_left", "created_by", "ended_by"};
        json_t *list = json_array();
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                json_t *o = json_object();
                for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
                        json_object_set_new(o, names[i], column_json(stmt, i));
                json_object_set_new(o, "test", json_boolean(sqlite3_column_int(stmt, 2)));
                json_object_set_new(o, "tsunami",
                                    json_boolean(sqlite3_column_int(stmt, 12)));
                json_object_set_new(o, "event_at", time_json(stmt, 16));
                json_object_set_new(o, "since", time_json(stmt, 17));
                json_object_set_new(o, "ended_at", time_json(stmt, 18));
                json_object_set_new(o, "aired",
                                    json_integer(sqlite3_column_int(stmt, 19)));
                json_array_append_new(list, o);
        }
        sqlite3_finalize(stmt);
        if (step != SQLITE_DONE) {
                json_decref(list);
                web_respond_db_error(r);
                return;
        }
        web_respond_json(r, 200, json_pack("{so}", "alerts", list));
}

void web_handle_alert_end(struct web_request *r)
{
        char err[256];
        if (!r->web->ctx.alerts) {
                web_respond_error(r, 503, "alerts_down", "alerts are not running");
                return;
        }
        int rc = alerts_end(r->web->ctx.alerts, r->db, r->ids[0], r->session.user, err,
                            sizeof err);
        if (rc == -1) {
                web_respond_error(r, 404, "not_found", "no alert %lld",
                                  (long long)r->ids[0]);
                return;
        }
        if (rc < -1) {
                web_respond_error(r, 500, "internal_error", "%s", err);
                return;
        }
        web_status_schedule_changed(r->web->status);
        web_respond_json(r, 200,
                         json_pack("{sI ss}", "id", (json_int_t)r->ids[0], "status",
                                   rc == 1 ? "already ended" : "ended"));
}

void web_handle_alert_test(struct web_request *r)
{
        char err[256];
        int64_t id = 0;
        if (!r->web->ctx.alerts) {
                web_respond_error(r, 503, "alerts_down", "alerts are not running");
                return;
        }
        if (alerts_air_test(r->web->ctx.alerts, r->db, r->session.user, &id, err,
                            sizeof err) < 0) {
                web_respond_error(r, 500, "alert_test_failed",
                                  "the test bulletin did not air: %s", err);
                return;
        }
        log_info("test alert %lld by %s", (long long)id, r->session.user);
        web_status_schedule_changed(r->web->status);
        web_respond_json(r, 201,
                         json_pack("{sI ss}", "id", (json_int_t)id, "status", "active"));
}
