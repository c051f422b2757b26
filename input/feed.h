/* Private to input/: what a relay and a live input share.  A feed is the
 * bounded ring between an input's thread (the writer) and the engine (the
 * reader), with the rules of when it may air: ready once audible audio has
 * filled the jitter buffer, not ready once it runs dry, is dropped or goes
 * silent.  The public side (input_feed_ready, _read, _suspend) is in
 * input.h. */
#ifndef SIARAN_INPUT_FEED_H
#define SIARAN_INPUT_FEED_H

#include <stdbool.h>
#include <stddef.h>

#include "input/input.h"

/* A feed for rate frames a second with buffer seconds of jitter buffer.
 * Audio never above silence_db (dBFS; 0: no such check) does not make it
 * ready; with silence_limit > 0, silence that long on a ready feed drops it
 * until audible audio fills the buffer again.  on_ready (may be NULL) is
 * called on the writer's thread each time the feed becomes ready. */
struct input_feed *feed_new(int rate, double buffer, double silence_db,
                            double silence_limit, void (*on_ready)(void *user),
                            void *user);

/* Writer thread: n frames of interleaved stereo float at the station rate
 * (NaN and wild values become 0).  Makes the feed ready when it is full. */
void feed_push(struct input_feed *feed, float *frames, size_t n);

/* The stream behind the feed ended or failed: it stops airing now (what is
 * buffered would only delay the schedule) and needs audible audio again. */
void feed_drop(struct input_feed *feed);

/* From now on feed_push levels what it takes with leveller (borrowed; the
 * level it reports stays the input's own).  Call before the writer runs. */
struct leveller;
void feed_set_leveller(struct input_feed *feed, struct leveller *leveller);

/* The peak of the latest pushed audio, in dBFS (-120 for silence), over
 * about the last half second. */
double feed_level_db(struct input_feed *feed);

void feed_free(struct input_feed *feed);

#endif
