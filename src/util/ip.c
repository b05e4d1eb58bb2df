#include "util/ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

int ps_ip_parse(struct ps_str s, struct ps_ip *out)
{
	char buf[PS_IP_STRLEN + 1];

	/* A zone index names a local interface; it is not part of the source. */
	ptrdiff_t zone = ps_find(s, "%");
	if (zone >= 0)
		s.n = (size_t)zone;
	if (s.n == 0 || s.n >= sizeof(buf) || ps_has_byte(s, '\0'))
		return -EINVAL;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';

	struct ps_ip ip = { 0 };
	if (!ps_has_byte(s, ':')) {
		if (zone >= 0 || inet_pton(AF_INET, buf, ip.a) != 1)
			return -EINVAL;
		ip.family = 4;
	} else {
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

/* Dotted quad by hand: glibc's inet_ntop() formats IPv4 with the printf family. */
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

size_t ps_ip_format(const struct ps_ip *ip, char buf[PS_IP_STRLEN])
{
	const char *r = NULL;
	if (ip->family == 4)
		return format_v4(ip->a, buf);
	if (ip->family == 6)
		r = inet_ntop(AF_INET6, ip->a, buf, PS_IP_STRLEN);
	if (!r) {
		buf[0] = '\0';
		return 0;
	}
	return strlen(buf);
}
