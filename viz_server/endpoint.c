/* viz_server/endpoint.c - which endpoints the publisher may bind.
 *
 * Without allow_remote only local endpoints are accepted: ipc:// (a
 * socket file), inproc://, and tcp:// on a loopback literal (127.0.0.0/8,
 * [::1]; "localhost" is rewritten to 127.0.0.1 so that no resolver is
 * trusted).  Anything else - a wildcard (*, 0.0.0.0), an interface name, a
 * routable address, multicast transports - needs allow_remote.
 */
#include "viz_server/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* A decimal number in 1..65535; for binding also "*" or 0 (any free port,
 * as ZeroMQ reads both). */
static int
port_ok(const char *port, int wildcard)
{
    long v = 0;
    if (wildcard && strcmp(port, "*") == 0)
        return 1;
    if (*port == '\0' || strlen(port) > 5)
        return 0;
    for (const char *c = port; *c; c++) {
        if (*c < '0' || *c > '9')
            return 0;
        v = v * 10 + (*c - '0');
    }
    return (v >= 1 || wildcard) && v <= 65535;
}

int
jp_endpoint_port_check(const char *ep, char *why, size_t why_cap)
{
    const char *colon;
    if (strncmp(ep, "tcp://", 6) != 0)
        return 0;
    colon = strrchr(ep + 6, ':');
    if (colon == NULL || !port_ok(colon + 1, 0)) {
        snprintf(why, why_cap, "endpoint %s: expected tcp://HOST:PORT with PORT in 1..65535", ep);
        return -1;
    }
    return 0;
}

int
jp_endpoint_check(const char *ep, int allow_remote, char *out, size_t out_cap,
                  int *ipv6, char *why, size_t why_cap)
{
    char host[256];
    const char *rest, *colon;
    size_t hlen;
    int loopback = 0;

    *ipv6 = 0;
    if (strlen(ep) + 1 > out_cap || strlen(ep) > 400) {
        snprintf(why, why_cap, "endpoint too long");
        return -1;
    }
    if (strncmp(ep, "ipc://", 6) == 0 || strncmp(ep, "inproc://", 9) == 0) {
        if (strstr(ep, "://")[3] == '\0') {
            snprintf(why, why_cap, "endpoint %s has no name", ep);
            return -1;
        }
        snprintf(out, out_cap, "%s", ep);
        return 0;
    }
    if (strncmp(ep, "tcp://", 6) != 0) {
        if (allow_remote && strstr(ep, "://") != NULL) {
            snprintf(out, out_cap, "%s", ep);
            return 0;
        }
        snprintf(why, why_cap, "endpoint %s: only tcp://, ipc:// and inproc:// are served%s",
                 ep, allow_remote ? "" : " (and tcp only on loopback)");
        return -1;
    }
    rest = ep + 6;
    colon = strrchr(rest, ':');
    if (colon == NULL || !port_ok(colon + 1, 1)) {
        snprintf(why, why_cap, "endpoint %s: expected tcp://HOST:PORT (PORT in 1..65535, or * or 0 for any)", ep);
        return -1;
    }
    hlen = (size_t)(colon - rest);
    if (hlen == 0 || hlen >= sizeof host) {
        snprintf(why, why_cap, "endpoint %s: no host", ep);
        return -1;
    }
    memcpy(host, rest, hlen);
    host[hlen] = '\0';
    if (strcmp(host, "localhost") == 0) {
        snprintf(out, out_cap, "tcp://127.0.0.1:%s", colon + 1);
        return 0;
    }
    if (host[0] == '[' && host[hlen - 1] == ']') {
        struct in6_addr a6;
        host[hlen - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &a6) == 1) {
            *ipv6 = 1;
            loopback = IN6_IS_ADDR_LOOPBACK(&a6);
        }
        host[hlen - 1] = ']';
    } else {
        struct in_addr a4;
        if (inet_pton(AF_INET, host, &a4) == 1)
            loopback = (ntohl(a4.s_addr) >> 24) == 127;
    }
    if (!loopback && !allow_remote) {
        snprintf(why, why_cap,
                 "refusing to serve on %s: not a loopback address; serving beyond this "
                 "machine must be asked for explicitly (allow_remote=True, --serve-public)",
                 ep);
        return -1;
    }
    if (host[0] == '[' || strchr(host, ':') != NULL)
        *ipv6 = 1;
    snprintf(out, out_cap, "%s", ep);
    return 0;
}
