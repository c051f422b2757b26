/* The operator's API (media library, shows, PSA campaigns, as-run): its
 * route table and the strict input readers the handlers share.  Input is
 * checked completely before anything is written, so a refused request
 * changes nothing. */
#define LOG_MODULE "web"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scheduler/scheduler.h"
#include "web/manage_private.h"

const struct web_route web_manage_routes[] = {
    {"GET", "/api/v1/media", ROLES_ANY, BODY_NONE, manage_media_list, false},
    {"POST", "/api/v1/media", ROLES_OPERATOR, BODY_MULTIPART, manage_media_upload, false},
    {"GET", "/api/v1/media/categories", ROLES_ANY, BODY_NONE, manage_media_categories,
     false},
    {"GET", "/api/v1/media/{id}", ROLES_ANY, BODY_NONE, manage_media_get, false},
    {"PATCH", "/api/v1/media/{id}", ROLES_OPERATOR, BODY_JSON, manage_media_update,
     false},
    {"DELETE", "/api/v1/media/{id}", ROLES_OPERATOR, BODY_NONE, manage_media_delete,
     false},
    {"GET", "/api/v1/media/{id}/audio", ROLES_ANY, BODY_NONE, manage_media_audio, false},
    {"GET", "/api/v1/shows", ROLES_ANY, BODY_NONE, manage_show_list, false},
    {"POST", "/api/v1/shows", ROLES_OPERATOR, BODY_JSON, manage_show_create, false},
    {"GET", "/api/v1/shows/{id}", ROLES_ANY, BODY_NONE, manage_show_get, false},
    {"PUT", "/api/v1/shows/{id}", ROLES_OPERATOR, BODY_JSON, manage_show_replace, false},
    {"DELETE", "/api/v1/shows/{id}", ROLES_OPERATOR, BODY_NONE, manage_show_delete,
     false},
    {"POST", "/api/v1/shows/{id}/dates/{date}/move", ROLES_OPERATOR, BODY_JSON,
     manage_show_date_move, false},
    {"DELETE", "/api/v1/shows/{id}/dates/{date}", ROLES_OPERATOR, BODY_NONE,
     manage_show_date_remove, false},
    {"POST", "/api/v1/shows/{id}/dates/{date}/restore", ROLES_OPERATOR, BODY_NONE,
     manage_show_date_restore, false},
    {"GET", "/api/v1/public/programmes", 0, BODY_NONE, manage_public_programmes, false},
    {"GET", "/api/v1/campaigns", ROLES_ANY, BODY_NONE, manage_campaign_list, false},
    {"POST", "/api/v1/campaigns", ROLES_OPERATOR, BODY_JSON, manage_campaign_create,
     false},
    {"GET", "/api/v1/campaigns/{id}", ROLES_ANY, BODY_NONE, manage_campaign_get, false},
    {"PUT", "/api/v1/campaigns/{id}", ROLES_OPERATOR, BODY_JSON, manage_campaign_replace,
     false},
    {"DELETE", "/api/v1/campaigns/{id}", ROLES_OPERATOR, BODY_NONE,
     manage_campaign_delete, false},
    {"GET", "/api/v1/campaigns/{id}/report", ROLES_ANY, BODY_NONE, manage_campaign_report,
     false},
    {"GET", "/api/v1/campaigns/{id}/report.csv", ROLES_ANY, BODY_NONE,
     manage_campaign_report_csv, false},
    {"GET", "/api/v1/asrun", ROLES_ANY, BODY_NONE, manage_asrun_list, false},
    {"GET", "/api/v1/asrun.csv", ROLES_ANY, BODY_NONE, manage_asrun_csv, false},
};

const size_t web_manage_routes_count =
    sizeof web_manage_routes / sizeof web_manage_routes[0];

json_t *manage_column_text(sqlite3_stmt *stmt, int column)
{
        if (sqlite3_column_type(stmt, column) == SQLITE_NULL)
                return json_null();
        json_t *s = json_string((const char *)sqlite3_column_text(stmt, column));
        /* a row written by hand with invalid UTF-8 must not break the answer */
        return s ? s : json_string("");
}

bool manage_text_valid(const char *s)
{
        return web_text_valid(s, false);
}

int manage_check_keys(json_t *body, const char *const *allowed, char *err,
                      size_t err_size)
{
        const char *key;
        json_t *value;
        json_object_foreach(body, key, value)
        {
                bool known = false;
                for (size_t i = 0; allowed[i] && !known; i++)
                        known = strcmp(key, allowed[i]) == 0;
                if (!known) {
                        snprintf(err, err_size, "unknown field '%.40s'", key);
                        return -1;
                }
        }
        return 0;
}

int manage_get_text(json_t *body, const char *key, bool required, size_t max,
                    const char *def, const char **out, char *err, size_t err_size)
{
        json_t *v = json_object_get(body, key);
        *out = def;
        if (!v || json_is_null(v)) {
                if (required) {
                        snprintf(err, err_size, "the field '%s' is required", key);
                        return -1;
                }
                return 0;
        }
        if (!json_is_string(v)) {
                snprintf(err, err_size, "the field '%s' must be a string", key);
                return -1;
        }
        const char *s = json_string_value(v);
        /* jansson allows NUL inside strings; the database would cut them */
        if (strlen(s) != json_string_length(v) || !manage_text_valid(s) ||
            strlen(s) > max) {
                snprintf(err, err_size,
                         "the field '%s' must be text of at most %zu bytes", key, max);
                return -1;
        }
        if (required && !*s) {
                snprintf(err, err_size, "the field '%s' must not be empty", key);
                return -1;
        }
        *out = s;
        return 0;
}

int manage_get_number(json_t *body, const char *key, bool required, bool integer,
                      double min, double max, double def, double *out, char *err,
                      size_t err_size)
{
        json_t *v = json_object_get(body, key);
        *out = def;
        if (!v || json_is_null(v)) {
                if (required) {
                        snprintf(err, err_size, "the field '%s' is required", key);
                        return -1;
                }
                return 0;
        }
        double d = json_is_number(v) ? json_number_value(v) : NAN;
        if (!json_is_number(v) || !isfinite(d) || d < min || d > max ||
            (integer && d != floor(d))) {
                snprintf(err, err_size, "the field '%s' must be a %s from %g to %g", key,
                         integer ? "whole number" : "number", min, max);
                return -1;
        }
        *out = d;
        return 0;
}

int manage_get_bool(json_t *body, const char *key, bool def, bool *out, char *err,
                    size_t err_size)
{
        json_t *v = json_object_get(body, key);
        *out = def;
        if (!v || json_is_null(v))
                return 0;
        if (json_is_boolean(v)) {
                *out = json_is_true(v);
                return 0;
        }
        if (json_is_integer(v) &&
            (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
                *out = json_integer_value(v) == 1;
                return 0;
        }
        snprintf(err, err_size, "the field '%s' must be true or false", key);
        return -1;
}

bool manage_date_valid(const char *s)
{
        int64_t ms;
        int y, m, d;
        if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
                return false;
        for (int i = 0; i < 10; i++)
                if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
                        return false;
        if (time_parse_date(s, &ms) < 0)
                return false;
        /* 2030-02-30 must not slide into March: read the day back at noon */
        time_local_fields(ms + 12 * 3600 * 1000LL, &y, &m, &d, NULL, NULL, NULL, NULL);
        return y == atoi(s) && m == atoi(s + 5) && d == atoi(s + 8);
}

int manage_get_date(json_t *body, const char *key, bool required, const char **out,
                    char *err, size_t err_size)
{
        json_t *v = json_object_get(body, key);
        *out = NULL;
        if (!v || json_is_null(v)) {
                if (required) {
                        snprintf(err, err_size, "the field '%s' is required", key);
                        return -1;
                }
                return 0;
        }
        if (!json_is_string(v) || !manage_date_valid(json_string_value(v))) {
                snprintf(err, err_size, "the field '%s' must be a date YYYY-MM-DD", key);
                return -1;
        }
        *out = json_string_value(v);
        return 0;
}

int manage_parse_clock(const char *s, int *seconds)
{
        size_t len = s ? strlen(s) : 0;
        if (len != 5 && len != 8)
                return -1;
        for (size_t i = 0; i < len; i++) {
                bool colon = i == 2 || i == 5;
                if (colon ? s[i] != ':' : !isdigit((unsigned char)s[i]))
                        return -1;
        }
        int h = (s[0] - '0') * 10 + (s[1] - '0');
        int m = (s[3] - '0') * 10 + (s[4] - '0');
        int sec = len == 8 ? (s[6] - '0') * 10 + (s[7] - '0') : 0;
        if (h > 23 || m > 59 || sec > 59)
                return -1;
        *seconds = h * 3600 + m * 60 + sec;
        return 0;
}

void manage_format_clock(int seconds, char *buf, size_t size)
{
        if (seconds % 60)
                snprintf(buf, size, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
                         seconds % 60);
        else
                snprintf(buf, size, "%02d:%02d", seconds / 3600, seconds / 60 % 60);
}

static int parse_day(json_t *v)
{
        static const char *const names[7][4] = {
            {"sunday", "sun", "minggu", "ahad"}, {"monday", "mon", "senin", "sen"},
            {"tuesday", "tue", "selasa", "sel"}, {"wednesday", "wed", "rabu", "rab"},
            {"thursday", "thu", "kamis", "kam"}, {"friday", "fri", "jumat", "jum"},
            {"saturday", "sat", "sabtu", "sab"},
        };
        if (json_is_integer(v)) {
                json_int_t n = json_integer_value(v);
                return n >= 0 && n <= 6 ? (int)n : -1;
        }
        if (!json_is_string(v))
                return -1;
        const char *s = json_string_value(v);
        for (int d = 0; d < 7; d++)
                for (int k = 0; k < 4; k++)
                        if (strcasecmp(s, names[d][k]) == 0)
                                return d;
        if (strcasecmp(s, "jum'at") == 0)
                return 5;
        return -1;
}

int manage_get_days(json_t *body, const char *key, int def, int *mask, char *err,
                    size_t err_size)
{
        json_t *v = json_object_get(body, key);
        size_t i;
        json_t *day;
        *mask = def;
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_array(v) || json_array_size(v) > 7 * 4)
                goto bad;
        *mask = 0;
        json_array_foreach(v, i, day)
        {
                int d = parse_day(day);
                if (d < 0)
                        goto bad;
                *mask |= 1 << d;
        }
        return 0;
bad:
        snprintf(err, err_size,
                 "the field '%s' must be a list of days: 0 (Sunday) to 6, or names "
                 "such as \"monday\" or \"senin\"",
                 key);
        return -1;
}

json_t *manage_days_json(int mask)
{
        json_t *days = json_array();
        for (int d = 0; d < 7; d++)
                if (mask & (1 << d))
                        json_array_append_new(days, json_integer(d));
        return days;
}

/* Appends one category word to list (comma-separated) unless it is there. */
static int add_category(char **list, size_t *count, const char *word, size_t len,
                        char *err, size_t err_size, const char *key)
{
        while (len > 0 && isspace((unsigned char)*word)) {
                word++;
                len--;
        }
        while (len > 0 && isspace((unsigned char)word[len - 1]))
                len--;
        if (len == 0)
                return 0;
        if (len > MANAGE_CATEGORY_MAX) {
                snprintf(err, err_size, "a category in '%s' is longer than %d bytes", key,
                         MANAGE_CATEGORY_MAX);
                return -1;
        }
        char *c = xmalloc(len + 1);
        for (size_t i = 0; i < len; i++)
                c[i] = (char)tolower((unsigned char)word[i]);
        c[len] = '\0';
        /* is it there already? compare whole words */
        bool seen = false;
        for (const char *p = *list; p && *p && !seen;) {
                size_t n = strcspn(p, ",");
                seen = n == len && memcmp(p, c, len) == 0;
                p += n + (p[n] == ',');
        }
        if (!seen) {
                if (++*count > MANAGE_CATEGORIES_MAX) {
                        free(c);
                        snprintf(err, err_size, "at most %d categories in '%s'",
                                 MANAGE_CATEGORIES_MAX, key);
                        return -1;
                }
                char *joined =
                    *list && **list ? xasprintf("%s,%s", *list, c) : xstrdup(c);
                free(*list);
                *list = joined;
        }
        free(c);
        return 0;
}

int manage_get_categories(json_t *body, const char *key, char **out, char *err,
                          size_t err_size)
{
        json_t *v = json_object_get(body, key);
        char *list = NULL;
        size_t count = 0;
        size_t i;
        json_t *item;
        *out = NULL;
        if (!v || json_is_null(v))
                return 0;
        list = xstrdup("");
        if (json_is_string(v)) {
                const char *s = json_string_value(v);
                if (!manage_text_valid(s))
                        goto bad;
                while (*s) {
                        size_t n = strcspn(s, ",");
                        if (add_category(&list, &count, s, n, err, err_size, key) < 0)
                                goto fail;
                        s += n + (s[n] == ',');
                }
        } else if (json_is_array(v)) {
                json_array_foreach(v, i, item)
                {
                        if (!json_is_string(item))
                                goto bad;
                        const char *s = json_string_value(item);
                        if (!manage_text_valid(s) || strchr(s, ','))
                                goto bad;
                        if (add_category(&list, &count, s, strlen(s), err, err_size,
                                         key) < 0)
                                goto fail;
                }
        } else {
                goto bad;
        }
        *out = list;
        return 0;
bad:
        snprintf(err, err_size,
                 "the field '%s' must be a list of category names (text without commas)",
                 key);
fail:
        free(list);
        return -1;
}

json_t *manage_split_json(const char *list)
{
        json_t *a = json_array();
        for (const char *p = list; p && *p;) {
                size_t n = strcspn(p, ",");
                if (n > 0)
                        json_array_append_new(a, json_stringn(p, n));
                p += n + (p[n] == ',');
        }
        return a;
}

int manage_get_ids(json_t *body, const char *key, bool required, size_t max, json_t **out,
                   char *err, size_t err_size)
{
        json_t *v = json_object_get(body, key);
        size_t i;
        json_t *item;
        *out = NULL;
        if (!v || json_is_null(v)) {
                if (required) {
                        snprintf(err, err_size, "the field '%s' is required", key);
                        return -1;
                }
                return 0;
        }
        if (!json_is_array(v) || json_array_size(v) > max)
                goto bad;
        json_array_foreach(v, i, item)
        {
                if (!json_is_integer(item) || json_integer_value(item) <= 0)
                        goto bad;
        }
        if (required && json_array_size(v) == 0) {
                snprintf(err, err_size, "the field '%s' must name at least one item",
                         key);
                return -1;
        }
        *out = v;
        return 0;
bad:
        snprintf(err, err_size, "the field '%s' must be a list of at most %zu media ids",
                 key, max);
        return -1;
}

int manage_check_media(sqlite3 *db, json_t *ids, const char *want_kind, char *err,
                       size_t err_size)
{
        sqlite3_stmt *stmt = NULL;
        size_t i;
        json_t *item;
        int rc = -1;
        if (!ids)
                return 0;
        if (sqlite3_prepare_v2(db, "SELECT kind, deleted FROM media WHERE id = ?1", -1,
                               &stmt, NULL) != SQLITE_OK) {
                snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
                goto out;
        }
        json_array_foreach(ids, i, item)
        {
                json_int_t id = json_integer_value(item);
                sqlite3_reset(stmt);
                sqlite3_bind_int64(stmt, 1, id);
                int step = sqlite3_step(stmt);
                if (step != SQLITE_ROW && step != SQLITE_DONE) {
                        snprintf(err, err_size, "database: %s", sqlite3_errmsg(db));
                        goto out;
                }
                const char *kind = step == SQLITE_ROW
                                       ? (const char *)sqlite3_column_text(stmt, 0)
                                       : NULL;
                if (!kind || sqlite3_column_int(stmt, 1) ||
                    strcmp(kind, "complaint") == 0) {
                        snprintf(err, err_size, "media %lld is not in the library",
                                 (long long)id);
                        rc = 1;
                        goto out;
                }
                if (want_kind && strcmp(kind, want_kind) != 0) {
                        snprintf(err, err_size, "media %lld is a %s item, not %s",
                                 (long long)id, kind, want_kind);
                        rc = 1;
                        goto out;
                }
        }
        rc = 0;
out:
        sqlite3_finalize(stmt);
        return rc;
}

int manage_begin(sqlite3 *db)
{
        return sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0
                                                                                  : -1;
}

int manage_commit(sqlite3 *db)
{
        return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

void manage_rollback(sqlite3 *db)
{
        sched_db_rollback(db);
}

void manage_schedule_changed(struct web_request *r)
{
        if (r->web->ctx.playout)
                playout_schedule_changed(r->web->ctx.playout);
        web_status_schedule_changed(r->web->status);
}

/* One end of a range: a date (end = the day after when inclusive_end) or a
 * local date and time. */
static int parse_bound(const char *s, bool inclusive_end, int64_t *ms)
{
        if (manage_date_valid(s)) {
                if (time_parse_date(s, ms) < 0)
                        return -1;
                if (inclusive_end)
                        *ms = time_local_midnight(*ms + 36 * 3600 * 1000LL);
                return 0;
        }
        return strlen(s) >= 16 && time_parse_local(s, ms) == 0 ? 0 : -1;
}

int manage_query_range(struct web_request *r, int64_t *from_ms, int64_t *to_ms, char *err,
                       size_t err_size)
{
        const char *date = web_query(r, "date");
        const char *from = web_query(r, "from");
        const char *to = web_query(r, "to");
        if (date && (from || to)) {
                snprintf(err, err_size, "give either date or from/to");
                return -1;
        }
        if (date) {
                from = date;
                to = date;
        }
        if (from && *from) {
                if (parse_bound(from, false, from_ms) < 0) {
                        snprintf(err, err_size,
                                 "from must be YYYY-MM-DD or \"YYYY-MM-DD HH:MM\"");
                        return -1;
                }
        } else {
                *from_ms = time_local_midnight(time_now_ms());
        }
        if (to && *to) {
                if (parse_bound(to, true, to_ms) < 0) {
                        snprintf(err, err_size,
                                 "to must be YYYY-MM-DD or \"YYYY-MM-DD HH:MM\"");
                        return -1;
                }
        } else {
                *to_ms = time_local_midnight(*from_ms + 36 * 3600 * 1000LL);
        }
        if (*to_ms <= *from_ms) {
                snprintf(err, err_size, "to must be after from");
                return -1;
        }
        if (*to_ms - *from_ms > 400LL * 24 * 3600 * 1000) {
                snprintf(err, err_size, "the range may span at most 400 days");
                return -1;
        }
        return 0;
}
