/* The live input: presenters' encoders (BUTT, Mixxx, libshout, ffmpeg's
 * icecast protocol) connect with the Icecast source protocol, PUT or the
 * older SOURCE, and log in with a panel account.  A listener thread accepts;
 * each connection gets a thread of its own that reads the request with
 * bounded sizes and times, checks the login and, for the one presenter on
 * air, demuxes and decodes the body with libavformat through an AVIOContext
 * on the socket into the live feed.  Title updates (/admin/metadata) come in
 * on the same port.  Nothing here ever waits on the engine or it on this. */
#define LOG_MODULE "live"
#include <errno.h>
#include <libavformat/avformat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "input/decoder.h"
#include "input/feed.h"
#include "input/input.h"
#include "input/leveller.h"

#define HEADER_MAX 8192 /* bytes of request line and headers */
#define HEADER_TIMEOUT_MS 5000
#define MAX_CONNECTIONS 8      /* at once, presenters and title updates together */
#define POLL_MS 200            /* how often a waiting thread looks at quit */
#define STALL_TIMEOUT_MS 10000 /* an encoder silent on the wire this long is gone */
#define OPEN_TIMEOUT_MS 8000   /* for the first audio's format to be known */
#define IO_BUFFER 4096
#define PROBE_BYTES "16384"

struct input_live {
        struct input_live_config config;
        struct input_live_hooks hooks;
        struct input_feed *feed;
        struct leveller *leveller; /* NULL: no levelling */
        _Atomic double gain_db;    /* the leveller's, for the status */
        int listen_fd;
        int wake[2]; /* a byte here wakes the listener at shutdown */
        pthread_t thread;
        atomic_bool quit;

        pthread_mutex_t lock; /* guards the session and n_connections */
        pthread_cond_t gone;  /* a connection thread ended */
        int n_connections;
        struct input_live_status session;
};

/* One connection, on its own thread. */
struct connection {
        struct input_live *live;
        int fd;
        char address[64];
        char head[HEADER_MAX + 1];
        size_t head_len;  /* bytes of the request line and headers */
        size_t have;      /* bytes read into head (the body may have started) */
        size_t body_used; /* of the body's start in head, bytes passed on */
        int64_t last_data_ms;
        int64_t deadline_ms; /* 0: none */
        FILE *recording;     /* what the encoder sends, as it sends it; NULL: none */
        char recording_path[4096];
        char container[16]; /* the demuxer's name, for the recording's extension */
};

/* ---- answers ------------------------------------------------------------------------
 */

static void send_all(int fd, const char *data, size_t len)
{
        while (len > 0) {
                ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return;
                data += n;
                len -= (size_t)n;
        }
}

static void respond(struct connection *c, int code, const char *status, const char *body)
{
        char head[512];
        int n = snprintf(head, sizeof head,
                         "HTTP/1.0 %d %s\r\nServer: Siaran\r\n%s"
                         "Content-Type: text/plain; charset=utf-8\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                         code, status,
                         code == 401 ? "WWW-Authenticate: Basic realm=\"Siaran live\"\r\n"
                                     : "",
                         strlen(body) + 1);
        send_all(c->fd, head, (size_t)n);
        send_all(c->fd, body, strlen(body));
        send_all(c->fd, "\n", 1);
}

/* ---- reading the request -------------------------------------------------------------
 */

/* Waits up to POLL_MS for data; 1 readable, 0 not yet, -1 shutdown. */
static int wait_readable(struct connection *c)
{
        if (atomic_load(&c->live->quit))
                return -1;
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        int rc = poll(&pfd, 1, POLL_MS);
        if (rc < 0 && errno != EINTR)
                return -1;
        return rc > 0 ? 1 : 0;
}

/* Reads until the blank line that ends the headers.  Returns 0, or an HTTP
 * status to refuse with (408, 431), or -1 when the client went away. */
static int read_head(struct connection *c)
{
        int64_t deadline = time_now_ms() + HEADER_TIMEOUT_MS;
        for (;;) {
                c->head[c->have] = '\0';
                char *end = strstr(c->head, "\r\n\r\n");
                if (end) {
                        c->head_len = (size_t)(end - c->head) + 4;
                        return 0;
                }
                if (c->have == HEADER_MAX)
                        return 431;
                if (time_now_ms() > deadline)
                        return 408;
                int w = wait_readable(c);
                if (w < 0)
                        return -1;
                if (w == 0)
                        continue;
                ssize_t n = recv(c->fd, c->head + c->have, HEADER_MAX - c->have, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                c->have += (size_t)n;
        }
}

/* The value of header name (case-insensitive), copied into out; false when
 * the request has none. */
static bool header_value(const struct connection *c, const char *name, char *out,
                         size_t size)
{
        size_t name_len = strlen(name);
        const char *line = strstr(c->head, "\r\n");
        while (line && line + 2 < c->head + c->head_len) {
                line += 2;
                const char *eol = strstr(line, "\r\n");
                if (!eol)
                        break;
                if ((size_t)(eol - line) > name_len && line[name_len] == ':' &&
                    strncasecmp(line, name, name_len) == 0) {
                        const char *v = line + name_len + 1;
                        while (*v == ' ' || *v == '\t')
                                v++;
                        size_t len = (size_t)(eol - v);
                        while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
                                len--;
                        snprintf(out, size, "%.*s", (int)len, v);
                        return true;
                }
                line = eol;
        }
        return false;
}

/* "Basic base64(name:password)" into name and password. */
static bool parse_basic(const char *value, char *name, size_t name_size, char *password,
                        size_t password_size)
{
        if (strncasecmp(value, "Basic ", 6) != 0)
                return false;
        unsigned char plain[512];
        size_t len = 0;
        const char *b64 = value + 6;
        if (sodium_base642bin(plain, sizeof plain - 1, b64, strlen(b64), " ", &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0)
                return false;
        plain[len] = '\0';
        char *colon = strchr((char *)plain, ':');
        if (!colon || strlen((char *)plain) != len)
                return false;
        *colon = '\0';
        bool fits =
            strlen((char *)plain) < name_size && strlen(colon + 1) < password_size;
        if (fits) {
                snprintf(name, name_size, "%s", (char *)plain);
                snprintf(password, password_size, "%s", colon + 1);
        }
        sodium_memzero(plain, sizeof plain);
        return fits;
}

static int hex_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* The query parameter key of target, percent- and +-decoded, into out. */
static bool query_value(const char *target, const char *key, char *out, size_t size)
{
        const char *q = strchr(target, '?');
        size_t key_len = strlen(key);
        while (q && *q) {
                q++;
                size_t field = strcspn(q, "&");
                if (field > key_len && q[key_len] == '=' && !strncmp(q, key, key_len)) {
                        size_t o = 0;
                        for (size_t i = key_len + 1; i < field && o + 1 < size; i++) {
                                char ch = q[i];
                                if (ch == '+') {
                                        ch = ' ';
                                } else if (ch == '%' && i + 2 < field &&
                                           hex_value(q[i + 1]) >= 0 &&
                                           hex_value(q[i + 2]) >= 0) {
                                        ch = (char)(hex_value(q[i + 1]) * 16 +
                                                    hex_value(q[i + 2]));
                                        i += 2;
                                }
                                out[o++] = ch;
                        }
                        out[o] = '\0';
                        return true;
                }
                q = strchr(q, '&');
        }
        return false;
}

/* Keeps what can be shown: valid UTF-8 without control characters. */
static void clean_title(char *s)
{
        unsigned char *in = (unsigned char *)s, *out = (unsigned char *)s;
        while (*in) {
                int len = *in < 0x80         ? 1
                          : (*in >> 5) == 6  ? 2
                          : (*in >> 4) == 14 ? 3
                          : (*in >> 3) == 30 ? 4
                                             : 0;
                bool ok = len > 0;
                for (int i = 1; ok && i < len; i++)
                        ok = (in[i] & 0xc0) == 0x80;
                if (!ok) {
                        in++;
                        continue;
                }
                if (len == 1 && (*in < 0x20 || *in == 0x7f)) {
                        in++;
                        continue;
                }
                memmove(out, in, (size_t)len);
                out += len;
                in += len;
        }
        *out = '\0';
}

/* ---- the session ------------------------------------------------------------------ */

/* Claims the air for user; false when a presenter is already connected
 * (their name in holder). */
static bool session_claim(struct input_live *l, const char *user, const char *role,
                          char *holder, size_t holder_size)
{
        pthread_mutex_lock(&l->lock);
        bool free_air = !l->session.connected;
        if (free_air) {
                memset(&l->session, 0, sizeof l->session);
                l->session.connected = true;
                snprintf(l->session.user, sizeof l->session.user, "%s", user);
                snprintf(l->session.role, sizeof l->session.role, "%s", role);
                l->session.since_ms = time_now_ms();
        } else {
                snprintf(holder, holder_size, "%s", l->session.user);
        }
        pthread_mutex_unlock(&l->lock);
        return free_air;
}

static void session_release(struct input_live *l)
{
        feed_drop(l->feed);
        pthread_mutex_lock(&l->lock);
        memset(&l->session, 0, sizeof l->session);
        pthread_mutex_unlock(&l->lock);
}

static void session_set_title(struct input_live *l, const char *title)
{
        char clean[sizeof l->session.title];
        snprintf(clean, sizeof clean, "%s", title);
        clean_title(clean);
        pthread_mutex_lock(&l->lock);
        if (l->session.connected)
                snprintf(l->session.title, sizeof l->session.title, "%s", clean);
        pthread_mutex_unlock(&l->lock);
}

/* ---- the recording ------------------------------------------------------------------
 */

/* The encoder's bytes go to a file as they come: its own container is a
 * complete recording (an Ogg stream, MP3 or ADTS frames). */
static void recording_start(struct connection *c)
{
        const char *dir = c->live->config.recording_dir;
        if (!dir)
                return;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                log_warn("live: cannot create %s: %s", dir, strerror(errno));
        snprintf(c->recording_path, sizeof c->recording_path, "%s/.live-%lld.part", dir,
                 (long long)time_now_ms());
        c->recording = fopen(c->recording_path, "wbx");
        if (!c->recording)
                log_warn("live: cannot record to %s: %s", c->recording_path,
                         strerror(errno));
}

static void recording_write(struct connection *c, const void *data, size_t n)
{
        if (!c->recording || fwrite(data, 1, n, c->recording) == n)
                return;
        log_warn("live: the recording %s stopped: %s", c->recording_path,
                 strerror(errno));
        fclose(c->recording);
        c->recording = NULL;
        unlink(c->recording_path);
}

/* Hands the finished recording to the station, then deletes it. */
static void recording_finish(struct connection *c,
                             const struct input_live_status *session)
{
        if (!c->recording)
                return;
        bool written = fclose(c->recording) == 0;
        c->recording = NULL;
        const char *ext = !strcmp(c->container, "ogg")   ? ".ogg"
                          : !strcmp(c->container, "mp3") ? ".mp3"
                          : !strcmp(c->container, "aac") ? ".aac"
                                                         : NULL;
        char path[sizeof c->recording_path + 8];
        snprintf(path, sizeof path, "%.*s%s",
                 (int)(strlen(c->recording_path) - strlen(".part")), c->recording_path,
                 ext ? ext : "");
        if (written && ext && session->show[0] && c->live->hooks.on_recorded &&
            rename(c->recording_path, path) == 0) {
                c->live->hooks.on_recorded(c->live->hooks.user, path, session->show,
                                           session->user, session->since_ms);
                unlink(path);
        }
        unlink(c->recording_path);
}

/* ---- the body through libavformat ----------------------------------------------- */

/* The AVIOContext's read: first what came with the headers, then the
 * socket, waiting in short rounds so shutdown and stalls are seen. */
static int body_read(void *opaque, uint8_t *buf, int size)
{
        struct connection *c = opaque;
        if (c->body_used < c->have - c->head_len) {
                size_t n = c->have - c->head_len - c->body_used;
                if (n > (size_t)size)
                        n = (size_t)size;
                memcpy(buf, c->head + c->head_len + c->body_used, n);
                c->body_used += n;
                recording_write(c, buf, n);
                c->last_data_ms = time_now_ms();
                return (int)n;
        }
        for (;;) {
                int w = wait_readable(c);
                if (w < 0)
                        return AVERROR_EXIT;
                int64_t now = time_now_ms();
                if (w == 0) {
                        if (now - c->last_data_ms > STALL_TIMEOUT_MS ||
                            (c->deadline_ms && now > c->deadline_ms))
                                return AVERROR_EOF;
                        continue;
                }
                ssize_t n = recv(c->fd, buf, (size_t)size, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return AVERROR_EOF;
                c->last_data_ms = now;
                recording_write(c, buf, (size_t)n);
                return (int)n;
        }
}

/* The container a Content-Type names, so no probing delays the start. */
static const AVInputFormat *format_for(const char *content_type)
{
        static const struct {
                const char *type, *format;
        } known[] = {
            {"application/ogg", "ogg"}, {"audio/ogg", "ogg"},   {"audio/opus", "ogg"},
            {"audio/mpeg", "mp3"},      {"audio/mp3", "mp3"},   {"audio/aac", "aac"},
            {"audio/aacp", "aac"},      {"audio/x-aac", "aac"},
        };
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
                if (strncasecmp(content_type, known[i].type, strlen(known[i].type)) == 0)
                        return av_find_input_format(known[i].format);
        return NULL;
}

/* The encoder's in-stream title (Vorbis/Opus comments of a chained Ogg
 * stream), when it changed. */
static void follow_stream_title(struct connection *c, struct input_decoder *d)
{
        AVStream *st = d->format->streams[d->index];
        if (!(st->event_flags & AVSTREAM_EVENT_FLAG_METADATA_UPDATED))
                return;
        st->event_flags &= ~AVSTREAM_EVENT_FLAG_METADATA_UPDATED;
        const AVDictionaryEntry *t = av_dict_get(st->metadata, "title", NULL, 0);
        if (t && *t->value)
                session_set_title(c->live, t->value);
}

/* Decodes the presenter's stream into the feed until it ends, stalls past
 * STALL_TIMEOUT_MS or the station stops. */
static void stream_body(struct connection *c, const char *content_type)
{
        struct input_live *l = c->live;
        struct input_decoder d;
        const char *err = "unknown error";
        AVDictionary *options = NULL;
        unsigned char *buffer = av_malloc(IO_BUFFER);
        AVFormatContext *format = avformat_alloc_context();
        AVIOContext *io =
            buffer ? avio_alloc_context(buffer, IO_BUFFER, 0, c, body_read, NULL, NULL)
                   : NULL;
        if (!format || !io) {
                if (!io)
                        av_free(buffer);
                avformat_free_context(format);
                log_error("out of memory for the live stream");
                goto out;
        }
        format->pb = io;
        format->flags |= AVFMT_FLAG_CUSTOM_IO;
        /* Only the containers presenters send: a probe must never pick a
         * demuxer that opens other files or urls (hls, concat) */
        av_dict_set(&options, "format_whitelist", "ogg,mp3,aac", 0);
        av_dict_set(&options, "protocol_whitelist", "none", 0);
        av_dict_set(&options, "probesize", PROBE_BYTES, 0);
        av_dict_set(&options, "analyzeduration", "500000", 0);
        c->last_data_ms = time_now_ms();
        c->deadline_ms = time_now_ms() + OPEN_TIMEOUT_MS;
        int rc = decoder_open(&d, l->config.rate, format, NULL, format_for(content_type),
                              &options, &err);
        c->deadline_ms = 0;
        av_dict_free(&options);
        if (rc < 0) {
                log_warn("live stream from %s: %s", c->address, err);
                goto out;
        }
        char described[64];
        decoder_describe(&d, described, sizeof described);
        snprintf(c->container, sizeof c->container, "%.*s", (int)strcspn(described, "/"),
                 described);
        pthread_mutex_lock(&l->lock);
        snprintf(l->session.format, sizeof l->session.format, "%s", described);
        pthread_mutex_unlock(&l->lock);
        log_info("live stream from %s: %s", c->address, described);
        if (l->leveller)
                leveller_reset(l->leveller); /* a new presenter's level */
        while (!atomic_load(&l->quit) && decoder_step(&d, l->feed) >= 0) {
                follow_stream_title(c, &d);
                if (l->leveller)
                        atomic_store(&l->gain_db, leveller_gain_db(l->leveller));
        }
        atomic_store(&l->gain_db, 0.0);
        decoder_close(&d); /* frees format, not the custom io */
out:
        if (io) {
                av_freep(&io->buffer);
                avio_context_free(&io);
        }
}

/* ---- requests -------------------------------------------------------------------- */

/* Checks the request's login: 0 with name and role, or the HTTP status it
 * was refused with (answered here). */
static int authenticate(struct connection *c, char *name, size_t name_size, char *role,
                        size_t role_size)
{
        struct input_live *l = c->live;
        char auth[700], password[256];
        if (!header_value(c, "Authorization", auth, sizeof auth) ||
            !parse_basic(auth, name, name_size, password, sizeof password)) {
                respond(c, 401, "Unauthorized", "log in with a panel account");
                return 401;
        }
        int ok = l->hooks.check_login(l->hooks.user, name, password, c->address, role,
                                      role_size);
        sodium_memzero(password, sizeof password);
        if (ok == 0) {
                log_warn("live: failed login for %s from %s", name, c->address);
                respond(c, 401, "Unauthorized", "wrong user name or password");
                return 401;
        }
        if (ok < 0) {
                respond(c, 503, "Service Unavailable", "cannot check the login now");
                return 503;
        }
        return 0;
}

/* GET /admin/metadata?mode=updinfo&song=...: the presenter (or an admin or
 * operator) sets the title of what they air. */
static void handle_metadata(struct connection *c, const char *target)
{
        struct input_live *l = c->live;
        char name[128], role[16], mode[32], song[1024], mount[256];
        if (authenticate(c, name, sizeof name, role, sizeof role) != 0)
                return;
        if (query_value(target, "mount", mount, sizeof mount) &&
            strcmp(mount, l->config.mount) != 0) {
                respond(c, 404, "Not Found", "no such mount");
                return;
        }
        if (!query_value(target, "mode", mode, sizeof mode) || strcmp(mode, "updinfo") ||
            !query_value(target, "song", song, sizeof song)) {
                respond(c, 400, "Bad Request", "mode=updinfo and song are required");
                return;
        }
        pthread_mutex_lock(&l->lock);
        bool presenter = l->session.connected && !strcmp(l->session.user, name);
        pthread_mutex_unlock(&l->lock);
        if (!presenter && strcmp(role, "admin") && strcmp(role, "operator")) {
                respond(c, 403, "Forbidden", "only the presenter on air sets the title");
                return;
        }
        session_set_title(l, song);
        static const char ok[] = "HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n"
                                 "Connection: close\r\n\r\n"
                                 "<?xml version=\"1.0\"?>\n<iceresponse><message>"
                                 "Metadata update successful</message><return>1"
                                 "</return></iceresponse>\n";
        send_all(c->fd, ok, sizeof ok - 1);
}

/* PUT or SOURCE on the mount: a presenter takes the air. */
static void handle_source(struct connection *c, const char *method, const char *target)
{
        struct input_live *l = c->live;
        char name[128], role[16], reason[200], holder[128], value[256];
        size_t path_len = strcspn(target, "?");
        if (path_len != strlen(l->config.mount) ||
            strncmp(target, l->config.mount, path_len) != 0) {
                respond(c, 404, "Not Found",
                        "no such mount: presenters stream to the "
                        "live mount");
                return;
        }
        if (authenticate(c, name, sizeof name, role, sizeof role) != 0)
                return;
        if (header_value(c, "Transfer-Encoding", value, sizeof value) &&
            strcasecmp(value, "identity") != 0) {
                respond(c, 501, "Not Implemented", "send the stream without chunking");
                return;
        }
        if (!l->hooks.may_air(l->hooks.user, role, reason, sizeof reason)) {
                log_warn("live: %s (%s) may not take the air now: %s", name, role,
                         reason);
                respond(c, 403, "Forbidden", reason);
                return;
        }
        if (!session_claim(l, name, role, holder, sizeof holder)) {
                char text[300];
                snprintf(text, sizeof text,
                         "another presenter (%s) is on air: one at a time", holder);
                log_warn("live: %s refused: %s is on air", name, holder);
                respond(c, 403, "Forbidden", text);
                return;
        }
        bool expect = header_value(c, "Expect", value, sizeof value) &&
                      strcasecmp(value, "100-continue") == 0;
        if (expect && strcmp(method, "PUT") == 0) {
                static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
                send_all(c->fd, cont, sizeof cont - 1);
        } else {
                static const char ok[] = "HTTP/1.0 200 OK\r\nServer: Siaran\r\n\r\n";
                send_all(c->fd, ok, sizeof ok - 1);
        }
        if (!header_value(c, "Content-Type", value, sizeof value))
                value[0] = '\0';
        log_info("live: %s (%s) connected from %s (%s %s)", name, role, c->address,
                 method, value);
        recording_start(c);
        stream_body(c, value);
        struct input_live_status ended;
        input_live_get_status(l, &ended);
        session_release(l);
        log_info("live: %s disconnected", name);
        recording_finish(c, &ended);
}

static void handle_request(struct connection *c)
{
        int rc = read_head(c);
        if (rc == 408 || rc == 431) {
                respond(c, rc, rc == 408 ? "Request Timeout" : "Headers Too Large",
                        rc == 408 ? "the request took too long"
                                  : "the headers are too large");
                return;
        }
        if (rc < 0)
                return;
        char method[16], target[2048], version[16];
        if (sscanf(c->head, "%15s %2047s %15s", method, target, version) != 3 ||
            strncmp(version, "HTTP/1.", 7) != 0) {
                respond(c, 400, "Bad Request", "not an HTTP request");
                return;
        }
        if (strcmp(method, "GET") == 0 && strncmp(target, "/admin/metadata", 15) == 0 &&
            (target[15] == '?' || target[15] == '\0'))
                handle_metadata(c, target);
        else if (strcmp(method, "PUT") == 0 || strcmp(method, "SOURCE") == 0)
                handle_source(c, method, target);
        else
                respond(c, 405, "Method Not Allowed", "PUT or SOURCE a stream here");
}

static void *connection_thread(void *arg)
{
        struct connection *c = arg;
        struct input_live *l = c->live;
        handle_request(c);
        close(c->fd);
        free(c);
        pthread_mutex_lock(&l->lock);
        l->n_connections--;
        pthread_cond_broadcast(&l->gone);
        pthread_mutex_unlock(&l->lock);
        return NULL;
}

static void client_address(const struct sockaddr_storage *sa, char *out, size_t size)
{
        snprintf(out, size, "?");
        if (sa->ss_family == AF_INET)
                inet_ntop(AF_INET,
                          &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                          (socklen_t)size);
        else if (sa->ss_family == AF_INET6)
                inet_ntop(AF_INET6,
                          &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                          out, (socklen_t)size);
}

static void accept_one(struct input_live *l)
{
        struct sockaddr_storage sa;
        socklen_t len = sizeof sa;
        int fd = accept(l->listen_fd, (struct sockaddr *)&sa, &len);
        if (fd < 0)
                return;
        struct timeval send_timeout = {.tv_sec = 2};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
        pthread_mutex_lock(&l->lock);
        bool room = l->n_connections < MAX_CONNECTIONS;
        if (room)
                l->n_connections++;
        pthread_mutex_unlock(&l->lock);
        if (!room) {
                static const char busy[] = "HTTP/1.0 503 Service Unavailable\r\n"
                                           "Connection: close\r\n\r\n";
                send_all(fd, busy, sizeof busy - 1);
                close(fd);
                return;
        }
        struct connection *c = xcalloc(1, sizeof *c);
        c->live = l;
        c->fd = fd;
        client_address(&sa, c->address, sizeof c->address);
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attr, connection_thread, c) != 0) {
                close(fd);
                free(c);
                pthread_mutex_lock(&l->lock);
                l->n_connections--;
                pthread_mutex_unlock(&l->lock);
        }
        pthread_attr_destroy(&attr);
}

static void *listen_thread(void *arg)
{
        struct input_live *l = arg;
        while (!atomic_load(&l->quit)) {
                struct pollfd pfd[2] = {{.fd = l->listen_fd, .events = POLLIN},
                                        {.fd = l->wake[0], .events = POLLIN}};
                if (poll(pfd, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        log_error("live: poll: %s", strerror(errno));
                        break;
                }
                if (pfd[1].revents)
                        break;
                if (pfd[0].revents & POLLIN)
                        accept_one(l);
        }
        return NULL;
}

/* ---- the public side ------------------------------------------------------------ */

static int open_listener(const char *address, char *err, size_t err_size)
{
        struct sockaddr_storage addr = {0};
        socklen_t len = 0;
        if (listen_address_parse(address, &addr, &len, err, err_size) < 0)
                return -1;
        int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
            bind(fd, (struct sockaddr *)&addr, len) < 0 || listen(fd, 16) < 0) {
                snprintf(err, err_size, "cannot listen on %s: %s", address,
                         strerror(errno));
                if (fd >= 0)
                        close(fd);
                return -1;
        }
        return fd;
}

struct input_live *input_live_new(const struct input_live_config *config,
                                  const struct input_live_hooks *hooks, char *err,
                                  size_t err_size)
{
        if (!config->mount || config->mount[0] != '/' || !hooks->check_login ||
            !hooks->may_air) {
                snprintf(err, err_size, "[live] mount must start with '/'");
                return NULL;
        }
        if (sodium_init() < 0) {
                snprintf(err, err_size, "libsodium failed to initialise");
                return NULL;
        }
        struct input_live *l = xcalloc(1, sizeof *l);
        l->config = *config;
        l->config.mount = xstrdup(config->mount);
        l->config.listen = xstrdup(config->listen);
        l->config.recording_dir =
            config->recording_dir ? xstrdup(config->recording_dir) : NULL;
        l->hooks = *hooks;
        l->wake[0] = l->wake[1] = -1;
        l->listen_fd = open_listener(config->listen, err, err_size);
        if (l->listen_fd < 0 || pipe(l->wake) < 0) {
                if (l->listen_fd >= 0)
                        snprintf(err, err_size, "cannot create a pipe");
                goto fail;
        }
        l->feed = feed_new(config->rate, config->buffer, config->silence_db,
                           config->silence_limit, hooks->on_ready, hooks->user);
        if (config->loudness_target < 0) {
                l->leveller = leveller_new(config->rate, config->loudness_target);
                feed_set_leveller(l->feed, l->leveller);
        }
        pthread_mutex_init(&l->lock, NULL);
        pthread_cond_init(&l->gone, NULL);
        if (pthread_create(&l->thread, NULL, listen_thread, l) != 0) {
                snprintf(err, err_size, "cannot start the live input's thread");
                pthread_mutex_destroy(&l->lock);
                pthread_cond_destroy(&l->gone);
                feed_free(l->feed);
                leveller_free(l->leveller);
                goto fail;
        }
        log_info("presenters stream to %s%s", config->listen, config->mount);
        return l;
fail:
        if (l->listen_fd >= 0)
                close(l->listen_fd);
        if (l->wake[0] >= 0) {
                close(l->wake[0]);
                close(l->wake[1]);
        }
        free((char *)l->config.mount);
        free((char *)l->config.listen);
        free((char *)l->config.recording_dir);
        free(l);
        return NULL;
}

struct input_feed *input_live_feed(struct input_live *l)
{
        return l ? l->feed : NULL;
}

void input_live_note_show(struct input_live *l, const char *title)
{
        pthread_mutex_lock(&l->lock);
        if (l->session.connected)
                snprintf(l->session.show, sizeof l->session.show, "%s", title);
        pthread_mutex_unlock(&l->lock);
}

void input_live_get_status(struct input_live *l, struct input_live_status *status)
{
        memset(status, 0, sizeof *status);
        if (!l)
                return;
        pthread_mutex_lock(&l->lock);
        *status = l->session;
        pthread_mutex_unlock(&l->lock);
        status->level_db = status->connected ? feed_level_db(l->feed) : -120.0;
        status->gain_db = status->connected ? atomic_load(&l->gain_db) : 0.0;
}

void input_live_free(struct input_live *l)
{
        if (!l)
                return;
        atomic_store(&l->quit, true);
        ssize_t ignored = write(l->wake[1], "q", 1);
        (void)ignored;
        pthread_join(l->thread, NULL);
        pthread_mutex_lock(&l->lock);
        while (l->n_connections > 0)
                pthread_cond_wait(&l->gone, &l->lock);
        pthread_mutex_unlock(&l->lock);
        close(l->listen_fd);
        close(l->wake[0]);
        close(l->wake[1]);
        feed_free(l->feed);
        leveller_free(l->leveller);
        pthread_mutex_destroy(&l->lock);
        pthread_cond_destroy(&l->gone);
        free((char *)l->config.mount);
        free((char *)l->config.listen);
        free((char *)l->config.recording_dir);
        free(l);
}
