/* Unit tests of alerts/: the autogempa parser and its checks, the tsunami
 * wording, great-circle distance and direction, the rules, the words of the
 * bulletin, and the chime written in front of the speech. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sndfile.h>

#include "alerts/alerts.h"

/* One autogempa document with the given members (NULL leaves one out). */
static char *document(const char *magnitude, const char *coordinates,
                      const char *potential, const char *depth)
{
        char *parts[4] = {NULL};
        const char *names[] = {"Magnitude", "Coordinates", "Potensi", "Kedalaman"};
        const char *values[] = {magnitude, coordinates, potential, depth};
        for (int i = 0; i < 4; i++)
                parts[i] = values[i] ? xasprintf(",\"%s\":\"%s\"", names[i], values[i])
                                     : xstrdup("");
        char *doc = xasprintf(
            "{\"Infogempa\":{\"gempa\":{\"Tanggal\":\"04 Des 2026\",\"Jam\":\"09:12:30 "
            "WIB\","
            "\"DateTime\":\"2026-12-04T02:12:30+00:00\"%s%s,\"Lintang\":\"7.12 LS\","
            "\"Bujur\":\"105.90 BT\"%s,\"Wilayah\":\"Pusat gempa berada di laut 93 km "
            "BaratDaya Lebak\"%s,\"Dirasakan\":\"III "
            "Lebak\",\"Shakemap\":\"a.mmi.jpg\"}}}",
            parts[1], parts[0], parts[3], parts[2]);
        for (int i = 0; i < 4; i++)
                free(parts[i]);
        return doc;
}

static int parse(const char *doc, struct alerts_event *e, char *err, size_t size)
{
        return alerts_parse_feed(doc, strlen(doc), e, err, size);
}

static void test_parse_good_document(void **state)
{
        (void)state;
        char err[256] = "";
        struct alerts_event e;
        char *doc = document("6.2", "-7.12,105.90", "Tidak berpotensi tsunami", "10 km");
        assert_int_equal(parse(doc, &e, err, sizeof err), 0);
        assert_true(fabs(e.magnitude - 6.2) < 1e-9);
        assert_true(fabs(e.latitude + 7.12) < 1e-9);
        assert_true(fabs(e.longitude - 105.90) < 1e-9);
        assert_true(fabs(e.depth_km - 10) < 1e-9);
        assert_int_equal(e.at_ms, 1796350350000LL); /* 2026-12-04 02:12:30 UTC */
        assert_string_equal(e.clock, "09.12 WIB");
        assert_string_equal(e.key, "2026-12-04T02:12:30+00:00|-7.12,105.90");
        assert_string_equal(e.region, "Pusat gempa berada di laut 93 km BaratDaya Lebak");
        assert_false(e.tsunami);
        free(doc);
}

static void test_parse_refuses_bad_documents(void **state)
{
        (void)state;
        struct {
                const char *what;
                char *doc;
                const char *reason;
        } cases[] = {
            {"magnitude 99", document("99", "-7.12,105.90", "x", "10 km"), "Magnitude"},
            {"negative magnitude", document("-1", "-7.12,105.90", "x", "10 km"),
             "Magnitude"},
            {"magnitude not a number", document("enam", "-7.12,105.90", "x", "10 km"),
             "Magnitude"},
            {"latitude 200", document("6.2", "200,105.90", "x", "10 km"), "Coordinates"},
            {"longitude 181", document("6.2", "-7.12,181", "x", "10 km"), "Coordinates"},
            {"one coordinate", document("6.2", "-7.12", "x", "10 km"), "Coordinates"},
            {"coordinates with junk", document("6.2", "-7.12x,105.9", "x", "10 km"),
             "Coordinates"},
            {"depth 5000 km", document("6.2", "-7.12,105.90", "x", "5000 km"),
             "Kedalaman"},
            {"depth in miles", document("6.2", "-7.12,105.90", "x", "10 mi"),
             "Kedalaman"},
            {"no magnitude", document(NULL, "-7.12,105.90", "x", "10 km"), "Magnitude"},
            {"no coordinates", document("6.2", NULL, "x", "10 km"), "Coordinates"},
            {"no potential", document("6.2", "-7.12,105.90", NULL, "10 km"), "Potensi"},
            {"no depth", document("6.2", "-7.12,105.90", "x", NULL), "Kedalaman"},
            {"empty magnitude", document("", "-7.12,105.90", "x", "10 km"), "Magnitude"},
            {"partial JSON", xstrdup("{\"Infogempa\":{\"gempa\":{\"Magnitude\":\"6."),
             "not JSON"},
            {"not JSON", xstrdup("<html>502 Bad Gateway</html>"), "not JSON"},
            {"no gempa", xstrdup("{\"Infogempa\":{}}"), "Infogempa.gempa"},
            {"gempa a list", xstrdup("{\"Infogempa\":{\"gempa\":[1]}}"),
             "Infogempa.gempa"},
            {"number instead of string",
             xstrdup("{\"Infogempa\":{\"gempa\":{\"DateTime\":5}}}"), "DateTime"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                char err[256] = "";
                struct alerts_event e;
                if (parse(cases[i].doc, &e, err, sizeof err) != -1)
                        fail_msg("%s was accepted", cases[i].what);
                if (!strstr(err, cases[i].reason))
                        fail_msg("%s: reason '%s' does not name %s", cases[i].what, err,
                                 cases[i].reason);
                free(cases[i].doc);
        }
}

static void test_parse_refuses_bad_times(void **state)
{
        (void)state;
        const char *bad[] = {
            "{\"Infogempa\":{\"gempa\":{\"DateTime\":\"kemarin\",\"Jam\":\"09:12:30 "
            "WIB\","
            "\"Coordinates\":\"-7,105\",\"Magnitude\":\"6\",\"Kedalaman\":\"10 km\","
            "\"Wilayah\":\"w\",\"Potensi\":\"p\"}}}",
            "{\"Infogempa\":{\"gempa\":{\"DateTime\":\"2026-12-04T02:12:30+00:00\","
            "\"Jam\":\"25:12:30 WIB\",\"Coordinates\":\"-7,105\",\"Magnitude\":\"6\","
            "\"Kedalaman\":\"10 km\",\"Wilayah\":\"w\",\"Potensi\":\"p\"}}}",
            "{\"Infogempa\":{\"gempa\":{\"DateTime\":\"2026-13-04T02:12:30+00:00\","
            "\"Jam\":\"09:12:30 WIB\",\"Coordinates\":\"-7,105\",\"Magnitude\":\"6\","
            "\"Kedalaman\":\"10 km\",\"Wilayah\":\"w\",\"Potensi\":\"p\"}}}",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                char err[256];
                struct alerts_event e;
                assert_int_equal(parse(bad[i], &e, err, sizeof err), -1);
        }
}

static void test_tsunami_wording(void **state)
{
        (void)state;
        assert_true(alerts_potential_is_tsunami("Berpotensi tsunami"));
        assert_true(alerts_potential_is_tsunami("BERPOTENSI TSUNAMI"));
        assert_true(alerts_potential_is_tsunami("Gempa ini berpotensi tsunami"));
        assert_false(alerts_potential_is_tsunami("Tidak berpotensi tsunami"));
        assert_false(alerts_potential_is_tsunami("tidak berpotensi TSUNAMI"));
        assert_false(alerts_potential_is_tsunami("Tsunami tak terjadi"));
        assert_false(alerts_potential_is_tsunami(
            "Gempa ini dirasakan untuk diteruskan pada masyarakat"));
        assert_false(alerts_potential_is_tsunami(""));
        assert_false(alerts_potential_is_tsunami(NULL));
}

static void test_distance_and_direction(void **state)
{
        (void)state;
        /* Jakarta to Bandung: about 120 km */
        double d = alerts_distance_km(-6.2088, 106.8456, -6.9175, 107.6191);
        assert_true(d > 110 && d < 125);
        assert_true(fabs(alerts_distance_km(-6.36, 106.25, -6.36, 106.25)) < 1e-9);
        /* a quarter of the globe along the equator */
        assert_true(fabs(alerts_distance_km(0, 0, 0, 90) - 6371 * M_PI / 2) < 0.01);
        /* antipodes: half the circumference, no NaN */
        assert_true(fabs(alerts_distance_km(10, 20, -10, -160) - 6371 * M_PI) < 0.01);
        /* the station to the test's M6.2 quake: 118 km south-west */
        d = alerts_distance_km(-6.36, 106.25, -7.30, 105.75);
        assert_true(d > 117 && d < 119);
        double b = alerts_bearing_deg(-6.36, 106.25, -7.30, 105.75);
        assert_string_equal(alerts_direction_name(b), "barat daya");
        assert_string_equal(alerts_direction_name(alerts_bearing_deg(0, 0, 1, 0)),
                            "utara");
        assert_string_equal(alerts_direction_name(alerts_bearing_deg(0, 0, 0, 1)),
                            "timur");
        assert_string_equal(alerts_direction_name(alerts_bearing_deg(0, 0, -1, 0)),
                            "selatan");
        assert_string_equal(alerts_direction_name(alerts_bearing_deg(0, 0, 0, -1)),
                            "barat");
        assert_string_equal(alerts_direction_name(359), "utara");
        assert_string_equal(alerts_direction_name(-45), "barat laut");
        assert_string_equal(alerts_direction_name(NAN), "");
}

static struct alerts_event quake(double magnitude, double lat, double lon, bool tsunami)
{
        struct alerts_event e = {.magnitude = magnitude,
                                 .latitude = lat,
                                 .longitude = lon,
                                 .depth_km = 10,
                                 .tsunami = tsunami};
        snprintf(e.clock, sizeof e.clock, "09.12 WIB");
        snprintf(e.region, sizeof e.region, "Pusat gempa di laut Lebak");
        return e;
}

static void test_rules(void **state)
{
        (void)state;
        struct alerts_rules r = {.station_latitude = -6.36,
                                 .station_longitude = 106.25,
                                 .min_magnitude = 5.0,
                                 .max_distance_km = 250};
        double d;
        struct alerts_event near = quake(6.2, -7.30, 105.75, false);
        assert_true(alerts_event_matches(&near, &r, &d));
        assert_true(d > 117 && d < 119);
        struct alerts_event small = quake(4.1, -6.5, 106.2, false);
        assert_false(alerts_event_matches(&small, &r, NULL));
        struct alerts_event edge = quake(5.0, -6.5, 106.2, false);
        assert_true(alerts_event_matches(&edge, &r, NULL)); /* at least min_magnitude */
        struct alerts_event far = quake(6.0, -12.0, 112.0, false);
        assert_false(alerts_event_matches(&far, &r, &d));
        assert_true(d > 850 && d < 950);
        struct alerts_event far_tsunami = quake(7.4, -10.5, 98.0, true);
        assert_true(alerts_event_matches(&far_tsunami, &r, NULL));
        /* without the station's position only a tsunami potential airs */
        struct alerts_rules nowhere = r;
        nowhere.station_latitude = NAN;
        nowhere.station_longitude = NAN;
        assert_false(alerts_event_matches(&near, &nowhere, &d));
        assert_true(isnan(d));
        assert_true(alerts_event_matches(&far_tsunami, &nowhere, NULL));
}

static void test_bulletin_words(void **state)
{
        (void)state;
        struct alerts_event e = quake(6.2, -7.30, 105.75, false);
        char *text = alerts_bulletin_text(&e, 118.2, 208, "Radio Lebak");
        assert_string_equal(text, "Peringatan BMKG. Gempa magnitudo 6,2 terjadi pukul "
                                  "09.12 WIB, 118 kilometer barat daya dari Radio Lebak, "
                                  "kedalaman 10 kilometer, Pusat gempa di laut Lebak. "
                                  "Tidak berpotensi tsunami. Tetap tenang dan waspada "
                                  "gempa susulan.");
        free(text);
        e.tsunami = true;
        text = alerts_bulletin_text(&e, NAN, NAN, "Radio Lebak");
        assert_non_null(strstr(text, "magnitudo 6,2 terjadi pukul 09.12 WIB, kedalaman"));
        assert_non_null(strstr(
            text, "Berpotensi tsunami: segera menjauhi pantai menuju tempat tinggi."));
        assert_null(strstr(text, "Tidak"));
        free(text);
        char *headline = alerts_headline(&e, 118.2, 208);
        assert_string_equal(headline, "Gempa M6,2 pukul 09.12 WIB, 118 km barat daya. "
                                      "Berpotensi tsunami: jauhi pantai.");
        free(headline);
}

static void test_chime_before_speech(void **state)
{
        (void)state;
        char speech[] = "/tmp/siaran-test-speech-XXXXXX.wav";
        char out[] = "/tmp/siaran-test-bulletin-XXXXXX.wav";
        close(mkstemps(speech, 4));
        close(mkstemps(out, 4));
        SF_INFO info = {.samplerate = 22050,
                        .channels = 1,
                        .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
        SNDFILE *f = sf_open(speech, SFM_WRITE, &info);
        assert_non_null(f);
        float one_second[22050];
        for (int i = 0; i < 22050; i++)
                one_second[i] = 0.25f;
        assert_int_equal(sf_writef_float(f, one_second, 22050), 22050);
        sf_close(f);

        char err[256] = "";
        assert_int_equal(alerts_write_chime_and_speech(speech, out, err, sizeof err), 0);
        SF_INFO got = {0};
        f = sf_open(out, SFM_READ, &got);
        assert_non_null(f);
        assert_int_equal(got.samplerate, 22050);
        /* 4 tones of 0.4 s, 0.5 s of silence, then the 1 s of speech */
        assert_int_equal(got.frames, 8820 * 4 + 11025 + 22050);
        float *all = malloc(sizeof(float) * (size_t)got.frames);
        assert_int_equal(sf_readf_float(f, all, got.frames), got.frames);
        sf_close(f);
        float peak = 0, gap = 0;
        for (int i = 0; i < 8820 * 4; i++)
                peak = fmaxf(peak, fabsf(all[i]));
        for (int i = 8820 * 4; i < 8820 * 4 + 11025; i++)
                gap = fmaxf(gap, fabsf(all[i]));
        assert_true(peak > 0.3f && peak <= 0.5f);
        assert_true(gap == 0);
        assert_true(fabsf(all[8820 * 4 + 11025 + 100] - 0.25f) < 0.001f);
        free(all);
        assert_int_equal(
            alerts_write_chime_and_speech("/nonexistent.wav", out, err, sizeof err), -1);
        assert_non_null(strstr(err, "cannot read the speech"));
        unlink(speech);
        unlink(out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parse_good_document),
            cmocka_unit_test(test_parse_refuses_bad_documents),
            cmocka_unit_test(test_parse_refuses_bad_times),
            cmocka_unit_test(test_tsunami_wording),
            cmocka_unit_test(test_distance_and_direction),
            cmocka_unit_test(test_rules),
            cmocka_unit_test(test_bulletin_words),
            cmocka_unit_test(test_chime_before_speech),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
