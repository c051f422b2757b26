/* Fuzz target: the JSON request handlers and the multipart/form handling,
 * through the real server.  The first call starts `web` on loopback with a
 * fresh database and logs an admin in; every input then becomes the body of
 * one authenticated request (its first byte picks the endpoint, JSON or
 * multipart) sent over a real socket.  The server must answer every one with
 * a status below 500 (507: the media store is full, 503: nothing on air to
 * skip) and, for an error, a JSON object with a reason; it must never crash
 * or hang. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/common.h"
#include "scheduler/scheduler.h"
#include "web/web.h"

#define BOUNDARY "fuzzboundary"

struct endpoint {
        const char *method;
        const char *path;
        bool multipart;
};

/* Every endpoint that reads a body.  The ids (1) may or may not exist. */
static const struct endpoint endpoints[] = {
    {"POST", "/api/v1/session", false},
    {"POST", "/api/v1/users", false},
    {"POST", "/api/v1/complaints", true},
    {"POST", "/api/v1/complaints/reorder", false},
    {"POST", "/api/v1/complaints/1/forward", false},
    {"POST", "/api/v1/announcements", false},
    {"POST", "/api/v1/announcements", true},
    {"POST", "/api/v1/media", true},
    {"PATCH", "/api/v1/media/1", false},
    {"POST", "/api/v1/shows", false},
    {"PUT", "/api/v1/shows/1", false},
    {"POST", "/api/v1/campaigns", false},
    {"PUT", "/api/v1/campaigns/1", false},
};
#define N_ENDPOINTS (sizeof endpoints / sizeof endpoints[0])

static struct {
        char dir[64];
        int port;
        struct config *config;
        struct scheduler *scheduler;
        struct web *web;
        char cookie[200];
        char csrf[80];
} harness;

static void die(const char *what)
{
        fprintf(stderr, "fuzz_http: %s\n", what);
        abort();
}

static int free_port(void)
{
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof a;
        if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
            getsockname(s, (struct sockaddr *)&a, &len) < 0)
                die("no free port");
        close(s);
        return ntohs(a.sin_port);
}

static bool send_all(int s, const void *data, size_t size)
{
        const char *p = data;
        while (size > 0) {
                ssize_t n = send(s, p, size, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return false;
                p += n;
                size -= (size_t)n;
        }
        return true;
}

struct response {
        int status;
        char *text; /* headers and body, NUL-terminated */
        size_t size;
        const char *body;
};

/* One request on its own connection; the server may answer (and close)
 * before reading the whole body, so a failed send is not an error.  Aborts
 * when no answer comes within 20 s: a hang is a bug. */
static void request(const char *method, const char *path, const char *content_type,
                    const void *body, size_t size, struct response *out)
{
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)harness.port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        struct timeval timeout = {.tv_sec = 20};
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
                die("cannot connect to the server");
        char *head =
            xasprintf("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                      "Cookie: %s\r\nX-CSRF-Token: %s\r\nContent-Type: %s\r\n"
                      "Content-Length: %zu\r\n\r\n",
                      method, path, harness.cookie, harness.csrf, content_type, size);
        if (send_all(s, head, strlen(head)))
                send_all(s, body, size);
        free(head);
        size_t cap = 4096;
        out->text = xmalloc(cap);
        out->size = 0;
        for (;;) {
                if (out->size + 1024 > cap)
                        out->text = xrealloc(out->text, cap *= 2);
                ssize_t n = recv(s, out->text + out->size, cap - out->size - 1, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        die("no answer within 20 s");
                if (n <= 0)
                        break;
                out->size += (size_t)n;
        }
        close(s);
        out->text[out->size] = '\0';
        out->status = 0;
        sscanf(out->text, "HTTP/1.%*d %d", &out->status);
        const char *end = strstr(out->text, "\r\n\r\n");
        out->body = end ? end + 4 : out->text + out->size;
}

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");
        if (!f || fputs(text, f) < 0 || fclose(f) != 0)
                die("cannot write the test config");
}

/* A station with a fresh database, a web server and a logged-in admin. */
static void start_harness(void)
{
        signal(SIGPIPE, SIG_IGN);
        snprintf(harness.dir, sizeof harness.dir, "/tmp/siaran-fuzz-http-XXXXXX");
        if (!mkdtemp(harness.dir))
                die("mkdtemp");
        harness.port = free_port();
        char *path = xasprintf("%s/siaran.conf", harness.dir);
        char *text = xasprintf("[station]\nname = Fuzz\ntimezone = Asia/Jakarta\n"
                               "log_level = error\n[storage]\ndatabase = siaran.db\n"
                               "media = media\n[web]\nlisten = 127.0.0.1:%d\n"
                               "upload_limit = 1\n",
                               harness.port);
        write_file(path, text);
        char err[512];
        harness.config = config_load(path, err, sizeof err);
        if (!harness.config)
                die(err);
        harness.scheduler = scheduler_new(harness.config, err, sizeof err);
        if (!harness.scheduler)
                die(err);
        if (web_user_add(harness.config, "fuzz", "admin", "fuzz-password", err,
                         sizeof err) != 0)
                die(err);
        struct web_context ctx = {.config = harness.config};
        harness.web = web_start(&ctx, err, sizeof err);
        if (!harness.web)
                die(err);
        struct response r;
        const char *login = "{\"username\":\"fuzz\",\"password\":\"fuzz-password\"}";
        request("POST", "/api/v1/session", "application/json", login, strlen(login), &r);
        const char *cookie = strcasestr(r.text, "Set-Cookie: ");
        json_t *body = json_loads(r.body, 0, NULL);
        const char *csrf = json_string_value(json_object_get(body, "csrf_token"));
        if (r.status != 200 || !cookie || !csrf)
                die("cannot log in");
        cookie += strlen("Set-Cookie: ");
        snprintf(harness.cookie, sizeof harness.cookie, "%.*s",
                 (int)strcspn(cookie, ";\r"), cookie);
        snprintf(harness.csrf, sizeof harness.csrf, "%s", csrf);
        json_decref(body);
        free(r.text);
        free(text);
        free(path);
}

/* An error must say why, in JSON: {"error": "...", "code": "..."}. */
static void check_response(const struct endpoint *e, const struct response *r)
{
        if (r->status < 200 ||
            (r->status >= 500 && r->status != 503 && r->status != 507)) {
                fprintf(stderr, "fuzz_http: %s %s answered %d:\n%s\n", e->method, e->path,
                        r->status, r->text);
                abort();
        }
        if (r->status < 400)
                return;
        json_t *body = json_loads(r->body, 0, NULL);
        const char *code = json_string_value(json_object_get(body, "code"));
        if (!json_is_string(json_object_get(body, "error")) || !code || !*code) {
                fprintf(stderr,
                        "fuzz_http: %s %s: %d without a JSON reason and code:\n%s\n",
                        e->method, e->path, r->status, r->text);
                abort();
        }
        json_decref(body);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
        if (!harness.web)
                start_harness();
        if (size == 0)
                return 0;
        const struct endpoint *e = &endpoints[data[0] % N_ENDPOINTS];
        const char *type =
            e->multipart ? "multipart/form-data; boundary=" BOUNDARY : "application/json";
        struct response r;
        request(e->method, e->path, type, data + 1, size - 1, &r);
        if (getenv("FUZZ_HTTP_VERBOSE")) /* to see which seeds reach a handler */
                fprintf(stderr, "%s %s: %d %.200s\n", e->method, e->path, r.status,
                        r.body);
        check_response(e, &r);
        free(r.text);
        return 0;
}
