/* The archive for the panel: the hours of a day and clips of any window,
 * as Ogg Opus cut from the hour files (archive/archive.h). */
#define LOG_MODULE "web"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "web/web_private.h"

/* Clips decode and encode on the request's thread: a few at a time. */
#define CLIPS_AT_ONCE 2

static atomic_int clips_running;

static const char *archive_folder(struct web_request *r)
{
        const char *folder = r->web->ctx.config->archive_dir;
        if (!folder || !*folder) {
                web_respond_error(r, 404, "archive_disabled",
                                  "this station keeps no archive");
                return NULL;
        }
        return folder;
}

void web_handle_archive_list(struct web_request *r)
{
        const char *folder = archive_folder(r);
        if (!folder)
                return;
        const char *date = web_query(r, "date");
        int64_t day_ms = 0;
        if (!date || strlen(date) != 10 || time_parse_date(date, &day_ms) < 0) {
                web_respond_error(r, 400, "date_invalid", "date must be YYYY-MM-DD");
                return;
        }
        char err[256];
        json_t *day = archive_list_day(folder, date, day_ms, err, sizeof err);
        if (!day) {
                web_respond_error(r, 500, "internal_error", "%s", err);
                return;
        }
        web_respond_json(r, 200, day);
}

/* Answers with the clip in path, which is unlinked (the open file stays
 * readable until sent). */
static void respond_clip(struct web_request *r, const char *path)
{
        if (web_respond_file(r, path, "audio/ogg") < 0)
                web_respond_error(r, 500, "internal_error", "cannot read the clip");
        unlink(path);
}

void web_handle_archive_clip(struct web_request *r)
{
        const char *folder = archive_folder(r);
        if (!folder)
                return;
        int64_t from = 0, to = 0;
        if (archive_parse_time(web_query(r, "from"), &from) < 0 ||
            archive_parse_time(web_query(r, "to"), &to) < 0) {
                web_respond_error(r, 400, "range_invalid",
                                  "from and to must be ISO 8601 times "
                                  "(YYYY-MM-DDTHH:MM:SS[.mmm][Z|+HH:MM])");
                return;
        }
        if (to <= from || to - from > ARCHIVE_CLIP_MAX_SECONDS * 1000LL) {
                web_respond_error(r, 400, "range_invalid",
                                  "to must be after from, at most %d s later",
                                  ARCHIVE_CLIP_MAX_SECONDS);
                return;
        }
        if (atomic_fetch_add(&clips_running, 1) >= CLIPS_AT_ONCE) {
                atomic_fetch_sub(&clips_running, 1);
                web_respond_error(r, 429, "server_busy",
                                  "other clips are being cut; try again shortly");
                return;
        }
        const char *tmpdir = getenv("TMPDIR");
        char path[4096], err[256];
        snprintf(path, sizeof path, "%s/siaran-clip.XXXXXX",
                 tmpdir && *tmpdir ? tmpdir : "/tmp");
        int fd = mkstemp(path);
        if (fd < 0) {
                web_respond_error(r, 500, "internal_error",
                                  "cannot create a temporary file");
                goto out;
        }
        close(fd);
        int rc = archive_clip_write(folder, r->web->ctx.config->samplerate, from, to,
                                    path, err, sizeof err);
        if (rc == 0) {
                respond_clip(r, path);
        } else {
                unlink(path);
                web_respond_error(r, rc == -2 ? 404 : 500,
                                  rc == -2 ? "archive_gap" : "internal_error", "%s", err);
        }
out:
        atomic_fetch_sub(&clips_running, 1);
}
