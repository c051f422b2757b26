/*
 * common: the few helpers every module uses: memory, logging, time and the
 * station configuration.  This is the module's one public header.
 */
#ifndef SIARAN_COMMON_H
#define SIARAN_COMMON_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sys/socket.h>

#define SIARAN_VERSION "0.1.0"

/* ---- memory: out-of-memory is the one fatal error ---------------------- */

/* They never return NULL (they abort instead); saying so lets the compiler
 * check callers without false "may be null" warnings. */
void *xmalloc(size_t size) __attribute__((returns_nonnull, malloc));
void *xcalloc(size_t count, size_t size) __attribute__((returns_nonnull, malloc));
void *xrealloc(void *ptr, size_t size) __attribute__((returns_nonnull));
/* Returns a copy owned by the caller; xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);
/* printf into a new string owned by the caller. */
char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), returns_nonnull, malloc));

/* ---- logging: one line per event on stderr ----------------------------- */

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Messages above this level are dropped before they are formatted. */
extern enum log_level log_threshold;

void log_message(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Each .c file defines LOG_MODULE before using these. */
#define log_at(level, ...)                                                               \
        do {                                                                             \
                if ((level) <= log_threshold)                                            \
                        log_message((level), LOG_MODULE, __VA_ARGS__);                   \
        } while (0)
#define log_error(...) log_at(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_at(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_at(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_at(LOG_DEBUG, __VA_ARGS__)

/* ---- text that leaves the program: log lines, CSV cells (common/text.c) ---- */

/* Copies src into dst (always terminated, cut at size) with every control
 * character written as an escape (\n, \r, \t, \xNN), so a value can never
 * start a line of its own or hide what follows.  Returns dst. */
char *text_escape_control(const char *src, char *dst, size_t size);

/* Writes one CSV cell (no separator): quoted when always_quote or when it
 * holds a comma, a quote or a line break, and prefixed with ' (inside quotes)
 * when it starts with = + - @, a tab or a CR, so a spreadsheet never takes it
 * for a formula. */
void csv_write_cell(FILE *out, const char *value, bool always_quote);

/* Resolves HOST:PORT ([::1]:8080, :8005 for every address) into addr for a
 * listening socket; its length in *addr_len (may be NULL).  Returns 0, or -1
 * with a one-line reason in err. */
struct sockaddr_storage;
int listen_address_parse(const char *listen, struct sockaddr_storage *addr,
                         socklen_t *addr_len, char *err, size_t err_size);

/* True when address (numeric IPv4 or IPv6) is one of the addresses in list
 * (separated by commas or spaces; may be NULL).  Any thread. */
bool address_in_list(const char *address, const char *list);

/* ---- time ---------------------------------------------------------------- */

/* Milliseconds since the Unix epoch (UTC), from CLOCK_REALTIME. */
int64_t time_now_ms(void);
/* Nanoseconds from CLOCK_MONOTONIC. */
int64_t time_monotonic_ns(void);
/* True if tzname names a zone of the tz database. */
bool time_zone_exists(const char *tzname);
/* Sets the process's time zone (TZ) to a tz database name.  Call once at start,
 * before any thread starts.  Returns 0, or -1 if the zone is unknown. */
int time_set_zone(const char *tzname);
/* Parses "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]" in the station's
 * zone into UTC ms.  Strict: every field has its full number of digits and
 * the date exists (2026-02-30 is refused, not moved).  Returns 0 or -1. */
int time_parse_local(const char *text, int64_t *out_ms);
/* Parses "YYYY-MM-DD" (strict, a real date) into the UTC ms of that local
 * day's midnight.  Returns 0 or -1. */
int time_parse_date(const char *text, int64_t *out_ms);
/* Formats UTC ms as ISO 8601 with the station's offset
 * ("2026-12-01T06:00:00+07:00") into buf; returns buf. */
char *time_format_iso(int64_t ms, char *buf, size_t size);
/* Formats UTC ms as "YYYY-MM-DD HH:MM:SS.mmm" local time; returns buf. */
char *time_format_local(int64_t ms, char *buf, size_t size);
/* UTC ms of local midnight of the day that contains ms. */
int64_t time_local_midnight(int64_t ms);
/* UTC ms of local wall time (y, m 1-12, d, h, min, s) in the station zone. */
int64_t time_from_local(int year, int month, int day, int hour, int minute, int second);
/* Local calendar fields of ms: weekday 0=Sunday..6. Any pointer may be NULL. */
void time_local_fields(int64_t ms, int *year, int *month, int *day, int *hour,
                       int *minute, int *second, int *weekday);

/* ---- working days (pure: no zone, no clock) ------------------------------- */

/* A civil date "YYYY-MM-DD" as days since 1970-01-01.  Returns 0 or -1. */
int date_to_days(const char *ymd, int64_t *days);
/* days (since 1970-01-01) as "YYYY-MM-DD" into buf (at least 11 bytes). */
char *date_from_days(int64_t days, char *buf, size_t size);
/* Parses a list of dates separated by commas or spaces ("" = none) into a
 * new array (free it).  Returns the count, or -1 with the bad item in err. */
int dates_parse_list(const char *list, int64_t **days, char *err, size_t err_size);
/* The day on which n working days (Monday to Friday, not a holiday) have
 * passed after day: n = 5 from a Friday with Monday a holiday is the next
 * Monday but one.  n <= 0 gives day itself. */
int64_t workdays_add(int64_t day, int n, const int64_t *holidays, size_t n_holidays);
/* Working days after from up to and including to (0 when to <= from). */
int workdays_between(int64_t from, int64_t to, const int64_t *holidays,
                     size_t n_holidays);

/* ---- configuration --------------------------------------------------------- */

#define CONFIG_MAX_OUTPUTS 16

struct output_config {
        char *name; /* from [output.NAME] */
        char *server;
        int port;
        char *user; /* source user, default "source" */
        char *password;
        char *mount;
        char *format;   /* "vorbis" (later: "opus", "mp3") */
        double quality; /* vorbis VBR quality -0.1 .. 1.0 */
        int bitrate;    /* kbit/s for formats that use it; 0 = default */
        int channels;   /* 1 or 2 */
        int samplerate; /* 0 = the station rate */
        char *description;
        char *genre;
        bool public_listing; /* yp directory listing */
        int max_delay_ms;    /* Opus: most audio the encoder holds back before a page
                              * is out (0: libopusenc's defaults, about 3 s); not a
                              * config key, the archive sets it for crash safety */
};

struct config {
        char *path; /* the file it came from */
        char *dir;  /* its folder; relative paths are resolved against it */

        char *station_name;
        char *timezone;
        int samplerate;
        double loudness_target;   /* LUFS */
        double crossfade;         /* seconds of overlap between items */
        double hard_fade;         /* seconds of fade before a hard event */
        double soft_window;       /* minutes a soft event may wait for a boundary */
        double show_grace;        /* seconds an item may run past a soft show end */
        double silence_threshold; /* dBFS */
        double silence_limit;     /* seconds */
        char *log_level;

        char *database;  /* absolute */
        char *media_dir; /* absolute */

        char *fallback_playlist; /* absolute */

        struct output_config outputs[CONFIG_MAX_OUTPUTS];
        size_t n_outputs;

        char *web_listen;     /* host:port, empty = no web server */
        int64_t upload_limit; /* bytes */
        int session_hours;
        char *public_stream_url; /* what the listener page plays; default derived */
        char *trusted_proxies;   /* addresses whose X-Forwarded-For is believed */
        char *public_url;        /* the panel's address from outside, for podcast feeds */
        bool secure_cookies;     /* the session cookie carries Secure */

        double station_latitude; /* degrees; NAN when not set */
        double station_longitude;
        char *alerts_feed;  /* http(s) URL of an autogempa feed; NULL = no polling */
        double alerts_poll; /* seconds */
        double alerts_min_magnitude;
        double alerts_max_distance_km;
        int alerts_repeat;            /* times a bulletin airs */
        double alerts_repeat_minutes; /* apart; a decimal (0.1 = 6 s) */
        char *archive_dir;            /* absolute; NULL = no archive */
        char *archive_format;         /* "opus" or "vorbis" */
        int archive_bitrate;          /* kbit/s (Opus) */
        int archive_retention_days;   /* older hours are deleted */
        int archive_segment_seconds;  /* for tests: files shorter than an hour */
        int archive_min_free_mb;      /* the disk guard pauses below this */
        /* [complaints]: Suara Warga from the public page, and the answers */
        int64_t public_upload_limit; /* bytes of one public recording */
        int public_max_seconds;      /* its longest duration */
        int public_per_hour;         /* submissions per client and hour */
        int public_queue_limit;      /* unverified public complaints at most */
        int answer_days;             /* working days an agency has to answer */
        char *holidays;              /* dates (YYYY-MM-DD) that are no working day */
        double live_buffer; /* seconds of jitter buffer of relays (and live input) */
        char *live_listen;  /* host:port for presenters' encoders; NULL = none */
        char *live_mount;   /* the mount they stream to ("/live") */
        double live_silence_limit; /* seconds of live silence before the schedule */
};

/* Reads and checks path.  On error returns NULL and writes a one-line reason of
 * the form "FILE:LINE: message" (or "FILE: message") into err. */
struct config *config_load(const char *path, char *err, size_t err_size);
/* The same checks without setting the process's time zone: for a reload while
 * threads run (they call localtime_r; TZ must not change under them). */
struct config *config_parse(const char *path, char *err, size_t err_size);
/* Writes the keys whose values differ between a and b ("station.samplerate,
 * output.main.quality", outputs matched by name; an output only in one of
 * them is "output.NAME") into out, and returns how many differ. */
size_t config_changed_keys(const struct config *a, const struct config *b, char *out,
                           size_t out_size);
void config_free(struct config *config);
/* Logs a warning when the config file can be read by any user (it holds the
 * Icecast passwords). */
void config_warn_if_readable(const struct config *config);
/* Resolves a path relative to the config's folder; result owned by caller. */
char *config_resolve_path(const struct config *config, const char *path);

/* ---- item kinds: the vocabulary shared by library, schedule and engine ---- */

enum item_kind {
        ITEM_MUSIC,
        ITEM_PROGRAMME,
        ITEM_PSA,
        ITEM_JINGLE,
        ITEM_COMPLAINT,
        ITEM_ANNOUNCEMENT,
        ITEM_FALLBACK,
        ITEM_LIVE,
        ITEM_ALERT, /* an emergency bulletin (an announcement raised by alerts/) */
        ITEM_RELAY, /* a relayed remote stream (a show whose content is "relay") */
};

/* "music", "programme", ... (static string). */
const char *item_kind_name(enum item_kind kind);
/* Parses a kind name; returns 0 or -1. */
int item_kind_parse(const char *name, enum item_kind *kind);

/* ---- Icecast's public status ------------------------------------------------ */

struct json_t;
struct addrinfo;
/* GET http://host:port/status-json.xsl, the whole exchange (the name lookup
 * aside) bounded by timeout_ms.  Returns the parsed JSON (json_decref it) or
 * NULL. */
struct json_t *icecast_status_fetch(const char *host, int port, int timeout_ms);
/* The status's source on mount ("/radio.ogg"), borrowed; NULL when none. */
struct json_t *icecast_status_source(struct json_t *status, const char *mount);
/* host:port's addresses (getaddrinfo, not bounded in time), NULL when the
 * lookup fails; free with icecast_addresses_free. */
struct addrinfo *icecast_lookup(const char *host, int port);
void icecast_addresses_free(struct addrinfo *addresses);
/* Sets the title listeners of mount see (ICY metadata of MP3 streams) with
 * the source credentials.  With addresses (from icecast_lookup) no name is
 * looked up and the whole exchange is bounded by timeout_ms; with NULL, host
 * is looked up first.  host goes in the Host header either way.  Returns 0,
 * or -1 with a reason in err. */
int icecast_update_title(const char *host, int port, const struct addrinfo *addresses,
                         const char *user, const char *password, const char *mount,
                         const char *song, int timeout_ms, char *err, size_t err_size);

/* ---- worker threads (common/worker.c) ------------------------------------------ */

/* A background thread that runs one function again and again: at once when it
 * starts, then each time it is woken or when the wait its last run asked for
 * has passed.  It holds no lock of its own while the function runs, so the
 * function may take its module's locks, and any thread may wake the worker
 * while holding them.  A module keeps its own lock and condition for what it
 * shares with other threads (a queue, a snapshot, a handshake); the worker is
 * only the thread, the wake-up and the stop. */
struct worker;

/* A condition variable whose timed waits are on the monotonic clock (setting
 * the wall clock neither stalls nor hurries them), and the absolute time ms
 * from now on that clock, for pthread_cond_timedwait on it.  Any thread. */
void monotonic_cond_init(pthread_cond_t *cond);
void monotonic_deadline(struct timespec *ts, int ms);

/* fn's answer: wait for worker_wake alone before the next run. */
#define WORKER_UNTIL_WOKEN (-1)

/* Starts a thread that calls fn(arg) (on that thread, never two at once).  fn
 * returns how many milliseconds to wait before its next run unless woken first
 * (0: at once; WORKER_UNTIL_WOKEN: until woken).  A wake that comes while fn
 * runs is not lost: fn runs again as soon as it returns.  name (copied) is for
 * the log; nice > 0 lowers the thread's priority (Linux: a thread has its own
 * nice value) for work the engine must never wait for.  Everything fn uses
 * must be ready before this call.  NULL when the thread cannot start. */
struct worker *worker_new(const char *name, int nice, int (*fn)(void *arg), void *arg);

/* Any thread (also fn itself, and while holding the locks fn takes): fn runs
 * again soon, without waiting out the rest of its wait.  After worker_stop it
 * does nothing.  NULL is a no-op. */
void worker_wake(struct worker *worker);

/* The owner's thread, never fn's: lets the run under way finish, ends the
 * thread and returns once it has been joined; fn is never called again.  A
 * second call does nothing.  NULL is a no-op. */
void worker_stop(struct worker *worker);

/* The owner's thread: worker_stop, then frees.  worker_free(NULL) is a no-op. */
void worker_free(struct worker *worker);

/* ---- small helpers --------------------------------------------------------- */

/* Makes every folder in path (like mkdir -p).  Returns 0 or -1. */
int make_dirs(const char *path, int mode);
/* Decibels to linear gain. */
double db_to_gain(double db);

#endif
