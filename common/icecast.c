/*
 * icecast.c: reads an Icecast server's public status (/status-json.xsl)
 * and sets a mount's title (/admin/metadata, for MP3 streams).
 *
 * The status has two users: the web module's listener poller, and the output
 * sinks, which look at it after a refused login to tell "wrong password" from
 * "the mount already has a source" (libshout reports both as
 * SHOUTERR_NOLOGIN).  The title update replaces libshout's
 * shout_set_metadata, which waits without any limit for the server's answer
 * on a connection of its own: a server that accepts and never answers would
 * hold the output thread for good.  Plain blocking HTTP/1.0 with one deadline
 * per exchange is enough: callers are background threads, and answers are
 * small.
 */
#define LOG_MODULE "icecast"
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "common/common.h"

/* Icecast's status for a few hundred mounts fits well inside this. */
#define STATUS_MAX_BYTES (1024 * 1024)

static int64_t now_ms(void)
{
        return time_monotonic_ns() / 1000000;
}

/* Bounds the socket's next send, receive or connect by what is left until
 * deadline_ms; false when nothing is left.  (SO_*TIMEO bound each call, so
 * they are set again before every call to keep one deadline for the whole
 * exchange, even against a server that trickles bytes.) */
static bool arm_deadline(int fd, int64_t deadline_ms)
{
        int64_t left = deadline_ms - now_ms();
        if (left <= 0)
                return false;
        struct timeval tv = {.tv_sec = (time_t)(left / 1000),
                             .tv_usec = (suseconds_t)(left % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        return true;
}

struct addrinfo *icecast_lookup(const char *host, int port)
{
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
        struct addrinfo *res = NULL;
        char service[16];
        snprintf(service, sizeof service, "%d", port);
        if (getaddrinfo(host, service, &hints, &res) != 0)
                return NULL;
        return res;
}

void icecast_addresses_free(struct addrinfo *addresses)
{
        if (addresses)
                freeaddrinfo(addresses);
}

/* Connects by deadline_ms to the first of the addresses that answers
 * ("localhost" may give ::1 first while the server listens on 127.0.0.1
 * only); with no addresses given, host is looked up first, and that lookup
 * itself is not bounded. */
static int connect_by(const char *host, int port, const struct addrinfo *addresses,
                      int64_t deadline_ms)
{
        struct addrinfo *looked_up = NULL;
        if (!addresses) {
                looked_up = icecast_lookup(host, port);
                if (!looked_up)
                        return -1;
                addresses = looked_up;
        }
        int fd = -1;
        for (const struct addrinfo *ai = addresses; ai && fd < 0; ai = ai->ai_next) {
                fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
                /* On Linux SO_SNDTIMEO bounds connect() too. */
                if (fd >= 0 && (!arm_deadline(fd, deadline_ms) ||
                                connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)) {
                        close(fd);
                        fd = -1;
                }
        }
        icecast_addresses_free(looked_up);
        return fd;
}

static bool send_by(int fd, const char *data, size_t len, int64_t deadline_ms)
{
        while (len > 0) {
                if (!arm_deadline(fd, deadline_ms))
                        return false;
                ssize_t sent = send(fd, data, len, MSG_NOSIGNAL);
                if (sent < 0 && errno == EINTR)
                        continue;
                if (sent <= 0)
                        return false;
                data += sent;
                len -= (size_t)sent;
        }
        return true;
}

/* Reads until the server closes, by deadline_ms.  Returns a NUL-terminated
 * buffer or NULL. */
static char *read_all(int fd, size_t *len_out, int64_t deadline_ms)
{
        char *buf = NULL;
        size_t len = 0, cap = 0;
        for (;;) {
                if (len + 4096 + 1 > cap) {
                        if (cap >= STATUS_MAX_BYTES) {
                                free(buf);
                                return NULL;
                        }
                        cap = cap ? cap * 2 : 16384;
                        buf = xrealloc(buf, cap);
                }
                ssize_t got = -1;
                if (arm_deadline(fd, deadline_ms)) {
                        got = recv(fd, buf + len, cap - len - 1, 0);
                        if (got < 0 && errno == EINTR)
                                continue;
                }
                if (got < 0) {
                        free(buf);
                        return NULL;
                }
                if (got == 0)
                        break;
                len += (size_t)got;
        }
        buf[len] = '\0';
        *len_out = len;
        return buf;
}

/* Connects (to addresses, or to host looked up now when NULL) and sends
 * "GET target" with the usual headers (and extra, a header line or ""), by
 * deadline_ms.  Returns the socket, -1 when the connection
 * failed, -2 when the request could not be sent. */
static int send_get(const char *host, int port, const struct addrinfo *addresses,
                    const char *target, const char *extra, int64_t deadline_ms)
{
        int fd = connect_by(host, port, addresses, deadline_ms);
        if (fd < 0)
                return -1;
        /* An IPv6 literal is bracketed in Host, as in a URL (RFC 7230 5.4). */
        bool ipv6_literal = strchr(host, ':') != NULL;
        char *request = xasprintf("GET %s HTTP/1.0\r\nHost: %s%s%s:%d\r\n%s"
                                  "User-Agent: siaran/" SIARAN_VERSION "\r\n\r\n",
                                  target, ipv6_literal ? "[" : "", host,
                                  ipv6_literal ? "]" : "", port, extra);
        size_t len = strlen(request);
        bool sent = send_by(fd, request, len, deadline_ms);
        sodium_memzero(request, len); /* it may carry credentials */
        free(request);
        if (!sent) {
                close(fd);
                return -2;
        }
        return fd;
}

json_t *icecast_status_fetch(const char *host, int port, int timeout_ms)
{
        int64_t deadline = now_ms() + timeout_ms;
        int fd = send_get(host, port, NULL, "/status-json.xsl", "", deadline);
        if (fd < 0)
                return NULL;
        json_t *json = NULL;
        size_t len = 0;
        char *reply = read_all(fd, &len, deadline);
        if (!reply || strncmp(reply, "HTTP/1.", 7) != 0 || len < 12 ||
            strncmp(reply + 9, "200", 3) != 0)
                goto out;
        char *body = strstr(reply, "\r\n\r\n");
        if (body) {
                body += 4;
                json = json_loadb(body, len - (size_t)(body - reply), 0, NULL);
        }
out:
        close(fd);
        free(reply);
        return json;
}

/* Whether a listen URL ("http://host:port/mount") is the mount's. */
static bool url_is_mount(const char *url, const char *mount)
{
        const char *scheme = strstr(url, "://");
        const char *path = strchr(scheme ? scheme + 3 : url, '/');
        return path && strcmp(path, mount) == 0;
}

json_t *icecast_status_source(json_t *status, const char *mount)
{
        json_t *sources = json_object_get(json_object_get(status, "icestats"), "source");
        /* One source is an object, several an array (Icecast's XSLT). */
        size_t n = json_is_array(sources) ? json_array_size(sources) : sources ? 1 : 0;
        for (size_t i = 0; i < n; i++) {
                json_t *s = json_is_array(sources) ? json_array_get(sources, i) : sources;
                const char *url = json_string_value(json_object_get(s, "listenurl"));
                if (url && url_is_mount(url, mount))
                        return s;
        }
        return NULL;
}

/* Percent-encodes s for a query string (RFC 3986 unreserved characters and,
 * when keep_slash, '/' stay as they are). */
static char *url_encode(const char *s, bool keep_slash)
{
        static const char hex[] = "0123456789ABCDEF";
        size_t len = strlen(s);
        char *out = xmalloc(len * 3 + 1), *o = out;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                             (*p >= '0' && *p <= '9') || strchr("-_.~", *p) ||
                             (keep_slash && *p == '/');
                if (plain) {
                        *o++ = (char)*p;
                } else {
                        *o++ = '%';
                        *o++ = hex[*p >> 4];
                        *o++ = hex[*p & 15];
                }
        }
        *o = '\0';
        return out;
}

/* "Authorization: Basic base64(user:password)\r\n", built in one buffer so the
 * caller can wipe every copy of the password. */
static char *basic_auth_header(const char *user, const char *password)
{
        static const char prefix[] = "Authorization: Basic ";
        char *plain = xasprintf("%s:%s", user, password);
        size_t plain_len = strlen(plain);
        size_t encoded_size =
            sodium_base64_ENCODED_LEN(plain_len, sodium_base64_VARIANT_ORIGINAL);
        size_t prefix_len = sizeof prefix - 1;
        char *header = xmalloc(prefix_len + encoded_size + 2);
        memcpy(header, prefix, prefix_len);
        sodium_bin2base64(header + prefix_len, encoded_size, (const unsigned char *)plain,
                          plain_len, sodium_base64_VARIANT_ORIGINAL);
        strcat(header, "\r\n");
        sodium_memzero(plain, plain_len);
        free(plain);
        return header;
}

/* Reads the status line's code ("HTTP/1.x NNN"); -1 when none came in time. */
static int read_status_code(int fd, int64_t deadline_ms)
{
        char line[64];
        size_t len = 0;
        while (len < sizeof line - 1 && arm_deadline(fd, deadline_ms)) {
                ssize_t got = recv(fd, line + len, sizeof line - 1 - len, 0);
                if (got < 0 && errno == EINTR)
                        continue;
                if (got <= 0)
                        break;
                len += (size_t)got;
                if (memchr(line, '\n', len))
                        break;
        }
        line[len] = '\0';
        int code = -1;
        if (sscanf(line, "HTTP/1.%*d %d", &code) != 1)
                return -1;
        return code;
}

int icecast_update_title(const char *host, int port, const struct addrinfo *addresses,
                         const char *user, const char *password, const char *mount,
                         const char *song, int timeout_ms, char *err, size_t err_size)
{
        int64_t deadline = now_ms() + timeout_ms;
        char *q_mount = url_encode(mount, true);
        char *q_song = url_encode(song, false);
        char *target =
            xasprintf("/admin/metadata?mount=%s&mode=updinfo&song=%s&charset=UTF-8",
                      q_mount, q_song);
        char *header = basic_auth_header(user, password);
        int fd = send_get(host, port, addresses, target, header, deadline);
        sodium_memzero(header, strlen(header));
        free(header);
        free(target);
        free(q_mount);
        free(q_song);
        if (fd < 0) {
                if (fd == -1)
                        snprintf(err, err_size, "server not reachable");
                else
                        snprintf(err, err_size, "the server took no request within %d ms",
                                 timeout_ms);
                return -1;
        }
        int code = read_status_code(fd, deadline);
        close(fd);
        if (code == 200)
                return 0;
        if (code < 0)
                snprintf(err, err_size, "no answer within %d ms", timeout_ms);
        else
                snprintf(err, err_size, "the server answered %d", code);
        return -1;
}
