#include "util/argv.h"

#include <string.h>

static void put(char *dst, size_t cap, size_t *len, const char *p, size_t n)
{
	if (n > cap - *len)
		n = cap - *len;
	memcpy(dst + *len, p, n);
	*len += n;
}

void ps_argv_put(char *dst, size_t cap, size_t *len, struct ps_str a, bool first)
{
	bool quote = a.n == 0;
	for (size_t i = 0; i < a.n && !quote; i++) {
		unsigned char c = (unsigned char)a.p[i];
		quote = c <= ' ' || c == '\'' || c == '"' || c == '\\' || c == '$' || c == '`' || c == 0x7f;
	}
	if (!first)
		put(dst, cap, len, " ", 1);
	if (!quote) {
		put(dst, cap, len, a.p, a.n);
		return;
	}
	put(dst, cap, len, "'", 1);
	for (size_t i = 0; i < a.n; i++) {
		if (a.p[i] == '\'')
			put(dst, cap, len, "'\\''", 4);
		else
			put(dst, cap, len, a.p + i, 1);
	}
	put(dst, cap, len, "'", 1);
}

size_t ps_argv_join(char *dst, size_t cap, struct ps_str args)
{
	size_t len = 0;
	if (args.n > 0 && args.p[args.n - 1] == '\0')
		args.n--;
	for (size_t i = 0; i <= args.n;) {
		const char *nul = memchr(args.p + i, '\0', args.n - i);
		size_t j = nul ? (size_t)(nul - args.p) : args.n;
		ps_argv_put(dst, cap, &len, ps_str(args.p + i, j - i), i == 0);
		i = j + 1;
	}
	return len;
}
