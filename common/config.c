/* The station configuration: an INI file read with inih and checked against
 * a table of known keys (name, type, limits, default).  Unknown keys and bad
 * values are errors reported as FILE:LINE: reason. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/common.h"

enum key_type { KEY_STRING, KEY_INT, KEY_DOUBLE, KEY_BOOL, KEY_PATH, KEY_MEGABYTES };

struct key_spec {
        const char *section; /* "output" matches every [output.NAME] */
        const char *name;
        enum key_type type;
        size_t offset; /* into struct config, or struct output_config for "output" */
        double min, max;
        const char *allowed; /* for strings: "|"-separated allowed values, or NULL */
};

#define C(field) offsetof(struct config, field)
#define O(field) offsetof(struct output_config, field)

static const struct key_spec keys[] = {
    {"station", "name", KEY_STRING, C(station_name), 0, 0, NULL},
    {"station", "timezone", KEY_STRING, C(timezone), 0, 0, NULL},
    {"station", "samplerate", KEY_INT, C(samplerate), 44100, 48000, "44100|48000"},
    {"station", "loudness_target", KEY_DOUBLE, C(loudness_target), -40, -5, NULL},
    {"station", "crossfade", KEY_DOUBLE, C(crossfade), 0, 10, NULL},
    {"station", "hard_fade", KEY_DOUBLE, C(hard_fade), 0, 10, NULL},
    {"station", "soft_window", KEY_DOUBLE, C(soft_window), 0, 120, NULL},
    {"station", "show_grace", KEY_DOUBLE, C(show_grace), 0, 600, NULL},
    {"station", "silence_threshold", KEY_DOUBLE, C(silence_threshold), -120, 0, NULL},
    {"station", "silence_limit", KEY_DOUBLE, C(silence_limit), 1, 3600, NULL},
    {"station", "log_level", KEY_STRING, C(log_level), 0, 0, "error|warn|info|debug"},
    {"storage", "database", KEY_PATH, C(database), 0, 0, NULL},
    {"storage", "media", KEY_PATH, C(media_dir), 0, 0, NULL},
    {"fallback", "playlist", KEY_PATH, C(fallback_playlist), 0, 0, NULL},
    {"web", "listen", KEY_STRING, C(web_listen), 0, 0, NULL},
    {"web", "upload_limit", KEY_MEGABYTES, C(upload_limit), 1, 4096, NULL},
    {"web", "session_hours", KEY_INT, C(session_hours), 1, 24 * 30, NULL},
    {"web", "stream_url", KEY_STRING, C(public_stream_url), 0, 0, NULL},
    {"web", "trusted_proxies", KEY_STRING, C(trusted_proxies), 0, 0, NULL},
    {"web", "public_url", KEY_STRING, C(public_url), 0, 0, NULL},
    {"web", "secure_cookies", KEY_BOOL, C(secure_cookies), 0, 0, NULL},
    {"station", "latitude", KEY_DOUBLE, C(station_latitude), -90, 90, NULL},
    {"station", "longitude", KEY_DOUBLE, C(station_longitude), -180, 180, NULL},
    {"alerts", "feed", KEY_STRING, C(alerts_feed), 0, 0, NULL},
    {"alerts", "poll", KEY_DOUBLE, C(alerts_poll), 1, 3600, NULL},
    {"alerts", "min_magnitude", KEY_DOUBLE, C(alerts_min_magnitude), 0, 10, NULL},
    {"alerts", "max_distance_km", KEY_DOUBLE, C(alerts_max_distance_km), 0, 20040, NULL},
    {"alerts", "repeat", KEY_INT, C(alerts_repeat), 1, 20, NULL},
    {"alerts", "repeat_minutes", KEY_DOUBLE, C(alerts_repeat_minutes), 0.05, 1440, NULL},
    {"archive", "folder", KEY_PATH, C(archive_dir), 0, 0, NULL},
    {"archive", "format", KEY_STRING, C(archive_format), 0, 0, "opus|vorbis"},
    {"archive", "bitrate", KEY_INT, C(archive_bitrate), 6, 256, NULL},
    {"archive", "retention_days", KEY_INT, C(archive_retention_days), 1, 36500, NULL},
    {"archive", "segment_seconds", KEY_INT, C(archive_segment_seconds), 2, 3600, NULL},
    {"archive", "min_free_mb", KEY_INT, C(archive_min_free_mb), 0, 1000000, NULL},
    {"complaints", "public_upload_limit", KEY_MEGABYTES, C(public_upload_limit), 1, 4096,
     NULL},
    {"complaints", "public_max_seconds", KEY_INT, C(public_max_seconds), 5, 3600, NULL},
    {"complaints", "public_per_hour", KEY_INT, C(public_per_hour), 0, 10000, NULL},
    {"complaints", "public_queue_limit", KEY_INT, C(public_queue_limit), 0, 100000, NULL},
    {"complaints", "answer_days", KEY_INT, C(answer_days), 1, 365, NULL},
    {"complaints", "holidays", KEY_STRING, C(holidays), 0, 0, NULL},
    {"live", "buffer", KEY_DOUBLE, C(live_buffer), 0.2, 30, NULL},
    {"live", "listen", KEY_STRING, C(live_listen), 0, 0, NULL},
    {"live", "mount", KEY_STRING, C(live_mount), 0, 0, NULL},
    {"live", "silence_limit", KEY_DOUBLE, C(live_silence_limit), 1, 3600, NULL},
    {"output", "server", KEY_STRING, O(server), 0, 0, NULL},
    {"output", "port", KEY_INT, O(port), 1, 65535, NULL},
    {"output", "user", KEY_STRING, O(user), 0, 0, NULL},
    {"output", "password", KEY_STRING, O(password), 0, 0, NULL},
    {"output", "mount", KEY_STRING, O(mount), 0, 0, NULL},
    {"output", "format", KEY_STRING, O(format), 0, 0, "vorbis|opus|mp3"},
    {"output", "quality", KEY_DOUBLE, O(quality), -0.1, 1.0, NULL},
    {"output", "bitrate", KEY_INT, O(bitrate), 6, 512, NULL},
    {"output", "channels", KEY_INT, O(channels), 1, 2, NULL},
    {"output", "samplerate", KEY_INT, O(samplerate), 8000, 48000,
     "8000|11025|12000|16000|22050|24000|32000|44100|48000"},
    {"output", "description", KEY_STRING, O(description), 0, 0, NULL},
    {"output", "genre", KEY_STRING, O(genre), 0, 0, NULL},
    {"output", "public", KEY_BOOL, O(public_listing), 0, 0, NULL},
};

struct parse_state {
        struct config *config;
        char reason[256];
        bool failed;
};

static bool value_allowed(const char *allowed, const char *value)
{
        size_t len = strlen(value);
        for (const char *p = allowed; *p;) {
                const char *bar = strchr(p, '|');
                size_t n = bar ? (size_t)(bar - p) : strlen(p);
                if (n == len && strncmp(p, value, n) == 0)
                        return true;
                p += n + (bar ? 1 : 0);
        }
        return false;
}

/* A list of numeric IPv4/IPv6 addresses separated by commas or spaces. */
static bool address_list_valid(const char *list, char *reason, size_t size)
{
        char word[INET6_ADDRSTRLEN + 1];
        for (const char *p = list; *p;) {
                size_t n = strcspn(p, ", \t");
                if (n > 0) {
                        snprintf(word, sizeof word, "%.*s", (int)n, p);
                        if (n >= sizeof word || !address_in_list(word, word)) {
                                snprintf(reason, size,
                                         "trusted_proxies: '%.*s' is not an IP address",
                                         (int)(n > 64 ? 64 : n), p);
                                return false;
                        }
                }
                p += n;
                p += strspn(p, ", \t");
        }
        return true;
}

static struct output_config *find_or_add_output(struct parse_state *st, const char *name)
{
        struct config *c = st->config;
        for (size_t i = 0; i < c->n_outputs; i++)
                if (strcmp(c->outputs[i].name, name) == 0)
                        return &c->outputs[i];
        if (c->n_outputs == CONFIG_MAX_OUTPUTS) {
                snprintf(st->reason, sizeof st->reason, "more than %d outputs",
                         CONFIG_MAX_OUTPUTS);
                return NULL;
        }
        struct output_config *o = &c->outputs[c->n_outputs++];
        memset(o, 0, sizeof *o);
        o->name = xstrdup(name);
        o->port = 8000;
        o->quality = 0.4;
        o->channels = 2;
        return o;
}

static int store_value(struct parse_state *st, const struct key_spec *k, void *base,
                       const char *value)
{
        char *end = NULL;
        void *field = (char *)base + k->offset;
        if (k->allowed && !value_allowed(k->allowed, value)) {
                snprintf(st->reason, sizeof st->reason, "%s must be one of %s, not '%s'",
                         k->name, k->allowed, value);
                return -1;
        }
        switch (k->type) {
        case KEY_STRING:
                if (k->offset == C(timezone) && base == st->config &&
                    !time_zone_exists(value)) {
                        snprintf(st->reason, sizeof st->reason,
                                 "unknown timezone '%s' (want a tz database name such as "
                                 "Asia/Jakarta)",
                                 value);
                        return -1;
                }
                if (k->offset == C(trusted_proxies) && base == st->config &&
                    !address_list_valid(value, st->reason, sizeof st->reason))
                        return -1;
                if (k->offset == C(public_url) && base == st->config && *value &&
                    ((strncmp(value, "http://", 7) != 0 &&
                      strncmp(value, "https://", 8) != 0) ||
                     strpbrk(value, " \t\"'<>&") != NULL)) {
                        snprintf(st->reason, sizeof st->reason,
                                 "public_url must be an http:// or https:// address "
                                 "without spaces or quotes, not '%.80s'",
                                 value);
                        return -1;
                }
                if (k->offset == C(alerts_feed) && base == st->config && *value &&
                    strncmp(value, "http://", 7) != 0 &&
                    strncmp(value, "https://", 8) != 0) {
                        snprintf(st->reason, sizeof st->reason,
                                 "feed must be an http:// or https:// URL, not '%.80s'",
                                 value);
                        return -1;
                }
                if (k->offset == C(live_mount) && base == st->config &&
                    (value[0] != '/' || strlen(value) > 200 || strpbrk(value, " ?#\t"))) {
                        snprintf(st->reason, sizeof st->reason,
                                 "mount must start with '/' (and hold no space, ? or #)");
                        return -1;
                }
                if (k->offset == C(holidays) && base == st->config) {
                        int64_t *days = NULL;
                        char bad[96];
                        int n = dates_parse_list(value, &days, bad, sizeof bad);
                        free(days);
                        if (n < 0) {
                                snprintf(st->reason, sizeof st->reason, "holidays: %s",
                                         bad);
                                return -1;
                        }
                }
                /* fall through */
        case KEY_PATH: {
                char **s = field;
                free(*s);
                *s = k->type == KEY_PATH && *value
                         ? config_resolve_path(st->config, value)
                         : xstrdup(value);
                return 0;
        }
        case KEY_BOOL:
                if (strcmp(value, "1") == 0 || strcmp(value, "yes") == 0 ||
                    strcmp(value, "true") == 0)
                        *(bool *)field = true;
                else if (strcmp(value, "0") == 0 || strcmp(value, "no") == 0 ||
                         strcmp(value, "false") == 0)
                        *(bool *)field = false;
                else {
                        snprintf(st->reason, sizeof st->reason,
                                 "%s must be yes or no, not '%s'", k->name, value);
                        return -1;
                }
                return 0;
        case KEY_INT:
        case KEY_DOUBLE:
        case KEY_MEGABYTES: {
                errno = 0;
                double d = strtod(value, &end);
                if (end == value || *end != '\0' || errno || !isfinite(d) ||
                    (k->type != KEY_DOUBLE && d != floor(d))) {
                        snprintf(st->reason, sizeof st->reason, "%s: '%s' is not a %s",
                                 k->name, value,
                                 k->type == KEY_DOUBLE ? "number" : "whole number");
                        return -1;
                }
                if (d < k->min || d > k->max) {
                        snprintf(st->reason, sizeof st->reason,
                                 "%s must be between %g and %g", k->name, k->min, k->max);
                        return -1;
                }
                if (k->type == KEY_INT)
                        *(int *)field = (int)d;
                else if (k->type == KEY_MEGABYTES)
                        *(int64_t *)field = (int64_t)d * 1024 * 1024;
                else
                        *(double *)field = d;
                return 0;
        }
        }
        return -1;
}

static int handle_key(void *user, const char *section, const char *name,
                      const char *value)
{
        struct parse_state *st = user;
        if (st->failed)
                return 1; /* report only the first error; inih keeps its line */
        const char *kind = section;
        void *base = st->config;
        if (strcmp(section, "output") == 0) {
                /* without this, output keys would be written into struct config */
                snprintf(st->reason, sizeof st->reason, "[output.NAME] needs a name");
                goto bad;
        }
        if (strncmp(section, "output.", 7) == 0) {
                if (section[7] == '\0') {
                        snprintf(st->reason, sizeof st->reason,
                                 "[output.NAME] needs a name");
                        goto bad;
                }
                kind = "output";
                base = find_or_add_output(st, section + 7);
                if (!base)
                        goto bad;
        }
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
                if (strcmp(keys[i].section, kind) != 0 || strcmp(keys[i].name, name) != 0)
                        continue;
                if (store_value(st, &keys[i], base, value) < 0)
                        goto bad;
                return 1;
        }
        if (strcmp(kind, "station") && strcmp(kind, "storage") &&
            strcmp(kind, "fallback") && strcmp(kind, "web") && strcmp(kind, "output") &&
            strcmp(kind, "alerts") && strcmp(kind, "archive") &&
            strcmp(kind, "complaints") && strcmp(kind, "live"))
                snprintf(st->reason, sizeof st->reason, "unknown section [%s]", section);
        else
                snprintf(st->reason, sizeof st->reason, "unknown key '%s' in [%s]", name,
                         section);
bad:
        st->failed = true;
        return 0;
}

/* The config file's folder as an absolute path: relative paths in the file
 * are resolved against it, and what is stored (media paths in the database)
 * must not depend on the directory siaran was started from. */
static char *config_folder(const char *path)
{
        const char *slash = strrchr(path, '/');
        char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path))
                          : xstrdup(".");
        if (!dir)
                dir = xstrdup(".");
        char *absolute = realpath(dir, NULL);
        if (absolute) {
                free(dir);
                return absolute;
        }
        return dir;
}

static void set_defaults(struct config *c)
{
        c->station_name = xstrdup("Siaran");
        c->timezone = xstrdup("Asia/Jakarta");
        c->samplerate = 44100;
        c->loudness_target = -16;
        c->crossfade = 0;
        c->hard_fade = 2;
        c->soft_window = 5;
        c->show_grace = 30;
        c->silence_threshold = -50;
        c->silence_limit = 10;
        c->log_level = xstrdup("info");
        c->database = config_resolve_path(c, "siaran.db");
        c->media_dir = config_resolve_path(c, "media");
        c->web_listen = xstrdup("127.0.0.1:8080");
        c->upload_limit = 100LL * 1024 * 1024;
        c->session_hours = 12;
        c->station_latitude = NAN;
        c->station_longitude = NAN;
        c->alerts_poll = 60;
        c->alerts_min_magnitude = 5.0;
        c->alerts_max_distance_km = 250;
        c->alerts_repeat = 3;
        c->alerts_repeat_minutes = 10;
        c->archive_format = xstrdup("opus");
        c->archive_bitrate = 48;
        c->archive_retention_days = 400;
        c->archive_segment_seconds = 3600;
        c->archive_min_free_mb = 500;
        c->public_upload_limit = 10LL * 1024 * 1024;
        c->public_max_seconds = 300;
        c->public_per_hour = 3;
        c->public_queue_limit = 200;
        c->answer_days = 5;
        c->live_buffer = 1.5;
        c->live_mount = xstrdup("/live");
        c->live_silence_limit = 15;
}

static int check_outputs(struct config *c, char *reason, size_t size)
{
        for (size_t i = 0; i < c->n_outputs; i++) {
                struct output_config *o = &c->outputs[i];
                if (!o->server)
                        o->server = xstrdup("127.0.0.1");
                if (!o->user)
                        o->user = xstrdup("source");
                if (!o->format)
                        o->format = xstrdup("vorbis");
                if (!o->password || !o->mount) {
                        snprintf(reason, size, "[output.%s] needs %s", o->name,
                                 !o->password ? "a password" : "a mount");
                        return -1;
                }
                if (o->mount[0] != '/') {
                        snprintf(reason, size, "[output.%s] mount must start with '/'",
                                 o->name);
                        return -1;
                }
        }
        return 0;
}

struct config *config_load(const char *path, char *err, size_t err_size)
{
        struct config *c = config_parse(path, err, err_size);
        if (c && time_set_zone(c->timezone) < 0) {
                snprintf(err, err_size, "%s: unknown timezone '%s'", path, c->timezone);
                config_free(c);
                return NULL;
        }
        return c;
}

struct config *config_parse(const char *path, char *err, size_t err_size)
{
        struct parse_state st = {0};
        struct config *c = xcalloc(1, sizeof *c);
        c->path = xstrdup(path);
        c->dir = config_folder(path);
        set_defaults(c);
        st.config = c;

        FILE *f = fopen(path, "r");
        if (!f) {
                snprintf(err, err_size, "%s: cannot read: %s", path, strerror(errno));
                goto fail;
        }
        int line = ini_parse_file(f, handle_key, &st);
        fclose(f);
        if (line != 0) {
                snprintf(err, err_size, "%s:%d: %s", path, line,
                         st.failed
                             ? st.reason
                             : "syntax error (expected 'key = value' or [section])");
                goto fail;
        }
        char reason[256];
        if (check_outputs(c, reason, sizeof reason) < 0) {
                snprintf(err, err_size, "%s: %s", path, reason);
                goto fail;
        }
        return c;
fail:
        config_free(c);
        return NULL;
}

void config_warn_if_readable(const struct config *config)
{
        struct stat st;
        if (stat(config->path, &st) == 0 && (st.st_mode & S_IROTH))
                log_message(LOG_WARN, "config",
                            "%s is readable by every user of this machine, and it holds "
                            "the Icecast password: chmod o-rwx %s",
                            config->path, config->path);
}

char *config_resolve_path(const struct config *config, const char *path)
{
        if (path[0] == '/')
                return xstrdup(path);
        return xasprintf("%s/%s", config->dir, path);
}

static void free_output(struct output_config *o)
{
        free(o->name);
        free(o->server);
        free(o->user);
        free(o->password);
        free(o->mount);
        free(o->format);
        free(o->description);
        free(o->genre);
}

static bool key_value_equal(const struct key_spec *k, const void *a, const void *b)
{
        const void *fa = (const char *)a + k->offset, *fb = (const char *)b + k->offset;
        switch (k->type) {
        case KEY_STRING:
        case KEY_PATH: {
                const char *sa = *(char *const *)fa, *sb = *(char *const *)fb;
                return strcmp(sa ? sa : "", sb ? sb : "") == 0;
        }
        case KEY_INT:
                return *(const int *)fa == *(const int *)fb;
        case KEY_DOUBLE: {
                /* unset coordinates are NAN, and NAN never equals itself */
                double da = *(const double *)fa, db = *(const double *)fb;
                return da == db || (isnan(da) && isnan(db));
        }
        case KEY_BOOL:
                return *(const bool *)fa == *(const bool *)fb;
        case KEY_MEGABYTES:
                return *(const int64_t *)fa == *(const int64_t *)fb;
        }
        return false;
}

static void append_key(char *out, size_t size, size_t *count, const char *section,
                       const char *output, const char *name)
{
        size_t len = strlen(out);
        if (len < size)
                snprintf(out + len, size - len, "%s%s%s%s%s%s", *count ? ", " : "",
                         section, output ? "." : "", output ? output : "",
                         name ? "." : "", name ? name : "");
        (*count)++;
}

static const struct output_config *output_named(const struct config *c, const char *name)
{
        for (size_t i = 0; i < c->n_outputs; i++)
                if (strcmp(c->outputs[i].name, name) == 0)
                        return &c->outputs[i];
        return NULL;
}

size_t config_changed_keys(const struct config *a, const struct config *b, char *out,
                           size_t out_size)
{
        size_t count = 0;
        if (out_size)
                out[0] = '\0';
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
                if (strcmp(keys[i].section, "output") != 0 &&
                    !key_value_equal(&keys[i], a, b))
                        append_key(out, out_size, &count, keys[i].section, NULL,
                                   keys[i].name);
        for (size_t o = 0; o < a->n_outputs; o++) {
                const struct output_config *oa = &a->outputs[o];
                const struct output_config *ob = output_named(b, oa->name);
                if (!ob) {
                        append_key(out, out_size, &count, "output", oa->name, NULL);
                        continue;
                }
                for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
                        if (strcmp(keys[i].section, "output") == 0 &&
                            !key_value_equal(&keys[i], oa, ob))
                                append_key(out, out_size, &count, "output", oa->name,
                                           keys[i].name);
        }
        for (size_t o = 0; o < b->n_outputs; o++)
                if (!output_named(a, b->outputs[o].name))
                        append_key(out, out_size, &count, "output", b->outputs[o].name,
                                   NULL);
        return count;
}

void config_free(struct config *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < c->n_outputs; i++)
                free_output(&c->outputs[i]);
        free(c->path);
        free(c->dir);
        free(c->station_name);
        free(c->timezone);
        free(c->log_level);
        free(c->database);
        free(c->media_dir);
        free(c->fallback_playlist);
        free(c->web_listen);
        free(c->public_stream_url);
        free(c->trusted_proxies);
        free(c->public_url);
        free(c->alerts_feed);
        free(c->archive_dir);
        free(c->archive_format);
        free(c->holidays);
        free(c->live_listen);
        free(c->live_mount);
        free(c);
}
