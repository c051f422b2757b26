/* The inputs' bounded ring (see ring.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "input/ring.h"

struct ring {
        pthread_mutex_t lock;
        float *data; /* 2 * capacity floats */
        size_t capacity;
        size_t head;  /* next frame to read */
        size_t level; /* frames held */
};

struct ring *ring_new(size_t capacity_frames)
{
        struct ring *r = xcalloc(1, sizeof *r);
        r->capacity = capacity_frames > 0 ? capacity_frames : 1;
        r->data = xcalloc(2 * r->capacity, sizeof *r->data);
        pthread_mutex_init(&r->lock, NULL);
        return r;
}

void ring_write(struct ring *r, const float *frames, size_t n)
{
        if (n > r->capacity) { /* only the newest fit */
                frames += 2 * (n - r->capacity);
                n = r->capacity;
        }
        pthread_mutex_lock(&r->lock);
        if (r->level + n > r->capacity) {
                size_t drop = r->level + n - r->capacity;
                r->head = (r->head + drop) % r->capacity;
                r->level -= drop;
        }
        size_t tail = (r->head + r->level) % r->capacity;
        size_t first = n < r->capacity - tail ? n : r->capacity - tail;
        memcpy(r->data + 2 * tail, frames, 2 * first * sizeof *frames);
        memcpy(r->data, frames + 2 * first, 2 * (n - first) * sizeof *frames);
        r->level += n;
        pthread_mutex_unlock(&r->lock);
}

size_t ring_read(struct ring *r, float *frames, size_t n)
{
        pthread_mutex_lock(&r->lock);
        if (n > r->level)
                n = r->level;
        size_t first = n < r->capacity - r->head ? n : r->capacity - r->head;
        memcpy(frames, r->data + 2 * r->head, 2 * first * sizeof *frames);
        memcpy(frames + 2 * first, r->data, 2 * (n - first) * sizeof *frames);
        r->head = (r->head + n) % r->capacity;
        r->level -= n;
        pthread_mutex_unlock(&r->lock);
        return n;
}

int64_t ring_level(struct ring *r)
{
        pthread_mutex_lock(&r->lock);
        int64_t level = (int64_t)r->level;
        pthread_mutex_unlock(&r->lock);
        return level;
}

void ring_clear(struct ring *r)
{
        pthread_mutex_lock(&r->lock);
        r->head = 0;
        r->level = 0;
        pthread_mutex_unlock(&r->lock);
}

void ring_free(struct ring *r)
{
        if (!r)
                return;
        pthread_mutex_destroy(&r->lock);
        free(r->data);
        free(r);
}
