/*
 * file_sink.c: writes the encoded stream to a file, for `siaran render`.
 */
#define LOG_MODULE "sink"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encoder/plugin.h"

struct file_sink {
        struct sink base;
        char *path;
        FILE *file;
        int64_t bytes;
        bool failed;
        char last_error[160];
};

static int file_write(struct sink *sink, const unsigned char *data, size_t len)
{
        struct file_sink *f = (struct file_sink *)sink;
        if (f->failed)
                return -1;
        if (fwrite(data, 1, len, f->file) != len) {
                snprintf(f->last_error, sizeof f->last_error, "%s: %s", f->path,
                         strerror(errno));
                log_error("cannot write %s", f->last_error);
                f->failed = true;
                return -1;
        }
        f->bytes += (int64_t)len;
        return 0;
}

static void file_get_status(struct sink *sink, struct sink_status *status)
{
        struct file_sink *f = (struct file_sink *)sink;
        status->connected = !f->failed;
        status->bytes_sent = f->bytes;
        snprintf(status->last_error, sizeof status->last_error, "%s", f->last_error);
}

static void file_free(struct sink *sink)
{
        struct file_sink *f = (struct file_sink *)sink;
        if (f->file && fclose(f->file) != 0 && !f->failed)
                log_error("cannot write %s: %s", f->path, strerror(errno));
        free(f->path);
        free(f);
}

static const struct sink_plugin file_sink_plugin = {
    .name = "file",
    .write = file_write,
    .get_status = file_get_status,
    .free = file_free,
};

static struct sink *file_sink_wrap(const char *path, FILE *file)
{
        struct file_sink *f = xcalloc(1, sizeof *f);
        f->base.plugin = &file_sink_plugin;
        f->base.name = "";
        f->base.mount = "";
        f->path = xstrdup(path);
        f->file = file;
        return &f->base;
}

struct sink *sink_file_new(const char *path, const char **errstr)
{
        FILE *file = fopen(path, "wb");
        if (!file) {
                *errstr = "cannot create the file";
                return NULL;
        }
        /* Pages arrive a few KiB at a time; a larger buffer means fewer
         * write(2) calls during a fast render. */
        setvbuf(file, NULL, _IOFBF, 1 << 16);
        return file_sink_wrap(path, file);
}

struct sink *sink_file_new_unbuffered(const char *path, const char **errstr)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fd < 0) {
                *errstr = errno == EEXIST ? "the file exists" : "cannot create the file";
                return NULL;
        }
        FILE *file = fdopen(fd, "wb");
        if (!file) {
                close(fd);
                *errstr = "cannot create the file";
                return NULL;
        }
        /* Each page is one write(2): after a crash the file ends on the last
         * whole page that was encoded. */
        setvbuf(file, NULL, _IONBF, 0);
        return file_sink_wrap(path, file);
}
