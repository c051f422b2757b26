/*
 * input: audio that arrives over the network while it airs.  Today one kind,
 * the relay of a remote http/https stream for a show whose content is
 * "relay".  Each input runs its own thread: network in, decoded PCM at the
 * station format (interleaved float stereo at the station rate) into a
 * bounded ring.  The engine reads the ring like a deck that may run dry and
 * never waits on it.  This is the module's one public header.
 */
#ifndef SIARAN_INPUT_H
#define SIARAN_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- feeds: what the engine reads ------------------------------------------ */

/* A feed is an input's audio on its way to the air: a bounded ring the
 * input's thread fills and the engine empties. */
struct input_feed;

/* Thread-safe: the stream is up and the ring holds at least the buffer, or
 * it is airing and has not run dry since.  false for NULL. */
bool input_feed_ready(struct input_feed *feed);

/* Engine thread: takes up to frames frames (2 * frames floats) from the
 * ring without waiting.  Returns the number taken; fewer than asked means the
 * ring ran dry (the stream stalled longer than the buffer): the feed is then
 * not ready until its buffer is full again, and the next call returns -1. */
long input_feed_read(struct input_feed *feed, float *buf, size_t frames);

/* Thread-safe: the feed went silent on air (the engine's silence detector
 * cut it): it is not ready again until audible audio has arrived and filled
 * the buffer. */
void input_feed_suspend(struct input_feed *feed);

/* ---- the relay ----------------------------------------------------------------- */

struct input_relay;

/* Creates a relay input for the station rate with buffer seconds of jitter
 * buffer, and starts its thread (idle until input_relay_want).  Audio never
 * above silence_db (dBFS; 0: no such check) does not make it ready, so a
 * silent stream does not air.  on_ready is
 * called on the input's thread each time the stream (again) has a full
 * buffer, so the station can bring it back on air; may be NULL.  NULL with
 * *errstr on failure. */
struct input_relay *input_relay_new(int rate, double buffer, double silence_db,
                                    void (*on_ready)(void *user), void *user,
                                    const char **errstr);

/* Thread-safe: relay url from now on (http or https only), or stop relaying
 * when url is NULL.  The same url again changes nothing.  While the stream
 * fails the thread retries after 1 s, 2 s, 3 s, ... at most 10 s apart.
 * A stream that ends or fails stops airing at once; one that stalls airs
 * its buffer first. */
void input_relay_want(struct input_relay *relay, const char *url);

/* The relay's feed, for the engine (borrowed; lives as long as the relay). */
struct input_feed *input_relay_feed(struct input_relay *relay);

/* Stops the thread and frees everything. */
void input_relay_free(struct input_relay *relay);

/* ---- the live input: presenters ------------------------------------------------ */

struct input_live;

struct input_live_config {
        const char *listen;        /* HOST:PORT */
        const char *mount;         /* "/live" */
        int rate;                  /* the station's */
        double buffer;             /* seconds of jitter buffer */
        double silence_db;         /* the station's silence threshold (dBFS) */
        double silence_limit;      /* seconds of silence before the schedule resumes */
        const char *recording_dir; /* each session is recorded here; NULL: not */
        double loudness_target;    /* LUFS the slow gain levels toward; 0: none */
};

/* What the station supplies.  Every hook is called on a connection's
 * thread (on_ready: on the thread that filled the buffer). */
struct input_live_hooks {
        void *user;
        /* Checks a panel account's name and password (address: the client,
         * for throttling).  Returns 1 with its role name ("admin",
         * "operator", "staff") in role, 0 for a wrong login, -1 when it
         * cannot tell. */
        int (*check_login)(void *user, const char *name, const char *password,
                           const char *address, char *role, size_t role_size);
        /* Whether an account of role may take the air now; false with a
         * one-line reason for the presenter. */
        bool (*may_air)(void *user, const char *role, char *reason, size_t reason_size);
        /* The live feed has its buffer full (again): the station brings it
         * on air.  May be NULL. */
        void (*on_ready)(void *user);
        /* A session ended: path is the recording of everything the encoder
         * sent (its own container: .ogg, .mp3 or .aac), show what it aired
         * under (empty when it never aired), since_ms its start.  The file
         * is deleted when the hook returns.  May be NULL. */
        void (*on_recorded)(void *user, const char *path, const char *show,
                            const char *presenter, int64_t since_ms);
};

/* Listens on config->listen for the Icecast source protocol (PUT, or SOURCE
 * as older encoders send it) on config->mount, and for title updates
 * (GET /admin/metadata?mode=updinfo&song=...) with the same login.  One
 * presenter at a time.  NULL with a one-line reason in err. */
struct input_live *input_live_new(const struct input_live_config *config,
                                  const struct input_live_hooks *hooks, char *err,
                                  size_t err_size);

/* The live feed, for the engine (borrowed).  NULL for NULL. */
struct input_feed *input_live_feed(struct input_live *live);

struct input_live_status {
        bool connected;
        char user[128]; /* the presenter's account */
        char role[16];
        int64_t since_ms; /* UTC ms of the connection */
        char format[64];  /* "ogg/vorbis", "mp3/mp3", ...; empty until known */
        double level_db;  /* peak of the latest half second, dBFS (as it comes) */
        double gain_db;   /* the slow gain toward loudness_target applied now */
        char title[256];  /* the encoder's latest title; empty: none sent */
        char show[256];   /* what the session airs under; empty: not aired yet */
};

/* Thread-safe: the presenter airs under title (a show's name or "Siaran
 * langsung"), for the recording's title. */
void input_live_note_show(struct input_live *live, const char *title);

/* Thread-safe snapshot; all zero (not connected) for NULL. */
void input_live_get_status(struct input_live *live, struct input_live_status *status);

/* Closes the port, ends every connection and frees everything.  NULL: no-op. */
void input_live_free(struct input_live *live);

/* The url is one input_relay_want takes: http:// or https:// with a host,
 * no spaces or control characters, at most 1000 bytes. */
bool input_url_valid(const char *url);

#endif
