/*
 * podcast.c: every airing of a podcast show becomes an episode cut from the
 * archive (archive.h says when, where and for how long).  The work runs on
 * its own thread at a lower priority with its own database connection:
 * decoding an hour of Opus and encoding it as MP3 takes CPU seconds the
 * engine must never wait for.
 */
#define LOG_MODULE "podcast"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "archive/archive.h"
#include "scheduler/scheduler.h"

#define DAY_MS (24LL * 3600 * 1000)
/* How often finished airings are looked for. */
#define PASS_MS 3000
/* After the slot and show_grace: the archive's queue and its last Ogg page
 * (about a second each) and the as-run's writer have caught up. */
#define SETTLE_MS 3000
/* An airing the archive still does not hold this long after its end never
 * will (a gap: siaran was stopped, the disk guard paused it). */
#define GIVE_UP_MS (10 * 60 * 1000LL)
/* Airings that ended longer ago than this are not looked at (siaran was
 * down: what the archive holds of them can still be cut as a clip). */
#define LOOKBACK_MS (2 * DAY_MS)
/* Longest episode (a show lasts at most a day). */
#define EPISODE_MAX_SECONDS (24 * 3600)
#define EPISODE_KBPS 128
/* Apple Podcasts shows at most 4000 characters of a description. */
#define DESCRIPTION_MAX 4000
/* After a cut failed (not a gap: a write or decode error), nothing is cut
 * before this, so a broken disk is not hammered nor the log flooded. */
#define FAILURE_PAUSE_MS (60 * 1000LL)
/* Retention runs at start and then this often. */
#define PRUNE_INTERVAL_MS DAY_MS
/* Items that begin up to this much before the slot are the show's, and
 * those that begin this close to its end are not: a hard start or end lands
 * on the slot's first frame, which the as-run rounds to the ms. */
#define SLOT_SLACK_MS 50

struct podcast {
        const struct config *config;
        sqlite3 *db;
        int64_t next_prune_ms;
        int64_t paused_until_ms; /* after a failed cut */
        struct worker *worker;   /* runs pass every PASS_MS */
};

/* One finished airing: the slot and what the as-run says aired in it. */
struct airing {
        int64_t show_id;
        const char *show_name;
        int64_t slot_start, slot_end;
        int64_t start_ms, end_ms; /* the first item's start, the last's end */
};

static int exec_bound(sqlite3 *db, const char *sql, int64_t a, int64_t b)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, a);
                sqlite3_bind_int64(stmt, 2, b);
                int step = sqlite3_step(stmt);
                rc = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(stmt);
        return rc;
}

static bool episode_known(sqlite3 *db, int64_t show_id, int64_t slot_start)
{
        return exec_bound(db,
                          "SELECT 1 FROM podcast_episodes WHERE show_id = ?1 AND "
                          "scheduled_at = ?2",
                          show_id, slot_start) != 0; /* an error: try next pass */
}

/* Fills the airing's start and end from the as-run: the items that began in
 * the slot (the show's, and what interrupted it: PSAs, complaints, live),
 * the last one to its end, within show_grace after the slot.
 * False when the show itself did not air then (another show's one-off took
 * the slot, or siaran was not running). */
static bool find_aired(sqlite3 *db, struct airing *a)
{
        sqlite3_stmt *stmt = NULL;
        bool found = false;
        if (sqlite3_prepare_v2(db,
                               "SELECT min(started_at), max(ended_at), "
                               " sum(ref_id = ?3 AND kind NOT IN "
                               "  ('psa','announcement','alert'))"
                               " FROM asrun WHERE started_at >= ?1 AND started_at < ?2",
                               -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, a->slot_start - SLOT_SLACK_MS);
        sqlite3_bind_int64(stmt, 2, a->slot_end - SLOT_SLACK_MS);
        sqlite3_bind_int64(stmt, 3, a->show_id);
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int64(stmt, 2) > 0) {
                a->start_ms = sqlite3_column_int64(stmt, 0);
                a->end_ms = sqlite3_column_int64(stmt, 1);
                found = a->end_ms > a->start_ms;
        }
out:
        sqlite3_finalize(stmt);
        return found;
}

static void append(char *buf, size_t size, size_t *len, const char *text)
{
        size_t n = strlen(text);
        if (*len + n >= size)
                return;
        memcpy(buf + *len, text, n + 1);
        *len += n;
}

/* "Aired on STATION, DATE HH:MM:SS-HH:MM:SS:" and one line per item that
 * aired ("HH:MM:SS Title - Artist"), as long as it fits. */
static char *describe(sqlite3 *db, const struct podcast *p, const struct airing *a)
{
        char *text = xmalloc(DESCRIPTION_MAX + 1);
        size_t len = 0;
        char from[32], to[32], line[600];
        time_format_local(a->start_ms, from, sizeof from);
        time_format_local(a->end_ms, to, sizeof to);
        from[19] = to[19] = '\0'; /* "YYYY-MM-DD HH:MM:SS" */
        snprintf(line, sizeof line, "%s, aired on %s on %s from %s to %s.\n",
                 a->show_name, p->config->station_name, from, from + 11, to + 11);
        text[0] = '\0';
        append(text, DESCRIPTION_MAX + 1, &len, line);
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                db,
                "SELECT started_at, title, artist FROM asrun WHERE "
                "started_at >= ?1 AND started_at < ?2 ORDER BY started_at, "
                "id",
                -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, a->start_ms);
                sqlite3_bind_int64(stmt, 2, a->end_ms);
                while (sqlite3_step(stmt) == SQLITE_ROW) {
                        const char *title = (const char *)sqlite3_column_text(stmt, 1);
                        const char *artist = (const char *)sqlite3_column_text(stmt, 2);
                        char at[32];
                        time_format_local(sqlite3_column_int64(stmt, 0), at, sizeof at);
                        at[19] = '\0';
                        snprintf(line, sizeof line, "%s %s%s%s\n", at + 11,
                                 title ? title : "", artist && *artist ? " - " : "",
                                 artist ? artist : "");
                        append(text, DESCRIPTION_MAX + 1, &len, line);
                }
        }
        sqlite3_finalize(stmt);
        return text;
}

/* Records the episode (file NULL: the archive does not hold it). */
static int record_episode(sqlite3 *db, const struct airing *a, const char *title,
                          const char *description, const char *file, int64_t bytes)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(
                db,
                "INSERT OR IGNORE INTO podcast_episodes (show_id, "
                "scheduled_at, started_at, ended_at, title, description, "
                "file, bytes, seconds, created_at) VALUES (?1, ?2, ?3, ?4, "
                "?5, ?6, ?7, ?8, ?9, ?10)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto out;
        sqlite3_bind_int64(stmt, 1, a->show_id);
        sqlite3_bind_int64(stmt, 2, a->slot_start);
        sqlite3_bind_int64(stmt, 3, a->start_ms);
        sqlite3_bind_int64(stmt, 4, a->end_ms);
        sqlite3_bind_text(stmt, 5, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 6, description, -1, SQLITE_STATIC);
        if (file)
                sqlite3_bind_text(stmt, 7, file, -1, SQLITE_STATIC);
        else
                sqlite3_bind_null(stmt, 7);
        sqlite3_bind_int64(stmt, 8, bytes);
        sqlite3_bind_double(stmt, 9, (double)(a->end_ms - a->start_ms) / 1000.0);
        sqlite3_bind_int64(stmt, 10, time_now_ms());
        rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
out:
        if (rc < 0)
                log_error("cannot record the episode of show %lld: %s",
                          (long long)a->show_id, sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        return rc;
}

/* ---- the episode's ID3v2.4 tag (what a player shows of a downloaded file) */

struct tag_buf {
        unsigned char *data;
        size_t len, cap;
};

static void tag_put(struct tag_buf *t, const void *bytes, size_t n)
{
        if (t->len + n > t->cap) {
                t->cap = (t->len + n) * 2;
                t->data = xrealloc(t->data, t->cap);
        }
        memcpy(t->data + t->len, bytes, n);
        t->len += n;
}

/* ID3v2.4 sizes are "synchsafe": 7 bits a byte. */
static void tag_size(unsigned char *at, size_t n)
{
        for (int i = 3; i >= 0; i--, n >>= 7)
                at[i] = (unsigned char)(n & 0x7f);
}

/* A frame of UTF-8 text; COMM gets its language and an empty short
 * description first. */
static void tag_frame(struct tag_buf *t, const char *id, const char *text)
{
        unsigned char head[10] = {0};
        bool comment = strcmp(id, "COMM") == 0;
        size_t n = strlen(text);
        memcpy(head, id, 4);
        tag_size(head + 4, 1 + (comment ? 4 : 0) + n);
        tag_put(t, head, sizeof head);
        tag_put(t, "\x03", 1); /* UTF-8 */
        if (comment)
                tag_put(t, "ind\0", 4);
        tag_put(t, text, n);
}

static struct tag_buf make_tag(const char *title, const char *station, const char *show,
                               const char *date, const char *description)
{
        struct tag_buf t = {0};
        unsigned char head[10] = {'I', 'D', '3', 4, 0, 0};
        tag_put(&t, head, sizeof head);
        tag_frame(&t, "TIT2", title);
        tag_frame(&t, "TPE1", station);
        tag_frame(&t, "TALB", show);
        tag_frame(&t, "TDRC", date);
        tag_frame(&t, "COMM", description);
        tag_size(t.data + 6, t.len - 10);
        return t;
}

static int make_folder(const char *path)
{
        if (mkdir(path, 0750) == 0 || errno == EEXIST)
                return 0;
        log_error("cannot create %s: %s", path, strerror(errno));
        return -1;
}

/* Cuts the airing.  0 done (or given up), 1 not archived yet, -1 failed. */
static int make_episode(struct podcast *p, const struct airing *a, int64_t now)
{
        const char *folder = p->config->archive_dir;
        int y, mo, d, h, mi;
        time_local_fields(a->slot_start, &y, &mo, &d, &h, &mi, NULL, NULL);
        char title[300], rel[128], path[4096], part[4200];
        snprintf(title, sizeof title, "%s %04d-%02d-%02d", a->show_name, y, mo, d);
        snprintf(rel, sizeof rel, "podcast/%lld", (long long)a->show_id);
        snprintf(path, sizeof path, "%s/podcast", folder);
        if (make_folder(path) < 0)
                return -1;
        snprintf(path, sizeof path, "%s/%s", folder, rel);
        if (make_folder(path) < 0)
                return -1;
        snprintf(rel + strlen(rel), sizeof rel - strlen(rel),
                 "/%04d-%02d-%02d-%02d%02d.mp3", y, mo, d, h, mi);
        snprintf(path, sizeof path, "%s/%s", folder, rel);
        snprintf(part, sizeof part, "%s.part", path);
        unlink(part); /* a cut a crash left behind */
        char *description = describe(p->db, p, a);
        char date[16];
        snprintf(date, sizeof date, "%04d-%02d-%02d", y, mo, d);
        struct tag_buf tag =
            make_tag(title, p->config->station_name, a->show_name, date, description);
        struct archive_cut cut = {.format = "mp3",
                                  .prefix = tag.data,
                                  .prefix_len = tag.len,
                                  .bitrate = EPISODE_KBPS,
                                  .title = title,
                                  .artist = p->config->station_name,
                                  .max_seconds = EPISODE_MAX_SECONDS,
                                  .private_file = true};
        char err[256];
        int rc = archive_cut_write(folder, p->config->samplerate, a->start_ms, a->end_ms,
                                   &cut, part, err, sizeof err);
        free(tag.data);
        int result = -1;
        if (rc == -2 && now < a->end_ms + GIVE_UP_MS) {
                result = 1;
        } else if (rc == -2) {
                log_warn("no episode of '%s' on %04d-%02d-%02d: %s", a->show_name, y, mo,
                         d, err);
                result = record_episode(p->db, a, title, description, NULL, 0);
        } else if (rc < 0) {
                log_error("cannot cut the episode of '%s': %s", a->show_name, err);
        } else if (rename(part, path) != 0) {
                log_error("cannot rename %s: %s", part, strerror(errno));
        } else {
                struct stat st;
                int64_t bytes = stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
                result = record_episode(p->db, a, title, description, rel, bytes);
                if (result == 0)
                        log_info("episode '%s' (%.0f s, %lld bytes): %s", title,
                                 (double)(a->end_ms - a->start_ms) / 1000.0,
                                 (long long)bytes, rel);
                else
                        unlink(path);
        }
        if (rc < 0 || result != 0)
                unlink(part);
        free(description);
        return result;
}

/* Looks at the recent slots of one podcast show. */
static void show_pass(struct podcast *p, int64_t show_id, const char *name, int64_t now)
{
        struct sched_airing slots[8];
        char err[256];
        int n = sched_show_airings(p->db, show_id, now - LOOKBACK_MS, 3, slots, 8, err,
                                   sizeof err);
        int64_t grace_ms = (int64_t)(p->config->show_grace * 1000.0);
        for (int i = 0; i < n; i++) {
                struct airing a = {.show_id = show_id,
                                   .show_name = name,
                                   .slot_start = slots[i].start_ms,
                                   .slot_end = slots[i].end_ms};
                if (a.slot_end + grace_ms + SETTLE_MS > now ||
                    a.slot_end < now - LOOKBACK_MS ||
                    episode_known(p->db, show_id, a.slot_start))
                        continue;
                if (!find_aired(p->db, &a)) {
                        /* nothing of it aired: remembered, so it is not looked
                         * at again */
                        a.start_ms = a.slot_start;
                        a.end_ms = a.slot_start;
                        record_episode(p->db, &a, name, "", NULL, 0);
                        continue;
                }
                if (make_episode(p, &a, now) < 0) {
                        p->paused_until_ms = now + FAILURE_PAUSE_MS;
                        return;
                }
        }
}

static bool disk_has_room(const struct podcast *p)
{
        struct statvfs vfs;
        if (statvfs(p->config->archive_dir, &vfs) != 0)
                return false;
        int64_t free_mb =
            (int64_t)((unsigned long long)vfs.f_bavail * vfs.f_frsize >> 20);
        return free_mb >= p->config->archive_min_free_mb;
}

/* Deletes the folders of shows that are gone (their rows went with them:
 * ON DELETE CASCADE); only names the podcast thread makes are touched. */
static void prune_deleted_shows(struct podcast *p)
{
        char path[4096];
        snprintf(path, sizeof path, "%s/podcast", p->config->archive_dir);
        DIR *dir = opendir(path);
        if (!dir)
                return;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
                char *end = NULL;
                long long id = strtoll(e->d_name, &end, 10);
                if (id <= 0 || *end ||
                    exec_bound(p->db, "SELECT 1 FROM shows WHERE id = ?1", id, 0) != 0)
                        continue;
                char show[4400];
                snprintf(show, sizeof show, "%s/%s", path, e->d_name);
                DIR *files = opendir(show);
                struct dirent *f;
                int deleted = 0;
                while (files && (f = readdir(files)) != NULL) {
                        size_t n = strlen(f->d_name);
                        if (n < 5 || (strcmp(f->d_name + n - 4, ".mp3") != 0 &&
                                      strcmp(f->d_name + n - 5, ".part") != 0))
                                continue;
                        char file[4700];
                        snprintf(file, sizeof file, "%s/%s", show, f->d_name);
                        deleted += unlink(file) == 0;
                }
                if (files)
                        closedir(files);
                rmdir(show);
                log_info("deleted %d episode file(s) of deleted show %lld", deleted, id);
        }
        closedir(dir);
}

/* Deletes the episodes (files and rows) older than the archive's retention. */
static void prune(struct podcast *p, int64_t now)
{
        if (now < p->next_prune_ms)
                return;
        p->next_prune_ms = now + PRUNE_INTERVAL_MS;
        int64_t cutoff = now - (int64_t)p->config->archive_retention_days * DAY_MS;
        sqlite3_stmt *stmt = NULL;
        int deleted = 0;
        if (sqlite3_prepare_v2(p->db,
                               "SELECT file FROM podcast_episodes WHERE started_at < ?1 "
                               "AND file IS NOT NULL",
                               -1, &stmt, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(stmt, 1, cutoff);
                while (sqlite3_step(stmt) == SQLITE_ROW) {
                        char path[4096];
                        snprintf(path, sizeof path, "%s/%s", p->config->archive_dir,
                                 (const char *)sqlite3_column_text(stmt, 0));
                        if (unlink(path) == 0 || errno == ENOENT)
                                deleted++;
                }
        }
        sqlite3_finalize(stmt);
        if (exec_bound(p->db, "DELETE FROM podcast_episodes WHERE started_at < ?1",
                       cutoff, 0) < 0)
                log_error("retention: cannot delete old episodes: %s",
                          sqlite3_errmsg(p->db));
        else if (deleted > 0)
                log_info("retention: deleted %d episode(s) older than %d days", deleted,
                         p->config->archive_retention_days);
        prune_deleted_shows(p);
}

static void pass(struct podcast *p)
{
        int64_t now = time_now_ms();
        prune(p, now);
        if (now < p->paused_until_ms || !disk_has_room(p))
                return; /* the archive's disk guard speaks for both */
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(p->db,
                               "SELECT id, name FROM shows WHERE podcast = 1 ORDER BY id",
                               -1, &stmt, NULL) != SQLITE_OK)
                return;
        /* read first: cutting holds no statement open on the shows */
        struct podcast_show {
                int64_t id;
                char *name;
        } *shows = NULL;
        size_t n = 0;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                shows = xrealloc(shows, (n + 1) * sizeof *shows);
                shows[n].id = sqlite3_column_int64(stmt, 0);
                shows[n].name = xstrdup((const char *)sqlite3_column_text(stmt, 1));
                n++;
        }
        sqlite3_finalize(stmt);
        for (size_t i = 0; i < n; i++) {
                if (now >= p->paused_until_ms)
                        show_pass(p, shows[i].id, shows[i].name, now);
                free(shows[i].name);
        }
        free(shows);
}

/* The worker's run: one pass, the next in PASS_MS unless stopped. */
static int podcast_run(void *arg)
{
        pass(arg);
        return PASS_MS;
}

struct podcast *podcast_new(const struct config *config, const char **errstr)
{
        if (!config->archive_dir || !*config->archive_dir) {
                *errstr = "podcasts need an [archive] folder";
                return NULL;
        }
        char err[256];
        sqlite3 *db = sched_db_open(config->database, err, sizeof err);
        if (!db) {
                *errstr = "cannot open the database for podcasts";
                log_error("%s", err);
                return NULL;
        }
        struct podcast *p = xcalloc(1, sizeof *p);
        p->config = config;
        p->db = db;
        /* below the engine and the web: cutting is never urgent */
        p->worker = worker_new("podcast", 10, podcast_run, p);
        if (!p->worker) {
                *errstr = "cannot start the podcast thread";
                sqlite3_close_v2(db);
                free(p);
                return NULL;
        }
        return p;
}

void podcast_free(struct podcast *p)
{
        if (!p)
                return;
        worker_free(p->worker); /* a cut under way is finished first */
        sqlite3_close_v2(p->db);
        free(p);
}
