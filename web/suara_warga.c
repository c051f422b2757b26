/* Suara Warga for the public: the limits on what citizens send, the status
 * of one reference, the public board, and the working days an agency has to
 * answer.  Nothing here ever reads a caller's name or phone. */
#define LOG_MODULE "web"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/scheduler.h"
#include "web/web_private.h"

#define HOUR_S 3600

/* ---- working days -------------------------------------------------------------- */

/* The station-local day (days since 1970-01-01) of UTC seconds. */
static int64_t local_day(int64_t seconds)
{
        int y, m, d;
        char ymd[16];
        int64_t day = 0;
        time_local_fields(seconds * 1000, &y, &m, &d, NULL, NULL, NULL, NULL);
        snprintf(ymd, sizeof ymd, "%04d-%02d-%02d", y, m, d);
        if (date_to_days(ymd, &day) < 0)
                return 0;
        return day;
}

bool web_complaint_overdue(const struct config *config, int64_t forwarded_s,
                           int64_t now_s, char *due, size_t due_size)
{
        int64_t *holidays = NULL;
        char err[96];
        int n = dates_parse_list(config->holidays, &holidays, err, sizeof err);
        int64_t due_day = workdays_add(local_day(forwarded_s), config->answer_days,
                                       holidays, n > 0 ? (size_t)n : 0);
        free(holidays);
        date_from_days(due_day, due, due_size);
        return local_day(now_s) > due_day;
}

/* Working days from forwarded to answered (or now), -1 when not forwarded. */
static int answer_workdays(const struct config *config, int64_t forwarded_s,
                           int64_t answered_s)
{
        if (forwarded_s <= 0)
                return -1;
        int64_t *holidays = NULL;
        char err[96];
        int n = dates_parse_list(config->holidays, &holidays, err, sizeof err);
        int days = workdays_between(local_day(forwarded_s), local_day(answered_s),
                                    holidays, n > 0 ? (size_t)n : 0);
        free(holidays);
        return days;
}

int web_complaints_overdue_count(struct web *web)
{
        sqlite3 *db = web_db_acquire(web);
        sqlite3_stmt *stmt = NULL;
        int count = 0;
        int64_t now_s = time_now_ms() / 1000;
        char due[16];
        if (!db)
                return -1;
        if (sqlite3_prepare_v2(
                db,
                "SELECT (SELECT max(e.at) FROM complaint_events e"
                " WHERE e.complaint_id = c.id AND e.to_status = 'forwarded')"
                " FROM complaints c WHERE c.status = 'forwarded'",
                -1, &stmt, NULL) != SQLITE_OK) {
                count = -1;
                goto out;
        }
        while (sqlite3_step(stmt) == SQLITE_ROW)
                if (sqlite3_column_type(stmt, 0) != SQLITE_NULL &&
                    web_complaint_overdue(web->ctx.config, sqlite3_column_int64(stmt, 0),
                                          now_s, due, sizeof due))
                        count++;
out:
        sqlite3_finalize(stmt);
        web_db_release(web, db);
        return count;
}

/* ---- what citizens may send -------------------------------------------------------- */

/* The client as stored: a hash of its real address, never the address. */
static void client_key(const struct web_request *r, char *hex, size_t size)
{
        char address[128];
        unsigned char hash[16];
        web_client_address(r, address, sizeof address);
        crypto_generichash(hash, sizeof hash, (const unsigned char *)address,
                           strlen(address), NULL, 0);
        sodium_bin2hex(hex, size, hash, sizeof hash);
}

int web_public_submission_admit(struct web_request *r)
{
        const struct config *config = r->web->ctx.config;
        sqlite3_stmt *stmt = NULL;
        char key[64];
        int rc = -1;
        int64_t now_s = time_now_ms() / 1000;
        if (config->public_per_hour == 0) {
                web_respond_error(r, 403,
                                  "this station takes no Suara Warga from the web");
                return -1;
        }
        client_key(r, key, sizeof key);
        /* one transaction: a flood of parallel uploads cannot all see room */
        if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        if (sqlite3_prepare_v2(r->db, "DELETE FROM public_submissions WHERE at < ?1", -1,
                               &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, now_s - HOUR_S);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto db_error;
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(r->db,
                               "SELECT (SELECT count(*) FROM public_submissions"
                               " WHERE client = ?1),"
                               " (SELECT count(*) FROM complaints"
                               " WHERE source = 'public' AND status = 'received')",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_ROW)
                goto db_error;
        int64_t mine = sqlite3_column_int64(stmt, 0);
        int64_t waiting = sqlite3_column_int64(stmt, 1);
        sqlite3_finalize(stmt);
        stmt = NULL;
        if (mine >= config->public_per_hour) {
                web_respond_error(r, 429,
                                  "at most %d Suara Warga an hour from one place; "
                                  "please try again later",
                                  config->public_per_hour);
                goto out;
        }
        if (waiting >= config->public_queue_limit) {
                web_respond_error(r, 503,
                                  "the station has many Suara Warga waiting to be "
                                  "heard; please try again later");
                goto out;
        }
        /* the attempt counts, heard or not: decoding is the costly part */
        if (sqlite3_prepare_v2(
                r->db, "INSERT INTO public_submissions (client, at) VALUES (?1, ?2)", -1,
                &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, now_s);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto db_error;
        if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                goto db_error;
        rc = 0;
        goto out;
db_error:
        web_respond_db_error(r);
out:
        sqlite3_finalize(stmt);
        if (rc < 0)
                sched_db_rollback(r->db);
        return rc;
}

void web_media_forget(sqlite3 *db, int64_t media_id)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                db,
                "UPDATE media SET deleted = 1 WHERE id = ?1"
                " AND kind = 'complaint' AND id NOT IN"
                " (SELECT media_id FROM complaints WHERE media_id IS NOT NULL)",
                -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, media_id);
                sqlite3_step(stmt);
        }
        sqlite3_finalize(stmt);
}

/* ---- what anyone may read ------------------------------------------------------------
 */

static json_t *time_or_null(sqlite3_stmt *stmt, int i)
{
        char when[64];
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
                return json_null();
        return json_string(
            time_format_iso(sqlite3_column_int64(stmt, i) * 1000, when, sizeof when));
}

/* The first time a complaint reached a status, as a column expression. */
#define FIRST_AT(status)                                                                 \
        "(SELECT min(e.at) FROM complaint_events e WHERE e.complaint_id = c.id"          \
        " AND e.to_status = '" status "')"

void web_handle_public_complaint_status(struct web_request *r)
{
        const char *reference = strrchr(r->url, '/');
        sqlite3_stmt *stmt = NULL;
        reference = reference ? reference + 1 : "";
        if (strlen(reference) != 8 ||
            strspn(reference, "23456789ABCDEFGHJKMNPQRSTUVWXYZ") != 8) {
                web_respond_error(r, 404, "no Suara Warga with this reference");
                return;
        }
        /* a status only: the code proves nothing about who holds it */
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT c.status, " FIRST_AT("aired") ", " FIRST_AT(
                    "forwarded") ", " FIRST_AT("answered") " FROM complaints c WHERE "
                                                           "c.reference = ?1",
                -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        sqlite3_bind_text(stmt, 1, reference, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_ROW) {
                web_respond_error(r, 404, "no Suara Warga with this reference");
        } else {
                web_respond_json(r, 200,
                                 json_pack("{ss ss so so so}", "reference", reference,
                                           "status",
                                           (const char *)sqlite3_column_text(stmt, 0),
                                           "aired_at", time_or_null(stmt, 1),
                                           "forwarded_at", time_or_null(stmt, 2),
                                           "answered_at", time_or_null(stmt, 3)));
        }
        sqlite3_finalize(stmt);
}

/* The board: aired complaints only (never confidential, rejected or unaired),
 * title, category, location, dates and the days the answer took; the
 * answers once they aired.  Never the caller. */
static json_t *board_items(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        json_t *items = json_array();
        int64_t now_s = time_now_ms() / 1000;
        if (sqlite3_prepare_v2(r->db,
                               "SELECT c.title, c.category, c.location, "
                               "c.status, " FIRST_AT("aired") ", " FIRST_AT("forwarded") ", " FIRST_AT(
                                   "answered") ","
                                               " c.answer_agency, c.answer_text, "
                                               "c.answer_aired_at"
                                               " FROM complaints c WHERE c.confidential "
                                               "= 0 AND c.consent = 1"
                                               " AND c.status IN "
                                               "('aired','forwarded','answered','closed')"
                                               " AND " FIRST_AT(
                                                   "aired") " IS NOT NULL"
                                                            " ORDER BY " FIRST_AT(
                                                                "aired") " DESC LIMIT "
                                                                         "200",
                               -1, &stmt, NULL) != SQLITE_OK)
                return items;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                int64_t forwarded = sqlite3_column_int64(stmt, 5);
                bool answered = sqlite3_column_type(stmt, 6) != SQLITE_NULL;
                int days =
                    answer_workdays(r->web->ctx.config, forwarded,
                                    answered ? sqlite3_column_int64(stmt, 6) : now_s);
                char due[16] = "";
                const char *status = (const char *)sqlite3_column_text(stmt, 3);
                bool overdue = !answered && forwarded > 0 &&
                               strcmp(status, "forwarded") == 0 &&
                               web_complaint_overdue(r->web->ctx.config, forwarded, now_s,
                                                     due, sizeof due);
                json_t *item =
                    json_pack("{ss ss ss ss so so so sb}", "title",
                              (const char *)sqlite3_column_text(stmt, 0), "category",
                              (const char *)sqlite3_column_text(stmt, 1), "location",
                              (const char *)sqlite3_column_text(stmt, 2), "status",
                              status, "aired_at", time_or_null(stmt, 4), "forwarded_at",
                              time_or_null(stmt, 5), "answered_at", time_or_null(stmt, 6),
                              "overdue", overdue);
                json_object_set_new(item, "answer_workdays",
                                    days >= 0 ? json_integer(days) : json_null());
                /* an answer is public once it aired */
                if (sqlite3_column_type(stmt, 9) != SQLITE_NULL)
                        json_object_set_new(
                            item, "answer",
                            json_pack("{ss ss so}", "agency",
                                      (const char *)sqlite3_column_text(stmt, 7), "text",
                                      sqlite3_column_text(stmt, 8)
                                          ? (const char *)sqlite3_column_text(stmt, 8)
                                          : "",
                                      "aired_at", time_or_null(stmt, 9)));
                json_array_append_new(items, item);
        }
        sqlite3_finalize(stmt);
        return items;
}

/* This month's totals (station time): received, aired, answered. */
static json_t *board_totals(struct web_request *r)
{
        int y, m;
        char month[8];
        sqlite3_stmt *stmt = NULL;
        time_local_fields(time_now_ms(), &y, &m, NULL, NULL, NULL, NULL, NULL);
        int64_t from = time_from_local(y, m, 1, 0, 0, 0) / 1000;
        int64_t to =
            time_from_local(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1, 0, 0, 0) / 1000;
        snprintf(month, sizeof month, "%04d-%02d", y, m);
        json_t *totals = json_pack("{ss sI sI sI}", "month", month, "received", 0,
                                   "aired", 0, "answered", 0);
        /* received counts every complaint; aired and answered only the public ones */
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT (SELECT count(*) FROM complaints WHERE created_at >= ?1"
                " AND created_at < ?2),"
                " (SELECT count(*) FROM complaints c WHERE c.confidential = 0 "
                "AND " FIRST_AT("aired") " >= ?1 AND " FIRST_AT(
                    "aired") " < ?2),"
                             " (SELECT count(*) FROM complaints c WHERE c.confidential = "
                             "0 AND " FIRST_AT("answered") " >= ?1 AND " FIRST_AT(
                                 "answered") " < ?2)",
                -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, from);
                sqlite3_bind_int64(stmt, 2, to);
                if (sqlite3_step(stmt) == SQLITE_ROW) {
                        json_object_set_new(totals, "received",
                                            json_integer(sqlite3_column_int64(stmt, 0)));
                        json_object_set_new(totals, "aired",
                                            json_integer(sqlite3_column_int64(stmt, 1)));
                        json_object_set_new(totals, "answered",
                                            json_integer(sqlite3_column_int64(stmt, 2)));
                }
        }
        sqlite3_finalize(stmt);
        return totals;
}

void web_handle_public_board(struct web_request *r)
{
        web_respond_json(r, 200,
                         json_pack("{so so si}", "complaints", board_items(r), "month",
                                   board_totals(r), "answer_days",
                                   r->web->ctx.config->answer_days));
}
