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
                web_respond_error(r, 403, "submissions_closed",
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
                web_respond_error(r, 429, "rate_limited",
                                  "at most %d Suara Warga an hour from one place; "
                                  "please try again later",
                                  config->public_per_hour);
                goto out;
        }
        if (waiting >= config->public_queue_limit) {
                web_respond_error(r, 503, "queue_full",
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
                web_respond_error(r, 404, "not_found",
                                  "no Suara Warga with this reference");
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
                web_respond_error(r, 404, "not_found",
                                  "no Suara Warga with this reference");
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
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT c.title, c.category, c.location, "
                "c.status, " FIRST_AT("aired") ", " FIRST_AT("forwarded") ", " FIRST_AT(
                    "answered") ","
                                " c.answer_agency, c.answer_text, "
                                "c.answer_aired_at"
                                " FROM complaints c WHERE c.confidential "
                                "= 0 AND c.consent = 1"
                                " AND c.status IN "
                                "('aired','forwarded','answered','closed')"
                                " AND " FIRST_AT("aired") " IS NOT NULL"
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

/* ---- the monthly report --------------------------------------------------------------
 */

static const char *const report_counts[] = {"received", "aired", "forwarded", "answered",
                                            "overdue"};
#define N_REPORT_COUNTS (sizeof report_counts / sizeof report_counts[0])

struct month_span {
        char name[8];     /* YYYY-MM */
        int64_t from, to; /* UTC seconds, [from, to) */
};

static int parse_month(const char *text, struct month_span *m)
{
        int y, mo, used = 0;
        if (!text || strlen(text) != 7 ||
            sscanf(text, "%4d-%2d%n", &y, &mo, &used) != 2 || used != 7 || y < 1970 ||
            y > 9999 || mo < 1 || mo > 12)
                return -1;
        snprintf(m->name, sizeof m->name, "%04d-%02d", y, mo);
        m->from = time_from_local(y, mo, 1, 0, 0, 0) / 1000;
        m->to = time_from_local(mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1, 1, 0, 0, 0) /
                1000;
        return 0;
}

static bool in_month(const struct month_span *m, sqlite3_stmt *stmt, int i)
{
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
                return false;
        int64_t at = sqlite3_column_int64(stmt, i);
        return at >= m->from && at < m->to;
}

/* Adds one to name's counters in group (an object of objects) where hits. */
static void count_into(json_t *group, const char *name, const bool hits[N_REPORT_COUNTS])
{
        json_t *row = json_object_get(group, name);
        if (!row) {
                row = json_object();
                for (size_t i = 0; i < N_REPORT_COUNTS; i++)
                        json_object_set_new(row, report_counts[i], json_integer(0));
                json_object_set_new(group, name, row);
        }
        for (size_t i = 0; i < N_REPORT_COUNTS; i++)
                if (hits[i])
                        json_object_set_new(
                            row, report_counts[i],
                            json_integer(json_integer_value(
                                             json_object_get(row, report_counts[i])) +
                                         1));
}

static int compare_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static json_t *median(double *values, size_t n)
{
        if (n == 0)
                return json_null();
        qsort(values, n, sizeof *values, compare_double);
        double m = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        return json_real(m);
}

struct report {
        json_t *total, *by_category, *by_location;
        double *to_air, *to_answer;
        size_t n_to_air, n_to_answer;
};

/* One complaint into the month's counters and the two medians: received to
 * aired in days, forwarded to answered in working days. */
static void report_add(struct web_request *r, const struct month_span *m,
                       sqlite3_stmt *stmt, struct report *rep)
{
        const struct config *config = r->web->ctx.config;
        int64_t now_s = time_now_ms() / 1000;
        char due[16];
        bool hits[N_REPORT_COUNTS] = {in_month(m, stmt, 2), in_month(m, stmt, 3),
                                      in_month(m, stmt, 4), in_month(m, stmt, 5), false};
        bool forwarded = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
        bool answered = sqlite3_column_type(stmt, 5) != SQLITE_NULL;
        if (hits[2]) {
                /* overdue: forwarded this month, answered late or not yet and past due */
                int64_t fwd = sqlite3_column_int64(stmt, 4);
                hits[4] = web_complaint_overdue(
                    config, fwd, answered ? sqlite3_column_int64(stmt, 5) : now_s, due,
                    sizeof due);
        }
        if (!hits[0] && !hits[1] && !hits[2] && !hits[3])
                return;
        const char *category = (const char *)sqlite3_column_text(stmt, 0);
        const char *location = (const char *)sqlite3_column_text(stmt, 1);
        count_into(rep->total, "all", hits);
        count_into(rep->by_category, category && *category ? category : "-", hits);
        count_into(rep->by_location, location && *location ? location : "-", hits);
        if (hits[1]) {
                rep->to_air =
                    xrealloc(rep->to_air, (rep->n_to_air + 1) * sizeof *rep->to_air);
                rep->to_air[rep->n_to_air++] = (double)(sqlite3_column_int64(stmt, 3) -
                                                        sqlite3_column_int64(stmt, 2)) /
                                               86400.0;
        }
        if (hits[3] && forwarded) {
                rep->to_answer = xrealloc(rep->to_answer, (rep->n_to_answer + 1) *
                                                              sizeof *rep->to_answer);
                rep->to_answer[rep->n_to_answer++] = answer_workdays(
                    config, sqlite3_column_int64(stmt, 4), sqlite3_column_int64(stmt, 5));
        }
}

static json_t *group_list(json_t *group, const char *key)
{
        json_t *list = json_array();
        const char *name;
        json_t *row;
        json_object_foreach(group, name, row)
        {
                json_t *item = json_pack("{ss}", key, name);
                json_object_update(item, row);
                json_array_append_new(list, item);
        }
        return list;
}

static void report_csv(struct web_request *r, json_t *report)
{
        char *csv = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&csv, &len);
        if (!out) {
                web_respond_error(r, 500, "internal_error", "out of memory");
                return;
        }
        fputs("bulan,dimensi,nama", out);
        for (size_t i = 0; i < N_REPORT_COUNTS; i++)
                fprintf(out, ",%s", report_counts[i]);
        fputc('\n', out);
        static const char *const groups[][2] = {{"by_category", "category"},
                                                {"by_location", "location"}};
        const char *month = json_string_value(json_object_get(report, "month"));
        fprintf(out, "%s,total,", month);
        for (size_t i = 0; i < N_REPORT_COUNTS; i++)
                fprintf(out, ",%lld",
                        (long long)json_integer_value(
                            json_object_get(report, report_counts[i])));
        fputc('\n', out);
        for (size_t g = 0; g < 2; g++) {
                size_t i;
                json_t *row;
                json_array_foreach(json_object_get(report, groups[g][0]), i, row)
                {
                        fprintf(out, "%s,%s,", month, groups[g][1]);
                        /* a category or village is the staff's free text */
                        csv_write_cell(
                            out, json_string_value(json_object_get(row, groups[g][1])),
                            false);
                        for (size_t k = 0; k < N_REPORT_COUNTS; k++)
                                fprintf(out, ",%lld",
                                        (long long)json_integer_value(
                                            json_object_get(row, report_counts[k])));
                        fputc('\n', out);
                }
        }
        fclose(out);
        web_respond_bytes(r, 200, "text/csv; charset=utf-8", csv, len, true);
        free(csv);
}

void web_handle_complaint_report(struct web_request *r)
{
        struct month_span m;
        struct report rep = {
            json_object(), json_object(), json_object(), NULL, NULL, 0, 0};
        sqlite3_stmt *stmt = NULL;
        const char *format = web_query(r, "format");
        const char *month = web_query(r, "month");
        char this_month[8];
        if (!month || !*month) {
                int y, mo;
                time_local_fields(time_now_ms(), &y, &mo, NULL, NULL, NULL, NULL, NULL);
                snprintf(this_month, sizeof this_month, "%04d-%02d", y, mo);
                month = this_month;
        }
        if (parse_month(month, &m) < 0) {
                web_respond_error(r, 400, "date_invalid", "month must be YYYY-MM");
                goto out;
        }
        if (format && *format && strcmp(format, "csv") != 0 &&
            strcmp(format, "json") != 0) {
                web_respond_error(r, 400, "field_invalid", "format must be json or csv");
                goto out;
        }
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT c.category, c.location, c.created_at, " FIRST_AT(
                    "aired") ", " FIRST_AT("forwarded") ", " FIRST_AT("answered") " FROM "
                                                                                  "compla"
                                                                                  "ints "
                                                                                  "c",
                -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                goto out;
        }
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
                report_add(r, &m, stmt, &rep);
        if (step != SQLITE_DONE) {
                web_respond_db_error(r);
                goto out;
        }
        bool none[N_REPORT_COUNTS] = {false};
        count_into(rep.total, "all", none);
        json_t *report = json_pack("{ss}", "month", m.name);
        json_object_update(report, json_object_get(rep.total, "all"));
        json_object_set_new(report, "median_days_received_to_aired",
                            median(rep.to_air, rep.n_to_air));
        json_object_set_new(report, "median_workdays_forwarded_to_answered",
                            median(rep.to_answer, rep.n_to_answer));
        json_object_set_new(report, "by_category",
                            group_list(rep.by_category, "category"));
        json_object_set_new(report, "by_location",
                            group_list(rep.by_location, "location"));
        if (format && strcmp(format, "csv") == 0) {
                report_csv(r, report);
                json_decref(report);
        } else {
                web_respond_json(r, 200, report);
        }
out:
        sqlite3_finalize(stmt);
        json_decref(rep.total);
        json_decref(rep.by_category);
        json_decref(rep.by_location);
        free(rep.to_air);
        free(rep.to_answer);
}
