/* The station's real state as data: the engine's latest picks with the
 * planner's state after each (struct anchor), kept by the engine's source,
 * published for the web, saved as a checkpoint row with every pick, and the
 * timeline run on from it.  This is how "what airs next" (the web, `siaran
 * rundown`) and a restart after a crash start from what really aired rather
 * than from a replay of the day (docs/scheduling.md, "One timeline"). */
#define LOG_MODULE "scheduler"
#include <stdlib.h>
#include <string.h>

#include "scheduler/plan.h"

/* ---- the state as bytes ------------------------------------------------------------ */

struct bytes {
        unsigned char *buf;
        size_t len, cap, pos;
        bool bad;
};

static void put_i64(struct bytes *b, int64_t v)
{
        if (b->len + 8 > b->cap) {
                b->cap = b->cap ? 2 * b->cap + 8 : 256;
                b->buf = xrealloc(b->buf, b->cap);
        }
        for (int i = 0; i < 8; i++)
                b->buf[b->len++] = (unsigned char)((uint64_t)v >> (8 * i));
}

static int64_t get_i64(struct bytes *b)
{
        if (b->pos + 8 > b->len) {
                b->bad = true;
                return 0;
        }
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
                v |= (uint64_t)b->buf[b->pos++] << (8 * i);
        return (int64_t)v;
}

/* A count that the rest of the bytes can hold (each entry is at least 8). */
static size_t get_count(struct bytes *b)
{
        int64_t n = get_i64(b);
        if (n < 0 || (uint64_t)n > (b->len - b->pos) / 8) {
                b->bad = true;
                return 0;
        }
        return (size_t)n;
}

#define STATE_MAGIC 0x31545350 /* "PST1" */

static void state_put(struct bytes *b, const struct plan_state *st)
{
        put_i64(b, STATE_MAGIC);
        put_i64(b, (int64_t)st->fallback_cursor);
        put_i64(b, st->fallback_day);
        put_i64(b, st->followup_complaint);
        put_i64(b, st->followup_answer);
        put_i64(b, (int64_t)st->n_history);
        for (size_t i = 0; i < st->n_history; i++) {
                put_i64(b, st->history[i].start);
                put_i64(b, st->history[i].media_id);
                put_i64(b, (int64_t)st->history[i].artist_key);
        }
        put_i64(b, (int64_t)st->n_done);
        for (size_t i = 0; i < st->n_done; i++) {
                put_i64(b, st->done[i].type);
                put_i64(b, st->done[i].id);
                put_i64(b, st->done[i].at);
        }
        put_i64(b, (int64_t)st->n_progress);
        for (size_t i = 0; i < st->n_progress; i++) {
                put_i64(b, st->progress[i].show_id);
                put_i64(b, st->progress[i].start);
                put_i64(b, st->progress[i].pos);
                put_i64(b, st->progress[i].picks);
        }
}

static void state_get(struct bytes *b, struct plan_state *st)
{
        plan_state_clear(st);
        if (get_i64(b) != STATE_MAGIC) {
                b->bad = true;
                return;
        }
        st->fallback_cursor = (size_t)get_i64(b);
        st->fallback_day = get_i64(b);
        st->followup_complaint = get_i64(b);
        st->followup_answer = get_i64(b) != 0;
        st->n_history = st->cap_history = get_count(b);
        st->history = st->n_history ? xcalloc(st->n_history, sizeof *st->history) : NULL;
        for (size_t i = 0; i < st->n_history; i++) {
                st->history[i].start = get_i64(b);
                st->history[i].media_id = get_i64(b);
                st->history[i].artist_key = (uint64_t)get_i64(b);
        }
        st->n_done = st->cap_done = get_count(b);
        st->done = st->n_done ? xcalloc(st->n_done, sizeof *st->done) : NULL;
        for (size_t i = 0; i < st->n_done; i++) {
                st->done[i].type = (int)get_i64(b);
                st->done[i].id = get_i64(b);
                st->done[i].at = get_i64(b);
        }
        st->n_progress = st->cap_progress = get_count(b);
        st->progress =
            st->n_progress ? xcalloc(st->n_progress, sizeof *st->progress) : NULL;
        for (size_t i = 0; i < st->n_progress; i++) {
                st->progress[i].show_id = get_i64(b);
                st->progress[i].start = get_i64(b);
                st->progress[i].pos = (int)get_i64(b);
                st->progress[i].picks = (int)get_i64(b);
        }
        if (b->bad)
                plan_state_clear(st);
}

void *plan_state_encode(const struct plan_state *st, size_t *size)
{
        struct bytes b = {0};
        state_put(&b, st);
        *size = b.len;
        return b.buf;
}

int plan_state_decode(struct plan_state *st, const void *data, size_t size)
{
        struct bytes b = {.buf = (unsigned char *)data, .len = size};
        state_get(&b, st);
        return b.bad ? -1 : 0;
}

/* ---- the anchor ------------------------------------------------------------------- */

static void item_clear(struct anchor_item *it)
{
        free((char *)it->pick.path);
        free((char *)it->pick.title);
        free((char *)it->pick.artist);
        plan_state_clear(&it->st);
        memset(it, 0, sizeof *it);
}

static void item_set(struct anchor_item *it, int64_t start, const struct plan_pick *pick,
                     const struct plan_state *st)
{
        item_clear(it);
        it->start = start;
        it->pick = *pick;
        it->pick.path = xstrdup(pick->path ? pick->path : "");
        it->pick.title = xstrdup(pick->title ? pick->title : "");
        it->pick.artist = xstrdup(pick->artist ? pick->artist : "");
        plan_state_copy(&it->st, st);
}

void anchor_clear(struct anchor *a)
{
        for (size_t i = 0; i < a->n; i++)
                item_clear(&a->items[i]);
        a->n = 0;
}

void anchor_copy(struct anchor *dst, const struct anchor *src)
{
        anchor_clear(dst);
        for (size_t i = 0; i < src->n; i++)
                item_set(&dst->items[i], src->items[i].start, &src->items[i].pick,
                         &src->items[i].st);
        dst->n = src->n;
}

void anchor_push(struct anchor *a, int64_t start_ms, const struct plan_pick *pick,
                 const struct plan_state *st)
{
        if (a->n == 2) {
                item_clear(&a->items[0]);
                a->items[0] = a->items[1];
                memset(&a->items[1], 0, sizeof a->items[1]);
                a->n = 1;
        }
        item_set(&a->items[a->n++], start_ms, pick, st);
}

void anchor_pop(struct anchor *a)
{
        if (a->n > 0)
                item_clear(&a->items[--a->n]);
}

static void put_text(struct bytes *b, const char *s)
{
        size_t n = strlen(s);
        put_i64(b, (int64_t)n);
        for (size_t i = 0; i < n; i += 8) {
                int64_t v = 0;
                memcpy(&v, s + i, n - i < 8 ? n - i : 8);
                put_i64(b, v);
        }
}

static char *get_text(struct bytes *b)
{
        int64_t n = get_i64(b);
        if (n < 0 || (uint64_t)n > b->len - b->pos) {
                b->bad = true;
                return xstrdup("");
        }
        char *s = xcalloc(1, (size_t)n + 8);
        for (int64_t i = 0; i < n; i += 8) {
                int64_t v = get_i64(b);
                memcpy(s + i, &v, 8);
        }
        s[n] = '\0';
        return s;
}

#define ANCHOR_MAGIC 0x31524e41 /* "ANR1" */

void *anchor_encode(const struct anchor *a, size_t *size)
{
        struct bytes b = {0};
        put_i64(&b, ANCHOR_MAGIC);
        put_i64(&b, (int64_t)a->n);
        for (size_t i = 0; i < a->n; i++) {
                const struct anchor_item *it = &a->items[i];
                const struct plan_pick *p = &it->pick;
                put_i64(&b, it->start);
                put_text(&b, p->path);
                put_text(&b, p->title);
                put_text(&b, p->artist);
                int64_t gain;
                memcpy(&gain, &p->gain_db, sizeof gain);
                int64_t fields[] = {p->kind,       p->media_id,    p->cue_in,
                                    p->cue_out,    p->frames,      gain,
                                    p->quiet,      p->source,      p->ref,
                                    p->end_by_ms,  p->end_fade_ms, p->end_reason,
                                    p->event_type, p->event_id,    p->event_at};
                for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
                        put_i64(&b, fields[k]);
                state_put(&b, &it->st);
        }
        *size = b.len;
        return b.buf;
}

int anchor_decode(struct anchor *a, const void *data, size_t size)
{
        anchor_clear(a);
        struct bytes b = {.buf = (unsigned char *)data, .len = size};
        int64_t n = get_i64(&b) == ANCHOR_MAGIC ? get_i64(&b) : -1;
        if (n < 0 || n > 2)
                return -1;
        for (int64_t i = 0; i < n && !b.bad; i++) {
                struct anchor_item *it = &a->items[a->n++];
                struct plan_pick *p = &it->pick;
                it->start = get_i64(&b);
                p->path = get_text(&b);
                p->title = get_text(&b);
                p->artist = get_text(&b);
                p->kind = (enum item_kind)get_i64(&b);
                p->media_id = get_i64(&b);
                p->cue_in = get_i64(&b);
                p->cue_out = get_i64(&b);
                p->frames = get_i64(&b);
                int64_t gain = get_i64(&b);
                memcpy(&p->gain_db, &gain, sizeof gain);
                p->quiet = get_i64(&b) != 0;
                p->source = (enum pick_source)get_i64(&b);
                p->ref = get_i64(&b);
                p->end_by_ms = get_i64(&b);
                p->end_fade_ms = get_i64(&b);
                p->end_reason = (int)get_i64(&b);
                p->event_type = (int)get_i64(&b);
                p->event_id = get_i64(&b);
                p->event_at = get_i64(&b);
                state_get(&b, &it->st);
        }
        if (b.bad) {
                anchor_clear(a);
                return -1;
        }
        return 0;
}

int anchor_load(sqlite3 *db, struct anchor *a)
{
        anchor_clear(a);
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, "SELECT data FROM plan_checkpoint WHERE id = 1", -1,
                               &stmt, NULL) != SQLITE_OK)
                goto out;
        int step = sqlite3_step(stmt);
        if (step == SQLITE_DONE) {
                rc = 0;
        } else if (step == SQLITE_ROW) {
                const void *data = sqlite3_column_blob(stmt, 0);
                int size = sqlite3_column_bytes(stmt, 0);
                rc = data && anchor_decode(a, data, (size_t)size) == 0 && a->n > 0;
                if (!rc)
                        log_warn("the saved planner checkpoint is not readable; "
                                 "replaying the day instead");
        }
out:
        if (rc < 0)
                log_error("reading the planner checkpoint: %s", sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        return rc;
}

int anchor_save(sqlite3 *db, const void *data, size_t size)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(
                db,
                "INSERT OR REPLACE INTO plan_checkpoint (id, saved_at, data)"
                " VALUES (1, ?, ?)",
                -1, &stmt, NULL) == SQLITE_OK &&
            sqlite3_bind_int64(stmt, 1, time_now_ms()) == SQLITE_OK &&
            sqlite3_bind_blob(stmt, 2, data, (int)size, SQLITE_STATIC) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_DONE)
                rc = 0;
        sqlite3_finalize(stmt);
        return rc;
}

/* ---- the timeline from the anchor ------------------------------------------------ */

bool anchor_run(struct planner *p, const struct anchor *a, int64_t at_ms, int64_t to_ms,
                plan_emit_fn emit, void *user)
{
        if (a->n == 0)
                return false;
        size_t i = 0;
        while (i + 1 < a->n && a->items[i + 1].start <= at_ms)
                i++;
        const struct anchor_item *it = &a->items[i];
        if (i + 1 < a->n) {
                /* the pre-opened item: the engine airs it as it was picked */
                const struct anchor_item *next = &a->items[i + 1];
                plan_state_copy(&p->st, &it->st);
                if (emit && !emit(user, it->start, next->start, &it->pick))
                        return true;
                it = next;
        }
        plan_state_copy(&p->st, &it->st);
        planner_continue(p, it->start, &it->pick, to_ms, emit, user);
        return true;
}
