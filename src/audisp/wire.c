#include "audisp/wire.h"

#include <errno.h>
#include <string.h>

#define DROPPED "dropped "

size_t ps_audisp_drop_msg(char buf[PS_AUDISP_DROP_MAX], uint64_t n)
{
	char digits[20];
	size_t k = 0, len = 0;
	do {
		digits[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	buf[len++] = '\0';
	memcpy(buf + len, DROPPED, strlen(DROPPED));
	len += strlen(DROPPED);
	while (k)
		buf[len++] = digits[--k];
	return len;
}

int ps_audisp_parse(const void *buf, size_t len, const char **rec, size_t *rec_len, uint64_t *dropped)
{
	const char *p = buf;
	if (len == 0 || len > PS_AUDISP_MAX)
		return -EBADMSG;
	if (p[0] != '\0') {
		if (memchr(p, '\0', len) || memchr(p, '\n', len))
			return -EBADMSG;
		*rec = p;
		*rec_len = len;
		return PS_AUDISP_RECORD;
	}
	size_t pre = 1 + strlen(DROPPED);
	if (len <= pre || len > pre + 20 || memcmp(p + 1, DROPPED, strlen(DROPPED)) != 0)
		return -EBADMSG;
	uint64_t n = 0;
	for (size_t i = pre; i < len; i++) {
		unsigned d = (unsigned char)p[i] - '0';
		if (d > 9 || (i == pre && d == 0 && len > pre + 1) || n > (UINT64_MAX - d) / 10)
			return -EBADMSG;
		n = n * 10 + d;
	}
	*dropped = n;
	return PS_AUDISP_DROPPED;
}
