/* One line per event on stderr: time, level, module, message. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "common/common.h"

enum log_level log_threshold = LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_message(enum log_level level, const char *module, const char *fmt, ...)
{
        char stamp[32];
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        localtime_r(&ts.tv_sec, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);

        char raw[1024], line[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(raw, sizeof raw, fmt, ap);
        va_end(ap);
        /* Every value a caller logs (a login name, a complaint title) reaches
         * the line here: escaping it here covers them all, so no value can
         * forge a line of its own. */
        text_escape_control(raw, line, sizeof line);
        /* One fprintf per line so lines from different threads never interleave. */
        fprintf(stderr, "%s.%03ld %-5s %-9s %s\n", stamp, ts.tv_nsec / 1000000L,
                level_names[level], module, line);
}
