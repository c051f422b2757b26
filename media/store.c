/* The library's file store: every file is kept under the SHA-256 of its bytes
 * plus a whitelisted extension, so a name never carries anything an uploader
 * chose, and the same content always lands on the same name. */
#define LOG_MODULE "media"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "media/reader_plugin.h"

#define COPY_BLOCK 65536

/* Extensions that name what the readers read and that are harmless in a file
 * name.  Anything else is stored as "bin" (the reader does not need it). */
static const char *const safe_extensions[] = {"wav", "flac", "ogg", "oga",  "opus",
                                              "mp3", "m4a",  "mp4", "3gp",  "3g2",
                                              "aac", "amr",  "awb", "webm", "mka"};

/* The lower-cased extension of path when it is a safe one, else NULL. */
static const char *safe_extension(const char *path)
{
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        const char *dot = strrchr(base, '.');
        if (!dot || dot == base || strlen(dot + 1) > 8)
                return NULL;
        char lower[9];
        size_t i = 0;
        for (const char *p = dot + 1; *p; p++)
                lower[i++] = (char)tolower((unsigned char)*p);
        lower[i] = '\0';
        for (size_t k = 0; k < sizeof safe_extensions / sizeof *safe_extensions; k++)
                if (strcmp(lower, safe_extensions[k]) == 0)
                        return safe_extensions[k];
        return NULL;
}

/* For a source whose name says nothing (an upload's temporary file), the
 * extension of the format its reader detects in it; "bin" when none fits. */
static const char *detected_extension(const char *path)
{
        const char *ext = media_reader_detect_extension(path);
        return ext ? ext : "bin";
}

/* Writes all of len bytes, retrying short writes. */
static int write_all(int fd, const unsigned char *data, size_t len)
{
        while (len > 0) {
                ssize_t w = write(fd, data, len);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return -1;
                data += w;
                len -= (size_t)w;
        }
        return 0;
}

/* Makes the rename durable: the directory entry is on disk too. */
static void sync_dir(const char *dir)
{
        int fd = open(dir, O_RDONLY | O_DIRECTORY);
        if (fd >= 0) {
                fsync(fd);
                close(fd);
        }
}

char *media_store_add(const char *store_dir, const char *src, char *err, size_t err_size)
{
        unsigned char block[COPY_BLOCK];
        unsigned char digest[crypto_hash_sha256_BYTES];
        char hex[crypto_hash_sha256_BYTES * 2 + 1];
        crypto_hash_sha256_state hash;
        char *tmp_path = NULL;
        char *target = NULL;
        char *result = NULL;
        int in = -1, out = -1;

        if (sodium_init() < 0) {
                snprintf(err, err_size, "libsodium failed to initialise");
                goto out;
        }
        if (make_dirs(store_dir, 0755) < 0) {
                snprintf(err, err_size, "cannot create the media folder %s: %s",
                         store_dir, strerror(errno));
                goto out;
        }
        in = open(src, O_RDONLY | O_CLOEXEC);
        if (in < 0) {
                snprintf(err, err_size, "cannot read the file: %s", strerror(errno));
                goto out;
        }
        struct stat st;
        if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
                snprintf(err, err_size, "not a regular file");
                goto out;
        }
        tmp_path = xasprintf("%s/.incoming-XXXXXX", store_dir);
        out = mkstemp(tmp_path);
        if (out < 0) {
                snprintf(err, err_size, "cannot create a file in %s: %s", store_dir,
                         strerror(errno));
                free(tmp_path);
                tmp_path = NULL;
                goto out;
        }
        /* mkstemp makes 0600; the station's group may read the store (a
         * backup, a player), nobody else: it holds callers' voices */
        fchmod(out, 0640);

        crypto_hash_sha256_init(&hash);
        for (;;) {
                ssize_t n = read(in, block, sizeof block);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        snprintf(err, err_size, "cannot read the file: %s",
                                 strerror(errno));
                        goto out;
                }
                if (n == 0)
                        break;
                crypto_hash_sha256_update(&hash, block, (unsigned long long)n);
                if (write_all(out, block, (size_t)n) < 0) {
                        snprintf(err, err_size, "cannot write to %s: %s", store_dir,
                                 strerror(errno));
                        goto out;
                }
        }
        if (fsync(out) < 0 || close(out) < 0) {
                out = -1;
                snprintf(err, err_size, "cannot write to %s: %s", store_dir,
                         strerror(errno));
                goto out;
        }
        out = -1;
        crypto_hash_sha256_final(&hash, digest);
        sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);

        const char *ext = safe_extension(src);
        if (!ext)
                ext = detected_extension(tmp_path);
        target = xasprintf("%s/%s.%s", store_dir, hex, ext);

        /* link() refuses to replace an existing name, so two imports of the same
         * content racing each other both end with the one complete file. */
        if (link(tmp_path, target) == 0 || errno == EEXIST) {
                unlink(tmp_path);
        } else if (rename(tmp_path, target) < 0) {
                /* file systems without hard links: rename replaces atomically, and
                 * the content of the name it replaces is the same */
                snprintf(err, err_size, "cannot store %s: %s", target, strerror(errno));
                goto out;
        }
        free(tmp_path);
        tmp_path = NULL;
        sync_dir(store_dir);
        log_debug("stored %s as %s", src, target);
        result = target;
        target = NULL;
out:
        if (in >= 0)
                close(in);
        if (out >= 0)
                close(out);
        if (tmp_path) {
                unlink(tmp_path);
                free(tmp_path);
        }
        free(target);
        return result;
}
