/* HOST:PORT of a listening socket (see common.h). */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/common.h"

int listen_address_parse(const char *listen, struct sockaddr_storage *addr,
                         socklen_t *addr_len, char *err, size_t err_size)
{
        char host[256];
        const char *colon = listen ? strrchr(listen, ':') : NULL;
        if (!colon || colon == listen || strlen(colon + 1) == 0) {
                snprintf(err, err_size, "listen '%s' is not HOST:PORT",
                         listen ? listen : "");
                return -1;
        }
        size_t hl = (size_t)(colon - listen);
        if (hl >= sizeof host) {
                snprintf(err, err_size, "listen '%s': host too long", listen);
                return -1;
        }
        memcpy(host, listen, hl);
        host[hl] = '\0';
        /* [::1]:8080 */
        char *h = host;
        if (h[0] == '[' && hl > 2 && h[hl - 1] == ']') {
                h[hl - 1] = '\0';
                h++;
        }
        struct addrinfo hints = {.ai_family = AF_UNSPEC,
                                 .ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
        struct addrinfo *res = NULL;
        int rc = getaddrinfo(*h ? h : NULL, colon + 1, &hints, &res);
        if (rc != 0 || !res) {
                snprintf(err, err_size, "listen '%s': %s", listen, gai_strerror(rc));
                return -1;
        }
        memcpy(addr, res->ai_addr, res->ai_addrlen);
        if (addr_len)
                *addr_len = res->ai_addrlen;
        freeaddrinfo(res);
        return 0;
}
