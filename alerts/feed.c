/* The autogempa document: parsing and checking it, the distance and
 * direction from the station, the rules, and the words of the bulletin. */
#define _GNU_SOURCE /* timegm */
#define LOG_MODULE "alerts"
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alerts/alerts.h"

#define EARTH_RADIUS_KM 6371.0
#define DEG (M_PI / 180.0)

/* ---- parsing ------------------------------------------------------------------------
 */

/* A string member of gempa, or NULL (with a reason) when it is missing, not
 * a string or empty. */
static const char *member(json_t *gempa, const char *name, char *err, size_t err_size)
{
        const char *s = json_string_value(json_object_get(gempa, name));
        if (!s || !*s) {
                snprintf(err, err_size, "%s is missing or not a string", name);
                return NULL;
        }
        return s;
}

/* A whole string as a finite number; the feed writes "6.2" but a comma
 * would be as clear. */
static int parse_number(const char *text, double *out)
{
        char buf[64];
        size_t n = strlen(text);
        if (n == 0 || n >= sizeof buf)
                return -1;
        memcpy(buf, text, n + 1);
        char *comma = strchr(buf, ',');
        if (comma)
                *comma = '.';
        char *end = NULL;
        errno = 0;
        double d = strtod(buf, &end);
        while (end && *end == ' ')
                end++;
        if (end == buf || !end || *end != '\0' || errno || !isfinite(d))
                return -1;
        *out = d;
        return 0;
}

/* "2026-12-04T02:12:30+00:00" (or Z, or no seconds) as UTC ms. */
static int parse_datetime(const char *text, int64_t *ms)
{
        int y, mo, d, h, mi, s = 0, n = 0;
        if (sscanf(text, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
                return -1;
        const char *rest = text + n;
        if (*rest == ':') {
                int k = 0;
                if (sscanf(rest, ":%2d%n", &s, &k) != 1)
                        return -1;
                rest += k;
        }
        if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
            mi > 59 || s > 60)
                return -1;
        int offset = 0;
        if (strcmp(rest, "Z") != 0) {
                int oh, om, k = 0;
                if ((rest[0] != '+' && rest[0] != '-') ||
                    sscanf(rest + 1, "%2d:%2d%n", &oh, &om, &k) != 2 ||
                    rest[1 + k] != '\0' || oh > 14 || om > 59)
                        return -1;
                offset = (oh * 60 + om) * 60 * (rest[0] == '-' ? -1 : 1);
        }
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = mo - 1,
                        .tm_mday = d,
                        .tm_hour = h,
                        .tm_min = mi,
                        .tm_sec = s};
        *ms = ((int64_t)timegm(&tm) - offset) * 1000;
        return 0;
}

/* "09:12:30 WIB" -> "09.12 WIB": how the time is said on air. */
static int parse_clock(const char *text, char *out, size_t size)
{
        int h, mi, n = 0;
        if (sscanf(text, "%2d:%2d%n", &h, &mi, &n) != 2 || h > 23 || mi > 59 || h < 0 ||
            mi < 0)
                return -1;
        const char *rest = text + n;
        if (*rest == ':') {
                int s, k = 0;
                if (sscanf(rest, ":%2d%n", &s, &k) != 1)
                        return -1;
                rest += k;
        }
        while (*rest == ' ')
                rest++;
        char zone[8] = "";
        size_t z = 0;
        for (; *rest && z + 1 < sizeof zone; rest++) {
                if (!isalpha((unsigned char)*rest))
                        return -1;
                zone[z++] = (char)toupper((unsigned char)*rest);
        }
        zone[z] = '\0';
        if (*rest)
                return -1;
        snprintf(out, size, "%02d.%02d%s%s", h, mi, z ? " " : "", zone);
        return 0;
}

/* Copies text with control characters as spaces; refuses text too long to
 * say on air. */
static int copy_text(const char *text, char *out, size_t size)
{
        size_t n = strlen(text);
        if (n >= size)
                return -1;
        for (size_t i = 0; i <= n; i++)
                out[i] = (unsigned char)text[i] < 0x20 && text[i] ? ' ' : text[i];
        return 0;
}

int alerts_parse_feed(const char *data, size_t len, struct alerts_event *out, char *err,
                      size_t err_size)
{
        int rc = -1;
        json_error_t jerr;
        memset(out, 0, sizeof *out);
        json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
        if (!root) {
                snprintf(err, err_size, "not JSON (line %d: %s)", jerr.line, jerr.text);
                goto out;
        }
        json_t *gempa = json_object_get(json_object_get(root, "Infogempa"), "gempa");
        if (!json_is_object(gempa)) {
                snprintf(err, err_size, "no Infogempa.gempa object");
                goto out;
        }
        const char *datetime = member(gempa, "DateTime", err, err_size);
        const char *jam = datetime ? member(gempa, "Jam", err, err_size) : NULL;
        const char *coords = jam ? member(gempa, "Coordinates", err, err_size) : NULL;
        const char *mag = coords ? member(gempa, "Magnitude", err, err_size) : NULL;
        const char *depth = mag ? member(gempa, "Kedalaman", err, err_size) : NULL;
        const char *region = depth ? member(gempa, "Wilayah", err, err_size) : NULL;
        const char *potential = region ? member(gempa, "Potensi", err, err_size) : NULL;
        if (!potential)
                goto out;
        if (parse_datetime(datetime, &out->at_ms) < 0) {
                snprintf(err, err_size, "DateTime '%.40s' is not an ISO 8601 time",
                         datetime);
                goto out;
        }
        if (parse_clock(jam, out->clock, sizeof out->clock) < 0) {
                snprintf(err, err_size, "Jam '%.40s' is not HH:MM:SS ZONE", jam);
                goto out;
        }
        const char *comma = strchr(coords, ',');
        char lat[64] = "";
        if (!comma || (size_t)(comma - coords) >= sizeof lat) {
                snprintf(err, err_size, "Coordinates '%.40s' is not 'lat,lon'", coords);
                goto out;
        }
        memcpy(lat, coords, (size_t)(comma - coords));
        if (parse_number(lat, &out->latitude) < 0 ||
            parse_number(comma + 1, &out->longitude) < 0 || fabs(out->latitude) > 90 ||
            fabs(out->longitude) > 180) {
                snprintf(err, err_size, "Coordinates '%.40s' is not a place on Earth",
                         coords);
                goto out;
        }
        if (parse_number(mag, &out->magnitude) < 0 || out->magnitude < 0 ||
            out->magnitude > 10) {
                snprintf(err, err_size, "Magnitude '%.20s' is not between 0 and 10", mag);
                goto out;
        }
        char depth_number[64] = "";
        size_t dn = strcspn(depth, " k");
        if (dn == 0 || dn >= sizeof depth_number ||
            (depth[dn] && strcasecmp(depth + dn + strspn(depth + dn, " "), "km") != 0)) {
                snprintf(err, err_size, "Kedalaman '%.20s' is not 'N km'", depth);
                goto out;
        }
        memcpy(depth_number, depth, dn);
        if (parse_number(depth_number, &out->depth_km) < 0 || out->depth_km < 0 ||
            out->depth_km > 1000) {
                snprintf(err, err_size, "Kedalaman '%.20s' is not 0-1000 km", depth);
                goto out;
        }
        if (copy_text(region, out->region, sizeof out->region) < 0 ||
            copy_text(potential, out->potential, sizeof out->potential) < 0) {
                snprintf(err, err_size, "Wilayah or Potensi is too long");
                goto out;
        }
        snprintf(out->key, sizeof out->key, "%.40s|%.80s", datetime, coords);
        out->tsunami = alerts_potential_is_tsunami(out->potential);
        rc = 0;
out:
        json_decref(root);
        return rc;
}

/* ---- rules ----------------------------------------------------------------------------
 */

static bool contains_word(const char *lower, const char *word)
{
        size_t n = strlen(word);
        for (const char *p = strstr(lower, word); p; p = strstr(p + 1, word)) {
                bool start = p == lower || !isalpha((unsigned char)p[-1]);
                bool end = !isalpha((unsigned char)p[n]);
                if (start && end)
                        return true;
        }
        return false;
}

bool alerts_potential_is_tsunami(const char *potential)
{
        char lower[256];
        size_t n = 0;
        for (; potential && potential[n] && n + 1 < sizeof lower; n++)
                lower[n] = (char)tolower((unsigned char)potential[n]);
        lower[n] = '\0';
        if (!strstr(lower, "tsunami"))
                return false;
        /* BMKG's negative is "Tidak berpotensi tsunami"; any denial wins, since
         * a false all-clear is not what this check may produce, but neither
         * may a calm bulletin tell people to run. */
        static const char *const denials[] = {"tidak", "tak", "bukan", "no", "not"};
        for (size_t i = 0; i < sizeof denials / sizeof denials[0]; i++)
                if (contains_word(lower, denials[i]))
                        return false;
        return true;
}

double alerts_distance_km(double lat1, double lon1, double lat2, double lon2)
{
        double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
        double a = sin(dlat / 2) * sin(dlat / 2) +
                   cos(lat1 * DEG) * cos(lat2 * DEG) * sin(dlon / 2) * sin(dlon / 2);
        if (a > 1)
                a = 1;
        return 2 * EARTH_RADIUS_KM * asin(sqrt(a));
}

double alerts_bearing_deg(double lat1, double lon1, double lat2, double lon2)
{
        double y = sin((lon2 - lon1) * DEG) * cos(lat2 * DEG);
        double x = cos(lat1 * DEG) * sin(lat2 * DEG) -
                   sin(lat1 * DEG) * cos(lat2 * DEG) * cos((lon2 - lon1) * DEG);
        double b = atan2(y, x) / DEG;
        return fmod(b + 360.0, 360.0);
}

const char *alerts_direction_name(double bearing_deg)
{
        static const char *const names[] = {"utara",    "timur laut", "timur",
                                            "tenggara", "selatan",    "barat daya",
                                            "barat",    "barat laut"};
        if (!isfinite(bearing_deg))
                return "";
        double b = fmod(fmod(bearing_deg, 360.0) + 360.0, 360.0);
        return names[(int)floor((b + 22.5) / 45.0) % 8];
}

bool alerts_event_matches(const struct alerts_event *event,
                          const struct alerts_rules *rules, double *distance_km)
{
        double distance = NAN;
        if (isfinite(rules->station_latitude) && isfinite(rules->station_longitude))
                distance =
                    alerts_distance_km(rules->station_latitude, rules->station_longitude,
                                       event->latitude, event->longitude);
        if (distance_km)
                *distance_km = distance;
        if (event->tsunami)
                return true;
        return isfinite(distance) && event->magnitude >= rules->min_magnitude &&
               distance <= rules->max_distance_km;
}

/* ---- words
 * ------------------------------------------------------------------------------ */

/* 6.2 -> "6,2": Indonesian writes (and espeak-ng reads) a decimal comma. */
static void decimal_comma(double value, char *out, size_t size)
{
        snprintf(out, size, "%.1f", value);
        char *dot = strchr(out, '.');
        if (dot)
                *dot = ',';
}

char *alerts_bulletin_text(const struct alerts_event *e, double distance_km,
                           double bearing_deg, const char *station_name)
{
        char mag[16], where[160] = "";
        decimal_comma(e->magnitude, mag, sizeof mag);
        if (isfinite(distance_km))
                snprintf(where, sizeof where, " %.0f kilometer %s dari %s,", distance_km,
                         alerts_direction_name(bearing_deg),
                         station_name && *station_name ? station_name : "stasiun ini");
        const char *advice =
            e->tsunami
                ? "Berpotensi tsunami: segera menjauhi pantai menuju tempat tinggi."
                : "Tidak berpotensi tsunami. Tetap tenang dan waspada gempa "
                  "susulan.";
        return xasprintf("Peringatan BMKG. Gempa magnitudo %s terjadi pukul %s,%s "
                         "kedalaman %.0f kilometer, %s. %s",
                         mag, e->clock, where, e->depth_km, e->region, advice);
}

char *alerts_headline(const struct alerts_event *e, double distance_km,
                      double bearing_deg)
{
        char mag[16], where[96] = "";
        decimal_comma(e->magnitude, mag, sizeof mag);
        if (isfinite(distance_km))
                snprintf(where, sizeof where, ", %.0f km %s", distance_km,
                         alerts_direction_name(bearing_deg));
        return xasprintf("Gempa M%s pukul %s%s. %s", mag, e->clock, where,
                         e->tsunami ? "Berpotensi tsunami: jauhi pantai."
                                    : "Tidak berpotensi tsunami.");
}
