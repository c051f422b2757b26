/* The as-run log: what actually aired, recorded by the engine's source and
 * exported as CSV or terminal text; and the PSA campaign report built on it. */
#define LOG_MODULE "asrun"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler/scheduler.h"

#define TIME_TEXT_SIZE 40

/* RFC 4180 quoting, and no cell a spreadsheet would run as a formula
 * (common/text.c). */
static void csv_field(FILE *out, const char *text)
{
        csv_write_cell(out, text, false);
}

/* Station-zone time, or "" for a missing one (0: no planned start). */
static const char *format_time(int64_t ms, char *buf, size_t size)
{
        if (ms <= 0) {
                buf[0] = '\0';
                return buf;
        }
        return time_format_local(ms, buf, size);
}

struct asrun_line {
        int64_t scheduled_ms; /* 0 when the item had no planned start */
        int64_t start_ms;
        int64_t end_ms;
        const char *title;
        const char *artist;
        const char *kind;
        const char *source;
        const char *reason;
};

static const char csv_header[] =
    "scheduled,start,end,duration,title,artist,kind,source,reason\n";

static void write_csv_line(FILE *out, const struct asrun_line *line)
{
        char scheduled[TIME_TEXT_SIZE], start[TIME_TEXT_SIZE], end[TIME_TEXT_SIZE];
        fprintf(out, "%s,%s,%s,%.3f,",
                format_time(line->scheduled_ms, scheduled, sizeof scheduled),
                format_time(line->start_ms, start, sizeof start),
                format_time(line->end_ms, end, sizeof end),
                (double)(line->end_ms - line->start_ms) / 1000.0);
        csv_field(out, line->title);
        fputc(',', out);
        csv_field(out, line->artist);
        fputc(',', out);
        csv_field(out, line->kind);
        fputc(',', out);
        csv_field(out, line->source);
        fputc(',', out);
        csv_field(out, line->reason);
        fputc('\n', out);
}

/* Text for a terminal: control characters (a tag with a newline or an escape
 * sequence) become spaces so one row stays one line. */
static void text_field(FILE *out, const char *text)
{
        for (const unsigned char *c = (const unsigned char *)(text ? text : ""); *c; c++)
                fputc(*c < 0x20 || *c == 0x7f ? ' ' : *c, out);
}

/* The time of day part of a formatted local time ("HH:MM:SS.mmm"). */
static const char *time_of_day(const char *formatted)
{
        size_t len = strlen(formatted);
        return len > 11 ? formatted + 11 : formatted;
}

static void write_text_header(FILE *out)
{
        fprintf(out, "%-23s  %-12s  %9s  %-12s  %-18s  %-12s  %s\n", "start", "end",
                "duration", "kind", "reason", "scheduled", "artist - title");
}

static void write_text_line(FILE *out, const struct asrun_line *line)
{
        char scheduled[TIME_TEXT_SIZE], start[TIME_TEXT_SIZE], end[TIME_TEXT_SIZE];
        format_time(line->scheduled_ms, scheduled, sizeof scheduled);
        fprintf(out, "%-23s  %-12s  %9.3f  %-12s  %-18s  %-12s  ",
                format_time(line->start_ms, start, sizeof start),
                time_of_day(format_time(line->end_ms, end, sizeof end)),
                (double)(line->end_ms - line->start_ms) / 1000.0, line->kind,
                line->reason, scheduled[0] ? time_of_day(scheduled) : "-");
        if (line->artist && *line->artist) {
                text_field(out, line->artist);
                fputs(" - ", out);
        }
        text_field(out, line->title);
        fputc('\n', out);
}

/* The item's title, or its file name when it has none (the column is NOT NULL
 * and an as-run row must never be lost for want of a tag). */
static const char *item_title(const struct playout_item *item)
{
        if (item->title && *item->title)
                return item->title;
        if (item->path) {
                const char *base = strrchr(item->path, '/');
                return base ? base + 1 : item->path;
        }
        return "";
}

static void line_from_record(struct asrun_line *line, const struct playout_asrun *record)
{
        const struct playout_item *item = record->item;
        line->scheduled_ms = item->scheduled_ms;
        line->start_ms = record->start_ms;
        line->end_ms = record->end_ms;
        line->title = item_title(item);
        line->artist = item->artist ? item->artist : "";
        line->kind = item_kind_name(item->kind);
        line->source = item->path ? item->path : "";
        line->reason = playout_end_reason_name(record->reason);
}

static void bind_optional_id(sqlite3_stmt *stmt, int index, int64_t value)
{
        if (value > 0)
                sqlite3_bind_int64(stmt, index, value);
        else
                sqlite3_bind_null(stmt, index);
}

int sched_asrun_record(sqlite3 *db, const struct playout_asrun *record)
{
        sqlite3_stmt *stmt = NULL;
        struct asrun_line line;
        int rc = -1;
        if (!record || !record->item)
                return -1;
        line_from_record(&line, record);
        /* one statement in autocommit mode is its own transaction */
        if (sqlite3_prepare_v2(
                db,
                "INSERT INTO asrun (scheduled_at, started_at, ended_at, frames, "
                "kind, title, artist, source, media_id, ref_id, reason) VALUES "
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                -1, &stmt, NULL) != SQLITE_OK)
                goto fail;
        bind_optional_id(stmt, 1, line.scheduled_ms);
        sqlite3_bind_int64(stmt, 2, line.start_ms);
        sqlite3_bind_int64(stmt, 3, line.end_ms);
        sqlite3_bind_int64(stmt, 4, record->frames);
        sqlite3_bind_text(stmt, 5, line.kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 6, line.title, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 7, line.artist, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 8, line.source, -1, SQLITE_STATIC);
        bind_optional_id(stmt, 9, record->item->media_id);
        bind_optional_id(stmt, 10, record->item->ref_id);
        sqlite3_bind_text(stmt, 11, line.reason, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                goto fail;
        rc = 0;
        goto out;
fail:
        log_error("cannot record '%s' at %lld: %s", line.title, (long long)line.start_ms,
                  sqlite3_errmsg(db));
out:
        sqlite3_finalize(stmt);
        return rc;
}

static const char *column_text(sqlite3_stmt *stmt, int column)
{
        const unsigned char *text = sqlite3_column_text(stmt, column);
        return text ? (const char *)text : "";
}

int sched_asrun_export(sqlite3 *db, int64_t from_ms, int64_t to_ms, bool csv, FILE *out)
{
        return sched_asrun_export_sources(db, from_ms, to_ms, NULL, csv, true, out);
}

int sched_asrun_export_sources(sqlite3 *db, int64_t from_ms, int64_t to_ms,
                               const char *kind, bool csv, bool sources, FILE *out)
{
        sqlite3_stmt *stmt = NULL;
        int rows = 0;
        int step;
        if (sqlite3_prepare_v2(
                db,
                "SELECT scheduled_at, started_at, ended_at, title, artist, kind, "
                "source, reason FROM asrun WHERE started_at >= ?1 AND "
                "started_at < ?2 AND (?3 IS NULL OR kind = ?3) ORDER BY started_at, id",
                -1, &stmt, NULL) != SQLITE_OK)
                goto fail;
        sqlite3_bind_int64(stmt, 1, from_ms);
        sqlite3_bind_int64(stmt, 2, to_ms);
        if (kind)
                sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_STATIC);
        if (csv)
                fputs(csv_header, out);
        else
                write_text_header(out);
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct asrun_line line = {
                    .scheduled_ms = sqlite3_column_int64(stmt, 0), /* NULL reads as 0 */
                    .start_ms = sqlite3_column_int64(stmt, 1),
                    .end_ms = sqlite3_column_int64(stmt, 2),
                    .title = column_text(stmt, 3),
                    .artist = column_text(stmt, 4),
                    .kind = column_text(stmt, 5),
                    .source = sources ? column_text(stmt, 6) : "",
                    .reason = column_text(stmt, 7),
                };
                if (csv)
                        write_csv_line(out, &line);
                else
                        write_text_line(out, &line);
                rows++;
        }
        if (step != SQLITE_DONE)
                goto fail;
        sqlite3_finalize(stmt);
        return rows;
fail:
        log_error("as-run export: %s", sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        return -1;
}

void sched_asrun_write_csv(FILE *out, const struct playout_asrun *record, bool header)
{
        struct asrun_line line;
        if (header)
                fputs(csv_header, out);
        if (!record || !record->item)
                return;
        line_from_record(&line, record);
        write_csv_line(out, &line);
}

/* ---- the PSA campaign report ------------------------------------------------ */

static int campaign_name(sqlite3 *db, int64_t campaign_id, char **name)
{
        sqlite3_stmt *stmt = NULL;
        int rc = -1;
        if (sqlite3_prepare_v2(db, "SELECT name FROM campaigns WHERE id = ?1", -1, &stmt,
                               NULL) != SQLITE_OK) {
                log_error("campaign %lld: %s", (long long)campaign_id,
                          sqlite3_errmsg(db));
                goto out;
        }
        sqlite3_bind_int64(stmt, 1, campaign_id);
        if (sqlite3_step(stmt) != SQLITE_ROW) {
                log_warn("campaign %lld: no such campaign", (long long)campaign_id);
                goto out;
        }
        *name = xstrdup(column_text(stmt, 0));
        rc = 0;
out:
        sqlite3_finalize(stmt);
        return rc;
}

/* One row per (campaign item, airing); an item that never aired in the window
 * still gets one row with NULL airing columns (the LEFT JOIN), so its zero
 * shows.  "Aired" means frames went out: a skipped unreadable file is not a
 * play.  The window functions carry the item's counts on every row so the
 * output is one pass.  docs/asrun.md shows the same query for sqlite3. */
static const char campaign_report_sql[] =
    "SELECT ci.position, ci.media_id, m.title, a.started_at, a.ended_at, a.reason,"
    " count(a.id) OVER item, coalesce(sum(a.reason = 'completed') OVER item, 0)"
    " FROM campaign_items ci"
    " JOIN media m ON m.id = ci.media_id"
    " LEFT JOIN asrun a ON a.media_id = ci.media_id AND a.kind = 'psa'"
    "  AND a.frames > 0 AND a.started_at >= ?2 AND a.started_at < ?3"
    " WHERE ci.campaign_id = ?1"
    " WINDOW item AS (PARTITION BY ci.position)"
    " ORDER BY ci.position, a.started_at";

int sched_campaign_report(sqlite3 *db, int64_t campaign_id, int64_t from_ms,
                          int64_t to_ms, bool csv, FILE *out)
{
        sqlite3_stmt *stmt = NULL;
        char *name = NULL;
        char from_text[TIME_TEXT_SIZE], to_text[TIME_TEXT_SIZE];
        int64_t previous_position = -1;
        int total = 0;
        int rc = -1;
        int step;

        if (campaign_name(db, campaign_id, &name) < 0)
                goto out;
        if (sqlite3_prepare_v2(db, campaign_report_sql, -1, &stmt, NULL) != SQLITE_OK)
                goto db_error;
        sqlite3_bind_int64(stmt, 1, campaign_id);
        sqlite3_bind_int64(stmt, 2, from_ms);
        sqlite3_bind_int64(stmt, 3, to_ms);

        if (csv) {
                fputs(
                    "campaign,position,media_id,title,plays,start,end,duration,reason\n",
                    out);
        } else {
                fprintf(out, "campaign %lld: ", (long long)campaign_id);
                text_field(out, name);
                fprintf(out, "\nfrom %s to %s\n",
                        time_format_local(from_ms, from_text, sizeof from_text),
                        time_format_local(to_ms, to_text, sizeof to_text));
        }
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                int64_t position = sqlite3_column_int64(stmt, 0);
                int64_t media_id = sqlite3_column_int64(stmt, 1);
                const char *title = column_text(stmt, 2);
                bool aired = sqlite3_column_type(stmt, 3) != SQLITE_NULL;
                int64_t start = sqlite3_column_int64(stmt, 3);
                int64_t end = sqlite3_column_int64(stmt, 4);
                const char *reason = column_text(stmt, 5);
                int plays = sqlite3_column_int(stmt, 6);
                int completed = sqlite3_column_int(stmt, 7);
                char start_text[TIME_TEXT_SIZE], end_text[TIME_TEXT_SIZE];

                if (csv) {
                        fprintf(out, "%lld,%lld,%lld,", (long long)campaign_id,
                                (long long)position, (long long)media_id);
                        csv_field(out, title);
                        if (aired)
                                fprintf(out, ",%d,%s,%s,%.3f,%s\n", plays,
                                        time_format_local(start, start_text,
                                                          sizeof start_text),
                                        time_format_local(end, end_text, sizeof end_text),
                                        (double)(end - start) / 1000.0, reason);
                        else
                                fputs(",0,,,,\n", out);
                } else {
                        if (position != previous_position) {
                                fprintf(out, "#%lld  media %lld  ", (long long)position,
                                        (long long)media_id);
                                text_field(out, title);
                                fprintf(out, ": %d play%s, %d completed\n", plays,
                                        plays == 1 ? "" : "s", completed);
                        }
                        if (aired)
                                fprintf(out, "    %s  %9.3f  %s\n",
                                        time_format_local(start, start_text,
                                                          sizeof start_text),
                                        (double)(end - start) / 1000.0, reason);
                }
                if (aired)
                        total++;
                previous_position = position;
        }
        if (step != SQLITE_DONE)
                goto db_error;
        if (!csv)
                fprintf(out, "total: %d play%s\n", total, total == 1 ? "" : "s");
        rc = total;
        goto out;
db_error:
        log_error("campaign %lld report: %s", (long long)campaign_id, sqlite3_errmsg(db));
out:
        sqlite3_finalize(stmt);
        free(name);
        return rc;
}
