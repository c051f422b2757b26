/*
 * store.c: the archive on disk: file names, reading a file's start and
 * length from its Ogg pages, the day's listing, retention and clips.
 */
#define _GNU_SOURCE /* memmem */
#define LOG_MODULE "archive"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "archive/archive.h"
#include "archive/archive_private.h"
#include "encoder/encoder.h"
#include "media/media.h"

#define HOUR_MS (3600LL * 1000)
#define DAY_MS (24 * HOUR_MS)
/* A file's first and last pages are looked for in this much of each end. */
#define PROBE_BYTES (64 << 10)
/* Files closer than this are contiguous (their times are rounded to the ms). */
#define JOIN_TOLERANCE_MS 20
#define MAX_FILES_PER_DAY 2048

void archive_segment_bounds(int64_t at_ms, int64_t segment_ms, int64_t *start,
                            int64_t *end)
{
        int64_t midnight = time_local_midnight(at_ms);
        int64_t hour = midnight + (at_ms - midnight) / HOUR_MS * HOUR_MS;
        if (segment_ms <= 0 || segment_ms > HOUR_MS)
                segment_ms = HOUR_MS;
        *start = hour + (at_ms - hour) / segment_ms * segment_ms;
        *end = *start + segment_ms;
        if (*end > hour + HOUR_MS)
                *end = hour + HOUR_MS;
}

void archive_segment_names(int64_t start_ms, int64_t segment_ms, char *date,
                           size_t date_size, char *base, size_t base_size)
{
        int y, mo, d, h, mi, s;
        time_local_fields(start_ms, &y, &mo, &d, &h, &mi, &s, NULL);
        snprintf(date, date_size, "%04d-%02d-%02d", y, mo, d);
        if (segment_ms >= HOUR_MS)
                snprintf(base, base_size, "%02d", h);
        else
                snprintf(base, base_size, "%02d-%02d-%02d", h, mi, s);
}

static bool two_digits(const char *p, int max, int *value)
{
        if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
                return false;
        *value = (p[0] - '0') * 10 + (p[1] - '0');
        return *value <= max;
}

bool archive_name_parse(const char *name, int *seconds_of_day)
{
        int h, mi = 0, s = 0;
        if (!two_digits(name, 23, &h))
                return false;
        const char *p = name + 2;
        if (p[0] == '-') {
                if (!two_digits(p + 1, 59, &mi) || p[3] != '-' ||
                    !two_digits(p + 4, 59, &s))
                        return false;
                p += 6;
        }
        if (strncmp(p, ".part", 5) == 0) {
                p += 5;
                if (!isdigit((unsigned char)*p))
                        return false;
                while (isdigit((unsigned char)*p))
                        p++;
        }
        if (strcmp(p, ".opus") != 0 && strcmp(p, ".ogg") != 0)
                return false;
        *seconds_of_day = h * 3600 + mi * 60 + s;
        return true;
}

static bool date_name_parse(const char *name, int *y, int *mo, int *d)
{
        return strlen(name) == 10 && sscanf(name, "%4d-%2d-%2d", y, mo, d) == 3 &&
               name[4] == '-' && name[7] == '-' && *mo >= 1 && *mo <= 12 && *d >= 1 &&
               *d <= 31;
}

static uint64_t read_le(const unsigned char *p, int n)
{
        uint64_t v = 0;
        for (int i = n - 1; i >= 0; i--)
                v = v << 8 | p[i];
        return v;
}

/* The length of the Ogg page at p (header and body), or 0 if p does not hold
 * a whole page within len. */
static size_t page_length(const unsigned char *p, size_t len)
{
        if (len < 27 || memcmp(p, "OggS", 4) != 0 || len < 27u + p[26])
                return 0;
        size_t body = 0;
        for (int i = 0; i < p[26]; i++)
                body += p[27 + i];
        size_t total = 27u + p[26] + body;
        return total <= len ? total : 0;
}

/* Finds the start time and the codec's clock from the first pages. */
static int parse_head(const unsigned char *buf, size_t len,
                      struct archive_file_info *info, int64_t *preskip, int *granule_rate)
{
        size_t first = page_length(buf, len);
        if (!first)
                return -1;
        const unsigned char *body = buf + 27 + buf[26];
        if (first >= 27u + buf[26] + 19 && memcmp(body, "OpusHead", 8) == 0) {
                *preskip = (int64_t)read_le(body + 10, 2);
                *granule_rate = 48000; /* Ogg Opus granules always count 48 kHz */
        } else if (memcmp(body, "\x01vorbis", 7) == 0) {
                *preskip = 0;
                *granule_rate = (int)read_le(body + 12, 4);
        } else {
                return -1;
        }
        static const char tag[] = ARCHIVE_START_TAG "=";
        const unsigned char *hit = memmem(buf, len, tag, sizeof tag - 1);
        if (!hit || *granule_rate <= 0)
                return -1;
        info->start_ms = strtoll((const char *)hit + sizeof tag - 1, NULL, 10);
        return 0;
}

/* The granule position of the last whole page in buf, -1 when none. */
static int64_t last_granule(const unsigned char *buf, size_t len)
{
        for (size_t i = len >= 27 ? len - 27 : 0;; i--) {
                if (memcmp(buf + i, "OggS", 4) == 0 && page_length(buf + i, len - i)) {
                        int64_t g = (int64_t)read_le(buf + i + 6, 8);
                        if (g >= 0)
                                return g;
                }
                if (i == 0)
                        return -1;
        }
}

int archive_file_info_read(const char *path, struct archive_file_info *info)
{
        int rc = -1;
        unsigned char *buf = xmalloc(PROBE_BYTES);
        FILE *f = fopen(path, "rb");
        if (!f)
                goto out;
        struct stat st;
        if (fstat(fileno(f), &st) != 0)
                goto out;
        info->bytes = st.st_size;
        size_t got = fread(buf, 1, PROBE_BYTES, f);
        int64_t preskip = 0;
        int granule_rate = 0;
        if (parse_head(buf, got, info, &preskip, &granule_rate) < 0)
                goto out;
        if (st.st_size > PROBE_BYTES) {
                if (fseeko(f, st.st_size - PROBE_BYTES, SEEK_SET) != 0)
                        goto out;
                got = fread(buf, 1, PROBE_BYTES, f);
        }
        int64_t granule = last_granule(buf, got);
        info->seconds =
            granule > preskip ? (double)(granule - preskip) / granule_rate : 0;
        rc = 0;
out:
        if (f)
                fclose(f);
        free(buf);
        return rc;
}

static int compare_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of folder accepted by keep, sorted; NULL when it cannot be
 * read.  Free each name and the array. */
static char **list_sorted(const char *folder, bool (*keep)(const char *name),
                          size_t *count)
{
        DIR *dir = opendir(folder);
        if (!dir)
                return NULL;
        size_t n = 0, cap = 16;
        char **names = xmalloc(cap * sizeof *names);
        struct dirent *e;
        while ((e = readdir(dir)) != NULL && n < MAX_FILES_PER_DAY * 4) {
                if (!keep(e->d_name))
                        continue;
                if (n == cap) {
                        cap *= 2;
                        names = xrealloc(names, cap * sizeof *names);
                }
                names[n++] = xstrdup(e->d_name);
        }
        closedir(dir);
        qsort(names, n, sizeof *names, compare_names);
        *count = n;
        return names;
}

static void free_names(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

static bool is_date_name(const char *name)
{
        int y, mo, d;
        return date_name_parse(name, &y, &mo, &d);
}

static bool is_archive_name(const char *name)
{
        int s;
        return archive_name_parse(name, &s);
}

int archive_prune(const char *folder, int retention_days, int64_t now_ms)
{
        size_t n_days = 0;
        char **days = list_sorted(folder, is_date_name, &n_days);
        if (!days)
                return -1;
        int64_t cutoff = now_ms - (int64_t)retention_days * DAY_MS;
        int deleted = 0;
        for (size_t i = 0; i < n_days; i++) {
                int y, mo, d;
                date_name_parse(days[i], &y, &mo, &d);
                int64_t midnight = time_from_local(y, mo, d, 0, 0, 0);
                if (midnight >= cutoff)
                        break; /* sorted: every later day is newer */
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", folder, days[i]);
                size_t n_files = 0;
                char **files = list_sorted(path, is_archive_name, &n_files);
                for (size_t j = 0; files && j < n_files; j++) {
                        int sod = 0;
                        archive_name_parse(files[j], &sod);
                        int64_t hour_end =
                            time_from_local(y, mo, d, sod / 3600, 0, 0) + HOUR_MS;
                        if (hour_end > cutoff)
                                break;
                        char file[4096 + 256];
                        snprintf(file, sizeof file, "%s/%s", path, files[j]);
                        if (unlink(file) == 0)
                                deleted++;
                        else
                                log_error("retention: cannot delete %s: %s", file,
                                          strerror(errno));
                }
                if (files)
                        free_names(files, n_files);
                rmdir(path); /* only when nothing else is left in it */
        }
        free_names(days, n_days);
        return deleted;
}

struct listed_file {
        char name[64];
        char path[4096];
        struct archive_file_info info;
};

static int compare_listed(const void *a, const void *b)
{
        const struct listed_file *x = a, *y = b;
        return x->info.start_ms < y->info.start_ms ? -1
                                                   : x->info.start_ms > y->info.start_ms;
}

static int64_t listed_end(const struct listed_file *f)
{
        return f->info.start_ms + (int64_t)(f->info.seconds * 1000.0 + 0.5);
}

/* The readable archive files of one date folder, sorted by start. */
static struct listed_file *list_day_files(const char *folder, const char *date,
                                          size_t *count)
{
        char path[3072];
        snprintf(path, sizeof path, "%s/%s", folder, date);
        size_t n = 0;
        *count = 0;
        char **names = list_sorted(path, is_archive_name, &n);
        if (!names)
                return NULL;
        struct listed_file *files = xcalloc(n ? n : 1, sizeof *files);
        size_t k = 0;
        for (size_t i = 0; i < n && k < MAX_FILES_PER_DAY; i++) {
                struct listed_file *f = &files[k];
                snprintf(f->name, sizeof f->name, "%s", names[i]);
                snprintf(f->path, sizeof f->path, "%s/%s", path, names[i]);
                if (archive_file_info_read(f->path, &f->info) == 0)
                        k++;
        }
        free_names(names, n);
        qsort(files, k, sizeof *files, compare_listed);
        *count = k;
        return files;
}

static void add_gap(json_t *gaps, int64_t from, int64_t to)
{
        if (to - from <= JOIN_TOLERANCE_MS)
                return;
        char a[40], b[40];
        json_array_append_new(gaps, json_pack("{s:s, s:s, s:f}", "start",
                                              time_format_iso(from, a, sizeof a), "end",
                                              time_format_iso(to, b, sizeof b), "seconds",
                                              (double)(to - from) / 1000.0));
}

json_t *archive_list_day(const char *folder, const char *date, int64_t day_ms, char *err,
                         size_t err_size)
{
        size_t n = 0;
        struct listed_file *files = list_day_files(folder, date, &n);
        if (!files && access(folder, R_OK) != 0) {
                snprintf(err, err_size, "cannot read the archive folder");
                return NULL;
        }
        int64_t day_end = time_local_midnight(day_ms + DAY_MS + HOUR_MS);
        int64_t now = time_now_ms();
        json_t *hours = json_array(), *gaps = json_array();
        int64_t cursor = day_ms;
        double total = 0;
        for (size_t i = 0; i < n; i++) {
                const struct listed_file *f = &files[i];
                int64_t end = listed_end(f);
                int sod = 0;
                archive_name_parse(f->name, &sod);
                char a[40], b[40];
                json_array_append_new(
                    hours,
                    json_pack("{s:i, s:s, s:s, s:s, s:f, s:I}", "hour", sod / 3600,
                              "file", f->name, "start",
                              time_format_iso(f->info.start_ms, a, sizeof a), "end",
                              time_format_iso(end, b, sizeof b), "seconds",
                              f->info.seconds, "bytes", (json_int_t)f->info.bytes));
                add_gap(gaps, cursor, f->info.start_ms);
                if (end > cursor)
                        cursor = end;
                total += f->info.seconds;
        }
        add_gap(gaps, cursor, now < day_end ? (now > cursor ? now : cursor) : day_end);
        free(files);
        return json_pack("{s:s, s:o, s:o, s:f}", "date", date, "hours", hours, "gaps",
                         gaps, "seconds", total);
}

int archive_parse_time(const char *text, int64_t *ms)
{
        int y, mo, d, h, mi, sec = 0, used = 0;
        if (!text ||
            sscanf(text, "%4d-%2d-%2d%*1[T ]%2d:%2d%n", &y, &mo, &d, &h, &mi, &used) !=
                5 ||
            used != 16)
                return -1;
        const char *p = text + used;
        int millis = 0;
        if (*p == ':') {
                if (!isdigit((unsigned char)p[1]) || !two_digits(p + 1, 60, &sec))
                        return -1;
                p += 3;
                if (*p == '.') {
                        int digits = 0;
                        for (p++; isdigit((unsigned char)*p); p++, digits++)
                                if (digits < 3)
                                        millis = millis * 10 + (*p - '0');
                        if (digits == 0)
                                return -1;
                        for (; digits < 3; digits++)
                                millis *= 10;
                }
        }
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
                return -1;
        if (*p == '\0') {
                *ms = time_from_local(y, mo, d, h, mi, sec) + millis;
                return 0;
        }
        int offset_min = 0;
        if (strcmp(p, "Z") != 0) {
                int oh, om;
                if ((p[0] != '+' && p[0] != '-') || !two_digits(p + 1, 14, &oh) ||
                    p[3] != ':' || !two_digits(p + 4, 59, &om) || p[6] != '\0')
                        return -1;
                offset_min = (p[0] == '-' ? -1 : 1) * (oh * 60 + om);
        }
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = mo - 1,
                        .tm_mday = d,
                        .tm_hour = h,
                        .tm_min = mi,
                        .tm_sec = sec};
        *ms = ((int64_t)timegm(&tm) - offset_min * 60LL) * 1000 + millis;
        return 0;
}

/* ---- clips ---------------------------------------------------------------- */

#define CLIP_BLOCK 4800

struct clip_job {
        int rate;
        int64_t from_ms;
        int64_t wanted;   /* frames */
        int64_t produced; /* frames written so far */
        struct encoder *encoder;
        float *buf;
};

/* Copies what f holds of the window from the job's cursor on.  0, or -1 on a
 * decoding or encoding failure. */
static int clip_from_file(struct clip_job *job, const struct listed_file *f, char *err,
                          size_t err_size)
{
        /* In frames, so that joins stay on the sample. */
        int64_t skip =
            (job->from_ms - f->info.start_ms) * job->rate / 1000 + job->produced;
        if (skip < 0)
                skip = 0;
        const char *rerr = NULL;
        struct media_reader *r = media_reader_open(f->path, job->rate, &rerr);
        if (!r) {
                snprintf(err, err_size, "%s: %s", f->name, rerr ? rerr : "cannot decode");
                return -1;
        }
        int rc = 0;
        while (skip > 0) {
                long got = media_reader_read(
                    r, job->buf, skip < CLIP_BLOCK ? (size_t)skip : CLIP_BLOCK);
                if (got <= 0)
                        goto out;
                skip -= got;
        }
        while (job->produced < job->wanted) {
                int64_t want = job->wanted - job->produced;
                long got = media_reader_read(
                    r, job->buf, want < CLIP_BLOCK ? (size_t)want : CLIP_BLOCK);
                if (got <= 0)
                        break;
                if (encoder_write(job->encoder, job->buf, (size_t)got) < 0) {
                        snprintf(err, err_size, "cannot write the clip");
                        rc = -1;
                        goto out;
                }
                job->produced += got;
        }
out:
        media_reader_free(r);
        return rc;
}

/* The files of every day the window touches, in order. */
static struct listed_file *clip_files(const char *folder, int64_t from_ms, int64_t to_ms,
                                      size_t *count)
{
        struct listed_file *all = NULL;
        size_t n = 0;
        for (int64_t day = time_local_midnight(from_ms); day < to_ms;
             day = time_local_midnight(day + DAY_MS + HOUR_MS)) {
                char date[16], base[16];
                archive_segment_names(day, HOUR_MS, date, sizeof date, base, sizeof base);
                size_t k = 0;
                struct listed_file *files = list_day_files(folder, date, &k);
                if (k > 0) {
                        all = xrealloc(all, (n + k) * sizeof *all);
                        memcpy(all + n, files, k * sizeof *files);
                        n += k;
                }
                free(files);
        }
        *count = n;
        return all;
}

int archive_clip_write(const char *folder, int rate, int64_t from_ms, int64_t to_ms,
                       const char *out_path, char *err, size_t err_size)
{
        struct archive_cut cut = {
            .format = "opus", .bitrate = 48, .max_seconds = ARCHIVE_CLIP_MAX_SECONDS};
        return archive_cut_write(folder, rate, from_ms, to_ms, &cut, out_path, err,
                                 err_size);
}

int archive_cut_write(const char *folder, int rate, int64_t from_ms, int64_t to_ms,
                      const struct archive_cut *cut, const char *out_path, char *err,
                      size_t err_size)
{
        int rc = -1;
        size_t n = 0;
        struct listed_file *files = NULL;
        struct encoder *encoder = NULL;
        struct sink *sink = NULL;
        struct clip_job job = {.rate = rate, .from_ms = from_ms};
        if (to_ms <= from_ms || to_ms - from_ms > cut->max_seconds * 1000LL) {
                snprintf(err, err_size, "the window must be 0-%d seconds long",
                         cut->max_seconds);
                goto out;
        }
        job.wanted = (to_ms - from_ms) * rate / 1000;
        files = clip_files(folder, from_ms, to_ms, &n);
        /* Check that the whole window is archived before writing anything. */
        int64_t cursor = from_ms;
        for (size_t i = 0; i < n && cursor < to_ms; i++) {
                if (listed_end(&files[i]) <= cursor)
                        continue;
                if (files[i].info.start_ms > cursor + JOIN_TOLERANCE_MS)
                        break;
                cursor = listed_end(&files[i]);
        }
        if (cursor + JOIN_TOLERANCE_MS < to_ms) {
                char at[40];
                snprintf(err, err_size, "not archived from %s",
                         time_format_iso(cursor, at, sizeof at));
                rc = -2;
                goto out;
        }
        struct output_config oc = {.name = "clip",
                                   .format = (char *)cut->format,
                                   .bitrate = cut->bitrate,
                                   .channels = 2};
        const char *eerr = "unknown error";
        encoder = encoder_new(&oc, rate, &eerr);
        if (encoder && cut->private_file)
                sink = sink_file_new_unbuffered(out_path, &eerr);
        else if (encoder)
                sink = sink_file_new(out_path, &eerr);
        if (!sink) {
                snprintf(err, err_size, "%s", eerr);
                goto out;
        }
        encoder_add_sink(encoder, sink);
        encoder_set_chained(encoder, false);
        if (cut->prefix && sink_write(sink, cut->prefix, cut->prefix_len) < 0) {
                snprintf(err, err_size, "cannot write the clip");
                goto out;
        }
        char title[80], at[40];
        snprintf(title, sizeof title, "clip from %s",
                 time_format_iso(from_ms, at, sizeof at));
        encoder_begin_item(encoder, cut->title ? cut->title : title, cut->artist);
        job.encoder = encoder;
        job.buf = xmalloc(CLIP_BLOCK * 2 * sizeof *job.buf);
        for (size_t i = 0; i < n && job.produced < job.wanted; i++) {
                int64_t cursor_ms = from_ms + job.produced * 1000 / rate;
                if (listed_end(&files[i]) <= cursor_ms)
                        continue;
                if (clip_from_file(&job, &files[i], err, err_size) < 0)
                        goto out;
        }
        /* Rounding at file joins may leave a few frames: silence, never more
         * than the join tolerance. */
        memset(job.buf, 0, CLIP_BLOCK * 2 * sizeof *job.buf);
        while (job.produced < job.wanted) {
                int64_t want = job.wanted - job.produced;
                size_t k = want < CLIP_BLOCK ? (size_t)want : CLIP_BLOCK;
                if (job.wanted - job.produced >
                    (int64_t)rate * JOIN_TOLERANCE_MS / 1000) {
                        snprintf(err, err_size, "the archive ended early");
                        rc = -2;
                        goto out;
                }
                encoder_write(encoder, job.buf, k);
                job.produced += (int64_t)k;
        }
        if (encoder_finish(encoder) < 0) {
                snprintf(err, err_size, "cannot write the clip");
                goto out;
        }
        rc = 0;
out:
        encoder_free(encoder);
        sink_free(sink);
        free(job.buf);
        free(files);
        if (rc != 0 && sink)
                unlink(out_path);
        return rc;
}
