/*
 * IP addresses as found in log text.
 *
 * Parsing is strict (inet_pton) and never resolves names: a host name in a
 * log line is attacker-influenced (reverse DNS) and is reported as such,
 * never looked up.
 */
#ifndef PS_UTIL_IP_H
#define PS_UTIL_IP_H

#include <stdbool.h>
#include <stdint.h>

#include "util/slice.h"

#define PS_IP_STRLEN 46 /* INET6_ADDRSTRLEN */

struct ps_ip {
	uint8_t family; /* 0 (none), 4 or 6 */
	uint8_t a[16];  /* 4 bytes used for IPv4 */
};

/*
 * Parse s as an IPv4 or IPv6 literal. An IPv6 zone ("%eth0") is dropped and
 * an IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes IPv4. Returns 0, or
 * -EINVAL if s is not exactly one address.
 */
int ps_ip_parse(struct ps_str s, struct ps_ip *out);

/* True when s parses as an address (same rules as ps_ip_parse). */
bool ps_ip_valid(struct ps_str s);

/* Write the canonical text form into buf; returns its length. */
size_t ps_ip_format(const struct ps_ip *ip, char buf[PS_IP_STRLEN]);

/* An address block: net holds the network address (host bits zero). */
struct ps_cidr {
	struct ps_ip net;
	unsigned prefix;
};

/*
 * "192.0.2.0/24", "2001:db8::/32" or a single address (a /32 or /128).
 * Host bits are cleared; a zone ("%eth0") is refused. Returns 0 or -EINVAL.
 */
int ps_cidr_parse(struct ps_str s, struct ps_cidr *out);

/* Whether ip lies in c (an IPv4 address never lies in an IPv6 block). */
bool ps_cidr_contains(const struct ps_cidr *c, const struct ps_ip *ip);

#endif
