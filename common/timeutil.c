/* Wall time in the station's zone.  The zone is process-wide (TZ), set once at
 * start-up before threads exist, so localtime_r/mktime do the tz work. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/common.h"

int64_t time_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_monotonic_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool time_zone_exists(const char *tzname)
{
        char path[512];
        if (!tzname || !*tzname || tzname[0] == '/' || strstr(tzname, ".."))
                return false;
        if (strcmp(tzname, "UTC") == 0)
                return true;
        snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tzname);
        struct stat st;
        return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int time_set_zone(const char *tzname)
{
        if (!time_zone_exists(tzname))
                return -1;
        setenv("TZ", tzname, 1);
        tzset();
        return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
        int64_t q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t time_from_local(int year, int month, int day, int hour, int minute, int second)
{
        struct tm tm = {0};
        tm.tm_year = year - 1900;
        tm.tm_mon = month - 1;
        tm.tm_mday = day;
        tm.tm_hour = hour;
        tm.tm_min = minute;
        tm.tm_sec = second;
        tm.tm_isdst = -1;
        time_t t = mktime(&tm);
        return (int64_t)t * 1000;
}

void time_local_fields(int64_t ms, int *year, int *month, int *day, int *hour,
                       int *minute, int *second, int *weekday)
{
        time_t t = (time_t)floor_div(ms, 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        if (year)
                *year = tm.tm_year + 1900;
        if (month)
                *month = tm.tm_mon + 1;
        if (day)
                *day = tm.tm_mday;
        if (hour)
                *hour = tm.tm_hour;
        if (minute)
                *minute = tm.tm_min;
        if (second)
                *second = tm.tm_sec;
        if (weekday)
                *weekday = tm.tm_wday;
}

int64_t time_local_midnight(int64_t ms)
{
        int y, m, d;
        time_local_fields(ms, &y, &m, &d, NULL, NULL, NULL, NULL);
        return time_from_local(y, m, d, 0, 0, 0);
}

static bool leap_year(int y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int mo)
{
        static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        return mo == 2 && leap_year(y) ? 29 : days[mo - 1];
}

/* A date that exists on the calendar: 2026-02-30 is refused, not moved to
 * 2 March as mktime would do. */
static bool valid_date(int y, int mo, int d)
{
        return y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
               d <= days_in_month(y, mo);
}

/* Exactly `width` decimal digits at text: no sign, no blanks, no fewer
 * digits (so "6:00" and "2026-1-5" are refused rather than guessed at). */
static bool take_digits(const char **text, int width, int *value)
{
        int v = 0;
        for (int i = 0; i < width; i++) {
                char c = (*text)[i];
                if (c < '0' || c > '9')
                        return false;
                v = v * 10 + (c - '0');
        }
        *text += width;
        *value = v;
        return true;
}

static bool take_char(const char **text, char c)
{
        if (**text != c)
                return false;
        (*text)++;
        return true;
}

/* "YYYY-MM-DD" at *text, a real calendar date. */
static bool take_date(const char **text, int *y, int *mo, int *d)
{
        return take_digits(text, 4, y) && take_char(text, '-') &&
               take_digits(text, 2, mo) && take_char(text, '-') &&
               take_digits(text, 2, d) && valid_date(*y, *mo, *d);
}

int time_parse_local(const char *text, int64_t *out_ms)
{
        int y, mo, d, h, mi, s = 0;
        if (!text || !take_date(&text, &y, &mo, &d) ||
            (!take_char(&text, ' ') && !take_char(&text, 'T')) ||
            !take_digits(&text, 2, &h) || !take_char(&text, ':') ||
            !take_digits(&text, 2, &mi))
                return -1;
        if (take_char(&text, ':') && !take_digits(&text, 2, &s))
                return -1;
        if (*text != '\0' || h > 23 || mi > 59 || s > 59)
                return -1;
        *out_ms = time_from_local(y, mo, d, h, mi, s);
        return 0;
}

int time_parse_date(const char *text, int64_t *out_ms)
{
        int y, mo, d;
        if (!text || !take_date(&text, &y, &mo, &d) || *text != '\0')
                return -1;
        *out_ms = time_from_local(y, mo, d, 0, 0, 0);
        return 0;
}

char *time_format_iso(int64_t ms, char *buf, size_t size)
{
        time_t t = (time_t)floor_div(ms, 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        char base[32];
        strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
        long off = tm.tm_gmtoff;
        char sign = off < 0 ? '-' : '+';
        off = labs(off);
        snprintf(buf, size, "%s%c%02ld:%02ld", base, sign, off / 3600, (off % 3600) / 60);
        return buf;
}

char *time_format_local(int64_t ms, char *buf, size_t size)
{
        time_t t = (time_t)floor_div(ms, 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        char base[32];
        strftime(base, sizeof base, "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(buf, size, "%s.%03d", base, (int)(ms - (int64_t)t * 1000));
        return buf;
}

int make_dirs(const char *path, int mode)
{
        char buf[4096];
        if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
                return -1;
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, mode) != 0 && errno != EEXIST)
                        return -1;
                *p = '/';
        }
        if (mkdir(buf, mode) != 0 && errno != EEXIST)
                return -1;
        return 0;
}

double db_to_gain(double db)
{
        return pow(10.0, db / 20.0);
}

/* ---- working days -------------------------------------------------------- */

/* Howard Hinnant's days-from-civil: proleptic Gregorian, exact for any year. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
        y -= m <= 2;
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        int64_t yoe = y - era * 400;
        int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

int date_to_days(const char *ymd, int64_t *days)
{
        int y, m, d;
        const char *text = ymd;
        if (!text || !take_date(&text, &y, &m, &d) || *text != '\0')
                return -1;
        *days = days_from_civil(y, m, d);
        return 0;
}

char *date_from_days(int64_t days, char *buf, size_t size)
{
        int64_t z = days + 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        int d = (int)(doy - (153 * mp + 2) / 5 + 1);
        int m = (int)(mp < 10 ? mp + 3 : mp - 9);
        int64_t y = yoe + era * 400 + (m <= 2);
        snprintf(buf, size, "%04lld-%02d-%02d", (long long)y, m, d);
        return buf;
}

int dates_parse_list(const char *list, int64_t **days, char *err, size_t err_size)
{
        int n = 0;
        *days = NULL;
        for (const char *p = list ? list : ""; *p;) {
                size_t skip = strspn(p, ", \t");
                p += skip;
                size_t len = strcspn(p, ", \t");
                if (len == 0)
                        break;
                char item[16];
                int64_t day;
                if (len >= sizeof item || (memcpy(item, p, len), item[len] = '\0',
                                           date_to_days(item, &day) < 0)) {
                        snprintf(err, err_size, "'%.*s' is not a date YYYY-MM-DD",
                                 (int)(len > 40 ? 40 : len), p);
                        free(*days);
                        *days = NULL;
                        return -1;
                }
                *days = xrealloc(*days, (size_t)(n + 1) * sizeof **days);
                (*days)[n++] = day;
                p += len;
        }
        return n;
}

static bool is_workday(int64_t day, const int64_t *holidays, size_t n_holidays)
{
        /* 1970-01-01 was a Thursday: 0 = Monday .. 6 = Sunday */
        int64_t weekday = ((day % 7) + 7 + 3) % 7;
        if (weekday >= 5)
                return false;
        for (size_t i = 0; i < n_holidays; i++)
                if (holidays[i] == day)
                        return false;
        return true;
}

int64_t workdays_add(int64_t day, int n, const int64_t *holidays, size_t n_holidays)
{
        /* a holiday list can never make this endless: at most 7 days a week
         * are skipped, and only listed days beyond weekends */
        for (int counted = 0; counted < n;) {
                day++;
                if (is_workday(day, holidays, n_holidays))
                        counted++;
        }
        return day;
}

int workdays_between(int64_t from, int64_t to, const int64_t *holidays, size_t n_holidays)
{
        int n = 0;
        for (int64_t day = from + 1; day <= to; day++)
                if (is_workday(day, holidays, n_holidays))
                        n++;
        return n;
}
