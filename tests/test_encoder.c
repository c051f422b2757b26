/* Unit tests of encoder/: Vorbis round trips through the file sink decoded
 * with libvorbisfile (exact length, one logical stream per item with its
 * title, energy kept, mono and 48 kHz outputs), restarts asked for by a sink,
 * file sink errors, and a shout sink to a closed port that must never block
 * the engine. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <vorbis/vorbisfile.h>

#include "common/common.h"
#include "encoder/encoder.h"
#include "encoder/plugin.h"

#define RATE 44100
#define SECONDS 10
#define FRAMES ((size_t)RATE * SECONDS)

static char dir[256];
static float *sine; /* FRAMES of stereo: 440 Hz left, 660 Hz right, 0.5 peak */

static int setup(void **state)
{
        (void)state;
        snprintf(dir, sizeof dir, "/tmp/siaran-test-encoder.XXXXXX");
        if (!mkdtemp(dir))
                return -1;
        sine = xmalloc(FRAMES * 2 * sizeof *sine);
        for (size_t i = 0; i < FRAMES; i++) {
                sine[2 * i] = 0.5f * (float)sin(2 * M_PI * 440.0 * (double)i / RATE);
                sine[2 * i + 1] = 0.5f * (float)sin(2 * M_PI * 660.0 * (double)i / RATE);
        }
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        char *cmd = xasprintf("rm -rf '%s'", dir);
        int rc = system(cmd);
        free(cmd);
        free(sine);
        return rc == 0 ? 0 : -1;
}

static struct output_config vorbis_config(int channels, int samplerate)
{
        struct output_config oc = {.name = "test",
                                   .format = "vorbis",
                                   .quality = 0.4,
                                   .channels = channels,
                                   .samplerate = samplerate};
        return oc;
}

/* Feeds [from, to) of the sine in odd-sized blocks. */
static void feed(struct encoder *e, size_t from, size_t to)
{
        static const size_t blocks[] = {1237, 1, 4095, 777, 8192, 33};
        size_t k = 0;
        for (size_t pos = from; pos < to;) {
                size_t n = blocks[k++ % 6];
                if (n > to - pos)
                        n = to - pos;
                assert_int_equal(encoder_write(e, sine + 2 * pos, n), 0);
                pos += n;
        }
}

struct decoded {
        int streams;
        int channels;
        long rate;
        int64_t frames;
        double rms; /* over all channels */
};

static void decode(const char *path, struct decoded *d)
{
        OggVorbis_File vf;
        memset(d, 0, sizeof *d);
        assert_int_equal(ov_fopen(path, &vf), 0);
        d->streams = (int)ov_streams(&vf);
        vorbis_info *vi = ov_info(&vf, -1);
        d->channels = vi->channels;
        d->rate = vi->rate;
        double sum = 0;
        int64_t samples = 0;
        for (;;) {
                float **pcm;
                int bitstream;
                long n = ov_read_float(&vf, &pcm, 4096, &bitstream);
                assert_true(n >= 0);
                if (n == 0)
                        break;
                int ch = ov_info(&vf, bitstream)->channels;
                for (int c = 0; c < ch; c++)
                        for (long i = 0; i < n; i++)
                                sum += (double)pcm[c][i] * pcm[c][i];
                samples += n * ch;
                d->frames += n;
        }
        d->rms = samples ? sqrt(sum / (double)samples) : 0;
        ov_clear(&vf);
}

static const char *comment(OggVorbis_File *vf, int link, const char *tag)
{
        vorbis_comment *vc = ov_comment(vf, link);
        assert_non_null(vc);
        return vorbis_comment_query(vc, tag, 0);
}

/* 10 s in three items of odd lengths: exact total and per-item lengths, one
 * logical stream per item with its own comments, the energy of the sine. */
static void test_vorbis_items_round_trip(void **state)
{
        (void)state;
        char *path = xasprintf("%s/items.ogg", dir);
        const char *err = NULL;
        struct output_config oc = vorbis_config(2, 0);
        struct encoder *e = encoder_new(&oc, RATE, &err);
        assert_non_null(e);
        struct sink *s = sink_file_new(path, &err);
        assert_non_null(s);
        encoder_add_sink(e, s);
        const size_t cut1 = 150000, cut2 = 300007;
        assert_int_equal(encoder_begin_item(e, "Satu", "Penyanyi A"), 0);
        feed(e, 0, cut1);
        assert_int_equal(encoder_begin_item(e, "Dua", "Penyanyi B"), 0);
        feed(e, cut1, cut2);
        /* Two starts with no audio in between leave no empty stream behind. */
        assert_int_equal(encoder_begin_item(e, "Skipped", "Nobody"), 0);
        assert_int_equal(encoder_begin_item(e, "Tiga", "Penyanyi C"), 0);
        feed(e, cut2, FRAMES);
        assert_int_equal(encoder_finish(e), 0);
        encoder_free(e);
        sink_free(s);

        struct decoded d;
        decode(path, &d);
        assert_int_equal(d.streams, 3);
        assert_int_equal(d.channels, 2);
        assert_int_equal(d.rate, RATE);
        assert_int_equal(d.frames, (int64_t)FRAMES);
        /* A 0.5-peak sine has an RMS of 0.3536. */
        assert_true(fabs(d.rms - 0.5 / sqrt(2)) < 0.02);

        OggVorbis_File vf;
        assert_int_equal(ov_fopen(path, &vf), 0);
        const char *titles[] = {"Satu", "Dua", "Tiga"};
        const char *artists[] = {"Penyanyi A", "Penyanyi B", "Penyanyi C"};
        const int64_t lengths[] = {cut1, cut2 - cut1, FRAMES - cut2};
        for (int i = 0; i < 3; i++) {
                assert_string_equal(comment(&vf, i, "TITLE"), titles[i]);
                assert_string_equal(comment(&vf, i, "ARTIST"), artists[i]);
                assert_non_null(comment(&vf, i, "ENCODER"));
                assert_int_equal(ov_pcm_total(&vf, i), lengths[i]);
                assert_int_not_equal(ov_serialnumber(&vf, i),
                                     ov_serialnumber(&vf, i == 0 ? 1 : i - 1));
        }
        ov_clear(&vf);
        free(path);
}

/* Unchained output: ffmpeg (what `siaran render` is checked with) counts
 * exactly the frames written. */
static void test_vorbis_unchained_length_with_ffmpeg(void **state)
{
        (void)state;
        if (system("command -v ffmpeg >/dev/null 2>&1") != 0)
                fail_msg("ffmpeg is not installed ('make deps' installs it)");
        char *path = xasprintf("%s/ffmpeg.ogg", dir);
        char *raw = xasprintf("%s/ffmpeg.raw", dir);
        const char *err = NULL;
        struct output_config oc = vorbis_config(2, 0);
        struct encoder *e = encoder_new(&oc, RATE, &err);
        struct sink *s = sink_file_new(path, &err);
        assert_non_null(e);
        assert_non_null(s);
        encoder_add_sink(e, s);
        /* ffmpeg 5.1 adds 128 samples at each chain boundary, so render
         * files that must measure exactly are one logical stream. */
        encoder_set_chained(e, false);
        encoder_begin_item(e, "A", NULL);
        feed(e, 0, 100003);
        encoder_begin_item(e, "B", NULL);
        feed(e, 100003, FRAMES);
        assert_int_equal(encoder_finish(e), 0);
        encoder_free(e);
        sink_free(s);
        char *cmd = xasprintf(
            "ffmpeg -nostdin -loglevel error -y -i '%s' -f f32le -ac 2 '%s'", path, raw);
        assert_int_equal(system(cmd), 0);
        FILE *f = fopen(raw, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long bytes = ftell(f);
        fclose(f);
        assert_int_equal(bytes, (long)(FRAMES * 2 * sizeof(float)));
        struct decoded d;
        decode(path, &d);
        assert_int_equal(d.streams, 1);
        assert_int_equal(d.frames, (int64_t)FRAMES);
        free(cmd);
        free(raw);
        free(path);
}

static void test_vorbis_mono(void **state)
{
        (void)state;
        char *path = xasprintf("%s/mono.ogg", dir);
        const char *err = NULL;
        struct output_config oc = vorbis_config(1, 0);
        struct encoder *e = encoder_new(&oc, RATE, &err);
        struct sink *s = sink_file_new(path, &err);
        assert_non_null(e);
        assert_non_null(s);
        encoder_add_sink(e, s);
        encoder_begin_item(e, "Mono", "Satu Saluran");
        feed(e, 0, FRAMES);
        assert_int_equal(encoder_finish(e), 0);
        encoder_free(e);
        sink_free(s);

        struct decoded d;
        decode(path, &d);
        assert_int_equal(d.streams, 1);
        assert_int_equal(d.channels, 1);
        assert_int_equal(d.frames, (int64_t)FRAMES);
        /* (440 Hz + 660 Hz) / 2 at 0.5 peak each: RMS 0.25. */
        assert_true(fabs(d.rms - 0.25) < 0.02);
        free(path);
}

static void test_vorbis_resampled_48k(void **state)
{
        (void)state;
        char *path = xasprintf("%s/48k.ogg", dir);
        const char *err = NULL;
        struct output_config oc = vorbis_config(2, 48000);
        struct encoder *e = encoder_new(&oc, RATE, &err);
        struct sink *s = sink_file_new(path, &err);
        assert_non_null(e);
        assert_non_null(s);
        encoder_add_sink(e, s);
        encoder_begin_item(e, "Cepat", NULL);
        feed(e, 0, FRAMES / 2);
        encoder_begin_item(e, "Lambat", NULL);
        feed(e, FRAMES / 2, FRAMES);
        assert_int_equal(encoder_finish(e), 0);
        encoder_free(e);
        sink_free(s);

        struct decoded d;
        decode(path, &d);
        assert_int_equal(d.streams, 2);
        assert_int_equal(d.rate, 48000);
        assert_int_equal(d.frames, (int64_t)48000 * SECONDS);
        assert_true(fabs(d.rms - 0.5 / sqrt(2)) < 0.02);
        free(path);
}

/* Decodes path with ffmpeg as float at its own rate and channel count (read
 * with ffprobe); false if ffmpeg is missing. */
struct probed {
        int channels;
        int rate;
        int64_t frames;
        double rms;
};

static bool ffmpeg_decode(const char *path, struct probed *p)
{
        if (system("command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null "
                   "2>&1") != 0)
                return false;
        memset(p, 0, sizeof *p);
        char *cmd = xasprintf("ffprobe -v error -select_streams a:0 -show_entries "
                              "stream=channels,sample_rate -of csv=p=0 '%s'",
                              path);
        FILE *pipe = popen(cmd, "r");
        assert_non_null(pipe);
        assert_int_equal(fscanf(pipe, "%d,%d", &p->rate, &p->channels), 2);
        pclose(pipe);
        free(cmd);
        char *raw = xasprintf("%s.raw", path);
        cmd = xasprintf("ffmpeg -nostdin -loglevel error -y -i '%s' -f f32le '%s'", path,
                        raw);
        assert_int_equal(system(cmd), 0);
        FILE *f = fopen(raw, "rb");
        assert_non_null(f);
        float buf[4096];
        size_t n;
        double sum = 0;
        int64_t samples = 0;
        while ((n = fread(buf, sizeof *buf, 4096, f)) > 0) {
                for (size_t i = 0; i < n; i++)
                        sum += (double)buf[i] * buf[i];
                samples += (int64_t)n;
        }
        fclose(f);
        p->frames = samples / p->channels;
        p->rms = samples ? sqrt(sum / (double)samples) : 0;
        free(cmd);
        free(raw);
        return true;
}

/* How often needle occurs in the file at path. */
static int count_in_file(const char *path, const char *needle)
{
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *data = xmalloc((size_t)size);
        assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
        fclose(f);
        int count = 0;
        size_t len = strlen(needle);
        for (const char *p = data;
             (p = memmem(p, (size_t)(data + size - p), needle, len)); p += len)
                count++;
        free(data);
        return count;
}

static void encode_three_items(const struct output_config *oc, const char *path)
{
        const char *err = NULL;
        struct encoder *e = encoder_new(oc, RATE, &err);
        assert_non_null(e);
        struct sink *s = sink_file_new(path, &err);
        assert_non_null(s);
        encoder_add_sink(e, s);
        assert_int_equal(encoder_begin_item(e, "Satu", "Penyanyi A"), 0);
        feed(e, 0, 150000);
        assert_int_equal(encoder_begin_item(e, "Dua", "Penyanyi B"), 0);
        feed(e, 150000, 300007);
        assert_int_equal(encoder_begin_item(e, "Tiga", "Penyanyi C"), 0);
        feed(e, 300007, FRAMES);
        assert_int_equal(encoder_finish(e), 0);
        encoder_free(e);
        sink_free(s);
}

/* Opus 32 kbit/s mono: three chained streams with their titles, 48 kHz mono
 * out, the full length and the energy of the downmix. */
static void test_opus_mono_items(void **state)
{
        (void)state;
        char *path = xasprintf("%s/items.opus", dir);
        struct output_config oc = {
            .name = "mobile", .format = "opus", .bitrate = 32, .channels = 1};
        encode_three_items(&oc, path);
        assert_int_equal(count_in_file(path, "OpusHead"), 3);
        assert_int_equal(count_in_file(path, "TITLE=Satu"), 1);
        assert_int_equal(count_in_file(path, "TITLE=Dua"), 1);
        assert_int_equal(count_in_file(path, "ARTIST=Penyanyi C"), 1);
        struct probed p;
        if (!ffmpeg_decode(path, &p))
                fail_msg("ffmpeg is not installed ('make deps' installs it)");
        assert_int_equal(p.channels, 1);
        assert_int_equal(p.rate, 48000);
        /* Opus always decodes at 48 kHz; allow a few ms per chain link. */
        assert_true(llabs(p.frames - (int64_t)48000 * SECONDS) < 3 * 960);
        assert_true(fabs(p.rms - 0.25) < 0.03);
        free(path);
}

/* MP3 128 kbit/s stereo: one continuous stream (titles go out as ICY), the
 * right rate and channels, the length within LAME's padding, the energy. */
static void test_mp3_stereo(void **state)
{
        (void)state;
        char *path = xasprintf("%s/items.mp3", dir);
        struct output_config oc = {
            .name = "legacy", .format = "mp3", .bitrate = 128, .channels = 2};
        encode_three_items(&oc, path);
        struct probed p;
        if (!ffmpeg_decode(path, &p))
                fail_msg("ffmpeg is not installed ('make deps' installs it)");
        assert_int_equal(p.channels, 2);
        assert_int_equal(p.rate, RATE);
        assert_true(llabs(p.frames - (int64_t)FRAMES) < 2 * 1152 + 576);
        assert_true(fabs(p.rms - 0.5 / sqrt(2)) < 0.03);
        free(path);
}

/* A sink that forwards to a file sink and, once, asks for a new stream, as a
 * reconnected shout sink does. */
struct restart_sink {
        struct sink base;
        struct sink *file;
        int writes;
        int ask_at;
};

static int restart_write(struct sink *sink, const unsigned char *data, size_t len)
{
        struct restart_sink *r = (struct restart_sink *)sink;
        r->writes++;
        return sink_write(r->file, data, len);
}

static bool restart_wants(struct sink *sink)
{
        struct restart_sink *r = (struct restart_sink *)sink;
        if (r->ask_at > 0 && r->writes >= r->ask_at) {
                r->ask_at = 0;
                return true;
        }
        return false;
}

static void restart_status(struct sink *sink, struct sink_status *status)
{
        (void)sink;
        (void)status;
}

static void restart_free(struct sink *sink)
{
        (void)sink;
}

static const struct sink_plugin restart_plugin = {
    .name = "restart",
    .write = restart_write,
    .wants_new_stream = restart_wants,
    .get_status = restart_status,
    .free = restart_free,
};

static void test_sink_asks_for_new_stream(void **state)
{
        (void)state;
        char *path = xasprintf("%s/restart.ogg", dir);
        const char *err = NULL;
        struct output_config oc = vorbis_config(2, 0);
        struct encoder *e = encoder_new(&oc, RATE, &err);
        struct restart_sink r = {.base = {.plugin = &restart_plugin}, .ask_at = 5};
        r.file = sink_file_new(path, &err);
        assert_non_null(e);
        assert_non_null(r.file);
        encoder_add_sink(e, &r.base);
        encoder_begin_item(e, "Tetap", "Sama");
        feed(e, 0, FRAMES);
        assert_int_equal(encoder_finish(e), 0);
        encoder_free(e);
        sink_free(r.file);

        struct decoded d;
        decode(path, &d);
        assert_int_equal(d.streams, 2);
        assert_int_equal(d.frames, (int64_t)FRAMES);
        OggVorbis_File vf;
        assert_int_equal(ov_fopen(path, &vf), 0);
        assert_string_equal(comment(&vf, 1, "TITLE"), "Tetap");
        assert_string_equal(comment(&vf, 1, "ARTIST"), "Sama");
        ov_clear(&vf);
        free(path);
}

static void test_bad_settings(void **state)
{
        (void)state;
        const char *err = NULL;
        struct output_config oc = vorbis_config(2, 0);
        oc.format = "flac";
        assert_null(encoder_new(&oc, RATE, &err));
        assert_non_null(err);
        oc = vorbis_config(3, 0);
        err = NULL;
        assert_null(encoder_new(&oc, RATE, &err));
        assert_non_null(err);

        struct output_config a = vorbis_config(2, 0), b = vorbis_config(2, 0);
        assert_true(encoder_config_equal(&a, &b));
        b.channels = 1;
        assert_false(encoder_config_equal(&a, &b));

        err = NULL;
        assert_null(sink_file_new("/nonexistent-dir/x.ogg", &err));
        assert_non_null(err);
        struct output_config so = {.name = "bad",
                                   .server = "127.0.0.1",
                                   .port = 8000,
                                   .mount = "/radio.ogg",
                                   .format = "vorbis",
                                   .channels = 2};
        err = NULL;
        assert_null(sink_shout_new(&so, "Radio", &err)); /* no password */
        assert_non_null(err);
}

static void test_file_sink_write_error(void **state)
{
        (void)state;
        const char *err = NULL;
        struct sink *s = sink_file_new("/dev/full", &err);
        assert_non_null(s);
        unsigned char page[4096] = {0};
        int failed = 0;
        for (int i = 0; i < 64; i++)
                if (sink_write(s, page, sizeof page) < 0)
                        failed++;
        assert_true(failed > 0);
        struct sink_status st;
        sink_get_status(s, &st);
        assert_false(st.connected);
        assert_true(st.last_error[0] != '\0');
        sink_free(s);
}

static double now_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A port nobody listens on: bound, then closed. */
static int closed_port(void)
{
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_addr.s_addr = htonl(0x7f000001)};
        assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
        socklen_t len = sizeof a;
        getsockname(fd, (struct sockaddr *)&a, &len);
        close(fd);
        return ntohs(a.sin_port);
}

static void test_shout_sink_never_blocks(void **state)
{
        (void)state;
        struct output_config so = {.name = "main",
                                   .server = "127.0.0.1",
                                   .port = closed_port(),
                                   .password = "hackme",
                                   .mount = "/radio.ogg",
                                   .format = "vorbis",
                                   .quality = 0.4,
                                   .channels = 2};
        const char *err = NULL;
        struct sink *s = sink_shout_new(&so, "Radio Uji", &err);
        assert_non_null(s);
        assert_string_equal(sink_name(s), "main");
        assert_string_equal(sink_mount(s), "/radio.ogg");

        unsigned char page[4096];
        memset(page, 0x55, sizeof page);
        memcpy(page, "OggS", 4);
        double start = now_s();
        for (int i = 0; i < 2560; i++) /* 10 MiB */
                assert_int_equal(sink_write(s, page, sizeof page), 0);
        double took = now_s() - start;
        assert_true(took < 0.5);

        /* Give the thread time for a first attempt and a retry. */
        usleep(1200 * 1000);
        struct sink_status st;
        sink_get_status(s, &st);
        assert_false(st.connected);
        assert_true(st.dropped > 0);
        assert_int_equal(st.bytes_sent, 0);
        assert_true(strstr(st.last_error, "connect") != NULL);

        start = now_s();
        sink_free(s);
        assert_true(now_s() - start < 1.0);
}

int main(void)
{
        log_threshold = getenv("TEST_LOG") ? LOG_DEBUG : LOG_ERROR;
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_vorbis_items_round_trip),
            cmocka_unit_test(test_vorbis_unchained_length_with_ffmpeg),
            cmocka_unit_test(test_vorbis_mono),
            cmocka_unit_test(test_vorbis_resampled_48k),
            cmocka_unit_test(test_opus_mono_items),
            cmocka_unit_test(test_mp3_stereo),
            cmocka_unit_test(test_sink_asks_for_new_stream),
            cmocka_unit_test(test_bad_settings),
            cmocka_unit_test(test_file_sink_write_error),
            cmocka_unit_test(test_shout_sink_never_blocks),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
