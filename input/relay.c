/* The relay input: a thread that opens a remote stream with libavformat
 * (network protocols only), decodes its first audio stream, converts it to
 * the station format with libswresample and writes it into the ring.  A
 * failed, ended or stalled stream is retried with backoff; the ring's
 * reader sees a dry ring, which the engine treats as the end of the relay
 * item (the schedule's filler takes over). */
#define LOG_MODULE "input"
#include <libavformat/avformat.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"
#include "input/input.h"
#include "input/decoder.h"
#include "input/feed.h"

#define URL_MAX 1000
/* Retries wait 1 s, 2 s, 3 s, ... up to 10 s: growing slowly, so a stream
 * back after a short outage is found again within seconds. */
#define BACKOFF_STEP_MS 1000
#define BACKOFF_MAX_MS 10000
/* How long the network may say nothing before the stream counts as failed
 * (the ring has run dry long before: this only bounds the retry). */
#define NETWORK_TIMEOUT_US "3000000"
#define OPEN_DEADLINE_MS 8000
struct input_relay {
        int rate;
        struct input_feed *feed;

        pthread_t thread;
        pthread_mutex_t lock; /* guards url, generation, quit; cond wakes the thread */
        pthread_cond_t cond;
        char url[URL_MAX + 1];
        unsigned generation; /* bumped on every change of url */
        bool quit;

        /* the thread's own */
        int64_t deadline_ms; /* 0: none */
        unsigned working_generation;
};

/* ---- url ------------------------------------------------------------------ */

bool input_url_valid(const char *url)
{
        if (!url)
                return false;
        size_t len = strlen(url);
        const char *host;
        if (!strncmp(url, "http://", 7))
                host = url + 7;
        else if (!strncmp(url, "https://", 8))
                host = url + 8;
        else
                return false;
        if (len > URL_MAX || !*host || *host == '/' || *host == ':')
                return false;
        for (const unsigned char *c = (const unsigned char *)url; *c; c++)
                if (*c <= ' ' || *c == 0x7f)
                        return false;
        return true;
}

/* ---- the thread's stream ----------------------------------------------------- */

static bool thread_should_leave(struct input_relay *r)
{
        pthread_mutex_lock(&r->lock);
        bool leave = r->quit || r->generation != r->working_generation;
        pthread_mutex_unlock(&r->lock);
        return leave;
}

/* libavformat's interrupt callback: abandon blocking network calls when the
 * url changes, at shutdown, and when opening takes too long. */
static int check_interrupt(void *user)
{
        struct input_relay *r = user;
        if (r->deadline_ms && time_now_ms() > r->deadline_ms)
                return 1;
        return thread_should_leave(r);
}

static int stream_open(struct input_relay *r, const char *url, struct input_decoder *d,
                       const char **errstr)
{
        AVDictionary *options = NULL;
        AVFormatContext *format = avformat_alloc_context();
        if (!format) {
                *errstr = "out of memory";
                return -1;
        }
        format->interrupt_callback = (AVIOInterruptCB){check_interrupt, r};
        /* Network protocols only: a show's url must never read a local file. */
        av_dict_set(&options, "protocol_whitelist", "http,https,tcp,tls", 0);
        av_dict_set(&options, "rw_timeout", NETWORK_TIMEOUT_US, 0);
        av_dict_set(&options, "timeout", NETWORK_TIMEOUT_US, 0);
        av_dict_set(&options, "reconnect", "0", 0);
        av_dict_set(&options, "icy", "0", 0);
        av_dict_set(&options, "probesize", "65536", 0);
        av_dict_set(&options, "analyzeduration", "1000000", 0);
        r->deadline_ms = time_now_ms() + OPEN_DEADLINE_MS;
        int rc = decoder_open(d, r->rate, format, url, NULL, &options, errstr);
        r->deadline_ms = 0;
        av_dict_free(&options);
        return rc;
}

/* Decodes until the stream ends, fails or the url changes.  Returns true if
 * audio arrived (the backoff starts over). */
static bool stream_pump(struct input_relay *r, struct input_decoder *d)
{
        bool got_audio = false;
        while (!thread_should_leave(r)) {
                int rc = decoder_step(d, r->feed);
                if (rc < 0)
                        break;
                if (rc > 0)
                        got_audio = true;
        }
        return got_audio;
}

/* Sleeps up to ms, woken early by a change of url or shutdown.  Returns
 * false when the thread must leave the current url. */
static bool thread_backoff(struct input_relay *r, int64_t ms)
{
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += ms / 1000;
        until.tv_nsec += (ms % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
        }
        pthread_mutex_lock(&r->lock);
        while (!r->quit && r->generation == r->working_generation &&
               pthread_cond_timedwait(&r->cond, &r->lock, &until) == 0)
                ;
        bool stay = !r->quit && r->generation == r->working_generation;
        pthread_mutex_unlock(&r->lock);
        return stay;
}

/* Waits for a url; false at shutdown. */
static bool thread_wait_url(struct input_relay *r, char *url)
{
        pthread_mutex_lock(&r->lock);
        while (!r->quit && !r->url[0])
                pthread_cond_wait(&r->cond, &r->lock);
        bool go = !r->quit;
        memcpy(url, r->url, sizeof r->url);
        r->working_generation = r->generation;
        pthread_mutex_unlock(&r->lock);
        return go;
}

static void *relay_thread(void *arg)
{
        struct input_relay *r = arg;
        char url[URL_MAX + 1];
        while (thread_wait_url(r, url)) {
                int64_t backoff = BACKOFF_STEP_MS;
                while (!thread_should_leave(r)) {
                        struct input_decoder s;
                        const char *err = NULL;
                        if (stream_open(r, url, &s, &err) == 0) {
                                log_info("relaying %s", url);
                                if (stream_pump(r, &s))
                                        backoff = BACKOFF_STEP_MS;
                                decoder_close(&s);
                                err = "the stream ended or stalled";
                                /* a stall without an error drains the buffer
                                 * first (the stream may yet go on); an end or
                                 * failure stops airing now */
                                feed_drop(r->feed);
                        }
                        if (thread_should_leave(r))
                                break;
                        log_warn("relay %s: %s; retrying in %lld s", url, err,
                                 (long long)(backoff / 1000));
                        if (!thread_backoff(r, backoff))
                                break;
                        backoff = backoff + BACKOFF_STEP_MS > BACKOFF_MAX_MS
                                      ? BACKOFF_MAX_MS
                                      : backoff + BACKOFF_STEP_MS;
                }
        }
        return NULL;
}

/* ---- the public side ------------------------------------------------------------ */

struct input_relay *input_relay_new(int rate, double buffer, double silence_db,
                                    void (*on_ready)(void *user), void *user,
                                    const char **errstr)
{
        if (rate < 8000 || buffer <= 0 || buffer > 60) {
                *errstr = "bad rate or buffer for the relay input";
                return NULL;
        }
        struct input_relay *r = xcalloc(1, sizeof *r);
        r->rate = rate;
        r->feed = feed_new(rate, buffer, silence_db, 0, on_ready, user);
        pthread_mutex_init(&r->lock, NULL);
        pthread_cond_init(&r->cond, NULL);
        if (pthread_create(&r->thread, NULL, relay_thread, r) != 0) {
                *errstr = "cannot start the relay thread";
                feed_free(r->feed);
                pthread_mutex_destroy(&r->lock);
                pthread_cond_destroy(&r->cond);
                free(r);
                return NULL;
        }
        return r;
}

void input_relay_want(struct input_relay *r, const char *url)
{
        if (url && !input_url_valid(url))
                url = NULL;
        pthread_mutex_lock(&r->lock);
        if (strcmp(r->url, url ? url : "") != 0) {
                snprintf(r->url, sizeof r->url, "%s", url ? url : "");
                r->generation++;
                feed_drop(r->feed);
                if (url)
                        log_info("relay wanted: %s", url);
                pthread_cond_signal(&r->cond);
        }
        pthread_mutex_unlock(&r->lock);
}

struct input_feed *input_relay_feed(struct input_relay *r)
{
        return r->feed;
}

void input_relay_free(struct input_relay *r)
{
        if (!r)
                return;
        pthread_mutex_lock(&r->lock);
        r->quit = true;
        pthread_cond_signal(&r->cond);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
        feed_free(r->feed);
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->cond);
        free(r);
}
