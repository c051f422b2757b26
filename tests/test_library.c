/* Unit tests of the scheduler's media library and as-run log: importing a
 * generated WAV into a real store and database, re-import, refused files,
 * categories, and the as-run CSV/text export and PSA campaign report. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <math.h>
#include <unistd.h>

#include <cmocka.h>
#include <sndfile.h>
#include <sodium.h>

#include "common/common.h"
#include "scheduler/scheduler.h"

#define RATE 44100
/* The fixture tone: 0.5 s silence, 3 s of 1 kHz sine at -20 dBFS peak in both
 * channels, 0.5 s silence. */
#define HEAD_SECONDS 0.5
#define TONE_SECONDS 3.0
#define TAIL_SECONDS 0.5
#define TONE_PEAK_DB -20.0

struct fixture {
        char dir[256];
        struct config config;
        sqlite3 *db;
};

static int fixture_setup(void **state)
{
        struct fixture *f = xcalloc(1, sizeof *f);
        snprintf(f->dir, sizeof f->dir, "/tmp/siaran-test-library-XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        f->config.dir = xstrdup(f->dir);
        f->config.samplerate = RATE;
        f->config.loudness_target = -16;
        f->config.media_dir = xasprintf("%s/media", f->dir);
        f->config.database = xasprintf("%s/siaran.db", f->dir);
        if (make_dirs(f->config.media_dir, 0755) < 0)
                return -1;
        char err[512];
        f->db = sched_db_open(f->config.database, err, sizeof err);
        if (!f->db) {
                fprintf(stderr, "# %s\n", err);
                return -1;
        }
        *state = f;
        return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(path);
}

static int fixture_teardown(void **state)
{
        struct fixture *f = *state;
        sqlite3_close_v2(f->db);
        nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(f->config.dir);
        free(f->config.media_dir);
        free(f->config.database);
        free(f);
        return 0;
}

/* Writes the fixture tone (16-bit stereo WAV at RATE). */
static void write_tone_wav(const char *path)
{
        SF_INFO info = {.samplerate = RATE,
                        .channels = 2,
                        .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
        SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
        assert_non_null(sf);
        const int64_t head = (int64_t)(HEAD_SECONDS * RATE);
        const int64_t tone = (int64_t)(TONE_SECONDS * RATE);
        const int64_t total = head + tone + (int64_t)(TAIL_SECONDS * RATE);
        const double peak = pow(10.0, TONE_PEAK_DB / 20.0);
        float *pcm = xcalloc((size_t)total * 2, sizeof *pcm);
        for (int64_t i = 0; i < tone; i++) {
                float v = (float)(peak * sin(2.0 * M_PI * 1000.0 * (double)i / RATE));
                pcm[(head + i) * 2] = v;
                pcm[(head + i) * 2 + 1] = v;
        }
        assert_int_equal(sf_writef_float(sf, pcm, total), total);
        sf_close(sf);
        free(pcm);
}

static char *write_bytes(const struct fixture *f, const char *name, const void *data,
                         size_t size)
{
        char *path = xasprintf("%s/%s", f->dir, name);
        FILE *out = fopen(path, "wb");
        assert_non_null(out);
        assert_int_equal(fwrite(data, 1, size, out), size);
        fclose(out);
        return path;
}

static char *copy_file(const struct fixture *f, const char *src, const char *name)
{
        FILE *in = fopen(src, "rb");
        assert_non_null(in);
        char *data = NULL;
        size_t size = 0;
        FILE *mem = open_memstream(&data, &size);
        int c;
        while ((c = fgetc(in)) != EOF)
                fputc(c, mem);
        fclose(in);
        fclose(mem);
        char *path = write_bytes(f, name, data, size);
        free(data);
        return path;
}

static void sha256_hex_of_file(const char *path, char hex[65])
{
        FILE *in = fopen(path, "rb");
        assert_non_null(in);
        crypto_hash_sha256_state st;
        unsigned char digest[32], buf[4096];
        size_t n;
        crypto_hash_sha256_init(&st);
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
                crypto_hash_sha256_update(&st, buf, n);
        fclose(in);
        crypto_hash_sha256_final(&st, digest);
        sodium_bin2hex(hex, 65, digest, sizeof digest);
}

static int files_counted;
static int count_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)path;
        (void)st;
        (void)ftw;
        if (flag == FTW_F)
                files_counted++;
        return 0;
}

/* Regular files anywhere under dir (the store may use subfolders). */
static int count_files(const char *dir)
{
        files_counted = 0;
        nftw(dir, count_entry, 16, FTW_PHYS);
        return files_counted;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
        sqlite3_stmt *stmt = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        int64_t value = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return value;
}

static char *query_text(sqlite3 *db, const char *sql)
{
        sqlite3_stmt *stmt = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        const unsigned char *text = sqlite3_column_text(stmt, 0);
        char *copy = xstrdup(text ? (const char *)text : "(null)");
        sqlite3_finalize(stmt);
        return copy;
}

static void exec_sql(sqlite3 *db, const char *sql)
{
        char *msg = NULL;
        int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
        if (rc != SQLITE_OK)
                fail_msg("%s: %s", sql, msg);
}

/* ---- import ------------------------------------------------------------------ */

static void test_import_measures_and_stores(void **state)
{
        struct fixture *f = *state;
        char err[512] = "";
        char *src = xasprintf("%s/upload-tmp-1234.wav", f->dir);
        write_tone_wav(src);
        struct sched_media m = {0};
        bool existed = true;

        assert_int_equal(sched_media_import(f->db, &f->config, src, ITEM_MUSIC,
                                            "Lagu Pagi.wav", " Pagi, JAZZ ,, pagi ,",
                                            &existed, &m, err, sizeof err),
                         0);
        assert_false(existed);
        assert_true(m.id > 0);
        assert_int_equal(m.kind, ITEM_MUSIC);
        assert_int_equal(m.rate, RATE);
        assert_int_equal(m.frames, 4 * RATE);
        assert_true(fabs(m.duration - 4.0) < 0.001);
        /* cue points at the tone's edges, within 50 ms */
        assert_true(llabs(m.cue_in - (int64_t)(HEAD_SECONDS * RATE)) < RATE / 20);
        assert_true(llabs(m.cue_out - (int64_t)((HEAD_SECONDS + TONE_SECONDS) * RATE)) <
                    RATE / 20);
        /* BS.1770: a 1 kHz sine at peak P dBFS in both channels measures P LUFS.
         * The 400 ms gating blocks (100 ms hop) that straddle the tone's edges
         * hold 1/4, 2/4 and 3/4 of tone at each end; with the 27 whole blocks the
         * mean power is 30/33 of the tone's. */
        double expected = TONE_PEAK_DB + 10.0 * log10(30.0 / 33.0);
        print_message("# loudness %.2f LUFS (expected %.2f), true peak %.2f dBTP\n",
                      m.loudness, expected, m.true_peak);
        assert_true(fabs(m.loudness - expected) < 0.5);
        assert_true(fabs(m.true_peak - TONE_PEAK_DB) < 0.5);
        /* no tags: the title comes from the operator's name, not the temp name */
        assert_string_equal(m.title, "Lagu Pagi");
        assert_string_equal(m.artist, "");

        /* the stored file: in the store, named by content, same bytes */
        char hex[65], stored_hex[65];
        sha256_hex_of_file(src, hex);
        assert_non_null(m.path);
        assert_int_equal(
            strncmp(m.path, f->config.media_dir, strlen(f->config.media_dir)), 0);
        assert_true(access(m.path, R_OK) == 0);
        char prefix[17];
        memcpy(prefix, hex, 16);
        prefix[16] = '\0';
        assert_non_null(strstr(m.path, prefix));
        assert_null(strstr(m.path, "Lagu"));
        assert_null(strstr(m.path, "upload-tmp"));
        sha256_hex_of_file(m.path, stored_hex);
        assert_string_equal(stored_hex, hex);
        assert_int_equal(count_files(f->config.media_dir), 1);

        /* the row */
        char *sha = query_text(f->db, "SELECT sha256 FROM media");
        assert_string_equal(sha, hex);
        free(sha);
        char *original = query_text(f->db, "SELECT original_name FROM media");
        assert_string_equal(original, "Lagu Pagi.wav");
        free(original);
        assert_true(query_int(f->db, "SELECT created_at FROM media") >=
                    time_now_ms() / 1000 - 60);
        char *categories =
            query_text(f->db, "SELECT group_concat(category, '|') FROM "
                              "(SELECT category FROM media_category ORDER BY category)");
        assert_string_equal(categories, "jazz|pagi");
        free(categories);

        /* and reading it back by id gives the same */
        struct sched_media again = {0};
        assert_int_equal(sched_media_get(f->db, m.id, &again), 0);
        assert_int_equal(again.id, m.id);
        assert_string_equal(again.path, m.path);
        assert_string_equal(again.title, m.title);
        assert_int_equal(again.cue_in, m.cue_in);
        assert_int_equal(again.cue_out, m.cue_out);
        assert_true(again.loudness == m.loudness);
        assert_false(again.quiet);
        sched_media_clear(&again);
        assert_int_equal(sched_media_get(f->db, m.id + 1000, &again), -1);

        sched_media_clear(&m);
        sched_media_clear(&m); /* clearing twice is harmless */
        free(src);
}

static void test_import_same_content_is_one_row(void **state)
{
        struct fixture *f = *state;
        char err[512] = "";
        char *src = xasprintf("%s/first.wav", f->dir);
        write_tone_wav(src);
        struct sched_media first = {0}, second = {0}, third = {0};
        bool existed = true;
        assert_int_equal(sched_media_import(f->db, &f->config, src, ITEM_PSA, "first.wav",
                                            NULL, &existed, &first, err, sizeof err),
                         0);
        assert_false(existed);

        /* the same bytes under another name, with a category added */
        char *copy = copy_file(f, src, "copy.wav");
        assert_int_equal(sched_media_import(f->db, &f->config, copy, ITEM_PSA, "copy.wav",
                                            "keselamatan", &existed, &second, err,
                                            sizeof err),
                         0);
        assert_true(existed);
        assert_int_equal(second.id, first.id);
        assert_string_equal(second.path, first.path);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"), 1);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media_category"), 1);
        assert_int_equal(count_files(f->config.media_dir), 1);

        /* imported as another kind: the row is returned as it was and the
         * import changes nothing of it (it is another item) */
        struct sched_media other = {0};
        assert_int_equal(sched_media_import(f->db, &f->config, copy, ITEM_MUSIC,
                                            "copy.wav", "pop", &existed, &other, err,
                                            sizeof err),
                         0);
        assert_true(existed);
        assert_int_equal(other.id, first.id);
        assert_int_equal(other.kind, ITEM_PSA);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media_category"), 1);
        sched_media_clear(&other);

        /* the same bytes misnamed with another extension: still one row, and
         * the second copy the store made is not left behind */
        char *misnamed = copy_file(f, src, "misnamed.flac");
        struct sched_media fourth = {0};
        assert_int_equal(sched_media_import(f->db, &f->config, misnamed, ITEM_MUSIC, NULL,
                                            NULL, &existed, &fourth, err, sizeof err),
                         0);
        assert_true(existed);
        assert_int_equal(fourth.id, first.id);
        assert_string_equal(fourth.path, first.path);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"), 1);
        assert_int_equal(count_files(f->config.media_dir), 1);
        sched_media_clear(&fourth);
        free(misnamed);

        /* a deleted row comes back instead of a duplicate */
        exec_sql(f->db, "UPDATE media SET deleted = 1");
        assert_int_equal(sched_media_import(f->db, &f->config, src, ITEM_PSA, NULL, NULL,
                                            &existed, &third, err, sizeof err),
                         0);
        assert_true(existed);
        assert_int_equal(third.id, first.id);
        assert_int_equal(query_int(f->db, "SELECT deleted FROM media"), 0);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"), 1);

        sched_media_clear(&first);
        sched_media_clear(&second);
        sched_media_clear(&third);
        free(copy);
        free(src);
}

static void test_import_restores_missing_file(void **state)
{
        struct fixture *f = *state;
        char err[512] = "";
        char *src = xasprintf("%s/tone.wav", f->dir);
        write_tone_wav(src);
        struct sched_media m = {0}, again = {0};
        bool existed = false;
        assert_int_equal(sched_media_import(f->db, &f->config, src, ITEM_JINGLE, NULL,
                                            NULL, &existed, &m, err, sizeof err),
                         0);
        assert_int_equal(unlink(m.path), 0); /* someone removed the stored file */
        assert_int_equal(sched_media_import(f->db, &f->config, src, ITEM_JINGLE, NULL,
                                            NULL, &existed, &again, err, sizeof err),
                         0);
        assert_true(existed);
        assert_int_equal(again.id, m.id);
        assert_true(access(again.path, R_OK) == 0);
        assert_int_equal(count_files(f->config.media_dir), 1);
        sched_media_clear(&m);
        sched_media_clear(&again);
        free(src);
}

static void test_import_refuses_garbage(void **state)
{
        struct fixture *f = *state;
        char err[512] = "";
        char junk[8192];
        for (size_t i = 0; i < sizeof junk; i++)
                junk[i] = (char)((i * 7919u) ^ (i >> 3));
        memcpy(junk, "this is not audio at all", 24);
        char *path = write_bytes(f, "garbage.wav", junk, sizeof junk);
        struct sched_media m = {0};
        bool existed = true;

        assert_int_equal(sched_media_import(f->db, &f->config, path, ITEM_MUSIC,
                                            "garbage.wav", "pagi", &existed, &m, err,
                                            sizeof err),
                         -1);
        print_message("# refused: %s\n", err);
        assert_true(strlen(err) > 0);
        assert_false(existed);
        assert_null(m.path);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"), 0);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media_category"), 0);
        assert_int_equal(count_files(f->config.media_dir), 0);

        /* an empty file too */
        char *empty = write_bytes(f, "empty.mp3", "", 0);
        err[0] = '\0';
        assert_int_equal(sched_media_import(f->db, &f->config, empty, ITEM_MUSIC, NULL,
                                            NULL, NULL, NULL, err, sizeof err),
                         -1);
        assert_true(strlen(err) > 0);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"), 0);
        assert_int_equal(count_files(f->config.media_dir), 0);
        free(empty);
        free(path);
}

/* A click of 40 ms would air as nothing: refused; 60 ms is kept. */
static void test_import_refuses_too_short(void **state)
{
        struct fixture *f = *state;
        const int lengths_ms[] = {40, 60};
        for (int k = 0; k < 2; k++) {
                char *path = xasprintf("%s/short%d.wav", f->dir, lengths_ms[k]);
                SF_INFO info = {.samplerate = RATE,
                                .channels = 1,
                                .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
                SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
                assert_non_null(sf);
                int64_t frames = (int64_t)lengths_ms[k] * RATE / 1000;
                float *pcm = xcalloc((size_t)frames, sizeof *pcm);
                for (int64_t i = 0; i < frames; i++)
                        pcm[i] =
                            (float)(0.3 * sin(2.0 * M_PI * 440.0 * (double)i / RATE));
                assert_int_equal(sf_writef_float(sf, pcm, frames), frames);
                sf_close(sf);
                free(pcm);
                char err[512] = "";
                int rc = sched_media_import(f->db, &f->config, path, ITEM_JINGLE, NULL,
                                            NULL, NULL, NULL, err, sizeof err);
                if (lengths_ms[k] < 50) {
                        assert_int_equal(rc, -1);
                        assert_non_null(strstr(err, "too short to air"));
                        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"),
                                         0);
                        assert_int_equal(count_files(f->config.media_dir), 0);
                } else {
                        assert_int_equal(rc, 0);
                        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"),
                                         1);
                }
                free(path);
        }
}

static void test_import_failed_insert_leaves_nothing(void **state)
{
        struct fixture *f = *state;
        char err[512] = "";
        char *src = xasprintf("%s/tone.wav", f->dir);
        write_tone_wav(src);
        /* a connection-local trigger stands in for a full disk at insert time */
        exec_sql(f->db, "CREATE TEMP TRIGGER fail_insert BEFORE INSERT ON main.media "
                        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
        assert_int_equal(sched_media_import(f->db, &f->config, src, ITEM_MUSIC, NULL, "x",
                                            NULL, NULL, err, sizeof err),
                         -2);
        assert_non_null(strstr(err, "disk is full"));
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"), 0);
        assert_int_equal(count_files(f->config.media_dir), 0);

        /* and with the disk "freed", the same file imports */
        exec_sql(f->db, "DROP TRIGGER fail_insert");
        bool existed = true;
        assert_int_equal(sched_media_import(f->db, &f->config, src, ITEM_MUSIC, NULL, "x",
                                            &existed, NULL, err, sizeof err),
                         0);
        assert_false(existed);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"), 1);
        assert_int_equal(count_files(f->config.media_dir), 1);
        free(src);
}

static void test_import_refuses_kinds_without_files(void **state)
{
        struct fixture *f = *state;
        char err[512] = "";
        char *src = xasprintf("%s/tone.wav", f->dir);
        write_tone_wav(src);
        assert_int_equal(sched_media_import(f->db, &f->config, src, ITEM_FALLBACK, NULL,
                                            NULL, NULL, NULL, err, sizeof err),
                         -1);
        assert_non_null(strstr(err, "fallback"));
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM media"), 0);
        assert_int_equal(count_files(f->config.media_dir), 0);
        free(src);
}

/* ---- as-run ------------------------------------------------------------------- */

/* Splits one RFC 4180 record from *cursor into fields (at most max). */
static int csv_parse_record(const char **cursor, char **fields, int max)
{
        const char *p = *cursor;
        int n = 0;
        for (;;) {
                char *field = NULL;
                size_t size = 0;
                FILE *mem = open_memstream(&field, &size);
                if (*p == '"') {
                        p++;
                        for (;;) {
                                assert_true(*p != '\0'); /* unterminated quote */
                                if (*p == '"' && p[1] == '"') {
                                        fputc('"', mem);
                                        p += 2;
                                } else if (*p == '"') {
                                        p++;
                                        break;
                                } else {
                                        fputc(*p++, mem);
                                }
                        }
                } else {
                        while (*p && *p != ',' && *p != '\n')
                                fputc(*p++, mem);
                }
                fclose(mem);
                assert_true(n < max);
                fields[n++] = field;
                if (*p == ',') {
                        p++;
                        continue;
                }
                if (*p == '\n')
                        p++;
                break;
        }
        *cursor = p;
        return n;
}

static void free_fields(char **fields, int n)
{
        for (int i = 0; i < n; i++)
                free(fields[i]);
}

static void test_asrun_csv_round_trip(void **state)
{
        struct fixture *f = *state;
        assert_int_equal(time_set_zone("Asia/Jakarta"), 0);
        int64_t seven = time_from_local(2026, 12, 1, 7, 0, 0);

        struct playout_item psa = {
            .path = "/srv/media/ab12.wav",
            .title = "Lagu \"Satu\", Dua",
            .artist = "Band\nBaru",
            .kind = ITEM_PSA,
            .media_id = 12,
            .ref_id = 3,
            .scheduled_ms = seven,
        };
        struct playout_item song = {
            .path = "/srv/media/with,comma.ogg",
            .title = "Plain",
            .artist = "",
            .kind = ITEM_MUSIC,
        };
        struct playout_asrun records[] = {
            {&psa, seven + 5, seven + 30005, 1323000, PLAYOUT_END_COMPLETED, NULL},
            {&song, seven + 30005, seven + 213255, 0, PLAYOUT_END_FADED_HARD, NULL},
            /* outside the window: the next day */
            {&song, seven + 86400000, seven + 86401000, 44100, PLAYOUT_END_COMPLETED,
             NULL},
        };
        for (size_t i = 0; i < 3; i++)
                assert_int_equal(sched_asrun_record(f->db, &records[i]), 0);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM asrun"), 3);
        assert_int_equal(query_int(f->db,
                                   "SELECT count(*) FROM asrun WHERE media_id IS NULL "
                                   "AND ref_id IS NULL AND scheduled_at IS NULL"),
                         2);
        assert_int_equal(
            query_int(f->db, "SELECT media_id FROM asrun WHERE kind = 'psa'"), 12);

        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        int rows = sched_asrun_export(f->db, time_from_local(2026, 12, 1, 0, 0, 0),
                                      time_from_local(2026, 12, 2, 0, 0, 0), true, out);
        fclose(out);
        assert_int_equal(rows, 2);
        const char *expected =
            "scheduled,start,end,duration,title,artist,kind,source,reason\n"
            "2026-12-01 07:00:00.000,2026-12-01 07:00:00.005,2026-12-01 07:00:30.005,"
            "30.000,\"Lagu \"\"Satu\"\", Dua\",\"Band\nBaru\",psa,/srv/media/ab12.wav,"
            "completed\n"
            ",2026-12-01 07:00:30.005,2026-12-01 07:03:33.255,183.250,Plain,,music,"
            "\"/srv/media/with,comma.ogg\",faded_hard\n";
        assert_string_equal(text, expected);

        /* a CSV reader gets the original strings back */
        const char *cursor = text;
        char *fields[16];
        int n = csv_parse_record(&cursor, fields, 16);
        assert_int_equal(n, 9);
        assert_string_equal(fields[8], "reason");
        free_fields(fields, n);
        n = csv_parse_record(&cursor, fields, 16);
        assert_int_equal(n, 9);
        assert_string_equal(fields[4], psa.title);
        assert_string_equal(fields[5], psa.artist);
        assert_string_equal(fields[6], "psa");
        free_fields(fields, n);
        n = csv_parse_record(&cursor, fields, 16);
        assert_int_equal(n, 9);
        assert_string_equal(fields[0], "");
        assert_string_equal(fields[7], song.path);
        assert_string_equal(fields[8], "faded_hard");
        free_fields(fields, n);
        assert_string_equal(cursor, "");

        /* render's writer gives the same lines, header once */
        char *direct = NULL;
        out = open_memstream(&direct, &size);
        sched_asrun_write_csv(out, &records[0], true);
        sched_asrun_write_csv(out, &records[1], false);
        fclose(out);
        assert_string_equal(direct, expected);

        free(direct);
        free(text);
}

static void test_asrun_text_export(void **state)
{
        struct fixture *f = *state;
        assert_int_equal(time_set_zone("Asia/Jakarta"), 0);
        int64_t noon = time_from_local(2026, 12, 1, 12, 0, 0);
        struct playout_item item = {
            .path = "/srv/media/x.wav",
            .title = "Judul\x1b[2J",
            .artist = "Penyanyi",
            .kind = ITEM_MUSIC,
            .scheduled_ms = noon,
        };
        struct playout_item untitled = {.path = "/srv/media/cafe.ogg",
                                        .kind = ITEM_JINGLE};
        struct playout_asrun a = {&item, noon, noon + 1500, 66150, PLAYOUT_END_COMPLETED,
                                  NULL};
        struct playout_asrun b = {
            &untitled,          noon + 1500, noon + 1500, 0, PLAYOUT_END_UNREADABLE,
            "not an audio file"};
        assert_int_equal(sched_asrun_record(f->db, &a), 0);
        assert_int_equal(sched_asrun_record(f->db, &b), 0);
        assert_int_equal(sched_asrun_record(f->db, &(struct playout_asrun){0}), -1);

        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        assert_int_equal(sched_asrun_export(f->db, noon, noon + 3600000, false, out), 2);
        fclose(out);
        print_message("%s", text);
        int lines = 0;
        for (const char *c = text; *c; c++)
                lines += *c == '\n';
        assert_int_equal(lines, 3); /* header and two rows */
        assert_null(strchr(text, '\x1b'));
        assert_non_null(strstr(text, "2026-12-01 12:00:00.000"));
        assert_non_null(strstr(text, "1.500"));
        assert_non_null(strstr(text, "Penyanyi - Judul"));
        assert_non_null(strstr(text, "skipped_unreadable"));
        assert_non_null(strstr(text, "cafe.ogg")); /* no title: the file name */

        /* an empty window: only the header */
        free(text);
        out = open_memstream(&text, &size);
        assert_int_equal(sched_asrun_export(f->db, noon - 7200000, noon, true, out), 0);
        fclose(out);
        assert_string_equal(
            text, "scheduled,start,end,duration,title,artist,kind,source,reason\n");
        free(text);
}

static void test_campaign_report(void **state)
{
        struct fixture *f = *state;
        assert_int_equal(time_set_zone("Asia/Jakarta"), 0);
        exec_sql(
            f->db,
            "INSERT INTO media (id, sha256, path, kind, title, duration, frames, rate, "
            "loudness, true_peak, cue_out, created_at) VALUES "
            "(1, 'a', '/m/a.wav', 'psa', 'Helm, selalu', 30, 1323000, 44100, -16, -1, "
            "1323000, 0),"
            "(2, 'b', '/m/b.wav', 'psa', 'Sabuk', 30, 1323000, 44100, -16, -1, 1323000, "
            "0);"
            "INSERT INTO campaigns (id, name, valid_from, valid_to, timing, times, "
            "created_at) VALUES (7, 'Keselamatan jalan', '2026-12-01', '2026-12-31', "
            "'hard', '07:00', 0);"
            "INSERT INTO campaign_items (campaign_id, position, media_id) VALUES "
            "(7, 1, 1), (7, 2, 2);");
        int64_t day = time_from_local(2026, 12, 1, 0, 0, 0);
        int64_t seven = time_from_local(2026, 12, 1, 7, 0, 0);
        struct playout_item helm = {
            .path = "/m/a.wav", .title = "Helm, selalu", .kind = ITEM_PSA, .media_id = 1};
        struct playout_item helm_in_a_show = helm;
        helm_in_a_show.kind = ITEM_MUSIC;
        struct playout_asrun records[] = {
            {&helm, seven, seven + 30000, 1323000, PLAYOUT_END_COMPLETED, NULL},
            {&helm, seven + 1800000, seven + 1810000, 441000, PLAYOUT_END_FADED_HARD,
             NULL},
            /* not plays: unreadable, another kind, outside the window */
            {&helm, seven + 3600000, seven + 3600000, 0, PLAYOUT_END_UNREADABLE, "gone"},
            {&helm_in_a_show, seven + 7200000, seven + 7230000, 1323000,
             PLAYOUT_END_COMPLETED, NULL},
            {&helm, day - 3600000, day - 3570000, 1323000, PLAYOUT_END_COMPLETED, NULL},
        };
        for (size_t i = 0; i < sizeof records / sizeof records[0]; i++)
                assert_int_equal(sched_asrun_record(f->db, &records[i]), 0);

        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        assert_int_equal(sched_campaign_report(f->db, 7, day, day + 86400000, false, out),
                         2);
        fclose(out);
        print_message("%s", text);
        assert_non_null(strstr(text, "Keselamatan jalan"));
        assert_non_null(strstr(text, "Helm, selalu: 2 plays, 1 completed"));
        assert_non_null(strstr(text, "Sabuk: 0 plays, 0 completed"));
        assert_non_null(strstr(text, "2026-12-01 07:00:00.000"));
        assert_non_null(strstr(text, "2026-12-01 07:30:00.000"));
        assert_null(strstr(text, "08:00:00"));
        assert_non_null(strstr(text, "total: 2 plays"));
        free(text);

        out = open_memstream(&text, &size);
        assert_int_equal(sched_campaign_report(f->db, 7, day, day + 86400000, true, out),
                         2);
        fclose(out);
        assert_string_equal(
            text,
            "campaign,position,media_id,title,plays,start,end,duration,reason\n"
            "7,1,1,\"Helm, selalu\",2,2026-12-01 07:00:00.000,2026-12-01 07:00:30.000,"
            "30.000,completed\n"
            "7,1,1,\"Helm, selalu\",2,2026-12-01 07:30:00.000,2026-12-01 07:30:10.000,"
            "10.000,faded_hard\n"
            "7,2,2,Sabuk,0,,,,\n");
        free(text);

        out = open_memstream(&text, &size);
        assert_int_equal(sched_campaign_report(f->db, 99, day, day + 86400000, true, out),
                         -1);
        fclose(out);
        free(text);
}

int main(void)
{
        log_threshold = LOG_WARN;
        if (sodium_init() < 0)
                return 1;
        const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
            T(test_import_measures_and_stores),
            T(test_import_same_content_is_one_row),
            T(test_import_restores_missing_file),
            T(test_import_refuses_garbage),
            T(test_import_refuses_too_short),
            T(test_import_failed_insert_leaves_nothing),
            T(test_import_refuses_kinds_without_files),
            T(test_asrun_csv_round_trip),
            T(test_asrun_text_export),
            T(test_campaign_report),
#undef T
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
