/*
 * shout_sink.c: streams to Icecast with libshout from a thread of its own.
 *
 * The engine thread only copies pages into a bounded queue (sink_write never
 * waits on the network).  The sink thread connects, sends, and on any failure
 * reconnects with backoff.  Whenever the stream is broken (a reconnect, or the
 * queue overflowed and pages were dropped) the sink asks the encoder for a
 * fresh logical stream and discards pages until that stream's first page, so
 * Icecast always receives headers first.
 *
 * libshout runs in nonblocking mode so that no network call can hold the
 * thread: a connection attempt is given up after CONNECT_TIMEOUT_MS (a host
 * that drops packets, a server that accepts and never answers), and a server
 * that stops reading without closing the socket (a dead link, a stalled
 * process) is dropped after STALL_TIMEOUT_MS and connected to again, instead
 * of blocking until TCP gives up many minutes later.
 */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#define LOG_MODULE "output"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <shout/shout.h>

#include "encoder/plugin.h"

/* About a minute of 128 kbit/s audio; beyond that the server is too slow to
 * catch up anyway and the stream restarts. */
#define QUEUE_BYTES (1u << 20)
/* Largest piece handed to shout_send at once. */
#define SEND_BYTES (64u << 10)
#define FIRST_RETRY_MS 500
#define MAX_RETRY_MS 5000
/* How long sink_free waits for the thread to hand over the end of the stream. */
#define JOIN_TIMEOUT_MS 1500
/* Connecting (TCP and the source request) takes at most this long. */
#define CONNECT_TIMEOUT_MS 5000
/* A server that takes no byte for this long while data waits is given up. */
#define STALL_TIMEOUT_MS 10000
/* libshout's own send queue is filled up to this much; the rest waits in ours,
 * whose overflow policy (drop and restart the stream) then applies. */
#define SHOUT_BACKLOG_LIMIT (64 << 10)
/* How often a waiting connection or send is looked at again. */
#define POLL_MS 20
/* The end of the stream is handed over for at most this long when stopping. */
#define DRAIN_MS 1000
/* A title update (connect, send, answer) takes at most this. */
#define TITLE_TIMEOUT_MS 1000
/* Not a libshout code: our own connection timeout. */
#define CONNECT_TIMED_OUT 1

struct shout_sink {
        struct sink base;
        char *name;
        char *mount;
        char *where; /* "host:port/mount", for log lines */
        bool ogg;
        shout_t *shout; /* used by the sink thread only, after creation */
        /* The server's addresses, looked up when connecting, so that a title
         * update never waits on a name lookup (a resolver that stopped
         * answering would hold this thread, and the stream, for seconds).
         * Sink thread only; NULL for Ogg outputs or when the lookup failed. */
        struct addrinfo *title_addresses;

        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake; /* data queued, or stop */

        /* Everything below is guarded by lock. */
        unsigned char *queue; /* ring of QUEUE_BYTES */
        size_t head;          /* first queued byte */
        size_t queued;
        bool stop;
        /* After a break, pages are discarded until a beginning-of-stream page,
         * so the server never sees a stream without its headers. */
        bool wait_for_bos;
        bool overflow_logged;
        char *song;      /* pending ICY title (non-Ogg formats), NULL when none */
        char *last_song; /* sent again after a reconnect */
        struct sink_status status;
        bool ever_connected;

        atomic_bool new_stream; /* read by the engine thread without the lock */
};

static pthread_once_t shout_once = PTHREAD_ONCE_INIT;

static void shout_init_once(void)
{
        shout_init();
}

static bool is_bos_page(const unsigned char *data, size_t len)
{
        return len >= 27 && memcmp(data, "OggS", 4) == 0 && (data[5] & 0x02);
}

/* Drops what is queued and asks for a fresh stream; lock held. */
static void break_stream_locked(struct shout_sink *s)
{
        s->head = 0;
        s->queued = 0;
        if (s->ogg)
                s->wait_for_bos = true;
        atomic_store(&s->new_stream, true);
}

static int shout_sink_write(struct sink *sink, const unsigned char *data, size_t len)
{
        struct shout_sink *s = (struct shout_sink *)sink;
        pthread_mutex_lock(&s->lock);
        if (!s->status.connected) {
                /* Nothing to send it to; the thread restarts the stream once it
                 * is connected. */
                s->status.dropped += (int64_t)len;
                goto out;
        }
        if (s->wait_for_bos) {
                if (!is_bos_page(data, len))
                        goto out;
                s->wait_for_bos = false;
        }
        if (len > QUEUE_BYTES - s->queued) {
                s->status.dropped += (int64_t)(s->queued + len);
                if (!s->overflow_logged)
                        log_warn(
                            "output %s: %s is not taking the stream fast enough; dropped "
                            "%zu KiB and restarting the stream",
                            s->name, s->where, (s->queued + len) >> 10);
                s->overflow_logged = true;
                break_stream_locked(s);
                goto out;
        }
        size_t tail = (s->head + s->queued) % QUEUE_BYTES;
        size_t first = len < QUEUE_BYTES - tail ? len : QUEUE_BYTES - tail;
        memcpy(s->queue + tail, data, first);
        memcpy(s->queue, data + first, len - first);
        s->queued += len;
        pthread_cond_signal(&s->wake);
out:
        pthread_mutex_unlock(&s->lock);
        return 0;
}

static bool shout_sink_wants_new_stream(struct sink *sink)
{
        struct shout_sink *s = (struct shout_sink *)sink;
        /* Cheap check first: this runs before every encoded block. */
        if (!atomic_load_explicit(&s->new_stream, memory_order_relaxed))
                return false;
        return atomic_exchange(&s->new_stream, false);
}

static void shout_sink_set_title(struct sink *sink, const char *title, const char *artist)
{
        struct shout_sink *s = (struct shout_sink *)sink;
        if (s->ogg) /* the title travels in the stream's comments */
                return;
        char *song;
        if (artist && *artist && title && *title)
                song = xasprintf("%s - %s", artist, title);
        else
                song = xstrdup(title && *title ? title : artist ? artist : "");
        pthread_mutex_lock(&s->lock);
        free(s->song);
        free(s->last_song);
        s->song = song;
        s->last_song = xstrdup(song);
        pthread_cond_signal(&s->wake);
        pthread_mutex_unlock(&s->lock);
}

static void shout_sink_get_status(struct sink *sink, struct sink_status *status)
{
        struct shout_sink *s = (struct shout_sink *)sink;
        pthread_mutex_lock(&s->lock);
        *status = s->status;
        pthread_mutex_unlock(&s->lock);
}

/* Sleeps up to ms unless told to stop; returns true if stopping.  Lock held. */
static bool wait_locked(struct shout_sink *s, int ms)
{
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += ms / 1000;
        until.tv_nsec += (long)(ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        while (!s->stop &&
               pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
                ;
        return s->stop;
}

static int64_t monotonic_ms(void)
{
        return time_monotonic_ns() / 1000000;
}

/* libshout says only "login refused" for a wrong password and for a mount
 * that already has a source (Icecast's 401 and 403); the server's public
 * status tells which. */
static void explain_refusal(struct shout_sink *s, char *buf, size_t size)
{
        json_t *status = icecast_status_fetch(shout_get_host(s->shout),
                                              shout_get_port(s->shout), 1000);
        if (!status)
                snprintf(buf, size,
                         "login refused (wrong password, or the mount is in use)");
        else if (icecast_status_source(status, s->mount))
                snprintf(buf, size,
                         "login refused: the mount is in use (a source is already "
                         "connected to it)");
        else
                snprintf(buf, size,
                         "login refused: probably a wrong password (no source is "
                         "listed on the mount)");
        json_decref(status);
}

/* Writes why a connection attempt failed into buf.  May ask the server
 * (about 1 s at most): call without the lock. */
static void describe_failure(struct shout_sink *s, int err, char *buf, size_t size)
{
        if (err == SHOUTERR_NOLOGIN)
                explain_refusal(s, buf, size);
        else if (err == SHOUTERR_NOCONNECT || err == SHOUTERR_SOCKET)
                snprintf(buf, size, "server not reachable");
        else if (err == CONNECT_TIMED_OUT)
                snprintf(buf, size, "no answer within %d s", CONNECT_TIMEOUT_MS / 1000);
        else
                snprintf(buf, size, "%s", shout_get_error(s->shout));
}

/* Sets last_error and logs it if it differs from the previous failure, so a
 * server that stays down gives one line, not one per retry.  Lock held. */
static void note_failure_locked(struct shout_sink *s, const char *what,
                                const char *reason)
{
        char line[sizeof s->status.last_error];
        snprintf(line, sizeof line, "%s: %s", what, reason);
        if (strcmp(line, s->status.last_error) != 0)
                log_warn("output %s: %s %s: %s; retrying", s->name, what, s->where,
                         reason);
        else
                log_debug("output %s: %s %s: %s; retrying", s->name, what, s->where,
                          reason);
        memcpy(s->status.last_error, line, sizeof line);
}

/* Drives a nonblocking shout_open to its end: SHOUTERR_SUCCESS, a libshout
 * error, CONNECT_TIMED_OUT, or SHOUTERR_BUSY when told to stop meanwhile. */
static int open_connection(struct shout_sink *s)
{
        int64_t deadline = monotonic_ms() + CONNECT_TIMEOUT_MS;
        int err = shout_open(s->shout);
        while (err == SHOUTERR_BUSY || err == SHOUTERR_RETRY) {
                pthread_mutex_lock(&s->lock);
                bool stopping = wait_locked(s, POLL_MS);
                pthread_mutex_unlock(&s->lock);
                if (stopping)
                        return SHOUTERR_BUSY;
                if (monotonic_ms() > deadline)
                        return CONNECT_TIMED_OUT;
                err = shout_get_connected(s->shout);
                if (err == SHOUTERR_CONNECTED)
                        err = SHOUTERR_SUCCESS;
                else if (err == SHOUTERR_UNCONNECTED)
                        err = SHOUTERR_NOCONNECT;
        }
        if (err == SHOUTERR_SUCCESS &&
            shout_get_connected(s->shout) != SHOUTERR_CONNECTED)
                err = SHOUTERR_NOCONNECT;
        return err;
}

/* One connection attempt.  Returns true when connected. */
static bool try_connect(struct shout_sink *s)
{
        int err = open_connection(s);
        char why[160] = "";
        if (err != SHOUTERR_SUCCESS && err != SHOUTERR_BUSY)
                describe_failure(s, err, why, sizeof why);
        pthread_mutex_lock(&s->lock);
        if (err == SHOUTERR_BUSY) { /* stopping */
                pthread_mutex_unlock(&s->lock);
                shout_close(s->shout);
                return false;
        }
        if (err != SHOUTERR_SUCCESS) {
                note_failure_locked(s, "cannot connect to", why);
                pthread_mutex_unlock(&s->lock);
                /* libshout keeps the failed connection around and would
                 * report the next open as already connected. */
                shout_close(s->shout);
                return false;
        }
        /* Anything queued belongs to a stream the server never saw the start
         * of; begin afresh with headers. */
        break_stream_locked(s);
        s->status.connected = true;
        s->status.last_error[0] = '\0';
        if (s->ever_connected)
                s->status.reconnects++;
        s->ever_connected = true;
        s->overflow_logged = false;
        /* A new source connection starts without a title. */
        if (s->last_song && !s->song)
                s->song = xstrdup(s->last_song);
        pthread_mutex_unlock(&s->lock);
        log_info("output %s: connected to %s", s->name, s->where);
        if (!s->ogg) {
                /* libshout has just looked the same name up, so this is quick;
                 * should it fail now, the addresses of before are kept. */
                struct addrinfo *fresh =
                    icecast_lookup(shout_get_host(s->shout), shout_get_port(s->shout));
                if (fresh) {
                        icecast_addresses_free(s->title_addresses);
                        s->title_addresses = fresh;
                }
        }
        return true;
}

static void disconnect(struct shout_sink *s, const char *reason)
{
        shout_close(s->shout);
        pthread_mutex_lock(&s->lock);
        s->status.connected = false;
        break_stream_locked(s);
        if (reason)
                note_failure_locked(s, "lost connection to", reason);
        pthread_mutex_unlock(&s->lock);
}

/* The ICY title of a non-Ogg stream, through Icecast's admin interface with
 * bounded waits (libshout's own call has none); a failure costs the title,
 * never the stream. */
static void send_song(struct shout_sink *s, const char *song)
{
        char why[128];
        if (icecast_update_title(shout_get_host(s->shout), shout_get_port(s->shout),
                                 s->title_addresses, shout_get_user(s->shout),
                                 shout_get_password(s->shout), s->mount, song,
                                 TITLE_TIMEOUT_MS, why, sizeof why) < 0)
                log_warn("output %s: cannot update the title on %s: %s", s->name,
                         s->where, why);
}

/* What libshout holds that the server has not taken yet. */
static size_t shout_backlog(struct shout_sink *s)
{
        ssize_t n = shout_queuelen(s->shout);
        return n > 0 ? (size_t)n : 0;
}

/* Moves up to SEND_BYTES from our ring into chunk; lock held. */
static size_t take_chunk_locked(struct shout_sink *s, unsigned char *chunk)
{
        size_t n = s->queued;
        if (n > SEND_BYTES)
                n = SEND_BYTES;
        if (n > QUEUE_BYTES - s->head)
                n = QUEUE_BYTES - s->head;
        memcpy(chunk, s->queue + s->head, n);
        s->head = (s->head + n) % QUEUE_BYTES;
        s->queued -= n;
        return n;
}

/* Hands chunk (n may be 0: just push what libshout holds) to libshout and
 * counts what the server took since the last call.  Returns false when the
 * connection failed or the server took nothing for STALL_TIMEOUT_MS, with the
 * reason in *why. */
static bool send_chunk(struct shout_sink *s, const unsigned char *chunk, size_t n,
                       int64_t *last_progress_ms, const char **why)
{
        size_t before = shout_backlog(s);
        if (n == 0 && before == 0)
                return true;
        int err = shout_send(s->shout, n > 0 ? chunk : NULL, n);
        if (err != SHOUTERR_SUCCESS && err != SHOUTERR_BUSY && err != SHOUTERR_RETRY) {
                *why = shout_get_error(s->shout);
                return false;
        }
        size_t after = shout_backlog(s);
        size_t taken = before + n > after ? before + n - after : 0;
        int64_t now = monotonic_ms();
        if (taken > 0 || after == 0)
                *last_progress_ms = now;
        pthread_mutex_lock(&s->lock);
        s->status.bytes_sent += (int64_t)taken;
        pthread_mutex_unlock(&s->lock);
        if (now - *last_progress_ms > STALL_TIMEOUT_MS) {
                *why = "the server took nothing for 10 s";
                return false;
        }
        return true;
}

/* Stopping: hands over the end of the stream for at most DRAIN_MS. */
static void drain(struct shout_sink *s, unsigned char *chunk)
{
        int64_t deadline = monotonic_ms() + DRAIN_MS;
        int64_t last_progress = monotonic_ms();
        const char *why = NULL;
        while (monotonic_ms() < deadline) {
                pthread_mutex_lock(&s->lock);
                size_t n = shout_backlog(s) < SHOUT_BACKLOG_LIMIT
                               ? take_chunk_locked(s, chunk)
                               : 0;
                pthread_mutex_unlock(&s->lock);
                if (!send_chunk(s, chunk, n, &last_progress, &why))
                        return;
                pthread_mutex_lock(&s->lock);
                bool done = s->queued == 0;
                pthread_mutex_unlock(&s->lock);
                if (done && shout_backlog(s) == 0)
                        return;
                if (n == 0)
                        nanosleep(&(struct timespec){.tv_nsec = POLL_MS * 1000000L},
                                  NULL);
        }
}

static void *sink_thread(void *arg)
{
        struct shout_sink *s = arg;
        /* A server that went away makes the next send raise SIGPIPE in this
         * thread; keep it blocked so the send fails with EPIPE instead of
         * ending the process, whatever the program does with the signal. */
        sigset_t pipe_set;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
        unsigned char *chunk = xmalloc(SEND_BYTES);
        int retry_ms = 0;
        int64_t last_progress = 0;

        pthread_mutex_lock(&s->lock);
        while (!s->stop) {
                if (!s->status.connected) {
                        pthread_mutex_unlock(&s->lock);
                        bool ok = try_connect(s);
                        pthread_mutex_lock(&s->lock);
                        if (ok) {
                                retry_ms = 0;
                                last_progress = monotonic_ms();
                                continue;
                        }
                        retry_ms = retry_ms == 0 ? FIRST_RETRY_MS : retry_ms * 2;
                        if (retry_ms > MAX_RETRY_MS)
                                retry_ms = MAX_RETRY_MS;
                        wait_locked(s, retry_ms);
                        continue;
                }
                /* With nothing held by libshout, sleep until there is work;
                 * otherwise look again soon to push it out. */
                size_t backlog = shout_backlog(s);
                if (backlog == 0) {
                        while (!s->stop && s->queued == 0 && !s->song)
                                pthread_cond_wait(&s->wake, &s->lock);
                } else if (backlog >= SHOUT_BACKLOG_LIMIT ||
                           (s->queued == 0 && !s->song)) {
                        wait_locked(s, POLL_MS);
                }
                if (s->stop)
                        break;
                char *song = s->song;
                s->song = NULL;
                size_t n =
                    backlog < SHOUT_BACKLOG_LIMIT ? take_chunk_locked(s, chunk) : 0;
                pthread_mutex_unlock(&s->lock);

                if (song) {
                        send_song(s, song);
                        free(song);
                }
                const char *why = NULL;
                if (!send_chunk(s, chunk, n, &last_progress, &why)) {
                        disconnect(s, why);
                        pthread_mutex_lock(&s->lock);
                        /* Reconnect at once; back off only if that fails. */
                        retry_ms = 0;
                        continue;
                }
                pthread_mutex_lock(&s->lock);
        }
        bool connected = s->status.connected;
        pthread_mutex_unlock(&s->lock);
        if (connected)
                drain(s, chunk);
        pthread_mutex_lock(&s->lock);
        s->status.connected = false;
        pthread_mutex_unlock(&s->lock);
        if (connected)
                shout_close(s->shout);
        free(chunk);
        return NULL;
}

static void destroy(struct shout_sink *s)
{
        if (s->shout)
                shout_free(s->shout);
        icecast_addresses_free(s->title_addresses);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->wake);
        free(s->queue);
        free(s->song);
        free(s->last_song);
        free(s->name);
        free(s->mount);
        free(s->where);
        free(s);
}

static void shout_sink_free(struct sink *sink)
{
        struct shout_sink *s = (struct shout_sink *)sink;
        pthread_mutex_lock(&s->lock);
        s->stop = true;
        pthread_cond_signal(&s->wake);
        pthread_mutex_unlock(&s->lock);

        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += JOIN_TIMEOUT_MS / 1000;
        until.tv_nsec += (long)(JOIN_TIMEOUT_MS % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        if (pthread_timedjoin_np(s->thread, NULL, &until) != 0) {
                /* The thread is stuck in a network call (an unresponsive host).
                 * Leave it and its memory be rather than free what it uses;
                 * this only happens at shutdown. */
                log_warn("output %s: %s does not respond; not waiting for it", s->name,
                         s->where);
                pthread_detach(s->thread);
                return;
        }
        destroy(s);
}

static const struct sink_plugin shout_sink_plugin = {
    .name = "shout",
    .write = shout_sink_write,
    .wants_new_stream = shout_sink_wants_new_stream,
    .set_title = shout_sink_set_title,
    .get_status = shout_sink_get_status,
    .free = shout_sink_free,
};

/* Applies the settings; returns a static reason or NULL. */
static const char *configure(struct shout_sink *s, const struct output_config *o,
                             const char *station_name)
{
        shout_t *sh = s->shout;
        const char *format = o->format ? o->format : "vorbis";
        unsigned int shout_format = s->ogg ? SHOUT_FORMAT_OGG : SHOUT_FORMAT_MP3;
        if (!o->server || !*o->server)
                return "server is required";
        if (!o->password || !*o->password)
                return "password is required";
        if (!o->mount || o->mount[0] != '/')
                return "mount must start with /";
        if (o->port <= 0 || o->port > 65535)
                return "port must be 1-65535";
        if (strcmp(format, "vorbis") != 0 && strcmp(format, "opus") != 0 &&
            strcmp(format, "mp3") != 0)
                return "unsupported output format";
        if (shout_set_host(sh, o->server) != SHOUTERR_SUCCESS)
                return "invalid server";
        if (shout_set_port(sh, (unsigned short)o->port) != SHOUTERR_SUCCESS)
                return "invalid port";
        if (shout_set_user(sh, o->user && *o->user ? o->user : "source") !=
            SHOUTERR_SUCCESS)
                return "invalid user";
        if (shout_set_password(sh, o->password) != SHOUTERR_SUCCESS)
                return "invalid password";
        if (shout_set_mount(sh, o->mount) != SHOUTERR_SUCCESS)
                return "invalid mount";
        if (shout_set_protocol(sh, SHOUT_PROTOCOL_HTTP) != SHOUTERR_SUCCESS)
                return "libshout does not support HTTP";
        if (shout_set_content_format(sh, shout_format, SHOUT_USAGE_AUDIO, NULL) !=
            SHOUTERR_SUCCESS)
                return "libshout does not support this format";
        /* Plain HTTP, like Icecast's default listen socket: "auto" would first
         * try to upgrade to TLS on every connect. */
        shout_set_tls(sh, SHOUT_TLS_DISABLED);
        shout_set_agent(sh, "Siaran/" SIARAN_VERSION);
        shout_set_public(sh, o->public_listing ? 1 : 0);
        if (station_name && *station_name)
                shout_set_meta(sh, SHOUT_META_NAME, station_name);
        if (o->description && *o->description)
                shout_set_meta(sh, SHOUT_META_DESCRIPTION, o->description);
        if (o->genre && *o->genre)
                shout_set_meta(sh, SHOUT_META_GENRE, o->genre);
        char value[32];
        snprintf(value, sizeof value, "%d", o->channels);
        shout_set_audio_info(sh, SHOUT_AI_CHANNELS, value);
        if (o->samplerate > 0) {
                snprintf(value, sizeof value, "%d", o->samplerate);
                shout_set_audio_info(sh, SHOUT_AI_SAMPLERATE, value);
        }
        if (strcmp(format, "vorbis") == 0) {
                snprintf(value, sizeof value, "%.2f", o->quality * 10.0);
                shout_set_audio_info(sh, SHOUT_AI_QUALITY, value);
        } else if (o->bitrate > 0) {
                snprintf(value, sizeof value, "%d", o->bitrate);
                shout_set_audio_info(sh, SHOUT_AI_BITRATE, value);
        }
        return NULL;
}

struct sink *sink_shout_new(const struct output_config *output, const char *station_name,
                            const char **errstr)
{
        pthread_once(&shout_once, shout_init_once);
        struct shout_sink *s = xcalloc(1, sizeof *s);
        s->name = xstrdup(output->name ? output->name : "");
        s->mount = xstrdup(output->mount ? output->mount : "");
        s->where = xasprintf("%s:%d%s", output->server ? output->server : "?",
                             output->port, s->mount);
        s->ogg = !output->format || strcmp(output->format, "mp3") != 0;
        s->base.plugin = &shout_sink_plugin;
        s->base.name = s->name;
        s->base.mount = s->mount;
        s->queue = xmalloc(QUEUE_BYTES);
        atomic_init(&s->new_stream, false);
        pthread_mutex_init(&s->lock, NULL);
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&s->wake, &attr);
        pthread_condattr_destroy(&attr);

        s->shout = shout_new();
        if (!s->shout) {
                *errstr = "cannot create a libshout handle";
                goto fail;
        }
        const char *reason = configure(s, output, station_name);
        if (!reason &&
            shout_set_nonblocking(s->shout, SHOUT_BLOCKING_NONE) != SHOUTERR_SUCCESS)
                reason = "libshout cannot do nonblocking I/O";
        if (reason) {
                *errstr = reason;
                goto fail;
        }
        if (pthread_create(&s->thread, NULL, sink_thread, s) != 0) {
                *errstr = "cannot start the output thread";
                goto fail;
        }
        return &s->base;

fail:
        destroy(s);
        return NULL;
}
