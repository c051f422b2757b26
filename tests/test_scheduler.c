/* Unit tests of the scheduler's planning half: the fallback loop, shows,
 * PSA campaigns, complaints, the source's next/next_hard and the rundown.
 * Each test builds a station in a temp dir (config, database, tiny WAV
 * files) and asserts on what the planner and the source decide. */
#define _GNU_SOURCE
#include <setjmp.h>
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "scheduler/plan.h"
#include "scheduler/scheduler.h"

#define RATE 44100

struct station {
        char dir[256];
        struct config *config;
        sqlite3 *db;
        char *wav; /* a real one-second file every fake media row points at */
};

/* Writes a 16-bit stereo WAV of a tone. */
static void write_wav(const char *path, double seconds, double freq)
{
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        uint32_t frames = (uint32_t)(seconds * RATE);
        uint32_t data = frames * 4;
        uint32_t riff = 36 + data, fmt_size = 16, rate = RATE, byte_rate = RATE * 4;
        uint16_t pcm = 1, channels = 2, align = 4, bits = 16;
        fwrite("RIFF", 1, 4, f);
        fwrite(&riff, 4, 1, f);
        fwrite("WAVEfmt ", 1, 8, f);
        fwrite(&fmt_size, 4, 1, f);
        fwrite(&pcm, 2, 1, f);
        fwrite(&channels, 2, 1, f);
        fwrite(&rate, 4, 1, f);
        fwrite(&byte_rate, 4, 1, f);
        fwrite(&align, 2, 1, f);
        fwrite(&bits, 2, 1, f);
        fwrite("data", 1, 4, f);
        fwrite(&data, 4, 1, f);
        for (uint32_t i = 0; i < frames; i++) {
                int16_t v = (int16_t)(8000 * __builtin_sin(2 * 3.14159265358979 * freq *
                                                           i / RATE));
                fwrite(&v, 2, 1, f);
                fwrite(&v, 2, 1, f);
        }
        fclose(f);
}

static char *station_path(struct station *st, const char *name)
{
        return xasprintf("%s/%s", st->dir, name);
}

static void write_text(struct station *st, const char *name, const char *text)
{
        char *path = station_path(st, name);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        free(path);
}

/* A station with the given zone and fallback playlist text. */
static struct station *station_new(const char *zone, const char *playlist)
{
        struct station *st = xcalloc(1, sizeof *st);
        snprintf(st->dir, sizeof st->dir, "/tmp/siaran-sched-XXXXXX");
        assert_non_null(mkdtemp(st->dir));
        char *conf = xasprintf("[station]\nname = Test\ntimezone = %s\nsamplerate = %d\n"
                               "loudness_target = -16\nshow_grace = 30\n"
                               "[storage]\ndatabase = test.db\nmedia = media\n"
                               "[fallback]\nplaylist = fallback.m3u\n",
                               zone, RATE);
        write_text(st, "siaran.conf", conf);
        free(conf);
        write_text(st, "fallback.m3u", playlist);
        st->wav = station_path(st, "tone.wav");
        write_wav(st->wav, 1.0, 440);
        char *path = station_path(st, "siaran.conf");
        char err[512];
        st->config = config_load(path, err, sizeof err);
        free(path);
        if (!st->config)
                fail_msg("config: %s", err);
        st->db = sched_db_open(st->config->database, err, sizeof err);
        if (!st->db)
                fail_msg("db: %s", err);
        return st;
}

static void station_free(struct station *st)
{
        sqlite3_close_v2(st->db);
        config_free(st->config);
        char *cmd = xasprintf("rm -rf '%s'", st->dir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", st->dir);
        free(cmd);
        free(st->wav);
        free(st);
}

static void exec(struct station *st, const char *sql)
{
        char *msg = NULL;
        if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s: %s", sql, msg);
}

struct collected {
        int n;
        int64_t start[16384];
        enum item_kind kind[16384];
        int64_t media_id[16384];
        int64_t ref_id[16384];
        int64_t end_by[16384];
        int64_t end_fade[16384];
        int end_reason[16384];
        char title[16384][48];
        char artist[16384][24];
};

static void collect(void *user, int64_t start_ms, const struct playout_item *item)
{
        struct collected *c = user;
        if (c->n >= 16384)
                return;
        c->start[c->n] = start_ms;
        c->kind[c->n] = item->kind;
        c->media_id[c->n] = item->media_id;
        c->ref_id[c->n] = item->ref_id;
        c->end_by[c->n] = item->end_by_ms;
        c->end_fade[c->n] = item->end_fade_ms;
        c->end_reason[c->n] = item->end_reason;
        snprintf(c->title[c->n], sizeof c->title[0], "%s", item->title);
        snprintf(c->artist[c->n], sizeof c->artist[0], "%s", item->artist);
        c->n++;
}

/* A media row pointing at the station's tone file, with a fake length. */
static int64_t add_media(struct station *st, const char *kind, const char *title,
                         const char *artist, double seconds, const char *categories)
{
        static int counter;
        sqlite3_stmt *stmt = NULL;
        char sha[32];
        snprintf(sha, sizeof sha, "sha%d", ++counter);
        int64_t frames = (int64_t)(seconds * RATE);
        assert_int_equal(
            sqlite3_prepare_v2(
                st->db,
                "INSERT INTO media (sha256, path, kind, title, artist, duration,"
                " frames, rate, loudness, true_peak, cue_in, cue_out, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, -20, -3, 0, ?, 0)",
                -1, &stmt, NULL),
            SQLITE_OK);
        sqlite3_bind_text(stmt, 1, sha, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 2, st->wav, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 5, artist, -1, SQLITE_STATIC);
        sqlite3_bind_double(stmt, 6, seconds);
        sqlite3_bind_int64(stmt, 7, frames);
        sqlite3_bind_int(stmt, 8, RATE);
        sqlite3_bind_int64(stmt, 9, frames);
        assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
        sqlite3_finalize(stmt);
        int64_t id = sqlite3_last_insert_rowid(st->db);
        char *copy = xstrdup(categories ? categories : "");
        char *save = NULL;
        for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
                char *sql = xasprintf("INSERT INTO media_category VALUES (%lld, '%s')",
                                      (long long)id, c);
                exec(st, sql);
                free(sql);
        }
        free(copy);
        return id;
}

static void execf(struct station *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void execf(struct station *st, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *sql = NULL;
        assert_true(vasprintf(&sql, fmt, ap) >= 0);
        va_end(ap);
        exec(st, sql);
        free(sql);
}

/* A fallback of one 2-second file. */
static struct station *station_with_fallback(const char *zone)
{
        struct station *st = station_new(zone, "fb.wav\n");
        char *fb = station_path(st, "fb.wav");
        write_wav(fb, 2.0, 200);
        free(fb);
        return st;
}

static struct collected *plan(struct station *st, int64_t from, int64_t to)
{
        struct collected *c = xcalloc(1, sizeof *c);
        char err[512];
        if (scheduler_plan(st->config, from, to, collect, c, err, sizeof err) < 0)
                fail_msg("plan: %s", err);
        return c;
}

static int find_title(const struct collected *c, const char *title, int from)
{
        for (int i = from; i < c->n; i++)
                if (!strcmp(c->title[i], title))
                        return i;
        return -1;
}

/* ---- fallback ----------------------------------------------------------------- */

static void test_fallback_loops_and_skips_missing(void **state)
{
        (void)state;
        struct station *st = station_new("Asia/Jakarta", "");
        char *a = station_path(st, "a.wav"), *b = station_path(st, "b.wav");
        write_wav(a, 2.0, 300);
        write_wav(b, 3.0, 500);
        write_text(st, "garbage.wav", "this is not audio at all, not even close");
        char *m3u = xasprintf("#EXTM3U\n#EXTINF:2,Artis A - Lagu A\na.wav\nmissing.wav\n"
                              "garbage.wav\n%s\n",
                              b);
        write_text(st, "fallback.m3u", m3u);
        free(m3u);

        char err[512];
        struct scheduler *s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        struct playout_source src;
        scheduler_get_source(s, false, &src);
        int64_t t = time_from_local(2026, 12, 1, 3, 0, 0);
        const char *expect[] = {"a.wav", "b.wav", "a.wav", "b.wav", "a.wav"};
        /* the day's starting point in the playlist is derived from the date:
         * find where this day starts, then it must alternate a, b, a ... */
        struct playout_item item;
        assert_int_equal(src.next(src.ctx, t, &item), 0);
        int offset = strstr(item.path, "/a.wav") ? 0 : 1;
        for (int i = 0; i < 4; i++) {
                assert_non_null(strstr(item.path, expect[i + offset]));
                assert_int_equal(item.kind, ITEM_FALLBACK);
                assert_int_equal(item.scheduled_ms, t);
                if (strstr(item.path, "/a.wav")) {
                        assert_string_equal(item.title, "Lagu A");
                        assert_string_equal(item.artist, "Artis A");
                } else {
                        assert_string_equal(item.title, "b");
                }
                struct playout_asrun rec = {.item = &item,
                                            .start_ms = t,
                                            .end_ms = t + 2000,
                                            .reason = PLAYOUT_END_COMPLETED};
                src.aired(src.ctx, &rec);
                playout_item_clear(&item);
                t += 2000;
                assert_int_equal(src.next(src.ctx, t, &item), 0);
        }
        playout_item_clear(&item);
        scheduler_free(s);
        free(a);
        free(b);
        station_free(st);
}

static void test_plan_fallback_all_day(void **state)
{
        (void)state;
        struct station *st = station_new("Asia/Jakarta", "");
        char *a = station_path(st, "a.wav");
        write_wav(a, 2.0, 300);
        write_text(st, "fallback.m3u", "a.wav\n");
        /* a show on another weekday only: this Wednesday stays empty */
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, created_at)"
             " VALUES ('Senin', 2, 21600, 3600, 'rotation', 0)");
        struct collected *c = xcalloc(1, sizeof *c);
        int64_t from = time_from_local(2026, 12, 2, 0, 0, 0);
        char err[512];
        /* an empty day: nothing but the fallback, back to back, all hour long */
        assert_int_equal(
            scheduler_plan(st->config, from, from + 600000, collect, c, err, sizeof err),
            0);
        assert_true(c->n >= 300 && c->n <= 302);
        for (int i = 0; i < c->n; i++) {
                assert_int_equal(c->kind[i], ITEM_FALLBACK);
                if (i > 0)
                        assert_true(c->start[i] - c->start[i - 1] >= 1999 &&
                                    c->start[i] - c->start[i - 1] <= 2000);
        }
        assert_true(c->start[0] <= from && c->start[c->n - 1] < from + 600000);
        free(c);
        /* the "next" list: the item airing, then three more */
        c = xcalloc(1, sizeof *c);
        assert_int_equal(scheduler_plan_upcoming(st->config, from + 1000, 3, collect, c,
                                                 err, sizeof err),
                         4);
        assert_int_equal(c->n, 4);
        assert_int_equal(c->start[0], from);
        assert_int_equal(c->start[3], from + 6000);
        free(c);
        free(a);
        station_free(st);
}

/* ---- PSA campaigns ------------------------------------------------------------ */

static void test_hard_psa_on_its_millisecond(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        add_media(st, "music", "Lagu", "Band", 7 * 60 + 13.3, "pop");
        add_media(st, "music", "Lagu 2", "Band 2", 5 * 60 + 1.7, "pop");
        int64_t psa = add_media(st, "psa", "Lapor", "", 30, NULL);
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, created_at)"
             " VALUES ('Pagi', 127, 21600, 7200, 'rotation', 'pop', 0, 0, 0)");
        exec(st, "INSERT INTO campaigns (name, valid_from, valid_to, timing, times, "
                 "created_at)"
                 " VALUES ('Jalan', '2026-12-01', '2026-12-31', 'hard', '07:30', 0)");
        execf(st, "INSERT INTO campaign_items VALUES (1, 1, %lld)", (long long)psa);
        int64_t at = time_from_local(2026, 12, 7, 7, 30, 0);
        struct collected *c = plan(st, at - 3600000, at + 3600000);
        int i = find_title(c, "Lapor", 0);
        assert_true(i > 0);
        assert_int_equal(c->start[i], at);
        assert_int_equal(c->kind[i], ITEM_PSA);
        /* the item before is cut for it, exactly there */
        assert_int_equal(c->end_by[i - 1], at);
        assert_int_equal(find_title(c, "Lapor", i + 1), -1);

        char err[512];
        struct scheduler *s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        struct playout_source src;
        scheduler_get_source(s, false, &src);
        int64_t hard = 0;
        assert_true(src.next_hard(src.ctx, at - 200000, at + 100000, &hard));
        assert_int_equal(hard, at);
        assert_false(src.next_hard(src.ctx, at, at + 100000, &hard));
        /* asked a millisecond early (frame rounding), the PSA is what starts */
        struct playout_item item;
        /* the first call resumes the item airing then; the next one asked a
         * millisecond early (frame rounding) is the PSA */
        assert_int_equal(src.next(src.ctx, at - 200000, &item), 0);
        playout_item_clear(&item);
        assert_int_equal(src.next(src.ctx, at - 1, &item), 0);
        assert_string_equal(item.title, "Lapor");
        playout_item_clear(&item);
        scheduler_free(s);
        free(c);
        station_free(st);
}

static void test_soft_psa_boundary_or_window_end(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        add_media(st, "music", "Pendek", "A", 100.5, "short");
        add_media(st, "music", "Panjang", "B", 3600, "long");
        int64_t psa = add_media(st, "psa", "Imunisasi", "", 20, NULL);
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, created_at) VALUES"
             " ('Short', 127, 28800, 3600, 'rotation', 'short', 0, 0, 0),"
             " ('Long', 127, 36000, 7200, 'rotation', 'long', 0, 0, 0)");
        exec(
            st,
            "INSERT INTO campaigns (name, valid_from, valid_to, timing, interval_minutes,"
            " window_minutes, created_at)"
            " VALUES ('Imun', '2026-01-01', '2026-12-31', 'soft', 30, 5, 0)");
        execf(st, "INSERT INTO campaign_items VALUES (1, 1, %lld)", (long long)psa);
        /* short items: each slot lands on a boundary inside its window */
        int64_t eight = time_from_local(2026, 6, 10, 8, 0, 0);
        struct collected *c = plan(st, eight + 600000, eight + 3600000 - 60000);
        int found = 0;
        for (int i = 1; i < c->n; i++) {
                if (strcmp(c->title[i], "Imunisasi"))
                        continue;
                int64_t slot = eight + (c->start[i] - eight) / 1800000 * 1800000;
                assert_true(c->start[i] >= slot && c->start[i] <= slot + 300000);
                assert_int_equal(c->end_by[i - 1], 0); /* not cut: a boundary */
                found++;
        }
        assert_int_equal(found, 1); /* 08:30 (08:00's window is before the plan) */
        free(c);
        /* an hour-long item: no boundary, so it turns hard at the window's end */
        int64_t ten30 = time_from_local(2026, 6, 10, 10, 30, 0);
        c = plan(st, ten30 - 600000, ten30 + 600000);
        int i = find_title(c, "Imunisasi", 0);
        assert_true(i > 0);
        assert_int_equal(c->start[i], ten30 + 300000);
        assert_int_equal(c->end_by[i - 1], ten30 + 300000);
        free(c);
        station_free(st);
}

static void test_campaign_expires_at_midnight(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        int64_t psa = add_media(st, "psa", "Tahun Baru", "", 10, NULL);
        exec(
            st,
            "INSERT INTO campaigns (name, valid_from, valid_to, timing, times, "
            "created_at)"
            " VALUES ('Akhir', '2026-12-01', '2026-12-31', 'hard', '00:00,23:59:50', 0)");
        execf(st, "INSERT INTO campaign_items VALUES (1, 1, %lld)", (long long)psa);
        int64_t last = time_from_local(2026, 12, 31, 0, 0, 0);
        int64_t next = time_from_local(2027, 1, 1, 0, 0, 0);
        struct collected *c = plan(st, last, last + 60000);
        int a = find_title(c, "Tahun Baru", 0);
        assert_true(a >= 0);
        assert_int_equal(c->start[a], last);
        free(c);
        c = plan(st, next - 60000, next + 3600000);
        int b = find_title(c, "Tahun Baru", 0);
        assert_true(b >= 0);
        assert_int_equal(c->start[b], next - 10000);
        assert_int_equal(find_title(c, "Tahun Baru", b + 1), -1); /* not at 2027-01-01 */
        free(c);
        station_free(st);
}

/* ---- shows ------------------------------------------------------------------------ */

static void test_rotation_separation_over_a_week(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        for (int i = 0; i < 100; i++) {
                char title[32], artist[32];
                snprintf(title, sizeof title, "Lagu %d", i);
                snprintf(artist, sizeof artist, "Artis %d", i % 20);
                add_media(st, "music", title, artist, 150 + (i * 37) % 90, "rot");
        }
        exec(
            st,
            "INSERT INTO shows (name, days, start_time, duration, content, categories,"
            " track_separation_hours, artist_separation_minutes, seed, created_at)"
            " VALUES ('Sepanjang Hari', 127, 0, 86400, 'rotation', 'rot', 3, 30, 42, 0)");
        int64_t from = time_from_local(2026, 8, 3, 0, 0, 0);
        int64_t to = time_from_local(2026, 8, 10, 0, 0, 0);
        struct collected *c = plan(st, from, to);
        assert_true(c->n > 3000);
        for (int i = 0; i < c->n; i++) {
                assert_int_equal(c->kind[i], ITEM_MUSIC);
                for (int j = i - 1; j >= 0 && c->start[i] - c->start[j] < 3 * 3600000;
                     j--) {
                        assert_int_not_equal(c->media_id[i], c->media_id[j]);
                        if (c->start[i] - c->start[j] < 30 * 60000)
                                assert_string_not_equal(c->artist[i], c->artist[j]);
                }
        }
        /* deterministic: the same database plans the same week */
        struct collected *again = plan(st, from, to);
        assert_int_equal(again->n, c->n);
        for (int i = 0; i < c->n; i++)
                assert_int_equal(again->media_id[i], c->media_id[i]);
        free(again);
        free(c);
        station_free(st);
}

static void test_overlapping_shows(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        add_media(st, "music", "Pagi", "A", 240, "a");
        add_media(st, "music", "Berita", "B", 300, "b");
        /* Pagi 06:00-09:00; Berita 07:00-08:00 (hard start) inside it */
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, hard_start, created_at)"
             " VALUES ('Pagi', 127, 21600, 10800, 'rotation', 'a', 0, 0, 0, 0),"
             " ('Berita', 127, 25200, 3600, 'rotation', 'b', 0, 0, 1, 0)");
        int64_t six = time_from_local(2026, 5, 5, 6, 0, 0);
        struct collected *c = plan(st, six, six + 3 * 3600000);
        assert_int_equal(c->start[0], six);
        for (int i = 0; i < c->n; i++) {
                int64_t t = c->start[i];
                if (t >= six + 3600000 && t < six + 2 * 3600000)
                        assert_string_equal(c->title[i], "Berita");
                else if (t < six + 3 * 3600000)
                        assert_string_equal(c->title[i], "Pagi");
        }
        int b = find_title(c, "Berita", 0);
        assert_int_equal(c->start[b], six + 3600000); /* hard start */
        free(c);
        station_free(st);
}

/* A relay show: the rundown plans its stream as one item of kind relay from
 * the show's start to its end; a station with no relay input that can air
 * (render) airs the show's filler from its categories instead. */
static void test_relay_show(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        add_media(st, "music", "Pengisi", "A", 240, "isi");
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " url, created_at) VALUES ('Berita RRI', 127, 43200, 900, 'relay', 'isi',"
             " 'https://rri.example/pro3.ogg', 0)");
        int64_t noon = time_from_local(2026, 5, 5, 12, 0, 0);
        struct collected *c = plan(st, noon - 600000, noon + 1800000);
        int r = find_title(c, "Berita RRI", 0);
        assert_true(r >= 0);
        assert_int_equal(c->start[r], noon);
        assert_int_equal(c->kind[r], ITEM_RELAY);
        assert_int_equal(c->start[r + 1], noon + 900000); /* cut at the show's end */
        free(c);

        char err[512];
        struct scheduler *s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        struct playout_source src;
        scheduler_get_source(s, false, &src);
        struct playout_item item;
        assert_int_equal(src.next(src.ctx, noon, &item), 0);
        assert_int_equal(item.kind, ITEM_MUSIC);
        assert_string_equal(item.title, "Pengisi");
        assert_true(item.end_by_ms == 0 || item.end_by_ms <= noon + 900000);
        playout_item_clear(&item);
        scheduler_free(s);
        station_free(st);
}

static void test_deleted_and_missing_media_skipped(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        int64_t a = add_media(st, "programme", "Satu", "", 60, NULL);
        int64_t b = add_media(st, "programme", "Dua", "", 60, NULL);
        int64_t c3 = add_media(st, "programme", "Tiga", "", 60, NULL);
        int64_t d = add_media(st, "programme", "Empat", "", 60, NULL);
        execf(st, "UPDATE media SET deleted = 1 WHERE id = %lld", (long long)b);
        execf(st, "UPDATE media SET path = '/nonexistent/x.wav' WHERE id = %lld",
              (long long)c3);
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, created_at)"
             " VALUES ('Siaran', 127, 43200, 600, 'playlist', 0)");
        execf(st,
              "INSERT INTO show_items VALUES (1, 1, %lld), (1, 2, %lld), (1, 3, %lld),"
              " (1, 4, %lld)",
              (long long)a, (long long)b, (long long)c3, (long long)d);
        int64_t noon = time_from_local(2026, 9, 1, 12, 0, 0);
        struct collected *c = plan(st, noon, noon + 600000);
        assert_string_equal(c->title[0], "Satu");
        assert_int_equal(c->start[0], noon);
        assert_string_equal(c->title[1], "Empat");
        assert_int_equal(c->start[1], noon + 60000);
        assert_int_equal(find_title(c, "Dua", 0), -1);
        assert_int_equal(find_title(c, "Tiga", 0), -1);
        assert_int_equal(c->kind[2], ITEM_FALLBACK); /* the playlist ran out */
        free(c);
        station_free(st);
}

static int64_t utc_ms(int y, int mo, int d, int h, int mi)
{
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = mo - 1,
                        .tm_mday = d,
                        .tm_hour = h,
                        .tm_min = mi};
        return (int64_t)timegm(&tm) * 1000;
}

static void test_dst_days_in_berlin(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Europe/Berlin");
        add_media(st, "music", "Morgen", "M", 200, "m");
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, hard_start, created_at)"
             " VALUES ('Morgen', 127, 21600, 3600, 'rotation', 'm', 0, 0, 1, 0)");
        int64_t psa = add_media(st, "psa", "Punkt", "", 5, NULL);
        exec(st, "INSERT INTO campaigns (name, valid_from, valid_to, timing, times, "
                 "created_at)"
                 " VALUES ('p', '2026-01-01', '2026-12-31', 'hard', '03:00', 0)");
        execf(st, "INSERT INTO campaign_items VALUES (1, 1, %lld)", (long long)psa);
        struct {
                int month, day;
                int64_t show_utc, psa_utc;
        } days[] = {
            /* spring forward: 02:00 -> 03:00, so 06:00 CEST is 04:00 UTC */
            {3, 29, utc_ms(2026, 3, 29, 4, 0), utc_ms(2026, 3, 29, 1, 0)},
            /* fall back: 03:00 -> 02:00, so 06:00 CET is 05:00 UTC */
            {10, 25, utc_ms(2026, 10, 25, 5, 0), utc_ms(2026, 10, 25, 2, 0)},
        };
        for (size_t k = 0; k < 2; k++) {
                int64_t from = time_from_local(2026, days[k].month, days[k].day, 0, 0, 0);
                int64_t to = time_from_local(2026, days[k].month, days[k].day, 8, 0, 0);
                struct collected *c = plan(st, from, to);
                int i = find_title(c, "Morgen", 0);
                assert_true(i > 0);
                assert_int_equal(c->start[i], days[k].show_utc);
                i = find_title(c, "Punkt", 0);
                assert_true(i > 0);
                assert_int_equal(c->start[i], days[k].psa_utc);
                assert_int_equal(find_title(c, "Punkt", i + 1), -1);
                free(c);
        }
        station_free(st);
}

/* ---- edge cases of issue 18 ---------------------------------------------------------
 */

/* The first item at or after index from that starts at or after t; -1 if none. */
static int first_at_or_after(const struct collected *c, int64_t t)
{
        for (int i = 0; i < c->n; i++)
                if (c->start[i] >= t)
                        return i;
        return -1;
}

/* A one-off beats the weekly show it overlaps: its item running across the
 * weekly show's (beaten) soft start is not cut there. */
static void test_one_off_item_not_cut_at_beaten_weekly_start(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        add_media(st, "music", "Mingguan", "W", 300, "weekly");
        int64_t items[6];
        for (int i = 0; i < 6; i++) {
                char title[32];
                snprintf(title, sizeof title, "Khusus %d", i + 1);
                items[i] = add_media(st, "programme", title, "", 620, NULL);
        }
        /* Wednesday 06:00 for 2 h (soft start); the one-off 05:30 for 1 h */
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, created_at) VALUES"
             " ('Rabu Pagi', 8, 21600, 7200, 'rotation', 'weekly', 0, 0, 0),"
             " ('Khusus', 0, 19800, 3600, 'playlist', '', 0, 0, 0)");
        exec(st, "INSERT INTO show_dates VALUES (2, '2026-12-09')");
        for (int i = 0; i < 6; i++)
                execf(st, "INSERT INTO show_items VALUES (2, %d, %lld)", i,
                      (long long)items[i]);
        int64_t six = time_from_local(2026, 12, 9, 6, 0, 0);
        struct collected *c = plan(st, six - 1800000, six + 3600000);
        int i = find_title(c, "Khusus 3", 0);
        assert_true(i >= 0);
        assert_int_equal(c->start[i], six - 1800000 + 2 * 620000); /* 05:50:40 */
        assert_int_equal(c->end_by[i], 0); /* runs to 06:01:00: the one-off holds */
        assert_string_equal(c->title[i + 1], "Khusus 4");
        assert_int_equal(c->start[i + 1], six + 60000);
        /* the one-off's end still counts: 06:21:40 + 620 s is cut at 06:30 */
        int last = find_title(c, "Khusus 6", 0);
        assert_true(last >= 0);
        assert_int_equal(c->end_by[last], six + 1800000);
        assert_int_equal(c->end_reason[last], PLAYOUT_END_SHOW_END);
        assert_string_equal(c->title[last + 1], "Mingguan");
        free(c);
        station_free(st);
}

/* "Only this date": a weekly show with an exception does not air on that
 * date (the fallback holds its hour), the one-off made for the move airs at
 * its new time with the same content, and the other weeks are unchanged. */
static void test_weekly_show_skips_its_excepted_date(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        add_media(st, "music", "Mingguan", "W", 300, "weekly");
        /* every day 06:00 for 1 h; on 2026-12-09 moved to 09:00 */
        exec(st, "INSERT INTO shows (id, name, days, start_time, duration, content,"
                 " categories, track_separation_hours, artist_separation_minutes,"
                 " created_at) VALUES (1, 'Pagi', 127, 21600, 3600, 'rotation', 'weekly',"
                 " 0, 0, 0), (2, 'Pagi', 0, 32400, 3600, 'rotation', 'weekly', 0, 0, 0)");
        exec(st, "INSERT INTO show_exceptions VALUES (1, '2026-12-09')");
        exec(st, "INSERT INTO show_dates VALUES (2, '2026-12-09')");
        int64_t day = 24LL * 3600000;
        int64_t six = time_from_local(2026, 12, 8, 6, 0, 0);
        /* items of the show in an hour from at (hours planned one by one: a
         * day of 2-second fallback items would not fit in a collection) */
        int counts[4];
        int64_t hours[4] = {six, six + day, six + day + 3 * 3600000, six + 2 * day};
        for (int h = 0; h < 4; h++) {
                struct collected *c = plan(st, hours[h], hours[h] + 3600000);
                counts[h] = 0;
                for (int i = 0; i < c->n; i++)
                        counts[h] += !strcmp(c->title[i], "Mingguan");
                free(c);
        }
        assert_int_equal(counts[0], 12); /* 12 x 300 s */
        assert_int_equal(counts[1], 0);  /* excepted: the fallback airs */
        assert_int_equal(counts[2], 12); /* the one-off at its new time */
        assert_int_equal(counts[3], 12); /* the next week-day as before */
        /* the API's airings leave the date out too: 3 days, 2 airings */
        struct sched_airing a[8];
        char err[256];
        assert_int_equal(sched_show_airings(st->db, 1, six, 3, a, 8, err, sizeof err), 2);
        assert_int_equal(a[0].date_key, 20261208);
        assert_int_equal(a[1].date_key, 20261210);
        /* a one-off date of the show itself still airs on an excepted date */
        exec(st, "INSERT INTO show_dates VALUES (1, '2026-12-09')");
        assert_int_equal(sched_show_airings(st->db, 1, six, 3, a, 8, err, sizeof err), 3);
        station_free(st);
}

/* A show that starts in the spring-forward gap airs from the end of the gap
 * for its whole length. */
static void test_show_in_spring_gap_airs(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Europe/Berlin");
        add_media(st, "music", "Nacht", "N", 190, "n");
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, hard_start, hard_end,"
             " created_at) VALUES ('Nacht', 127, 9000, 3600, 'rotation', 'n', 0, 0, 1,"
             " 1, 0)");
        /* 2026-03-29 02:30 does not exist: 03:30 CEST is 01:30 UTC */
        int64_t start = utc_ms(2026, 3, 29, 1, 30), end = utc_ms(2026, 3, 29, 2, 30);
        struct collected *c = plan(st, start - 3600000, end + 3600000);
        int i = find_title(c, "Nacht", 0);
        assert_true(i > 0);
        assert_int_equal(c->start[i], start);
        int after = first_at_or_after(c, end);
        assert_true(after > i);
        assert_string_equal(c->title[after - 1], "Nacht"); /* it aired up to its end */
        assert_int_equal(c->end_by[after - 1], end);
        assert_int_equal(c->kind[after], ITEM_FALLBACK);
        assert_int_equal(c->start[after], end);
        free(c);
        station_free(st);
}

/* duration is real time on both clock-change days: 01:00 for 180 minutes
 * ends 3 real hours later (04:00 wall time on the spring day is 05:00 CEST,
 * on the autumn day 03:00 CET). */
static void test_show_duration_is_real_time_on_dst_days(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Europe/Berlin");
        add_media(st, "music", "Lang", "L", 190, "l");
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, hard_start, hard_end,"
             " created_at) VALUES ('Lang', 127, 3600, 10800, 'rotation', 'l', 0, 0, 1,"
             " 1, 0)");
        struct {
                int month, day;
                int64_t start_utc;
        } days[] = {{3, 29, utc_ms(2026, 3, 29, 0, 0)},
                    {10, 25, utc_ms(2026, 10, 24, 23, 0)}};
        for (size_t k = 0; k < 2; k++) {
                int64_t start = days[k].start_utc, end = start + 3 * 3600000LL;
                struct collected *c = plan(st, start - 600000, end + 3600000);
                int i = find_title(c, "Lang", 0);
                assert_true(i > 0);
                assert_int_equal(c->start[i], start);
                int after = first_at_or_after(c, end);
                assert_true(after > i);
                for (int j = i; j < after; j++)
                        assert_string_equal(c->title[j], "Lang");
                assert_int_equal(c->end_by[after - 1], end);
                assert_int_equal(c->kind[after], ITEM_FALLBACK);
                assert_int_equal(c->start[after], end);
                free(c);
        }
        station_free(st);
}

/* ... but a show of 24 hours means the whole day: on the 25-hour autumn
 * day it lasts to the next midnight, with no hour of fallback. */
static void test_all_day_show_on_the_long_autumn_day(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Europe/Berlin");
        add_media(st, "music", "Hari", "H", 190, "h");
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, created_at)"
             " VALUES ('Hari', 127, 0, 86400, 'rotation', 'h', 0, 0, 0)");
        int64_t next = time_from_local(2026, 10, 26, 0, 0, 0);
        struct collected *c = plan(st, next - 2 * 3600000, next + 1800000);
        assert_true(c->n > 40);
        for (int i = 0; i < c->n; i++)
                assert_string_equal(c->title[i], "Hari");
        free(c);
        station_free(st);
}

/* sched_show_airings answers the planner's instances: on the autumn day
 * 01:00 CEST + 180 min ends 03:00 CET, on the spring day 01:00 CET ends
 * 05:00 CEST, a one-off in the spring gap starts 03:30 CEST; weekly slots
 * stop at valid_to; an unknown show is an error. */
static void test_show_airings_on_dst_days(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Europe/Berlin");
        exec(st, "INSERT INTO shows (id, name, days, start_time, duration, valid_to,"
                 " content, created_at) VALUES (1, 'Lang', 127, 3600, 10800,"
                 " '2026-10-26', 'complaints', 0),"
                 " (2, 'Celah', 0, 9000, 3600, NULL, 'complaints', 0)");
        exec(st, "INSERT INTO show_dates VALUES (2, '2026-03-29')");
        struct sched_airing a[8];
        char err[256];
        int64_t autumn = time_from_local(2026, 10, 25, 12, 0, 0);
        assert_int_equal(sched_show_airings(st->db, 1, autumn, 1, a, 8, err, sizeof err),
                         1);
        assert_int_equal(a[0].date_key, 20261025);
        assert_int_equal(a[0].start_ms, utc_ms(2026, 10, 24, 23, 0));
        assert_int_equal(a[0].end_ms, utc_ms(2026, 10, 25, 2, 0));
        int64_t spring = time_from_local(2026, 3, 29, 0, 0, 0);
        assert_int_equal(sched_show_airings(st->db, 1, spring, 1, a, 8, err, sizeof err),
                         1);
        assert_int_equal(a[0].start_ms, utc_ms(2026, 3, 29, 0, 0));
        assert_int_equal(a[0].end_ms, utc_ms(2026, 3, 29, 3, 0));
        /* three days around the one-off: it airs once, from the gap's end */
        int64_t before = time_from_local(2026, 3, 28, 0, 0, 0);
        assert_int_equal(sched_show_airings(st->db, 2, before, 3, a, 8, err, sizeof err),
                         1);
        assert_int_equal(a[0].date_key, 20260329);
        assert_int_equal(a[0].start_ms, utc_ms(2026, 3, 29, 1, 30));
        assert_int_equal(a[0].end_ms, utc_ms(2026, 3, 29, 2, 30));
        /* 2026-10-24 .. 2026-10-30: the weekly show ends with 2026-10-26 */
        int64_t week = time_from_local(2026, 10, 24, 8, 0, 0);
        assert_int_equal(sched_show_airings(st->db, 1, week, 7, a, 8, err, sizeof err),
                         3);
        assert_int_equal(a[2].date_key, 20261026);
        /* max bounds what is written */
        assert_int_equal(sched_show_airings(st->db, 1, week, 7, a, 2, err, sizeof err),
                         2);
        assert_int_equal(sched_show_airings(st->db, 99, week, 7, a, 8, err, sizeof err),
                         -1);
        assert_string_equal(err, "no show 99");
        station_free(st);
}

/* Interval 7 does not divide the day: 206 slots (00:00 .. 23:55), and the
 * rotation goes on across midnight without airing an item twice running. */
static void test_psa_rotation_continues_across_midnight(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        int64_t ids[3];
        ids[0] = add_media(st, "psa", "A", "", 5, NULL);
        ids[1] = add_media(st, "psa", "B", "", 5, NULL);
        ids[2] = add_media(st, "psa", "C", "", 5, NULL);
        exec(st, "INSERT INTO campaigns (name, valid_from, valid_to, timing,"
                 " interval_minutes, created_at)"
                 " VALUES ('Tujuh', '2026-12-01', '2026-12-31', 'hard', 7, 0)");
        for (int i = 0; i < 3; i++)
                execf(st, "INSERT INTO campaign_items VALUES (1, %d, %lld)", i,
                      (long long)ids[i]);
        int64_t midnight = time_from_local(2026, 12, 6, 0, 0, 0);
        struct collected *c = plan(st, midnight - 3600000, midnight + 3600000);
        int count = 0, prev = -1;
        for (int i = 0; i < c->n; i++) {
                if (c->kind[i] != ITEM_PSA)
                        continue;
                int idx = c->title[i][0] - 'A';
                if (prev >= 0)
                        assert_int_equal(idx, (prev + 1) % 3);
                if (c->start[i] == midnight - 300000) /* 23:55 */
                        assert_true(prev >= 0);
                prev = idx;
                count++;
        }
        assert_true(count >= 17); /* 23:01 .. 00:56 */
        int at = first_at_or_after(c, midnight);
        assert_int_equal(c->kind[at], ITEM_PSA);
        assert_int_equal(c->start[at], midnight);
        free(c);
        station_free(st);
}

/* fade_seconds 0 is a cut: the item before gets no fade of its own (the
 * engine's click-free ramp), not the station's 2 s. */
static void test_psa_fade_zero_is_a_cut(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        add_media(st, "music", "Lagu", "Band", 600, "pop");
        int64_t psa = add_media(st, "psa", "Potong", "", 30, NULL);
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, created_at)"
             " VALUES ('Pagi', 127, 21600, 7200, 'rotation', 'pop', 0, 0, 0)");
        exec(st, "INSERT INTO campaigns (name, valid_from, valid_to, timing, times,"
                 " fade_seconds, created_at) VALUES ('Cut', '2026-12-01', '2026-12-31',"
                 " 'hard', '07:05', 0, 0)");
        execf(st, "INSERT INTO campaign_items VALUES (1, 1, %lld)", (long long)psa);
        int64_t at = time_from_local(2026, 12, 7, 7, 5, 0);
        struct collected *c = plan(st, at - 1800000, at + 600000);
        int i = find_title(c, "Potong", 0);
        assert_true(i > 0);
        assert_int_equal(c->start[i], at);
        assert_int_equal(c->end_by[i - 1], at);
        assert_int_equal(c->end_reason[i - 1], PLAYOUT_END_FADED_HARD);
        assert_int_equal(c->end_fade[i - 1], 0);
        free(c);
        station_free(st);
}

/* Filler after a nested playlist show ran out obeys that show's end: the
 * outer show resumes on time. */
static void test_fallback_inside_show_obeys_its_end(void **state)
{
        (void)state;
        struct station *st = station_new("Asia/Jakarta", "fill.wav\n");
        char *fill = station_path(st, "fill.wav");
        write_wav(fill, 1.0, 250);
        int64_t filler = add_media(st, "music", "Pengisi", "F", 250, NULL);
        execf(st, "UPDATE media SET path = '%s' WHERE id = %lld", fill,
              (long long)filler);
        add_media(st, "music", "Luar", "O", 60, "outer");
        int64_t talk = add_media(st, "programme", "Bincang", "", 400, NULL);
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, created_at) VALUES"
             " ('Luar', 127, 21600, 3600, 'rotation', 'outer', 0, 0, 0),"
             " ('Dalam', 127, 22020, 600, 'playlist', '', 0, 0, 0)");
        execf(st, "INSERT INTO show_items VALUES (2, 0, %lld)", (long long)talk);
        int64_t six = time_from_local(2026, 12, 7, 6, 0, 0);
        struct collected *c = plan(st, six, six + 1800000);
        int i = find_title(c, "Bincang", 0);
        assert_true(i > 0);
        assert_int_equal(c->start[i], six + 420000); /* 06:07 */
        /* 06:13:40: the playlist ran out; 250 s of filler would end 06:17:50 */
        assert_int_equal(c->kind[i + 1], ITEM_FALLBACK);
        assert_int_equal(c->start[i + 1], six + 820000);
        assert_int_equal(c->end_by[i + 1], six + 1020000);
        assert_int_equal(c->end_reason[i + 1], PLAYOUT_END_SHOW_END);
        assert_string_equal(c->title[i + 2], "Luar");
        assert_int_equal(c->start[i + 2], six + 1020000); /* 06:17:00 */
        free(c);
        free(fill);
        station_free(st);
}

/* A hard PSA at the moment of a soft show start: the item before fades over
 * the campaign's fade_seconds and is logged faded_hard. */
static void test_hard_psa_at_soft_show_start_keeps_its_fade(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        add_media(st, "music", "Sembilan", "A", 420, "nine");
        add_media(st, "music", "Sepuluh", "B", 420, "ten");
        int64_t psa = add_media(st, "psa", "Tepat", "", 20, NULL);
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, created_at) VALUES"
             " ('Sembilan', 127, 32400, 3600, 'rotation', 'nine', 0, 0, 0),"
             " ('Sepuluh', 127, 36000, 3600, 'rotation', 'ten', 0, 0, 0)");
        exec(st, "INSERT INTO campaigns (name, valid_from, valid_to, timing, times,"
                 " fade_seconds, created_at) VALUES ('Tepat', '2026-12-01', '2026-12-31',"
                 " 'hard', '10:00', 8, 0)");
        execf(st, "INSERT INTO campaign_items VALUES (1, 1, %lld)", (long long)psa);
        int64_t ten = time_from_local(2026, 12, 7, 10, 0, 0);
        struct collected *c = plan(st, ten - 1800000, ten + 600000);
        int i = find_title(c, "Tepat", 0);
        assert_true(i > 0);
        assert_int_equal(c->start[i], ten);
        assert_string_equal(c->title[i - 1], "Sembilan"); /* 09:56 + 7 min */
        assert_int_equal(c->end_by[i - 1], ten);
        assert_int_equal(c->end_fade[i - 1], 8000);
        assert_int_equal(c->end_reason[i - 1], PLAYOUT_END_FADED_HARD);
        assert_string_equal(c->title[i + 1], "Sepuluh");
        free(c);
        station_free(st);
}

/* ---- complaints -------------------------------------------------------------------- */

static void test_air_next_complaint_with_intro(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        int64_t rec = add_media(st, "complaint", "rekaman", "", 40, NULL);
        int64_t intro = add_media(st, "complaint", "intro", "", 4, NULL);
        char err[512];
        struct scheduler *s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        struct playout_source src;
        scheduler_get_source(s, true, &src);
        int64_t t = time_now_ms();
        struct playout_item current, next;
        assert_int_equal(src.next(src.ctx, t, &current), 0);
        assert_int_equal(current.kind, ITEM_FALLBACK);
        assert_int_equal(src.next(src.ctx, t + 2000, &next), 0);
        assert_int_equal(next.kind, ITEM_FALLBACK);
        /* the web marks a verified complaint air-next and the engine asks again */
        execf(st,
              "INSERT INTO complaints (media_id, intro_media_id, title, consent, status,"
              " air_next, created_at, updated_at)"
              " VALUES (%lld, %lld, 'Jalan rusak', 1, 'verified', 1, 0, 0)",
              (long long)rec, (long long)intro);
        src.cancel(src.ctx, &next);
        playout_item_clear(&next);
        assert_int_equal(src.next(src.ctx, t + 2000, &next), 0);
        assert_int_equal(next.kind, ITEM_COMPLAINT);
        assert_int_equal(next.media_id, intro);
        struct playout_asrun r1 = {
            .item = &current, .start_ms = t, .end_ms = t + 2000, .frames = 2 * RATE};
        src.aired(src.ctx, &r1);
        struct playout_item after;
        assert_int_equal(src.next(src.ctx, t + 6000, &after), 0);
        assert_int_equal(after.kind, ITEM_COMPLAINT);
        assert_int_equal(after.media_id, rec);
        assert_string_equal(after.title, "Suara Warga: Jalan rusak");
        struct playout_asrun r2 = {
            .item = &next, .start_ms = t + 2000, .end_ms = t + 6000, .frames = 4 * RATE};
        src.aired(src.ctx, &r2);
        struct playout_asrun r3 = {.item = &after,
                                   .start_ms = t + 6000,
                                   .end_ms = t + 46000,
                                   .frames = 40 * RATE};
        src.aired(src.ctx, &r3);
        sqlite3_stmt *stmt = NULL;
        assert_int_equal(
            sqlite3_prepare_v2(st->db,
                               "SELECT status, air_next, (SELECT count(*) FROM"
                               " complaint_events WHERE to_status = 'aired'),"
                               " (SELECT count(*) FROM asrun) FROM complaints",
                               -1, &stmt, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "aired");
        assert_int_equal(sqlite3_column_int(stmt, 1), 0);
        assert_int_equal(sqlite3_column_int(stmt, 2), 1);
        assert_int_equal(sqlite3_column_int(stmt, 3), 3);
        sqlite3_finalize(stmt);
        /* and it does not come again */
        struct playout_item later;
        assert_int_equal(src.next(src.ctx, t + 46000, &later), 0);
        assert_int_equal(later.kind, ITEM_FALLBACK);
        playout_item_clear(&later);
        playout_item_clear(&after);
        playout_item_clear(&next);
        playout_item_clear(&current);
        scheduler_free(s);
        station_free(st);
}

static void test_suara_warga_segment_never_airs_confidential(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        add_media(st, "jingle", "Intro SW", "", 5, "suara-warga-intro");
        add_media(st, "jingle", "Outro SW", "", 5, "suara-warga-outro");
        add_media(st, "music", "Pengisi", "X", 120, "filler");
        int64_t r1 = add_media(st, "complaint", "r1", "", 30, NULL);
        int64_t r2 = add_media(st, "complaint", "r2", "", 30, NULL);
        int64_t r3 = add_media(st, "complaint", "r3", "", 30, NULL);
        int64_t r4 = add_media(st, "complaint", "r4", "", 30, NULL);
        execf(st,
              "INSERT INTO complaints (media_id, title, consent, confidential, status,"
              " queue_position, created_at, updated_at) VALUES"
              " (%lld, 'Kedua', 1, 0, 'queued', 2, 0, 0),"
              " (%lld, 'Rahasia', 1, 1, 'queued', 1, 0, 0),"
              " (%lld, 'Pertama', 1, 0, 'queued', 0, 0, 0),"
              " (%lld, 'Tanpa izin', 0, 0, 'queued', 3, 0, 0)",
              (long long)r1, (long long)r2, (long long)r3, (long long)r4);
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " hard_start, created_at)"
             " VALUES ('Suara Warga', 127, 36000, 1800, 'complaints', 'filler', 1, 0)");
        /* plan a day in the future so the queue is what it will play */
        int64_t ten =
            time_local_midnight(time_now_ms() + 2 * 86400000LL) + 10 * 3600000LL;
        struct collected *c = plan(st, ten, ten + 1800000);
        assert_string_equal(c->title[0], "Intro SW");
        assert_int_equal(c->start[0], ten);
        assert_string_equal(c->title[1], "Suara Warga: Pertama");
        assert_string_equal(c->title[2], "Suara Warga: Kedua");
        assert_string_equal(c->title[3], "Outro SW");
        assert_string_equal(c->title[4], "Pengisi");
        assert_int_equal(find_title(c, "Suara Warga: Rahasia", 0), -1);
        assert_int_equal(find_title(c, "Suara Warga: Tanpa izin", 0), -1);
        free(c);
        station_free(st);
}

/* ---- resume and speed -------------------------------------------------------------- */

static void test_resume_mid_show(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        int64_t a = add_media(st, "programme", "Bagian 1", "", 600, NULL);
        int64_t b = add_media(st, "programme", "Bagian 2", "", 600, NULL);
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, created_at)"
             " VALUES ('Dialog', 127, 50400, 1200, 'playlist', 0)");
        execf(st, "INSERT INTO show_items VALUES (1, 1, %lld), (1, 2, %lld)",
              (long long)a, (long long)b);
        int64_t two = time_from_local(2026, 4, 4, 14, 0, 0);
        char err[512];
        struct scheduler *s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        struct playout_source src;
        scheduler_get_source(s, false, &src);
        struct playout_item item;
        /* the station (re)starts at 14:13:20: part 2 is on, 200 s in */
        assert_int_equal(src.next(src.ctx, two + 800000, &item), 0);
        assert_int_equal(item.media_id, b);
        assert_int_equal(item.scheduled_ms, two + 600000);
        assert_int_equal(item.cue_in, 200LL * RATE);
        playout_item_clear(&item);
        scheduler_free(s);
        station_free(st);
}

static void test_week_plan_of_a_large_library(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        exec(st, "BEGIN");
        for (int i = 0; i < 10000; i++) {
                char title[32], artist[32], cat[16];
                snprintf(title, sizeof title, "T%d", i);
                snprintf(artist, sizeof artist, "A%d", i % 700);
                snprintf(cat, sizeof cat, "c%d", i % 20);
                add_media(st, "music", title, artist, 120 + i % 200, cat);
        }
        for (int i = 0; i < 200; i++)
                execf(st,
                      "INSERT INTO shows (name, days, start_time, duration, content,"
                      " categories, seed, created_at) VALUES ('S%d', %d, %d, 3600,"
                      " 'rotation', 'c%d,c%d', %d, 0)",
                      i, 1 << (i % 7), (i / 7) * 3000 % 86400, i % 20, (i + 3) % 20, i);
        exec(st, "COMMIT");
        int64_t from = time_from_local(2026, 7, 6, 0, 0, 0);
        int64_t t0 = time_monotonic_ns();
        struct collected *c = plan(st, from, from + 7 * 86400000LL);
        double seconds = (time_monotonic_ns() - t0) / 1e9;
        fprintf(stderr, "# 7-day plan, 10000 media, 200 shows: %d items in %.3f s\n",
                c->n, seconds);
        assert_true(c->n > 3000); /* its speed is measured by make bench */
        free(c);
        station_free(st);
}

/* The first failure stays on record for its thread after a later successful
 * call has reset the connection's error, and is neither seen by nor lost to
 * other threads. */
static void fail_a_constraint(sqlite3 *db)
{
        assert_int_not_equal(
            sqlite3_exec(db, "INSERT INTO t (id) VALUES (1)", NULL, NULL, NULL),
            SQLITE_OK);
}

static void *failure_on_other_thread(void *db)
{
        sched_db_failure_clear();
        fail_a_constraint(db);
        return (void *)(intptr_t)sched_db_first_failure();
}

static void test_db_failure_survives_a_later_success(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        exec(st, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        exec(st, "INSERT INTO t (id) VALUES (1)");
        sched_db_failure_clear();
        assert_int_equal(sched_db_first_failure(), 0);

        fail_a_constraint(st->db);
        sqlite3_stmt *stmt = NULL;
        assert_int_equal(sqlite3_prepare_v2(st->db, "SELECT 1", -1, &stmt, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        sqlite3_finalize(stmt);
        assert_int_equal(sqlite3_errcode(st->db), SQLITE_OK);
        assert_int_equal(sched_db_first_failure(), SQLITE_CONSTRAINT_PRIMARYKEY);
        /* what follows a failure is not its cause: the first one stays */
        assert_int_not_equal(sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL),
                             SQLITE_OK);
        assert_int_equal(sched_db_first_failure(), SQLITE_CONSTRAINT_PRIMARYKEY);

        sched_db_failure_clear();
        pthread_t other;
        void *seen = NULL;
        assert_int_equal(pthread_create(&other, NULL, failure_on_other_thread, st->db),
                         0);
        pthread_join(other, &seen);
        assert_int_equal((int)(intptr_t)seen, SQLITE_CONSTRAINT_PRIMARYKEY);
        assert_int_equal(sched_db_first_failure(), 0);
        station_free(st);
}

/* ---- one timeline: the plan from the engine's real state ------------------------ */

/* An item's end as the engine computes it without a crossfade: its start plus
 * its frames from cue-in (less what a resumed item had aired already). */
static int64_t item_end(const struct playout_item *item)
{
        return item->scheduled_ms + (item->cue_out - item->cue_in) * 1000 / RATE +
               item->resumed_ms;
}

static void aired(struct playout_source *src, const struct playout_item *item,
                  int64_t start, int64_t end)
{
        struct playout_asrun rec = {.item = item,
                                    .start_ms = start,
                                    .end_ms = end,
                                    .frames = (end - start) * RATE / 1000,
                                    .reason = PLAYOUT_END_COMPLETED};
        src->aired(src->ctx, &rec);
}

/* A station airing an all-day rotation of 40 tracks of 61 to 150 s. */
static struct station *rotation_station(void)
{
        struct station *st = station_with_fallback("Asia/Jakarta");
        exec(st, "BEGIN");
        for (int i = 0; i < 40; i++) {
                char title[32], artist[32];
                snprintf(title, sizeof title, "Lagu %d", i);
                snprintf(artist, sizeof artist, "Artis %d", i % 7);
                add_media(st, "music", title, artist, 61 + (i * 37) % 90, "rot");
        }
        exec(st, "COMMIT");
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, seed, created_at)"
             " VALUES ('Sepanjang Hari', 127, 0, 86400, 'rotation', 'rot', 1, 10, 7,"
             " 0)");
        return st;
}

static struct collected *timeline(struct station *st, struct scheduler *s, int64_t from,
                                  int64_t to, int64_t now, size_t limit)
{
        struct collected *c = xcalloc(1, sizeof *c);
        char err[512];
        if (scheduler_timeline(st->config, s, from, to, now, limit, collect, c, err,
                               sizeof err) < 0)
                fail_msg("timeline: %s", err);
        return c;
}

/* The prediction is the station's planner state cloned and run forward: it
 * names the item on air, the pre-opened one and the picks that follow,
 * including an announcement for "next" added meanwhile, to the millisecond. */
static void test_timeline_is_what_the_engine_picks(void **state)
{
        (void)state;
        struct station *st = rotation_station();
        int64_t t0 = time_from_local(2026, 5, 6, 10, 0, 0);
        char err[512];
        struct scheduler *s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        struct playout_source src;
        scheduler_get_source(s, true, &src);
        struct playout_item cur, next;
        assert_int_equal(src.next(src.ctx, t0, &cur), 0);
        int64_t h0 = item_end(&cur);
        assert_int_equal(src.next(src.ctx, h0, &next), 0);
        int64_t announce = add_media(st, "announcement", "Pengumuman", "", 20, NULL);
        execf(st,
              "INSERT INTO announcements (media_id, mode, created_at)"
              " VALUES (%lld, 'next', 0)",
              (long long)announce);
        int64_t now = t0 + 5000;
        struct collected *c = timeline(st, s, now, now + 3600000, now, 6);
        assert_int_equal(c->n, 6);
        assert_int_equal(c->media_id[0], cur.media_id);
        assert_int_equal(c->start[0], cur.scheduled_ms);
        assert_int_equal(c->media_id[1], next.media_id);
        assert_int_equal(c->start[1], h0);
        assert_int_equal(c->media_id[2], announce); /* after the pre-opened item */
        /* what the engine then picks is what was predicted */
        int64_t start = h0;
        struct playout_item item = next;
        for (int i = 2; i < 6; i++) {
                int64_t end = item_end(&item);
                struct playout_item following;
                assert_int_equal(src.next(src.ctx, end, &following), 0);
                assert_int_equal(following.media_id, c->media_id[i]);
                assert_true(llabs(end - c->start[i]) <= 2);
                aired(&src, &item, start, end);
                playout_item_clear(&item);
                item = following;
                start = end;
        }
        playout_item_clear(&item);
        playout_item_clear(&cur);
        free(c);
        scheduler_free(s);
        station_free(st);
}

/* A restart resumes what was on air when the station stopped, at its
 * position, from the checkpoint: here an announcement that a replay of the
 * day would not know had aired; the timeline of another process (`siaran
 * rundown`) shows the as-run, then the same item. */
static void test_restart_resumes_the_item_on_air(void **state)
{
        (void)state;
        struct station *st = rotation_station();
        int64_t t0 = time_from_local(2026, 5, 6, 10, 0, 0);
        char err[512];
        struct scheduler *s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        struct playout_source src;
        scheduler_get_source(s, true, &src);
        struct playout_item first, second;
        assert_int_equal(src.next(src.ctx, t0, &first), 0);
        int64_t h0 = item_end(&first);
        int64_t announce = add_media(st, "announcement", "Pengumuman", "", 40, NULL);
        execf(st,
              "INSERT INTO announcements (media_id, mode, created_at)"
              " VALUES (%lld, 'next', 0)",
              (long long)announce);
        assert_int_equal(src.next(src.ctx, h0, &second), 0);
        assert_int_equal(second.media_id, announce);
        aired(&src, &first, first.scheduled_ms + first.resumed_ms, h0);
        scheduler_free(s); /* the crash: the announcement on air, never reported */

        int64_t crash = h0 + 12500;
        struct collected *c = timeline(st, NULL, time_from_local(2026, 5, 6, 0, 0, 0),
                                       crash + 600000, crash, 0);
        int i = find_title(c, "Pengumuman", 0);
        assert_true(i >= 1);
        assert_int_equal(c->media_id[i - 1], first.media_id); /* from the as-run */
        assert_int_equal(c->start[i], h0);
        s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        scheduler_get_source(s, true, &src);
        struct playout_item resumed, after;
        assert_int_equal(src.next(src.ctx, crash, &resumed), 0);
        assert_int_equal(resumed.media_id, announce);
        assert_int_equal(resumed.scheduled_ms, h0);
        assert_int_equal(resumed.cue_in, 12500LL * RATE / 1000);
        assert_int_equal(src.next(src.ctx, h0 + 40000, &after), 0);
        assert_int_equal(after.media_id, c->media_id[i + 1]);
        assert_int_equal(h0 + 40000, c->start[i + 1]);
        playout_item_clear(&first);
        playout_item_clear(&second);
        playout_item_clear(&resumed);
        playout_item_clear(&after);
        free(c);
        scheduler_free(s);
        station_free(st);
}

/* The planner's state and the anchor survive their bytes; bytes that are
 * not one are refused, leaving nothing half read. */
static void test_planner_state_roundtrip(void **state)
{
        (void)state;
        struct plan_state a = {0}, b = {0};
        a.fallback_cursor = 3;
        a.fallback_day = 1234567;
        a.followup_complaint = 9;
        a.followup_answer = true;
        struct history_entry h[2] = {{.start = 10, .media_id = 4, .artist_key = ~0ULL},
                                     {.start = 20, .media_id = 5, .artist_key = 7}};
        a.history = h;
        a.n_history = 2;
        struct done_event d = {.type = EVENT_SLOT, .id = 2, .at = 99};
        a.done = &d;
        a.n_done = 1;
        struct show_progress pr = {.show_id = 1, .start = 5, .pos = 2, .picks = 8};
        a.progress = &pr;
        a.n_progress = 1;
        size_t size;
        unsigned char *bytes = plan_state_encode(&a, &size);
        assert_int_equal(plan_state_decode(&b, bytes, size), 0);
        assert_int_equal(b.fallback_cursor, 3);
        assert_int_equal(b.fallback_day, 1234567);
        assert_int_equal(b.followup_complaint, 9);
        assert_true(b.followup_answer);
        assert_int_equal(b.n_history, 2);
        assert_true(b.history[0].artist_key == ~0ULL);
        assert_int_equal(b.history[1].media_id, 5);
        assert_int_equal(b.done[0].at, 99);
        assert_int_equal(b.progress[0].picks, 8);
        assert_int_equal(plan_state_decode(&b, bytes, size - 8), -1);
        assert_int_equal(b.n_history, 0);
        free(bytes);

        struct anchor an = {0}, back = {0};
        struct plan_pick pick = {.path = "/x.wav",
                                 .title = "Judul",
                                 .artist = "",
                                 .kind = ITEM_PSA,
                                 .media_id = 12,
                                 .frames = 441,
                                 .gain_db = -3.25,
                                 .source = PICK_HARD_PSA,
                                 .end_by_ms = 77};
        anchor_push(&an, 1000, &pick, &a);
        pick.title = "Kedua, a title longer than eight bytes";
        anchor_push(&an, 2000, &pick, &b);
        anchor_push(&an, 3000, &pick, &a); /* the first one goes */
        bytes = anchor_encode(&an, &size);
        assert_int_equal(anchor_decode(&back, bytes, size), 0);
        assert_int_equal(back.n, 2);
        assert_int_equal(back.items[0].start, 2000);
        assert_string_equal(back.items[0].pick.title, pick.title);
        assert_true(back.items[1].pick.gain_db == -3.25);
        assert_int_equal(back.items[1].pick.end_by_ms, 77);
        assert_int_equal(back.items[1].st.n_history, 2);
        bytes[size / 2] ^= 0xff;
        bytes[0] ^= 0xff;
        assert_int_equal(anchor_decode(&back, bytes, size), -1);
        assert_int_equal(back.n, 0);
        free(bytes);
        anchor_clear(&an);
        plan_state_clear(&b);
}

/* ---- the complaint workflow (scheduler/complaints.c) ----------------------------- */

static const char *complaint_status(struct station *st, int64_t id, int *queue_position,
                                    int *air_next)
{
        static char status[16];
        sqlite3_stmt *stmt = NULL;
        assert_int_equal(sqlite3_prepare_v2(st->db,
                                            "SELECT status, ifnull(queue_position, 0),"
                                            " air_next FROM complaints WHERE id = ?",
                                            -1, &stmt, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(stmt, 1, id);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        snprintf(status, sizeof status, "%s", (const char *)sqlite3_column_text(stmt, 0));
        if (queue_position)
                *queue_position = sqlite3_column_int(stmt, 1);
        if (air_next)
                *air_next = sqlite3_column_int(stmt, 2);
        sqlite3_finalize(stmt);
        return status;
}

static int count_rows(struct station *st, const char *sql)
{
        sqlite3_stmt *stmt = NULL;
        assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        int n = sqlite3_column_int(stmt, 0);
        sqlite3_finalize(stmt);
        return n;
}

/* Each step goes only from the statuses it names, queue and air-next only for
 * an airable complaint, each with its event row; a refused step changes
 * nothing. */
static void test_complaint_steps(void **state)
{
        (void)state;
        struct station *st = station_new("Asia/Jakarta", "");
        exec(st, "INSERT INTO complaints (title, consent, confidential, created_at,"
                 " updated_at) VALUES ('Jalan rusak', 1, 0, 0, 0),"
                 " ('Rahasia', 1, 1, 0, 0), ('Tanpa izin', 0, 0, 0, 0)");
        char err[256];
        int pos, next;
        assert_int_equal(sched_complaint_step(st->db, 1, SCHED_COMPLAINT_QUEUE, 0, NULL,
                                              err, sizeof err),
                         SCHED_COMPLAINT_WRONG_STATUS);
        assert_string_equal(err, "cannot queue a complaint that is received");
        assert_int_equal(sched_complaint_step(st->db, 9, SCHED_COMPLAINT_VERIFY, 0, NULL,
                                              err, sizeof err),
                         -2);
        for (int64_t id = 1; id <= 3; id++)
                assert_int_equal(sched_complaint_step(st->db, id, SCHED_COMPLAINT_VERIFY,
                                                      0, NULL, err, sizeof err),
                                 0);
        assert_int_equal(sched_complaint_step(st->db, 2, SCHED_COMPLAINT_AIR_NEXT, 0,
                                              NULL, err, sizeof err),
                         SCHED_COMPLAINT_CONFIDENTIAL);
        assert_string_equal(err, "a confidential complaint is never aired");
        assert_int_equal(sched_complaint_step(st->db, 3, SCHED_COMPLAINT_QUEUE, 0, NULL,
                                              err, sizeof err),
                         SCHED_COMPLAINT_NO_CONSENT);
        assert_string_equal(err, "the caller did not consent to airing");
        assert_string_equal(complaint_status(st, 3, NULL, NULL), "verified");
        assert_int_equal(sched_complaint_step(st->db, 1, SCHED_COMPLAINT_QUEUE, 0, NULL,
                                              err, sizeof err),
                         0);
        assert_string_equal(complaint_status(st, 1, &pos, &next), "queued");
        assert_int_equal(pos, 1);
        assert_int_equal(next, 0);
        /* air-next keeps its place in the queue */
        assert_int_equal(sched_complaint_step(st->db, 1, SCHED_COMPLAINT_AIR_NEXT, 0,
                                              NULL, err, sizeof err),
                         0);
        assert_string_equal(complaint_status(st, 1, &pos, &next), "queued");
        assert_int_equal(pos, 1);
        assert_int_equal(next, 1);
        assert_int_equal(sched_complaint_step(st->db, 1, SCHED_COMPLAINT_FORWARD, 0,
                                              "LAP-1", err, sizeof err),
                         SCHED_COMPLAINT_WRONG_STATUS);
        assert_int_equal(sched_complaint_step(st->db, 1, SCHED_COMPLAINT_REJECT, 0, NULL,
                                              err, sizeof err),
                         0);
        assert_string_equal(complaint_status(st, 1, &pos, &next), "rejected");
        assert_int_equal(pos, 0);
        assert_int_equal(next, 0);
        assert_int_equal(sched_complaint_step(st->db, 3, SCHED_COMPLAINT_FORWARD, 0,
                                              "LAP-3", err, sizeof err),
                         0);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM complaints WHERE id = 3"
                                        " AND lapor_tracking_id = 'LAP-3'"),
                         1);
        /* one event per step taken: 3 verify, queue, air-next, reject, forward */
        assert_int_equal(count_rows(st, "SELECT count(*) FROM complaint_events"), 7);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM complaint_events WHERE"
                                        " complaint_id = 1 AND note = 'air-next'"),
                         1);
        station_free(st);
}

/* ---- announcements and inserts ---------------------------------------------- */

/* The files in the station's media store. */
static int stored_files(struct station *st)
{
        char *cmd = xasprintf("find '%s/media' -type f 2>/dev/null | wc -l", st->dir);
        FILE *p = popen(cmd, "r");
        free(cmd);
        assert_non_null(p);
        int n = -1;
        assert_int_equal(fscanf(p, "%d", &n), 1);
        pclose(p);
        return n;
}

struct listed {
        int count;
        int64_t ids[8];
        char titles[8][96], statuses[8][16], modes[8][8];
        bool air_at[8];
};

static void list_into(void *user, const struct sched_announcement *a)
{
        struct listed *l = user;
        if (l->count >= 8)
                return;
        int i = l->count++;
        l->ids[i] = a->id;
        snprintf(l->titles[i], sizeof l->titles[i], "%s", a->title ? a->title : "(null)");
        snprintf(l->statuses[i], sizeof l->statuses[i], "%s", a->status);
        snprintf(l->modes[i], sizeof l->modes[i], "%s", a->mode);
        l->air_at[i] = a->has_air_at;
}

static int create_announcement(struct station *st, const char *text, const char *audio,
                               const char *mode, int64_t air_at_ms,
                               struct sched_announcement_created *made)
{
        char err[256] = "";
        struct sched_announcement_new in = {
            .text = text, .audio = audio, .mode = mode, .air_at_ms = air_at_ms};
        memset(made, 0, sizeof *made);
        return sched_announcement_create(st->db, st->config, &in, made, err, sizeof err);
}

/* Text is spoken into a library row titled by its first words and an
 * announcement row; a recording is titled "Pengumuman" and, uploaded again,
 * shares its row; the list shows them newest first; cancelling takes a
 * pending one out once. */
static void test_announcement_create_list_cancel(void **state)
{
        (void)state;
        struct station *st = station_new("Asia/Jakarta", "");
        struct sched_announcement_created spoken, rec, again;
        assert_int_equal(create_announcement(st, "Rapat warga\tmalam ini di balai desa",
                                             NULL, "next", 0, &spoken),
                         0);
        assert_true(spoken.id > 0 && spoken.media_id > 0);
        assert_true(spoken.duration > 0.5);
        int64_t at = time_now_ms() + 3600 * 1000;
        assert_int_equal(create_announcement(st, NULL, st->wav, "at", at, &rec), 0);
        assert_int_equal(create_announcement(st, "", st->wav, "now", 0, &again), 0);
        assert_int_equal(again.media_id, rec.media_id);
        assert_int_not_equal(again.id, rec.id);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM media WHERE kind ="
                                        " 'announcement'"),
                         2);
        assert_int_equal(stored_files(st), 2);

        struct listed l = {0};
        assert_int_equal(sched_announcement_list(st->db, 100, list_into, &l), 3);
        assert_int_equal(l.ids[0], again.id);
        assert_int_equal(l.ids[2], spoken.id);
        assert_string_equal(l.titles[2],
                            "Pengumuman: Rapat warga malam ini di balai desa");
        assert_string_equal(l.titles[1], "Pengumuman");
        assert_string_equal(l.modes[1], "at");
        assert_true(l.air_at[1]);
        assert_false(l.air_at[2]);
        assert_string_equal(l.statuses[0], "pending");
        memset(&l, 0, sizeof l);
        assert_int_equal(sched_announcement_list(st->db, 1, list_into, &l), 1);

        assert_int_equal(sched_announcement_cancel(st->db, rec.id), 0);
        assert_int_equal(sched_announcement_cancel(st->db, rec.id), -2);
        assert_int_equal(sched_announcement_cancel(st->db, 999), -2);
        memset(&l, 0, sizeof l);
        sched_announcement_list(st->db, 100, list_into, &l);
        assert_string_equal(l.statuses[1], "cancelled");
        assert_string_equal(l.statuses[0], "pending");
        station_free(st);
}

/* A refused announcement leaves nothing behind: not usable audio, another
 * library item's recording, and a failure at the last step (the announcement
 * row, refused by a trigger) leave no new library row and no stored file. */
static void test_announcement_failure_leaves_nothing(void **state)
{
        (void)state;
        struct station *st = station_new("Asia/Jakarta", "");
        char err[256];
        struct sched_media song = {0};
        char *tune = station_path(st, "lagu.wav");
        write_wav(tune, 1.5, 660);
        assert_int_equal(sched_media_import(st->db, st->config, tune, ITEM_MUSIC, NULL,
                                            NULL, NULL, &song, err, sizeof err),
                         0);
        write_text(st, "not-audio.wav", "this is not audio\n");
        char *junk = station_path(st, "not-audio.wav");
        struct sched_announcement_created made;
        assert_int_equal(create_announcement(st, NULL, junk, "next", 0, &made), -1);
        assert_int_equal(create_announcement(st, NULL, tune, "next", 0, &made), -3);
        /* the song keeps its kind and title */
        execf(st,
              "CREATE TEMP VIEW song AS SELECT kind, title FROM media WHERE id = %lld",
              (long long)song.id);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM song WHERE kind = 'music'"
                                        " AND title NOT LIKE 'Pengumuman%'"),
                         1);

        exec(st, "CREATE TRIGGER refuse BEFORE INSERT ON announcements"
                 " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
        assert_int_equal(create_announcement(st, NULL, st->wav, "next", 0, &made),
                         SCHED_ANNOUNCEMENT_DB_ERROR);
        assert_int_equal(
            create_announcement(st, "Pengumuman yang gagal", NULL, "now", 0, &made),
            SCHED_ANNOUNCEMENT_DB_ERROR);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM media"), 1);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM announcements"), 0);
        assert_int_equal(stored_files(st), 1);

        exec(st, "DROP TRIGGER refuse");
        assert_int_equal(create_announcement(st, NULL, st->wav, "next", 0, &made), 0);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM media"), 2);
        assert_int_equal(stored_files(st), 2);
        sched_media_clear(&song);
        free(tune);
        free(junk);
        station_free(st);
}

/* A library item is queued as an insert unless it is missing, deleted or a
 * complaint's recording; an alert's bulletin is not cancelled as an insert. */
static void test_insert_create(void **state)
{
        (void)state;
        struct station *st = station_new("Asia/Jakarta", "");
        int64_t jingle = add_media(st, "jingle", "Jingle", "", 5, NULL);
        int64_t call = add_media(st, "complaint", "Keluhan", "", 20, NULL);
        int64_t gone = add_media(st, "music", "Dihapus", "", 60, NULL);
        execf(st, "UPDATE media SET deleted = 1 WHERE id = %lld", (long long)gone);
        int64_t id = 0;
        assert_int_equal(sched_insert_create(st->db, jingle, "now", 0, &id), 0);
        assert_true(id > 0);
        assert_int_equal(sched_insert_create(st->db, call, "next", 0, &id), -3);
        assert_int_equal(sched_insert_create(st->db, gone, "next", 0, &id), -2);
        assert_int_equal(sched_insert_create(st->db, 999, "next", 0, &id), -2);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM announcements"), 1);
        struct listed l = {0};
        assert_int_equal(sched_announcement_list(st->db, 100, list_into, &l), 1);
        assert_string_equal(l.titles[0], "Jingle");
        assert_string_equal(l.modes[0], "now");
        station_free(st);
}

/* Queued inserts air in their stored order: moved before another or to a
 * position, what the engine takes next follows it; a cart airs as its own
 * kind under its own title, an announcement as an announcement.  An insert
 * for now, a missing one or a target that is not queued cannot be moved. */
static void test_insert_move_sets_what_airs(void **state)
{
        (void)state;
        struct station *st = rotation_station();
        int64_t t0 = time_from_local(2026, 5, 6, 10, 0, 0);
        char err[512];
        struct scheduler *s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        struct playout_source src;
        scheduler_get_source(s, true, &src);
        struct playout_item cur;
        assert_int_equal(src.next(src.ctx, t0, &cur), 0);
        int64_t jingle = add_media(st, "jingle", "Jingle Pagi", "Tim Studio", 5, NULL);
        int64_t psa = add_media(st, "psa", "ILM Cuci Tangan", "", 20, NULL);
        int64_t spoken = add_media(st, "announcement", "Pengumuman: Rapat", "", 10, NULL);
        int64_t a = 0, b = 0, c = 0, urgent = 0, pos = -1;
        assert_int_equal(sched_insert_create(st->db, jingle, "next", 0, &a), 0);
        assert_int_equal(sched_insert_create(st->db, psa, "next", 0, &b), 0);
        assert_int_equal(sched_insert_create(st->db, spoken, "next", 0, &c), 0);
        /* an urgent one is not in the queue; once aired it is not pending */
        assert_int_equal(sched_insert_create(st->db, jingle, "now", 0, &urgent), 0);
        assert_int_equal(sched_insert_move(st->db, urgent, a, 0, NULL), -3);
        assert_int_equal(sched_insert_move(st->db, a, urgent, 0, NULL), -4);
        execf(st, "UPDATE announcements SET status = 'aired' WHERE id = %lld",
              (long long)urgent);
        assert_int_equal(sched_insert_move(st->db, urgent, a, 0, NULL), -2);
        assert_int_equal(sched_insert_move(st->db, 999, a, 0, NULL), -2);
        assert_int_equal(sched_insert_move(st->db, a, a, 0, NULL), -4);
        /* c first (before a), then a to the end (past it: last) */
        assert_int_equal(sched_insert_move(st->db, c, a, 0, &pos), 0);
        assert_int_equal(pos, 0);
        assert_int_equal(sched_insert_move(st->db, a, 0, 7, &pos), 0);
        assert_int_equal(pos, 2);
        /* a later insert waits after the ordered ones */
        int64_t d = 0;
        assert_int_equal(sched_insert_create(st->db, jingle, "next", 0, &d), 0);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM announcements WHERE"
                                        " queue_position IS NOT NULL"),
                         3);
        /* b to the front by position */
        assert_int_equal(sched_insert_move(st->db, b, 0, 0, &pos), 0);
        assert_int_equal(pos, 0);
        const int64_t order[] = {b, c, a, d};
        const int64_t media[] = {psa, spoken, jingle, jingle};
        const enum item_kind kinds[] = {ITEM_PSA, ITEM_ANNOUNCEMENT, ITEM_JINGLE,
                                        ITEM_JINGLE};
        const char *titles[] = {"ILM Cuci Tangan", "Pengumuman: Rapat", "Jingle Pagi",
                                "Jingle Pagi"};
        int64_t start = t0;
        struct playout_item item = cur;
        for (int i = 0; i < 4; i++) {
                int64_t end = item_end(&item);
                struct playout_item next;
                assert_int_equal(src.next(src.ctx, end, &next), 0);
                assert_int_equal(next.ref_id, order[i]);
                assert_int_equal(next.media_id, media[i]);
                assert_int_equal(next.kind, kinds[i]);
                assert_string_equal(next.title, titles[i]);
                aired(&src, &item, start, end);
                playout_item_clear(&item);
                item = next;
                start = end;
        }
        aired(&src, &item, start, item_end(&item));
        playout_item_clear(&item);
        scheduler_free(s); /* the writer has written what aired */
        assert_int_equal(count_rows(st, "SELECT count(*) FROM announcements WHERE"
                                        " status = 'aired'"),
                         5);
        assert_int_equal(sched_insert_move(st->db, b, 0, 0, NULL), -2);
        station_free(st);
}

/* What the timeline costs the station: with a 10 000-item rotation and two
 * days of history, each pick also copies and encodes the anchor and writes
 * the checkpoint (here inline; the station's writer thread does that), and
 * the web's timeline from the published state takes a catalogue load and a
 * few hours of planning.  The figures are printed; the bounds are generous. */
static void test_timeline_cost_with_a_large_library(void **state)
{
        (void)state;
        struct station *st = station_with_fallback("Asia/Jakarta");
        exec(st, "BEGIN");
        for (int i = 0; i < 10000; i++) {
                char title[32], artist[32];
                snprintf(title, sizeof title, "T%d", i);
                snprintf(artist, sizeof artist, "A%d", i % 700);
                add_media(st, "music", title, artist, 120 + i % 120, "rot");
        }
        exec(st, "COMMIT");
        exec(st,
             "INSERT INTO shows (name, days, start_time, duration, content, categories,"
             " track_separation_hours, artist_separation_minutes, seed, created_at)"
             " VALUES ('Sepanjang Hari', 127, 0, 86400, 'rotation', 'rot', 6, 60, 3,"
             " 0)");
        char err[512];
        struct scheduler *s = scheduler_new(st->config, err, sizeof err);
        assert_non_null(s);
        struct playout_source src;
        scheduler_get_source(s, true, &src);
        int64_t t = time_from_local(2026, 7, 6, 0, 0, 0);
        struct playout_item item;
        assert_int_equal(src.next(src.ctx, t, &item), 0);
        int picks = 0;
        int64_t t0 = time_monotonic_ns(), worst = 0;
        while (t < time_from_local(2026, 7, 8, 0, 0, 0)) {
                int64_t end = item_end(&item);
                aired(&src, &item, t, end);
                playout_item_clear(&item);
                int64_t p0 = time_monotonic_ns();
                assert_int_equal(src.next(src.ctx, end, &item), 0);
                if (time_monotonic_ns() - p0 > worst)
                        worst = time_monotonic_ns() - p0;
                t = end;
                picks++;
        }
        double per_pick = (time_monotonic_ns() - t0) / 1e6 / picks;
        int blob = count_rows(st, "SELECT length(data) FROM plan_checkpoint");
        int64_t w0 = time_monotonic_ns();
        struct collected *c = timeline(st, s, t, t + 3 * 3600000LL, t, 6);
        double web_ms = (time_monotonic_ns() - w0) / 1e6;
        fprintf(stderr,
                "# 10000-item rotation, 2 days: %d picks, %.2f ms a pick with the"
                " checkpoint written inline (worst %.2f ms), checkpoint %d bytes;"
                " the web's next 6 in %.1f ms\n",
                picks, per_pick, worst / 1e6, blob, web_ms);
        assert_int_equal(c->n, 6);
        assert_int_equal(c->media_id[0], item.media_id);
        assert_true(per_pick < 50);
        assert_true(blob < 200000);
        playout_item_clear(&item);
        free(c);
        scheduler_free(s);
        station_free(st);
}

int main(void)
{
        log_threshold = LOG_ERROR;
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fallback_loops_and_skips_missing),
            cmocka_unit_test(test_plan_fallback_all_day),
            cmocka_unit_test(test_hard_psa_on_its_millisecond),
            cmocka_unit_test(test_soft_psa_boundary_or_window_end),
            cmocka_unit_test(test_campaign_expires_at_midnight),
            cmocka_unit_test(test_rotation_separation_over_a_week),
            cmocka_unit_test(test_overlapping_shows),
            cmocka_unit_test(test_relay_show),
            cmocka_unit_test(test_deleted_and_missing_media_skipped),
            cmocka_unit_test(test_dst_days_in_berlin),
            cmocka_unit_test(test_one_off_item_not_cut_at_beaten_weekly_start),
            cmocka_unit_test(test_weekly_show_skips_its_excepted_date),
            cmocka_unit_test(test_show_in_spring_gap_airs),
            cmocka_unit_test(test_show_duration_is_real_time_on_dst_days),
            cmocka_unit_test(test_all_day_show_on_the_long_autumn_day),
            cmocka_unit_test(test_show_airings_on_dst_days),
            cmocka_unit_test(test_psa_rotation_continues_across_midnight),
            cmocka_unit_test(test_psa_fade_zero_is_a_cut),
            cmocka_unit_test(test_fallback_inside_show_obeys_its_end),
            cmocka_unit_test(test_hard_psa_at_soft_show_start_keeps_its_fade),
            cmocka_unit_test(test_air_next_complaint_with_intro),
            cmocka_unit_test(test_suara_warga_segment_never_airs_confidential),
            cmocka_unit_test(test_resume_mid_show),
            cmocka_unit_test(test_week_plan_of_a_large_library),
            cmocka_unit_test(test_db_failure_survives_a_later_success),
            cmocka_unit_test(test_timeline_is_what_the_engine_picks),
            cmocka_unit_test(test_restart_resumes_the_item_on_air),
            cmocka_unit_test(test_planner_state_roundtrip),
            cmocka_unit_test(test_timeline_cost_with_a_large_library),
            cmocka_unit_test(test_complaint_steps),
            cmocka_unit_test(test_announcement_create_list_cancel),
            cmocka_unit_test(test_announcement_failure_leaves_nothing),
            cmocka_unit_test(test_insert_create),
            cmocka_unit_test(test_insert_move_sets_what_airs),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
