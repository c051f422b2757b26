/* Fuzz target: the autogempa feed parser, and the bulletin words made from
 * whatever it accepts (the text that is spoken on air). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
        char err[256];
        struct alerts_event event;
        if (alerts_parse_feed((const char *)data, size, &event, err, sizeof err) < 0)
                return 0;
        struct alerts_rules rules = {.station_latitude = -6.36,
                                     .station_longitude = 106.25,
                                     .min_magnitude = 5.0,
                                     .max_distance_km = 250};
        double distance;
        alerts_event_matches(&event, &rules, &distance);
        double bearing =
            alerts_bearing_deg(-6.36, 106.25, event.latitude, event.longitude);
        free(alerts_bulletin_text(&event, distance, bearing, "Radio"));
        free(alerts_headline(&event, distance, bearing));
        return 0;
}
