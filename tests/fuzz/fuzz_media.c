/* Fuzz target: the media import path (decode and analyse a hostile file),
 * then what the engine does with an accepted one: open, seek to a cue-in
 * point, read.  Both reader plugins are reached: the file has no name, so
 * the content alone decides (WAV, FLAC, Ogg, MP3 through libsndfile; MP4,
 * 3GP, WebM/Matroska, AMR, ADTS AAC through FFmpeg).
 * Each input must be read or refused in bounded time. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "media/media.h"

static void seek_and_read(const char *path, int64_t frames)
{
        const char *why = NULL;
        struct media_reader *r = media_reader_open(path, 44100, &why);
        if (!r)
                return;
        float buf[2 * 1024];
        if (media_reader_seek(r, frames / 2) == 0)
                while (media_reader_read(r, buf, 1024) > 0)
                        ;
        media_reader_free(r);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
        char path[] = "/tmp/siaran-fuzz-media-XXXXXX";
        int fd = mkstemp(path);
        if (fd < 0)
                return 0;
        ssize_t w = write(fd, data, size);
        close(fd);
        if (w == (ssize_t)size) {
                char err[256];
                struct media_info info = {0};
                if (media_analyze(path, 44100, &info, err, sizeof err) == 0) {
                        seek_and_read(path, info.frames);
                        media_info_clear(&info);
                }
        }
        unlink(path);
        return 0;
}
