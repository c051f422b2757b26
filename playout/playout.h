/*
 * playout: the engine.  The clock, decks (decoder -> gain -> fade envelope),
 * the mixer (overlap for crossfades), a true-peak-safe limiter, and the loop
 * that asks the source (the scheduler) what comes next.  Works in float,
 * fixed-size blocks, split exactly at event boundaries so a timed event
 * starts on its sample.  This is the module's one public header.
 *
 * Stream time is the count of frames produced since start_ms; wall time of
 * frame n is start_ms + n * 1000 / rate.  In run mode the engine paces itself
 * on CLOCK_MONOTONIC a small fixed lead ahead of real time; in render mode it
 * runs unpaced.  Same code otherwise.
 */
#ifndef SIARAN_PLAYOUT_H
#define SIARAN_PLAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/common.h"
#include "encoder/encoder.h"

/* One thing to air, handed from the source to the engine.  Strings are owned
 * by the item (free with playout_item_clear). */
struct playout_item {
        char *path;
        char *title;
        char *artist;
        enum item_kind kind;
        int64_t media_id;     /* library id, 0 when not from the library */
        int64_t ref_id;       /* the source's own reference, returned in as-run */
        int64_t scheduled_ms; /* planned start (UTC ms), for the as-run log */
        int64_t cue_in;       /* first frame to play, at the station rate */
        int64_t cue_out;      /* frame to stop at; 0 = the end of the file */
        double gain_db;       /* loudness gain applied to the item */
        int64_t end_by_ms;    /* 0, or a wall time by which the item must be silent
                                 (show end): it fades out over end_fade_ms before */
        int64_t end_fade_ms;
        int end_reason;     /* the playout_end_reason used when end_by cuts it */
        bool quiet;         /* exempt from the silence detector */
        int64_t resumed_ms; /* > 0 when airing starts this far into the item (a
                               restart resumes it): nowplaying then counts from
                               the item's real start, not from the restart */
};

/* Frees the item's strings and zeroes it. */
void playout_item_clear(struct playout_item *item);
/* Deep copy of src into dst (dst is overwritten, not cleared). */
void playout_item_copy(struct playout_item *dst, const struct playout_item *src);

enum playout_end_reason {
        PLAYOUT_END_COMPLETED,  /* played to its end (or cue-out) */
        PLAYOUT_END_FADED_HARD, /* faded for a hard event */
        PLAYOUT_END_UNREADABLE, /* skipped: missing or not decodable */
        PLAYOUT_END_SHOW_END,   /* cut at the end of its show */
        PLAYOUT_END_OPERATOR,   /* skipped or interrupted from the panel */
        PLAYOUT_END_SILENCE,    /* skipped by the silence detector */
        PLAYOUT_END_STOPPED,    /* the station stopped or the render window ended */
        PLAYOUT_END_TAKEN_OVER, /* crossfaded into a live presenter */
};

/* "completed", "faded_hard", "skipped_unreadable", ... (static string). */
const char *playout_end_reason_name(enum playout_end_reason reason);

/* What the engine reports after each item (and each skipped item). */
struct playout_asrun {
        const struct playout_item *item;
        int64_t start_ms; /* actual start (stream time), UTC ms */
        int64_t end_ms;   /* actual end */
        int64_t frames;   /* frames aired */
        enum playout_end_reason reason;
        const char *error; /* for PLAYOUT_END_UNREADABLE, else NULL */
};

/* The engine's view of the schedule.  All calls happen on the engine thread.
 * The source never returns "nothing": when nothing is due it returns a
 * fallback item. */
struct playout_source {
        void *ctx;
        /* Fills item with what airs when the previous item ends at start_ms.
         * Returns 0, or -1 if the source has nothing at all (then the engine airs
         * a second of silence and asks again). */
        int (*next)(void *ctx, int64_t start_ms, struct playout_item *item);
        /* The earliest hard event in (from_ms, until_ms]: a time at which
         * whatever airs must be silent and the item from next(at) must start on
         * its sample.  Returns true and sets *at_ms if there is one. */
        bool (*next_hard)(void *ctx, int64_t from_ms, int64_t until_ms, int64_t *at_ms);
        /* The engine got item from next() but will not air it (the schedule
         * changed before it started): put it back.  May be NULL. */
        void (*cancel)(void *ctx, const struct playout_item *item);
        /* Called once per item the engine started or skipped.  May be NULL. */
        void (*aired)(void *ctx, const struct playout_asrun *record);
};

struct playout_config {
        int rate;                 /* station rate: 44100 or 48000 */
        double crossfade;         /* seconds of overlap between items (0: gapless cut) */
        double click_fade;        /* seconds of the short fade at hard cuts (0.01) */
        double operator_fade;     /* seconds of fade for skip/urgent (0.5) */
        double hard_fade;         /* seconds of fade before a hard event (2) */
        double silence_threshold; /* dBFS; 0 disables the detector */
        double silence_limit;     /* seconds */
        double codec_headroom_db; /* dB the limiter keeps below its -1.3 dBTP
                                     ceiling for the encoders' overshoot (the
                                     largest encoder_peak_overshoot_db) */
        bool paced;       /* run: follow the wall clock; render: as fast as possible */
        int64_t start_ms; /* wall time of frame 0 (UTC ms) */
        int64_t end_ms;   /* render: stop exactly here; 0 = until stopped */
};

struct playout_nowplaying {
        bool on_air;
        char title[256];
        char artist[256];
        enum item_kind kind;
        int64_t media_id;
        int64_t ref_id;
        int64_t started_ms;
        double duration; /* seconds, planned (cue-in to cue-out or end_by) */
        double elapsed;  /* seconds */
};

struct playout_stats {
        int64_t items_aired;
        int64_t skips; /* unreadable, operator and silence skips */
        int64_t silence_alarms;
        int64_t underruns;     /* times the paced engine, once ahead, fell more than
                                  a second behind real time */
        int64_t frames;        /* stream time */
        double worst_block_ms; /* longest time one block took (mix, limit, encode) */
        double min_lead_ms;    /* paced: the smallest lead of the output over real
                                  time once the engine was ahead (its margin to the
                                  deadline; 0 until then) */
};

struct playout;

/* Creates the engine.  source is copied.  NULL with *errstr on bad config. */
struct playout *playout_new(const struct playout_config *config,
                            const struct playout_source *source, const char **errstr);

/* The engine feeds encoder every block.  Not owned. Call before playout_run. */
void playout_add_encoder(struct playout *playout, struct encoder *encoder);

/* Calls monitor(user, pcm, frames) on the engine thread with every block of
 * the programme mix as it goes to the encoders (after the limiter).  For
 * level meters and tests; must be quick.  Call before playout_run. */
void playout_set_monitor(struct playout *playout,
                         void (*monitor)(void *user, const float *pcm, size_t frames),
                         void *user);

/* Items of kind (ITEM_RELAY or ITEM_LIVE) read feed (not owned; it must
 * outlive the engine).  Call before playout_run. */
struct input_feed;
void playout_set_input(struct playout *playout, enum item_kind kind,
                       struct input_feed *feed);

/* Runs on the calling thread until end_ms (render) or a stop request; fades
 * out on stop.  Returns 0, or -1 on a fatal failure (an encoder failed). */
int playout_run(struct playout *playout);

/* Thread- and async-signal-safe: ask the engine to fade out and return. */
void playout_request_stop(struct playout *playout);

/* Calls hook(user) on the calling thread at the start of playout_skip,
 * playout_schedule_changed and playout_interrupt, before the engine is told:
 * the station has the scheduler make the change ready there (on the web's
 * thread), so the engine never reads the database itself.  Call before
 * playout_run. */
void playout_set_command_hook(struct playout *playout, void (*hook)(void *user),
                              void *user);

/* Thread-safe commands, taken at the start of the next block: */
/* Skip the current item (short fade); the source is asked for the next. */
void playout_skip(struct playout *playout);
/* The schedule changed: drop the pre-opened next item and ask again. */
void playout_schedule_changed(struct playout *playout);
/* Urgent: fade what airs over operator_fade and start next() right away. */
void playout_interrupt(struct playout *playout);

/* Takeover: crossfade from what airs to next() right away, over
 * operator_fade (a live presenter takes the air). */
void playout_take_over(struct playout *playout);

/* Thread-safe snapshots. */
void playout_get_nowplaying(struct playout *playout, struct playout_nowplaying *now);
void playout_get_stats(struct playout *playout, struct playout_stats *stats);

void playout_free(struct playout *playout);

#endif
