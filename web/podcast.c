/* Podcasts for the public: a show's RSS 2.0 feed with the iTunes tags and its
 * episodes (MP3 cut from the archive by archive/podcast.c), served with
 * byte ranges, which podcast apps use to seek and resume. */
#define _GNU_SOURCE /* open_memstream */
#define LOG_MODULE "web"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/web_private.h"

/* The newest episodes a feed lists (a daily show: over a year). */
#define FEED_EPISODES_MAX 500

/* Writes text XML-escaped; characters XML 1.0 forbids (C0 controls other
 * than tab and newline) are left out. */
static void put_xml(FILE *out, const char *text)
{
        for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p;
             p++) {
                switch (*p) {
                case '&':
                        fputs("&amp;", out);
                        break;
                case '<':
                        fputs("&lt;", out);
                        break;
                case '>':
                        fputs("&gt;", out);
                        break;
                case '"':
                        fputs("&quot;", out);
                        break;
                case '\'':
                        fputs("&apos;", out);
                        break;
                default:
                        if (*p >= 0x20 || *p == '\t' || *p == '\n')
                                fputc(*p, out);
                }
        }
}

/* Writes plain text as the entity-encoded HTML that RSS 2.0's
 * description holds (podcast apps render it as HTML): the text is escaped
 * for HTML, its line breaks become <br>, and the result is escaped for XML.
 * Trailing line breaks are dropped. */
static void put_html(FILE *out, const char *text)
{
        const char *s = text ? text : "";
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == '\n')
                n--;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                switch (c) {
                case '&':
                        fputs("&amp;amp;", out);
                        break;
                case '<':
                        fputs("&amp;lt;", out);
                        break;
                case '>':
                        fputs("&amp;gt;", out);
                        break;
                case '"':
                        fputs("&amp;quot;", out);
                        break;
                case '\n':
                        fputs("&lt;br&gt;\n", out);
                        break;
                default:
                        if (c >= 0x20 || c == '\t')
                                fputc(c, out);
                }
        }
}

static void put_html_element(FILE *out, const char *indent, const char *name,
                             const char *text)
{
        fprintf(out, "%s<%s>", indent, name);
        put_html(out, text);
        fprintf(out, "</%s>\n", name);
}

/* <name>text</name> */
static void put_element(FILE *out, const char *indent, const char *name, const char *text)
{
        fprintf(out, "%s<%s>", indent, name);
        put_xml(out, text);
        fprintf(out, "</%s>\n", name);
}

/* RFC 822 (with a four-digit year, as RSS 2.0 asks): "Fri, 04 Dec 2026
 * 13:00:00 +0000", in English whatever the locale. */
static void rfc822(int64_t ms, char *buf, size_t size)
{
        static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
                                           "Thu", "Fri", "Sat"};
        static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        time_t t = (time_t)(ms / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                 tm.tm_sec);
}

/* A Host header we may echo into links: a name or address and a port. */
static bool host_valid(const char *host)
{
        return host && *host && strlen(host) < 256 &&
               strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789.-:[]") == strlen(host);
}

/* The address the feed's links start with, without a trailing slash:
 * [web] public_url, or what the request came to. */
static void base_url(struct web_request *r, char *buf, size_t size)
{
        const char *configured = r->web->ctx.config->public_url;
        if (configured && *configured) {
                snprintf(buf, size, "%s", configured);
                size_t n = strlen(buf);
                while (n > 0 && buf[n - 1] == '/')
                        buf[--n] = '\0';
                return;
        }
        const char *host =
            MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, "Host");
        const char *proto = MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND,
                                                        "X-Forwarded-Proto");
        bool https = web_from_trusted_proxy(r) && proto && strcmp(proto, "https") == 0;
        snprintf(buf, size, "%s://%s", https ? "https" : "http",
                 host_valid(host) ? host : "localhost");
}

struct feed_show {
        const char *name, *host, *description, *image, *category;
};

static void put_channel(FILE *out, struct web_request *r, const struct feed_show *s,
                        const char *base)
{
        const char *station = r->web->ctx.config->station_name;
        put_element(out, "    ", "title", s->name);
        fprintf(out, "    <link>");
        put_xml(out, base);
        fprintf(out, "/</link>\n");
        char fallback[512];
        snprintf(fallback, sizeof fallback, "%s: every airing on %s, as it aired.",
                 s->name, station);
        put_html_element(out, "    ", "description",
                         *s->description ? s->description : fallback);
        /* The station is Indonesian; its programmes are in Indonesian. */
        put_element(out, "    ", "language", "id");
        put_element(out, "    ", "itunes:author", *s->host ? s->host : station);
        fprintf(out, "    <itunes:category text=\"");
        put_xml(out, s->category);
        fprintf(out, "\"/>\n");
        /* What a licensed broadcaster airs meets the broadcasting code. */
        put_element(out, "    ", "itunes:explicit", "false");
        if (*s->image) {
                fprintf(out, "    <itunes:image href=\"");
                put_xml(out, s->image);
                fprintf(out, "\"/>\n    <image>\n      <url>");
                put_xml(out, s->image);
                fprintf(out, "</url>\n");
                put_element(out, "      ", "title", s->name);
                fprintf(out, "      <link>");
                put_xml(out, base);
                fprintf(out, "/</link>\n    </image>\n");
        }
}

static void put_item(FILE *out, sqlite3_stmt *stmt, int64_t show_id, const char *base)
{
        int64_t id = sqlite3_column_int64(stmt, 0);
        int64_t bytes = sqlite3_column_int64(stmt, 3);
        double seconds = sqlite3_column_double(stmt, 4);
        char date[64];
        rfc822(sqlite3_column_int64(stmt, 5), date, sizeof date);
        long total = (long)(seconds + 0.5);
        fprintf(out, "    <item>\n");
        put_element(out, "      ", "title", (const char *)sqlite3_column_text(stmt, 1));
        put_html_element(out, "      ", "description",
                         (const char *)sqlite3_column_text(stmt, 2));
        fprintf(out, "      <enclosure url=\"");
        put_xml(out, base);
        fprintf(out,
                "/podcast/%" PRId64 "/%" PRId64 ".mp3\" length=\"%" PRId64
                "\" type=\"audio/mpeg\"/>\n",
                show_id, id, bytes);
        fprintf(out,
                "      <guid isPermaLink=\"false\">siaran-podcast-%" PRId64 "-%" PRId64
                "</guid>\n",
                show_id, id);
        fprintf(out, "      <pubDate>%s</pubDate>\n", date);
        fprintf(out, "      <itunes:duration>%02ld:%02ld:%02ld</itunes:duration>\n",
                total / 3600, total / 60 % 60, total % 60);
        fprintf(out, "      <itunes:explicit>false</itunes:explicit>\n    </item>\n");
}

/* Reads a podcast show; false (404 answered) when there is none. */
static bool podcast_show(struct web_request *r, sqlite3_stmt **stmt)
{
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT name, host, podcast_description, podcast_image, "
                "podcast_category FROM shows WHERE id = ?1 AND podcast = 1",
                -1, stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return false;
        }
        sqlite3_bind_int64(*stmt, 1, r->ids[0]);
        if (sqlite3_step(*stmt) != SQLITE_ROW) {
                web_respond_error(r, 404, "not_found", "no podcast %" PRId64, r->ids[0]);
                return false;
        }
        return true;
}

static const char *text_or_empty(sqlite3_stmt *stmt, int column)
{
        const char *s = (const char *)sqlite3_column_text(stmt, column);
        return s ? s : "";
}

void web_handle_podcast_feed(struct web_request *r)
{
        sqlite3_stmt *show = NULL, *items = NULL;
        char *xml = NULL;
        size_t len = 0;
        if (!podcast_show(r, &show))
                goto out;
        struct feed_show s = {.name = text_or_empty(show, 0),
                              .host = text_or_empty(show, 1),
                              .description = text_or_empty(show, 2),
                              .image = text_or_empty(show, 3),
                              .category = text_or_empty(show, 4)};
        if (sqlite3_prepare_v2(r->db,
                               "SELECT id, title, description, bytes, seconds, ended_at "
                               "FROM podcast_episodes WHERE show_id = ?1 AND file IS NOT "
                               "NULL ORDER BY started_at DESC LIMIT ?2",
                               -1, &items, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                goto out;
        }
        sqlite3_bind_int64(items, 1, r->ids[0]);
        sqlite3_bind_int(items, 2, FEED_EPISODES_MAX);
        char base[1100];
        base_url(r, base, sizeof base);
        FILE *out = open_memstream(&xml, &len);
        fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<rss version=\"2.0\" "
                     "xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">\n"
                     "  <channel>\n");
        put_channel(out, r, &s, base);
        int step;
        while ((step = sqlite3_step(items)) == SQLITE_ROW)
                put_item(out, items, r->ids[0], base);
        fprintf(out, "  </channel>\n</rss>\n");
        fclose(out);
        if (step != SQLITE_DONE)
                web_respond_db_error(r);
        else
                web_respond_bytes(r, 200, "application/rss+xml; charset=utf-8", xml, len,
                                  false);
out:
        free(xml);
        sqlite3_finalize(items);
        sqlite3_finalize(show);
}

void web_handle_podcast_episode(struct web_request *r)
{
        sqlite3_stmt *show = NULL, *stmt = NULL;
        const char *folder = r->web->ctx.config->archive_dir;
        if (!podcast_show(r, &show))
                goto out;
        if (sqlite3_prepare_v2(r->db,
                               "SELECT file FROM podcast_episodes WHERE id = ?1 AND "
                               "show_id = ?2 AND file IS NOT NULL",
                               -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                goto out;
        }
        sqlite3_bind_int64(stmt, 1, r->ids[1]);
        sqlite3_bind_int64(stmt, 2, r->ids[0]);
        if (!folder || !*folder || sqlite3_step(stmt) != SQLITE_ROW) {
                web_respond_error(r, 404, "not_found", "no episode %" PRId64, r->ids[1]);
                goto out;
        }
        /* the name is the podcast thread's own ("podcast/ID/DATE.mp3"),
         * never a client's */
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", folder,
                 (const char *)sqlite3_column_text(stmt, 0));
        if (web_respond_file_range(r, path, "audio/mpeg") < 0)
                web_respond_error(r, 404, "file_missing", "episode %" PRId64 " is gone",
                                  r->ids[1]);
out:
        sqlite3_finalize(stmt);
        sqlite3_finalize(show);
}

void web_handle_podcast_list(struct web_request *r)
{
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(
                r->db,
                "SELECT s.id, s.name, (SELECT count(*) FROM podcast_episodes e "
                "WHERE e.show_id = s.id AND e.file IS NOT NULL) FROM shows s "
                "WHERE s.podcast = 1 ORDER BY s.name, s.id",
                -1, &stmt, NULL) != SQLITE_OK) {
                web_respond_db_error(r);
                return;
        }
        json_t *list = json_array();
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                int64_t id = sqlite3_column_int64(stmt, 0);
                char feed[64];
                snprintf(feed, sizeof feed, "/podcast/%" PRId64 ".xml", id);
                json_array_append_new(
                    list, json_pack("{sI ss ss sI}", "id", (json_int_t)id, "name",
                                    text_or_empty(stmt, 1), "feed", feed, "episodes",
                                    (json_int_t)sqlite3_column_int64(stmt, 2)));
        }
        sqlite3_finalize(stmt);
        web_respond_json(r, 200, json_pack("{so}", "podcasts", list));
}
