/* Private to scheduler/: the in-memory catalog and grid, and the planner that
 * decides what airs next.  The engine's source (source.c) and the rundown
 * (scheduler_plan) run the very same planner, so what is planned is what
 * airs. */
#ifndef SIARAN_SCHEDULER_PLAN_H
#define SIARAN_SCHEDULER_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "scheduler/scheduler.h"

/* Tolerance for "now" when comparing with an event time: the engine maps
 * times to frames and back, which can round a hard event 1 ms early. */
#define PLAN_SLOP_MS 2
/* A hard event that could not start on time (two at once, an urgent
 * announcement) still airs at the next boundary if it is at most this late. */
#define PLAN_HARD_LATE_MS (15LL * 60 * 1000)
/* History kept for separation rules. */
#define PLAN_HISTORY_MS (48LL * 3600 * 1000)

/* ---- the media library in memory (grid.c) ------------------------------------ */

struct cat_media {
        int64_t id;
        char *path;
        char *title;
        char *artist;
        enum item_kind kind;
        int64_t cue_in, cue_out; /* station-rate frames */
        double loudness;
        bool quiet;
        signed char exists;  /* file present: -1 not checked yet, 0, 1 */
        uint64_t artist_key; /* hash of the lower-case artist; 0 = no artist */
};

struct cat_category {
        char *name;
        size_t *media; /* indexes into catalog.media */
        size_t n;
};

struct catalog {
        struct cat_media *media; /* not deleted, sorted by id */
        size_t n_media;
        size_t *by_path;                 /* indexes sorted by path */
        struct cat_category *categories; /* sorted by name */
        size_t n_categories;
};

/* Loads every media row that is not deleted.  NULL with a reason in err. */
struct catalog *catalog_load(sqlite3 *db, int rate, char *err, size_t err_size);
void catalog_free(struct catalog *cat);
struct cat_media *catalog_get(struct catalog *cat, int64_t id);
const struct cat_media *catalog_find_path(struct catalog *cat, const char *path);
const struct cat_category *catalog_category(const struct catalog *cat, const char *name);
/* True when the file is present (checked once, then cached). */
bool catalog_playable(struct cat_media *m);
/* loudness_target - loudness, clamped to +-24 dB. */
double catalog_gain_db(const struct cat_media *m, double target);

/* ---- the grid: shows and PSA campaigns (grid.c) ------------------------------- */

enum show_content {
        CONTENT_PLAYLIST,
        CONTENT_ROTATION,
        CONTENT_COMPLAINTS,
        CONTENT_RELAY,
        CONTENT_LIVE /* waits for a presenter: filler from its categories */
};

struct show {
        int64_t id;
        char *name;
        int days;                          /* bit 0 = Sunday */
        int start_time;                    /* seconds after local midnight */
        int duration;                      /* seconds */
        char valid_from[11], valid_to[11]; /* "" = open */
        enum show_content content;
        char *url;    /* relay: the remote stream */
        size_t *pool; /* catalog indexes drawn by rotation (and complaint filler) */
        size_t n_pool;
        int64_t *playlist; /* media ids in order */
        size_t n_playlist;
        int64_t track_separation_ms, artist_separation_ms;
        bool hard_start, hard_end;
        int64_t seed;
        char (*dates)[11]; /* one-off local dates */
        size_t n_dates;
        char (*except_dates)[11]; /* local dates the weekly slot does not air */
        size_t n_except_dates;
};

struct campaign {
        int64_t id;
        char *name;
        char valid_from[11], valid_to[11];
        int days;
        bool hard;
        int *times; /* seconds after local midnight */
        size_t n_times;
        int interval_minutes;
        int64_t window_ms;
        int64_t fade_ms;
        int64_t *items; /* media ids in position order */
        size_t n_items;
};

/* A show airing on a date. */
struct instance {
        const struct show *show;
        int64_t start, end; /* UTC ms */
        bool dated;         /* from show_dates: beats a weekly slot */
        int date_key;       /* local date as YYYYMMDD, for rotation seeds */
};

/* A campaign's airing point on a date. */
struct slot {
        const struct campaign *campaign;
        int64_t at;         /* UTC ms */
        int64_t window_end; /* soft: latest boundary; hard: == at */
        int64_t seq;        /* rotation counter: which item airs */
};

struct day_plan {
        int64_t midnight;      /* UTC ms of local midnight; 0 = unused cache entry */
        struct instance *inst; /* sorted by start */
        size_t n_inst;
        struct slot *slots; /* sorted by at */
        size_t n_slots;
};

#define GRID_DAY_CACHE 6
#define GRID_SPAN_CACHE 16

/* A local day's bounds, cached: the tz arithmetic of libc is slow. */
struct day_span {
        int64_t start, end;
};

struct grid {
        struct show *shows;
        size_t n_shows;
        struct campaign *campaigns;
        size_t n_campaigns;
        int64_t intro_jingle, outro_jingle; /* Suara Warga jingles; 0 = none */
        struct day_plan days[GRID_DAY_CACHE];
        size_t next_day; /* round-robin cache replacement */
        struct day_span spans[GRID_SPAN_CACHE];
        size_t next_span;
};

struct grid *grid_load(sqlite3 *db, struct catalog *cat, char *err, size_t err_size);
void grid_free(struct grid *grid);
/* The instances and slots of the local day starting at midnight (cached). */
const struct day_plan *grid_day(struct grid *grid, int64_t midnight);
/* Midnight of the local day before / after the one starting at midnight. */
int64_t day_before(int64_t midnight);
int64_t day_after(int64_t midnight);
/* The same, and time_local_midnight, through the grid's cache. */
int64_t grid_midnight(struct grid *grid, int64_t ms);
int64_t grid_day_before(struct grid *grid, int64_t midnight);
int64_t grid_day_after(struct grid *grid, int64_t midnight);
/* The same, and time_local_midnight, through the grid's cache. */
int64_t grid_midnight(struct grid *grid, int64_t ms);
int64_t grid_day_before(struct grid *grid, int64_t midnight);
int64_t grid_day_after(struct grid *grid, int64_t midnight);

/* ---- complaints and announcements waiting to air (source.c) ------------------ */

struct live_complaint {
        int64_t id;
        int64_t media_id, intro_media_id;
        char *title;
        bool air_next;
        bool queued; /* status 'queued': in the next Suara Warga segment */
        bool answer; /* the agency's answer to it (intro, then the answer) */
};

enum announcement_mode { ANNOUNCE_NOW, ANNOUNCE_NEXT, ANNOUNCE_AT };

struct live_announcement {
        int64_t id;
        int64_t media_id;
        enum announcement_mode mode;
        int64_t air_at;
        int64_t alert_id; /* an emergency bulletin's alert; 0 for the panel's */
};

struct live_queue {
        struct live_complaint *complaints; /* queue order */
        size_t n_complaints;
        struct live_announcement *announcements; /* queue order */
        size_t n_announcements;
};

/* Reads what waits to air: complaints with consent, not confidential, that
 * are queued or marked air-next, then the answers to such complaints not
 * aired yet (each in the next Suara Warga segment); pending announcements.  Returns 0 or
 * -1. */
int live_queue_load(sqlite3 *db, struct live_queue *q);
void live_queue_clear(struct live_queue *q);

/* ---- the fallback playlist (fallback.c) ----------------------------------------- */

enum pick_source {
        PICK_FALLBACK,
        PICK_SHOW,
        PICK_JINGLE,
        PICK_HARD_PSA,
        PICK_SOFT_PSA,
        PICK_COMPLAINT_INTRO,
        PICK_COMPLAINT,
        PICK_ANNOUNCEMENT,
        PICK_COMPLAINT_ANSWER,
        PICK_PRESENTER, /* the live input */
};

/* What the planner decided; strings are borrowed from the catalog, the
 * fallback or the live queue and are copied right away. */
struct plan_pick {
        const char *path, *title, *artist;
        enum item_kind kind;
        int64_t media_id;
        int64_t cue_in, cue_out; /* cue_out 0 = end of file */
        int64_t frames;          /* frames the item plays from cue_in */
        double gain_db;
        bool quiet;
        enum pick_source source;
        int64_t ref; /* show, campaign, complaint or announcement id; fallback index */
        int64_t end_by_ms, end_fade_ms;
        int end_reason;
        /* the timed event this pick consumed, to undo it if it cannot air */
        int event_type;
        int64_t event_id, event_at;
};

struct fallback;

/* Loads config->fallback_playlist (none configured: an empty fallback).  With
 * db (may be NULL), every entry gets its loudness from the fallback_loudness
 * cache, or (measure) is decoded and measured once and cached there, so it
 * airs at loudness_target like an imported item; that can take seconds per
 * new file, so the engine thread never calls this.  NULL with a reason when
 * the playlist cannot be read. */
struct fallback *fallback_new(const struct config *config, sqlite3 *db, bool measure,
                              char *err, size_t err_size);
/* Entries that were not in the loudness cache and were not measured. */
size_t fallback_unmeasured(const struct fallback *fb);
void fallback_free(struct fallback *fb);
size_t fallback_count(const struct fallback *fb);
/* The next playable entry from *cursor on (advanced past it).  -1 if none. */
int fallback_pick(struct fallback *fb, struct catalog *cat, size_t *cursor,
                  int64_t now_ms, struct plan_pick *pick);
/* The engine could not open path: leave it out for a while. */
void fallback_mark_unreadable(struct fallback *fb, const char *path, int64_t now_ms);

/* ---- the planner (plan.c) -------------------------------------------------------- */

enum event_type {
        EVENT_NONE,
        EVENT_SLOT,
        EVENT_SHOW,
        EVENT_ANNOUNCEMENT,
        EVENT_COMPLAINT,
        EVENT_COMPLAINT_ANSWER
};

struct done_event {
        int type;
        int64_t id;
        int64_t at;
};

struct history_entry {
        int64_t start;
        int64_t media_id;
        uint64_t artist_key;
};

struct show_progress {
        int64_t show_id, start; /* the instance */
        int pos;                /* playlist position or complaint stage */
        int picks;              /* rotation draws so far */
};

/* Everything the planner remembers between calls.  Plain arrays, so a copy
 * can be kept and put back when the engine cancels an item. */
struct plan_state {
        size_t fallback_cursor;
        int64_t fallback_day;
        struct history_entry *history;
        size_t n_history, cap_history;
        struct done_event *done;
        size_t n_done, cap_done;
        struct show_progress *progress;
        size_t n_progress, cap_progress;
        int64_t followup_complaint; /* recording due right after its intro; 0 = none */
        bool followup_answer;       /* ... and it is the agency's answer to it */
};

void plan_state_clear(struct plan_state *st);
/* dst becomes a deep copy of src (dst's old contents are freed). */
void plan_state_copy(struct plan_state *dst, const struct plan_state *src);

struct planner {
        const struct config *config;
        int rate;
        struct catalog *cat;
        struct grid *grid;
        struct fallback *fb;
        struct live_queue *live; /* may be NULL */
        int64_t live_from;       /* the live queue is used for starts from here on */
        struct plan_state st;
        /* Relay shows: whether the relayed stream can air now (NULL: assume it
         * can, as a rundown does); and, set by planner_next, the relay show
         * winning at the pick's start (url NULL when none). */
        bool (*relay_ready)(void *ctx);
        void *relay_ctx;
        const char *relay_url; /* borrowed from the grid */
        int64_t relay_from, relay_until;
        /* The live input (NULL: none, as in a rundown): whether a presenter
         * can air now (live_show: a show whose content is "live" is on), with
         * their name in name; title is what their item airs under.  Their item comes
         * right after urgent announcements and due hard events. */
        bool (*presenter_ready)(void *ctx, bool live_show, const char *title, char *name,
                                size_t name_size);
        void *presenter_ctx;
        char presenter_name[128];
        /* set by planner_next: the live show winning at the pick's start
         * (0, 0: none) */
        int64_t live_show_from, live_show_until;
};

/* Decides what starts at start_ms and records it in the state.  Returns 0,
 * or -1 when there is nothing at all (no playable fallback). */
int planner_next(struct planner *p, int64_t start_ms, struct plan_pick *pick);
/* The earliest hard event in (from_ms, until_ms]. */
bool planner_next_hard(struct planner *p, int64_t from_ms, int64_t until_ms,
                       int64_t *at_ms);
/* Forgets that the event of pick was consumed (its item could not air). */
void planner_undo_event(struct planner *p, const struct plan_pick *pick);
/* Fills a playout item from a pick. */
void planner_make_item(const struct planner *p, const struct plan_pick *pick,
                       int64_t start_ms, struct playout_item *item);

/* Runs the planner like the engine would, from origin_ms until to_ms, with
 * lengths from the library.  emit gets each item with its start and end and
 * returns false to stop early. */
typedef bool (*plan_emit_fn)(void *user, int64_t start_ms, int64_t end_ms,
                             const struct plan_pick *pick);
void planner_simulate(struct planner *p, int64_t origin_ms, int64_t to_ms,
                      plan_emit_fn emit, void *user);

/* The same from an item already picked at start_ms (emitted first, whatever
 * to_ms), the planner's state being the one right after that pick: how the
 * timeline goes on from the engine's real state. */
void planner_continue(struct planner *p, int64_t start_ms, const struct plan_pick *pick,
                      int64_t to_ms, plan_emit_fn emit, void *user);

/* Where a simulation must start so that the state at ms is the same every
 * time it is computed: local midnight of the day before. */
int64_t planner_anchor(int64_t ms);

/* ---- the station's real state (timeline.c) ------------------------------------------
 */

/* The planner's state as bytes (the checkpoint the station saves), and back:
 * plan_state_decode returns 0, or -1 (st left empty) when data is not one. */
void *plan_state_encode(const struct plan_state *st, size_t *size);
int plan_state_decode(struct plan_state *st, const void *data, size_t size);

/* An item the engine took from the planner, with the planner's state right
 * after that pick. */
struct anchor_item {
        int64_t start;         /* UTC ms: when it starts (or started) */
        struct plan_pick pick; /* its strings owned */
        struct plan_state st;
};

/* The engine's latest picks: the item last started (or about to start) and
 * the one it pre-opened to follow it.  Plain data with ids, no pointers into
 * a catalogue, so another thread or process can go on planning from it with
 * catalogue and grid of its own. */
struct anchor {
        struct anchor_item items[2];
        size_t n;
};

void anchor_clear(struct anchor *a);
void anchor_copy(struct anchor *dst, const struct anchor *src);
/* A new pick: it follows the latest one, which becomes the first. */
void anchor_push(struct anchor *a, int64_t start_ms, const struct plan_pick *pick,
                 const struct plan_state *st);
/* The engine cancelled the latest pick. */
void anchor_pop(struct anchor *a);
void *anchor_encode(const struct anchor *a, size_t *size);
int anchor_decode(struct anchor *a, const void *data, size_t size);
/* The checkpoint row: anchor_load returns 1 (read), 0 (none saved or not
 * readable) or -1 (database error); anchor_save replaces it (inside the
 * caller's transaction), 0 or -1. */
int anchor_load(sqlite3 *db, struct anchor *a);
int anchor_save(sqlite3 *db, const void *data, size_t size);
/* Runs the timeline from the anchor: the latest of its items starting at or
 * before at_ms (or its first), the one pre-opened after it, then the planner
 * on from there until to_ms.  p's state is replaced.  false when the anchor
 * is empty. */
bool anchor_run(struct planner *p, const struct anchor *a, int64_t at_ms, int64_t to_ms,
                plan_emit_fn emit, void *user);

#endif
