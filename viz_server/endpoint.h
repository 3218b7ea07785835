/* viz_server/endpoint.h - the publisher's bind policy (loopback unless
 * asked otherwise) and the port rule both ends share (1..65535). */
#ifndef JP_ENDPOINT_H
#define JP_ENDPOINT_H

#include <stddef.h>

/* Check ep for binding.  0: allowed, the endpoint to bind is written to out
 * (localhost rewritten to 127.0.0.1) and *ipv6 says whether the socket
 * needs ZMQ_IPV6.  -1: refused, the reason in why. */
int jp_endpoint_check(const char *ep, int allow_remote, char *out, size_t out_cap,
                      int *ipv6, char *why, size_t why_cap);

/* For connecting: a tcp:// endpoint's port must be a number in 1..65535
 * (ZeroMQ would wrap 70000 to 4464).  0: fine (or not tcp), -1: why says. */
int jp_endpoint_port_check(const char *ep, char *why, size_t why_cap);

#endif
