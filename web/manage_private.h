/*
 * web: what the operator's management files (manage_*.c) share: the route
 * table they export to server.c, strict readers for JSON input, day and time
 * parsing for the grid, and small SQLite helpers.  Private to web/.
 */
#ifndef SIARAN_WEB_MANAGE_PRIVATE_H
#define SIARAN_WEB_MANAGE_PRIVATE_H

#include "web/web_private.h"

/* The largest text an operator may give a name, title or host. */
#define MANAGE_TEXT_MAX 200
/* The most categories on one item or show. */
#define MANAGE_CATEGORIES_MAX 32
#define MANAGE_CATEGORY_MAX 64

/* ---- manage_common.c ---- */

/* A column as a JSON string, or null for SQL NULL. */
json_t *manage_column_text(sqlite3_stmt *stmt, int column);
/* Strict UTF-8 without control characters other than tab. */
bool manage_text_valid(const char *s);

/* Every key of body is one of allowed (NULL-terminated).  Returns 0, or -1
 * with "unknown field 'x'" in err. */
int manage_check_keys(json_t *body, const char *const *allowed, char *err,
                      size_t err_size);
/* A string field: absent gives def (may be NULL); must be valid text of at
 * most max bytes, non-empty when required.  Returns 0 or -1 (reason in err). */
int manage_get_text(json_t *body, const char *key, bool required, size_t max,
                    const char *def, const char **out, char *err, size_t err_size);
/* A number field in [min, max]; absent gives def unless required.  integer
 * demands a whole number.  Returns 0 or -1. */
int manage_get_number(json_t *body, const char *key, bool required, bool integer,
                      double min, double max, double def, double *out, char *err,
                      size_t err_size);
/* A boolean field (true/false or 1/0); absent gives def.  Returns 0 or -1. */
int manage_get_bool(json_t *body, const char *key, bool def, bool *out, char *err,
                    size_t err_size);
/* A date field "YYYY-MM-DD" or null; *out is NULL for null or absent (then
 * required fails).  Returns 0 or -1. */
int manage_get_date(json_t *body, const char *key, bool required, const char **out,
                    char *err, size_t err_size);

/* "YYYY-MM-DD" naming a real calendar day. */
bool manage_date_valid(const char *s);
/* "HH:MM" or "HH:MM:SS" into seconds after midnight.  Returns 0 or -1. */
int manage_parse_clock(const char *s, int *seconds);
/* Formats seconds after midnight as "HH:MM" (or "HH:MM:SS"). */
void manage_format_clock(int seconds, char *buf, size_t size);
/* A days field: an array of day numbers (0 = Sunday) or names (English or
 * Indonesian, full or three letters) into a bitmask (bit 0 = Sunday).
 * Absent gives def.  Returns 0 or -1. */
int manage_get_days(json_t *body, const char *key, int def, int *mask, char *err,
                    size_t err_size);
/* The bitmask as an array of day numbers. */
json_t *manage_days_json(int mask);
/* A categories field: an array of strings (or one comma-separated string),
 * trimmed, lower-cased (ASCII), without duplicates; into a comma-separated
 * list owned by the caller (NULL when absent).  Returns 0 or -1. */
int manage_get_categories(json_t *body, const char *key, char **out, char *err,
                          size_t err_size);
/* A comma-separated list as a JSON array of strings. */
json_t *manage_split_json(const char *list);

/* An items field: a non-empty (when required) array of media ids, at most
 * max.  Returns 0 or -1 (400).  Then manage_check_media: every id names a
 * library item that is not deleted, not a complaint recording, and of kind
 * want_kind when that is not NULL.  Returns 0, 1 (err says which id: 422) or
 * -1 (database). */
int manage_get_ids(json_t *body, const char *key, bool required, size_t max, json_t **out,
                   char *err, size_t err_size);
int manage_check_media(sqlite3 *db, json_t *ids, const char *want_kind, char *err,
                       size_t err_size);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  Return 0 or -1. */
int manage_begin(sqlite3 *db);
int manage_commit(sqlite3 *db);
void manage_rollback(sqlite3 *db);

/* The grid changed: wake the engine and forget the cached plan. */
void manage_schedule_changed(struct web_request *r);

/* Reads a ?from=&to= pair (dates, to inclusive, or "YYYY-MM-DD HH:MM[:SS]",
 * to exclusive) or ?date=; without any, the local day of now.  Returns 0 or
 * -1 (reason in err). */
int manage_query_range(struct web_request *r, int64_t *from_ms, int64_t *to_ms, char *err,
                       size_t err_size);

/* ---- handlers ---- */

void manage_media_list(struct web_request *r);
void manage_media_categories(struct web_request *r);
void manage_media_get(struct web_request *r);
void manage_media_audio(struct web_request *r);
void manage_media_upload(struct web_request *r);
void manage_media_update(struct web_request *r);
void manage_media_delete(struct web_request *r);

void manage_show_list(struct web_request *r);
void manage_show_get(struct web_request *r);
void manage_show_create(struct web_request *r);
void manage_show_replace(struct web_request *r);
void manage_show_delete(struct web_request *r);
/* One date of a show, each in one transaction: move its weekly airing to a
 * one-off copy, take the date off, put an excepted date back. */
void manage_show_date_move(struct web_request *r);
void manage_show_date_remove(struct web_request *r);
void manage_show_date_restore(struct web_request *r);
void manage_public_programmes(struct web_request *r);

void manage_campaign_list(struct web_request *r);
void manage_campaign_get(struct web_request *r);
void manage_campaign_create(struct web_request *r);
void manage_campaign_replace(struct web_request *r);
void manage_campaign_delete(struct web_request *r);
void manage_campaign_report(struct web_request *r);
void manage_campaign_report_csv(struct web_request *r);

void manage_asrun_list(struct web_request *r);
void manage_asrun_csv(struct web_request *r);

#endif
