/* A deck: reads an item from cue-in to cue-out and applies its loudness gain
 * and fade envelope.  Gain is constant per item; the per-sample envelope is
 * only computed inside a fade. */
#define LOG_MODULE "playout"
#include <math.h>
#include <string.h>

#include "playout/deck.h"

/* An input has no length: it airs until a stop cuts it (end_by, a hard
 * event) or its ring runs dry. */
static int deck_open_feed(struct deck *deck, const struct playout_item *item,
                          struct input_feed *feed, const char **errstr)
{
        if (!input_feed_ready(feed)) {
                *errstr = "the input's stream is not buffered (yet)";
                return -1;
        }
        deck->feed = feed;
        playout_item_copy(&deck->item, item);
        deck->length = -1;
        deck->gain = (float)db_to_gain(item->gain_db);
        deck->stop_at = -1;
        return 0;
}

int deck_open(struct deck *deck, const struct playout_item *item, int rate,
              struct input_feed *feed, const char **errstr)
{
        memset(deck, 0, sizeof *deck);
        if (item->kind == ITEM_RELAY || item->kind == ITEM_LIVE)
                return deck_open_feed(deck, item, feed, errstr);
        deck->reader = media_reader_open(item->path, rate, errstr);
        if (!deck->reader)
                return -1;
        if (item->cue_in > 0 && media_reader_seek(deck->reader, item->cue_in) < 0) {
                *errstr = "cannot seek to the cue-in point";
                media_reader_free(deck->reader);
                deck->reader = NULL;
                return -1;
        }
        playout_item_copy(&deck->item, item);
        int64_t total = media_reader_frames(deck->reader);
        int64_t end = item->cue_out > 0 ? item->cue_out : total;
        if (total >= 0 && end > total)
                end = total;
        deck->length = end >= 0 ? end - (item->cue_in > 0 ? item->cue_in : 0) : -1;
        if (deck->length == 0) {
                *errstr = "nothing to play between cue-in and cue-out";
                deck_close(deck);
                return -1;
        }
        deck->gain = (float)db_to_gain(item->gain_db);
        deck->stop_at = -1;
        return 0;
}

void deck_set_stop(struct deck *deck, int64_t stop_at, int64_t fade_frames, int reason)
{
        if (deck->stop_at >= 0 && deck->stop_at <= stop_at)
                return;
        deck->stop_at = stop_at;
        deck->fade_from = stop_at - fade_frames;
        deck->stop_reason = reason;
}

int64_t deck_natural_end(const struct deck *deck)
{
        return deck->length >= 0 ? deck->start + deck->length : -1;
}

/* The envelope at stream frame f: fade-in and fade-out, sine-shaped so a
 * crossfade keeps the power steady. */
static float envelope_at(const struct deck *deck, int64_t f)
{
        float g = 1.0f;
        if (f < deck->fade_in_end) {
                double x =
                    (double)(f - deck->start) / (double)(deck->fade_in_end - deck->start);
                g *= (float)sin(x * M_PI / 2);
        }
        if (deck->stop_at >= 0 && f >= deck->fade_from) {
                int64_t len = deck->stop_at - deck->fade_from;
                double x = len > 0 ? (double)(deck->stop_at - f) / (double)len : 0.0;
                if (x < 0)
                        x = 0;
                g *= (float)sin(x * M_PI / 2);
        }
        return g;
}

size_t deck_mix(struct deck *deck, float *out, size_t n, int64_t pos, float *scratch)
{
        if (deck->stop_at >= 0 && pos + (int64_t)n > deck->stop_at)
                n = deck->stop_at > pos ? (size_t)(deck->stop_at - pos) : 0;
        if (deck->length >= 0 && deck->played + (int64_t)n > deck->length)
                n = (size_t)(deck->length - deck->played);
        size_t got = 0;
        while (got < n) {
                long r =
                    deck->feed
                        ? input_feed_read(deck->feed, scratch + 2 * got, n - got)
                        : media_reader_read(deck->reader, scratch + 2 * got, n - got);
                if (r < 0)
                        deck->ended_early = true;
                if (r <= 0)
                        break;
                got += (size_t)r;
        }
        bool fading = pos < deck->fade_in_end ||
                      (deck->stop_at >= 0 && pos + (int64_t)got > deck->fade_from);
        if (!fading) {
                for (size_t i = 0; i < 2 * got; i++)
                        out[i] += deck->gain * scratch[i];
        } else {
                for (size_t i = 0; i < got; i++) {
                        float g = deck->gain * envelope_at(deck, pos + (int64_t)i);
                        out[2 * i] += g * scratch[2 * i];
                        out[2 * i + 1] += g * scratch[2 * i + 1];
                }
        }
        deck->played += (int64_t)got;
        return got;
}

void deck_close(struct deck *deck)
{
        media_reader_free(deck->reader);
        playout_item_clear(&deck->item);
        memset(deck, 0, sizeof *deck);
}
