/* Shows (the programme grid) and PSA campaigns for operators: list, read,
 * create, replace and delete.  The whole body is checked before the
 * transaction starts; a show or campaign and its dates and items are written
 * together, so the engine never plans from half of an edit. */
#define LOG_MODULE "web"
#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/scheduler.h"
#include "input/input.h"
#include "web/manage_private.h"

#define MAX_ITEMS 500
#define MAX_DATES 366
#define MAX_TIMES 96
/* A show answer's airings: the days it lists by default, and the most
 * ?days= may ask for. */
#define AIRINGS_DAYS 7
#define AIRINGS_DAYS_MAX 31

/* ---- shared ---------------------------------------------------------------- */

/* The ids of rows in a child table, in position order, as a JSON array. */
static json_t *child_ids(sqlite3 *db, const char *sql, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        json_t *a = json_array();
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, id);
                while (sqlite3_step(stmt) == SQLITE_ROW)
                        json_array_append_new(
                            a, sqlite3_column_type(stmt, 0) == SQLITE_INTEGER
                                   ? json_integer(sqlite3_column_int64(stmt, 0))
                                   : manage_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        return a;
}

/* The playlist with titles, for one show or campaign. */
static json_t *playlist_details(sqlite3 *db, const char *table, const char *column,
                                int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        json_t *a = json_array();
        char *sql = xasprintf("SELECT m.id, m.title, m.artist, m.kind, m.duration, "
                              "m.deleted FROM %s i JOIN media m ON m.id = i.media_id "
                              "WHERE i.%s = ?1 ORDER BY i.position",
                              table, column); /* table names are constants */
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, id);
                while (sqlite3_step(stmt) == SQLITE_ROW)
                        json_array_append_new(
                            a, json_pack("{sI so so so sf sb}", "id",
                                         (json_int_t)sqlite3_column_int64(stmt, 0),
                                         "title", manage_column_text(stmt, 1), "artist",
                                         manage_column_text(stmt, 2), "kind",
                                         manage_column_text(stmt, 3), "duration",
                                         sqlite3_column_double(stmt, 4), "deleted",
                                         sqlite3_column_int(stmt, 5)));
        }
        sqlite3_finalize(stmt);
        free(sql);
        return a;
}

/* Inserts the media ids as positioned rows of table (show_items or
 * campaign_items).  Returns 0 or -1. */
static int insert_items(sqlite3 *db, const char *sql, int64_t id, json_t *items)
{
        sqlite3_stmt *stmt = NULL;
        size_t i;
        json_t *item;
        int rc = -1;
        if (!items)
                return 0;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        json_array_foreach(items, i, item)
        {
                sqlite3_reset(stmt);
                sqlite3_bind_int64(stmt, 1, id);
                sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i + 1);
                sqlite3_bind_int64(stmt, 3, json_integer_value(item));
                if (sqlite3_step(stmt) != SQLITE_DONE)
                        goto out;
        }
        rc = 0;
out:
        sqlite3_finalize(stmt);
        return rc;
}

static int exec_id(sqlite3 *db, const char *sql, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, id);
                rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(stmt);
        return rc;
}

static bool row_exists(sqlite3 *db, const char *sql, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        bool found = false;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, id);
                found = sqlite3_step(stmt) == SQLITE_ROW;
        }
        sqlite3_finalize(stmt);
        return found;
}

static void bind_nullable(sqlite3_stmt *stmt, int i, const char *s)
{
        if (s)
                sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
        else
                sqlite3_bind_null(stmt, i);
}

/* ---- shows -------------------------------------------------------------------- */

struct show_input {
        const char *name, *host, *valid_from, *valid_to, *content;
        const char *url; /* relay: the remote stream */
        int days;
        int start;            /* seconds after local midnight */
        int64_t length;       /* seconds */
        json_t *dates;        /* borrowed from the body */
        json_t *except_dates; /* weekly airings left out ("only this date") */
        json_t *items;
        char *categories;
        double track_hours, artist_minutes;
        bool hard_start, hard_end;
        /* the feed of a podcast show (archive/podcast.c, web/podcast.c) */
        bool podcast;
        const char *podcast_description, *podcast_image, *podcast_category;
};

/* Apple Podcasts' top-level categories: what itunes:category may say. */
static const char *const podcast_categories[] = {"Arts",
                                                 "Business",
                                                 "Comedy",
                                                 "Education",
                                                 "Fiction",
                                                 "Government",
                                                 "History",
                                                 "Health & Fitness",
                                                 "Kids & Family",
                                                 "Leisure",
                                                 "Music",
                                                 "News",
                                                 "Religion & Spirituality",
                                                 "Science",
                                                 "Society & Culture",
                                                 "Sports",
                                                 "Technology",
                                                 "True Crime",
                                                 "TV & Film",
                                                 NULL};

/* Checks the podcast fields.  0, or 400 with err. */
static int check_podcast(const struct show_input *in, char *err, size_t err_size)
{
        bool known = false;
        for (size_t i = 0; podcast_categories[i] && !known; i++)
                known = strcmp(in->podcast_category, podcast_categories[i]) == 0;
        if (!known) {
                snprintf(err, err_size,
                         "podcast_category must be one of Apple Podcasts' categories "
                         "(for example \"News\", \"Government\", \"Music\")");
                return 400;
        }
        if (*in->podcast_image && (!input_url_valid(in->podcast_image) ||
                                   strncmp(in->podcast_image, "https://", 8) != 0)) {
                snprintf(err, err_size,
                         "podcast_image must be an https:// address of a JPEG or PNG");
                return 400;
        }
        return 0;
}

/* Does any library item (not deleted) carry one of the comma-separated
 * categories?  1 or 0, -1 on a database error. */
static int categories_have_media(sqlite3 *db, const char *categories)
{
        sqlite3_stmt *stmt = NULL;
        int found = -1;
        if (sqlite3_prepare_v2(db,
                               "SELECT 1 FROM media_category c JOIN media m"
                               " ON m.id = c.media_id WHERE m.deleted = 0"
                               " AND c.category = ?1 LIMIT 1",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        found = 0;
        for (const char *at = categories; *at && !found;) {
                size_t n = strcspn(at, ",");
                sqlite3_reset(stmt);
                sqlite3_bind_text(stmt, 1, at, (int)n, SQLITE_STATIC);
                int step = sqlite3_step(stmt);
                if (step == SQLITE_ROW)
                        found = 1;
                else if (step != SQLITE_DONE)
                        found = -1;
                if (found < 0)
                        goto out;
                at += n + (at[n] == ',');
        }
out:
        sqlite3_finalize(stmt);
        return found;
}

/* A list of dates (dates, except_dates): absent or null is none.  0, or -1
 * with the reason in err. */
static int get_date_list(json_t *body, const char *key, json_t **out, char *err,
                         size_t err_size)
{
        size_t i;
        json_t *d, *list = json_object_get(body, key);
        *out = NULL;
        if (!list || json_is_null(list))
                return 0;
        if (!json_is_array(list) || json_array_size(list) > MAX_DATES)
                goto bad;
        json_array_foreach(list, i, d)
        {
                if (!json_is_string(d) || !manage_date_valid(json_string_value(d)))
                        goto bad;
        }
        *out = list;
        return 0;
bad:
        snprintf(err, err_size, "%s must be a list of at most %d dates YYYY-MM-DD", key,
                 MAX_DATES);
        return -1;
}

static bool date_in_list(json_t *list, const char *date)
{
        size_t i;
        json_t *d;
        json_array_foreach(list, i, d)
        {
                if (!strcmp(json_string_value(d), date))
                        return true;
        }
        return false;
}

/* Checks a show's body.  Returns 0, 400 or 422 (reason in err, its error
 * code in *code), or 500. */
static int read_show(sqlite3 *db, json_t *body, struct show_input *in, const char **code,
                     char *err, size_t err_size)
{
        static const char *const allowed[] = {
            "name", "host", "days", "start", "duration", "valid_from", "valid_to",
            "dates", "except_dates", "content", "items", "categories",
            "track_separation_hours", "artist_separation_minutes", "hard_start",
            "hard_end", "url", "podcast", "podcast_description", "podcast_image",
            "podcast_category", "feed",
            /* read-only fields of a GET answer, ignored so it can be sent back */
            "id", "end", "playlist", "airings", NULL};
        const char *start = NULL;
        double minutes = 0;
        size_t i;
        json_t *d;
        memset(in, 0, sizeof *in);
        if (manage_check_keys(body, allowed, err, err_size) < 0 ||
            manage_get_text(body, "name", true, MANAGE_TEXT_MAX, NULL, &in->name, err,
                            err_size) < 0 ||
            manage_get_text(body, "host", false, MANAGE_TEXT_MAX, "", &in->host, err,
                            err_size) < 0 ||
            manage_get_days(body, "days", 0, &in->days, err, err_size) < 0 ||
            manage_get_text(body, "start", true, 8, NULL, &start, err, err_size) < 0 ||
            manage_get_number(body, "duration", true, false, 1, 1440, 0, &minutes, err,
                              err_size) < 0 ||
            manage_get_date(body, "valid_from", false, &in->valid_from, err, err_size) <
                0 ||
            manage_get_date(body, "valid_to", false, &in->valid_to, err, err_size) < 0 ||
            manage_get_text(body, "content", true, 20, NULL, &in->content, err,
                            err_size) < 0 ||
            manage_get_text(body, "url", false, 1000, "", &in->url, err, err_size) < 0 ||
            manage_get_ids(body, "items", false, MAX_ITEMS, &in->items, err, err_size) <
                0 ||
            manage_get_categories(body, "categories", &in->categories, err, err_size) <
                0 ||
            manage_get_number(body, "track_separation_hours", false, false, 0, 168, 3,
                              &in->track_hours, err, err_size) < 0 ||
            manage_get_number(body, "artist_separation_minutes", false, false, 0, 1440,
                              30, &in->artist_minutes, err, err_size) < 0 ||
            manage_get_bool(body, "hard_start", false, &in->hard_start, err, err_size) <
                0 ||
            manage_get_bool(body, "hard_end", false, &in->hard_end, err, err_size) < 0 ||
            manage_get_bool(body, "podcast", false, &in->podcast, err, err_size) < 0 ||
            manage_get_text(body, "podcast_description", false, 4000, "",
                            &in->podcast_description, err, err_size) < 0 ||
            manage_get_text(body, "podcast_image", false, 1000, "", &in->podcast_image,
                            err, err_size) < 0 ||
            manage_get_text(body, "podcast_category", false, 40, "News",
                            &in->podcast_category, err, err_size) < 0)
                return 400;
        if (check_podcast(in, err, err_size))
                return 400;
        if (manage_parse_clock(start, &in->start) < 0) {
                snprintf(err, err_size, "start must be a time HH:MM");
                return 400;
        }
        in->length = llround(minutes * 60);
        if (in->valid_from && in->valid_to && strcmp(in->valid_from, in->valid_to) > 0) {
                snprintf(err, err_size, "valid_to is before valid_from");
                return 400;
        }
        if (get_date_list(body, "dates", &in->dates, err, err_size) < 0 ||
            get_date_list(body, "except_dates", &in->except_dates, err, err_size) < 0)
                return 400;
        json_array_foreach(in->except_dates, i, d)
        {
                /* an exception takes the weekly airing off a date; a one-off
                 * date says it airs: both at once is a contradiction */
                if (date_in_list(in->dates, json_string_value(d))) {
                        snprintf(err, err_size, "%s is in both dates and except_dates",
                                 json_string_value(d));
                        return 400;
                }
        }
        if (in->days == 0 && json_array_size(in->dates) == 0) {
                snprintf(err, err_size, "a show needs days of the week or dates");
                return 400;
        }
        bool playlist = strcmp(in->content, "playlist") == 0;
        bool relay = strcmp(in->content, "relay") == 0;
        bool live = strcmp(in->content, "live") == 0;
        if (!playlist && !relay && !live && strcmp(in->content, "rotation") != 0 &&
            strcmp(in->content, "complaints") != 0) {
                snprintf(err, err_size,
                         "content must be \"playlist\", \"rotation\", "
                         "\"complaints\", \"relay\" or \"live\"");
                return 400;
        }
        if (relay && !input_url_valid(in->url)) {
                snprintf(err, err_size,
                         "a relay show needs a url: http:// or https:// "
                         "with a host, no spaces");
                return 400;
        }
        if (!relay && *in->url) {
                snprintf(err, err_size, "url is only for relay shows");
                return 400;
        }
        if (playlist && json_array_size(in->items) == 0) {
                snprintf(err, err_size, "a playlist show needs items (media ids)");
                return 400;
        }
        if (!playlist && json_array_size(in->items) > 0) {
                snprintf(err, err_size, "items are only for playlist shows");
                return 400;
        }
        bool draws = relay || live || strcmp(in->content, "rotation") == 0;
        if (draws && (!in->categories || !*in->categories)) {
                snprintf(err, err_size, "a %s show needs categories",
                         relay  ? "relay (for its filler)"
                         : live ? "live (for its filler)"
                                : "rotation");
                return 400;
        }
        if (draws) {
                /* a rotation with nothing to draw would air only the fallback */
                int any = categories_have_media(db, in->categories);
                if (any < 0) {
                        *code = "db_error";
                        return 500;
                }
                if (any == 0) {
                        *code = "rotation_empty";
                        snprintf(err, err_size,
                                 "no library item is in the categories %s: the rotation "
                                 "would have nothing to play",
                                 in->categories);
                        return 422;
                }
        }
        int checked = manage_check_media(db, in->items, NULL, err, err_size);
        *code = checked > 0 ? "media_unusable" : "db_error";
        return checked == 0 ? 0 : checked > 0 ? 422 : 500;
}

/* Replaces the show's rows in a date table (show_dates, show_exceptions:
 * constant names) with list.  0 or -1. */
static int write_dates(sqlite3 *db, const char *table, int64_t id, json_t *list)
{
        sqlite3_stmt *stmt = NULL;
        size_t i;
        json_t *d;
        int rc = -1;
        char *clear = xasprintf("DELETE FROM %s WHERE show_id = ?1", table);
        char *insert =
            xasprintf("INSERT OR IGNORE INTO %s (show_id, date) VALUES (?1, ?2)", table);
        if (exec_id(db, clear, id) < 0)
                goto out;
        if (!list) {
                rc = 0;
                goto out;
        }
        if (sqlite3_prepare_v2(db, insert, -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        json_array_foreach(list, i, d)
        {
                sqlite3_reset(stmt);
                sqlite3_bind_int64(stmt, 1, id);
                sqlite3_bind_text(stmt, 2, json_string_value(d), -1, SQLITE_STATIC);
                if (sqlite3_step(stmt) != SQLITE_DONE)
                        goto out;
        }
        rc = 0;
out:
        sqlite3_finalize(stmt);
        free(clear);
        free(insert);
        return rc;
}

/* Writes the show (id 0: a new one) and its dates and items, in the
 * caller's transaction.  Returns the id or -1. */
static int64_t write_show(sqlite3 *db, int64_t id, const struct show_input *in)
{
        sqlite3_stmt *stmt = NULL;
        int64_t rc = -1;
        const char *sql =
            id ? "UPDATE shows SET name = ?1, host = ?2, days = ?3, start_time = ?4, "
                 "duration = ?5, valid_from = ?6, valid_to = ?7, content = ?8, "
                 "categories = ?9, track_separation_hours = ?10, "
                 "artist_separation_minutes = ?11, hard_start = ?12, hard_end = ?13, "
                 "url = ?17, podcast = ?18, podcast_description = ?19, "
                 "podcast_image = ?20, podcast_category = ?21 WHERE id = ?14"
               : "INSERT INTO shows (name, host, days, start_time, duration, valid_from, "
                 "valid_to, content, categories, track_separation_hours, "
                 "artist_separation_minutes, hard_start, hard_end, seed, created_at, "
                 "url, podcast, podcast_description, podcast_image, podcast_category) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                 "?15, ?16, ?17, ?18, ?19, ?20, ?21)";
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_text(stmt, 1, in->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, in->host, -1, SQLITE_STATIC);
        sqlite3_bind_int(stmt, 3, in->days);
        sqlite3_bind_int(stmt, 4, in->start);
        sqlite3_bind_int64(stmt, 5, in->length);
        bind_nullable(stmt, 6, in->valid_from);
        bind_nullable(stmt, 7, in->valid_to);
        sqlite3_bind_text(stmt, 8, in->content, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 9, in->categories ? in->categories : "", -1,
                          SQLITE_STATIC);
        sqlite3_bind_double(stmt, 10, in->track_hours);
        sqlite3_bind_double(stmt, 11, in->artist_minutes);
        sqlite3_bind_int(stmt, 12, in->hard_start);
        sqlite3_bind_int(stmt, 13, in->hard_end);
        sqlite3_bind_text(stmt, 17, in->url ? in->url : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(stmt, 18, in->podcast);
        sqlite3_bind_text(stmt, 19, in->podcast_description, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 20, in->podcast_image, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 21, in->podcast_category, -1, SQLITE_STATIC);
        if (id) {
                sqlite3_bind_int64(stmt, 14, id);
        } else {
                /* each show its own rotation order, fixed once stored */
                sqlite3_bind_int64(stmt, 15,
                                   1 + (int64_t)randombytes_uniform(0x7fffffff));
                sqlite3_bind_int64(stmt, 16, time_now_ms() / 1000);
        }
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto out;
        if (!id)
                id = sqlite3_last_insert_rowid(db);
        if (write_dates(db, "show_dates", id, in->dates) < 0 ||
            write_dates(db, "show_exceptions", id, in->except_dates) < 0 ||
            exec_id(db, "DELETE FROM show_items WHERE show_id = ?1", id) < 0)
                goto out;
        if (insert_items(db,
                         "INSERT INTO show_items (show_id, position, media_id) "
                         "VALUES (?1, ?2, ?3)",
                         id, in->items) < 0)
                goto out;
        rc = id;
out:
        sqlite3_finalize(stmt);
        return rc;
}

#define SHOW_COLUMNS                                                                     \
        "SELECT id, name, host, days, start_time, duration, valid_from, valid_to, "      \
        "content, categories, track_separation_hours, artist_separation_minutes, "       \
        "hard_start, hard_end, url, podcast, podcast_description, podcast_image, "       \
        "podcast_category FROM shows "

/* The local days whose airings a show answer lists. */
struct airing_range {
        int64_t from_ms; /* any time in the first day */
        int days;
};

static const struct airing_range *airings_from_today(struct airing_range *range)
{
        range->from_ms = time_now_ms();
        range->days = AIRINGS_DAYS;
        return range;
}

/* ?from=YYYY-MM-DD&days=N (both optional).  Returns 0 or -1 (reason). */
static int read_airing_range(const struct web_request *r, struct airing_range *range,
                             char *err, size_t err_size)
{
        const char *from = web_query(r, "from"), *days = web_query(r, "days");
        airings_from_today(range);
        if (from && time_parse_date(from, &range->from_ms) < 0) {
                snprintf(err, err_size, "from must be a date YYYY-MM-DD");
                return -1;
        }
        if (days) {
                char *end = NULL;
                long n = strtol(days, &end, 10);
                if (!*days || *end || days[0] < '0' || days[0] > '9' || n < 1 ||
                    n > AIRINGS_DAYS_MAX) {
                        snprintf(err, err_size, "days must be a whole number 1 to %d",
                                 AIRINGS_DAYS_MAX);
                        return -1;
                }
                range->days = (int)n;
        }
        return 0;
}

/* The show's real starts and ends in the range, from the scheduler's grid
 * code (so DST days come out as they air); null on a database error. */
static json_t *airings_json(sqlite3 *db, int64_t id, const struct airing_range *range)
{
        struct sched_airing airings[AIRINGS_DAYS_MAX];
        char err[256], start[64], end[64], date[16];
        int n = sched_show_airings(db, id, range->from_ms, range->days, airings,
                                   AIRINGS_DAYS_MAX, err, sizeof err);
        if (n < 0) {
                log_warn("show %" PRId64 " airings: %s", id, err);
                return json_null();
        }
        json_t *a = json_array();
        for (int i = 0; i < n; i++) {
                int key = airings[i].date_key;
                snprintf(date, sizeof date, "%04d-%02d-%02d", key / 10000,
                         key / 100 % 100, key % 100);
                json_array_append_new(
                    a, json_pack(
                           "{ss ss ss}", "date", date, "start",
                           time_format_iso(airings[i].start_ms, start, sizeof start),
                           "end", time_format_iso(airings[i].end_ms, end, sizeof end)));
        }
        return a;
}

static json_t *show_json(sqlite3 *db, sqlite3_stmt *stmt,
                         const struct airing_range *range)
{
        char start[16], end[16];
        int64_t id = sqlite3_column_int64(stmt, 0);
        int start_s = sqlite3_column_int(stmt, 4);
        int64_t length = sqlite3_column_int64(stmt, 5);
        manage_format_clock(start_s, start, sizeof start);
        manage_format_clock((int)((start_s + length) % 86400), end, sizeof end);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(id));
        json_object_set_new(o, "name", manage_column_text(stmt, 1));
        json_object_set_new(o, "host", manage_column_text(stmt, 2));
        json_object_set_new(o, "days", manage_days_json(sqlite3_column_int(stmt, 3)));
        json_object_set_new(o, "start", json_string(start));
        json_object_set_new(o, "duration", json_real((double)length / 60.0));
        json_object_set_new(o, "end", json_string(end));
        json_object_set_new(o, "valid_from", manage_column_text(stmt, 6));
        json_object_set_new(o, "valid_to", manage_column_text(stmt, 7));
        json_object_set_new(o, "dates",
                            child_ids(db,
                                      "SELECT date FROM show_dates WHERE show_id = ?1 "
                                      "ORDER BY date",
                                      id));
        json_object_set_new(o, "except_dates",
                            child_ids(db,
                                      "SELECT date FROM show_exceptions WHERE "
                                      "show_id = ?1 ORDER BY date",
                                      id));
        json_object_set_new(o, "content", manage_column_text(stmt, 8));
        json_object_set_new(
            o, "items",
            child_ids(db,
                      "SELECT media_id FROM show_items WHERE show_id = ?1 "
                      "ORDER BY position",
                      id));
        json_object_set_new(
            o, "categories",
            manage_split_json((const char *)sqlite3_column_text(stmt, 9)));
        json_object_set_new(o, "track_separation_hours",
                            json_real(sqlite3_column_double(stmt, 10)));
        json_object_set_new(o, "artist_separation_minutes",
                            json_real(sqlite3_column_double(stmt, 11)));
        json_object_set_new(o, "hard_start", json_boolean(sqlite3_column_int(stmt, 12)));
        json_object_set_new(o, "hard_end", json_boolean(sqlite3_column_int(stmt, 13)));
        json_object_set_new(o, "airings", airings_json(db, id, range));
        json_object_set_new(o, "url", manage_column_text(stmt, 14));
        bool podcast = sqlite3_column_int(stmt, 15) != 0;
        json_object_set_new(o, "podcast", json_boolean(podcast));
        json_object_set_new(o, "podcast_description", manage_column_text(stmt, 16));
        json_object_set_new(o, "podcast_image", manage_column_text(stmt, 17));
        json_object_set_new(o, "podcast_category", manage_column_text(stmt, 18));
        char feed[64];
        snprintf(feed, sizeof feed, "/podcast/%" PRId64 ".xml", id);
        json_object_set_new(o, "feed", podcast ? json_string(feed) : json_null());
        return o;
}

static json_t *load_show(sqlite3 *db, int64_t id, const struct airing_range *range)
{
        sqlite3_stmt *stmt = NULL;
        json_t *o = NULL;
        if (sqlite3_prepare_v2(db, SHOW_COLUMNS "WHERE id = ?1", -1, &stmt, NULL) ==
            SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, id);
                if (sqlite3_step(stmt) == SQLITE_ROW) {
                        o = show_json(db, stmt, range);
                        json_object_set_new(
                            o, "playlist",
                            playlist_details(db, "show_items", "show_id", id));
                }
        }
        sqlite3_finalize(stmt);
        return o;
}

void manage_show_list(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(r->db, SHOW_COLUMNS "ORDER BY start_time, name, id", -1,
                               &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        struct airing_range range;
        airings_from_today(&range);
        json_t *list = json_array();
        while (sqlite3_step(stmt) == SQLITE_ROW)
                json_array_append_new(list, show_json(r->db, stmt, &range));
        sqlite3_finalize(stmt);
        web_respond_json(r, 200, json_pack("{so}", "shows", list));
}

void manage_show_get(struct web_request *r)
{
        struct airing_range range;
        char err[128];
        if (read_airing_range(r, &range, err, sizeof err) < 0) {
                web_respond_error(r, 400, "range_invalid", "%s", err);
                return;
        }
        json_t *o = load_show(r->db, r->ids[0], &range);
        if (!o) {
                web_respond_error(r, 404, "not_found", "no show %" PRId64, r->ids[0]);
                return;
        }
        web_respond_json(r, 200, o);
}

/* One airing for the public page: the show's public fields only. */
static json_t *programme_json(sqlite3_stmt *stmt, const struct sched_airing *a)
{
        char start[64], end[64], clock_start[8], clock_end[8];
        int y, mo, d, h, mi, s, wd, start_day;
        time_local_fields(a->start_ms, &y, &mo, &d, &h, &mi, &s, &wd);
        snprintf(clock_start, sizeof clock_start, "%02d:%02d", h, mi);
        start_day = d;
        time_local_fields(a->end_ms, &y, &mo, &d, &h, &mi, &s, &wd);
        /* a show ending at the next midnight ends at 24:00, not 00:00 */
        if (d != start_day && h == 0 && mi == 0)
                h = 24;
        snprintf(clock_end, sizeof clock_end, "%02d:%02d", h, mi);
        return json_pack("{so so ss ss ss ss}", "name", manage_column_text(stmt, 1),
                         "host", manage_column_text(stmt, 2), "start", clock_start, "end",
                         clock_end, "starts_at",
                         time_format_iso(a->start_ms, start, sizeof start), "ends_at",
                         time_format_iso(a->end_ms, end, sizeof end));
}

static int programme_order(const void *a, const void *b)
{
        const char *x =
            json_string_value(json_object_get(*(json_t *const *)a, "starts_at"));
        const char *y =
            json_string_value(json_object_get(*(json_t *const *)b, "starts_at"));
        return strcmp(x ? x : "", y ? y : "");
}

/* GET /api/v1/public/programmes: today's (station time) shows with their
 * host and real start and end, for the listener page.  Public: names the
 * show and its presenter, nothing of its content, nobody else. */
void manage_public_programmes(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        int64_t now = time_now_ms();
        char date[16];
        int y, mo, d, h, mi, s, wd;
        time_local_fields(now, &y, &mo, &d, &h, &mi, &s, &wd);
        snprintf(date, sizeof date, "%04d-%02d-%02d", y, mo, d);
        if (sqlite3_prepare_v2(r->db, "SELECT id, name, host FROM shows ORDER BY id", -1,
                               &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        size_t n = 0, cap = 16;
        json_t **rows = xmalloc(cap * sizeof *rows);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                struct sched_airing a;
                char err[256];
                int found = sched_show_airings(r->db, sqlite3_column_int64(stmt, 0), now,
                                               1, &a, 1, err, sizeof err);
                if (found < 0)
                        log_warn("programmes: %s", err);
                if (found <= 0)
                        continue;
                if (n == cap)
                        rows = xrealloc(rows, (cap *= 2) * sizeof *rows);
                rows[n++] = programme_json(stmt, &a);
        }
        sqlite3_finalize(stmt);
        qsort(rows, n, sizeof *rows, programme_order);
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(list, rows[i]);
        free(rows);
        web_respond_json(r, 200, json_pack("{ss so}", "date", date, "programmes", list));
}

/* POST (id 0) and PUT. */
static void save_show(struct web_request *r, int64_t id)
{
        struct show_input in;
        char err[256] = "";
        if (id && !row_exists(r->db, "SELECT 1 FROM shows WHERE id = ?1", id)) {
                web_respond_error(r, 404, "not_found", "no show %" PRId64, id);
                return;
        }
        const char *code = "field_invalid";
        int status = read_show(r->db, r->json, &in, &code, err, sizeof err);
        if (status) {
                web_respond_error(r, (unsigned int)status, code, "%s", err);
                goto out;
        }
        if (manage_begin(r->db) < 0)
                goto db_error;
        int64_t saved = write_show(r->db, id, &in);
        if (saved < 0 || manage_commit(r->db) < 0)
                goto db_error;
        log_info("show %" PRId64 " (%s) %s by %s", saved, in.name,
                 id ? "changed" : "created", r->session.user);
        struct airing_range range;
        web_respond_json(r, id ? 200 : 201,
                         load_show(r->db, saved, airings_from_today(&range)));
        manage_schedule_changed(r);
        goto out;
db_error:
        web_respond_db_error(r);
        manage_rollback(r->db);
out:
        free(in.categories);
}

void manage_show_create(struct web_request *r)
{
        save_show(r, 0);
}

void manage_show_replace(struct web_request *r)
{
        save_show(r, r->ids[0]);
}

/* DELETE for shows and campaigns. */
static void delete_row(struct web_request *r, const char *what, const char *sql)
{
        if (manage_begin(r->db) < 0)
                goto db_error;
        if (exec_id(r->db, sql, r->ids[0]) < 0)
                goto db_error;
        int changed = sqlite3_changes(r->db);
        if (manage_commit(r->db) < 0)
                goto db_error;
        if (changed == 0) {
                web_respond_error(r, 404, "not_found", "no %s %" PRId64, what, r->ids[0]);
                return;
        }
        log_info("%s %" PRId64 " deleted by %s", what, r->ids[0], r->session.user);
        web_respond_json(r, 200,
                         json_pack("{sI sb}", "id", (json_int_t)r->ids[0], "deleted", 1));
        manage_schedule_changed(r);
        return;
db_error:
        web_respond_db_error(r);
        manage_rollback(r->db);
}

void manage_show_delete(struct web_request *r)
{
        delete_row(r, "show", "DELETE FROM shows WHERE id = ?1");
}

/* ---- one date of a show ("only this date") ------------------------------------ */

/* How a show stands on one date, read in the caller's transaction. */
struct date_standing {
        bool weekly;    /* its weekdays and valid_from..valid_to cover the date */
        bool excepted;  /* an exception is stored for the date */
        bool one_off;   /* the date is one of its own dates */
        bool only_date; /* ... and the show has no weekdays and no other date */
};

/* Returns 1 with *st filled, 0 when there is no such show, -1 on a database
 * error. */
static int read_date_standing(sqlite3 *db, int64_t id, const char *date,
                              struct date_standing *st)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        memset(st, 0, sizeof *st);
        /* strftime('%w') of a bare date is its weekday, 0 = Sunday (bit 0) */
        if (sqlite3_prepare_v2(
                db,
                "SELECT (days >> CAST(strftime('%w', ?2) AS INTEGER)) & 1"
                " AND (valid_from IS NULL OR valid_from <= ?2)"
                " AND (valid_to IS NULL OR valid_to >= ?2),"
                " EXISTS (SELECT 1 FROM show_exceptions WHERE show_id = ?1 AND date = "
                "?2),"
                " EXISTS (SELECT 1 FROM show_dates WHERE show_id = ?1 AND date = ?2),"
                " days = 0 AND (SELECT count(*) FROM show_dates WHERE show_id = ?1) = 1"
                " FROM shows WHERE id = ?1",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, id);
        sqlite3_bind_text(stmt, 2, date, -1, SQLITE_STATIC);
        int step = sqlite3_step(stmt);
        if (step == SQLITE_DONE)
                rc = 0;
        if (step != SQLITE_ROW)
                goto out;
        st->weekly = sqlite3_column_int(stmt, 0) != 0;
        st->excepted = sqlite3_column_int(stmt, 1) != 0;
        st->one_off = sqlite3_column_int(stmt, 2) != 0;
        st->only_date = st->one_off && sqlite3_column_int(stmt, 3) != 0;
        rc = 1;
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* Does the show air on the date by its weekly slot (not excepted, not one of
 * its own dates)?  The only airing a move may take. */
static bool airs_weekly(const struct date_standing *st)
{
        return st->weekly && !st->excepted && !st->one_off;
}

/* Why a show has no weekly airing on a date, for the 409. */
static const char *not_weekly_reason(const struct date_standing *st)
{
        if (st->one_off)
                return "it is one of the show's own dates, not a weekly airing";
        if (st->weekly && st->excepted)
                return "that date is already excepted";
        return "it is not one of its weekdays, or outside valid_from..valid_to";
}

/* Runs sql with ?1 = id and ?2 = date.  Returns the rows changed, or -1. */
static int exec_id_date(sqlite3 *db, const char *sql, int64_t id, const char *date)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, id);
                sqlite3_bind_text(stmt, 2, date, -1, SQLITE_STATIC);
                if (sqlite3_step(stmt) == SQLITE_DONE)
                        rc = sqlite3_changes(db);
        }
        sqlite3_finalize(stmt);
        return rc;
}

/* The {date} of the path names a real day; otherwise answers 400. */
static bool path_date_valid(struct web_request *r)
{
        if (manage_date_valid(r->date))
                return true;
        web_respond_error(r, 400, "date_invalid", "%s is not a real date YYYY-MM-DD",
                          r->date);
        return false;
}

/* A move's body: the copy's start, duration (minutes, as a show's) and the
 * date it airs (default: the date moved). */
struct date_move {
        int start;      /* seconds after local midnight */
        int64_t length; /* seconds */
        const char *to; /* borrowed from the body or the request */
};

static int read_date_move(json_t *body, const char *date, struct date_move *mv, char *err,
                          size_t err_size)
{
        static const char *const allowed[] = {"start", "duration", "date", NULL};
        const char *start = NULL;
        double minutes = 0;
        memset(mv, 0, sizeof *mv);
        if (manage_check_keys(body, allowed, err, err_size) < 0 ||
            manage_get_text(body, "start", true, 8, NULL, &start, err, err_size) < 0 ||
            manage_get_number(body, "duration", true, false, 1, 1440, 0, &minutes, err,
                              err_size) < 0 ||
            manage_get_date(body, "date", false, &mv->to, err, err_size) < 0)
                return -1;
        if (manage_parse_clock(start, &mv->start) < 0) {
                snprintf(err, err_size, "start must be a time HH:MM or HH:MM:SS");
                return -1;
        }
        mv->length = llround(minutes * 60);
        if (!mv->to)
                mv->to = date;
        return 0;
}

/* Copies show id as a one-off show on mv->to at the move's time: the same
 * name, host, content, categories, items, separations and hard flags; no
 * weekdays, no validity period and no podcast feed of its own (an airing
 * moved for one date is not an episode of a second feed).  In the caller's
 * transaction.  Returns the new id or -1. */
static int64_t copy_show_once(sqlite3 *db, int64_t id, const struct date_move *mv)
{
        sqlite3_stmt *stmt = NULL;
        int64_t rc = -1;
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO shows (name, host, days, start_time, duration, valid_from, "
                "valid_to, content, categories, track_separation_hours, "
                "artist_separation_minutes, hard_start, hard_end, seed, created_at, url, "
                "podcast, podcast_description, podcast_image, podcast_category) "
                "SELECT name, host, 0, ?2, ?3, NULL, NULL, content, categories, "
                "track_separation_hours, artist_separation_minutes, hard_start, "
                "hard_end, ?4, ?5, url, 0, podcast_description, podcast_image, "
                "podcast_category FROM shows WHERE id = ?1",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, id);
        sqlite3_bind_int(stmt, 2, mv->start);
        sqlite3_bind_int64(stmt, 3, mv->length);
        /* a show of its own: its own rotation order, as a POST gives */
        sqlite3_bind_int64(stmt, 4, 1 + (int64_t)randombytes_uniform(0x7fffffff));
        sqlite3_bind_int64(stmt, 5, time_now_ms() / 1000);
        if (sqlite3_step(stmt) != SQLITE_DONE || sqlite3_changes(db) != 1)
                goto out;
        int64_t copy = sqlite3_last_insert_rowid(db);
        sqlite3_finalize(stmt);
        stmt = NULL;
        if (sqlite3_prepare_v2(db,
                               "INSERT INTO show_items (show_id, position, media_id) "
                               "SELECT ?2, position, media_id FROM show_items "
                               "WHERE show_id = ?1",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, id);
        sqlite3_bind_int64(stmt, 2, copy);
        if (sqlite3_step(stmt) != SQLITE_DONE ||
            exec_id_date(db, "INSERT INTO show_dates (show_id, date) VALUES (?1, ?2)",
                         copy, mv->to) != 1)
                goto out;
        rc = copy;
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* POST /api/v1/shows/{id}/dates/{date}/move: the weekly airing on date
 * becomes a one-off copy at the body's time, and the date an exception of
 * the weekly show, in one transaction (so no reader and no second operator
 * ever sees one without the other). */
void manage_show_date_move(struct web_request *r)
{
        struct date_move mv;
        struct date_standing st;
        char err[256] = "";
        int64_t id = r->ids[0];
        if (!path_date_valid(r))
                return;
        if (read_date_move(r->json, r->date, &mv, err, sizeof err) < 0) {
                web_respond_error(r, 400, "field_invalid", "%s", err);
                return;
        }
        if (manage_begin(r->db) < 0)
                goto db_error;
        int found = read_date_standing(r->db, id, r->date, &st);
        if (found < 0)
                goto db_error;
        if (found == 0 || !airs_weekly(&st)) {
                manage_rollback(r->db);
                if (found == 0)
                        web_respond_error(r, 404, "not_found", "no show %" PRId64, id);
                else
                        web_respond_error(r, 409, "show_not_on_date",
                                          "show %" PRId64
                                          " has no weekly airing on %s to "
                                          "move: %s",
                                          id, r->date, not_weekly_reason(&st));
                return;
        }
        int64_t copy = copy_show_once(r->db, id, &mv);
        if (copy < 0 ||
            exec_id_date(r->db,
                         "INSERT INTO show_exceptions (show_id, date) VALUES (?1, ?2)",
                         id, r->date) != 1 ||
            manage_commit(r->db) < 0)
                goto db_error;
        log_info("show %" PRId64 " on %s moved to one-off show %" PRId64 " (%s) by %s",
                 id, r->date, copy, mv.to, r->session.user);
        web_respond_json(
            r, 201,
            json_pack("{sI sI ss ss so}", "id", (json_int_t)copy, "show_id",
                      (json_int_t)id, "date", r->date, "to", mv.to, "except_dates",
                      child_ids(r->db,
                                "SELECT date FROM show_exceptions WHERE show_id = ?1 "
                                "ORDER BY date",
                                id)));
        manage_schedule_changed(r);
        return;
db_error:
        web_respond_db_error(r);
        manage_rollback(r->db);
}

/* DELETE /api/v1/shows/{id}/dates/{date}: the show does not air on date: a
 * weekly airing becomes an exception, a date of its own is dropped (both when
 * it is both).  A show's only date is refused: that is deleting the show. */
void manage_show_date_remove(struct web_request *r)
{
        struct date_standing st;
        int64_t id = r->ids[0];
        if (!path_date_valid(r))
                return;
        if (manage_begin(r->db) < 0)
                goto db_error;
        int found = read_date_standing(r->db, id, r->date, &st);
        if (found < 0)
                goto db_error;
        bool weekly = st.weekly && !st.excepted;
        if (found == 0 || (!weekly && !st.one_off) || st.only_date) {
                manage_rollback(r->db);
                if (found == 0)
                        web_respond_error(r, 404, "not_found", "no show %" PRId64, id);
                else if (st.only_date)
                        web_respond_error(r, 409, "show_last_date",
                                          "%s is the only date of show %" PRId64
                                          ": delete the show instead",
                                          r->date, id);
                else
                        web_respond_error(r, 409, "show_not_on_date",
                                          "show %" PRId64 " does not air on %s: %s", id,
                                          r->date, not_weekly_reason(&st));
                return;
        }
        if (st.one_off && exec_id_date(r->db,
                                       "DELETE FROM show_dates WHERE show_id = ?1 "
                                       "AND date = ?2",
                                       id, r->date) != 1)
                goto db_error;
        if (weekly && exec_id_date(r->db,
                                   "INSERT INTO show_exceptions (show_id, date) "
                                   "VALUES (?1, ?2)",
                                   id, r->date) != 1)
                goto db_error;
        if (manage_commit(r->db) < 0)
                goto db_error;
        log_info("show %" PRId64 " taken off %s by %s", id, r->date, r->session.user);
        struct airing_range range;
        web_respond_json(r, 200, load_show(r->db, id, airings_from_today(&range)));
        manage_schedule_changed(r);
        return;
db_error:
        web_respond_db_error(r);
        manage_rollback(r->db);
}

/* POST /api/v1/shows/{id}/dates/{date}/restore: the exception goes, the
 * weekly show airs on date again.  A one-off copy a move made stays (it is a
 * show of its own; delete it if it should not air as well). */
void manage_show_date_restore(struct web_request *r)
{
        int64_t id = r->ids[0];
        if (!path_date_valid(r))
                return;
        if (manage_begin(r->db) < 0)
                goto db_error;
        bool show = row_exists(r->db, "SELECT 1 FROM shows WHERE id = ?1", id);
        int removed = show
                          ? exec_id_date(r->db,
                                         "DELETE FROM show_exceptions WHERE show_id = ?1 "
                                         "AND date = ?2",
                                         id, r->date)
                          : 0;
        if (removed < 0)
                goto db_error;
        if (removed == 0) {
                manage_rollback(r->db);
                if (!show)
                        web_respond_error(r, 404, "not_found", "no show %" PRId64, id);
                else
                        web_respond_error(r, 404, "not_found",
                                          "show %" PRId64 " has no exception on %s", id,
                                          r->date);
                return;
        }
        if (manage_commit(r->db) < 0)
                goto db_error;
        log_info("show %" PRId64 " restored on %s by %s", id, r->date, r->session.user);
        struct airing_range range;
        web_respond_json(r, 200, load_show(r->db, id, airings_from_today(&range)));
        manage_schedule_changed(r);
        return;
db_error:
        web_respond_db_error(r);
        manage_rollback(r->db);
}

/* ---- campaigns ---------------------------------------------------------------- */

struct campaign_input {
        const char *name, *valid_from, *valid_to, *timing;
        int days;
        char *times; /* "07:00,12:00" */
        double interval, window, fade;
        json_t *items;
};

static int read_campaign(struct web_request *r, json_t *body, struct campaign_input *in,
                         char *err, size_t err_size)
{
        static const char *const allowed[] = {"name", "valid_from", "valid_to", "days",
                                              "timing", "times", "interval_minutes",
                                              "window_minutes", "fade_seconds", "items",
                                              /* read-only fields of a GET answer */
                                              "id", "playlist", NULL};
        const struct config *config = r->web->ctx.config;
        size_t i;
        json_t *t;
        memset(in, 0, sizeof *in);
        if (manage_check_keys(body, allowed, err, err_size) < 0 ||
            manage_get_text(body, "name", true, MANAGE_TEXT_MAX, NULL, &in->name, err,
                            err_size) < 0 ||
            manage_get_date(body, "valid_from", true, &in->valid_from, err, err_size) <
                0 ||
            manage_get_date(body, "valid_to", true, &in->valid_to, err, err_size) < 0 ||
            manage_get_days(body, "days", 127, &in->days, err, err_size) < 0 ||
            manage_get_text(body, "timing", true, 10, NULL, &in->timing, err, err_size) <
                0 ||
            manage_get_number(body, "interval_minutes", false, true, 0, 1440, 0,
                              &in->interval, err, err_size) < 0 ||
            manage_get_number(body, "window_minutes", false, false, 0.5, 120,
                              config->soft_window > 0 ? config->soft_window : 5,
                              &in->window, err, err_size) < 0 ||
            manage_get_number(body, "fade_seconds", false, false, 0, 30,
                              config->hard_fade >= 0 ? config->hard_fade : 2, &in->fade,
                              err, err_size) < 0 ||
            manage_get_ids(body, "items", true, MAX_ITEMS, &in->items, err, err_size) < 0)
                return 400;
        if (strcmp(in->valid_from, in->valid_to) > 0) {
                snprintf(err, err_size, "valid_to is before valid_from");
                return 400;
        }
        if (in->days == 0) {
                snprintf(err, err_size, "days must name at least one day");
                return 400;
        }
        if (strcmp(in->timing, "hard") != 0 && strcmp(in->timing, "soft") != 0) {
                snprintf(err, err_size, "timing must be \"hard\" or \"soft\"");
                return 400;
        }
        json_t *times = json_object_get(body, "times");
        in->times = xstrdup("");
        if (times && !json_is_null(times)) {
                if (!json_is_array(times) || json_array_size(times) > MAX_TIMES)
                        goto bad_times;
                json_array_foreach(times, i, t)
                {
                        int seconds;
                        char clock[16];
                        if (!json_is_string(t) ||
                            manage_parse_clock(json_string_value(t), &seconds) < 0)
                                goto bad_times;
                        manage_format_clock(seconds, clock, sizeof clock);
                        char *joined = *in->times ? xasprintf("%s,%s", in->times, clock)
                                                  : xstrdup(clock);
                        free(in->times);
                        in->times = joined;
                }
        }
        if (!*in->times && in->interval == 0) {
                snprintf(err, err_size, "a campaign needs times or interval_minutes");
                return 400;
        }
        int checked = manage_check_media(r->db, in->items, "psa", err, err_size);
        return checked == 0 ? 0 : checked > 0 ? 422 : 500;
bad_times:
        snprintf(err, err_size, "times must be a list of at most %d times HH:MM",
                 MAX_TIMES);
        return 400;
}

static int64_t write_campaign(sqlite3 *db, int64_t id, const struct campaign_input *in)
{
        sqlite3_stmt *stmt = NULL;
        int64_t rc = -1;
        const char *sql =
            id ? "UPDATE campaigns SET name = ?1, valid_from = ?2, valid_to = ?3, "
                 "days = ?4, timing = ?5, times = ?6, interval_minutes = ?7, "
                 "window_minutes = ?8, fade_seconds = ?9 WHERE id = ?10"
               : "INSERT INTO campaigns (name, valid_from, valid_to, days, timing, "
                 "times, "
                 "interval_minutes, window_minutes, fade_seconds, created_at) VALUES "
                 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11)";
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_text(stmt, 1, in->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, in->valid_from, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, in->valid_to, -1, SQLITE_STATIC);
        sqlite3_bind_int(stmt, 4, in->days);
        sqlite3_bind_text(stmt, 5, in->timing, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 6, in->times, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 7, (int64_t)in->interval);
        /* the column is whole minutes */
        sqlite3_bind_int64(stmt, 8, (int64_t)llround(in->window));
        sqlite3_bind_double(stmt, 9, in->fade);
        if (id)
                sqlite3_bind_int64(stmt, 10, id);
        else
                sqlite3_bind_int64(stmt, 11, time_now_ms() / 1000);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto out;
        if (!id)
                id = sqlite3_last_insert_rowid(db);
        if (exec_id(db, "DELETE FROM campaign_items WHERE campaign_id = ?1", id) < 0 ||
            insert_items(db,
                         "INSERT INTO campaign_items (campaign_id, position, media_id) "
                         "VALUES (?1, ?2, ?3)",
                         id, in->items) < 0)
                goto out;
        rc = id;
out:
        sqlite3_finalize(stmt);
        return rc;
}

#define CAMPAIGN_COLUMNS                                                                 \
        "SELECT id, name, valid_from, valid_to, days, timing, times, interval_minutes, " \
        "window_minutes, fade_seconds FROM campaigns "

static json_t *campaign_json(sqlite3 *db, sqlite3_stmt *stmt)
{
        int64_t id = sqlite3_column_int64(stmt, 0);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(id));
        json_object_set_new(o, "name", manage_column_text(stmt, 1));
        json_object_set_new(o, "valid_from", manage_column_text(stmt, 2));
        json_object_set_new(o, "valid_to", manage_column_text(stmt, 3));
        json_object_set_new(o, "days", manage_days_json(sqlite3_column_int(stmt, 4)));
        json_object_set_new(o, "timing", manage_column_text(stmt, 5));
        json_object_set_new(
            o, "times", manage_split_json((const char *)sqlite3_column_text(stmt, 6)));
        json_object_set_new(o, "interval_minutes",
                            json_integer(sqlite3_column_int64(stmt, 7)));
        json_object_set_new(o, "window_minutes",
                            json_integer(sqlite3_column_int64(stmt, 8)));
        json_object_set_new(o, "fade_seconds", json_real(sqlite3_column_double(stmt, 9)));
        json_object_set_new(o, "items",
                            child_ids(db,
                                      "SELECT media_id FROM campaign_items WHERE "
                                      "campaign_id = ?1 ORDER BY position",
                                      id));
        return o;
}

static json_t *load_campaign(sqlite3 *db, int64_t id)
{
        sqlite3_stmt *stmt = NULL;
        json_t *o = NULL;
        if (sqlite3_prepare_v2(db, CAMPAIGN_COLUMNS "WHERE id = ?1", -1, &stmt, NULL) ==
            SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, id);
                if (sqlite3_step(stmt) == SQLITE_ROW) {
                        o = campaign_json(db, stmt);
                        json_object_set_new(
                            o, "playlist",
                            playlist_details(db, "campaign_items", "campaign_id", id));
                }
        }
        sqlite3_finalize(stmt);
        return o;
}

void manage_campaign_list(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(r->db, CAMPAIGN_COLUMNS "ORDER BY valid_from, name, id",
                               -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        json_t *list = json_array();
        while (sqlite3_step(stmt) == SQLITE_ROW)
                json_array_append_new(list, campaign_json(r->db, stmt));
        sqlite3_finalize(stmt);
        web_respond_json(r, 200, json_pack("{so}", "campaigns", list));
}

void manage_campaign_get(struct web_request *r)
{
        json_t *o = load_campaign(r->db, r->ids[0]);
        if (!o) {
                web_respond_error(r, 404, "not_found", "no campaign %" PRId64, r->ids[0]);
                return;
        }
        web_respond_json(r, 200, o);
}

static void save_campaign(struct web_request *r, int64_t id)
{
        struct campaign_input in;
        char err[256] = "";
        if (id && !row_exists(r->db, "SELECT 1 FROM campaigns WHERE id = ?1", id)) {
                web_respond_error(r, 404, "not_found", "no campaign %" PRId64, id);
                return;
        }
        int status = read_campaign(r, r->json, &in, err, sizeof err);
        if (status) {
                web_respond_error(r, (unsigned int)status,
                                  status == 422   ? "media_unusable"
                                  : status == 500 ? "db_error"
                                                  : "field_invalid",
                                  "%s", err);
                goto out;
        }
        if (manage_begin(r->db) < 0)
                goto db_error;
        int64_t saved = write_campaign(r->db, id, &in);
        if (saved < 0 || manage_commit(r->db) < 0)
                goto db_error;
        log_info("campaign %" PRId64 " (%s) %s by %s", saved, in.name,
                 id ? "changed" : "created", r->session.user);
        web_respond_json(r, id ? 200 : 201, load_campaign(r->db, saved));
        manage_schedule_changed(r);
        goto out;
db_error:
        web_respond_db_error(r);
        manage_rollback(r->db);
out:
        free(in.times);
}

void manage_campaign_create(struct web_request *r)
{
        save_campaign(r, 0);
}

void manage_campaign_replace(struct web_request *r)
{
        save_campaign(r, r->ids[0]);
}

void manage_campaign_delete(struct web_request *r)
{
        delete_row(r, "campaign", "DELETE FROM campaigns WHERE id = ?1");
}

/* GET /api/v1/campaigns/{id}/report: plays per item in a period, by the rule
 * of docs/asrun.md (as-run rows of kind psa with the item's media that put
 * audio on air).  Without from/to: the campaign's validity period. */
void manage_campaign_report(struct web_request *r)
{
        char err[256];
        char when[64];
        sqlite3_stmt *stmt = NULL;
        json_t *campaign = load_campaign(r->db, r->ids[0]);
        json_t *items = NULL;
        int64_t from_ms = 0, to_ms = 0, total = 0;
        if (!campaign) {
                web_respond_error(r, 404, "not_found", "no campaign %" PRId64, r->ids[0]);
                goto out;
        }
        if (!web_query(r, "from") && !web_query(r, "to") && !web_query(r, "date")) {
                const char *vf =
                    json_string_value(json_object_get(campaign, "valid_from"));
                const char *vt = json_string_value(json_object_get(campaign, "valid_to"));
                if (time_parse_date(vf, &from_ms) < 0 ||
                    time_parse_date(vt, &to_ms) < 0) {
                        web_respond_error(r, 500, "internal_error",
                                          "the campaign's dates are unreadable");
                        goto out;
                }
                to_ms = time_local_midnight(to_ms + 36 * 3600 * 1000LL);
        } else if (manage_query_range(r, &from_ms, &to_ms, err, sizeof err) < 0) {
                web_respond_error(r, 400, "range_invalid", "%s", err);
                goto out;
        }
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT ci.position, m.id, m.title, a.started_at, a.ended_at, a.reason "
                "FROM campaign_items ci JOIN media m ON m.id = ci.media_id "
                "LEFT JOIN asrun a ON a.media_id = ci.media_id AND a.kind = 'psa' "
                "AND a.frames > 0 AND a.started_at >= ?2 AND a.started_at < ?3 "
                "WHERE ci.campaign_id = ?1 ORDER BY ci.position, a.started_at",
                -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                goto out;
        }
        sqlite3_bind_int64(stmt, 1, r->ids[0]);
        sqlite3_bind_int64(stmt, 2, from_ms);
        sqlite3_bind_int64(stmt, 3, to_ms);
        items = json_array();
        json_t *item = NULL;
        int64_t position = -1;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                if (!item || sqlite3_column_int64(stmt, 0) != position) {
                        position = sqlite3_column_int64(stmt, 0);
                        item = json_pack("{sI sI so sI s[]}", "position",
                                         (json_int_t)position, "media_id",
                                         (json_int_t)sqlite3_column_int64(stmt, 1),
                                         "title", manage_column_text(stmt, 2), "plays",
                                         (json_int_t)0, "airings");
                        json_array_append_new(items, item);
                }
                if (sqlite3_column_type(stmt, 3) == SQLITE_NULL)
                        continue;
                int64_t start = sqlite3_column_int64(stmt, 3);
                int64_t end = sqlite3_column_int64(stmt, 4);
                json_t *airing = json_object();
                json_object_set_new(
                    airing, "started_at",
                    json_string(time_format_iso(start, when, sizeof when)));
                json_object_set_new(airing, "ended_at",
                                    json_string(time_format_iso(end, when, sizeof when)));
                json_object_set_new(airing, "duration",
                                    json_real((double)(end - start) / 1000));
                json_object_set_new(airing, "reason", manage_column_text(stmt, 5));
                json_array_append_new(json_object_get(item, "airings"), airing);
                json_object_set_new(
                    item, "plays",
                    json_integer(json_integer_value(json_object_get(item, "plays")) + 1));
                total++;
        }
        char from_text[64], to_text[64];
        web_respond_json(r, 200,
                         json_pack("{s{sI sO} ss ss sI so}", "campaign", "id",
                                   (json_int_t)r->ids[0], "name",
                                   json_object_get(campaign, "name"), "from",
                                   time_format_iso(from_ms, from_text, sizeof from_text),
                                   "to", time_format_iso(to_ms, to_text, sizeof to_text),
                                   "plays", (json_int_t)total, "items", items));
        items = NULL;
out:
        sqlite3_finalize(stmt);
        json_decref(items);
        json_decref(campaign);
}
