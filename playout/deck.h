/* Private to playout/: a deck is one open item: decoder -> gain -> fades. */
#ifndef SIARAN_PLAYOUT_DECK_H
#define SIARAN_PLAYOUT_DECK_H

#include <stdbool.h>
#include <stdint.h>

#include "input/input.h"
#include "media/media.h"
#include "playout/playout.h"

struct deck {
        struct playout_item item;
        struct media_reader *reader;
        struct input_feed *feed; /* ITEM_RELAY, ITEM_LIVE: reads an input instead */
        int64_t start;           /* stream frame of its first sample */
        int64_t length;          /* frames from cue-in to cue-out; -1 when unknown */
        int64_t played;          /* frames mixed so far */
        float gain;              /* linear loudness gain, fixed for the item */
        int64_t fade_in_end;     /* stream frame where a fade-in ends (== start: none) */
        int64_t stop_at;         /* stream frame where it must be silent; -1: none */
        int64_t fade_from;       /* stream frame where the fade towards stop_at begins */
        int stop_reason;         /* enum playout_end_reason used when stop_at ends it */
        bool ended_early;        /* the decoder failed mid-item */
};

/* Opens item (deep-copied) for the station rate.  A relay or live item
 * reads feed (borrowed; NULL: the station has no such input) and opens only
 * while the feed is ready.  Returns 0, or -1 with a static reason in *errstr; the
 * deck is then empty. */
int deck_open(struct deck *deck, const struct playout_item *item, int rate,
              struct input_feed *feed, const char **errstr);

/* Sets where the deck must be silent and how long the fade before it is.
 * Keeps an earlier stop that is already set. */
void deck_set_stop(struct deck *deck, int64_t stop_at, int64_t fade_frames, int reason);

/* Adds up to n frames of the deck, for stream frames [pos, pos + n), into
 * out (interleaved stereo).  scratch holds at least 2 * n floats.  Returns the
 * frames it produced; fewer than n means the item ended there. */
size_t deck_mix(struct deck *deck, float *out, size_t n, int64_t pos, float *scratch);

/* The frame where the item ends by its own length (no stop): -1 if unknown. */
int64_t deck_natural_end(const struct deck *deck);

void deck_close(struct deck *deck);

#endif
