/* Fuzz target: parsing times and dates from requests and the command line. */
#include <stdlib.h>
#include <string.h>

#include "archive/archive.h"
#include "common/common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
        static int zone_set;
        if (!zone_set)
                zone_set = time_set_zone("Asia/Jakarta") == 0;
        char *text = malloc(size + 1);
        memcpy(text, data, size);
        text[size] = '\0';
        int64_t ms;
        char buf[64];
        if (time_parse_local(text, &ms) == 0)
                time_format_iso(ms, buf, sizeof buf);
        if (time_parse_date(text, &ms) == 0)
                time_format_local(ms, buf, sizeof buf);
        if (archive_parse_time(text, &ms) == 0) /* the clip API's from/to */
                time_format_iso(ms, buf, sizeof buf);
        free(text);
        return 0;
}
