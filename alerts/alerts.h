/*
 * alerts: emergency bulletins from an earthquake feed in BMKG's autogempa
 * JSON format.  A poller thread reads [alerts] feed every poll seconds; a new
 * event that matches the rules becomes an urgent announcement (an attention
 * chime made here, then the bulletin spoken by text-to-speech) that
 * interrupts whatever airs, and airs again [alerts] repeat times,
 * repeat_minutes apart, unless an operator ends it.  The events are kept in
 * the alerts table, so the same event never airs twice, also after a
 * restart.  This is the module's one public header.
 *
 * Threads: the parsing, distance and text functions are pure and any thread
 * may call them.  struct alerts owns the poller thread and its own SQLite
 * connection; alerts_get_active, alerts_get_stats, alerts_air_test and
 * alerts_end are thread-safe (the web server calls them with its own
 * connection).
 */
#ifndef SIARAN_ALERTS_H
#define SIARAN_ALERTS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "playout/playout.h"

/* Largest feed document read; a bigger one is refused as a bad document. */
#define ALERTS_FEED_MAX_BYTES (256 * 1024)

/* ---- one event of the feed (alerts/feed.c) ------------------------------------ */

struct alerts_event {
        char key[128];       /* DateTime "|" Coordinates: what makes an event unique */
        int64_t at_ms;       /* DateTime as UTC ms */
        char clock[32];      /* the local time of Jam spoken as "09.12 WIB" */
        double latitude;     /* degrees, north positive */
        double longitude;    /* degrees, east positive */
        double magnitude;    /* 0 .. 10 */
        double depth_km;     /* 0 .. 1000 */
        char region[256];    /* Wilayah, control characters replaced by spaces */
        char potential[256]; /* Potensi as written */
        bool tsunami;        /* Potensi says the event may cause a tsunami */
};

/* Parses one autogempa document (Infogempa.gempa with string values) of len
 * bytes and checks it: DateTime (ISO 8601 with an offset), Jam (HH:MM[:SS]
 * ZONE), Coordinates ("lat,lon" within the globe), Magnitude (0-10),
 * Kedalaman ("10 km", 0-1000), Wilayah and Potensi must be there and sane.
 * Returns 0, or -1 with a one-line reason in err (nothing in out is
 * meaningful then). */
int alerts_parse_feed(const char *data, size_t len, struct alerts_event *out, char *err,
                      size_t err_size);

/* True when a Potensi text says the event may cause a tsunami: it names a
 * tsunami and does not deny it ("Tidak berpotensi tsunami" is false). */
bool alerts_potential_is_tsunami(const char *potential);

/* Great-circle distance in km (haversine, mean Earth radius 6371 km). */
double alerts_distance_km(double lat1, double lon1, double lat2, double lon2);

/* Initial bearing from point 1 to point 2 in degrees, 0 = north, clockwise. */
double alerts_bearing_deg(double lat1, double lon1, double lat2, double lon2);

/* The Indonesian name of the 8-point compass direction of a bearing
 * ("utara", "timur laut", ..., "barat laut"); static string. */
const char *alerts_direction_name(double bearing_deg);

struct alerts_rules {
        double station_latitude, station_longitude; /* NAN when not configured */
        double min_magnitude;
        double max_distance_km;
};

/* Whether an event airs: magnitude >= min_magnitude and distance <=
 * max_distance_km (only when the station's position is known), or a tsunami
 * potential.  *distance_km (may be NULL) gets the distance, or NAN. */
bool alerts_event_matches(const struct alerts_event *event,
                          const struct alerts_rules *rules, double *distance_km);

/* The bulletin spoken on air, in Indonesian, magnitude with a decimal comma;
 * bearing_deg is from the station to the event.  distance_km may be NAN
 * (then the distance is left out).  Caller frees. */
char *alerts_bulletin_text(const struct alerts_event *event, double distance_km,
                           double bearing_deg, const char *station_name);

/* The short line for the listener page, the panel and the stream title.
 * Caller frees. */
char *alerts_headline(const struct alerts_event *event, double distance_km,
                      double bearing_deg);

/* Writes the attention chime (two tones, twice, 1.6 s) followed by the WAV
 * at speech_path into a new 16-bit mono WAV at out_path, at the speech's
 * rate.  Returns 0 or -1 with a reason. */
int alerts_write_chime_and_speech(const char *speech_path, const char *out_path,
                                  char *err, size_t err_size);

/* ---- the poller and the alerts on air (alerts/poller.c) -------------------------- */

struct alerts;

/* Opens its own database connection and starts the thread (which also airs
 * the repeats of alerts raised by alerts_air_test).  Without [alerts] feed
 * nothing is polled.  playout is borrowed, may be NULL (nothing is
 * interrupted).  NULL with a reason in err. */
struct alerts *alerts_new(const struct config *config, struct playout *playout, char *err,
                          size_t err_size);

/* Stops the thread and frees.  alerts_free(NULL) is a no-op. */
void alerts_free(struct alerts *alerts);

struct alerts_active {
        bool active;
        int64_t id;
        char headline[256];
        int64_t since_ms; /* when it was raised (UTC ms) */
};

/* The alert that is active now (the newest, when several are). */
void alerts_get_active(struct alerts *alerts, struct alerts_active *out);

struct alerts_stats {
        int64_t raised;      /* alerts raised from the feed since start */
        int64_t tests;       /* test bulletins since start */
        int64_t polls;       /* feed requests */
        int64_t feed_errors; /* failed requests and rejected documents */
        bool feed_ok;        /* the latest request got a usable document */
};

void alerts_get_stats(struct alerts *alerts, struct alerts_stats *out);

/* Raises a test alert (a bulletin that says it is only a test, aired once)
 * with the caller's connection: speaks it, stores it, interrupts the air.
 * Returns 0 with its id in *id, or -1 with a reason. */
int alerts_air_test(struct alerts *alerts, sqlite3 *db, const char *user, int64_t *id,
                    char *err, size_t err_size);

/* Ends alert id: no repeat airs any more, a bulletin of it on air is cut.
 * Returns 0, 1 when it had already ended, -1 when there is no such alert,
 * -2 on a database error (reason in err). */
int alerts_end(struct alerts *alerts, sqlite3 *db, int64_t id, const char *user,
               char *err, size_t err_size);

#endif
