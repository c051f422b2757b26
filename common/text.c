/* Text that leaves the program for another reader: log lines (read by people
 * and by log tools that split on newlines), CSV cells (opened in
 * spreadsheets), and the address lists of the configuration. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/common.h"

char *text_escape_control(const char *src, char *dst, size_t size)
{
        size_t w = 0;
        if (size == 0)
                return dst;
        for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
                char esc[5];
                size_t n;
                if (*p == '\n')
                        n = (size_t)snprintf(esc, sizeof esc, "\\n");
                else if (*p == '\r')
                        n = (size_t)snprintf(esc, sizeof esc, "\\r");
                else if (*p == '\t')
                        n = (size_t)snprintf(esc, sizeof esc, "\\t");
                else if (*p < 0x20 || *p == 0x7f)
                        n = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
                else {
                        esc[0] = (char)*p;
                        esc[1] = '\0';
                        n = 1;
                }
                if (w + n >= size)
                        break;
                memcpy(dst + w, esc, n);
                w += n;
        }
        dst[w] = '\0';
        return dst;
}

void csv_write_cell(FILE *out, const char *value, bool always_quote)
{
        const char *v = value ? value : "";
        bool formula = strchr("=+-@\t\r", v[0]) != NULL && v[0] != '\0';
        bool quote = always_quote || formula || strpbrk(v, ",\"\r\n") != NULL;
        if (!quote) {
                fputs(v, out);
                return;
        }
        fputc('"', out);
        if (formula)
                fputc('\'', out);
        for (const char *p = v; *p; p++) {
                if (*p == '"')
                        fputc('"', out);
                fputc(*p, out);
        }
        fputc('"', out);
}

/* The address in binary (16 bytes, IPv4 as v4-mapped IPv6).  Returns 0 or -1. */
static int address_parse(const char *text, unsigned char out[16])
{
        struct in_addr v4;
        if (inet_pton(AF_INET, text, &v4) == 1) {
                memset(out, 0, 10);
                out[10] = out[11] = 0xff;
                memcpy(out + 12, &v4, 4);
                return 0;
        }
        return inet_pton(AF_INET6, text, out) == 1 ? 0 : -1;
}

bool address_in_list(const char *address, const char *list)
{
        unsigned char want[16], have[16];
        char word[INET6_ADDRSTRLEN + 1];
        if (!address || !list || address_parse(address, want) < 0)
                return false;
        for (const char *p = list; *p;) {
                size_t n = strcspn(p, ", \t");
                if (n > 0 && n < sizeof word) {
                        memcpy(word, p, n);
                        word[n] = '\0';
                        if (address_parse(word, have) == 0 && memcmp(want, have, 16) == 0)
                                return true;
                }
                p += n;
                p += strspn(p, ", \t");
        }
        return false;
}
