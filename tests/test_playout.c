/* Unit tests of the engine: gapless sequencing, skipping unreadable items,
 * hard events on their sample, the limiter, commands.  Items are real audio
 * files written by the test; the source is a small scripted schedule. */
#include <math.h>
#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "playout/playout.h"

#define RATE 44100
#define MAX_RECORDS 64

static char tmpdir[256];

/* Writes a stereo sine (or DC when hz == 0) WAV of frames at rate. */
static char *write_tone(const char *name, int rate, int channels, int64_t frames,
                        double hz, double amplitude)
{
        char *path = xasprintf("%s/%s", tmpdir, name);
        SF_INFO info = {.samplerate = rate,
                        .channels = channels,
                        .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
        SNDFILE *f = sf_open(path, SFM_WRITE, &info);
        assert_non_null(f);
        float *buf = xmalloc(sizeof(float) * (size_t)channels * (size_t)frames);
        for (int64_t i = 0; i < frames; i++)
                for (int c = 0; c < channels; c++)
                        buf[i * channels + c] =
                            (float)(hz > 0 ? amplitude *
                                                 sin(2 * M_PI * hz * (double)i / rate)
                                           : amplitude);
        assert_int_equal(sf_writef_float(f, buf, frames), frames);
        sf_close(f);
        free(buf);
        return path;
}

/* A scripted source: a loop of paths, and optionally one hard event. */
struct script {
        const char *paths[8];
        int n_paths;
        int next_index;
        int64_t hard_ms;       /* 0: none */
        const char *hard_path; /* what starts at hard_ms */
        bool hard_done;
        struct playout_asrun records[MAX_RECORDS];
        char titles[MAX_RECORDS][64];
        int n_records;
        int cancels;
        double gain_db;
};

static int script_next(void *ctx, int64_t start_ms, struct playout_item *item)
{
        struct script *s = ctx;
        memset(item, 0, sizeof *item);
        const char *path;
        if (s->hard_ms && !s->hard_done && start_ms == s->hard_ms) {
                path = s->hard_path;
                s->hard_done = true;
        } else {
                path = s->paths[s->next_index++ % s->n_paths];
        }
        item->path = xstrdup(path);
        const char *slash = strrchr(path, '/');
        item->title = xstrdup(slash ? slash + 1 : path);
        item->artist = xstrdup("Uji");
        item->kind = ITEM_MUSIC;
        item->scheduled_ms = start_ms;
        item->gain_db = s->gain_db;
        return 0;
}

static bool script_next_hard(void *ctx, int64_t from, int64_t until, int64_t *at)
{
        struct script *s = ctx;
        if (s->hard_ms && !s->hard_done && s->hard_ms > from && s->hard_ms <= until) {
                *at = s->hard_ms;
                return true;
        }
        return false;
}

static void script_cancel(void *ctx, const struct playout_item *item)
{
        struct script *s = ctx;
        s->cancels++;
        if (s->hard_path && strcmp(item->path, s->hard_path) == 0)
                s->hard_done = false;
        else
                s->next_index--;
}

static void script_aired(void *ctx, const struct playout_asrun *r)
{
        struct script *s = ctx;
        if (s->n_records == MAX_RECORDS)
                return;
        s->records[s->n_records] = *r;
        snprintf(s->titles[s->n_records], sizeof s->titles[0], "%s", r->item->title);
        s->records[s->n_records].item = NULL;
        s->n_records++;
}

struct capture {
        float *pcm;
        size_t frames, capacity;
};

static void capture_pcm(void *user, const float *pcm, size_t frames)
{
        struct capture *c = user;
        if (c->frames + frames > c->capacity) {
                c->capacity = (c->frames + frames) * 2;
                c->pcm = xrealloc(c->pcm, c->capacity * 2 * sizeof(float));
        }
        memcpy(c->pcm + 2 * c->frames, pcm, frames * 2 * sizeof(float));
        c->frames += frames;
}

static const int64_t T0 = 1764547200000LL; /* 2025-12-01 00:00:00 UTC */

static void render_with_monitor(struct script *s, int64_t ms, double crossfade,
                                void (*monitor)(void *user, const float *pcm,
                                                size_t frames),
                                void *user)
{
        struct playout_config pc = {.rate = RATE,
                                    .start_ms = T0,
                                    .end_ms = T0 + ms,
                                    .hard_fade = 0.5,
                                    .crossfade = crossfade,
                                    .silence_threshold = 0};
        struct playout_source src = {s, script_next, script_next_hard, script_cancel,
                                     script_aired};
        const char *err = NULL;
        struct playout *p = playout_new(&pc, &src, &err);
        assert_non_null(p);
        playout_set_monitor(p, monitor, user);
        assert_int_equal(playout_run(p), 0);
        playout_free(p);
}

static void render(struct script *s, int64_t ms, struct capture *cap, double crossfade)
{
        render_with_monitor(s, ms, crossfade, capture_pcm, cap);
}

/* Every 10 ms window of the left channel has signal: no hole in the output. */
static void assert_no_silent_window(const struct capture *cap)
{
        for (size_t w = 0; w + 441 <= cap->frames; w += 441) {
                float peak = 0;
                for (size_t i = w; i < w + 441; i++)
                        peak = fmaxf(peak, fabsf(cap->pcm[2 * i]));
                assert_true(peak > 0.1f);
        }
}

static void test_gapless_sequence(void **state)
{
        (void)state;
        struct script s = {.n_paths = 3};
        s.paths[0] = write_tone("a.wav", RATE, 2, 44100, 440, 0.3);
        s.paths[1] = write_tone("b.wav", RATE, 1, 22050, 660, 0.3);
        s.paths[2] = write_tone("c.wav", RATE, 2, 33957, 550, 0.3);
        struct capture cap = {0};
        render(&s, 5000, &cap, 0);
        assert_int_equal(cap.frames, 5 * RATE);
        /* The items follow each other sample by sample. */
        int64_t expect_len[] = {44100, 22050, 33957};
        for (int i = 0; i + 1 < s.n_records; i++) {
                assert_int_equal(s.records[i].end_ms, s.records[i + 1].start_ms);
                assert_int_equal(s.records[i].reason, PLAYOUT_END_COMPLETED);
                assert_int_equal(s.records[i].frames, expect_len[i % 3]);
        }
        assert_int_equal(s.records[s.n_records - 1].reason, PLAYOUT_END_STOPPED);
        int64_t total = 0;
        for (int i = 0; i < s.n_records; i++)
                total += s.records[i].frames;
        assert_int_equal(total, 5 * RATE);
        assert_no_silent_window(&cap);
        free(cap.pcm);
        for (int i = 0; i < 3; i++)
                free((char *)s.paths[i]);
}

static void test_unreadable_items_are_skipped_without_gap(void **state)
{
        (void)state;
        struct script s = {.n_paths = 4};
        s.paths[0] = write_tone("d.wav", RATE, 2, 30000, 440, 0.3);
        s.paths[1] = xasprintf("%s/missing.wav", tmpdir);
        char *garbage = xasprintf("%s/garbage.wav", tmpdir);
        FILE *g = fopen(garbage, "w");
        for (int i = 0; i < 50000; i++)
                fputc((i * 7919) & 0xff, g);
        fclose(g);
        s.paths[2] = garbage;
        s.paths[3] = write_tone("e.wav", RATE, 2, 20000, 660, 0.3);
        struct capture cap = {0};
        render(&s, 3000, &cap, 0);
        assert_int_equal(cap.frames, 3 * RATE);
        int skipped = 0;
        int64_t last_end = T0;
        for (int i = 0; i < s.n_records; i++) {
                if (s.records[i].reason == PLAYOUT_END_UNREADABLE) {
                        skipped++;
                        assert_int_equal(s.records[i].frames, 0);
                        continue;
                }
                assert_int_equal(s.records[i].start_ms, last_end);
                last_end = s.records[i].end_ms;
        }
        assert_true(skipped >= 2);
        assert_int_equal(last_end, T0 + 3000);
        free(cap.pcm);
        for (int i = 0; i < 4; i++)
                free((char *)s.paths[i]);
}

static void test_hard_event_starts_on_its_sample(void **state)
{
        (void)state;
        struct script s = {.n_paths = 1};
        s.paths[0] = write_tone("long.wav", RATE, 2, 10 * RATE, 440, 0.3);
        /* The hard item is DC, so its first sample is easy to find. */
        s.hard_path = write_tone("psa.wav", RATE, 2, RATE, 0, 0.25);
        s.hard_ms = T0 + 2500;
        struct capture cap = {0};
        render(&s, 4000, &cap, 0);
        size_t at = (size_t)(2.5 * RATE);
        /* Silent just before the event: the fade reached zero. */
        assert_true(fabsf(cap.pcm[2 * (at - 1)]) < 1e-3f);
        /* The hard item begins exactly there. */
        assert_true(fabsf(cap.pcm[2 * at] - 0.25f) < 1e-3f);
        /* And the faded item was still audible 0.6 s before. */
        float peak = 0;
        for (size_t i = at - (size_t)(0.7 * RATE); i < at - (size_t)(0.6 * RATE); i++)
                peak = fmaxf(peak, fabsf(cap.pcm[2 * i]));
        assert_true(peak > 0.25f);
        bool found = false;
        for (int i = 0; i < s.n_records; i++)
                if (s.records[i].reason == PLAYOUT_END_FADED_HARD) {
                        assert_int_equal(s.records[i].end_ms, T0 + 2500);
                        found = true;
                }
        assert_true(found);
        free(cap.pcm);
        free((char *)s.paths[0]);
        free((char *)s.hard_path);
}

static void test_limiter_keeps_peaks_under_ceiling(void **state)
{
        (void)state;
        /* A gain of +12 dB on a full-scale tone would clip four times over. */
        struct script s = {.n_paths = 1, .gain_db = 12};
        s.paths[0] = write_tone("loud.wav", RATE, 2, 2 * RATE, 997, 0.99);
        struct capture cap = {0};
        render(&s, 2000, &cap, 0);
        float peak = 0;
        for (size_t i = 0; i < 2 * cap.frames; i++)
                peak = fmaxf(peak, fabsf(cap.pcm[i]));
        assert_true(peak <= 0.892f); /* -1 dBFS */
        assert_true(peak > 0.7f);    /* limited, not muted */
        free(cap.pcm);
        free((char *)s.paths[0]);
}

static void test_crossfade_overlaps_items(void **state)
{
        (void)state;
        struct script s = {.n_paths = 2};
        s.paths[0] = write_tone("x1.wav", RATE, 2, 2 * RATE, 440, 0.3);
        s.paths[1] = write_tone("x2.wav", RATE, 2, 2 * RATE, 660, 0.3);
        struct capture cap = {0};
        render(&s, 3000, &cap, 0.5);
        assert_int_equal(cap.frames, 3 * RATE);
        /* The second item starts 0.5 s before the first ends. */
        assert_true(s.n_records >= 1);
        assert_int_equal(s.records[0].end_ms, T0 + 2000);
        free(cap.pcm);
        free((char *)s.paths[0]);
        free((char *)s.paths[1]);
}

/* Files changed on disk while the engine holds them: the monitor callback
 * (called as audio is produced) deletes the pre-opened next item and
 * truncates another one after it was opened. */
struct tamper {
        struct capture cap;
        const char *delete_path; /* unlinked at delete_at frames */
        size_t delete_at;
        const char *truncate_path; /* cut to half its size at truncate_at frames */
        size_t truncate_at;
};

static void tamper_pcm(void *user, const float *pcm, size_t frames)
{
        struct tamper *t = user;
        capture_pcm(&t->cap, pcm, frames);
        if (t->delete_path && t->cap.frames >= t->delete_at) {
                assert_int_equal(unlink(t->delete_path), 0);
                t->delete_path = NULL;
        }
        if (t->truncate_path && t->cap.frames >= t->truncate_at) {
                struct stat st;
                assert_int_equal(stat(t->truncate_path, &st), 0);
                assert_int_equal(truncate(t->truncate_path, st.st_size / 2), 0);
                t->truncate_path = NULL;
        }
}

static void test_media_deleted_or_truncated_underfoot(void **state)
{
        (void)state;
        struct script s = {.n_paths = 3};
        s.paths[0] = write_tone("u1.wav", RATE, 2, RATE, 440, 0.3);
        s.paths[1] = write_tone("u2.wav", RATE, 2, RATE, 660, 0.3);
        s.paths[2] = write_tone("u3.wav", RATE, 2, RATE / 2, 550, 0.3);
        /* u2 is pre-opened when u1 starts; u3 when u2 starts. */
        struct tamper t = {.delete_path = s.paths[1],
                           .delete_at = RATE / 5,
                           .truncate_path = s.paths[2],
                           .truncate_at = RATE + RATE / 5};
        render_with_monitor(&s, 3500, 0, tamper_pcm, &t);
        assert_null(t.delete_path);
        assert_null(t.truncate_path);
        assert_int_equal(t.cap.frames, (size_t)(3.5 * RATE));
        assert_true(s.n_records >= 4);
        /* u1 whole, u2 whole although deleted after it was opened. */
        assert_string_equal(s.titles[0], "u1.wav");
        assert_int_equal(s.records[0].frames, RATE);
        assert_string_equal(s.titles[1], "u2.wav");
        assert_int_equal(s.records[1].reason, PLAYOUT_END_COMPLETED);
        assert_int_equal(s.records[1].frames, RATE);
        /* u3 ended where its data ended, short of what its header promised. */
        assert_string_equal(s.titles[2], "u3.wav");
        assert_true(s.records[2].frames > RATE / 8);
        assert_true(s.records[2].frames < RATE / 2);
        /* What followed started on the very next sample; the deleted u2 was
         * skipped on the second round. */
        int64_t last_end = T0;
        bool skipped_deleted = false;
        for (int i = 0; i < s.n_records; i++) {
                if (s.records[i].reason == PLAYOUT_END_UNREADABLE) {
                        skipped_deleted |= strcmp(s.titles[i], "u2.wav") == 0;
                        continue;
                }
                assert_int_equal(s.records[i].start_ms, last_end);
                last_end = s.records[i].end_ms;
        }
        assert_true(skipped_deleted);
        assert_int_equal(last_end, T0 + 3500);
        assert_no_silent_window(&t.cap);
        free(t.cap.pcm);
        for (int i = 0; i < 3; i++)
                free((char *)s.paths[i]);
}

static int setup(void **state)
{
        (void)state;
        snprintf(tmpdir, sizeof tmpdir, "/tmp/siaran-playout-XXXXXX");
        return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
        (void)state;
        char *cmd = xasprintf("rm -rf '%s'", tmpdir);
        int rc = system(cmd);
        free(cmd);
        return rc == 0 ? 0 : -1;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_gapless_sequence),
            cmocka_unit_test(test_unreadable_items_are_skipped_without_gap),
            cmocka_unit_test(test_hard_event_starts_on_its_sample),
            cmocka_unit_test(test_limiter_keeps_peaks_under_ceiling),
            cmocka_unit_test(test_crossfade_overlaps_items),
            cmocka_unit_test(test_media_deleted_or_truncated_underfoot),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
