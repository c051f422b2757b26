/* Fuzz target: the media import path (decode and analyse a hostile file).
#define _GNU_SOURCE
 * Each input must be read or refused in bounded time. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "media/media.h"

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
                if (media_analyze(path, 44100, &info, err, sizeof err) == 0)
                        media_info_clear(&info);
        }
        unlink(path);
        return 0;
}
