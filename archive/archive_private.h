/*
 * archive/archive_private.h: what the archive's files share: the naming of
 * hour files and reading a file's start and length from its Ogg headers.
 * Only files in archive/ include this.
 */
#ifndef SIARAN_ARCHIVE_PRIVATE_H
#define SIARAN_ARCHIVE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The comment that carries a file's first sample's time (UTC ms). */
#define ARCHIVE_START_TAG "SIARAN_START"

/* The segment that contains at_ms: it begins on a multiple of segment_ms
 * after the hour and ends at the latest on the next hour, so every hour
 * begins a file. */
void archive_segment_bounds(int64_t at_ms, int64_t segment_ms, int64_t *start,
                            int64_t *end);

/* The day folder ("YYYY-MM-DD") and the base name ("HH", or "HH-MM-SS" for
 * segments shorter than an hour) of the segment that begins at start_ms. */
void archive_segment_names(int64_t start_ms, int64_t segment_ms, char *date,
                           size_t date_size, char *base, size_t base_size);

/* True when name is an archive file name (HH[-MM-SS][.partN].opus|ogg); sets
 * the time of day it names in seconds. */
bool archive_name_parse(const char *name, int *seconds_of_day);

struct archive_file_info {
        int64_t start_ms; /* ARCHIVE_START_TAG */
        double seconds;   /* decoded length, from the last page's granule */
        int64_t bytes;
};

/* Reads path's start and length from its first and last Ogg pages without
 * decoding it.  0, or -1 when it is not a readable archive file. */
int archive_file_info_read(const char *path, struct archive_file_info *info);

#endif
