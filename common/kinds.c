/* Item kind names: the words the API, the database and the as-run log use. */
#include <string.h>

#include "common/common.h"

static const char *const kind_names[] = {
    [ITEM_MUSIC] = "music",
    [ITEM_PROGRAMME] = "programme",
    [ITEM_PSA] = "psa",
    [ITEM_JINGLE] = "jingle",
    [ITEM_COMPLAINT] = "complaint",
    [ITEM_ANNOUNCEMENT] = "announcement",
    [ITEM_FALLBACK] = "fallback",
    [ITEM_LIVE] = "live",
    [ITEM_ALERT] = "alert",
    [ITEM_RELAY] = "relay",
};

const char *item_kind_name(enum item_kind kind)
{
        if ((unsigned)kind >= sizeof kind_names / sizeof kind_names[0])
                return "music";
        return kind_names[kind];
}

int item_kind_parse(const char *name, enum item_kind *kind)
{
        for (size_t i = 0; name && i < sizeof kind_names / sizeof kind_names[0]; i++) {
                if (strcmp(name, kind_names[i]) == 0) {
                        *kind = (enum item_kind)i;
                        return 0;
                }
        }
        return -1;
}
