/* Fuzz target: the M3U playlist parser. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "media/media.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
        char path[] = "/tmp/siaran-fuzz-m3u-XXXXXX";
        int fd = mkstemp(path);
        if (fd < 0)
                return 0;
        ssize_t w = write(fd, data, size);
        close(fd);
        if (w == (ssize_t)size) {
                char err[256];
                media_playlist_free(media_playlist_load(path, err, sizeof err));
        }
        unlink(path);
        return 0;
}
