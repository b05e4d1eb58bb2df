#include "util/ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

/*
 * Dotted-quad IPv4 with inet_pton()'s rules (four decimal octets, none
 * above 255, no leading zeros), by hand because every event parses one and
 * inet_pton() needs a NUL-terminated copy first.
 */
static bool parse_v4(struct ps_str s, uint8_t a[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0 && (i >= s.n || s.p[i++] != '.'))
			return false;
		size_t start = i;
		unsigned v = 0;
		while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned)(s.p[i++] - '0');
		size_t len = i - start;
		if (len == 0 || v > 255 || (len > 1 && s.p[start] == '0'))
			return false;
		a[part] = (uint8_t)v;
	}
	return i == s.n;
}

int ps_ip_parse(struct ps_str s, struct ps_ip *out)
{
	char buf[PS_IP_STRLEN + 1];

	/* A zone index names a local interface; it is not part of the source. */
	ptrdiff_t zone = ps_find(s, "%");
	if (zone >= 0)
		s.n = (size_t)zone;
	if (s.n == 0 || s.n >= sizeof(buf) || ps_has_byte(s, '\0'))
		return -EINVAL;

	struct ps_ip ip = { 0 };
	if (!ps_has_byte(s, ':')) {
		if (zone >= 0 || !parse_v4(s, ip.a))
			return -EINVAL;
		ip.family = 4;
	} else {
		memcpy(buf, s.p, s.n);
		buf[s.n] = '\0';
		if (inet_pton(AF_INET6, buf, ip.a) != 1)
			return -EINVAL;
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(ip.a, mapped, sizeof(mapped)) == 0) {
			memmove(ip.a, ip.a + 12, 4);
			memset(ip.a + 4, 0, 12);
			ip.family = 4;
		} else {
			ip.family = 6;
		}
	}
	*out = ip;
	return 0;
}

bool ps_ip_valid(struct ps_str s)
{
	struct ps_ip ip;
	return ps_ip_parse(s, &ip) == 0;
}

/*
 * Addresses are formatted for every event, and glibc's inet_ntop() goes
 * through the printf family: dotted quad by hand.
 */
static size_t format_v4(const uint8_t a[4], char *buf)
{
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (v >= 100)
			buf[n++] = (char)('0' + v / 100);
		if (v >= 10)
			buf[n++] = (char)('0' + v / 10 % 10);
		buf[n++] = (char)('0' + v % 10);
		buf[n++] = i < 3 ? '.' : '\0';
	}
	return n - 1;
}

/*
 * RFC 5952 text by hand, for the same reason: lowercase hex without leading
 * zeros, the longest run of two or more zero groups (the first, on a tie)
 * written as "::". IPv4-mapped addresses never get here (they are IPv4).
 */
static size_t format_v6(const uint8_t a[16], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned g[8];
	int best = -1, best_len = 1, cur = -1, cur_len = 0;
	size_t n = 0;

	for (int i = 0; i < 8; i++) {
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (g[i] == 0) {
			if (cur < 0)
				cur = i, cur_len = 0;
			if (++cur_len > best_len)
				best = cur, best_len = cur_len;
		} else {
			cur = -1;
		}
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			buf[n++] = ':';
			if (i == 0)
				buf[n++] = ':';
			i += best_len - 1;
			continue;
		}
		bool started = false;
		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned d = (g[i] >> shift) & 15;
			if (d || started || shift == 0) {
				buf[n++] = hex[d];
				started = true;
			}
		}
		if (i < 7)
			buf[n++] = ':';
	}
	buf[n] = '\0';
	return n;
}

size_t ps_ip_format(const struct ps_ip *ip, char buf[PS_IP_STRLEN])
{
	if (ip->family == 4)
		return format_v4(ip->a, buf);
	if (ip->family == 6)
		return format_v6(ip->a, buf);
	buf[0] = '\0';
	return 0;
}

int ps_cidr_parse(struct ps_str s, struct ps_cidr *out)
{
	struct ps_str addr = s, bits = PS_STR_NULL;
	ps_split(s, "/", &addr, &bits);
	if (ps_has_byte(addr, '%') || ps_ip_parse(addr, &out->net) < 0)
		return -EINVAL;
	unsigned max = out->net.family == 4 ? 32 : 128;
	uint64_t prefix = max;
	if (ps_set(bits) && ps_parse_u64(bits, max, &prefix) < 0)
		return -EINVAL;
	out->prefix = (unsigned)prefix;
	for (unsigned bit = out->prefix; bit < max; bit++)
		out->net.a[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	return 0;
}

bool ps_cidr_contains(const struct ps_cidr *c, const struct ps_ip *ip)
{
	if (ip->family != c->net.family)
		return false;
	unsigned full = c->prefix / 8, rest = c->prefix % 8;
	if (memcmp(ip->a, c->net.a, full) != 0)
		return false;
	return !rest || ((ip->a[full] ^ c->net.a[full]) & (0xff00u >> rest)) == 0;
}
