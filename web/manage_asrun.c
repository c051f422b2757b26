/* The as-run log for the panel: rows of a period as JSON and the CSV export
 * of scheduler/asrun.c, both filtered by kind. */
#define _GNU_SOURCE /* open_memstream */
#define LOG_MODULE "web"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/scheduler.h"
#include "web/manage_private.h"

#define ASRUN_ROWS_MAX 5000

/* The kind filter of the list and the CSV: *kind is NULL for all kinds.
 * Returns 0, or -1 after answering 400 for a kind the as-run never holds. */
static int query_kind(struct web_request *r, const char **kind)
{
        static const char *const kinds[] = {"music",    "programme", "psa",
                                            "jingle",   "complaint", "announcement",
                                            "fallback", "live",      "alert"};
        *kind = web_query(r, "kind");
        if (!*kind || !**kind) {
                *kind = NULL;
                return 0;
        }
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
                if (strcmp(*kind, kinds[i]) == 0)
                        return 0;
        web_respond_error(r, 400, "kind_unknown", "unknown kind '%.40s'", *kind);
        return -1;
}

void manage_asrun_list(struct web_request *r)
{
        char err[256], when[64];
        const char *kind;
        int64_t from_ms, to_ms;
        sqlite3_stmt *stmt = NULL;
        json_t *rows = NULL;
        if (query_kind(r, &kind) < 0)
                goto out;
        if (manage_query_range(r, &from_ms, &to_ms, err, sizeof err) < 0) {
                web_respond_error(r, 400, "range_invalid", "%s", err);
                goto out;
        }
        if (sqlite3_prepare_v2(r->db,
                               "SELECT id, scheduled_at, started_at, ended_at, frames, "
                               "kind, title, artist, media_id, reason FROM asrun "
                               "WHERE started_at >= ?1 AND started_at < ?2 "
                               "AND (?3 IS NULL OR kind = ?3) ORDER BY started_at, id "
                               "LIMIT ?4",
                               -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                goto out;
        }
        sqlite3_bind_int64(stmt, 1, from_ms);
        sqlite3_bind_int64(stmt, 2, to_ms);
        if (kind)
                sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_int(stmt, 4, ASRUN_ROWS_MAX + 1);
        rows = json_array();
        bool truncated = false;
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                if (json_array_size(rows) == ASRUN_ROWS_MAX) {
                        truncated = true;
                        break;
                }
                int64_t start = sqlite3_column_int64(stmt, 2);
                int64_t end = sqlite3_column_int64(stmt, 3);
                json_t *o = json_object();
                json_object_set_new(o, "id", json_integer(sqlite3_column_int64(stmt, 0)));
                json_object_set_new(
                    o, "scheduled_at",
                    sqlite3_column_type(stmt, 1) == SQLITE_NULL
                        ? json_null()
                        : json_string(time_format_iso(sqlite3_column_int64(stmt, 1), when,
                                                      sizeof when)));
                json_object_set_new(
                    o, "started_at",
                    json_string(time_format_iso(start, when, sizeof when)));
                json_object_set_new(o, "ended_at",
                                    json_string(time_format_iso(end, when, sizeof when)));
                json_object_set_new(o, "duration",
                                    json_real((double)(end - start) / 1000));
                /* to the ms, for clips: the ISO times are to the second, and
                 * an item that began the archive would miss it */
                json_object_set_new(o, "started_ms", json_integer(start));
                json_object_set_new(o, "ended_ms", json_integer(end));
                json_object_set_new(o, "kind", manage_column_text(stmt, 5));
                json_object_set_new(o, "title", manage_column_text(stmt, 6));
                json_object_set_new(o, "artist", manage_column_text(stmt, 7));
                json_object_set_new(o, "media_id",
                                    sqlite3_column_type(stmt, 8) == SQLITE_NULL
                                        ? json_null()
                                        : json_integer(sqlite3_column_int64(stmt, 8)));
                json_object_set_new(o, "reason", manage_column_text(stmt, 9));
                json_array_append_new(rows, o);
        }
        if (step != SQLITE_ROW && step != SQLITE_DONE) {
                web_respond_db_error(r);
                goto out;
        }
        char from_text[64], to_text[64];
        web_respond_json(r, 200,
                         json_pack("{ss ss so sb}", "from",
                                   time_format_iso(from_ms, from_text, sizeof from_text),
                                   "to", time_format_iso(to_ms, to_text, sizeof to_text),
                                   "rows", rows, "truncated", truncated));
        rows = NULL;
out:
        sqlite3_finalize(stmt);
        json_decref(rows);
}

void manage_asrun_csv(struct web_request *r)
{
        char err[256];
        const char *kind;
        int64_t from_ms, to_ms;
        char *text = NULL;
        size_t len = 0;
        if (query_kind(r, &kind) < 0)
                return;
        if (manage_query_range(r, &from_ms, &to_ms, err, sizeof err) < 0) {
                web_respond_error(r, 400, "range_invalid", "%s", err);
                return;
        }
        FILE *out = open_memstream(&text, &len);
        if (!out) {
                web_respond_error(r, 500, "internal_error", "out of memory");
                return;
        }
        /* the source column is a path on the server: for admins only */
        int rows = sched_asrun_export_sources(r->db, from_ms, to_ms, kind, true,
                                              r->session.role == ROLE_ADMIN, out);
        fclose(out);
        if (rows < 0) {
                web_respond_error(r, 500, "db_error", "cannot read the as-run log");
                free(text);
                return;
        }
        char day[32], disposition[96];
        time_format_local(from_ms, day, sizeof day);
        day[10] = '\0';
        snprintf(disposition, sizeof disposition, "attachment; filename=\"asrun-%s.csv\"",
                 day);
        web_respond_bytes(r, 200, "text/csv; charset=utf-8", text, len, true);
        MHD_add_response_header(r->response, "Content-Disposition", disposition);
        free(text);
}

/* GET /api/v1/campaigns/{id}/report.csv: scheduler/asrun.c's report, one
 * line per airing.  Without from/to: the campaign's validity period. */
void manage_campaign_report_csv(struct web_request *r)
{
        char err[256];
        int64_t from_ms = 0, to_ms = 0;
        char *text = NULL;
        size_t len = 0;
        sqlite3_stmt *stmt = NULL;
        char valid_from[16] = "", valid_to[16] = "";
        if (sqlite3_prepare_v2(r->db,
                               "SELECT valid_from, valid_to FROM campaigns WHERE id = ?1",
                               -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, r->ids[0]);
                if (sqlite3_step(stmt) == SQLITE_ROW) {
                        snprintf(valid_from, sizeof valid_from, "%s",
                                 (const char *)sqlite3_column_text(stmt, 0));
                        snprintf(valid_to, sizeof valid_to, "%s",
                                 (const char *)sqlite3_column_text(stmt, 1));
                }
        }
        sqlite3_finalize(stmt);
        if (!*valid_from) {
                web_respond_error(r, 404, "not_found", "no campaign %lld",
                                  (long long)r->ids[0]);
                return;
        }
        if (!web_query(r, "from") && !web_query(r, "to") && !web_query(r, "date")) {
                if (time_parse_date(valid_from, &from_ms) < 0 ||
                    time_parse_date(valid_to, &to_ms) < 0) {
                        web_respond_error(r, 500, "internal_error",
                                          "the campaign's dates are unreadable");
                        return;
                }
                to_ms = time_local_midnight(to_ms + 36 * 3600 * 1000LL);
        } else if (manage_query_range(r, &from_ms, &to_ms, err, sizeof err) < 0) {
                web_respond_error(r, 400, "range_invalid", "%s", err);
                return;
        }
        FILE *out = open_memstream(&text, &len);
        if (!out) {
                web_respond_error(r, 500, "internal_error", "out of memory");
                return;
        }
        int plays = sched_campaign_report(r->db, r->ids[0], from_ms, to_ms, true, out);
        fclose(out);
        if (plays < 0) {
                web_respond_error(r, 500, "db_error", "cannot read the campaign report");
                free(text);
                return;
        }
        char disposition[96];
        snprintf(disposition, sizeof disposition,
                 "attachment; filename=\"campaign-%lld.csv\"", (long long)r->ids[0]);
        web_respond_bytes(r, 200, "text/csv; charset=utf-8", text, len, true);
        MHD_add_response_header(r->response, "Content-Disposition", disposition);
        free(text);
}
