/* The relay input: a thread that opens a remote stream with libavformat
 * (network protocols only), decodes its first audio stream, converts it to
 * the station format with libswresample and writes it into the ring.  A
 * failed, ended or stalled stream is retried with backoff; the ring's
 * reader sees a dry ring, which the engine treats as the end of the relay
 * item (the schedule's filler takes over). */
#define LOG_MODULE "input"
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/common.h"
#include "input/input.h"
#include "input/ring.h"

#define URL_MAX 1000
/* Retries wait 1 s, 2 s, 3 s, ... up to 10 s: growing slowly, so a stream
 * back after a short outage is found again within seconds. */
#define BACKOFF_STEP_MS 1000
#define BACKOFF_MAX_MS 10000
/* How long the network may say nothing before the stream counts as failed
 * (the ring has run dry long before: this only bounds the retry). */
#define NETWORK_TIMEOUT_US "3000000"
#define OPEN_DEADLINE_MS 8000
/* Extra room beyond the buffer so a ring nobody reads (filler airs) keeps
 * the freshest audio: the oldest is dropped. */
#define RING_EXTRA_SECONDS 0.5

struct input_relay {
        int rate;
        int64_t buffer_frames;
        void (*on_ready)(void *user);
        void *user;
        struct ring *ring;
        float silence_level; /* linear peak; 0: every frame counts as audible */
        atomic_bool heard;   /* audible audio arrived since the last suspend */

        pthread_t thread;
        pthread_mutex_t lock; /* guards url, generation, quit; cond wakes the thread */
        pthread_cond_t cond;
        char url[URL_MAX + 1];
        unsigned generation; /* bumped on every change of url */
        bool quit;

        atomic_bool ready;
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

struct stream {
        AVFormatContext *format;
        AVCodecContext *codec;
        SwrContext *swr;
        AVPacket *packet;
        AVFrame *frame;
        int index;
        float *out;
        int out_frames;
};

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

static void stream_close(struct stream *s)
{
        swr_free(&s->swr);
        avcodec_free_context(&s->codec);
        avformat_close_input(&s->format);
        av_packet_free(&s->packet);
        av_frame_free(&s->frame);
        free(s->out);
        memset(s, 0, sizeof *s);
}

static int stream_open(struct input_relay *r, const char *url, struct stream *s,
                       const char **errstr)
{
        memset(s, 0, sizeof *s);
        AVDictionary *options = NULL;
        int rc = -1;
        s->format = avformat_alloc_context();
        if (!s->format) {
                *errstr = "out of memory";
                goto out;
        }
        s->format->interrupt_callback = (AVIOInterruptCB){check_interrupt, r};
        /* Network protocols only: a show's url must never read a local file. */
        av_dict_set(&options, "protocol_whitelist", "http,https,tcp,tls", 0);
        av_dict_set(&options, "rw_timeout", NETWORK_TIMEOUT_US, 0);
        av_dict_set(&options, "timeout", NETWORK_TIMEOUT_US, 0);
        av_dict_set(&options, "reconnect", "0", 0);
        av_dict_set(&options, "icy", "0", 0);
        av_dict_set(&options, "probesize", "65536", 0);
        av_dict_set(&options, "analyzeduration", "1000000", 0);
        r->deadline_ms = time_now_ms() + OPEN_DEADLINE_MS;
        if (avformat_open_input(&s->format, url, NULL, &options) < 0) {
                *errstr = "cannot open the stream";
                goto out;
        }
        if (avformat_find_stream_info(s->format, NULL) < 0) {
                *errstr = "cannot read the stream's format";
                goto out;
        }
        const AVCodec *decoder = NULL;
        s->index =
            av_find_best_stream(s->format, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
        if (s->index < 0 || !decoder) {
                *errstr = "no audio in the stream";
                goto out;
        }
        s->codec = avcodec_alloc_context3(decoder);
        if (!s->codec ||
            avcodec_parameters_to_context(s->codec,
                                          s->format->streams[s->index]->codecpar) < 0 ||
            avcodec_open2(s->codec, decoder, NULL) < 0) {
                *errstr = "cannot decode the stream";
                goto out;
        }
        s->packet = av_packet_alloc();
        s->frame = av_frame_alloc();
        if (!s->packet || !s->frame) {
                *errstr = "out of memory";
                goto out;
        }
        rc = 0;
out:
        r->deadline_ms = 0;
        av_dict_free(&options);
        if (rc < 0)
                stream_close(s);
        return rc;
}

/* (Re)creates the converter when the decoded format changes mid-stream, as
 * a chained Ogg stream may. */
static int stream_prepare_swr(struct input_relay *r, struct stream *s)
{
        AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
        AVChannelLayout in;
        if (s->frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC ||
            av_channel_layout_check(&s->frame->ch_layout) == 0)
                av_channel_layout_default(&in, s->frame->ch_layout.nb_channels);
        else if (av_channel_layout_copy(&in, &s->frame->ch_layout) < 0)
                return -1;
        swr_free(&s->swr);
        int rc = swr_alloc_set_opts2(&s->swr, &stereo, AV_SAMPLE_FMT_FLT, r->rate, &in,
                                     s->frame->format, s->frame->sample_rate, 0, NULL);
        av_channel_layout_uninit(&in);
        if (rc < 0 || swr_init(s->swr) < 0) {
                swr_free(&s->swr);
                return -1;
        }
        return 0;
}

static int stream_push_frame(struct input_relay *r, struct stream *s)
{
        if (s->frame->sample_rate < 1 || s->frame->ch_layout.nb_channels < 1)
                return -1;
        if (!s->swr || swr_is_initialized(s->swr) <= 0 ||
            s->frame->sample_rate != s->codec->sample_rate) {
                if (stream_prepare_swr(r, s) < 0)
                        return -1;
        }
        int room = swr_get_out_samples(s->swr, s->frame->nb_samples);
        if (room < 0)
                return -1;
        if (room > s->out_frames) {
                free(s->out);
                s->out = xcalloc((size_t)room * 2, sizeof *s->out);
                s->out_frames = room;
        }
        uint8_t *out = (uint8_t *)s->out;
        int n = swr_convert(s->swr, &out, room, (const uint8_t **)s->frame->extended_data,
                            s->frame->nb_samples);
        if (n < 0)
                return -1;
        for (int i = 0; i < 2 * n; i++)
                if (!(s->out[i] >= -4.0f && s->out[i] <= 4.0f)) /* NaN guard */
                        s->out[i] = 0;
        ring_write(r->ring, s->out, (size_t)n);
        for (int i = 0; i < 2 * n && !atomic_load(&r->heard); i++)
                if (fabsf(s->out[i]) > r->silence_level)
                        atomic_store(&r->heard, true);
        return 0;
}

static void mark_ready_if_full(struct input_relay *r)
{
        if (atomic_load(&r->ready) || !atomic_load(&r->heard) ||
            ring_level(r->ring) < r->buffer_frames)
                return;
        atomic_store(&r->ready, true);
        log_info("relay buffered, ready to air");
        if (r->on_ready)
                r->on_ready(r->user);
}

/* The stream ended or failed: what is left in the ring would only delay the
 * filler, so the relay stops airing now (a stall without an error drains
 * the buffer first: the stream may yet go on). */
static void relay_drop(struct input_relay *r)
{
        atomic_store(&r->ready, false);
        ring_clear(r->ring);
}

/* Decodes until the stream ends, fails or the url changes.  Returns true if
 * audio arrived (the backoff starts over). */
static bool stream_pump(struct input_relay *r, struct stream *s)
{
        bool got_audio = false;
        while (!thread_should_leave(r)) {
                int rc = av_read_frame(s->format, s->packet);
                if (rc < 0)
                        break;
                if (s->packet->stream_index == s->index &&
                    avcodec_send_packet(s->codec, s->packet) >= 0) {
                        while (avcodec_receive_frame(s->codec, s->frame) >= 0) {
                                if (stream_push_frame(r, s) == 0)
                                        got_audio = true;
                                av_frame_unref(s->frame);
                        }
                }
                av_packet_unref(s->packet);
                mark_ready_if_full(r);
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
                        struct stream s;
                        const char *err = NULL;
                        if (stream_open(r, url, &s, &err) == 0) {
                                log_info("relaying %s", url);
                                atomic_store(&r->heard, false); /* a new stream */
                                if (stream_pump(r, &s))
                                        backoff = BACKOFF_STEP_MS;
                                stream_close(&s);
                                err = "the stream ended or stalled";
                                relay_drop(r);
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
        r->buffer_frames = (int64_t)(buffer * rate);
        r->silence_level = silence_db < 0 ? powf(10.0f, (float)silence_db / 20.0f) : 0;
        r->on_ready = on_ready;
        r->user = user;
        r->ring = ring_new((size_t)((buffer + RING_EXTRA_SECONDS) * rate));
        pthread_mutex_init(&r->lock, NULL);
        pthread_cond_init(&r->cond, NULL);
        if (pthread_create(&r->thread, NULL, relay_thread, r) != 0) {
                *errstr = "cannot start the relay thread";
                ring_free(r->ring);
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
                atomic_store(&r->ready, false);
                ring_clear(r->ring);
                if (url)
                        log_info("relay wanted: %s", url);
                pthread_cond_signal(&r->cond);
        }
        pthread_mutex_unlock(&r->lock);
}

bool input_relay_ready(struct input_relay *r)
{
        return atomic_load(&r->ready);
}

long input_relay_read(struct input_relay *r, float *buf, size_t frames)
{
        if (!atomic_load(&r->ready))
                return -1;
        size_t got = ring_read(r->ring, buf, frames);
        if (got < frames) {
                atomic_store(&r->ready, false);
                log_warn("relay ran dry: the stream stalled longer than the buffer");
        }
        return (long)got;
}

void input_relay_suspend(struct input_relay *r)
{
        atomic_store(&r->ready, false);
        atomic_store(&r->heard, false);
        ring_clear(r->ring);
        log_warn("relay silent on air: back when it is audible again");
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
        ring_free(r->ring);
        pthread_mutex_destroy(&r->lock);
        pthread_cond_destroy(&r->cond);
        free(r);
}
