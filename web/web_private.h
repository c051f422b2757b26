/*
 * web: what the module's files share.  Private to web/; other modules use
 * web/web.h only.
 */
#ifndef SIARAN_WEB_PRIVATE_H
#define SIARAN_WEB_PRIVATE_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sqlite3.h>

#include "web/web.h"

/* Roles as bits, so a route lists who may call it.  admin may do
 * everything; operator and staff are separate trades. */
enum {
        ROLE_ADMIN = 1 << 0,
        ROLE_OPERATOR = 1 << 1,
        ROLE_STAFF = 1 << 2,
};
#define ROLES_ANY (ROLE_ADMIN | ROLE_OPERATOR | ROLE_STAFF)
#define ROLES_STAFF (ROLE_ADMIN | ROLE_STAFF)
#define ROLES_OPERATOR (ROLE_ADMIN | ROLE_OPERATOR)

/* Returns the role bit of a role name, 0 for an unknown name. */
int web_role_parse(const char *name);
const char *web_role_name(int role);

/* How a route takes its request body. */
enum web_body {
        BODY_NONE,
        BODY_JSON,
        BODY_MULTIPART,
        BODY_JSON_OR_MULTIPART,
};

#define WEB_MAX_FIELDS 16
#define WEB_FIELD_MAX 4096 /* bytes per text field of a form */

/* One text field of a multipart form. */
struct web_field {
        char *name;
        char *value;
        size_t len;
};

/* The logged-in user of a request (user_id 0 = nobody). */
struct web_session {
        int64_t user_id;
        char user[128];
        int role;
        char csrf[65];
        char token_hash[65];
};

/* The latest snapshot of the station for now-playing (kept by status.c). */
struct web_status;
/* The studio's server push (kept by events.c). */
struct web_events;

struct web {
        struct web_context ctx;
        struct MHD_Daemon *daemon;

        /* a small pool of SQLite connections for the server threads */
        pthread_mutex_t db_lock;
        sqlite3 *db_free[8];
        size_t n_db_free;

        struct web_status *status;
        struct web_events *events;
        char *stream_url; /* what the listener page plays */
        char *csp;        /* the Content-Security-Policy header value */
};

/* Per-request state, from the first call of the access handler until
 * libmicrohttpd reports the request completed. */
struct web_request {
        struct web *web;
        struct MHD_Connection *connection;
        const char *method;
        const char *url;
        const struct web_route *route;
        const struct web_asset *asset; /* a page to serve instead of a route */
        int64_t ids[2];                /* {id} values in the path, in order */
        char date[11];                 /* {date} in the path, shaped YYYY-MM-DD */
        struct web_session session;
        bool body_json; /* BODY_JSON_OR_MULTIPART: which one arrived */

        /* JSON body */
        char *body;
        size_t body_len;
        bool too_large;
        json_t *json;

        /* multipart body */
        struct MHD_PostProcessor *post;
        struct web_field fields[WEB_MAX_FIELDS];
        size_t n_fields;
        int upload_fd;     /* temp file of the audio part, -1 when none */
        char *upload_path; /* its path (unlinked when the request ends) */
        char *upload_name; /* the uploaded file name (display only) */
        int64_t upload_size;
        bool bad_form;    /* a field too long or too many fields */
        bool nul_in_form; /* a text field with a NUL byte */

        /* the answer */
        unsigned int status;
        struct MHD_Response *response;
        sqlite3 *db; /* borrowed from the pool while the handler runs */
};

typedef void (*web_handler)(struct web_request *request);

struct web_route {
        const char *method;
        const char *pattern; /* "/api/v1/complaints/{id}/verify" */
        int roles;           /* 0 = public */
        enum web_body body;
        web_handler handler;
        bool no_db; /* answered on the first call without the database (hot paths) */
};

/* The operator's routes (manage_common.c), consulted after server.c's own. */
extern const struct web_route web_manage_routes[];
extern const size_t web_manage_routes_count;

/* ---- server.c: responses and helpers ---- */

/* Sets the response to the JSON value (takes the reference). */
void web_respond_json(struct web_request *r, unsigned int status, json_t *value);
/* Strict UTF-8 (jansson refuses invalid text, and so do we, up front);
 * without allow_control, control characters other than tab are refused too. */
bool web_text_valid(const char *s, bool allow_control);
/* Answers a failed sched_media_import: 422 when the upload is not usable
 * audio (rc -1), 507 when storing it failed (rc -2: disk full, database). */
void web_respond_import_error(struct web_request *r, int rc, const char *err);
/* Sets {"error": message, "code": code} with status.  code is the stable
 * snake_case name of the situation (a string literal; docs/api.md lists every
 * one and web/static/common.js words each in Indonesian and English); the
 * English message may change, the code does not. */
void web_respond_error(struct web_request *r, unsigned int status, const char *code,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The answer for a failed database call on r->db: 507 when the disk is full,
 * 503 when the database is busy, else 500; the reason is SQLite's message. */
void web_respond_db_error(struct web_request *r);
/* Sets a response from a buffer that is copied. */
void web_respond_bytes(struct web_request *r, unsigned int status, const char *type,
                       const void *data, size_t len, bool api);
/* Sets a 200 response built by the caller (a stream), with the standard
 * headers; takes the response. */
void web_respond_stream(struct web_request *r, struct MHD_Response *response);
/* Sets a response that sends a whole file (audio).  Returns 0 or -1. */
int web_respond_file(struct web_request *r, const char *path, const char *type);
/* The same with HTTP range requests: a single range is answered 206 with
 * Content-Range, one outside the file 416; several ranges or a malformed
 * header get the whole file (200).  Every answer says Accept-Ranges. */
int web_respond_file_range(struct web_request *r, const char *path, const char *type);
/* A form field's value (NULL when absent). */
const char *web_field(const struct web_request *r, const char *name);
/* A query argument (NULL when absent). */
const char *web_query(const struct web_request *r, const char *name);
/* The client's address as text: the connection's, or behind a proxy named
 * in [web] trusted_proxies the one it forwards (X-Forwarded-For). */
void web_client_address(const struct web_request *r, char *buf, size_t size);
/* True when the connection comes from a proxy named in trusted_proxies. */
bool web_from_trusted_proxy(const struct web_request *r);
/* Runs a statement with bound text/integers: a tiny helper for one-shot
 * updates.  Returns 0 or -1 (reason logged). */
sqlite3 *web_db_acquire(struct web *web);
void web_db_release(struct web *web, sqlite3 *db);

/* ---- auth.c ---- */

/* Finds the session of the request's cookie.  Returns 1 (found, filled),
 * 0 (none or expired) or -1 (database error). */
int web_session_lookup(struct web_request *r, struct web_session *session);
void web_handle_login(struct web_request *r);
void web_handle_logout(struct web_request *r);
void web_handle_whoami(struct web_request *r);
void web_handle_users_list(struct web_request *r);
void web_handle_users_add(struct web_request *r);
void web_handle_users_update(struct web_request *r);
void web_handle_users_end_sessions(struct web_request *r);

/* ---- complaints.c ---- */

/* Makes the intros of an older database the complaints' own (complaint kind,
 * none for a confidential complaint).  Returns 0 or -1 (logged). */
int web_complaint_intros_protect(sqlite3 *db);
void web_handle_complaint_create(struct web_request *r);
void web_handle_complaint_list(struct web_request *r);
void web_handle_complaint_get(struct web_request *r);
/* PATCH: the details while it can still air (scheduler's sched_complaint_edit). */
void web_handle_complaint_update(struct web_request *r);
void web_handle_complaint_audio(struct web_request *r);
void web_handle_complaint_verify(struct web_request *r);
void web_handle_complaint_reject(struct web_request *r);
void web_handle_complaint_queue(struct web_request *r);
void web_handle_complaint_air_next(struct web_request *r);
void web_handle_complaint_forward(struct web_request *r);
void web_handle_complaint_close(struct web_request *r);
void web_handle_complaint_lapor(struct web_request *r);
void web_handle_complaint_reorder(struct web_request *r);
void web_handle_complaint_answer(struct web_request *r);
void web_handle_public_complaint_create(struct web_request *r);

/* ---- suara_warga.c ---- */

/* Takes one public submission from the request's client, or answers 429 (the
 * hourly limit), 503 (the queue of unverified ones is full) or 403 (off).
 * Returns 0, or -1 when it answered. */
int web_public_submission_admit(struct web_request *r);
/* Marks a complaint item no complaint uses as deleted (a refused upload). */
void web_media_forget(sqlite3 *db, int64_t media_id);
/* True when a complaint forwarded at forwarded_s (UTC seconds) has had its
 * [complaints] answer_days working days by now_s; due gets the last day. */
bool web_complaint_overdue(const struct config *config, int64_t forwarded_s,
                           int64_t now_s, char *due, size_t due_size);
/* Forwarded complaints past their answer day; -1 when the database fails. */
int web_complaints_overdue_count(struct web *web);
void web_handle_public_complaint_status(struct web_request *r);
void web_handle_public_board(struct web_request *r);
void web_handle_complaint_report(struct web_request *r);

/* ---- announcements.c ---- */

void web_handle_announcement_create(struct web_request *r);
void web_handle_announcement_preview(struct web_request *r);
void web_handle_announcement_list(struct web_request *r);
void web_handle_skip(struct web_request *r);

/* ---- alerts.c: emergency alerts ---- */

void web_handle_alert_list(struct web_request *r);
void web_handle_alert_end(struct web_request *r);
void web_handle_alert_test(struct web_request *r);
/* ---- archive.c ---- */
void web_handle_archive_list(struct web_request *r);
void web_handle_archive_clip(struct web_request *r);

/* ---- podcast.c ---- */
void web_handle_podcast_feed(struct web_request *r);
void web_handle_podcast_episode(struct web_request *r);
/* The podcast shows for the listener page: {"podcasts": [{"id", "name",
 * "feed", "episodes"}]}. */
void web_handle_podcast_list(struct web_request *r);

/* ---- status.c: now playing, metrics, listeners ---- */

struct web_status *web_status_new(struct web *web);
void web_status_free(struct web_status *status);
/* The schedule changed (complaint queued, announcement): plan "next" again. */
void web_status_schedule_changed(struct web_status *status);
void web_handle_nowplaying(struct web_request *r);
void web_handle_live(struct web_request *r);
void web_handle_metrics(struct web_request *r);
void web_handle_rundown(struct web_request *r);
/* [{name, mount, connected, listeners}] of the Icecast outputs (new reference). */
json_t *web_status_outputs(struct web_status *status);

/* ---- events.c: the studio's Server-Sent Events ---- */

struct web_events *web_events_new(struct web *web);
/* Ends every stream and the thread; call before MHD_stop_daemon (it refuses
 * to stop with suspended connections).  The free comes after the daemon's stop. */
void web_events_stop(struct web_events *events);
void web_events_free(struct web_events *events);
/* Something the studio shows changed (an insert): push within a tick. */
void web_events_changed(struct web_events *events);
/* GET /api/v1/events */
void web_handle_events(struct web_request *r);

/* ---- inserts.c: carts and queued inserts ---- */

void web_handle_insert_create(struct web_request *r);
void web_handle_insert_cancel(struct web_request *r);
void web_handle_insert_move(struct web_request *r);

/* ---- listeners.c: the history of listener counts ---- */

/* Stores what the status poller reads from Icecast (its own connection);
 * NULL if the database cannot be opened.  Poller thread only. */
struct web_listener_log;
struct web_listener_log *web_listener_log_new(const struct config *config);
void web_listener_log_free(struct web_listener_log *log);
/* counts[i] is the listeners of output i, or -1 when its server was not read. */
void web_listener_log_add(struct web_listener_log *log, int64_t at_ms,
                          const int counts[CONFIG_MAX_OUTPUTS]);
/* GET /api/v1/listeners?range=day|week */
void web_handle_listeners(struct web_request *r);

/* ---- assets.c: the pages compiled into the binary ---- */

struct web_asset {
        const char *path; /* "/", "/panel/", "/static/panel.js" */
        const char *type;
        const char *body;
};
/* The asset at path, or NULL. */
const struct web_asset *web_asset_find(const char *path);

#endif
