/* Unit tests of common/: the config parser's errors and defaults, the
 * station-time helpers across time zones and DST changes, and the exact
 * bytes of the Icecast title request, and the worker thread's wakes, waits
 * and stop. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
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

/* A reload names what changed: keys by section, outputs by name; parsing it
 * leaves the process's time zone alone. */
static void test_config_changed_keys(void **state)
{
        (void)state;
        char err[512] = "", changed[512];
        char *path = write_file("good.conf", good_conf);
        struct config *a = config_load(path, err, sizeof err);
        assert_non_null(a);
        struct config *same = config_parse(path, err, sizeof err);
        assert_non_null(same);
        assert_int_equal(config_changed_keys(a, same, changed, sizeof changed), 0);
        assert_string_equal(changed, "");
        char *text = xstrdup(good_conf);
        char *rate = strstr(text, "samplerate = 48000");
        assert_non_null(rate);
        memcpy(rate, "samplerate = 44100", 18);
        char *mobile = strstr(text, "[output.mobile]");
        assert_non_null(mobile);
        memcpy(mobile, "[output.phone] ", 15);
        char *zone = strstr(text, "Asia/Jakarta");
        assert_non_null(zone);
        memcpy(zone, "Europe/Paris", 12);
        char *path2 = write_file("changed.conf", text);
        const char *before = getenv("TZ");
        char *tz = xstrdup(before ? before : "");
        struct config *b = config_parse(path2, err, sizeof err);
        assert_non_null(b);
        assert_string_equal(getenv("TZ") ? getenv("TZ") : "", tz);
        assert_int_equal(config_changed_keys(a, b, changed, sizeof changed), 4);
        assert_string_equal(changed,
                            "station.timezone, station.samplerate, output.mobile, "
                            "output.phone");
        config_free(a);
        config_free(same);
        config_free(b);
        free(tz);
        free(text);
        free(path);
        free(path2);
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
        expect_error("[station]\nlatitude = 200\n", ":2: ", "between");
        expect_error("[alerts]\nfeed = ftp://x/autogempa.json\n", ":2: ", "http://");
        expect_error("[alerts]\npoll = 0.5\n", ":2: ", "between");
        expect_error("[alerts]\nrepeat = 1.5\n", ":2: ", "whole number");
        expect_error("[alerts]\nrepeat_minutes = 0\n", ":2: ", "between");
        expect_error("[alerts]\nsiren = loud\n", ":2: ", "unknown key 'siren'");
        expect_error("[complaints]\nanswer_days = 5\nholidays = 2026-12-25, 2026-13-01\n",
                     ":3: ", "'2026-13-01' is not a date");
        expect_error("[complaints]\nanswer_days = 0\n", ":2: ", "between");
}

static void test_config_alerts(void **state)
{
        (void)state;
        char err[512] = "";
        char *path = write_file("alerts.conf", "[station]\nlatitude = -6.36\nlongitude = "
                                               "106.25\n[alerts]\nfeed = "
                                               "http://127.0.0.1:1/a.json\npoll = 5\n"
                                               "repeat_minutes = 0.1\n");
        struct config *c = config_load(path, err, sizeof err);
        assert_non_null(c);
        assert_true(c->station_latitude == -6.36 && c->station_longitude == 106.25);
        assert_string_equal(c->alerts_feed, "http://127.0.0.1:1/a.json");
        assert_true(c->alerts_poll == 5 && c->alerts_repeat_minutes == 0.1);
        assert_true(c->alerts_min_magnitude == 5.0 && c->alerts_max_distance_km == 250);
        assert_int_equal(c->alerts_repeat, 3);
        config_free(c);
        free(path);
        path = write_file("plain.conf", "[station]\nname = x\n");
        c = config_load(path, err, sizeof err);
        assert_non_null(c);
        assert_null(c->alerts_feed);
        assert_true(isnan(c->station_latitude)); /* unset: only the tsunami rule */
        config_free(c);
        free(path);
}

static int64_t day_of(const char *ymd)
{
        int64_t day = 0;
        assert_int_equal(date_to_days(ymd, &day), 0);
        return day;
}

/* SP4N-LAPOR!'s five working days: weekends and the configured holidays do
 * not count; the answer is overdue from the day after the fifth. */
static void test_workdays_skip_weekends_and_holidays(void **state)
{
        (void)state;
        char buf[16];
        int64_t *holidays = NULL;
        char err[96];
        assert_int_equal(day_of("1970-01-01"), 0);
        assert_string_equal(date_from_days(day_of("2028-02-29"), buf, sizeof buf),
                            "2028-02-29");
        /* forwarded on Friday 2026-12-04; Monday 2026-12-07 is a holiday */
        int n = dates_parse_list("2026-12-07", &holidays, err, sizeof err);
        assert_int_equal(n, 1);
        int64_t friday = day_of("2026-12-04");
        assert_string_equal(
            date_from_days(workdays_add(friday, 5, holidays, 1), buf, sizeof buf),
            "2026-12-14");
        /* without the holiday it is the next Friday */
        assert_string_equal(
            date_from_days(workdays_add(friday, 5, NULL, 0), buf, sizeof buf),
            "2026-12-11");
        assert_int_equal(workdays_between(friday, day_of("2026-12-14"), holidays, 1), 5);
        assert_int_equal(workdays_between(friday, day_of("2026-12-07"), holidays, 1), 0);
        assert_int_equal(workdays_between(friday, friday, holidays, 1), 0);
        free(holidays);
        /* across the year: Christmas and New Year's Day */
        n = dates_parse_list("2026-12-25 2027-01-01", &holidays, err, sizeof err);
        assert_int_equal(n, 2);
        assert_string_equal(
            date_from_days(workdays_add(day_of("2026-12-24"), 5, holidays, 2), buf,
                           sizeof buf),
            "2027-01-04");
        free(holidays);
        assert_int_equal(
            dates_parse_list("2026-12-25,tomorrow", &holidays, err, sizeof err), -1);
        assert_null(holidays);
        assert_non_null(strstr(err, "'tomorrow'"));
        assert_int_equal(dates_parse_list("", &holidays, err, sizeof err), 0);
        assert_int_equal(date_to_days("2026-02-29", &(int64_t){0}), -1);
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

/* Impossible days are refused, not carried into the next month (issue 12). */
static void test_time_dates_are_real_days(void **state)
{
        (void)state;
        int64_t ms;
        assert_int_equal(time_set_zone("Asia/Jakarta"), 0);
        assert_int_equal(time_parse_date("2026-02-31", &ms), -1);
        assert_int_equal(time_parse_date("2026-04-31", &ms), -1);
        assert_int_equal(time_parse_date("2026-02-29", &ms), -1);
        assert_int_equal(time_parse_date("2028-02-29", &ms), 0);
        assert_int_equal(time_parse_date("2000-02-29", &ms), 0);
        assert_int_equal(time_parse_date("2100-02-29", &ms), -1);
        assert_int_equal(time_parse_local("2026-02-30 06:00", &ms), -1);
        assert_int_equal(time_parse_local("2026-12-31 23:59:59", &ms), 0);
}

/* Log values cannot start a line of their own (issue 12). */
static void test_text_escape_control(void **state)
{
        (void)state;
        char out[64];
        assert_string_equal(text_escape_control("ani\nFAKE\r\t\x1b[0m", out, sizeof out),
                            "ani\\nFAKE\\r\\t\\x1b[0m");
        assert_string_equal(text_escape_control("Jalan rusak \xc3\xa9", out, sizeof out),
                            "Jalan rusak \xc3\xa9");
        /* cut at the buffer, never in the middle of an escape */
        char small[5];
        assert_string_equal(text_escape_control("ab\ncd", small, sizeof small), "ab\\n");
}

static char *csv_cell(const char *value, bool always_quote)
{
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        csv_write_cell(out, value, always_quote);
        fclose(out);
        return text;
}

/* No cell a spreadsheet would run as a formula (issue 12). */
static void test_csv_cells_are_never_formulas(void **state)
{
        (void)state;
        static const struct {
                const char *in, *out;
        } cases[] = {
            {"Jalan rusak", "Jalan rusak"},
            {"a,b", "\"a,b\""},
            {"say \"hi\"", "\"say \"\"hi\"\"\""},
            {"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
            {"+62 812", "\"'+62 812\""},
            {"-1", "\"'-1\""},
            {"@SUM(A1)", "\"'@SUM(A1)\""},
            {"\tx", "\"'\tx\""},
            {"\rx", "\"'\rx\""},
            {"", ""},
            {"a=b", "a=b"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char *got = csv_cell(cases[i].in, false);
                assert_string_equal(got, cases[i].out);
                free(got);
        }
        char *quoted = csv_cell("Lebak", true);
        assert_string_equal(quoted, "\"Lebak\"");
        free(quoted);
        quoted = csv_cell("-5", true);
        assert_string_equal(quoted, "\"'-5\"");
        free(quoted);
}

static void test_address_in_list(void **state)
{
        (void)state;
        assert_true(address_in_list("127.0.0.1", "127.0.0.1"));
        assert_true(address_in_list("10.0.0.2", "192.0.2.1, 10.0.0.2"));
        assert_true(address_in_list("::1", "127.0.0.1 ::1"));
        assert_true(address_in_list("::ffff:127.0.0.1", "127.0.0.1"));
        assert_false(address_in_list("127.0.0.2", "127.0.0.1"));
        assert_false(address_in_list("127.0.0.1", NULL));
        assert_false(address_in_list("127.0.0.1", ""));
        assert_false(address_in_list("bukan", "bukan"));
}

/* Dates that do not exist and lenient forms are refused, not moved or
 * guessed at (mktime would turn 2026-02-30 into 2 March). */
static void test_time_parse_is_strict(void **state)
{
        (void)state;
        assert_int_equal(time_set_zone("Asia/Jakarta"), 0);
        int64_t ms = 42;
        const char *bad_dates[] = {"2026-02-30",  "2026-02-29", "2026-04-31",
                                   "2026-1-5",    "2026-01-5",  "+2026-01-05",
                                   " 2026-01-05", "2026-00-10", "2026-01-00",
                                   "2026-01-05 ", "20260105",   ""};
        for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
                assert_int_equal(time_parse_date(bad_dates[i], &ms), -1);
                char *with_time = xasprintf("%s 06:00", bad_dates[i]);
                assert_int_equal(time_parse_local(with_time, &ms), -1);
                free(with_time);
        }
        const char *bad_times[] = {
            "2026-01-05 6:00",   "2026-01-05 06:0",     "2026-01-05 24:00",
            "2026-01-05 06:60",  "2026-01-05 06:00:60", "2026-01-05 06:00:5",
            "2026-01-05  06:00", "2026-01-05 06:00:",   "2026-01-05 -6:00"};
        for (size_t i = 0; i < sizeof bad_times / sizeof *bad_times; i++)
                assert_int_equal(time_parse_local(bad_times[i], &ms), -1);
        assert_int_equal(ms, 42); /* nothing written on a refusal */
        assert_int_equal(time_parse_date("2028-02-29", &ms), 0); /* a leap year */
        assert_int_equal(time_parse_date("2000-02-29", &ms), 0);
        assert_int_equal(time_parse_date("2100-02-29", &ms), -1);
        assert_int_equal(time_parse_local("2026-12-31 23:59:59", &ms), 0);
        assert_int_equal(ms, 1798736399000LL); /* 2026-12-31T16:59:59Z */
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

/* ---- the Icecast title request, seen by a one-shot HTTP peer on loopback -- */

struct http_peer {
        int listen_fd;
        int port;
        const char *answer; /* the status line sent back */
        char request[2048]; /* what the client sent, up to the blank line */
};

static void *http_peer_serve(void *arg)
{
        struct http_peer *peer = arg;
        int fd = accept(peer->listen_fd, NULL, NULL);
        if (fd < 0)
                return NULL;
        struct timeval limit = {.tv_sec = 5};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        size_t len = 0;
        while (len < sizeof peer->request - 1 && !strstr(peer->request, "\r\n\r\n")) {
                ssize_t got =
                    recv(fd, peer->request + len, sizeof peer->request - 1 - len, 0);
                if (got <= 0)
                        break;
                len += (size_t)got;
                peer->request[len] = '\0';
        }
        send(fd, peer->answer, strlen(peer->answer), MSG_NOSIGNAL);
        close(fd);
        return NULL;
}

/* Listens on an ephemeral port of ::1 (or 127.0.0.1); false if neither. */
static bool http_peer_listen(struct http_peer *peer, bool ipv6)
{
        struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};
        struct sockaddr_in a4 = {.sin_family = AF_INET,
                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        struct sockaddr *addr = ipv6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4;
        socklen_t addr_len = ipv6 ? sizeof a6 : sizeof a4;
        peer->listen_fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
        if (peer->listen_fd < 0 || bind(peer->listen_fd, addr, addr_len) < 0 ||
            listen(peer->listen_fd, 1) < 0 ||
            getsockname(peer->listen_fd, addr, &addr_len) < 0) {
                if (peer->listen_fd >= 0)
                        close(peer->listen_fd);
                return false;
        }
        peer->port = ntohs(ipv6 ? a6.sin6_port : a4.sin_port);
        /* accept and recv give up after 5 s, so a client that never comes
         * fails the test instead of hanging it */
        struct timeval limit = {.tv_sec = 5};
        setsockopt(peer->listen_fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        return true;
}

static int update_title_against(struct http_peer *peer, const char *host, char *err,
                                size_t err_size)
{
        pthread_t thread;
        assert_int_equal(pthread_create(&thread, NULL, http_peer_serve, peer), 0);
        int rc =
            icecast_update_title(host, peer->port, NULL, "source", "hackme", "/radio.mp3",
                                 "Lagu & Berita: 100%", 2000, err, err_size);
        pthread_join(thread, NULL);
        close(peer->listen_fd);
        return rc;
}

static void test_title_request_bytes(void **state)
{
        (void)state;
        struct http_peer peer = {.answer = "HTTP/1.0 200 OK\r\n\r\n"};
        assert_true(http_peer_listen(&peer, false));
        char err[128] = "";
        assert_int_equal(update_title_against(&peer, "127.0.0.1", err, sizeof err), 0);
        char *expected = xasprintf(
            "GET /admin/metadata?mount=/radio.mp3&mode=updinfo"
            "&song=Lagu%%20%%26%%20Berita%%3A%%20100%%25&charset=UTF-8 HTTP/1.0\r\n"
            "Host: 127.0.0.1:%d\r\n"
            /* base64("source:hackme") */
            "Authorization: Basic c291cmNlOmhhY2ttZQ==\r\n"
            "User-Agent: siaran/" SIARAN_VERSION "\r\n\r\n",
            peer.port);
        assert_string_equal(peer.request, expected);
        free(expected);
}

static void test_title_request_over_ipv6(void **state)
{
        (void)state;
        struct http_peer peer = {.answer = "HTTP/1.0 200 OK\r\n\r\n"};
        if (!http_peer_listen(&peer, true))
                skip(); /* no IPv6 loopback on this machine */
        char err[128] = "";
        assert_int_equal(update_title_against(&peer, "::1", err, sizeof err), 0);
        char *host = xasprintf("\r\nHost: [::1]:%d\r\n", peer.port);
        assert_non_null(strstr(peer.request, host));
        free(host);
}

static void test_title_refused(void **state)
{
        (void)state;
        struct http_peer peer = {.answer =
                                     "HTTP/1.0 401 Authentication Required\r\n\r\n"};
        assert_true(http_peer_listen(&peer, false));
        char err[128] = "";
        assert_int_equal(update_title_against(&peer, "127.0.0.1", err, sizeof err), -1);
        assert_string_equal(err, "the server answered 401");
}

/* ---- the worker thread ------------------------------------------------------------ */

struct probe {
        pthread_mutex_t lock;
        pthread_cond_t ran;
        int runs;
        int answer;   /* what the run returns */
        int hold_ms;  /* a run takes this long */
        bool hold;    /* a run waits until the test clears this */
        int finished; /* runs that returned */
        int nice;     /* the thread's nice value, seen by the last run */
};

static void probe_init(struct probe *p, int answer)
{
        memset(p, 0, sizeof *p);
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->ran, NULL);
        p->answer = answer;
}

static void probe_destroy(struct probe *p)
{
        pthread_cond_destroy(&p->ran);
        pthread_mutex_destroy(&p->lock);
}

static int probe_run(void *arg)
{
        struct probe *p = arg;
        int nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
        pthread_mutex_lock(&p->lock);
        p->runs++;
        p->nice = nice;
        pthread_cond_broadcast(&p->ran);
        while (p->hold)
                pthread_cond_wait(&p->ran, &p->lock);
        int hold_ms = p->hold_ms, answer = p->answer;
        pthread_mutex_unlock(&p->lock);
        if (hold_ms > 0)
                usleep((useconds_t)hold_ms * 1000);
        pthread_mutex_lock(&p->lock);
        p->finished++;
        pthread_cond_broadcast(&p->ran);
        pthread_mutex_unlock(&p->lock);
        return answer;
}

static int probe_runs(struct probe *p)
{
        pthread_mutex_lock(&p->lock);
        int runs = p->runs;
        pthread_mutex_unlock(&p->lock);
        return runs;
}

/* Waits (at most timeout_ms) until the probe has run n times; returns the
 * milliseconds it took, or -1. */
static int64_t probe_wait_runs(struct probe *p, int n, int timeout_ms)
{
        int64_t start = time_monotonic_ns();
        int64_t end = start + (int64_t)timeout_ms * 1000000;
        pthread_mutex_lock(&p->lock);
        while (p->runs < n && time_monotonic_ns() < end) {
                pthread_mutex_unlock(&p->lock);
                usleep(1000);
                pthread_mutex_lock(&p->lock);
        }
        bool reached = p->runs >= n;
        pthread_mutex_unlock(&p->lock);
        return reached ? (time_monotonic_ns() - start) / 1000000 : -1;
}

static void test_worker_runs_when_woken(void **state)
{
        (void)state;
        struct probe p;
        probe_init(&p, WORKER_UNTIL_WOKEN);
        struct worker *w = worker_new("test", 0, probe_run, &p);
        assert_non_null(w);
        assert_true(probe_wait_runs(&p, 1, 2000) >= 0); /* at once when it starts */
        usleep(300 * 1000);
        assert_int_equal(probe_runs(&p), 1); /* no period: nothing without a wake */
        for (int n = 2; n <= 4; n++) {
                worker_wake(w);
                int64_t took = probe_wait_runs(&p, n, 2000);
                assert_true(took >= 0);
                assert_true(took < 250); /* promptly, not after some poll */
        }
        worker_free(w);
        assert_int_equal(probe_runs(&p), 4);
        probe_destroy(&p);
}

static void test_worker_wake_during_a_run_is_kept(void **state)
{
        (void)state;
        struct probe p;
        probe_init(&p, WORKER_UNTIL_WOKEN);
        p.hold = true;
        struct worker *w = worker_new("test", 0, probe_run, &p);
        assert_non_null(w);
        assert_true(probe_wait_runs(&p, 1, 2000) >= 0);
        worker_wake(w); /* while the first run has not returned */
        pthread_mutex_lock(&p.lock);
        p.hold = false;
        pthread_cond_broadcast(&p.ran);
        pthread_mutex_unlock(&p.lock);
        assert_true(probe_wait_runs(&p, 2, 2000) >= 0);
        usleep(200 * 1000);
        assert_int_equal(probe_runs(&p), 2); /* one wake, one run more */
        worker_free(w);
        probe_destroy(&p);
}

static void test_worker_period_runs_without_a_wake(void **state)
{
        (void)state;
        struct probe p;
        probe_init(&p, 50);
        int64_t start = time_monotonic_ns();
        struct worker *w = worker_new("test", 0, probe_run, &p);
        assert_non_null(w);
        assert_true(probe_wait_runs(&p, 5, 3000) >= 0);
        /* four waits of 50 ms between five runs: the period is kept, not spun */
        assert_true((time_monotonic_ns() - start) / 1000000 >= 4 * 50);
        /* a run that answers 0 runs again at once */
        pthread_mutex_lock(&p.lock);
        p.answer = 0;
        pthread_mutex_unlock(&p.lock);
        assert_true(probe_wait_runs(&p, 200, 3000) >= 0);
        worker_free(w);
        probe_destroy(&p);
}

static void test_worker_stop_joins(void **state)
{
        (void)state;
        struct probe p;
        probe_init(&p, 10);
        p.hold_ms = 200;
        struct worker *w = worker_new("test", 0, probe_run, &p);
        assert_non_null(w);
        assert_true(probe_wait_runs(&p, 1, 2000) >= 0);
        worker_stop(w); /* returns once the run under way has returned */
        pthread_mutex_lock(&p.lock);
        int runs = p.runs, finished = p.finished;
        pthread_mutex_unlock(&p.lock);
        assert_int_equal(finished, runs);
        worker_wake(w); /* harmless: nothing runs any more */
        worker_stop(w);
        usleep(100 * 1000);
        assert_int_equal(probe_runs(&p), runs);
        worker_free(w);
        worker_free(NULL);
        worker_wake(NULL);
        worker_stop(NULL);
        probe_destroy(&p);
}

static void test_worker_nice_lowers_its_thread_only(void **state)
{
        (void)state;
        int mine = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
        struct probe p;
        probe_init(&p, WORKER_UNTIL_WOKEN);
        struct worker *w = worker_new("test", 10, probe_run, &p);
        assert_non_null(w);
        assert_true(probe_wait_runs(&p, 1, 2000) >= 0);
        worker_free(w);
        assert_int_equal(p.nice, mine + 10 > 19 ? 19 : mine + 10);
        assert_int_equal(getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid)), mine);
        probe_destroy(&p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_config_reads_contract_example),
            cmocka_unit_test(test_config_changed_keys),
            cmocka_unit_test(test_config_errors_name_file_and_line),
            cmocka_unit_test(test_config_missing_file),
            cmocka_unit_test(test_config_alerts),
            cmocka_unit_test(test_config_paths_are_absolute_from_a_relative_config),
            cmocka_unit_test(test_time_parse_and_format),
            cmocka_unit_test(test_time_parse_is_strict),
            cmocka_unit_test(test_time_across_dst),
            cmocka_unit_test(test_time_dates_are_real_days),
            cmocka_unit_test(test_workdays_skip_weekends_and_holidays),
            cmocka_unit_test(test_text_escape_control),
            cmocka_unit_test(test_csv_cells_are_never_formulas),
            cmocka_unit_test(test_address_in_list),
            cmocka_unit_test(test_title_request_bytes),
            cmocka_unit_test(test_title_request_over_ipv6),
            cmocka_unit_test(test_title_refused),
            cmocka_unit_test(test_worker_runs_when_woken),
            cmocka_unit_test(test_worker_wake_during_a_run_is_kept),
            cmocka_unit_test(test_worker_period_runs_without_a_wake),
            cmocka_unit_test(test_worker_stop_joins),
            cmocka_unit_test(test_worker_nice_lowers_its_thread_only),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
