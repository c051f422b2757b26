/* Private to input/: the slow gain that brings a presenter's level toward
 * the station's loudness target.  It follows the short-term loudness (EBU
 * R128, 3 s) and moves at most LEVELLER_DB_PER_SECOND, so speech keeps its
 * dynamics and pauses do not pump: below a gate the gain holds.  The
 * engine's limiter catches the peaks.  Used by one thread at a time. */
#ifndef SIARAN_INPUT_LEVELLER_H
#define SIARAN_INPUT_LEVELLER_H

#include <stddef.h>

struct leveller;

/* For rate frames a second of stereo toward target LUFS.  NULL when the
 * meter cannot be made (the input then airs as it comes). */
struct leveller *leveller_new(int rate, double target);

/* Applies the gain to n frames of interleaved stereo in place. */
void leveller_process(struct leveller *leveller, float *frames, size_t n);

/* A new session: the gain starts again from 0 dB. */
void leveller_reset(struct leveller *leveller);

/* The gain applied now, in dB. */
double leveller_gain_db(const struct leveller *leveller);

void leveller_free(struct leveller *leveller);

#endif
