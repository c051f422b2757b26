/* Fuzz target: the config parser never crashes and either loads or explains. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
        char path[] = "/tmp/siaran-fuzz-config-XXXXXX";
        int fd = mkstemp(path);
        if (fd < 0)
                return 0;
        if (write(fd, data, size) != (ssize_t)size) {
                close(fd);
                unlink(path);
                return 0;
        }
        close(fd);
        char err[512] = "";
        struct config *c = config_load(path, err, sizeof err);
        if (!c && strncmp(err, path, strlen(path)) != 0)
                abort(); /* every error names the file */
        config_free(c);
        unlink(path);
        time_set_zone("Asia/Jakarta");
        return 0;
}
