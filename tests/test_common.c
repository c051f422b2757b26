/* Unit tests of common/: the config parser's errors and defaults, and the
 * station-time helpers across time zones and DST changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"

static char dir[256];

static char *write_file(const char *name, const char *text)
{
        char *path = xasprintf("%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        return path;
}

static const char *const good_conf =
    "[station]\n"
    "name = Radio Multatuli\n"
    "timezone = Asia/Jakarta        ; any tz database name\n"
    "samplerate = 48000\n"
    "loudness_target = -16\n"
    "\n"
    "[storage]\n"
    "database = siaran.db\n"
    "media = /srv/media\n"
    "\n"
    "[fallback]\n"
    "playlist = fallback.m3u\n"
    "\n"
    "[output.main]\n"
    "server = 127.0.0.1\n"
    "port = 8000\n"
    "password = hackme\n"
    "mount = /radio.ogg\n"
    "format = vorbis\n"
    "quality = 0.4\n"
    "channels = 2\n"
    "\n"
    "[output.mobile]\n"
    "password = x\n"
    "mount = /mobile.ogg\n"
    "channels = 1\n"
    "\n"
    "[web]\n"
    "listen = 127.0.0.1:8080\n";

static void test_config_reads_contract_example(void **state)
{
        (void)state;
        char err[512] = "";
        char *path = write_file("good.conf", good_conf);
        struct config *c = config_load(path, err, sizeof err);
        assert_non_null(c);
        assert_string_equal(c->station_name, "Radio Multatuli");
        assert_int_equal(c->samplerate, 48000);
        assert_true(c->loudness_target == -16);
        char *db = xasprintf("%s/siaran.db", dir);
        assert_string_equal(c->database, db); /* relative to the config's folder */
        assert_string_equal(c->media_dir, "/srv/media");
        assert_int_equal(c->n_outputs, 2);
        assert_string_equal(c->outputs[0].mount, "/radio.ogg");
        assert_int_equal(c->outputs[1].channels, 1);
        assert_string_equal(c->outputs[1].server, "127.0.0.1"); /* default */
        assert_string_equal(c->outputs[1].format, "vorbis");
        config_free(c);
        free(db);
        free(path);
}

/* Each bad line is reported as FILE:LINE: reason. */
static void expect_error(const char *text, const char *where, const char *reason)
{
        char err[512] = "";
        char *path = write_file("bad.conf", text);
        struct config *c = config_load(path, err, sizeof err);
        assert_null(c);
        char *prefix = xasprintf("%s%s", path, where);
        if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, reason))
                fail_msg("got '%s', want '%s...%s'", err, prefix, reason);
        free(prefix);
        free(path);
}

static void test_config_errors_name_file_and_line(void **state)
{
        (void)state;
        expect_error("[station]\nname = x\nnmae = y\n", ":3: ", "unknown key 'nmae'");
        expect_error("[station]\nsamplerate = 22050\n", ":2: ", "samplerate");
        expect_error("[station]\nloudness_target = loud\n", ":2: ", "not a number");
        expect_error("[nonsense]\nx = 1\n", ":2: ", "unknown section");
        expect_error("[station]\nthis line has no equals\n", ":2: ", "syntax");
        expect_error("[output.a]\nquality = 3\n", ":2: ", "between");
        expect_error("[output.a]\nformat = wav\n", ":2: ", "one of");
        expect_error("[output.a]\npassword = x\n", ": ", "needs a mount");
        /* found by fuzz_config: an [output] without a name wrote into the config */
        expect_error("[output]\npassword = x\n", ":2: ", "needs a name");
        expect_error("[station]\ntimezone = Mars/Olympus\n", ":2: ", "unknown timezone");
}

static void test_config_paths_are_absolute_from_a_relative_config(void **state)
{
        (void)state;
        char err[512] = "";
        char *path = write_file("rel.conf", "[storage]\nmedia = media\n");
        char cwd[4096];
        assert_non_null(getcwd(cwd, sizeof cwd));
        assert_int_equal(chdir(dir), 0);
        struct config *c = config_load("./rel.conf", err, sizeof err);
        assert_int_equal(chdir(cwd), 0);
        assert_non_null(c);
        assert_true(c->media_dir[0] == '/'); /* not "./media": cwd must not matter */
        assert_true(c->database[0] == '/');
        config_free(c);
        free(path);
}

static void test_config_missing_file(void **state)
{
        (void)state;
        char err[512];
        assert_null(config_load("/nonexistent/siaran.conf", err, sizeof err));
        assert_non_null(strstr(err, "/nonexistent/siaran.conf"));
}

static void test_time_parse_and_format(void **state)
{
        (void)state;
        assert_int_equal(time_set_zone("Asia/Jakarta"), 0);
        int64_t ms;
        assert_int_equal(time_parse_local("2026-12-01 06:00:00", &ms), 0);
        assert_int_equal(ms, 1796079600000LL); /* 2026-11-30T23:00:00Z */
        assert_int_equal(time_parse_local("2026-12-01T06:00", &ms), 0);
        assert_int_equal(ms, 1796079600000LL);
        char buf[64];
        assert_string_equal(time_format_iso(ms, buf, sizeof buf),
                            "2026-12-01T06:00:00+07:00");
        assert_int_equal(time_parse_local("2026-13-01 06:00", &ms), -1);
        assert_int_equal(time_parse_local("2026-12-01 06:00 junk", &ms), -1);
        assert_int_equal(time_parse_local("yesterday", &ms), -1);
        assert_int_equal(time_parse_date("2026-12-01", &ms), 0);
        assert_int_equal(ms, 1796058000000LL);
        assert_int_equal(time_set_zone("../../etc/passwd"), -1);
}

static void test_time_across_dst(void **state)
{
        (void)state;
        assert_int_equal(time_set_zone("Europe/Berlin"), 0);
        /* 2026-03-29 is 23 hours long in Berlin; 06:00 is 04:00 UTC. */
        int64_t midnight = time_from_local(2026, 3, 29, 0, 0, 0);
        int64_t six = time_from_local(2026, 3, 29, 6, 0, 0);
        assert_int_equal(six - midnight, 5LL * 3600 * 1000);
        char buf[64];
        assert_string_equal(time_format_iso(six, buf, sizeof buf),
                            "2026-03-29T06:00:00+02:00");
        int64_t next = time_from_local(2026, 3, 30, 0, 0, 0);
        assert_int_equal(next - midnight, 23LL * 3600 * 1000);
        assert_int_equal(time_local_midnight(six), midnight);
        /* 2026-10-25 is 25 hours long. */
        int64_t oct = time_from_local(2026, 10, 25, 0, 0, 0);
        assert_int_equal(time_from_local(2026, 10, 26, 0, 0, 0) - oct,
                         25LL * 3600 * 1000);
        assert_int_equal(time_set_zone("Asia/Jakarta"), 0);
}

static int setup(void **state)
{
        (void)state;
        snprintf(dir, sizeof dir, "/tmp/siaran-common-XXXXXX");
        return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
        (void)state;
        char *cmd = xasprintf("rm -rf '%s'", dir);
        int rc = system(cmd);
        free(cmd);
        return rc;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_config_reads_contract_example),
            cmocka_unit_test(test_config_errors_name_file_and_line),
            cmocka_unit_test(test_config_missing_file),
            cmocka_unit_test(test_config_paths_are_absolute_from_a_relative_config),
            cmocka_unit_test(test_time_parse_and_format),
            cmocka_unit_test(test_time_across_dst),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
