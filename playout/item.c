/* Items handed from the source to the engine, and end-reason names. */
#include <stdlib.h>
#include <string.h>

#include "playout/playout.h"

void playout_item_clear(struct playout_item *item)
{
        free(item->path);
        free(item->title);
        free(item->artist);
        memset(item, 0, sizeof *item);
}

void playout_item_copy(struct playout_item *dst, const struct playout_item *src)
{
        *dst = *src;
        dst->path = xstrdup(src->path);
        dst->title = xstrdup(src->title);
        dst->artist = xstrdup(src->artist);
}

static const char *const reason_names[] = {
    [PLAYOUT_END_COMPLETED] = "completed",
    [PLAYOUT_END_FADED_HARD] = "faded_hard",
    [PLAYOUT_END_UNREADABLE] = "skipped_unreadable",
    [PLAYOUT_END_SHOW_END] = "cut_show_end",
    [PLAYOUT_END_OPERATOR] = "skipped_operator",
    [PLAYOUT_END_SILENCE] = "skipped_silence",
    [PLAYOUT_END_STOPPED] = "stopped",
    [PLAYOUT_END_TAKEN_OVER] = "taken_over",
};

const char *playout_end_reason_name(enum playout_end_reason reason)
{
        if ((unsigned)reason >= sizeof reason_names / sizeof reason_names[0])
                return "completed";
        return reason_names[reason];
}
