/* Unit tests of media/: decoding every supported format made from a known
 * sine (libsndfile writes WAV, FLAC and Ogg Vorbis; ffmpeg makes MP3 and
 * Opus), resampling, downmixing, broken files, seeking, loudness and cue
 * points, the content-addressed store, M3U parsing and text-to-speech.
 * Every fixture is written by the test into a temporary folder. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "media/media.h"

#define RATE 44100

static char tmpdir[256];

/* ---- fixtures ---------------------------------------------------------- */

/* Per-channel tone: frequency (0 = silence) and amplitude. */
struct tone {
        double hz;
        double amplitude;
};

/* Writes frames of one sine per channel with libsndfile in format. */
static char *write_tones(const char *name, int format, int rate, int channels,
                         int64_t frames, const struct tone *tones)
{
        char *path = xasprintf("%s/%s", tmpdir, name);
        SF_INFO info = {.samplerate = rate, .channels = channels, .format = format};
        SNDFILE *f = sf_open(path, SFM_WRITE, &info);
        if (!f)
                fail_msg("cannot write %s: %s", path, sf_strerror(NULL));
        float *buf = xmalloc(sizeof(float) * (size_t)channels * (size_t)frames);
        for (int64_t i = 0; i < frames; i++)
                for (int c = 0; c < channels; c++)
                        buf[i * channels + c] =
                            (float)(tones[c].amplitude *
                                    sin(2 * M_PI * tones[c].hz * (double)i / rate));
        assert_int_equal(sf_writef_float(f, buf, frames), frames);
        sf_close(f);
        free(buf);
        return path;
}

/* The same sine on every channel. */
static char *write_sine(const char *name, int format, int rate, int channels,
                        int64_t frames, double hz, double amplitude)
{
        struct tone tones[8];
        for (int c = 0; c < 8; c++)
                tones[c] = (struct tone){hz, amplitude};
        return write_tones(name, format, rate, channels, frames, tones);
}

static bool have_ffmpeg(void)
{
        return system("command -v ffmpeg >/dev/null 2>&1") == 0;
}

/* Converts src with ffmpeg into tmpdir/name using codec args. */
static char *ffmpeg_convert(const char *src, const char *name, const char *args)
{
        char *path = xasprintf("%s/%s", tmpdir, name);
        char *cmd = xasprintf("ffmpeg -nostdin -loglevel error -y -i '%s' %s '%s'", src,
                              args, path);
        int rc = system(cmd);
        free(cmd);
        if (rc != 0)
                fail_msg("ffmpeg failed for %s", name);
        return path;
}

static char *write_bytes(const char *name, const void *data, size_t len)
{
        char *path = xasprintf("%s/%s", tmpdir, name);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        fclose(f);
        return path;
}

/* Reads a whole file through the reader; returns the frames, sets *out. */
static int64_t read_all(const char *path, int rate, float **out)
{
        const char *why = NULL;
        struct media_reader *r = media_reader_open(path, rate, &why);
        if (!r)
                fail_msg("cannot open %s: %s", path, why ? why : "?");
        size_t cap = 1 << 16, n = 0;
        float *buf = xmalloc(cap * 2 * sizeof *buf);
        for (;;) {
                if (n + 1024 > cap) {
                        cap *= 2;
                        buf = xrealloc(buf, cap * 2 * sizeof *buf);
                }
                long got = media_reader_read(r, buf + 2 * n, 1024);
                assert_true(got >= 0);
                if (got == 0)
                        break;
                n += (size_t)got;
        }
        media_reader_free(r);
        *out = buf;
        return (int64_t)n;
}

/* Least-squares fit of a sine at hz to channel ch of the stereo frames
 * [from, to): returns the fitted amplitude and the signal-to-residual ratio
 * in dB (how much of the signal is that sine). */
static double fit_sine(const float *buf, int64_t from, int64_t to, int ch, double hz,
                       int rate, double *snr_db)
{
        double s = 0, c = 0;
        int64_t n = to - from;
        for (int64_t i = from; i < to; i++) {
                double x = buf[2 * i + ch];
                s += x * sin(2 * M_PI * hz * (double)i / rate);
                c += x * cos(2 * M_PI * hz * (double)i / rate);
        }
        s = 2 * s / (double)n;
        c = 2 * c / (double)n;
        double signal = 0, residual = 0;
        for (int64_t i = from; i < to; i++) {
                double x = buf[2 * i + ch];
                double fit = s * sin(2 * M_PI * hz * (double)i / rate) +
                             c * cos(2 * M_PI * hz * (double)i / rate);
                signal += fit * fit;
                residual += (x - fit) * (x - fit);
        }
        if (snr_db)
                *snr_db = 10 * log10(signal / (residual + 1e-20));
        return sqrt(s * s + c * c);
}

/* The frequency from the count of rising zero crossings in [from, to). */
static double zero_crossing_hz(const float *buf, int64_t from, int64_t to, int ch,
                               int rate)
{
        int64_t first = -1, last = -1, count = 0;
        for (int64_t i = from + 1; i < to; i++) {
                if (buf[2 * (i - 1) + ch] < 0 && buf[2 * i + ch] >= 0) {
                        if (first < 0)
                                first = i;
                        else
                                count++;
                        last = i;
                }
        }
        return count > 0 ? (double)count * rate / (double)(last - first) : 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
        (void)st, (void)flag, (void)ftw;
        return remove(path);
}

static int setup(void **state)
{
        (void)state;
        snprintf(tmpdir, sizeof tmpdir, "/tmp/siaran-test-media.XXXXXX");
        if (!mkdtemp(tmpdir))
                return -1;
        log_threshold = getenv("SIARAN_TEST_DEBUG") ? LOG_DEBUG : LOG_ERROR;
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        if (!getenv("KEEP_TMP"))
                nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        return 0;
}

/* ---- decoding ----------------------------------------------------------- */

struct format_case {
        const char *name;
        int format;         /* libsndfile format, or 0 to convert with ffmpeg */
        const char *ffmpeg; /* ffmpeg codec arguments */
        int64_t tolerance;  /* frames the decoded length may differ by */
        double min_snr;     /* dB */
};

static void check_format(const struct format_case *fc)
{
        const double hz = 1000, amp = 0.5;
        const int64_t frames = 2 * RATE;
        char *path;
        if (fc->format) {
                path = write_sine(fc->name, fc->format, RATE, 2, frames, hz, amp);
        } else {
                if (!have_ffmpeg())
                        fail_msg("ffmpeg is not installed ('make deps' installs it)");
                char *src = write_sine("lossy-src.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16,
                                       RATE, 2, frames, hz, amp);
                path = ffmpeg_convert(src, fc->name, fc->ffmpeg);
                free(src);
        }
        float *buf = NULL;
        int64_t n = read_all(path, RATE, &buf);
        const char *why = NULL;
        struct media_reader *r = media_reader_open(path, RATE, &why);
        assert_non_null(r);
        int64_t header = media_reader_frames(r);
        media_reader_free(r);

        double snr_l, snr_r;
        double amp_l = fit_sine(buf, n / 10, n - n / 10, 0, hz, RATE, &snr_l);
        double amp_r = fit_sine(buf, n / 10, n - n / 10, 1, hz, RATE, &snr_r);
        printf("# %-10s frames %lld (expected %lld, header %lld), amplitude %.4f/%.4f, "
               "SNR %.1f/%.1f dB\n",
               fc->name, (long long)n, (long long)frames, (long long)header, amp_l, amp_r,
               snr_l, snr_r);
        assert_in_range(n, frames - fc->tolerance, frames + fc->tolerance);
        assert_in_range(header, frames - fc->tolerance, frames + fc->tolerance);
        assert_true(fabs(amp_l - amp) < 0.04 && fabs(amp_r - amp) < 0.04);
        assert_true(snr_l > fc->min_snr && snr_r > fc->min_snr);
        free(buf);
        free(path);
}

static void test_decode_wav(void **state)
{
        (void)state;
        check_format(&(struct format_case){"sine.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16,
                                           NULL, 0, 60});
}

static void test_decode_flac(void **state)
{
        (void)state;
        check_format(&(struct format_case){"sine.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16,
                                           NULL, 0, 60});
}

static void test_decode_vorbis(void **state)
{
        (void)state;
        check_format(&(struct format_case){"sine.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS,
                                           NULL, 0, 25});
}

static void test_decode_opus(void **state)
{
        (void)state;
        /* Opus works at 48 kHz: the reader resamples it back to 44.1 kHz */
        check_format(
            &(struct format_case){"sine.opus", 0, "-c:a libopus -b:a 128k", 64, 25});
}

static void test_decode_mp3(void **state)
{
        (void)state;
        /* LAME's gapless header lets the decoder drop its delay and padding */
        check_format(
            &(struct format_case){"sine.mp3", 0, "-c:a libmp3lame -b:a 192k", 1152, 25});
}

/* ---- what phones and browsers record (the FFmpeg reader) ------------------- */

/* AAC in MP4: the edit list cuts the encoder's priming and padding, so the
 * length is exact to the sample. */
static void test_decode_m4a(void **state)
{
        (void)state;
        check_format(&(struct format_case){"sine.m4a", 0, "-c:a aac -b:a 160k", 0, 25});
}

/* What a browser's MediaRecorder makes: Opus in WebM (48 kHz, resampled).
 * The decoded length is exact; the header's, from WebM's duration in whole
 * milliseconds, within 2 ms. */
static void test_decode_webm_opus(void **state)
{
        (void)state;
        check_format(
            &(struct format_case){"sine.webm", 0, "-c:a libopus -b:a 128k", 88, 25});
}

/* A phone's video: the video track comes first and is skipped. */
static void test_decode_mp4_video(void **state)
{
        (void)state;
        check_format(&(struct format_case){
            "sine.mp4", 0,
            "-f lavfi -i testsrc=size=160x120:rate=25:duration=2 -map 1:v -map 0:a "
            "-c:v mpeg4 -c:a aac -b:a 160k",
            0, 25});
}

/* An Android call recording: 3GP (AAC inside; AMR below). */
static void test_decode_3gp(void **state)
{
        (void)state;
        check_format(&(struct format_case){"sine.3gp", 0, "-c:a aac -b:a 96k", 0, 25});
}

/* AMR-NB (8 kHz mono speech codec), raw .amr and in 3GP.  Debian's ffmpeg
 * decodes AMR but cannot encode it; sox writes it through libopencore-amrnb
 * (make deps).  sox always uses DTX, whose comfort-noise frames ffmpeg does
 * not decode, so the tone is steady: no silence, no DTX frames. */
static char *write_amr(const char *name)
{
        char *wav = write_sine("amr-src.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
                               2 * 8000, 1000, 0.5);
        char *amr = xasprintf("%s/amr-src.amr", tmpdir);
        char *path = xasprintf("%s/%s", tmpdir, name);
        char *cmd = xasprintf("sox '%s' -C 7 -t amr-nb '%s' && ffmpeg -nostdin -loglevel "
                              "error -y -i '%s' -c copy '%s'",
                              wav, amr, amr, path);
        int rc = system(cmd);
        free(cmd);
        free(amr);
        free(wav);
        if (rc != 0)
                fail_msg("sox or ffmpeg could not make %s ('make deps' installs "
                         "libopencore-amrnb0)",
                         name);
        return path;
}

static void check_amr(const char *name)
{
        const int64_t frames = 2 * RATE, frame = RATE / 50; /* one 20 ms AMR frame */
        char *path = write_amr(name);
        float *buf = NULL;
        int64_t n = read_all(path, RATE, &buf);
        double snr;
        double amp = fit_sine(buf, n / 10, n - n / 10, 0, 1000, RATE, &snr);
        printf("# %-12s frames %lld (expected %lld), amplitude %.4f, SNR %.1f dB\n", name,
               (long long)n, (long long)frames, amp, snr);
        assert_in_range(n, frames - frame, frames + frame);
        assert_true(amp > 0.3 && amp < 0.7);
        assert_true(snr > 10);
        free(buf);
        free(path);
}

static void test_decode_amr(void **state)
{
        (void)state;
        check_amr("sine.amr");
        check_amr("sine-amr.3gp");
}

/* Cut short, cut to its header, or the header followed by noise: every one
 * is refused at open or when the analysis reaches the damage, with a
 * one-line reason. */
static void test_phone_files_damaged(void **state)
{
        (void)state;
        const char *names[] = {"sine.m4a", "sine.webm", "sine.mp4", "sine.3gp"};
        unsigned char noise[20000];
        srand(13);
        for (size_t i = 0; i < sizeof noise; i++)
                noise[i] = (unsigned char)rand();
        int tried = 0;
        for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
                char *path = xasprintf("%s/%s", tmpdir, names[k]);
                FILE *f = fopen(path, "rb");
                free(path);
                if (!f)
                        continue;
                static unsigned char whole[1 << 20];
                size_t len = fread(whole, 1, sizeof whole, f);
                fclose(f);
                assert_true(len > 4000 && len < sizeof whole);
                unsigned char *header_noise = xmalloc(64 + sizeof noise);
                memcpy(header_noise, whole, 64);
                memcpy(header_noise + 64, noise, sizeof noise);
                const char *ext = strrchr(names[k], '.');
                struct {
                        const char *what;
                        const unsigned char *data;
                        size_t len;
                } cases[] = {
                    {"first-3k", whole, 3000},
                    {"half", whole, len / 2},
                    {"header-then-noise", header_noise, 64 + sizeof noise},
                    {"noise", noise, sizeof noise},
                };
                for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
                        char *name = xasprintf("damaged-%s%s", cases[c].what, ext);
                        char *bad = write_bytes(name, cases[c].data, cases[c].len);
                        char err[256] = "";
                        struct media_info info;
                        int rc = media_analyze(bad, RATE, &info, err, sizeof err);
                        printf("# %s: %s\n", name, rc == 0 ? "(accepted!)" : err);
                        if (rc == 0)
                                media_info_clear(&info);
                        assert_int_equal(rc, -1);
                        assert_true(strlen(err) > 5);
                        assert_null(strchr(err, '\n'));
                        tried++;
                        free(name);
                        free(bad);
                }
                free(header_noise);
        }
        if (tried == 0)
                skip();
}

/* Tags from MP4 and WebM, and the store names an upload (a temporary file
 * without an extension) after the detected container. */
static void test_phone_tags_and_store(void **state)
{
        (void)state;
        if (!have_ffmpeg()) {
                skip();
                return;
        }
        char *src = write_sine("tag-src.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, RATE, 2,
                               RATE, 440, 0.5);
        struct {
                const char *name, *args, *ext;
                bool tags; /* ffmpeg's 3GP muxer writes no title or artist */
        } cases[] = {
            {"tagged.m4a", "-c:a aac", ".m4a", true},
            {"tagged.webm", "-c:a libopus", ".webm", true},
            {"tagged.3gp", "-c:a aac", ".3gp", false},
            {"tagged.mp4",
             "-f lavfi -i testsrc=size=64x64:rate=10:duration=1 -map 1:v -map 0:a -c:v "
             "mpeg4 -c:a aac",
             ".mp4", true},
        };
        char *store = xasprintf("%s/phone-store", tmpdir);
        for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
                char *args = xasprintf("%s -metadata title=\"Memo Suara %zu\" "
                                       "-metadata artist=\"Warga Desa\"",
                                       cases[k].args, k);
                char *path = ffmpeg_convert(src, cases[k].name, args);
                const char *why = NULL;
                struct media_reader *r = media_reader_open(path, RATE, &why);
                if (!r)
                        fail_msg("%s: %s", cases[k].name, why);
                char *want = xasprintf("Memo Suara %zu", k);
                printf("# %s: title '%s', artist '%s'\n", cases[k].name,
                       media_reader_title(r) ? media_reader_title(r) : "(none)",
                       media_reader_artist(r) ? media_reader_artist(r) : "(none)");
                if (cases[k].tags) {
                        assert_non_null(media_reader_title(r));
                        assert_string_equal(media_reader_title(r), want);
                        assert_non_null(media_reader_artist(r));
                        assert_string_equal(media_reader_artist(r), "Warga Desa");
                }
                media_reader_free(r);

                char *upload = xasprintf("%s/siaran-upload-%zu", tmpdir, k);
                assert_int_equal(rename(path, upload), 0);
                char err[256] = "";
                char *stored = media_store_add(store, upload, err, sizeof err);
                if (!stored)
                        fail_msg("store: %s", err);
                printf("# %s stored as %s\n", cases[k].name, strrchr(stored, '/') + 1);
                assert_string_equal(strrchr(stored, '.'), cases[k].ext);
                free(stored), free(upload), free(want), free(path), free(args);
        }
        free(store);
        free(src);
}

/* A cue-in far into a long file seeks by timestamp rather than decoding
 * from the start: still on the right sample for MP4 (its timestamps count
 * samples), within a millisecond for WebM (whose timestamps are in ms). */
static void test_phone_seek_far(void **state)
{
        (void)state;
        if (!have_ffmpeg()) {
                skip();
                return;
        }
        char *src = write_sine("long-src.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, RATE, 2,
                               25 * RATE, 441, 0.5);
        struct {
                const char *name, *args;
                int max_lag;
        } cases[] = {
            {"long.m4a", "-c:a aac -b:a 160k", 0},
            {"long.webm", "-c:a libopus -b:a 128k", RATE / 1000},
            /* as a browser records: written as a stream, without duration or cues */
            {"long-stream.webm", "-c:a libopus -b:a 128k -f webm pipe:1 >", RATE / 1000},
        };
        for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
                char *path = ffmpeg_convert(src, cases[k].name, cases[k].args);
                float *all = NULL;
                int64_t n = read_all(path, RATE, &all);
                const char *why = NULL;
                struct media_reader *r = media_reader_open(path, RATE, &why);
                assert_non_null(r);
                const int64_t target = 15 * RATE + 11;
                assert_int_equal(media_reader_seek(r, target), 0);
                float block[2 * 4096];
                int64_t have = 0;
                while (have < 4096) {
                        long g =
                            media_reader_read(r, block + 2 * have, (size_t)(4096 - have));
                        assert_true(g > 0);
                        have += g;
                }
                /* the lag at which the seeked block best matches the linear read */
                int best_lag = 0;
                double best = 1e9;
                for (int lag = -96; lag <= 96; lag++) {
                        double worst = 0;
                        for (int64_t i = 2048; i < 4096; i++)
                                worst = fmax(worst, fabs(block[2 * i] -
                                                         all[2 * (target + lag + i)]));
                        if (worst < best) {
                                best = worst;
                                best_lag = lag;
                        }
                }
                int64_t total = target + have;
                long g;
                while ((g = media_reader_read(r, block, 4096)) > 0)
                        total += g;
                printf(
                    "# far seek in %s: lag %d frames, max difference %.2g, length %lld "
                    "(linear %lld)\n",
                    cases[k].name, best_lag, best, (long long)total, (long long)n);
                assert_int_equal(g, 0);
                assert_true(abs(best_lag) <= cases[k].max_lag);
                assert_true(best < 0.02);
                assert_in_range(total, n - cases[k].max_lag - 1,
                                n + cases[k].max_lag + 1);
                media_reader_free(r);
                free(all);
                free(path);
        }
        free(src);
}

/* 8 kHz mono: both output channels carry the tone, at the right length and
 * frequency after resampling. */
static void test_resample_8k_mono(void **state)
{
        (void)state;
        char *path = write_sine("mono8k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1,
                                3 * 8000, 440, 0.5);
        float *buf = NULL;
        int64_t n = read_all(path, RATE, &buf);
        double snr;
        double amp = fit_sine(buf, RATE / 2, n - RATE / 2, 0, 440, RATE, &snr);
        double hz = zero_crossing_hz(buf, RATE / 2, n - RATE / 2, 1, RATE);
        printf("# 8k mono -> 44.1k: frames %lld (expected %d), %.3f Hz, amplitude %.4f, "
               "SNR %.1f dB\n",
               (long long)n, 3 * RATE, hz, amp, snr);
        assert_int_equal(n, 3 * RATE);
        assert_true(fabs(hz - 440) < 0.5);
        assert_true(fabs(amp - 0.5) < 0.01);
        assert_true(snr > 40);
        for (int64_t i = 0; i < n; i++)
                assert_true(buf[2 * i] == buf[2 * i + 1]);
        free(buf);
        free(path);
}

/* 48 kHz stereo with a different tone per side: length, frequencies and
 * the channel order survive. */
static void test_resample_48k_stereo(void **state)
{
        (void)state;
        struct tone tones[2] = {{1000, 0.5}, {1500, 0.25}};
        char *path = write_tones("stereo48k.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24,
                                 48000, 2, 2 * 48000 + 123, tones);
        float *buf = NULL;
        int64_t n = read_all(path, RATE, &buf);
        int64_t expected = llround((2 * 48000 + 123) * 44100.0 / 48000.0);
        double snr_l, snr_r;
        double amp_l = fit_sine(buf, 4410, n - 4410, 0, 1000, RATE, &snr_l);
        double amp_r = fit_sine(buf, 4410, n - 4410, 1, 1500, RATE, &snr_r);
        double hz_l = zero_crossing_hz(buf, 4410, n - 4410, 0, RATE);
        double hz_r = zero_crossing_hz(buf, 4410, n - 4410, 1, RATE);
        printf("# 48k stereo -> 44.1k: frames %lld (expected %lld), L %.2f Hz amp %.4f "
               "SNR %.1f dB, R %.2f Hz amp %.4f SNR %.1f dB\n",
               (long long)n, (long long)expected, hz_l, amp_l, snr_l, hz_r, amp_r, snr_r);
        assert_in_range(n, expected - 1, expected + 1);
        assert_true(fabs(hz_l - 1000) < 1 && fabs(hz_r - 1500) < 1);
        assert_true(fabs(amp_l - 0.5) < 0.01 && fabs(amp_r - 0.25) < 0.01);
        assert_true(snr_l > 40 && snr_r > 40);
        free(buf);
        free(path);
}

/* 5.1 in WAV order (L R C LFE Ls Rs): left gets L, C and Ls, right gets R,
 * C and Rs, the LFE is left out, nothing crosses sides. */
static void test_downmix_51(void **state)
{
        (void)state;
        struct tone tones[6] = {{300, 0.4}, {500, 0.4}, {700, 0.4},
                                {60, 0.4},  {900, 0.4}, {1100, 0.4}};
        char *path = write_tones("surround.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 6,
                                 RATE, tones);
        float *buf = NULL;
        int64_t n = read_all(path, RATE, &buf);
        assert_int_equal(n, RATE);
        double l[6], rr[6];
        for (int c = 0; c < 6; c++) {
                l[c] = fit_sine(buf, 0, n, 0, tones[c].hz, RATE, NULL);
                rr[c] = fit_sine(buf, 0, n, 1, tones[c].hz, RATE, NULL);
        }
        printf("# 5.1 downmix: left L %.3f C %.3f Ls %.3f R %.3f LFE %.3f; right R %.3f "
               "C %.3f Rs %.3f L %.3f\n",
               l[0], l[2], l[4], l[1], l[3], rr[1], rr[2], rr[5], rr[0]);
        /* gains 1, 0.707, 0.707 normalised by their sum 2.414 */
        assert_true(fabs(l[0] - 0.4 / 2.414) < 0.01);
        assert_true(fabs(l[2] - 0.4 * 0.7071 / 2.414) < 0.01);
        assert_true(fabs(l[4] - 0.4 * 0.7071 / 2.414) < 0.01);
        assert_true(l[1] < 0.005 && l[3] < 0.005 && l[5] < 0.005);
        assert_true(fabs(rr[1] - 0.4 / 2.414) < 0.01);
        assert_true(fabs(rr[5] - 0.4 * 0.7071 / 2.414) < 0.01);
        assert_true(rr[0] < 0.005 && rr[3] < 0.005 && rr[4] < 0.005);
        free(buf);
        free(path);

        /* ten channels have no standard layout: even ones left, odd ones right */
        struct tone ten[10];
        for (int c = 0; c < 10; c++)
                ten[c] = (struct tone){c == 4 ? 440 : c == 7 ? 660 : 0, 0.5};
        path =
            write_tones("ten.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 10, RATE, ten);
        n = read_all(path, RATE, &buf);
        double a_left = fit_sine(buf, 0, n, 0, 440, RATE, NULL);
        double b_right = fit_sine(buf, 0, n, 1, 660, RATE, NULL);
        double b_left = fit_sine(buf, 0, n, 0, 660, RATE, NULL);
        printf("# 10 channels: ch4 in left %.3f, ch7 in right %.3f, ch7 in left %.3f\n",
               a_left, b_right, b_left);
        assert_true(fabs(a_left - 0.1) < 0.005 && fabs(b_right - 0.1) < 0.005);
        assert_true(b_left < 0.001);
        free(buf);
        free(path);
}

/* Garbage, a text file named .mp3, an empty file, a missing file and a WAV
 * with a header but no samples all fail at open with a reason. */
static void test_bad_files(void **state)
{
        (void)state;
        unsigned char noise[8192];
        srand(42);
        for (size_t i = 0; i < sizeof noise; i++)
                noise[i] = (unsigned char)rand();
        const char *text = "This is not an MP3 file, just some words in a text file.\n"
                           "Ini bukan berkas audio.\n";
        char *paths[6];
        paths[0] = write_bytes("garbage.wav", noise, sizeof noise);
        paths[1] = write_bytes("words.mp3", text, strlen(text));
        paths[2] = write_bytes("empty.wav", "", 0);
        paths[3] = xasprintf("%s/does-not-exist.flac", tmpdir);
        paths[4] = write_bytes("garbage.ogg", noise, sizeof noise);
        paths[5] = write_sine("silent-header.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, RATE,
                              2, 0, 440, 0.5);
        for (int i = 0; i < 6; i++) {
                const char *why = NULL;
                struct media_reader *r = media_reader_open(paths[i], RATE, &why);
                printf("# %s: %s\n", strrchr(paths[i], '/') + 1, why ? why : "(opened!)");
                assert_null(r);
                assert_non_null(why);
                assert_true(strlen(why) > 5);

                char err[256] = "";
                struct media_info info;
                assert_int_equal(media_analyze(paths[i], RATE, &info, err, sizeof err),
                                 -1);
                assert_string_equal(err, why);
                free(paths[i]);
        }

        /* a WAV cut short: the header promises more than there is; what is
         * there plays, then the reader ends cleanly */
        char *whole = write_sine("whole.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, RATE, 2,
                                 RATE, 440, 0.5);
        char *cut = xasprintf("%s/cut.wav", tmpdir);
        assert_int_equal(truncate(whole, 44 + 4 * 1000), 0);
        assert_int_equal(rename(whole, cut), 0);
        float *buf = NULL;
        int64_t n = read_all(cut, RATE, &buf);
        assert_in_range(n, 1, 1000);
        free(buf);
        free(whole);
        free(cut);
}

/* Seeking lands on the right sample: exact without resampling, and within
 * the resampler's settling error with it. */
static void test_seek(void **state)
{
        (void)state;
        char *path = write_sine("seek.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 2,
                                3 * RATE, 441, 0.5);
        float *all = NULL;
        int64_t n = read_all(path, RATE, &all);
        assert_int_equal(n, 3 * RATE);
        const char *why = NULL;
        struct media_reader *r = media_reader_open(path, RATE, &why);
        assert_non_null(r);
        float part[2 * 1024];
        assert_int_equal(media_reader_read(r, part, 1024), 1024);
        assert_int_equal(media_reader_seek(r, 22050 + 7), 0);
        assert_int_equal(media_reader_read(r, part, 1024), 1024);
        assert_memory_equal(part, all + 2 * (22050 + 7), sizeof part);
        media_reader_free(r);
        free(all);
        free(path);

        path = write_sine("seek48.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000, 2,
                          3 * 48000, 441, 0.5);
        n = read_all(path, RATE, &all);
        r = media_reader_open(path, RATE, &why);
        assert_non_null(r);
        assert_int_equal(media_reader_read(r, part, 1024), 1024);
        assert_int_equal(media_reader_seek(r, RATE), 0);
        int64_t after = 0;
        double worst = 0;
        float *seg = xmalloc(2 * 8192 * sizeof *seg);
        while (after < 8192) {
                long got = media_reader_read(r, seg + 2 * after, (size_t)(8192 - after));
                assert_true(got > 0);
                after += got;
        }
        /* skip the filter's settling at the restart, then compare */
        for (int64_t i = 2048; i < 8192; i++)
                worst = fmax(worst, fabs(seg[2 * i] - all[2 * (RATE + i)]));
        printf("# seek with resampling: max error %.2g after settling\n", worst);
        assert_true(worst < 1e-3);
        /* reading to the end after a seek ends at the same length */
        int64_t total = RATE + after;
        long got;
        while ((got = media_reader_read(r, seg, 8192)) > 0)
                total += got;
        assert_int_equal(got, 0);
        assert_int_equal(total, n);
        free(seg);
        media_reader_free(r);
        free(all);
        free(path);

        /* the compressed formats seek too (cue-in points need it) */
        const char *lossy[] = {"sine.ogg", "sine.opus", "sine.mp3", "sine.flac",
                               "sine.m4a", "sine.webm", "sine.mp4", "sine.3gp"};
        for (size_t k = 0; k < sizeof lossy / sizeof *lossy; k++) {
                path = xasprintf("%s/%s", tmpdir, lossy[k]);
                if (access(path, R_OK) != 0) {
                        free(path);
                        continue;
                }
                n = read_all(path, RATE, &all);
                r = media_reader_open(path, RATE, &why);
                assert_non_null(r);
                assert_int_equal(media_reader_seek(r, RATE / 2 + 11), 0);
                float block[2 * 4096];
                int64_t have = 0;
                while (have < 4096) {
                        long g =
                            media_reader_read(r, block + 2 * have, (size_t)(4096 - have));
                        assert_true(g > 0);
                        have += g;
                }
                worst = 0;
                for (int64_t i = 2048; i < 4096; i++)
                        worst = fmax(worst,
                                     fabs(block[2 * i] - all[2 * (RATE / 2 + 11 + i)]));
                printf("# seek in %s: max difference to a linear read %.2g\n", lossy[k],
                       worst);
                assert_true(worst < 0.02);
                media_reader_free(r);
                free(all);
                free(path);
        }
}

/* Tags come through; the analysis falls back to the file name. */
static void test_tags(void **state)
{
        (void)state;
        char *path = xasprintf("%s/tagged.wav", tmpdir);
        SF_INFO info = {.samplerate = RATE,
                        .channels = 2,
                        .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
        SNDFILE *f = sf_open(path, SFM_WRITE, &info);
        assert_non_null(f);
        sf_set_string(f, SF_STR_TITLE, "Lagu Pagi");
        sf_set_string(f, SF_STR_ARTIST, "Band Lebak");
        short block[2 * 4410] = {0};
        for (int i = 0; i < 4410; i++)
                block[2 * i] = block[2 * i + 1] = (short)(8000 * sin(i * 0.1));
        sf_writef_short(f, block, 4410);
        sf_close(f);
        const char *why = NULL;
        struct media_reader *r = media_reader_open(path, RATE, &why);
        assert_non_null(r);
        assert_string_equal(media_reader_title(r), "Lagu Pagi");
        assert_string_equal(media_reader_artist(r), "Band Lebak");
        assert_int_equal(media_reader_source_rate(r), RATE);
        assert_int_equal(media_reader_source_channels(r), 2);
        media_reader_free(r);
        free(path);

        if (!have_ffmpeg())
                fail_msg("ffmpeg is not installed ('make deps' installs it)");
        if (have_ffmpeg()) {
                char *src = write_sine("plain.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16,
                                       RATE, 2, RATE, 440, 0.3);
                const char *formats[][2] = {{"tagged.mp3", "-c:a libmp3lame"},
                                            {"tagged.opus", "-c:a libopus"},
                                            {"tagged.flac", "-c:a flac"},
                                            {"tagged.ogg", "-c:a libvorbis"}};
                for (size_t i = 0; i < 4; i++) {
                        char *args = xasprintf("%s -metadata title='Suara Warga' "
                                               "-metadata artist='Radio Uji'",
                                               formats[i][1]);
                        char *p = ffmpeg_convert(src, formats[i][0], args);
                        r = media_reader_open(p, RATE, &why);
                        assert_non_null(r);
                        printf("# %s: title '%s', artist '%s'\n", formats[i][0],
                               media_reader_title(r) ? media_reader_title(r) : "(none)",
                               media_reader_artist(r) ? media_reader_artist(r)
                                                      : "(none)");
                        assert_non_null(media_reader_title(r));
                        assert_string_equal(media_reader_title(r), "Suara Warga");
                        assert_string_equal(media_reader_artist(r), "Radio Uji");
                        media_reader_free(r);
                        free(p);
                        free(args);
                }
                free(src);
        }

        path = write_sine("Untagged Song.v2.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16,
                          RATE, 1, RATE, 440, 0.3);
        struct media_info mi;
        char err[256];
        assert_int_equal(media_analyze(path, RATE, &mi, err, sizeof err), 0);
        assert_string_equal(mi.title, "Untagged Song.v2");
        assert_string_equal(mi.artist, "");
        media_info_clear(&mi);
        free(path);
}

/* ---- analysis ------------------------------------------------------------ */

/* A 1 kHz sine at -20 dBFS peak on both channels.  BS.1770 calibrates the
 * K-weighting so a 0 dBFS 1 kHz sine on one channel reads -3.01 LUFS; the
 * mean square of a sine of peak A is A^2/2, so each channel contributes
 * 10 log10(0.01 / 2) = -23.01 dB and two channels add 3.01 dB: -20.0 LUFS.
 * (One channel alone would read -23.0 LUFS.)  True peak equals the peak,
 * -20 dBTP. */
static void test_analyze_loudness(void **state)
{
        (void)state;
        double amp = pow(10, -20 / 20.0);
        char *path = write_sine("minus20.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 2,
                                10 * RATE, 1000, amp);
        struct media_info info;
        char err[256];
        assert_int_equal(media_analyze(path, RATE, &info, err, sizeof err), 0);
        printf("# -20 dBFS stereo 1 kHz: %.3f LUFS, %.3f dBTP, %lld frames, %.3f s\n",
               info.loudness, info.true_peak, (long long)info.frames, info.duration);
        assert_true(fabs(info.loudness - -20.0) < 0.2);
        assert_true(fabs(info.true_peak - -20.0) < 0.2);
        assert_int_equal(info.frames, 10 * RATE);
        assert_int_equal(info.rate, RATE);
        assert_true(fabs(info.duration - 10.0) < 1e-9);
        media_info_clear(&info);
        free(path);

        /* the same tone on the left only reads 3 dB lower */
        struct tone left_only[2] = {{1000, amp}, {0, 0}};
        path = write_tones("left20.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 2,
                           10 * RATE, left_only);
        assert_int_equal(media_analyze(path, RATE, &info, err, sizeof err), 0);
        printf("# -20 dBFS left only: %.3f LUFS\n", info.loudness);
        assert_true(fabs(info.loudness - -23.0) < 0.2);
        media_info_clear(&info);
        free(path);

        /* a 250 ms jingle is shorter than one gating block: measured over its
         * whole length instead of reading as silence */
        path = write_sine("short.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, RATE, 2, RATE / 4,
                          1000, amp);
        assert_int_equal(media_analyze(path, RATE, &info, err, sizeof err), 0);
        printf("# -20 dBFS stereo, 250 ms: %.3f LUFS\n", info.loudness);
        assert_true(fabs(info.loudness - -20.0) < 0.5);
        media_info_clear(&info);
        free(path);

        /* silence throughout: the floor, and the whole file kept */
        path = write_sine("silence.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, RATE, 2, RATE,
                          0, 0);
        assert_int_equal(media_analyze(path, RATE, &info, err, sizeof err), 0);
        assert_true(info.loudness <= -70.0);
        assert_int_equal(info.cue_in, 0);
        assert_int_equal(info.cue_out, RATE);
        media_info_clear(&info);
        free(path);
}

/* 1 s of silence, 2 s of tone, 1.5 s of silence: the cue points bracket the
 * tone, at 44.1 kHz and scaled at 48 kHz. */
static void test_analyze_cues(void **state)
{
        (void)state;
        int64_t lead = RATE, body = 2 * RATE, tail = RATE * 3 / 2;
        int64_t total = lead + body + tail;
        float *buf = xcalloc((size_t)(2 * total), sizeof *buf);
        for (int64_t i = 0; i < body; i++)
                buf[2 * (lead + i)] = buf[2 * (lead + i) + 1] =
                    (float)(0.5 * cos(2 * M_PI * 500 * (double)i / RATE));
        /* a faint hum below the threshold (-70 dBFS) must not count as sound */
        for (int64_t i = 0; i < total; i++)
                buf[2 * i] += (float)(0.0003 * sin(2 * M_PI * 50 * (double)i / RATE));
        char *path = xasprintf("%s/cues.wav", tmpdir);
        SF_INFO sfi = {
            .samplerate = RATE, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
        SNDFILE *f = sf_open(path, SFM_WRITE, &sfi);
        assert_non_null(f);
        assert_int_equal(sf_writef_float(f, buf, total), total);
        sf_close(f);
        free(buf);

        struct media_info info;
        char err[256];
        assert_int_equal(media_analyze(path, RATE, &info, err, sizeof err), 0);
        printf("# cues at 44.1k: in %lld (tone starts %lld), out %lld (tone ends %lld)\n",
               (long long)info.cue_in, (long long)lead, (long long)info.cue_out,
               (long long)(lead + body));
        assert_in_range(info.cue_in, lead, lead + 2);
        assert_in_range(info.cue_out, lead + body - 2, lead + body);
        assert_int_equal(info.frames, total);
        media_info_clear(&info);

        assert_int_equal(media_analyze(path, 48000, &info, err, sizeof err), 0);
        printf("# cues at 48k: in %lld (expected ~%d), out %lld (expected ~%d), frames "
               "%lld\n",
               (long long)info.cue_in, 48000, (long long)info.cue_out, 3 * 48000,
               (long long)info.frames);
        assert_in_range(info.cue_in, 48000 - 40, 48000 + 40);
        assert_in_range(info.cue_out, 3 * 48000 - 40, 3 * 48000 + 40);
        assert_int_equal(info.frames, llround(total * 48000.0 / RATE));
        media_info_clear(&info);
        free(path);
}

/* A tone that starts and ends on a zero crossing has no silence to cut: its
 * cue points stay at the file's ends, at either rate. */
static void test_analyze_zero_crossing_is_not_silence(void **state)
{
        (void)state;
        /* 2 s of 1 kHz from phase 0, plus the next sample (0 again) */
        char *path = write_sine("zero-crossing.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT,
                                RATE, 2, 2 * RATE + 1, 1000, 0.5);
        int rates[] = {RATE, 48000};
        for (size_t k = 0; k < 2; k++) {
                struct media_info info;
                char err[256];
                assert_int_equal(media_analyze(path, rates[k], &info, err, sizeof err),
                                 0);
                printf("# zero-crossing tone at %d Hz: cue %lld..%lld of %lld frames\n",
                       rates[k], (long long)info.cue_in, (long long)info.cue_out,
                       (long long)info.frames);
                assert_int_equal(info.cue_in, 0);
                assert_int_equal(info.cue_out, info.frames);
                media_info_clear(&info);
        }
        free(path);
}

/* ---- store ------------------------------------------------------------------ */

static int count_files(const char *dir)
{
        char *cmd = xasprintf("ls -A '%s' | wc -l", dir);
        FILE *p = popen(cmd, "r");
        int n = -1;
        if (p) {
                if (fscanf(p, "%d", &n) != 1)
                        n = -1;
                pclose(p);
        }
        free(cmd);
        return n;
}

/* The SHA-256 of a file as the sha256sum tool computes it. */
static void sha256sum(const char *path, char hex[65])
{
        char *cmd = xasprintf("sha256sum '%s'", path);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        assert_int_equal(fscanf(p, "%64s", hex), 1);
        pclose(p);
        free(cmd);
}

static void test_store(void **state)
{
        (void)state;
        char *store = xasprintf("%s/store/nested/media", tmpdir);
        char *a = write_sine("Song A.WAV", SF_FORMAT_WAV | SF_FORMAT_PCM_16, RATE, 2,
                             1000, 440, 0.5);
        char *b = xasprintf("%s/copy of a.wav", tmpdir);
        char *cmd = xasprintf("cp '%s' '%s'", a, b);
        assert_int_equal(system(cmd), 0);
        free(cmd);
        char err[256] = "";
        char hex[65];
        sha256sum(a, hex);

        char *first = media_store_add(store, a, err, sizeof err);
        if (!first)
                fail_msg("store_add: %s", err);
        char *expected = xasprintf("%s/%s.wav", store, hex);
        assert_string_equal(first, expected);
        char *second = media_store_add(store, b, err, sizeof err);
        assert_non_null(second);
        assert_string_equal(second, first);
        assert_int_equal(count_files(store), 1); /* no temporary file left behind */
        cmd = xasprintf("cmp -s '%s' '%s'", a, first ? first : "");
        assert_int_equal(system(cmd), 0);
        free(cmd);
        struct stat st;
        assert_int_equal(stat(first, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0640); /* the group may read, nobody else */

        /* different content, a different name; an unsafe extension is not kept:
         * audio gets the extension of its detected format, the rest "bin" */
        char *c = write_sine("evil.sh", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, RATE, 2, 1000,
                             550, 0.5);
        char *third = media_store_add(store, c, err, sizeof err);
        assert_non_null(third);
        assert_string_not_equal(third, first);
        assert_non_null(strstr(third, ".flac"));
        assert_int_equal(strlen(strrchr(third, '/') + 1), 64 + 5);
        char *d = write_bytes("notes.PHP", "<?php echo 1; ?>", 16);
        char *fourth = media_store_add(store, d, err, sizeof err);
        assert_non_null(fourth);
        sha256sum(d, hex);
        char *expected_bin = xasprintf("%s/%s.bin", store, hex);
        assert_string_equal(fourth, expected_bin);
        assert_int_equal(count_files(store), 3);

        char *missing = xasprintf("%s/no-such-file.wav", tmpdir);
        assert_null(media_store_add(store, missing, err, sizeof err));
        printf("# store: missing source: %s\n", err);
        assert_true(strlen(err) > 0);
        assert_int_equal(count_files(store), 3);

        free(first), free(second), free(third), free(fourth), free(expected);
        free(expected_bin), free(missing);
        free(a), free(b), free(c), free(d), free(store);
}

/* ---- playlists ------------------------------------------------------------ */

static void test_playlist(void **state)
{
        (void)state;
        char *dir = xasprintf("%s/lists", tmpdir);
        assert_int_equal(make_dirs(dir, 0755), 0);
        const char *text = "\xEF\xBB\xBF#EXTM3U\r\n"
                           "#EXTINF:215,Iwan Fals - Bento\r\n"
                           "music/bento.mp3\r\n"
                           "\r\n"
                           "# a comment\r\n"
                           "/srv/audio/jingle.wav\r\n"
                           "#EXTINF:30,Station ID\r\n"
                           "http://example.invalid/stream.mp3\r\n"
                           "file:///srv/audio/with%20space.flac\n"
                           "#EXTINF:-1 tvg-id=\"a,b\",Kelompok - Lagu, dengan koma\n"
                           "   ../shared/psa.ogg   \n"
                           "file://otherhost/x.wav\n"
                           "last.opus";
        char *path = write_bytes("lists/fallback.m3u8", text, strlen(text));
        char err[256] = "";
        struct media_playlist *pl = media_playlist_load(path, err, sizeof err);
        assert_non_null(pl);
        for (size_t i = 0; i < pl->count; i++)
                printf("# entry %zu: %s | %s | %s\n", i, pl->entries[i].path,
                       pl->entries[i].artist ? pl->entries[i].artist : "-",
                       pl->entries[i].title ? pl->entries[i].title : "-");
        assert_int_equal(pl->count, 5);
        char *p0 = xasprintf("%s/music/bento.mp3", dir);
        assert_string_equal(pl->entries[0].path, p0);
        assert_string_equal(pl->entries[0].artist, "Iwan Fals");
        assert_string_equal(pl->entries[0].title, "Bento");
        assert_string_equal(pl->entries[1].path, "/srv/audio/jingle.wav");
        assert_null(pl->entries[1].title);
        assert_null(pl->entries[1].artist);
        /* the EXTINF before the skipped http line does not leak onto the next */
        assert_string_equal(pl->entries[2].path, "/srv/audio/with space.flac");
        assert_null(pl->entries[2].title);
        char *p3 = xasprintf("%s/../shared/psa.ogg", dir);
        assert_string_equal(pl->entries[3].path, p3);
        assert_string_equal(pl->entries[3].artist, "Kelompok");
        assert_string_equal(pl->entries[3].title, "Lagu, dengan koma");
        char *p4 = xasprintf("%s/last.opus", dir);
        assert_string_equal(pl->entries[4].path, p4);
        media_playlist_free(pl);

        /* a relative playlist path still yields absolute entries */
        char cwd[4096];
        assert_non_null(getcwd(cwd, sizeof cwd));
        assert_int_equal(chdir(tmpdir), 0);
        pl = media_playlist_load("lists/fallback.m3u8", err, sizeof err);
        assert_int_equal(chdir(cwd), 0);
        assert_non_null(pl);
        assert_int_equal(pl->count, 5);
        assert_string_equal(pl->entries[0].path, p0);
        media_playlist_free(pl);

        /* an empty playlist is a playlist with nothing in it */
        char *empty = write_bytes("lists/empty.m3u", "#EXTM3U\n\n", 9);
        pl = media_playlist_load(empty, err, sizeof err);
        assert_non_null(pl);
        assert_int_equal(pl->count, 0);
        media_playlist_free(pl);

        char *missing = xasprintf("%s/none.m3u", dir);
        assert_null(media_playlist_load(missing, err, sizeof err));
        assert_non_null(strstr(err, "none.m3u"));
        media_playlist_free(NULL);

        free(p0), free(p3), free(p4), free(path), free(dir), free(empty), free(missing);
}

/* ---- text-to-speech ------------------------------------------------------- */

static void test_tts(void **state)
{
        (void)state;
        char *path = xasprintf("%s/psa.wav", tmpdir);
        char err[256] = "";
        const char *text =
            "Laporkan keluhan pelayanan publik melalui lapor titik go titik "
            "id atau SMS 1708.";
        if (media_tts_to_wav(text, "id", path, err, sizeof err) < 0)
                fail_msg("tts: %s", err);
        SF_INFO info = {0};
        SNDFILE *f = sf_open(path, SFM_READ, &info);
        assert_non_null(f);
        assert_int_equal(info.channels, 1);
        assert_int_equal(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
        short *samples = xmalloc((size_t)info.frames * sizeof *samples);
        assert_int_equal(sf_readf_short(f, samples, info.frames), info.frames);
        sf_close(f);
        double energy = 0;
        int64_t voiced_blocks = 0, blocks = 0;
        int block = info.samplerate / 50; /* 20 ms */
        for (int64_t start = 0; start + block <= info.frames; start += block) {
                double e = 0;
                for (int i = 0; i < block; i++) {
                        double x = samples[start + i] / 32768.0;
                        e += x * x;
                }
                energy += e;
                if (sqrt(e / block) > 0.01)
                        voiced_blocks++;
                blocks++;
        }
        double rms = sqrt(energy / (double)info.frames);
        printf("# tts: %d Hz, %.2f s, RMS %.4f, %lld of %lld 20-ms blocks voiced\n",
               info.samplerate, (double)info.frames / info.samplerate, rms,
               (long long)voiced_blocks, (long long)blocks);
        assert_true(info.frames > info.samplerate * 2); /* that sentence takes seconds */
        assert_true(rms > 0.02);
        assert_true(voiced_blocks > blocks / 3);
        free(samples);

        /* and the reader plays it like any other file */
        float *buf = NULL;
        int64_t n = read_all(path, RATE, &buf);
        assert_in_range(n, llround((double)info.frames * RATE / info.samplerate) - 1,
                        llround((double)info.frames * RATE / info.samplerate) + 1);
        free(buf);

        assert_int_equal(media_tts_to_wav("   ", "id", path, err, sizeof err), -1);
        printf("# tts blank text: %s\n", err);
        assert_int_equal(
            media_tts_to_wav("Halo", "no-such-voice-xx", path, err, sizeof err), -1);
        printf("# tts unknown voice: %s\n", err);
        assert_non_null(strstr(err, "no-such-voice-xx"));
        /* the engine still works after a failed call */
        assert_int_equal(media_tts_to_wav("Selamat pagi", "id", path, err, sizeof err),
                         0);
        free(path);
}

/* ---- cost on the audio path ------------------------------------------------ */

/* Not a benchmark, a tripwire: decoding plus resampling must run far faster
 * than real time in 1024-frame reads. */
static void test_read_speed(void **state)
{
        (void)state;
        char *path = write_sine("speed.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 2,
                                60 * 48000, 440, 0.5);
        const char *why = NULL;
        struct media_reader *r = media_reader_open(path, RATE, &why);
        assert_non_null(r);
        float buf[2 * 1024];
        struct timespec t0, t1;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        int64_t total = 0;
        long got;
        while ((got = media_reader_read(r, buf, 1024)) > 0)
                total += got;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
        media_reader_free(r);
        double cpu =
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("# 60 s FLAC 48k -> 44.1k: %.3f s CPU, %.0fx real time\n", cpu,
               60.0 / cpu);
        assert_int_equal(total, 60 * RATE);
        assert_true(cpu < 6.0);
        free(path);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_decode_wav),
            cmocka_unit_test(test_decode_flac),
            cmocka_unit_test(test_decode_vorbis),
            cmocka_unit_test(test_decode_opus),
            cmocka_unit_test(test_decode_mp3),
            cmocka_unit_test(test_decode_m4a),
            cmocka_unit_test(test_decode_webm_opus),
            cmocka_unit_test(test_decode_mp4_video),
            cmocka_unit_test(test_decode_3gp),
            cmocka_unit_test(test_decode_amr),
            cmocka_unit_test(test_phone_files_damaged),
            cmocka_unit_test(test_phone_tags_and_store),
            cmocka_unit_test(test_phone_seek_far),
            cmocka_unit_test(test_resample_8k_mono),
            cmocka_unit_test(test_resample_48k_stereo),
            cmocka_unit_test(test_downmix_51),
            cmocka_unit_test(test_bad_files),
            cmocka_unit_test(test_seek),
            cmocka_unit_test(test_tags),
            cmocka_unit_test(test_analyze_loudness),
            cmocka_unit_test(test_analyze_cues),
            cmocka_unit_test(test_analyze_zero_crossing_is_not_silence),
            cmocka_unit_test(test_store),
            cmocka_unit_test(test_playlist),
            cmocka_unit_test(test_tts),
            cmocka_unit_test(test_read_speed),
        };
        return cmocka_run_group_tests_name("media", tests, setup, teardown);
}
