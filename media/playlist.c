/* M3U and M3U8 playlists, as players and playlist editors write them:
 * optional #EXTM3U header, #EXTINF lines describing the next entry, one path
 * or file:// URL per line, any line ending, an optional UTF-8 BOM.  Whether
 * each file exists is not checked here: the engine checks every item when it
 * opens it, and a file may appear after the playlist was read. */
#define LOG_MODULE "media"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "media/media.h"

/* A playlist larger than this is not a playlist. */
#define PLAYLIST_MAX_BYTES (16L * 1024 * 1024)

struct pending_info {
        char *title;
        char *artist;
};

static void pending_clear(struct pending_info *pending)
{
        free(pending->title);
        free(pending->artist);
        pending->title = pending->artist = NULL;
}

/* Trims blanks at both ends in place; returns the new start. */
static char *trim(char *s)
{
        while (*s == ' ' || *s == '\t')
                s++;
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
                s[--n] = '\0';
        return s;
}

/* "#EXTINF:123,Artist - Title" (attributes such as tvg-id="x" may stand
 * between the duration and the comma).  The text after the first comma that
 * is outside quotes is the display name. */
static void parse_extinf(const char *line, struct pending_info *pending)
{
        pending_clear(pending);
        const char *p = line + strlen("#EXTINF:");
        bool quoted = false;
        for (; *p; p++) {
                if (*p == '"')
                        quoted = !quoted;
                else if (*p == ',' && !quoted)
                        break;
        }
        if (*p != ',')
                return;
        char *name = xstrdup(p + 1);
        char *text = trim(name);
        char *dash = strstr(text, " - ");
        if (dash) {
                *dash = '\0';
                char *artist = trim(text);
                char *title = trim(dash + 3);
                pending->artist = *artist ? xstrdup(artist) : NULL;
                pending->title = *title ? xstrdup(title) : NULL;
        } else if (*text) {
                pending->title = xstrdup(text);
        }
        free(name);
}

static int hex_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        c = (char)tolower((unsigned char)c);
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

/* The path of a file:// URL, percent-decoded; NULL when it is not a local
 * file URL or decodes to something unusable. */
static char *file_url_path(const char *url)
{
        const char *p = url + strlen("file://");
        if (strncmp(p, "localhost/", 10) == 0)
                p += strlen("localhost");
        if (*p != '/')
                return NULL; /* file://otherhost/... */
        char *out = xmalloc(strlen(p) + 1);
        size_t n = 0;
        for (; *p; p++) {
                if (*p == '%') {
                        int hi = hex_value(p[1]), lo = hi >= 0 ? hex_value(p[2]) : -1;
                        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                                free(out);
                                return NULL;
                        }
                        out[n++] = (char)(hi * 16 + lo);
                        p += 2;
                } else {
                        out[n++] = *p;
                }
        }
        out[n] = '\0';
        return out;
}

/* True when the line starts with a URL scheme ("http:", "rtsp:", ...). */
static bool has_scheme(const char *line)
{
        const char *p = line;
        if (!isalpha((unsigned char)*p))
                return false;
        while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
                p++;
        return p - line >= 2 && p[0] == ':' && p[1] == '/' && p[2] == '/';
}

/* The playlist's folder as an absolute path. */
static char *playlist_folder(const char *path)
{
        char *dir = xstrdup(path);
        char *slash = strrchr(dir, '/');
        if (slash == dir) {
                dir[1] = '\0';
        } else if (slash) {
                *slash = '\0';
        } else {
                free(dir);
                dir = xstrdup(".");
        }
        if (dir[0] != '/') {
                char cwd[4096];
                if (getcwd(cwd, sizeof cwd)) {
                        char *abs = strcmp(dir, ".") == 0 ? xstrdup(cwd)
                                                          : xasprintf("%s/%s", cwd, dir);
                        free(dir);
                        dir = abs;
                }
        }
        return dir;
}

static char *read_whole_file(const char *path, size_t *len, char *err, size_t err_size)
{
        FILE *f = fopen(path, "rb");
        char *data = NULL;
        if (!f) {
                snprintf(err, err_size, "%s: %s", path, strerror(errno));
                return NULL;
        }
        size_t cap = 0, n = 0;
        for (;;) {
                if (n == cap) {
                        if (cap >= (size_t)PLAYLIST_MAX_BYTES) {
                                snprintf(err, err_size,
                                         "%s: playlist larger than %ld bytes", path,
                                         PLAYLIST_MAX_BYTES);
                                goto fail;
                        }
                        cap = cap ? cap * 2 : 8192;
                        data = xrealloc(data, cap + 1);
                }
                size_t got = fread(data + n, 1, cap - n, f);
                n += got;
                if (got == 0)
                        break;
        }
        if (ferror(f)) {
                snprintf(err, err_size, "%s: read error", path);
                goto fail;
        }
        fclose(f);
        data = data ? data : xmalloc(1);
        data[n] = '\0';
        *len = n;
        return data;
fail:
        fclose(f);
        free(data);
        return NULL;
}

static void add_entry(struct media_playlist *pl, size_t *cap, char *path,
                      struct pending_info *pending)
{
        if (pl->count == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                pl->entries = xrealloc(pl->entries, *cap * sizeof *pl->entries);
        }
        struct media_playlist_entry *e = &pl->entries[pl->count++];
        e->path = path;
        e->title = pending->title;
        e->artist = pending->artist;
        pending->title = pending->artist = NULL;
}

struct media_playlist *media_playlist_load(const char *path, char *err, size_t err_size)
{
        size_t len = 0;
        char *data = read_whole_file(path, &len, err, err_size);
        if (!data)
                return NULL;
        struct media_playlist *pl = xcalloc(1, sizeof *pl);
        struct pending_info pending = {0};
        char *folder = playlist_folder(path);
        size_t cap = 0;
        int line_no = 0;

        char *text = data;
        if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
            (unsigned char)text[2] == 0xBF)
                text += 3;
        char *next = text;
        while (next && (size_t)(next - data) <= len && *next) {
                char *line = next;
                char *nl = strpbrk(line, "\r\n");
                if (nl) {
                        next = nl + 1;
                        /* CRLF is one line ending, a lone CR (old Mac) is one too */
                        if (nl[0] == '\r' && nl[1] == '\n')
                                next++;
                        *nl = '\0';
                } else {
                        next = NULL;
                }
                line_no++;
                line = trim(line);
                if (!*line)
                        continue;
                if (line[0] == '#') {
                        if (strncmp(line, "#EXTINF:", 8) == 0)
                                parse_extinf(line, &pending);
                        continue;
                }
                if (strlen(line) != strcspn(line,
                                            "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                            "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
                                            "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f")) {
                        log_warn("%s:%d: skipped: control characters in the line", path,
                                 line_no);
                        pending_clear(&pending);
                        continue;
                }
                char *entry = NULL;
                if (strncmp(line, "file://", 7) == 0) {
                        entry = file_url_path(line);
                        if (!entry) {
                                log_warn("%s:%d: skipped: not a local file URL", path,
                                         line_no);
                                pending_clear(&pending);
                                continue;
                        }
                } else if (has_scheme(line)) {
                        log_warn("%s:%d: skipped: streams and remote URLs are not "
                                 "supported (%s)",
                                 path, line_no, line);
                        pending_clear(&pending);
                        continue;
                } else if (line[0] == '/') {
                        entry = xstrdup(line);
                } else {
                        entry = xasprintf("%s/%s", folder, line);
                }
                add_entry(pl, &cap, entry, &pending);
        }
        log_debug("%s: %zu entries", path, pl->count);
        pending_clear(&pending);
        free(folder);
        free(data);
        return pl;
}

void media_playlist_free(struct media_playlist *playlist)
{
        if (!playlist)
                return;
        for (size_t i = 0; i < playlist->count; i++) {
                free(playlist->entries[i].path);
                free(playlist->entries[i].title);
                free(playlist->entries[i].artist);
        }
        free(playlist->entries);
        free(playlist);
}
