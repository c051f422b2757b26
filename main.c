/* siaran: the station's one binary.  Wires the modules together and holds the
 * subcommands (run, render, import, rundown, asrun, user). */
#define LOG_MODULE "main"
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alerts/alerts.h"
#include "archive/archive.h"
#include "common/common.h"
#include "encoder/encoder.h"
#include "input/input.h"
#include "media/media.h"
#include "playout/playout.h"
#include "scheduler/scheduler.h"
#include "web/web.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

struct options {
        const char *command;
        const char *config_path;
        const char *from, *to, *date, *output, *asrun_path, *role, *kind, *categories;
        const char *campaign;
        bool csv;
        char **args; /* positional arguments after the command */
        int n_args;
};

static const struct {
        const char *name;
        const char *usage;
        const char *help;
} commands[] = {
    {"run", "siaran run -c FILE",
     "Runs the station: scheduler, playout, encoders, Icecast outputs, web panel.\n"
     "SIGINT/SIGTERM fade out and exit; SIGHUP reloads the config."},
    {"render",
     "siaran render -c FILE --from \"YYYY-MM-DD HH:MM[:SS]\" --to \"...\" -o OUT.ogg "
     "[--asrun OUT.csv]",
     "Renders exactly what the station would air in that window (station time zone),\n"
     "as fast as the CPU allows, through the same engine code as run."},
    {"import", "siaran import -c FILE [--kind KIND] [--category A,B] PATH...",
     "Adds audio files (or folders) to the library; prints one line per file:\n"
     "id, kind, duration, loudness, path, or an error.  KIND: music (default),\n"
     "programme, psa, jingle, complaint, announcement."},
    {"rundown", "siaran rundown -c FILE [--date YYYY-MM-DD]",
     "Prints the timeline of that day (default today), one item per line: what\n"
     "aired up to now, then the plan on from where the station stands."},
    {"asrun", "siaran asrun -c FILE --from \"...\" --to \"...\" [--csv] [--campaign ID]",
     "Prints what actually aired in the window; with --campaign, the PSA campaign\n"
     "report: how many times each of its items aired, and when."},
    {"archive", "siaran archive clip -c FILE --from TIME --to TIME -o OUT.ogg",
     "Writes exactly what aired in that window, cut from the archive's hour files,\n"
     "as Ogg Opus.  TIME: \"YYYY-MM-DD HH:MM[:SS[.mmm]]\" in station time, or ISO 8601\n"
     "with Z or an offset.  Fails (exit 1) when the window is not wholly archived."},
    {"user",
     "siaran user add -c FILE NAME --role admin|operator|staff\n"
     "  siaran user passwd|disable|enable -c FILE NAME",
     "add creates a panel account and passwd sets a new password, each read from\n"
     "the first line of stdin; disable stops an account from logging in, enable\n"
     "lets it again.  passwd and disable end the account's sessions."},
};

static void print_usage(FILE *out)
{
        fprintf(out, "usage:\n");
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                fprintf(out, "  %s\n", commands[i].usage);
        fprintf(out, "  siaran --version\n  siaran help [COMMAND]\n");
}

static int command_help(const char *name)
{
        if (!name) {
                print_usage(stdout);
                return 0;
        }
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
                if (strcmp(commands[i].name, name) == 0) {
                        printf("usage: %s\n\n%s\n", commands[i].usage, commands[i].help);
                        return 0;
                }
        }
        fprintf(stderr, "siaran: no such command '%s'\n", name);
        return EXIT_USAGE;
}

static int usage_error(const char *fmt, const char *arg)
{
        fprintf(stderr, "siaran: ");
        fprintf(stderr, fmt, arg);
        fprintf(stderr, " (see 'siaran help')\n");
        return EXIT_USAGE;
}

/* Parses "-c FILE" and the long options; the rest are positional. */
static int parse_options(int argc, char **argv, struct options *o)
{
        static const struct {
                const char *flag;
                size_t offset;
        } valued[] = {
            {"-c", offsetof(struct options, config_path)},
            {"--config", offsetof(struct options, config_path)},
            {"--from", offsetof(struct options, from)},
            {"--to", offsetof(struct options, to)},
            {"--date", offsetof(struct options, date)},
            {"-o", offsetof(struct options, output)},
            {"--output", offsetof(struct options, output)},
            {"--asrun", offsetof(struct options, asrun_path)},
            {"--role", offsetof(struct options, role)},
            {"--kind", offsetof(struct options, kind)},
            {"--category", offsetof(struct options, categories)},
            {"--campaign", offsetof(struct options, campaign)},
        };
        o->args = xcalloc((size_t)argc, sizeof *o->args);
        for (int i = 2; i < argc; i++) {
                const char *a = argv[i];
                if (strcmp(a, "--csv") == 0) {
                        o->csv = true;
                        continue;
                }
                bool matched = false;
                for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
                        if (strcmp(a, valued[k].flag) != 0)
                                continue;
                        if (i + 1 >= argc)
                                return usage_error("%s needs a value", a);
                        *(const char **)((char *)o + valued[k].offset) = argv[++i];
                        matched = true;
                        break;
                }
                if (matched)
                        continue;
                if (a[0] == '-' && a[1] != '\0')
                        return usage_error("unknown option '%s'", a);
                o->args[o->n_args++] = argv[i];
        }
        return 0;
}

static struct config *load_config(const struct options *o)
{
        char err[512];
        if (!o->config_path) {
                usage_error("%s needs -c FILE", o->command);
                return NULL;
        }
        struct config *config = config_load(o->config_path, err, sizeof err);
        if (!config) {
                fprintf(stderr, "%s\n", err);
                return NULL;
        }
        static const char *const levels[] = {"error", "warn", "info", "debug"};
        for (int i = 0; i < 4; i++)
                if (strcmp(config->log_level, levels[i]) == 0)
                        log_threshold = (enum log_level)i;
        return config;
}

static void fill_playout_config(const struct config *c, struct playout_config *pc)
{
        memset(pc, 0, sizeof *pc);
        pc->rate = c->samplerate;
        pc->crossfade = c->crossfade;
        pc->hard_fade = c->hard_fade;
        pc->click_fade = 0.01;
        pc->operator_fade = 0.5;
        pc->silence_threshold = c->silence_threshold;
        pc->silence_limit = c->silence_limit;
}

/* ---- outputs: one encoder per distinct format, shared by its sinks ---------- */

struct outputs {
        struct encoder *encoders[CONFIG_MAX_OUTPUTS];
        const struct output_config *encoder_configs[CONFIG_MAX_OUTPUTS];
        size_t n_encoders;
        struct sink *sinks[CONFIG_MAX_OUTPUTS];
        size_t n_sinks;
};

/* The limiter keeps the headroom the most overshooting encoder needs, so
 * every stream decodes at or under -1 dBTP. */
static double outputs_codec_headroom_db(const struct outputs *out)
{
        double headroom = 0;
        for (size_t i = 0; i < out->n_encoders; i++)
                if (encoder_peak_overshoot_db(out->encoders[i]) > headroom)
                        headroom = encoder_peak_overshoot_db(out->encoders[i]);
        return headroom;
}

static struct encoder *encoder_for(struct outputs *out, const struct output_config *oc,
                                   int rate)
{
        for (size_t i = 0; i < out->n_encoders; i++)
                if (encoder_config_equal(out->encoder_configs[i], oc))
                        return out->encoders[i];
        const char *err = "unknown error";
        struct encoder *e = encoder_new(oc, rate, &err);
        if (!e) {
                fprintf(stderr, "[output.%s]: %s\n", oc->name, err);
                return NULL;
        }
        out->encoder_configs[out->n_encoders] = oc;
        out->encoders[out->n_encoders++] = e;
        return e;
}

static void outputs_free(struct outputs *out)
{
        for (size_t i = 0; i < out->n_sinks; i++)
                sink_free(out->sinks[i]);
        for (size_t i = 0; i < out->n_encoders; i++)
                encoder_free(out->encoders[i]);
        memset(out, 0, sizeof *out);
}

/* ---- run ----------------------------------------------------------------------- */

/* Before a command reaches the engine, the scheduler's loader has read the
 * change that prompted it (on the commanding thread, never the engine's). */
static void sync_scheduler(void *scheduler)
{
        scheduler_sync(scheduler);
}

struct signal_watch {
        sigset_t set;
        struct playout *playout;
        struct scheduler *scheduler;
        const char *config_path;
        const struct config *running;
};

/* SIGHUP: checks the whole file again and applies what is safe while the
 * station runs (the fallback playlist, its path included, and the schedule);
 * the rest is named and waits for a restart.  A new time zone is refused:
 * changing TZ under threads that call localtime_r is a data race. */
static void reload_config(struct signal_watch *w)
{
        char err[512];
        struct config *fresh = config_parse(w->config_path, err, sizeof err);
        if (!fresh) {
                log_error("reload refused, keeping the running config: %s", err);
                return;
        }
        if (strcmp(fresh->timezone, w->running->timezone) != 0) {
                log_error("reload refused: %s changes the time zone from %s to %s; "
                          "restart siaran to apply it",
                          w->config_path, w->running->timezone, fresh->timezone);
                config_free(fresh);
                return;
        }
        char later[1024];
        size_t n = config_changed_keys(w->running, fresh, later, sizeof later);
        bool playlist_changed =
            strcmp(fresh->fallback_playlist ? fresh->fallback_playlist : "",
                   w->running->fallback_playlist ? w->running->fallback_playlist : "");
        if (n > (playlist_changed ? 1u : 0u))
                log_warn(
                    "reload: %s changes settings that take effect at the next start: "
                    "%s",
                    w->config_path, later);
        log_info("reload: %s is valid; the fallback playlist%s and the schedule are "
                 "re-read now",
                 w->config_path, playlist_changed ? " (at its new path)" : "");
        scheduler_request_reload(w->scheduler, fresh->fallback_playlist);
        playout_schedule_changed(w->playout);
        config_free(fresh);
}

/* Waits for signals on its own thread, so handlers need no async-safety. */
static void *watch_signals(void *arg)
{
        struct signal_watch *w = arg;
        for (;;) {
                int sig = 0;
                if (sigwait(&w->set, &sig) != 0)
                        continue;
                if (sig == SIGHUP) {
                        reload_config(w);
                        continue;
                }
                log_info("signal %d: stopping", sig);
                playout_request_stop(w->playout);
                return NULL;
        }
}

/* The relay input's buffer is full: during a relay show its stream replaces
 * the filler airing right away (a PSA, announcement or alert plays out);
 * otherwise the engine just plans its next item again. */
struct relay_watch {
        struct playout *playout;
        struct scheduler *scheduler;
};

static void relay_became_ready(void *user)
{
        struct relay_watch *w = user;
        struct playout_nowplaying np;
        playout_get_nowplaying(w->playout, &np);
        bool filler = np.on_air && (np.kind == ITEM_MUSIC || np.kind == ITEM_PROGRAMME ||
                                    np.kind == ITEM_JINGLE || np.kind == ITEM_FALLBACK);
        if (filler && scheduler_relay_due(w->scheduler, time_now_ms()))
                playout_interrupt(w->playout);
        else
                playout_schedule_changed(w->playout);
}

/* The live input's hooks: logins are the panel's accounts; admin and
 * operator take the air any time, staff only during a show whose content
 * is "live". */
struct live_watch {
        const struct config *config;
        struct playout *playout;
        struct scheduler *scheduler;
};

static int live_check_login(void *user, const char *name, const char *password,
                            const char *address, char *role, size_t role_size)
{
        struct live_watch *w = user;
        return web_account_check(w->config, name, password, address, role, role_size);
}

static bool live_may_air(void *user, const char *role, char *reason, size_t reason_size)
{
        struct live_watch *w = user;
        if (!strcmp(role, "admin") || !strcmp(role, "operator"))
                return true;
        if (!strcmp(role, "staff") &&
            scheduler_live_show_due(w->scheduler, time_now_ms()))
                return true;
        snprintf(reason, reason_size,
                 "staff may take the air only during a live show, and none is on now");
        return false;
}

/* A presenter's stream is buffered: it takes over with a crossfade from
 * what airs, unless that is a PSA, an announcement, a complaint or an
 * alert, which plays out first (the engine plans its next item again). */
static void live_became_ready(void *user)
{
        struct live_watch *w = user;
        struct playout_nowplaying np;
        playout_get_nowplaying(w->playout, &np);
        bool plays_out =
            np.on_air &&
            (np.kind == ITEM_PSA || np.kind == ITEM_ANNOUNCEMENT ||
             np.kind == ITEM_COMPLAINT || np.kind == ITEM_ALERT || np.kind == ITEM_LIVE);
        if (plays_out)
                playout_schedule_changed(w->playout);
        else
                playout_take_over(w->playout);
}

/* Each live session goes into the library as a programme, titled with
 * what it aired under and its start (station time). */
static void live_recorded(void *user, const char *path, const char *show,
                          const char *presenter, int64_t since_ms)
{
        struct live_watch *w = user;
        char when[32], title[400], err[256];
        time_t t = (time_t)(since_ms / 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        snprintf(title, sizeof title, "%s %s", show, when);
        int64_t id = sched_media_import_titled(w->config, path, ITEM_PROGRAMME, title,
                                               err, sizeof err);
        if (id < 0)
                log_error("live: the recording of %s's session was not stored: %s",
                          presenter, err);
        else
                log_info("live: %s's session is in the library as %lld '%s'", presenter,
                         (long long)id, title);
}

static struct input_live *start_live_input(const struct config *config,
                                           struct live_watch *watch)
{
        struct input_live_config lc = {.listen = config->live_listen,
                                       .mount = config->live_mount,
                                       .rate = config->samplerate,
                                       .buffer = config->live_buffer,
                                       .silence_db = config->silence_threshold,
                                       .silence_limit = config->live_silence_limit,
                                       .recording_dir = config->media_dir,
                                       .loudness_target = config->loudness_target};
        struct input_live_hooks hooks = {.user = watch,
                                         .check_login = live_check_login,
                                         .may_air = live_may_air,
                                         .on_ready = live_became_ready,
                                         .on_recorded = live_recorded};
        char err[256];
        struct input_live *live = input_live_new(&lc, &hooks, err, sizeof err);
        if (!live)
                fprintf(stderr, "siaran: [live]: %s\n", err);
        return live;
}

static int command_run(const struct options *o)
{
        struct config *config = load_config(o);
        if (!config)
                return EXIT_USAGE;
        config_warn_if_readable(config);
        int rc = EXIT_RUNTIME;
        char err[512];
        struct outputs out = {0};
        struct playout *playout = NULL;
        struct web *web = NULL;
        struct alerts *alerts = NULL;
        struct archive *archive = NULL;
        struct podcast *podcast = NULL;
        struct input_relay *relay = NULL;
        struct relay_watch relay_watch = {0};
        struct input_live *live = NULL;
        struct live_watch live_watch = {0};
        struct scheduler *scheduler = scheduler_new_station(config, err, sizeof err);
        if (!scheduler) {
                fprintf(stderr, "siaran: %s\n", err);
                goto out;
        }
        for (size_t i = 0; i < config->n_outputs; i++) {
                const struct output_config *oc = &config->outputs[i];
                struct encoder *e = encoder_for(&out, oc, config->samplerate);
                const char *serr = "unknown error";
                struct sink *s =
                    e ? sink_shout_new(oc, config->station_name, &serr) : NULL;
                if (!s) {
                        if (e)
                                fprintf(stderr, "[output.%s]: %s\n", oc->name, serr);
                        rc = EXIT_USAGE;
                        goto out;
                }
                out.sinks[out.n_sinks++] = s;
                encoder_add_sink(e, s);
        }
        if (config->n_outputs == 0)
                log_warn("no [output.NAME] section: the station airs to no server");

        struct playout_source source;
        scheduler_get_source(scheduler, true, &source);
        struct playout_config pc;
        fill_playout_config(config, &pc);
        pc.paced = true;
        pc.codec_headroom_db = outputs_codec_headroom_db(&out);
        pc.start_ms = time_now_ms();
        const char *perr = "unknown error";
        playout = playout_new(&pc, &source, &perr);
        if (!playout) {
                fprintf(stderr, "siaran: %s\n", perr);
                goto out;
        }
        for (size_t i = 0; i < out.n_encoders; i++)
                playout_add_encoder(playout, out.encoders[i]);
        playout_set_command_hook(playout, sync_scheduler, scheduler);
        if (config->archive_dir && *config->archive_dir) {
                const char *aerr = "unknown error";
                archive = archive_new(config, pc.start_ms, &aerr);
                if (!archive) {
                        fprintf(stderr, "siaran: [archive]: %s: %s\n",
                                config->archive_dir, aerr);
                        goto out;
                }
                playout_set_monitor(playout, archive_monitor, archive);
                podcast = podcast_new(config, &aerr);
                if (!podcast) {
                        fprintf(stderr, "siaran: [archive]: %s\n", aerr);
                        goto out;
                }
        }
        relay_watch = (struct relay_watch){.playout = playout, .scheduler = scheduler};
        relay = input_relay_new(config->samplerate, config->live_buffer,
                                config->silence_threshold, relay_became_ready,
                                &relay_watch, &perr);
        if (!relay) {
                fprintf(stderr, "siaran: %s\n", perr);
                goto out;
        }
        playout_set_input(playout, ITEM_RELAY, input_relay_feed(relay));
        scheduler_set_relay(scheduler, relay);
        if (config->live_listen && *config->live_listen) {
                live_watch = (struct live_watch){
                    .config = config, .playout = playout, .scheduler = scheduler};
                live = start_live_input(config, &live_watch);
                if (!live)
                        goto out;
                playout_set_input(playout, ITEM_LIVE, input_live_feed(live));
                scheduler_set_live(scheduler, live);
        }

        alerts = alerts_new(config, playout, err, sizeof err);
        if (!alerts) {
                fprintf(stderr, "siaran: alerts: %s\n", err);
                goto out;
        }
        if (config->web_listen && *config->web_listen) {
                struct web_context ctx = {.config = config,
                                          .playout = playout,
                                          .sinks = out.sinks,
                                          .n_sinks = out.n_sinks,
                                          .alerts = alerts,
                                          .archive = archive,
                                          .live = live,
                                          .scheduler = scheduler};
                web = web_start(&ctx, err, sizeof err);
                if (!web) {
                        fprintf(stderr, "siaran: web: %s\n", err);
                        goto out;
                }
        }

        struct signal_watch watch = {.playout = playout,
                                     .scheduler = scheduler,
                                     .config_path = config->path,
                                     .running = config};
        sigemptyset(&watch.set);
        sigaddset(&watch.set, SIGINT);
        sigaddset(&watch.set, SIGTERM);
        sigaddset(&watch.set, SIGHUP);
        pthread_t watcher;
        pthread_create(&watcher, NULL, watch_signals, &watch);
        pthread_detach(watcher);

        log_info("%s on air (siaran %s)", config->station_name, SIARAN_VERSION);
        rc = playout_run(playout) == 0 ? 0 : EXIT_RUNTIME;
        log_info("stopped");
out:
        input_relay_free(relay); /* first: its thread may call into the engine */
        input_live_free(live);
        web_stop(web);
        alerts_free(alerts);
        podcast_free(podcast);
        outputs_free(&out);
        archive_free(archive);
        playout_free(playout);
        scheduler_free(scheduler);
        config_free(config);
        return rc;
}

/* ---- archive ------------------------------------------------------------------- */

static int command_archive(const struct options *o)
{
        if (o->n_args != 1 || strcmp(o->args[0], "clip") != 0)
                return usage_error("%s", "usage: siaran archive clip -c FILE --from TIME "
                                         "--to TIME -o OUT.ogg");
        if (!o->from || !o->to || !o->output)
                return usage_error("%s needs --from, --to and -o OUT", "archive clip");
        struct config *config = load_config(o);
        if (!config)
                return EXIT_USAGE;
        int rc = EXIT_USAGE;
        int64_t from = 0, to = 0;
        char err[256];
        if (!config->archive_dir || !*config->archive_dir) {
                fprintf(stderr, "siaran: %s has no [archive] folder\n", config->path);
        } else if (archive_parse_time(o->from, &from) < 0 ||
                   archive_parse_time(o->to, &to) < 0) {
                usage_error(
                    "%s: times must be \"YYYY-MM-DD HH:MM[:SS[.mmm]]\" or ISO 8601",
                    "archive clip");
        } else if (to <= from) {
                usage_error("%s: --to must be after --from", "archive clip");
        } else if (archive_clip_write(config->archive_dir, config->samplerate, from, to,
                                      o->output, err, sizeof err) < 0) {
                fprintf(stderr, "siaran: archive clip: %s\n", err);
                rc = EXIT_RUNTIME;
        } else {
                rc = 0;
        }
        config_free(config);
        return rc;
}

/* ---- render ------------------------------------------------------------------------ */

struct render_asrun {
        struct playout_source inner;
        FILE *csv;
        bool header_written;
};

static void render_aired(void *ctx, const struct playout_asrun *record)
{
        struct render_asrun *r = ctx;
        if (r->inner.aired)
                r->inner.aired(r->inner.ctx, record);
        if (r->csv) {
                sched_asrun_write_csv(r->csv, record, !r->header_written);
                r->header_written = true;
        }
}

static int render_next(void *ctx, int64_t start_ms, struct playout_item *item)
{
        struct render_asrun *r = ctx;
        return r->inner.next(r->inner.ctx, start_ms, item);
}

static bool render_next_hard(void *ctx, int64_t from, int64_t until, int64_t *at)
{
        struct render_asrun *r = ctx;
        return r->inner.next_hard && r->inner.next_hard(r->inner.ctx, from, until, at);
}

static void render_cancel(void *ctx, const struct playout_item *item)
{
        struct render_asrun *r = ctx;
        if (r->inner.cancel)
                r->inner.cancel(r->inner.ctx, item);
}

static int command_render(const struct options *o)
{
        int64_t from, to;
        if (!o->from || !o->to || !o->output)
                return usage_error("%s needs --from, --to and -o OUT", "render");
        struct config *config = load_config(o); /* sets the station zone */
        if (!config)
                return EXIT_USAGE;
        if (time_parse_local(o->from, &from) < 0 || time_parse_local(o->to, &to) < 0) {
                config_free(config);
                return usage_error(
                    "%s: times must be real dates as \"YYYY-MM-DD HH:MM[:SS]\"",
                    "render");
        }
        if (to <= from) {
                config_free(config);
                return usage_error("%s: --to must be after --from", "render");
        }
        int rc = EXIT_RUNTIME;
        char err[512];
        struct outputs out = {0};
        struct playout *playout = NULL;
        struct render_asrun wrap = {0};
        struct output_config fallback_format = {
            .name = "render", .format = "vorbis", .quality = 0.4, .channels = 2};
        const struct output_config *oc =
            config->n_outputs > 0 ? &config->outputs[0] : &fallback_format;
        struct scheduler *scheduler = scheduler_new(config, err, sizeof err);
        if (!scheduler) {
                fprintf(stderr, "siaran: %s\n", err);
                goto out;
        }
        struct encoder *e = encoder_for(&out, oc, config->samplerate);
        const char *serr = "unknown error";
        struct sink *s = e ? sink_file_new(o->output, &serr) : NULL;
        if (!s) {
                if (e)
                        fprintf(stderr, "siaran: %s: %s\n", o->output, serr);
                goto out;
        }
        out.sinks[out.n_sinks++] = s;
        encoder_add_sink(e, s);
        /* One logical stream: every decoder then counts the window to the sample
         * (ffmpeg adds 128 frames at each link of a chained Ogg file).  The
         * titles are in the --asrun file. */
        encoder_set_chained(e, false);
        if (o->asrun_path) {
                wrap.csv = fopen(o->asrun_path, "w");
                if (!wrap.csv) {
                        fprintf(stderr, "siaran: %s: %s\n", o->asrun_path,
                                strerror(errno));
                        goto out;
                }
        }
        scheduler_get_source(scheduler, false, &wrap.inner);
        struct playout_source source = {.ctx = &wrap,
                                        .next = render_next,
                                        .next_hard = render_next_hard,
                                        .cancel = render_cancel,
                                        .aired = render_aired};
        struct playout_config pc;
        fill_playout_config(config, &pc);
        pc.paced = false;
        pc.codec_headroom_db = outputs_codec_headroom_db(&out);
        pc.start_ms = from;
        pc.end_ms = to;
        const char *perr = "unknown error";
        playout = playout_new(&pc, &source, &perr);
        if (!playout) {
                fprintf(stderr, "siaran: %s\n", perr);
                goto out;
        }
        playout_add_encoder(playout, e);
        rc = playout_run(playout) == 0 ? 0 : EXIT_RUNTIME;
out:
        playout_free(playout);
        outputs_free(&out);
        if (wrap.csv && fclose(wrap.csv) != 0)
                rc = EXIT_RUNTIME;
        scheduler_free(scheduler);
        config_free(config);
        return rc;
}

/* ---- import ------------------------------------------------------------------------ */

static int import_path(sqlite3 *db, const struct config *config, const char *path,
                       enum item_kind kind, const char *categories);

static int import_folder(sqlite3 *db, const struct config *config, const char *dir,
                         enum item_kind kind, const char *categories)
{
        struct dirent **names = NULL;
        int n = scandir(dir, &names, NULL, alphasort);
        if (n < 0) {
                fprintf(stderr, "%s: %s\n", dir, strerror(errno));
                return 1;
        }
        int failures = 0;
        for (int i = 0; i < n; i++) {
                if (names[i]->d_name[0] != '.') {
                        char *child = xasprintf("%s/%s", dir, names[i]->d_name);
                        failures += import_path(db, config, child, kind, categories);
                        free(child);
                }
                free(names[i]);
        }
        free(names);
        return failures;
}

static int import_path(sqlite3 *db, const struct config *config, const char *path,
                       enum item_kind kind, const char *categories)
{
        struct stat st;
        if (stat(path, &st) != 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return 1;
        }
        if (S_ISDIR(st.st_mode))
                return import_folder(db, config, path, kind, categories);
        char err[512];
        bool existed = false;
        struct sched_media m = {0};
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (sched_media_import(db, config, path, kind, base, categories, &existed, &m,
                               err, sizeof err) < 0) {
                fprintf(stderr, "%s: %s\n", path, err);
                return 1;
        }
        printf("%lld\t%s\t%.3f s\t%.1f LUFS\t%s%s\n", (long long)m.id,
               item_kind_name(m.kind), m.duration, m.loudness, path,
               existed ? "\t(already in the library)" : "");
        sched_media_clear(&m);
        return 0;
}

static int command_import(const struct options *o)
{
        enum item_kind kind = ITEM_MUSIC;
        if (o->kind && (item_kind_parse(o->kind, &kind) < 0 || kind == ITEM_FALLBACK ||
                        kind == ITEM_LIVE || kind == ITEM_ALERT || kind == ITEM_RELAY))
                return usage_error("import: unknown kind '%s'", o->kind);
        if (o->n_args == 0)
                return usage_error("%s needs at least one PATH", "import");
        struct config *config = load_config(o);
        if (!config)
                return EXIT_USAGE;
        char err[512];
        sqlite3 *db = sched_db_open(config->database, err, sizeof err);
        if (!db) {
                fprintf(stderr, "siaran: %s\n", err);
                config_free(config);
                return EXIT_RUNTIME;
        }
        int failures = 0;
        for (int i = 0; i < o->n_args; i++)
                failures += import_path(db, config, o->args[i], kind, o->categories);
        sqlite3_close_v2(db);
        config_free(config);
        return failures ? EXIT_RUNTIME : 0;
}

/* ---- rundown and as-run
 * ---------------------------------------------------------------- */

static void print_rundown_item(void *user, int64_t start_ms,
                               const struct playout_item *item)
{
        (void)user;
        char when[48];
        time_format_local(start_ms, when, sizeof when);
        when[19] = '\0'; /* whole seconds */
        printf("%s  %-12s  %s%s%s\n", when + 11, item_kind_name(item->kind),
               item->title ? item->title : "", item->artist && *item->artist ? " - " : "",
               item->artist ? item->artist : "");
}

static int command_rundown(const struct options *o)
{
        struct config *config = load_config(o);
        if (!config)
                return EXIT_USAGE;
        int64_t day;
        if (o->date ? time_parse_date(o->date, &day) < 0
                    : (day = time_local_midnight(time_now_ms()), false)) {
                config_free(config);
                return usage_error(
                    "rundown: --date must be a real date as YYYY-MM-DD, not '%s'",
                    o->date);
        }
        int y, m, d;
        time_local_fields(day + 36LL * 3600 * 1000, &y, &m, &d, NULL, NULL, NULL, NULL);
        int64_t next_day = time_from_local(y, m, d, 0, 0, 0);
        char err[512];
        /* today: what aired, then the plan on from where the station stands */
        int rc = scheduler_timeline(config, NULL, day, next_day, time_now_ms(), 0,
                                    print_rundown_item, NULL, err, sizeof err);
        if (rc < 0)
                fprintf(stderr, "siaran: %s\n", err);
        config_free(config);
        return rc < 0 ? EXIT_RUNTIME : 0;
}

static int command_asrun(const struct options *o)
{
        int64_t from, to;
        struct config *config = load_config(o);
        if (!config)
                return EXIT_USAGE;
        if (!o->from || !o->to || time_parse_local(o->from, &from) < 0 ||
            time_parse_local(o->to, &to) < 0) {
                config_free(config);
                return usage_error(
                    "%s needs --from and --to as \"YYYY-MM-DD HH:MM[:SS]\"", "asrun");
        }
        char *end = NULL;
        long long campaign = o->campaign ? strtoll(o->campaign, &end, 10) : 0;
        if (o->campaign && (campaign <= 0 || *end)) {
                config_free(config);
                return usage_error("asrun: --campaign needs a campaign id, not '%s'",
                                   o->campaign);
        }
        char err[512];
        sqlite3 *db = sched_db_open(config->database, err, sizeof err);
        int rc = 0;
        if (!db) {
                fprintf(stderr, "siaran: %s\n", err);
                rc = EXIT_RUNTIME;
        } else if (o->campaign) {
                if (sched_campaign_report(db, campaign, from, to, o->csv, stdout) < 0) {
                        fprintf(stderr, "siaran: no campaign %lld\n", campaign);
                        rc = EXIT_RUNTIME;
                }
        } else if (sched_asrun_export(db, from, to, o->csv, stdout) < 0) {
                fprintf(stderr, "siaran: cannot read the as-run log: %s\n",
                        sqlite3_errmsg(db));
                rc = EXIT_RUNTIME;
        }
        sqlite3_close_v2(db);
        config_free(config);
        return rc;
}

/* ---- user ----------------------------------------------------------------------------
 */

/* Reads the password from the first line of stdin into buf.  Returns 0 or -1. */
static int read_password(const char *what, char *buf, size_t size)
{
        if (!fgets(buf, (int)size, stdin)) {
                fprintf(stderr, "siaran: %s: no password on stdin\n", what);
                return -1;
        }
        buf[strcspn(buf, "\r\n")] = '\0';
        return 0;
}

/* siaran user passwd|disable|enable -c FILE NAME */
static int command_user_change(const struct options *o, struct config *config)
{
        char password[1024] = "", err[512];
        bool passwd = strcmp(o->args[0], "passwd") == 0;
        int disabled = passwd ? -1 : strcmp(o->args[0], "disable") == 0;
        const char *what = passwd     ? "user passwd"
                           : disabled ? "user disable"
                                      : "user enable";
        if (passwd && read_password(what, password, sizeof password) < 0)
                return EXIT_USAGE;
        int rc = web_user_set(config, o->args[1], disabled, passwd ? password : NULL, err,
                              sizeof err);
        explicit_bzero(password, sizeof password);
        if (rc < 0) {
                fprintf(stderr, "siaran: %s: %s\n", what, err);
                return rc == -2 ? EXIT_USAGE : EXIT_RUNTIME;
        }
        printf("user %s %s\n", o->args[1],
               passwd     ? "has a new password"
               : disabled ? "disabled"
                          : "enabled");
        return 0;
}

static int command_user(const struct options *o)
{
        static const char usage[] = "usage: siaran user add -c FILE NAME --role ROLE | "
                                    "siaran user passwd|disable|enable -c FILE NAME";
        bool change = o->n_args == 2 && (strcmp(o->args[0], "passwd") == 0 ||
                                         strcmp(o->args[0], "disable") == 0 ||
                                         strcmp(o->args[0], "enable") == 0);
        if (!change && (o->n_args != 2 || strcmp(o->args[0], "add") != 0))
                return usage_error("%s", usage);
        if (!change && !o->role)
                return usage_error("%s needs --role admin|operator|staff", "user add");
        struct config *config = load_config(o);
        if (!config)
                return EXIT_USAGE;
        if (change) {
                int rc = command_user_change(o, config);
                config_free(config);
                return rc;
        }
        char password[1024];
        if (read_password("user add", password, sizeof password) < 0) {
                config_free(config);
                return EXIT_USAGE;
        }
        char err[512];
        int rc = web_user_add(config, o->args[1], o->role, password, err, sizeof err);
        explicit_bzero(password, sizeof password);
        if (rc < 0)
                fprintf(stderr, "siaran: user add: %s\n", err);
        else
                printf("user %s (%s) created\n", o->args[1], o->role);
        config_free(config);
        return rc < 0 ? (rc == -2 ? EXIT_USAGE : EXIT_RUNTIME) : 0;
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                print_usage(stderr);
                return EXIT_USAGE;
        }
        const char *cmd = argv[1];
        if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
                printf("siaran %s\n", SIARAN_VERSION);
                return 0;
        }
        if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
            strcmp(cmd, "-h") == 0)
                return command_help(argc > 2 ? argv[2] : NULL);

        /* Signals are taken by the watcher thread of `run`; block them in every
         * thread (inherited by threads created later). */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGHUP);
        if (strcmp(cmd, "run") == 0)
                pthread_sigmask(SIG_BLOCK, &set, NULL);
        signal(SIGPIPE, SIG_IGN);
        /* the database (callers' names, password hashes), its WAL and the
         * media store (callers' voices) are for the station's user and group */
        umask(027);

        struct options o = {.command = cmd};
        int rc = parse_options(argc, argv, &o);
        if (rc != 0) {
                free(o.args);
                return rc;
        }
        if (strcmp(cmd, "run") == 0)
                rc = command_run(&o);
        else if (strcmp(cmd, "render") == 0)
                rc = command_render(&o);
        else if (strcmp(cmd, "import") == 0)
                rc = command_import(&o);
        else if (strcmp(cmd, "rundown") == 0)
                rc = command_rundown(&o);
        else if (strcmp(cmd, "asrun") == 0)
                rc = command_asrun(&o);
        else if (strcmp(cmd, "user") == 0)
                rc = command_user(&o);
        else if (strcmp(cmd, "archive") == 0)
                rc = command_archive(&o);
        else
                rc = usage_error("unknown command '%s'", cmd);
        free(o.args);
        return rc;
}
