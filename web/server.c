/* The libmicrohttpd server: limits, the router, request bodies (JSON kept in
 * memory up to a small limit, multipart forms streamed to a temp file), the
 * standard headers and the SQLite connection pool. */
#define _GNU_SOURCE /* mkostemp */
#define LOG_MODULE "web"
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <netdb.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scheduler/scheduler.h"
#include "web/web_private.h"

#define JSON_BODY_LIMIT (64 * 1024)
#define POST_BUFFER 65536
#define CONNECTION_LIMIT 512
#define PER_IP_LIMIT 128
#define CONNECTION_TIMEOUT 30 /* seconds without progress */

static const struct web_route routes[] = {
    {"GET", "/api/v1/nowplaying", 0, BODY_NONE, web_handle_nowplaying, true},
    {"GET", "/api/v1/live", ROLES_ANY, BODY_NONE, web_handle_live, false},
    {"GET", "/metrics", 0, BODY_NONE, web_handle_metrics, true},
    {"GET", "/api/v1/rundown", 0, BODY_NONE, web_handle_rundown, false},
    {"GET", "/api/v1/events", ROLES_ANY, BODY_NONE, web_handle_events, true},
    {"POST", "/api/v1/inserts", ROLES_ANY, BODY_JSON, web_handle_insert_create, false},
    {"DELETE", "/api/v1/inserts/{id}", ROLES_ANY, BODY_NONE, web_handle_insert_cancel,
     false},
    {"POST", "/api/v1/inserts/{id}/move", ROLES_ANY, BODY_JSON, web_handle_insert_move,
     false},
    {"GET", "/api/v1/listeners", ROLES_ANY, BODY_NONE, web_handle_listeners, false},
    {"POST", "/api/v1/session", 0, BODY_JSON, web_handle_login, false},
    {"DELETE", "/api/v1/session", ROLES_ANY, BODY_NONE, web_handle_logout, false},
    {"GET", "/api/v1/session", ROLES_ANY, BODY_NONE, web_handle_whoami, false},
    {"GET", "/api/v1/users", ROLE_ADMIN, BODY_NONE, web_handle_users_list, false},
    {"POST", "/api/v1/users", ROLE_ADMIN, BODY_JSON, web_handle_users_add, false},
    {"PATCH", "/api/v1/users/{id}", ROLE_ADMIN, BODY_JSON, web_handle_users_update,
     false},
    {"DELETE", "/api/v1/users/{id}/sessions", ROLE_ADMIN, BODY_NONE,
     web_handle_users_end_sessions, false},
    {"POST", "/api/v1/complaints", ROLES_STAFF, BODY_MULTIPART,
     web_handle_complaint_create, false},
    {"GET", "/api/v1/complaints/report", ROLES_STAFF, BODY_NONE,
     web_handle_complaint_report, false},
    {"GET", "/api/v1/complaints", ROLES_STAFF, BODY_NONE, web_handle_complaint_list,
     false},
    {"POST", "/api/v1/complaints/reorder", ROLES_STAFF, BODY_JSON,
     web_handle_complaint_reorder, false},
    {"GET", "/api/v1/complaints/{id}", ROLES_STAFF, BODY_NONE, web_handle_complaint_get,
     false},
    {"PATCH", "/api/v1/complaints/{id}", ROLES_STAFF, BODY_JSON,
     web_handle_complaint_update, false},
    {"GET", "/api/v1/complaints/{id}/audio", ROLES_STAFF, BODY_NONE,
     web_handle_complaint_audio, false},
    {"GET", "/api/v1/complaints/{id}/lapor", ROLES_STAFF, BODY_NONE,
     web_handle_complaint_lapor, false},
    {"POST", "/api/v1/complaints/{id}/verify", ROLES_STAFF, BODY_NONE,
     web_handle_complaint_verify, false},
    {"POST", "/api/v1/complaints/{id}/reject", ROLES_STAFF, BODY_NONE,
     web_handle_complaint_reject, false},
    {"POST", "/api/v1/complaints/{id}/queue", ROLES_STAFF, BODY_NONE,
     web_handle_complaint_queue, false},
    {"POST", "/api/v1/complaints/{id}/air-next", ROLES_STAFF, BODY_NONE,
     web_handle_complaint_air_next, false},
    {"POST", "/api/v1/complaints/{id}/forward", ROLES_STAFF, BODY_JSON,
     web_handle_complaint_forward, false},
    {"POST", "/api/v1/complaints/{id}/close", ROLES_STAFF, BODY_NONE,
     web_handle_complaint_close, false},
    {"POST", "/api/v1/complaints/{id}/answer", ROLES_STAFF, BODY_JSON_OR_MULTIPART,
     web_handle_complaint_answer, false},
    {"POST", "/api/v1/public/complaints", 0, BODY_MULTIPART,
     web_handle_public_complaint_create, false},
    {"GET", "/api/v1/public/complaints/{ref}", 0, BODY_NONE,
     web_handle_public_complaint_status, false},
    {"GET", "/api/v1/public/suara-warga", 0, BODY_NONE, web_handle_public_board, false},
    {"POST", "/api/v1/announcements", ROLES_STAFF, BODY_JSON_OR_MULTIPART,
     web_handle_announcement_create, false},
    {"POST", "/api/v1/announcements/preview", ROLES_STAFF, BODY_JSON,
     web_handle_announcement_preview, false},
    {"GET", "/api/v1/announcements", ROLES_STAFF, BODY_NONE, web_handle_announcement_list,
     false},
    {"POST", "/api/v1/playout/skip", ROLES_ANY, BODY_NONE, web_handle_skip, false},
    {"GET", "/api/v1/alerts", ROLES_ANY, BODY_NONE, web_handle_alert_list, false},
    {"POST", "/api/v1/alerts/test", ROLE_ADMIN, BODY_NONE, web_handle_alert_test, false},
    {"POST", "/api/v1/alerts/{id}/end", ROLES_OPERATOR, BODY_NONE, web_handle_alert_end,
     false},
    {"GET", "/api/v1/archive", ROLES_ANY, BODY_NONE, web_handle_archive_list, true},
    {"GET", "/api/v1/archive/clip", ROLES_ANY, BODY_NONE, web_handle_archive_clip, true},
    {"GET", "/podcast/{id}.xml", 0, BODY_NONE, web_handle_podcast_feed, false},
    {"GET", "/api/v1/public/podcasts", 0, BODY_NONE, web_handle_podcast_list, false},
    {"GET", "/podcast/{id}/{id}.mp3", 0, BODY_NONE, web_handle_podcast_episode, false},
};

int web_role_parse(const char *name)
{
        if (!name)
                return 0;
        if (strcmp(name, "admin") == 0)
                return ROLE_ADMIN;
        if (strcmp(name, "operator") == 0)
                return ROLE_OPERATOR;
        if (strcmp(name, "staff") == 0)
                return ROLE_STAFF;
        return 0;
}

const char *web_role_name(int role)
{
        switch (role) {
        case ROLE_ADMIN:
                return "admin";
        case ROLE_OPERATOR:
                return "operator";
        case ROLE_STAFF:
                return "staff";
        }
        return "";
}

/* ---- the connection pool ---------------------------------------------------- */

sqlite3 *web_db_acquire(struct web *web)
{
        sqlite3 *db = NULL;
        pthread_mutex_lock(&web->db_lock);
        if (web->n_db_free > 0)
                db = web->db_free[--web->n_db_free];
        pthread_mutex_unlock(&web->db_lock);
        if (db)
                return db;
        char err[256];
        db = sched_db_open(web->ctx.config->database, err, sizeof err);
        if (!db)
                log_error("database: %s", err);
        return db;
}

void web_db_release(struct web *web, sqlite3 *db)
{
        if (!db)
                return;
        pthread_mutex_lock(&web->db_lock);
        if (web->n_db_free < sizeof web->db_free / sizeof web->db_free[0]) {
                web->db_free[web->n_db_free++] = db;
                db = NULL;
        }
        pthread_mutex_unlock(&web->db_lock);
        if (db)
                sqlite3_close_v2(db);
}

/* ---- responses ---------------------------------------------------------------- */

static void set_response(struct web_request *r, unsigned int status,
                         struct MHD_Response *response, bool api)
{
        if (r->response)
                MHD_destroy_response(r->response);
        r->response = response;
        r->status = status;
        MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(response, "X-Frame-Options", "DENY");
        MHD_add_response_header(response, "Referrer-Policy", "same-origin");
        MHD_add_response_header(response, "Content-Security-Policy", r->web->csp);
        MHD_add_response_header(response, "Cache-Control", api ? "no-store" : "no-cache");
}

void web_respond_bytes(struct web_request *r, unsigned int status, const char *type,
                       const void *data, size_t len, bool api)
{
        struct MHD_Response *response =
            MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
        MHD_add_response_header(response, "Content-Type", type);
        set_response(r, status, response, api);
}

void web_respond_json(struct web_request *r, unsigned int status, json_t *value)
{
        char *text = json_dumps(value, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_decref(value);
        if (!text) {
                static const char failed[] = "{\"error\":\"cannot encode the answer\","
                                             "\"code\":\"internal_error\"}";
                web_respond_bytes(r, 500, "application/json", failed, sizeof failed - 1,
                                  true);
                return;
        }
        /* jansson allocates with malloc, so libmicrohttpd may free() it */
        struct MHD_Response *response =
            MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(response, "Content-Type",
                                "application/json; charset=utf-8");
        set_response(r, status, response, true);
}

bool web_text_valid(const char *s, bool allow_control)
{
        const unsigned char *p = (const unsigned char *)s;
        while (*p) {
                if (!allow_control && ((*p < 0x20 && *p != '\t') || *p == 0x7f))
                        return false;
                int n;
                if (*p < 0x80)
                        n = 0;
                else if ((*p & 0xE0) == 0xC0 && *p >= 0xC2)
                        n = 1;
                else if ((*p & 0xF0) == 0xE0)
                        n = 2;
                else if ((*p & 0xF8) == 0xF0 && *p <= 0xF4)
                        n = 3;
                else
                        return false;
                p++;
                for (int i = 0; i < n; i++, p++)
                        if ((*p & 0xC0) != 0x80)
                                return false;
        }
        return true;
}

void web_respond_import_error(struct web_request *r, int rc, const char *err)
{
        if (rc == -2) {
                log_error("upload not stored: %s", err);
                web_respond_error(r, 507, "disk_full", "cannot store the file: %s", err);
        } else {
                log_info("upload refused: %s", err);
                web_respond_error(r, 422, "not_audio", "not a usable audio file: %s",
                                  err);
        }
}

void web_respond_error(struct web_request *r, unsigned int status, const char *code,
                       const char *fmt, ...)
{
        char message[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(message, sizeof message, fmt, ap);
        va_end(ap);
        if (status >= 500)
                log_warn("%s %s: %u %s: %s", r->method, r->url, status, code, message);
        else
                log_debug("%s %s: %u %s: %s", r->method, r->url, status, code, message);
        web_respond_json(r, status, json_pack("{ss ss}", "error", message, "code", code));
}

void web_respond_db_error(struct web_request *r)
{
        int code = sqlite3_extended_errcode(r->db) & 0xff;
        const char *message = sqlite3_errmsg(r->db);
        /* Finalizing a statement that had succeeded clears the connection's
         * error; the failure is still on record for this thread. */
        if (code == SQLITE_OK) {
                int failure = sched_db_first_failure();
                code = failure & 0xff;
                message = failure ? sqlite3_errstr(failure)
                                  : "the change could not be completed";
        }
        if (code == SQLITE_FULL)
                web_respond_error(r, 507, "disk_full", "database: the disk is full (%s)",
                                  message);
        else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
                web_respond_error(r, 503, "db_busy", "database: busy, try again (%s)",
                                  message);
        else
                web_respond_error(r, 500, "db_error", "database: %s", message);
}

void web_respond_stream(struct web_request *r, struct MHD_Response *response)
{
        set_response(r, 200, response, true);
}

int web_respond_file(struct web_request *r, const char *path, const char *type)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
                return -1;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return -1;
        }
        struct MHD_Response *response =
            MHD_create_response_from_fd((uint64_t)st.st_size, fd);
        if (!response) {
                close(fd);
                return -1;
        }
        MHD_add_response_header(response, "Content-Type", type);
        set_response(r, 200, response, true);
        return 0;
}

/* Parses a single byte range of an entity of size bytes ("bytes=A-B",
 * "bytes=A-", "bytes=-N").  1 with [*first, *last], 0 when the header is
 * to be ignored (absent, another unit, several ranges, bad syntax: RFC 9110
 * lets a server send the whole entity), -1 when it is unsatisfiable. */
static int parse_range(const char *h, int64_t size, int64_t *first, int64_t *last)
{
        if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
                return 0;
        const char *p = h + 6;
        char *end = NULL;
        if (*p == '-') {
                if (p[1] < '0' || p[1] > '9')
                        return 0;
                errno = 0;
                long long n = strtoll(p + 1, &end, 10);
                if (errno || *end)
                        return 0;
                if (n == 0 || size == 0)
                        return -1;
                *first = n >= size ? 0 : size - n;
                *last = size - 1;
                return 1;
        }
        if (*p < '0' || *p > '9')
                return 0;
        errno = 0;
        long long a = strtoll(p, &end, 10);
        if (errno || *end != '-')
                return 0;
        long long b = size - 1;
        if (end[1]) {
                if (end[1] < '0' || end[1] > '9')
                        return 0;
                char *end2 = NULL;
                b = strtoll(end + 1, &end2, 10);
                if (errno || *end2 || b < a)
                        return 0;
        }
        if (a >= size)
                return -1;
        *first = a;
        *last = b < size ? b : size - 1;
        return 1;
}

int web_respond_file_range(struct web_request *r, const char *path, const char *type)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
                return -1;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return -1;
        }
        int64_t size = st.st_size, first = 0, last = size - 1;
        const char *h =
            MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Range");
        int ranged = parse_range(h, size, &first, &last);
        char value[96];
        if (ranged < 0) {
                close(fd);
                web_respond_error(r, 416, "range_unsatisfiable",
                                  "the range is outside the file's %lld bytes",
                                  (long long)size);
                snprintf(value, sizeof value, "bytes */%lld", (long long)size);
                MHD_add_response_header(r->response, "Content-Range", value);
                return 0;
        }
        struct MHD_Response *response = MHD_create_response_from_fd_at_offset64(
            (uint64_t)(last - first + 1), fd, (uint64_t)first);
        if (!response) {
                close(fd);
                return -1;
        }
        MHD_add_response_header(response, "Content-Type", type);
        MHD_add_response_header(response, "Accept-Ranges", "bytes");
        if (ranged) {
                snprintf(value, sizeof value, "bytes %lld-%lld/%lld", (long long)first,
                         (long long)last, (long long)size);
                MHD_add_response_header(response, "Content-Range", value);
        }
        set_response(r, ranged ? 206 : 200, response, false);
        return 0;
}

const char *web_field(const struct web_request *r, const char *name)
{
        for (size_t i = 0; i < r->n_fields; i++)
                if (strcmp(r->fields[i].name, name) == 0)
                        return r->fields[i].value;
        return NULL;
}

const char *web_query(const struct web_request *r, const char *name)
{
        return MHD_lookup_connection_value(r->connection, MHD_GET_ARGUMENT_KIND, name);
}

/* The address at the other end of the connection. */
static void peer_address(const struct web_request *r, char *buf, size_t size)
{
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(r->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        snprintf(buf, size, "unknown");
        if (!info || !info->client_addr)
                return;
        const struct sockaddr *sa = info->client_addr;
        if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET,
                          &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                          (socklen_t)size);
        else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6,
                          &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                          buf, (socklen_t)size);
}

bool web_from_trusted_proxy(const struct web_request *r)
{
        char peer[INET6_ADDRSTRLEN + 1];
        const char *trusted = r->web->ctx.config->trusted_proxies;
        if (!trusted || !*trusted)
                return false;
        peer_address(r, peer, sizeof peer);
        return address_in_list(peer, trusted);
}

/* Behind a trusted proxy the client is the last address of X-Forwarded-For
 * that is not itself a trusted proxy (each proxy appends the address it saw,
 * so anything further left was written by the client and proves nothing). */
void web_client_address(const struct web_request *r, char *buf, size_t size)
{
        peer_address(r, buf, size);
        if (!web_from_trusted_proxy(r))
                return;
        const char *xff = MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND,
                                                      "X-Forwarded-For");
        const char *trusted = r->web->ctx.config->trusted_proxies;
        if (!xff)
                return;
        size_t end = strlen(xff);
        while (end > 0) {
                size_t start = end;
                while (start > 0 && xff[start - 1] != ',')
                        start--;
                size_t a = start, b = end;
                while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
                        a++;
                while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
                        b--;
                char hop[INET6_ADDRSTRLEN + 1];
                unsigned char bin[16];
                if (b - a == 0 || b - a >= sizeof hop)
                        return; /* garbage: keep the proxy's own address */
                memcpy(hop, xff + a, b - a);
                hop[b - a] = '\0';
                if (inet_pton(AF_INET, hop, bin) != 1 &&
                    inet_pton(AF_INET6, hop, bin) != 1)
                        return;
                snprintf(buf, size, "%s", hop);
                if (!address_in_list(hop, trusted))
                        return;
                end = start > 0 ? start - 1 : 0;
        }
}

/* ---- routing --------------------------------------------------------------------- */

/* Matches path against pattern segment by segment; {id} takes a positive
 * integer, {date} ten characters shaped YYYY-MM-DD (copied to date; the
 * handler checks it is a real day, so a 2026-02-30 is a 400, not a 404). */
static bool match_path(const char *pattern, const char *path, int64_t ids[2],
                       char date[11])
{
        int n_ids = 0;
        while (*pattern && *path) {
                if (strncmp(pattern, "{id}", 4) == 0) {
                        char *end = NULL;
                        if (*path < '1' || *path > '9')
                                return false;
                        errno = 0;
                        long long v = strtoll(path, &end, 10);
                        /* the id ends where the pattern goes on ("{id}.xml") */
                        if (errno ||
                            (*end != '/' && *end != '\0' && *end != pattern[4]) ||
                            n_ids >= 2)
                                return false;
                        ids[n_ids++] = v;
                        pattern += 4;
                        path = end;
                        continue;
                }
                if (strncmp(pattern, "{ref}", 5) == 0) {
                        /* a code of letters and digits; the handler reads it */
                        size_t len = strspn(path, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                  "abcdefghijklmnopqrstuvwxyz");
                        if (len == 0 || len > 32)
                                return false;
                        pattern += 5;
                        path += len;
                        continue;
                }
                if (strncmp(pattern, "{date}", 6) == 0) {
                        for (int i = 0; i < 10; i++) {
                                bool dash = i == 4 || i == 7;
                                if (dash ? path[i] != '-'
                                         : path[i] < '0' || path[i] > '9')
                                        return false;
                        }
                        if (path[10] != '/' && path[10] != '\0')
                                return false;
                        memcpy(date, path, 10);
                        date[10] = '\0';
                        pattern += 6;
                        path += 10;
                        continue;
                }
                if (*pattern != *path)
                        return false;
                pattern++;
                path++;
        }
        /* a trailing slash is tolerated */
        if (*pattern == '\0' && path[0] == '/' && path[1] == '\0')
                return true;
        return *pattern == '\0' && *path == '\0';
}

/* The methods some route answers; any other (TRACE, OPTIONS, ...) is 405. */
static bool known_method(const char *method)
{
        static const char *const methods[] = {"GET", "HEAD",  "POST",
                                              "PUT", "PATCH", "DELETE"};
        for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
                if (strcmp(method, methods[i]) == 0)
                        return true;
        return false;
}

static bool is_state_changing(const char *method)
{
        return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* ---- request bodies ---------------------------------------------------------------- */

static struct web_field *field_for(struct web_request *r, const char *name)
{
        for (size_t i = 0; i < r->n_fields; i++)
                if (strcmp(r->fields[i].name, name) == 0)
                        return &r->fields[i];
        if (r->n_fields >= WEB_MAX_FIELDS)
                return NULL;
        struct web_field *f = &r->fields[r->n_fields++];
        f->name = xstrdup(name);
        f->value = xstrdup("");
        f->len = 0;
        return f;
}

static const char *upload_dir(void)
{
        const char *dir = getenv("TMPDIR");
        /* /var/tmp is on disk on Debian, unlike a tmpfs /tmp: uploads can be big */
        if (!dir || !*dir)
                dir = access("/var/tmp", W_OK) == 0 ? "/var/tmp" : "/tmp";
        return dir;
}

/* Upload files carry their process id, so the leftovers of a killed siaran
 * (never acknowledged to anyone) can be told apart from a running one's. */
static void remove_stale_uploads(void)
{
        const char *dir = upload_dir();
        DIR *d = opendir(dir);
        if (!d)
                return;
        struct dirent *e;
        while ((e = readdir(d))) {
                long pid = 0;
                if (sscanf(e->d_name, "siaran-upload-%ld-", &pid) != 1 || pid <= 0)
                        continue;
                if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
                        continue; /* its process still runs */
                char *path = xasprintf("%s/%s", dir, e->d_name);
                if (unlink(path) == 0)
                        log_info("removed %s, left by a siaran that was killed", path);
                free(path);
        }
        closedir(d);
}

static int open_upload(struct web_request *r)
{
        const char *dir = upload_dir();
        r->upload_path = xasprintf("%s/siaran-upload-%ld-XXXXXX", dir, (long)getpid());
        r->upload_fd = mkostemp(r->upload_path, O_CLOEXEC);
        if (r->upload_fd < 0) {
                log_error("cannot create an upload file in %s: %s", dir, strerror(errno));
                free(r->upload_path);
                r->upload_path = NULL;
                return -1;
        }
        return 0;
}

/* Uploads without a login ([complaints] public_upload_limit) are held to
 * less than the staff's ([web] upload_limit). */
static int64_t upload_limit(const struct web_request *r)
{
        const struct config *c = r->web->ctx.config;
        if (r->route && r->route->roles == 0 && c->public_upload_limit < c->upload_limit)
                return c->public_upload_limit;
        return c->upload_limit;
}

static enum MHD_Result on_post_data(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *filename, const char *content_type,
                                    const char *transfer_encoding, const char *data,
                                    uint64_t off, size_t size)
{
        struct web_request *r = cls;
        (void)kind;
        (void)content_type;
        (void)transfer_encoding;
        (void)off;
        if (!key)
                return MHD_YES;
        if (strcmp(key, "audio") == 0) {
                if (r->upload_fd < 0 && !r->upload_path) {
                        if (open_upload(r) < 0) {
                                r->bad_form = true;
                                return MHD_NO;
                        }
                        if (filename)
                                r->upload_name = xstrdup(filename);
                }
                if (r->upload_fd < 0 || size == 0)
                        return MHD_YES;
                if (r->upload_size + (int64_t)size > upload_limit(r)) {
                        r->too_large = true;
                        return MHD_YES; /* keep reading and discarding; 413 at the end */
                }
                size_t done = 0;
                while (done < size) {
                        ssize_t n = write(r->upload_fd, data + done, size - done);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0) {
                                log_error("upload: %s: %s", r->upload_path,
                                          strerror(errno));
                                r->bad_form = true;
                                return MHD_NO;
                        }
                        done += (size_t)n;
                }
                r->upload_size += (int64_t)size;
                return MHD_YES;
        }
        if (filename)
                return MHD_YES; /* other file parts are not ours to keep */
        struct web_field *f = field_for(r, key);
        if (!f || f->len + size > WEB_FIELD_MAX) {
                r->bad_form = true;
                return MHD_YES;
        }
        if (memchr(data, '\0', size)) {
                /* the value would silently end at the NUL */
                r->nul_in_form = true;
                return MHD_YES;
        }
        f->value = xrealloc(f->value, f->len + size + 1);
        memcpy(f->value + f->len, data, size);
        f->len += size;
        f->value[f->len] = '\0';
        return MHD_YES;
}

static bool content_type_is(struct web_request *r, const char *type)
{
        const char *ct =
            MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Content-Type");
        return ct && strncasecmp(ct, type, strlen(type)) == 0;
}

static int64_t content_length(struct web_request *r)
{
        const char *cl =
            MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Content-Length");
        if (!cl)
                return -1;
        return strtoll(cl, NULL, 10);
}

/* Sets up how the body is taken.  Answers early (415, 413) when it can. */
static void begin_body(struct web_request *r)
{
        enum web_body body = r->route->body;
        if (body == BODY_JSON_OR_MULTIPART)
                body = content_type_is(r, "multipart/form-data") ? BODY_MULTIPART
                                                                 : BODY_JSON;
        if (body == BODY_JSON) {
                r->body_json = true;
                /* a cross-site form can send text/plain or urlencoded bodies,
                 * never application/json */
                if (!content_type_is(r, "application/json")) {
                        web_respond_error(r, 415, "content_type",
                                          "expected Content-Type: application/json");
                        return;
                }
                if (content_length(r) > JSON_BODY_LIMIT)
                        web_respond_error(r, 413, "body_too_large",
                                          "the request body is larger than %d bytes",
                                          JSON_BODY_LIMIT);
                return;
        }
        if (body != BODY_MULTIPART)
                return;
        if (!content_type_is(r, "multipart/form-data")) {
                web_respond_error(r, 415, "content_type", "expected multipart/form-data");
                return;
        }
        /* the form's text fields need a little room beyond the file itself */
        if (content_length(r) > upload_limit(r) + 256 * 1024) {
                web_respond_error(r, 413, "body_too_large",
                                  "the upload is larger than the limit of %lld MB",
                                  (long long)(upload_limit(r) / (1024 * 1024)));
                return;
        }
        r->post = MHD_create_post_processor(r->connection, POST_BUFFER, on_post_data, r);
        if (!r->post)
                web_respond_error(r, 400, "form_invalid",
                                  "cannot read the form (no boundary?)");
}

static void feed_body(struct web_request *r, const char *data, size_t size)
{
        if (r->post) {
                if (MHD_post_process(r->post, data, size) != MHD_YES)
                        r->bad_form = true;
                return;
        }
        if (!r->body_json)
                return; /* a body where none is expected is ignored */
        if (r->too_large || r->body_len + size > JSON_BODY_LIMIT) {
                r->too_large = true;
                return;
        }
        r->body = xrealloc(r->body, r->body_len + size + 1);
        memcpy(r->body + r->body_len, data, size);
        r->body_len += size;
        r->body[r->body_len] = '\0';
}

/* ---- the request's life
 * ---------------------------------------------------------------- */

static void serve_asset(struct web_request *r, const struct web_asset *asset)
{
        web_respond_bytes(r, 200, asset->type, asset->body, strlen(asset->body), false);
}

/* Looks the request up in a route table.  Returns true when a route took it;
 * sets *path_matched when a pattern matched with another method. */
static bool find_route(struct web_request *r, const struct web_route *table, size_t count,
                       bool *path_matched)
{
        bool head = strcmp(r->method, "HEAD") == 0;
        for (size_t i = 0; i < count; i++) {
                int64_t ids[2] = {0, 0};
                char date[11] = "";
                if (!match_path(table[i].pattern, r->url, ids, date))
                        continue;
                *path_matched = true;
                if (strcmp(table[i].method, r->method) == 0 ||
                    (head && strcmp(table[i].method, "GET") == 0)) {
                        r->route = &table[i];
                        memcpy(r->ids, ids, sizeof ids);
                        memcpy(r->date, date, sizeof date);
                        return true;
                }
        }
        return false;
}

/* The first call: route, authenticate and authorise before any body is read,
 * so a refused upload never reaches the disk. */
static void begin_request(struct web_request *r)
{
        const char *method = r->method;
        bool head = strcmp(method, "HEAD") == 0;
        bool path_matched = false;
        if (!find_route(r, routes, sizeof routes / sizeof routes[0], &path_matched))
                find_route(r, web_manage_routes, web_manage_routes_count, &path_matched);
        if (!r->route) {
                const struct web_asset *asset = web_asset_find(r->url);
                bool page_method = strcmp(method, "GET") == 0 || head;
                if (asset && page_method)
                        r->asset = asset; /* answered on the last call: keep-alive */
                else if (path_matched || asset || !known_method(method))
                        web_respond_error(r, 405, "method_not_allowed",
                                          "%s is not allowed here", method);
                else
                        web_respond_error(r, 404, "not_found", "no such page: %s",
                                          r->url);
                return;
        }
        if (r->route->roles) {
                r->db = web_db_acquire(r->web);
                int found = r->db ? web_session_lookup(r, &r->session) : -1;
                web_db_release(r->web, r->db);
                r->db = NULL;
                if (found < 0) {
                        web_respond_error(r, 500, "db_error", "database unavailable");
                        return;
                }
                if (found == 0) {
                        web_respond_error(r, 401, "not_logged_in", "not logged in");
                        return;
                }
                if (is_state_changing(method)) {
                        const char *csrf = MHD_lookup_connection_value(
                            r->connection, MHD_HEADER_KIND, "X-CSRF-Token");
                        if (!csrf || strlen(csrf) != strlen(r->session.csrf) ||
                            sodium_memcmp(csrf, r->session.csrf, strlen(csrf)) != 0) {
                                web_respond_error(r, 403, "csrf_missing",
                                                  "missing or wrong X-CSRF-Token");
                                return;
                        }
                }
                if (!(r->route->roles & r->session.role)) {
                        web_respond_error(r, 403, "role_forbidden",
                                          "the role %s may not do this",
                                          web_role_name(r->session.role));
                        return;
                }
        }
        if (!r->route->no_db)
                begin_body(r);
}

static void finish_request(struct web_request *r)
{
        /* pages and the hot paths answer here, on the last call: answering on
         * the first call makes libmicrohttpd close the connection */
        if (r->asset) {
                serve_asset(r, r->asset);
                return;
        }
        if (r->route->no_db) {
                r->route->handler(r);
                return;
        }
        if (r->post) {
                enum MHD_Result done = MHD_destroy_post_processor(r->post);
                r->post = NULL;
                if (done != MHD_YES)
                        r->bad_form = true;
        }
        if (r->upload_fd >= 0) {
                close(r->upload_fd);
                r->upload_fd = -1;
        }
        if (r->too_large) {
                web_respond_error(r, 413, "body_too_large",
                                  "the request body is too large");
                return;
        }
        if (r->nul_in_form) {
                web_respond_error(r, 400, "form_invalid",
                                  "a form field contains a NUL byte");
                return;
        }
        if (r->bad_form) {
                web_respond_error(
                    r, 400, "form_invalid",
                    "the form is incomplete or has too many or too long fields");
                return;
        }
        if (r->body_json) {
                json_error_t error;
                if (r->body_len == 0) {
                        web_respond_error(r, 400, "bad_json", "a JSON body is required");
                        return;
                }
                r->json = json_loadb(r->body, r->body_len, 0, &error);
                if (!r->json || !json_is_object(r->json)) {
                        web_respond_error(r, 400, "bad_json",
                                          "the body is not a JSON object: %s",
                                          r->json ? "wrong type" : error.text);
                        return;
                }
        }
        r->db = web_db_acquire(r->web);
        if (!r->db) {
                web_respond_error(r, 500, "db_error", "database unavailable");
                return;
        }
        sched_db_failure_clear();
        r->route->handler(r);
        web_db_release(r->web, r->db);
        r->db = NULL;
        if (!r->response)
                web_respond_error(r, 500, "internal_error", "no answer");
}

static enum MHD_Result queue_response(struct web_request *r)
{
        enum MHD_Result ret = MHD_queue_response(r->connection, r->status, r->response);
        MHD_destroy_response(r->response);
        r->response = NULL;
        return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
        struct web_request *r = *con_cls;
        (void)version;
        if (!r) {
                r = xcalloc(1, sizeof *r);
                r->web = cls;
                r->connection = connection;
                r->method = method;
                r->url = url;
                r->upload_fd = -1;
                *con_cls = r;
                begin_request(r);
                if (r->response)
                        return queue_response(r);
                return MHD_YES;
        }
        if (*upload_data_size > 0) {
                feed_body(r, upload_data, *upload_data_size);
                *upload_data_size = 0;
                return MHD_YES;
        }
        finish_request(r);
        return queue_response(r);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
        struct web_request *r = *con_cls;
        (void)cls;
        (void)connection;
        (void)code;
        if (!r)
                return;
        if (r->post)
                MHD_destroy_post_processor(r->post);
        if (r->upload_fd >= 0)
                close(r->upload_fd);
        if (r->upload_path)
                unlink(r->upload_path);
        free(r->upload_path);
        free(r->upload_name);
        for (size_t i = 0; i < r->n_fields; i++) {
                free(r->fields[i].name);
                free(r->fields[i].value);
        }
        free(r->body);
        json_decref(r->json);
        if (r->response)
                MHD_destroy_response(r->response);
        if (r->db)
                web_db_release(r->web, r->db);
        free(r);
        *con_cls = NULL;
}

/* A %00 in the URL would cut the path short (and "/panel/%00" would serve
 * the panel): such a URL is left as it is, so it matches nothing (404). */
static size_t on_unescape(void *cls, struct MHD_Connection *connection, char *s)
{
        (void)cls;
        (void)connection;
        if (strstr(s, "%00"))
                return strlen(s);
        return MHD_http_unescape(s);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
        char line[512];
        (void)cls;
        vsnprintf(line, sizeof line, fmt, ap);
        line[strcspn(line, "\n")] = '\0';
        log_warn("libmicrohttpd: %s", line);
}

/* ---- start and stop
 * ---------------------------------------------------------------------- */

static char *derive_stream_url(const struct config *config)
{
        if (config->public_stream_url && *config->public_stream_url)
                return xstrdup(config->public_stream_url);
        if (config->n_outputs == 0)
                return xstrdup("");
        const struct output_config *o = &config->outputs[0];
        return xasprintf("http://%s:%d%s", o->server, o->port, o->mount);
}

/* The listener page plays the stream from Icecast, another origin: media-src
 * must name it, everything else stays 'self'. */
static char *build_csp(const char *stream_url)
{
        char origin[512] = "";
        const char *scheme_end = strstr(stream_url, "://");
        if (scheme_end) {
                const char *path = strchr(scheme_end + 3, '/');
                size_t len = path ? (size_t)(path - stream_url) : strlen(stream_url);
                /* only characters that cannot break out of the header value */
                bool safe = len < sizeof origin;
                for (size_t i = 0; safe && i < len; i++)
                        safe = strchr(";,'\" \t\r\n", stream_url[i]) == NULL;
                if (safe) {
                        memcpy(origin, stream_url, len);
                        origin[len] = '\0';
                }
        }
        return xasprintf(
            "default-src 'self'; media-src 'self' blob: %s; img-src 'self' data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            origin);
}

/* Four server threads: measured on 2 cores, fewer threads gave a worse
 * p99 under wrk (a slow login hash no longer stalls its whole share). */
static unsigned int pool_size(void)
{
        return 4;
}

struct web *web_start(const struct web_context *context, char *err, size_t err_size)
{
        struct sockaddr_storage addr = {0};
        struct web *web = NULL;
        if (sodium_init() < 0) {
                snprintf(err, err_size, "libsodium failed to initialise");
                return NULL;
        }
        if (listen_address_parse(context->config->web_listen, &addr, NULL, err,
                                 err_size) < 0)
                return NULL;
        remove_stale_uploads();
        web = xcalloc(1, sizeof *web);
        web->ctx = *context;
        pthread_mutex_init(&web->db_lock, NULL);
        sqlite3 *db = sched_db_open(context->config->database, err, err_size);
        if (!db)
                goto fail;
        web_complaint_intros_protect(db);
        web_db_release(web, db);
        web->stream_url = derive_stream_url(context->config);
        web->csp = build_csp(web->stream_url);
        web->status = web_status_new(web);
        web->events = web_events_new(web);

        web->daemon = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                MHD_ALLOW_SUSPEND_RESUME,
            0, NULL, NULL, on_request, web, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
            pool_size(), MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONNECTION_LIMIT,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)PER_IP_LIMIT,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
            MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_UNESCAPE_CALLBACK,
            on_unescape, NULL, MHD_OPTION_END);
        if (!web->daemon) {
                snprintf(err, err_size, "cannot listen on %s",
                         context->config->web_listen);
                goto fail;
        }
        log_info("panel on http://%s/ (listener stream %s)", context->config->web_listen,
                 web->stream_url);
        return web;
fail:
        web_stop(web);
        return NULL;
}

void web_stop(struct web *web)
{
        if (!web)
                return;
        web_events_stop(web->events);
        if (web->daemon)
                MHD_stop_daemon(web->daemon);
        web_events_free(web->events);
        web_status_free(web->status);
        for (size_t i = 0; i < web->n_db_free; i++)
                sqlite3_close_v2(web->db_free[i]);
        pthread_mutex_destroy(&web->db_lock);
        free(web->stream_url);
        free(web->csp);
        free(web);
}
