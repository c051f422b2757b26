/* mkdemo: synthesizes the demo station's music into tagged FLAC files.
 *
 *   build/tools/mkdemo [-n COUNT] [-s SECONDS] OUTDIR
 *
 * Each piece is a small arrangement rendered note by note: a chord pad
 * (additive partials, detuned left/right), a bass line, a melody on an FM
 * voice (or a metallophone for the pelog/slendro pieces) with a ping-pong
 * delay, and drums made from a pitch-swept sine (kick) and noise bursts
 * (snare, hats).  Keys, scales, tempos and grooves differ per piece.
 * Everything is seeded, so the same command writes the same samples; the
 * benchmark relies on that (-n 10 -s 180 is its fixed workload). */
#define LOG_MODULE "mkdemo"
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"

#define RATE 44100
#define TWO_PI 6.283185307179586

enum scale_kind { SCALE_MAJOR, SCALE_MINOR, SCALE_PELOG, SCALE_SLENDRO, SCALE_DORIAN };
enum groove { GROOVE_FOUR, GROOVE_BACKBEAT, GROOVE_DANGDUT, GROOVE_BALLAD };
enum lead_voice { LEAD_FM, LEAD_BELL };

struct piece {
        const char *title;
        const char *artist;
        int root_midi; /* tonic of the key */
        enum scale_kind scale;
        double bpm;
        enum groove groove;
        enum lead_voice lead;
        double seconds;
        int progression[4]; /* scale degrees of the four chords */
};

static const struct piece pieces[] = {
    {"Senja di Rangkasbitung",
     "Orkes Multatuli",
     57,
     SCALE_MINOR,
     92,
     GROOVE_BACKBEAT,
     LEAD_FM,
     96,
     {0, 5, 2, 6}},
    {"Angin Sungai Ciujung",
     "Kelompok Baduy Muda",
     62,
     SCALE_PELOG,
     76,
     GROOVE_BALLAD,
     LEAD_BELL,
     84,
     {0, 3, 1, 4}},
    {"Pasar Pagi Lebak",
     "Dangdut Sawarna",
     55,
     SCALE_MINOR,
     132,
     GROOVE_DANGDUT,
     LEAD_FM,
     78,
     {0, 3, 4, 0}},
    {"Lampu Kota Serang",
     "Sinar Banten Ensemble",
     60,
     SCALE_MAJOR,
     118,
     GROOVE_FOUR,
     LEAD_FM,
     110,
     {0, 4, 5, 3}},
    {"Hujan di Malingping",
     "Trio Cibeber",
     64,
     SCALE_DORIAN,
     84,
     GROOVE_BACKBEAT,
     LEAD_FM,
     70,
     {0, 3, 0, 4}},
    {"Tembang Gunung Halimun",
     "Gamelan Kasepuhan",
     58,
     SCALE_SLENDRO,
     70,
     GROOVE_BALLAD,
     LEAD_BELL,
     102,
     {0, 2, 3, 1}},
    {"Jalan Raya Pos",
     "Saidjah dan Adinda",
     53,
     SCALE_MAJOR,
     104,
     GROOVE_BACKBEAT,
     LEAD_FM,
     90,
     {0, 5, 3, 4}},
    {"Kopi Tubruk Tengah Malam",
     "Orkes Multatuli",
     50,
     SCALE_MINOR,
     96,
     GROOVE_FOUR,
     LEAD_FM,
     66,
     {0, 6, 5, 4}},
    {"Ombak Pantai Bagedur",
     "Kelompok Baduy Muda",
     61,
     SCALE_PELOG,
     112,
     GROOVE_DANGDUT,
     LEAD_BELL,
     88,
     {0, 2, 3, 0}},
    {"Nyanyian Sawah",
     "Sinar Banten Ensemble",
     59,
     SCALE_DORIAN,
     124,
     GROOVE_FOUR,
     LEAD_FM,
     76,
     {0, 1, 3, 4}},
};

#define N_PIECES (sizeof pieces / sizeof pieces[0])

/* ---- pitch ------------------------------------------------------------------- */

/* Scale steps in cents from the tonic.  Pelog (selisir) is approximated in
 * 12-TET; slendro uses its nominal five equal steps of 240 cents, which is
 * what gives those two pieces their non-western colour. */
static int scale_cents(enum scale_kind scale, int degree_in_octave)
{
        static const int major[] = {0, 200, 400, 500, 700, 900, 1100};
        static const int minor[] = {0, 200, 300, 500, 700, 800, 1000};
        static const int dorian[] = {0, 200, 300, 500, 700, 900, 1000};
        static const int pelog[] = {0, 100, 300, 700, 800};
        static const int slendro[] = {0, 240, 480, 720, 960};
        switch (scale) {
        case SCALE_MAJOR:
                return major[degree_in_octave];
        case SCALE_MINOR:
                return minor[degree_in_octave];
        case SCALE_DORIAN:
                return dorian[degree_in_octave];
        case SCALE_PELOG:
                return pelog[degree_in_octave];
        case SCALE_SLENDRO:
                return slendro[degree_in_octave];
        }
        return 0;
}

static int scale_size(enum scale_kind scale)
{
        return scale == SCALE_PELOG || scale == SCALE_SLENDRO ? 5 : 7;
}

/* Frequency of a scale degree (any integer; wraps into octaves). */
static double degree_hz(const struct piece *p, int degree)
{
        int n = scale_size(p->scale);
        int octave = degree >= 0 ? degree / n : -((-degree + n - 1) / n);
        int in_octave = degree - octave * n;
        double cents = octave * 1200.0 + scale_cents(p->scale, in_octave);
        return 440.0 * pow(2.0, (p->root_midi - 69) / 12.0 + cents / 1200.0);
}

/* ---- randomness: xorshift64*, seeded per piece --------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, 1). */
static double rng_unit(void)
{
        return (double)(rng_next() >> 11) / 9007199254740992.0;
}

static int rng_below(int n)
{
        return (int)(rng_unit() * n);
}

/* ---- wavetables: one cycle of each timbre, read with linear interpolation ------ */

#define TABLE_SIZE 4096
struct wavetable {
        float v[TABLE_SIZE + 1];
};
static struct wavetable sine_wave, pad_wave, bass_wave;

/* Fills a table with partials 1..n of amplitudes amps[]. */
static void wavetable_fill(struct wavetable *w, const double *amps, int n)
{
        for (int i = 0; i <= TABLE_SIZE; i++) {
                double v = 0;
                for (int k = 1; k <= n; k++)
                        v += amps[k - 1] * sin(TWO_PI * k * i / TABLE_SIZE);
                w->v[i] = (float)v;
        }
}

static void wavetables_init(void)
{
        static const double one[] = {1.0};
        static const double pad[] = {1.0, 0.34, 0.15, 0.085, 0.055, 0.038};
        static const double bass[] = {1.0, 0.35};
        wavetable_fill(&sine_wave, one, 1);
        wavetable_fill(&pad_wave, pad, 6);
        wavetable_fill(&bass_wave, bass, 2);
}

/* The table's value at a phase in cycles (any real number). */
static inline double wave_at(const struct wavetable *w, double cycles)
{
        double x = (cycles - (double)(long)cycles) * TABLE_SIZE;
        if (x < 0)
                x += TABLE_SIZE;
        int i = (int)x;
        double frac = x - i;
        return w->v[i] + frac * (w->v[i + 1] - w->v[i]);
}

static inline double sine(double cycles)
{
        return wave_at(&sine_wave, cycles);
}

/* Advances a phase accumulator by inc cycles, kept in [0, 1). */
static inline double phase_step(double phase, double inc)
{
        phase += inc;
        return phase >= 1.0 ? phase - 1.0 : phase;
}

/* ---- the mix ------------------------------------------------------------------- */

struct bus {
        float *left, *right;
        size_t frames;
};

static void bus_init(struct bus *b, size_t frames)
{
        b->frames = frames;
        b->left = xcalloc(frames, sizeof *b->left);
        b->right = xcalloc(frames, sizeof *b->right);
}

static void bus_free(struct bus *b)
{
        free(b->left);
        free(b->right);
}

/* Attack/decay/sustain/release envelope at time t of a note held for hold s. */
static double envelope(double t, double hold, double attack, double decay, double sustain,
                       double release)
{
        double level;
        if (t < attack)
                level = t / attack;
        else if (t < attack + decay)
                level = 1.0 - (1.0 - sustain) * (t - attack) / decay;
        else
                level = sustain;
        if (t > hold) {
                double r = 1.0 - (t - hold) / release;
                level *= r > 0 ? r : 0;
        }
        return level;
}

/* Pan law: equal power, pan -1 (left) .. 1 (right). */
static void pan_gains(double pan, double gain, double *l, double *r)
{
        double angle = (pan + 1.0) * TWO_PI / 8.0;
        *l = gain * cos(angle);
        *r = gain * sin(angle);
}

/* A chord-pad note: six partials with falling amplitudes, one copy detuned
 * a few cents up on the right and down on the left for width. */
static void add_pad(struct bus *b, double start, double hold, double hz, double gain)
{
        const double release = 0.8;
        size_t first = (size_t)(start * RATE);
        size_t count = (size_t)((hold + release) * RATE);
        double detune = pow(2.0, 4.0 / 1200.0);
        double inc_l = hz / detune / RATE, inc_r = hz * detune / RATE;
        double phase_l = 0, phase_r = 0.25;
        for (size_t i = 0; i < count && first + i < b->frames; i++) {
                double t = (double)i / RATE;
                double env = envelope(t, hold, 0.35, 0.6, 0.7, release) * gain;
                b->left[first + i] += (float)(wave_at(&pad_wave, phase_l) * env);
                b->right[first + i] += (float)(wave_at(&pad_wave, phase_r) * env);
                phase_l = phase_step(phase_l, inc_l);
                phase_r = phase_step(phase_r, inc_r);
        }
}

/* A bass note: fundamental plus octave, gently saturated, plucked envelope. */
static void add_bass(struct bus *b, double start, double hold, double hz, double gain)
{
        const double release = 0.08;
        size_t first = (size_t)(start * RATE);
        size_t count = (size_t)((hold + release) * RATE);
        double phase = 0;
        for (size_t i = 0; i < count && first + i < b->frames; i++) {
                double t = (double)i / RATE;
                double env = envelope(t, hold, 0.005, 0.25, 0.55, release);
                float v = (float)(tanh(1.6 * wave_at(&bass_wave, phase)) * env * gain);
                b->left[first + i] += v;
                b->right[first + i] += v;
                phase = phase_step(phase, hz / RATE);
        }
}

/* A melody note on a two-operator FM voice.  The modulation index follows the
 * envelope, so notes start bright and mellow as they fade.  LEAD_BELL uses an
 * inharmonic ratio and a long decay, a metallophone (saron-like) sound. */
static void add_lead(struct bus *b, enum lead_voice voice, double start, double hold,
                     double hz, double gain, double pan)
{
        double ratio = voice == LEAD_BELL ? 3.5 : 2.0;
        double index = voice == LEAD_BELL ? 2.2 : 1.4;
        double release = voice == LEAD_BELL ? 1.2 : 0.15;
        double decay = voice == LEAD_BELL ? 0.9 : 0.3;
        double sustain = voice == LEAD_BELL ? 0.0 : 0.6;
        double gl, gr;
        pan_gains(pan, gain, &gl, &gr);
        size_t first = (size_t)(start * RATE);
        size_t count = (size_t)((hold + release) * RATE);
        for (size_t i = 0; i < count && first + i < b->frames; i++) {
                double t = (double)i / RATE;
                double env = envelope(t, hold, 0.008, decay, sustain, release);
                double mod = index * env * sine(hz * ratio * t);
                double s = sine(hz * t + mod / TWO_PI) * env;
                /* a soft vibrato that sets in on long notes */
                if (voice == LEAD_FM && t > 0.25)
                        s *= 1.0 + 0.03 * sine(5.5 * t);
                b->left[first + i] += (float)(s * gl);
                b->right[first + i] += (float)(s * gr);
        }
}

/* Kick: a sine falling from 130 Hz to 45 Hz with a fast decay. */
static void add_kick(struct bus *b, double start, double gain)
{
        size_t first = (size_t)(start * RATE);
        size_t count = (size_t)(0.35 * RATE);
        double phase = 0;
        for (size_t i = 0; i < count && first + i < b->frames; i++) {
                double t = (double)i / RATE;
                double hz = 45.0 + 85.0 * exp(-t * 30.0);
                phase += TWO_PI * hz / RATE;
                float v = (float)(sin(phase) * exp(-t * 9.0) * gain);
                b->left[first + i] += v;
                b->right[first + i] += v;
        }
}

/* Noise burst through a one-pole high-pass: hats (short, bright) and the
 * snare (longer, with a 190 Hz body).  Also the kendang-like "tak" when
 * tone_hz is set high. */
static void add_noise_hit(struct bus *b, double start, double length, double decay_rate,
                          double highpass, double tone_hz, double gain, double pan)
{
        double gl, gr;
        pan_gains(pan, gain, &gl, &gr);
        size_t first = (size_t)(start * RATE);
        size_t count = (size_t)(length * RATE);
        double a = highpass; /* one-pole high-pass coefficient */
        double prev_in = 0, prev_out = 0;
        for (size_t i = 0; i < count && first + i < b->frames; i++) {
                double t = (double)i / RATE;
                double noise = rng_unit() * 2.0 - 1.0;
                double hp = a * (prev_out + noise - prev_in);
                prev_in = noise;
                prev_out = hp;
                double s = hp * exp(-t * decay_rate);
                if (tone_hz > 0)
                        s += 0.6 * sin(TWO_PI * tone_hz * t) * exp(-t * 25.0);
                b->left[first + i] += (float)(s * gl);
                b->right[first + i] += (float)(s * gr);
        }
}

/* Kendang "dut": a low drum with a quick upward pitch bend, the other half
 * of the dangdut groove. */
static void add_dut(struct bus *b, double start, double gain)
{
        size_t first = (size_t)(start * RATE);
        size_t count = (size_t)(0.3 * RATE);
        double phase = 0;
        for (size_t i = 0; i < count && first + i < b->frames; i++) {
                double t = (double)i / RATE;
                double hz = 95.0 + 40.0 * (1.0 - exp(-t * 20.0));
                phase += TWO_PI * hz / RATE;
                float v = (float)(sin(phase) * exp(-t * 11.0) * gain);
                b->left[first + i] += v;
                b->right[first + i] += v;
        }
}

/* Ping-pong delay: the source (summed to mono) enters the left line, whose
 * output feeds the right line, whose output feeds back into the left; the dry
 * source and both echo lines are added to the mix. */
static void add_delay(struct bus *mix, const struct bus *src, double delay_s,
                      double feedback, double wet)
{
        size_t d = (size_t)(delay_s * RATE);
        float *line_l = xcalloc(mix->frames, sizeof *line_l);
        float *line_r = xcalloc(mix->frames, sizeof *line_r);
        for (size_t i = 0; i < mix->frames; i++) {
                float out_l = i >= d ? line_l[i - d] : 0.0f;
                float out_r = i >= d ? line_r[i - d] : 0.0f;
                line_l[i] =
                    (float)(0.5 * (src->left[i] + src->right[i]) + feedback * out_r);
                line_r[i] = out_l;
                mix->left[i] += (float)(src->left[i] + wet * out_l);
                mix->right[i] += (float)(src->right[i] + wet * out_r);
        }
        free(line_l);
        free(line_r);
}

/* ---- arrangement ---------------------------------------------------------------- */

/* Eighth-note rhythms for the melody, one per bar: 1 starts a note, 0 holds
 * or rests. */
static const unsigned char melody_rhythms[][8] = {
    {1, 0, 1, 0, 1, 1, 1, 0}, {1, 0, 0, 1, 0, 0, 1, 0}, {1, 1, 1, 0, 1, 0, 0, 0},
    {0, 0, 1, 0, 1, 0, 1, 1}, {1, 0, 0, 0, 1, 0, 1, 0}, {1, 1, 0, 1, 1, 0, 1, 0},
};

static void render_drums(struct bus *mix, const struct piece *p, double bar_start,
                         double beat, bool fill)
{
        switch (p->groove) {
        case GROOVE_FOUR:
                for (int q = 0; q < 4; q++) {
                        add_kick(mix, bar_start + q * beat, 0.9);
                        add_noise_hit(mix, bar_start + (q + 0.5) * beat, 0.08, 45, 0.85,
                                      0, 0.35, 0.3);
                }
                add_noise_hit(mix, bar_start + beat, 0.25, 14, 0.6, 190, 0.45, -0.1);
                add_noise_hit(mix, bar_start + 3 * beat, 0.25, 14, 0.6, 190, 0.45, -0.1);
                break;
        case GROOVE_BACKBEAT:
                add_kick(mix, bar_start, 0.9);
                add_kick(mix, bar_start + 2.5 * beat, 0.7);
                if (fill)
                        add_kick(mix, bar_start + 3.5 * beat, 0.6);
                add_noise_hit(mix, bar_start + beat, 0.25, 14, 0.6, 190, 0.5, -0.1);
                add_noise_hit(mix, bar_start + 3 * beat, 0.25, 14, 0.6, 190, 0.5, -0.1);
                for (int e = 0; e < 8; e++)
                        add_noise_hit(mix, bar_start + e * beat / 2, 0.06, 60, 0.9, 0,
                                      e % 2 ? 0.18 : 0.28, 0.35);
                break;
        case GROOVE_DANGDUT:
                /* "tak - dut - tak dut": high slap on 1, low bent drum on the "and"
                 * of 2 and on 4, the dangdut signature */
                add_noise_hit(mix, bar_start, 0.12, 35, 0.7, 520, 0.4, 0.2);
                add_dut(mix, bar_start + 1.5 * beat, 0.8);
                add_noise_hit(mix, bar_start + 2 * beat, 0.12, 35, 0.7, 520, 0.3, 0.2);
                add_dut(mix, bar_start + 3 * beat, 0.8);
                if (fill)
                        add_dut(mix, bar_start + 3.5 * beat, 0.6);
                add_kick(mix, bar_start, 0.6);
                for (int q = 0; q < 4; q++)
                        add_noise_hit(mix, bar_start + (q + 0.5) * beat, 0.05, 70, 0.9, 0,
                                      0.2, -0.35);
                break;
        case GROOVE_BALLAD:
                add_kick(mix, bar_start, 0.6);
                for (int q = 0; q < 4; q++)
                        add_noise_hit(mix, bar_start + q * beat, 0.05, 70, 0.92, 0,
                                      q == 0 ? 0.2 : 0.12, 0.4);
                if (fill)
                        add_noise_hit(mix, bar_start + 3 * beat, 0.3, 10, 0.6, 190, 0.3,
                                      -0.1);
                break;
        }
}

/* Renders a whole piece into a stereo float buffer, normalised to -1 dBFS
 * with a short fade in and a longer fade out. */
static void render_piece(const struct piece *p, uint64_t seed, double seconds,
                         struct bus *out)
{
        rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
        size_t frames = (size_t)(seconds * RATE);
        struct bus lead;
        bus_init(out, frames);
        bus_init(&lead, frames);

        double beat = 60.0 / p->bpm;
        double bar = 4 * beat;
        int n = scale_size(p->scale);
        int bars = (int)(seconds / bar);
        int melody_degree = n; /* an octave above the tonic */
        for (int b = 0; b < bars; b++) {
                double t0 = b * bar;
                int chord = p->progression[b % 4];
                bool intro = b < 2, outro = b >= bars - 2;
                /* sections of eight bars: A with melody, B with sparser arpeggios */
                bool section_b = (b / 8) % 2 == 1;

                for (int k = 0; k < 3; k++)
                        add_pad(out, t0, bar, degree_hz(p, chord + 2 * k), 0.055);
                if (!outro || b == bars - 2) {
                        for (int q = 0; q < 4; q++) {
                                int deg = chord - n + ((q == 2 && !intro) ? 4 : 0);
                                if (p->groove == GROOVE_DANGDUT && q % 2)
                                        deg = chord - n + 2;
                                add_bass(out, t0 + q * beat, beat * 0.8,
                                         degree_hz(p, deg), 0.3);
                        }
                }
                if (!intro && !outro)
                        render_drums(out, p, t0, beat, b % 4 == 3);
                if (intro || outro)
                        continue;

                const unsigned char *rhythm = melody_rhythms[rng_below(
                    sizeof melody_rhythms / sizeof melody_rhythms[0])];
                for (int e = 0; e < 8; e++) {
                        if (!rhythm[e] || (section_b && e % 2))
                                continue;
                        int hold_eighths = 1;
                        while (e + hold_eighths < 8 && !rhythm[e + hold_eighths])
                                hold_eighths++;
                        /* a random walk over the scale, pulled towards chord tones on
                         * strong beats and kept within two octaves */
                        int step = rng_below(5) - 2;
                        melody_degree += step;
                        if (e % 4 == 0) {
                                int rel = ((melody_degree - chord) % n + n) % n;
                                if (rel != 0 && rel != 2 && rel != 4)
                                        melody_degree += rel == 1 || rel == 3 ? -1 : 1;
                        }
                        if (melody_degree < n - 1)
                                melody_degree += 2;
                        if (melody_degree > 3 * n)
                                melody_degree -= 3;
                        double hz = degree_hz(p, melody_degree);
                        double pan = (rng_unit() - 0.5) * 0.6;
                        if (section_b)
                                add_lead(&lead, p->lead, t0 + e * beat / 2, beat * 0.45,
                                         degree_hz(p, chord + 2 * (e / 2 % 3) + n), 0.16,
                                         -pan);
                        else
                                add_lead(&lead, p->lead, t0 + e * beat / 2,
                                         hold_eighths * beat / 2 * 0.9, hz, 0.2, pan);
                }
        }
        add_delay(out, &lead, beat * 0.75, 0.35, 0.35);
        bus_free(&lead);

        float peak = 0;
        for (size_t i = 0; i < frames; i++) {
                peak = fmaxf(peak, fabsf(out->left[i]));
                peak = fmaxf(peak, fabsf(out->right[i]));
        }
        double gain = peak > 0 ? 0.89 / peak : 1.0; /* -1 dBFS */
        size_t fade_in = RATE / 2, fade_out = 3 * RATE;
        for (size_t i = 0; i < frames; i++) {
                double g = gain;
                if (i < fade_in)
                        g *= (double)i / fade_in;
                if (frames - i < fade_out)
                        g *= (double)(frames - i) / fade_out;
                out->left[i] = (float)(out->left[i] * g);
                out->right[i] = (float)(out->right[i] * g);
        }
}

/* ---- output ---------------------------------------------------------------------- */

/* "Senja di Rangkasbitung" -> "senja-di-rangkasbitung" */
static char *slug(const char *title)
{
        char *s = xstrdup(title);
        for (char *c = s; *c; c++)
                *c = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a')
                     : ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')) ? *c
                                                                              : '-';
        return s;
}

static int write_flac(const char *path, const struct piece *p, const struct bus *audio)
{
        int rc = -1;
        float *interleaved = NULL;
        SF_INFO info = {.samplerate = RATE,
                        .channels = 2,
                        .format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16};
        SNDFILE *f = sf_open(path, SFM_WRITE, &info);
        if (!f) {
                fprintf(stderr, "mkdemo: %s: %s\n", path, sf_strerror(NULL));
                return -1;
        }
        /* FLAC takes its tags before the first sample is written */
        sf_set_string(f, SF_STR_TITLE, p->title);
        sf_set_string(f, SF_STR_ARTIST, p->artist);
        sf_set_string(f, SF_STR_ALBUM, "Siaran Demo");
        sf_set_string(f, SF_STR_GENRE, "Demo");
        sf_set_string(f, SF_STR_SOFTWARE, "siaran mkdemo");
        interleaved = xmalloc(audio->frames * 2 * sizeof *interleaved);
        for (size_t i = 0; i < audio->frames; i++) {
                interleaved[2 * i] = audio->left[i];
                interleaved[2 * i + 1] = audio->right[i];
        }
        if (sf_writef_float(f, interleaved, (sf_count_t)audio->frames) !=
            (sf_count_t)audio->frames) {
                fprintf(stderr, "mkdemo: %s: %s\n", path, sf_strerror(f));
                goto out;
        }
        rc = 0;
out:
        free(interleaved);
        if (sf_close(f) != 0)
                rc = -1;
        return rc;
}

static void usage(void)
{
        fprintf(stderr,
                "usage: mkdemo [-n COUNT] [-s SECONDS] OUTDIR\n"
                "  Writes COUNT (default 6, at most %zu) synthesized pieces as FLAC.\n"
                "  -s gives every piece the same length (default: each its own,\n"
                "  60-120 s).\n",
                N_PIECES);
}

int main(int argc, char **argv)
{
        int count = 6;
        wavetables_init();
        double seconds = 0;
        int opt;
        while ((opt = getopt(argc, argv, "n:s:h")) != -1) {
                switch (opt) {
                case 'n':
                        count = atoi(optarg);
                        break;
                case 's':
                        seconds = atof(optarg);
                        break;
                default:
                        usage();
                        return 2;
                }
        }
        if (optind != argc - 1 || count < 1 || count > (int)N_PIECES || seconds < 0 ||
            (seconds > 0 && seconds < 10) || seconds > 3600) {
                usage();
                return 2;
        }
        const char *dir = argv[optind];
        if (make_dirs(dir, 0755) < 0) {
                fprintf(stderr, "mkdemo: %s: %s\n", dir, strerror(errno));
                return 1;
        }
        for (int i = 0; i < count; i++) {
                const struct piece *p = &pieces[i];
                struct bus audio;
                render_piece(p, (uint64_t)i + 1, seconds > 0 ? seconds : p->seconds,
                             &audio);
                char *name = slug(p->title);
                char *path = xasprintf("%s/%02d-%s.flac", dir, i + 1, name);
                int rc = write_flac(path, p, &audio);
                if (rc == 0)
                        printf("%s\t%s - %s\t%.0f s\n", path, p->artist, p->title,
                               (double)audio.frames / RATE);
                free(path);
                free(name);
                bus_free(&audio);
                if (rc < 0)
                        return 1;
        }
        return 0;
}
