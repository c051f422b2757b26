/* Private to input/: a bounded ring of interleaved stereo float frames
 * between an input's thread (the writer) and the engine (the reader).  The
 * lock is held only to copy, so the engine never waits on the network.  When
 * full, a write drops the oldest frames: an input nobody reads stays live. */
#ifndef SIARAN_INPUT_RING_H
#define SIARAN_INPUT_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring;

struct ring *ring_new(size_t capacity_frames);
void ring_write(struct ring *ring, const float *frames, size_t n);
/* Takes up to n frames; returns how many it took. */
size_t ring_read(struct ring *ring, float *frames, size_t n);
int64_t ring_level(struct ring *ring);
void ring_clear(struct ring *ring);
void ring_free(struct ring *ring);

#endif
