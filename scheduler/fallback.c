/* The fallback playlist: what airs whenever nothing else is due.  Entries
 * are probed once (library row by path, else the file's tags and length) and
 * cached, so the plan and the engine see the same titles and lengths. */
#define LOG_MODULE "fallback"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "media/media.h"
#include "scheduler/plan.h"

/* A file that failed to open is tried again after this long, so a file
 * copied in later starts airing without a restart. */
#define RETRY_UNREADABLE_MS (60LL * 1000)

struct fallback_entry {
        char *path;
        char *title; /* #EXTINF, library row, tags, file name: first found */
        char *artist;
        int64_t media_id;
        int64_t cue_in, cue_out; /* station-rate frames; cue_out 0 = end of file */
        int64_t frames;          /* frames from cue_in to the end (or cue_out) */
        double gain_db;
        double loudness; /* LUFS, measured at load (has_loudness) */
        bool has_loudness;
        bool quiet;
        bool probed;
        bool readable;
        /* unreadable: probe again from this monotonic time (ms).  Real time,
         * not plan time: a render or a rundown simulates hours in seconds, and
         * what may change is the file on disk. */
        int64_t retry_at;
        bool warned; /* its being unplayable was logged */
};

struct fallback {
        struct fallback_entry *entries;
        size_t count;
        int rate;
        double loudness_target;
        size_t unmeasured; /* entries not in the loudness cache, not measured */
};

/* ---- loudness, measured once per file version ------------------------------ */

struct file_version {
        int64_t size, mtime_ns;
};

static int file_version_of(const char *path, struct file_version *v)
{
        struct stat st;
        if (stat(path, &st) < 0)
                return -1;
        v->size = (int64_t)st.st_size;
        v->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        return 0;
}

/* The cached loudness of this version of the file, if any. */
static bool loudness_cached(sqlite3 *db, const char *path, int rate,
                            const struct file_version *v, double *loudness)
{
        sqlite3_stmt *stmt = NULL;
        bool found = false;
        if (sqlite3_prepare_v2(db,
                               "SELECT loudness FROM fallback_loudness WHERE path = ?1"
                               " AND rate = ?2 AND size = ?3 AND mtime_ns = ?4",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
        sqlite3_bind_int(stmt, 2, rate);
        sqlite3_bind_int64(stmt, 3, v->size);
        sqlite3_bind_int64(stmt, 4, v->mtime_ns);
        if (sqlite3_step(stmt) == SQLITE_ROW) {
                *loudness = sqlite3_column_double(stmt, 0);
                found = true;
        }
out:
        sqlite3_finalize(stmt);
        return found;
}

static void loudness_store(sqlite3 *db, const char *path, int rate,
                           const struct file_version *v, const struct media_info *info)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                db,
                "INSERT OR REPLACE INTO fallback_loudness (path, rate, size,"
                " mtime_ns, loudness, true_peak, measured_at)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
        sqlite3_bind_int(stmt, 2, rate);
        sqlite3_bind_int64(stmt, 3, v->size);
        sqlite3_bind_int64(stmt, 4, v->mtime_ns);
        sqlite3_bind_double(stmt, 5, info->loudness);
        sqlite3_bind_double(stmt, 6, info->true_peak);
        sqlite3_bind_int64(stmt, 7, time_now_ms() / 1000);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                log_warn("cannot cache the loudness of %s: %s", path, sqlite3_errmsg(db));
out:
        sqlite3_finalize(stmt);
}

/* Gives the entry its loudness: from the cache when this version of the file
 * was measured before, else by decoding it once (as an import would). */
static void measure_entry(struct fallback *fb, sqlite3 *db, bool measure,
                          struct fallback_entry *e)
{
        struct file_version v;
        if (file_version_of(e->path, &v) < 0)
                return; /* missing: the probe at air time says so */
        if (loudness_cached(db, e->path, fb->rate, &v, &e->loudness)) {
                e->has_loudness = true;
                return;
        }
        if (!measure) {
                fb->unmeasured++;
                return;
        }
        struct media_info info;
        char err[256];
        if (media_analyze(e->path, fb->rate, &info, err, sizeof err) < 0)
                return; /* not playable: the probe at air time says so */
        e->loudness = info.loudness;
        e->has_loudness = true;
        log_info("fallback entry %s measured: %.1f LUFS", e->path, info.loudness);
        loudness_store(db, e->path, fb->rate, &v, &info);
        media_info_clear(&info);
}

/* The gain an imported item of this loudness gets. */
static double gain_toward_target(const struct fallback *fb, double loudness)
{
        struct cat_media m = {.loudness = loudness};
        return catalog_gain_db(&m, fb->loudness_target);
}

/* ---- the playlist ----------------------------------------------------------- */

struct fallback *fallback_new(const struct config *config, sqlite3 *db, bool measure,
                              char *err, size_t err_size)
{
        struct fallback *fb = xcalloc(1, sizeof *fb);
        fb->rate = config->samplerate;
        fb->loudness_target = config->loudness_target;
        if (!config->fallback_playlist || !*config->fallback_playlist) {
                log_warn("no [fallback] playlist: silence when nothing is scheduled");
                return fb;
        }
        struct media_playlist *pl =
            media_playlist_load(config->fallback_playlist, err, err_size);
        if (!pl) {
                free(fb);
                return NULL;
        }
        fb->entries = xcalloc(pl->count ? pl->count : 1, sizeof *fb->entries);
        fb->count = pl->count;
        for (size_t i = 0; i < pl->count; i++) {
                struct fallback_entry *e = &fb->entries[i];
                e->path = xstrdup(pl->entries[i].path);
                e->title = xstrdup(pl->entries[i].title);
                e->artist = xstrdup(pl->entries[i].artist);
                if (db)
                        measure_entry(fb, db, measure, e);
        }
        media_playlist_free(pl);
        if (fb->count == 0)
                log_warn("fallback playlist %s has no entries",
                         config->fallback_playlist);
        return fb;
}

void fallback_free(struct fallback *fb)
{
        if (!fb)
                return;
        for (size_t i = 0; i < fb->count; i++) {
                free(fb->entries[i].path);
                free(fb->entries[i].title);
                free(fb->entries[i].artist);
        }
        free(fb->entries);
        free(fb);
}

size_t fallback_count(const struct fallback *fb)
{
        return fb ? fb->count : 0;
}

size_t fallback_unmeasured(const struct fallback *fb)
{
        return fb ? fb->unmeasured : 0;
}

static void take_text(char **dst, const char *src)
{
        if (!*dst && src && *src)
                *dst = xstrdup(src);
}

/* Fills the entry from the library row with the same path, if any. */
static bool probe_library(struct fallback *fb, struct fallback_entry *e,
                          struct catalog *cat)
{
        const struct cat_media *m = catalog_find_path(cat, e->path);
        if (!m)
                return false;
        e->media_id = m->id;
        take_text(&e->title, m->title);
        take_text(&e->artist, m->artist);
        e->cue_in = m->cue_in;
        e->cue_out = m->cue_out;
        e->frames = m->cue_out - m->cue_in;
        e->gain_db = catalog_gain_db(m, fb->loudness_target);
        e->quiet = m->quiet;
        return true;
}

static bool probe_file(struct fallback *fb, struct fallback_entry *e)
{
        const char *why = NULL;
        struct media_reader *r = media_reader_open(e->path, fb->rate, &why);
        if (!r) {
                if (!e->warned)
                        log_warn("fallback entry %s is not playable: %s", e->path,
                                 why ? why : "unreadable");
                e->warned = true;
                return false;
        }
        take_text(&e->title, media_reader_title(r));
        take_text(&e->artist, media_reader_artist(r));
        int64_t frames = media_reader_frames(r);
        /* Unknown length (a stream without a header length): assume a song's
         * length for planning; the engine uses the real end. */
        e->frames = frames > 0 ? frames : (int64_t)fb->rate * 180;
        e->cue_in = 0;
        e->cue_out = 0;
        e->gain_db = e->has_loudness ? gain_toward_target(fb, e->loudness) : 0;
        media_reader_free(r);
        return true;
}

static bool entry_playable(struct fallback *fb, struct fallback_entry *e,
                           struct catalog *cat, int64_t now_ms)
{
        (void)now_ms;
        int64_t now = time_monotonic_ns() / 1000000;
        if (e->probed && (e->readable || now < e->retry_at))
                return e->readable;
        e->probed = true;
        e->readable = probe_library(fb, e, cat) || probe_file(fb, e);
        if (e->readable && e->frames <= 0) {
                if (!e->warned)
                        log_warn("fallback entry %s is empty", e->path);
                e->warned = true;
                e->readable = false;
        }
        if (e->readable)
                e->warned = false;
        if (!e->title)
                e->title = media_title_from_path(e->path);
        if (!e->artist)
                e->artist = xstrdup("");
        e->retry_at = now + RETRY_UNREADABLE_MS;
        return e->readable;
}

void fallback_mark_unreadable(struct fallback *fb, const char *path, int64_t now_ms)
{
        for (size_t i = 0; fb && i < fb->count; i++) {
                struct fallback_entry *e = &fb->entries[i];
                if (strcmp(e->path, path) == 0) {
                        (void)now_ms;
                        e->probed = true;
                        e->readable = false;
                        e->retry_at = time_monotonic_ns() / 1000000 + RETRY_UNREADABLE_MS;
                }
        }
}

int fallback_pick(struct fallback *fb, struct catalog *cat, size_t *cursor,
                  int64_t now_ms, struct plan_pick *pick)
{
        if (!fb || fb->count == 0)
                return -1;
        for (size_t tried = 0; tried < fb->count; tried++) {
                size_t i = (*cursor + tried) % fb->count;
                struct fallback_entry *e = &fb->entries[i];
                if (!entry_playable(fb, e, cat, now_ms))
                        continue;
                *cursor = (i + 1) % fb->count;
                memset(pick, 0, sizeof *pick);
                pick->path = e->path;
                pick->title = e->title;
                pick->artist = e->artist;
                pick->kind = ITEM_FALLBACK;
                pick->media_id = e->media_id;
                pick->cue_in = e->cue_in;
                pick->cue_out = e->cue_out;
                pick->frames = e->frames;
                pick->gain_db = e->gain_db;
                pick->quiet = e->quiet;
                pick->source = PICK_FALLBACK;
                pick->ref = (int64_t)i;
                return 0;
        }
        return -1;
}
