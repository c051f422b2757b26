/* The media library, shows and PSA campaigns, read once into memory so that
 * the planner never queries the database per item (a week's rundown of a
 * large library plans in milliseconds).  Reloaded when the database changes. */
#define _GNU_SOURCE /* qsort_r */
#define LOG_MODULE "grid"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scheduler/plan.h"

/* ---- catalog ---------------------------------------------------------------- */

static char *column_text(sqlite3_stmt *stmt, int col)
{
        const unsigned char *t = sqlite3_column_text(stmt, col);
        return xstrdup(t ? (const char *)t : "");
}

static uint64_t artist_hash(const char *artist)
{
        if (!artist || !*artist)
                return 0;
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */
        for (const char *c = artist; *c; c++) {
                h ^= (unsigned char)tolower((unsigned char)*c);
                h *= 1099511628211ULL;
        }
        return h ? h : 1;
}

static int compare_by_path(const void *a, const void *b, void *catalog)
{
        const struct cat_media *m = ((const struct catalog *)catalog)->media;
        return strcmp(m[*(const size_t *)a].path, m[*(const size_t *)b].path);
}

static int compare_category(const void *a, const void *b)
{
        return strcmp(((const struct cat_category *)a)->name,
                      ((const struct cat_category *)b)->name);
}

static size_t catalog_index(const struct catalog *cat, int64_t id, bool *found)
{
        size_t lo = 0, hi = cat->n_media;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (cat->media[mid].id < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *found = lo < cat->n_media && cat->media[lo].id == id;
        return lo;
}

struct cat_media *catalog_get(struct catalog *cat, int64_t id)
{
        bool found;
        size_t i = catalog_index(cat, id, &found);
        return found ? &cat->media[i] : NULL;
}

const struct cat_media *catalog_find_path(struct catalog *cat, const char *path)
{
        size_t lo = 0, hi = cat ? cat->n_media : 0;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(cat->media[cat->by_path[mid]].path, path);
                if (c == 0)
                        return &cat->media[cat->by_path[mid]];
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

const struct cat_category *catalog_category(const struct catalog *cat, const char *name)
{
        struct cat_category key = {.name = (char *)name};
        if (cat->n_categories == 0) /* bsearch needs a non-null base */
                return NULL;
        return bsearch(&key, cat->categories, cat->n_categories, sizeof key,
                       compare_category);
}

bool catalog_playable(struct cat_media *m)
{
        if (m->exists < 0) {
                m->exists = access(m->path, R_OK) == 0;
                if (!m->exists)
                        log_warn(
                            "media %lld: file %s is missing; left out of the schedule",
                            (long long)m->id, m->path);
        }
        return m->exists == 1;
}

double catalog_gain_db(const struct cat_media *m, double target)
{
        double gain = target - m->loudness;
        if (m->loudness <= -69) /* silence: no loudness to match */
                return 0;
        if (gain > 24)
                gain = 24;
        if (gain < -24)
                gain = -24;
        return gain;
}

static int64_t rescale(int64_t frames, int from_rate, int to_rate)
{
        if (from_rate <= 0 || from_rate == to_rate)
                return frames;
        return (int64_t)((__int128)frames * to_rate / from_rate);
}

static int load_categories(sqlite3 *db, struct catalog *cat)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db,
                               "SELECT c.category, c.media_id FROM media_category c"
                               " JOIN media m ON m.id = c.media_id WHERE m.deleted = 0"
                               /* rotations draw from categories: a complaint
                                * recording airs only in Suara Warga */
                               " AND m.kind != 'complaint'"
                               " ORDER BY c.category, c.media_id",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        size_t cap = 0;
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                const char *name = (const char *)sqlite3_column_text(stmt, 0);
                bool found;
                size_t idx = catalog_index(cat, sqlite3_column_int64(stmt, 1), &found);
                if (!name || !found)
                        continue;
                struct cat_category *c =
                    cat->n_categories ? &cat->categories[cat->n_categories - 1] : NULL;
                if (!c || strcmp(c->name, name) != 0) {
                        cat->categories = xrealloc(cat->categories,
                                                   (cat->n_categories + 1) * sizeof *c);
                        c = &cat->categories[cat->n_categories++];
                        c->name = xstrdup(name);
                        c->media = NULL;
                        c->n = 0;
                        cap = 0;
                }
                if (c->n == cap) {
                        cap = cap ? 2 * cap : 16;
                        c->media = xrealloc(c->media, cap * sizeof *c->media);
                }
                c->media[c->n++] = idx;
        }
        rc = step == SQLITE_DONE ? 0 : -1;
out:
        sqlite3_finalize(stmt);
        return rc;
}

struct catalog *catalog_load(sqlite3 *db, int rate, char *err, size_t err_size)
{
        struct catalog *cat = xcalloc(1, sizeof *cat);
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                db,
                "SELECT id, path, title, artist, kind, cue_in, cue_out, rate,"
                " loudness, quiet FROM media WHERE deleted = 0 ORDER BY id",
                -1, &stmt, NULL) != SQLITE_OK)
                goto fail;
        size_t cap = 0;
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                if (cat->n_media == cap) {
                        cap = cap ? 2 * cap : 256;
                        cat->media = xrealloc(cat->media, cap * sizeof *cat->media);
                }
                struct cat_media *m = &cat->media[cat->n_media++];
                m->id = sqlite3_column_int64(stmt, 0);
                m->path = column_text(stmt, 1);
                m->title = column_text(stmt, 2);
                m->artist = column_text(stmt, 3);
                const char *kind = (const char *)sqlite3_column_text(stmt, 4);
                if (!kind || item_kind_parse(kind, &m->kind) < 0)
                        m->kind = ITEM_MUSIC;
                int media_rate = sqlite3_column_int(stmt, 7);
                m->cue_in = rescale(sqlite3_column_int64(stmt, 5), media_rate, rate);
                m->cue_out = rescale(sqlite3_column_int64(stmt, 6), media_rate, rate);
                m->loudness = sqlite3_column_double(stmt, 8);
                m->quiet = sqlite3_column_int(stmt, 9) != 0;
                m->exists = -1;
                m->artist_key = artist_hash(m->artist);
        }
        if (step != SQLITE_DONE)
                goto fail;
        sqlite3_finalize(stmt);
        stmt = NULL;
        cat->by_path = xmalloc((cat->n_media ? cat->n_media : 1) * sizeof *cat->by_path);
        for (size_t i = 0; i < cat->n_media; i++)
                cat->by_path[i] = i;
        qsort_r(cat->by_path, cat->n_media, sizeof *cat->by_path, compare_by_path, cat);
        if (load_categories(db, cat) < 0)
                goto fail;
        return cat;
fail:
        snprintf(err, err_size, "reading the media library: %s", sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        catalog_free(cat);
        return NULL;
}

void catalog_free(struct catalog *cat)
{
        if (!cat)
                return;
        for (size_t i = 0; i < cat->n_media; i++) {
                free(cat->media[i].path);
                free(cat->media[i].title);
                free(cat->media[i].artist);
        }
        for (size_t i = 0; i < cat->n_categories; i++) {
                free(cat->categories[i].name);
                free(cat->categories[i].media);
        }
        free(cat->categories);
        free(cat->by_path);
        free(cat->media);
        free(cat);
}

/* ---- grid ------------------------------------------------------------------- */

static void copy_date(char dst[11], sqlite3_stmt *stmt, int col)
{
        const unsigned char *t = sqlite3_column_text(stmt, col);
        snprintf(dst, 11, "%s", t ? (const char *)t : "");
}

/* "HH:MM[:SS]" -> seconds after midnight, or -1. */
static int parse_clock(const char *text)
{
        int h, m, s = 0, used = 0;
        if (sscanf(text, "%d:%d%n:%d%n", &h, &m, &used, &s, &used) < 2)
                return -1;
        while (text[used] == ' ')
                used++;
        if (text[used] || h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59)
                return -1;
        return h * 3600 + m * 60 + s;
}

static int compare_int(const void *a, const void *b)
{
        int x = *(const int *)a, y = *(const int *)b;
        return (x > y) - (x < y);
}

static void parse_times(struct campaign *c, const char *text)
{
        char *copy = xstrdup(text ? text : "");
        char *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
                while (*tok == ' ')
                        tok++;
                if (!*tok)
                        continue;
                int secs = parse_clock(tok);
                if (secs < 0) {
                        log_warn("campaign %lld: ignoring time '%s'", (long long)c->id,
                                 tok);
                        continue;
                }
                c->times = xrealloc(c->times, (c->n_times + 1) * sizeof *c->times);
                c->times[c->n_times++] = secs;
        }
        if (c->n_times > 1)
                qsort(c->times, c->n_times, sizeof *c->times, compare_int);
        free(copy);
}

static int compare_size(const void *a, const void *b)
{
        size_t x = *(const size_t *)a, y = *(const size_t *)b;
        return (x > y) - (x < y);
}

/* The union of the categories' media, without duplicates, in id order (the
 * catalog's order) so a rotation draw is the same whatever order the
 * categories were listed in. */
static void build_pool(struct show *s, const struct catalog *cat, const char *categories)
{
        char *copy = xstrdup(categories ? categories : "");
        char *save = NULL;
        size_t cap = 0;
        for (char *tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
                while (*tok == ' ')
                        tok++;
                char *end = tok + strlen(tok);
                while (end > tok && end[-1] == ' ')
                        *--end = '\0';
                const struct cat_category *c = *tok ? catalog_category(cat, tok) : NULL;
                if (!c)
                        continue;
                if (s->n_pool + c->n > cap) {
                        cap = s->n_pool + c->n;
                        s->pool = xrealloc(s->pool, cap * sizeof *s->pool);
                }
                memcpy(s->pool + s->n_pool, c->media, c->n * sizeof *c->media);
                s->n_pool += c->n;
        }
        free(copy);
        if (s->n_pool > 1)
                qsort(s->pool, s->n_pool, sizeof *s->pool, compare_size);
        size_t out = 0;
        for (size_t i = 0; i < s->n_pool; i++)
                if (out == 0 || s->pool[out - 1] != s->pool[i])
                        s->pool[out++] = s->pool[i];
        s->n_pool = out;
}

static struct show *find_show(struct grid *g, int64_t id)
{
        for (size_t i = 0; i < g->n_shows; i++)
                if (g->shows[i].id == id)
                        return &g->shows[i];
        return NULL;
}

static struct campaign *find_campaign(struct grid *g, int64_t id)
{
        for (size_t i = 0; i < g->n_campaigns; i++)
                if (g->campaigns[i].id == id)
                        return &g->campaigns[i];
        return NULL;
}

/* The shows with ids in [first_id, last_id] and their dates; with a catalog
 * also their rotation pools and playlists (without one, only when they air:
 * enough for sched_show_airings, and cheap with a big library). */
static int load_shows(sqlite3 *db, struct grid *g, const struct catalog *cat,
                      int64_t first_id, int64_t last_id)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1, step;
        if (sqlite3_prepare_v2(
                db,
                "SELECT id, name, days, start_time, duration, valid_from, valid_to,"
                " content, categories, track_separation_hours,"
                " artist_separation_minutes, hard_start, hard_end, seed, url"
                " FROM shows WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, first_id);
        sqlite3_bind_int64(stmt, 2, last_id);
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                g->shows = xrealloc(g->shows, (g->n_shows + 1) * sizeof *g->shows);
                struct show *s = &g->shows[g->n_shows++];
                memset(s, 0, sizeof *s);
                s->id = sqlite3_column_int64(stmt, 0);
                s->name = column_text(stmt, 1);
                s->days = sqlite3_column_int(stmt, 2);
                s->start_time = sqlite3_column_int(stmt, 3);
                s->duration = sqlite3_column_int(stmt, 4);
                if (s->duration > 24 * 3600)
                        s->duration = 24 * 3600;
                copy_date(s->valid_from, stmt, 5);
                copy_date(s->valid_to, stmt, 6);
                const char *content = (const char *)sqlite3_column_text(stmt, 7);
                s->content = !content || !strcmp(content, "playlist") ? CONTENT_PLAYLIST
                             : !strcmp(content, "rotation")           ? CONTENT_ROTATION
                             : !strcmp(content, "relay")              ? CONTENT_RELAY
                             : !strcmp(content, "live")               ? CONTENT_LIVE
                                                        : CONTENT_COMPLAINTS;
                if (cat)
                        build_pool(s, cat, (const char *)sqlite3_column_text(stmt, 8));
                s->track_separation_ms =
                    (int64_t)(sqlite3_column_double(stmt, 9) * 3600000.0);
                s->artist_separation_ms =
                    (int64_t)(sqlite3_column_double(stmt, 10) * 60000.0);
                s->hard_start = sqlite3_column_int(stmt, 11) != 0;
                s->hard_end = sqlite3_column_int(stmt, 12) != 0;
                s->seed = sqlite3_column_int64(stmt, 13);
                s->url = column_text(stmt, 14);
        }
        if (step != SQLITE_DONE)
                goto out;
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(
                db,
                "SELECT show_id, date FROM show_dates WHERE show_id BETWEEN ?1 AND ?2"
                " ORDER BY show_id, date",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, first_id);
        sqlite3_bind_int64(stmt, 2, last_id);
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct show *s = find_show(g, sqlite3_column_int64(stmt, 0));
                if (!s)
                        continue;
                s->dates = xrealloc(s->dates, (s->n_dates + 1) * sizeof *s->dates);
                copy_date(s->dates[s->n_dates++], stmt, 1);
        }
        if (step != SQLITE_DONE)
                goto out;
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(db,
                               "SELECT show_id, date FROM show_exceptions"
                               " WHERE show_id BETWEEN ?1 AND ?2 ORDER BY show_id, date",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, first_id);
        sqlite3_bind_int64(stmt, 2, last_id);
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct show *s = find_show(g, sqlite3_column_int64(stmt, 0));
                if (!s)
                        continue;
                s->except_dates = xrealloc(s->except_dates, (s->n_except_dates + 1) *
                                                                sizeof *s->except_dates);
                copy_date(s->except_dates[s->n_except_dates++], stmt, 1);
        }
        if (step != SQLITE_DONE)
                goto out;
        sqlite3_finalize(stmt);
        stmt = NULL;
        if (!cat) {
                rc = 0;
                goto out;
        }
        if (sqlite3_prepare_v2(
                db,
                /* a playlist airs library items only, never a complaint's */
                "SELECT i.show_id, i.media_id FROM show_items i JOIN media m"
                " ON m.id = i.media_id WHERE m.kind != 'complaint'"
                " ORDER BY i.show_id, i.position",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct show *s = find_show(g, sqlite3_column_int64(stmt, 0));
                if (!s)
                        continue;
                s->playlist =
                    xrealloc(s->playlist, (s->n_playlist + 1) * sizeof *s->playlist);
                s->playlist[s->n_playlist++] = sqlite3_column_int64(stmt, 1);
        }
        rc = step == SQLITE_DONE ? 0 : -1;
out:
        sqlite3_finalize(stmt);
        return rc;
}

static int load_campaigns(sqlite3 *db, struct grid *g)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1, step;
        if (sqlite3_prepare_v2(
                db,
                "SELECT id, name, valid_from, valid_to, days, timing, times,"
                " interval_minutes, window_minutes, fade_seconds FROM campaigns"
                " ORDER BY id",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                g->campaigns =
                    xrealloc(g->campaigns, (g->n_campaigns + 1) * sizeof *g->campaigns);
                struct campaign *c = &g->campaigns[g->n_campaigns++];
                memset(c, 0, sizeof *c);
                c->id = sqlite3_column_int64(stmt, 0);
                c->name = column_text(stmt, 1);
                copy_date(c->valid_from, stmt, 2);
                copy_date(c->valid_to, stmt, 3);
                c->days = sqlite3_column_int(stmt, 4);
                const char *timing = (const char *)sqlite3_column_text(stmt, 5);
                c->hard = timing && !strcmp(timing, "hard");
                parse_times(c, (const char *)sqlite3_column_text(stmt, 6));
                c->interval_minutes = sqlite3_column_int(stmt, 7);
                if (c->interval_minutes < 0 || c->interval_minutes > 24 * 60)
                        c->interval_minutes = 0;
                c->window_ms = c->hard ? 0 : (int64_t)sqlite3_column_int(stmt, 8) * 60000;
                c->fade_ms = (int64_t)(sqlite3_column_double(stmt, 9) * 1000.0);
        }
        if (step != SQLITE_DONE)
                goto out;
        sqlite3_finalize(stmt);
        if (sqlite3_prepare_v2(db,
                               "SELECT i.campaign_id, i.media_id FROM campaign_items i"
                               " JOIN media m ON m.id = i.media_id"
                               " WHERE m.kind != 'complaint'"
                               " ORDER BY i.campaign_id, i.position",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct campaign *c = find_campaign(g, sqlite3_column_int64(stmt, 0));
                if (!c)
                        continue;
                c->items = xrealloc(c->items, (c->n_items + 1) * sizeof *c->items);
                c->items[c->n_items++] = sqlite3_column_int64(stmt, 1);
        }
        rc = step == SQLITE_DONE ? 0 : -1;
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* The first playable jingle in a category, or 0. */
static int64_t find_jingle(struct catalog *cat, const char *category)
{
        const struct cat_category *c = catalog_category(cat, category);
        for (size_t i = 0; c && i < c->n; i++) {
                struct cat_media *m = &cat->media[c->media[i]];
                if (m->kind == ITEM_JINGLE && catalog_playable(m))
                        return m->id;
        }
        return 0;
}

struct grid *grid_load(sqlite3 *db, struct catalog *cat, char *err, size_t err_size)
{
        struct grid *g = xcalloc(1, sizeof *g);
        if (load_shows(db, g, cat, INT64_MIN, INT64_MAX) < 0 ||
            load_campaigns(db, g) < 0) {
                snprintf(err, err_size, "reading the schedule: %s", sqlite3_errmsg(db));
                grid_free(g);
                return NULL;
        }
        g->intro_jingle = find_jingle(cat, "suara-warga-intro");
        g->outro_jingle = find_jingle(cat, "suara-warga-outro");
        return g;
}

static void day_plan_clear(struct day_plan *d)
{
        free(d->inst);
        free(d->slots);
        memset(d, 0, sizeof *d);
}

void grid_free(struct grid *g)
{
        if (!g)
                return;
        for (size_t i = 0; i < g->n_shows; i++) {
                struct show *s = &g->shows[i];
                free(s->name);
                free(s->url);
                free(s->pool);
                free(s->playlist);
                free(s->dates);
                free(s->except_dates);
        }
        for (size_t i = 0; i < g->n_campaigns; i++) {
                free(g->campaigns[i].name);
                free(g->campaigns[i].times);
                free(g->campaigns[i].items);
        }
        for (size_t i = 0; i < GRID_DAY_CACHE; i++)
                day_plan_clear(&g->days[i]);
        free(g->shows);
        free(g->campaigns);
        free(g);
}

/* ---- days ---------------------------------------------------------------------- */

int64_t day_before(int64_t midnight)
{
        return time_local_midnight(midnight - 12LL * 3600 * 1000);
}

int64_t day_after(int64_t midnight)
{
        return time_local_midnight(midnight + 36LL * 3600 * 1000);
}

int64_t grid_midnight(struct grid *g, int64_t ms)
{
        for (size_t i = 0; i < GRID_SPAN_CACHE; i++)
                if (g->spans[i].end && g->spans[i].start <= ms && ms < g->spans[i].end)
                        return g->spans[i].start;
        struct day_span *span = &g->spans[g->next_span];
        g->next_span = (g->next_span + 1) % GRID_SPAN_CACHE;
        span->start = time_local_midnight(ms);
        span->end = day_after(span->start);
        return span->start;
}

int64_t grid_day_before(struct grid *g, int64_t midnight)
{
        return grid_midnight(g, midnight - 1);
}

int64_t grid_day_after(struct grid *g, int64_t midnight)
{
        grid_midnight(g, midnight);
        for (size_t i = 0; i < GRID_SPAN_CACHE; i++)
                if (g->spans[i].end && g->spans[i].start == midnight)
                        return g->spans[i].end;
        return day_after(midnight);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t civil_days(int y, int m, int d)
{
        y -= m <= 2;
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        int64_t yoe = y - era * 400;
        int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

static int64_t date_days(const char *date)
{
        int y, m, d;
        if (sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
                return 0;
        return civil_days(y, m, d);
}

static bool within(const char *date, const char *from, const char *to)
{
        return (!*from || strcmp(date, from) >= 0) && (!*to || strcmp(date, to) <= 0);
}

static bool date_listed(char (*dates)[11], size_t n, const char *date)
{
        for (size_t i = 0; i < n; i++)
                if (!strcmp(dates[i], date))
                        return true;
        return false;
}

static int compare_instance(const void *a, const void *b)
{
        const struct instance *x = a, *y = b;
        if (x->start != y->start)
                return (x->start > y->start) - (x->start < y->start);
        return (x->show->id > y->show->id) - (x->show->id < y->show->id);
}

static int compare_slot(const void *a, const void *b)
{
        const struct slot *x = a, *y = b;
        if (x->at != y->at)
                return (x->at > y->at) - (x->at < y->at);
        if (x->campaign->id != y->campaign->id)
                return (x->campaign->id > y->campaign->id) -
                       (x->campaign->id < y->campaign->id);
        return (x->seq > y->seq) - (x->seq < y->seq); /* the merged one keeps the first */
}

static int64_t local_time_on(int y, int m, int d, int secs)
{
        return time_from_local(y, m, d, secs / 3600, secs / 60 % 60, secs % 60);
}

/* The wall times of a campaign's slots in a day, in seconds after midnight,
 * sorted and without duplicates (a time that is also an interval slot airs
 * once).  The same list every day.  Returns the count; *secs is the caller's. */
static size_t campaign_day_times(const struct campaign *c, int **secs)
{
        size_t cap =
            c->n_times +
            (c->interval_minutes > 0 ? (size_t)(1440 / c->interval_minutes) + 1 : 0);
        int *list = xmalloc((cap ? cap : 1) * sizeof *list);
        size_t n = 0;
        for (size_t k = 0; k < c->n_times; k++)
                list[n++] = c->times[k];
        for (int minute = 0; c->interval_minutes > 0 && minute < 1440;
             minute += c->interval_minutes)
                list[n++] = minute * 60;
        if (n > 1)
                qsort(list, n, sizeof *list, compare_int);
        size_t out = 0;
        for (size_t k = 0; k < n; k++)
                if (out == 0 || list[out - 1] != list[k])
                        list[out++] = list[k];
        *secs = list;
        return out;
}

/* Days in [from, to) (days since 1970) whose weekday is in the mask. */
static int64_t airing_days_between(int64_t from, int64_t to, int days_mask)
{
        if (to <= from)
                return 0;
        int per_week = __builtin_popcount((unsigned)days_mask & 0x7f);
        int64_t weeks = (to - from) / 7;
        int64_t count = weeks * per_week;
        for (int64_t day = from + weeks * 7; day < to; day++) {
                int wday = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
                if (days_mask & (1 << wday))
                        count++;
        }
        return count;
}

/* Adds a campaign's slots of one day.  The rotation counter runs through the
 * campaign's life, one step per slot of every day it airs, so the item at a
 * slot does not depend on what aired before and the order goes on across
 * midnight: the day's first slot follows the last slot of the previous
 * airing day. */
static void add_campaign_slots(struct day_plan *day, const struct campaign *c, int y,
                               int m, int d, int64_t today)
{
        int *secs = NULL;
        size_t per_day = campaign_day_times(c, &secs);
        int64_t first_day = *c->valid_from ? date_days(c->valid_from) : 0;
        int64_t seq = airing_days_between(first_day, today, c->days) * (int64_t)per_day;
        for (size_t k = 0; k < per_day; k++) {
                day->slots =
                    xrealloc(day->slots, (day->n_slots + 1) * sizeof *day->slots);
                struct slot *sl = &day->slots[day->n_slots++];
                sl->campaign = c;
                sl->at = local_time_on(y, m, d, secs[k]);
                sl->window_end = sl->at + c->window_ms;
                sl->seq = seq + (int64_t)k;
        }
        free(secs);
}

static void build_day(struct grid *g, struct day_plan *day, int64_t midnight)
{
        int y, m, d, wday;
        time_local_fields(midnight, &y, &m, &d, NULL, NULL, NULL, &wday);
        char date[16];
        snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
        day->midnight = midnight;
        for (size_t i = 0; i < g->n_shows; i++) {
                const struct show *s = &g->shows[i];
                bool dated = date_listed(s->dates, s->n_dates, date);
                /* an exception takes the weekly slot off that date only */
                bool weekly = (s->days & (1 << wday)) &&
                              within(date, s->valid_from, s->valid_to) &&
                              !date_listed(s->except_dates, s->n_except_dates, date);
                if ((!dated && !weekly) || s->duration <= 0)
                        continue;
                day->inst = xrealloc(day->inst, (day->n_inst + 1) * sizeof *day->inst);
                struct instance *in = &day->inst[day->n_inst++];
                in->show = s;
                /* duration is real time: on a clock-change day the show still
                 * lasts that long, and a start in the skipped hour (which mktime
                 * moves forward by the gap) keeps its length. */
                in->start = local_time_on(y, m, d, s->start_time);
                in->end = in->start + (int64_t)s->duration * 1000;
                /* ... except a show of a whole day (24 h), which means "all day":
                 * it lasts to the same wall time next day, so a 25-hour autumn
                 * day has no hour of fallback at its end. */
                if (s->duration == 24 * 3600)
                        in->end = local_time_on(y, m, d + 1, s->start_time);
                in->dated = dated;
                in->date_key = y * 10000 + m * 100 + d;
        }
        if (day->n_inst > 1)
                qsort(day->inst, day->n_inst, sizeof *day->inst, compare_instance);
        int64_t today = civil_days(y, m, d);
        for (size_t i = 0; i < g->n_campaigns; i++) {
                const struct campaign *c = &g->campaigns[i];
                if (!(c->days & (1 << wday)) ||
                    !within(date, c->valid_from, c->valid_to) || c->n_items == 0)
                        continue;
                add_campaign_slots(day, c, y, m, d, today);
        }
        if (day->n_slots > 1)
                qsort(day->slots, day->n_slots, sizeof *day->slots, compare_slot);
        /* On the spring-forward day two wall times can map to one instant. */
        size_t out = 0;
        for (size_t i = 0; i < day->n_slots; i++)
                if (out == 0 || day->slots[out - 1].at != day->slots[i].at ||
                    day->slots[out - 1].campaign != day->slots[i].campaign)
                        day->slots[out++] = day->slots[i];
        day->n_slots = out;
}

const struct day_plan *grid_day(struct grid *g, int64_t midnight)
{
        for (size_t i = 0; i < GRID_DAY_CACHE; i++)
                if (g->days[i].midnight == midnight && midnight != 0)
                        return &g->days[i];
        struct day_plan *day = &g->days[g->next_day];
        g->next_day = (g->next_day + 1) % GRID_DAY_CACHE;
        day_plan_clear(day);
        build_day(g, day, midnight);
        return day;
}

/* ---- one show's airings, for the API ---------------------------------------- */

int sched_show_airings(sqlite3 *db, int64_t show_id, int64_t from_ms, int days,
                       struct sched_airing *out, size_t max, char *err, size_t err_size)
{
        /* A grid of this one show and no catalog: its days come from the very
         * build_day the planner uses, without reading the library. */
        struct grid *g = xcalloc(1, sizeof *g);
        int n = -1;
        if (load_shows(db, g, NULL, show_id, show_id) < 0) {
                snprintf(err, err_size, "reading the schedule: %s", sqlite3_errmsg(db));
                goto out;
        }
        if (g->n_shows == 0) {
                snprintf(err, err_size, "no show %lld", (long long)show_id);
                goto out;
        }
        n = 0;
        int64_t midnight = grid_midnight(g, from_ms);
        for (int k = 0; k < days; k++, midnight = grid_day_after(g, midnight)) {
                const struct day_plan *day = grid_day(g, midnight);
                for (size_t i = 0; i < day->n_inst && (size_t)n < max; i++) {
                        out[n].date_key = day->inst[i].date_key;
                        out[n].start_ms = day->inst[i].start;
                        out[n].end_ms = day->inst[i].end;
                        n++;
                }
        }
out:
        grid_free(g);
        return n;
}
