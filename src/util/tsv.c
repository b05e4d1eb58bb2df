#include "util/tsv.h"

#include <stdlib.h>
#include <string.h>

static const char hex[] = "0123456789ABCDEF";

void ps_tsv_put(struct ps_out *o, struct ps_str f)
{
	ps_out_putc(o, '\t');
	for (size_t i = 0; i < f.n; i++) {
		unsigned char c = (unsigned char)f.p[i];
		if (c < 0x20 || c == '%' || c == 0x7f) {
			ps_out_putc(o, '%');
			ps_out_putc(o, hex[c >> 4]);
			ps_out_putc(o, hex[c & 15]);
		} else {
			ps_out_putc(o, (char)c);
		}
	}
}

void ps_tsv_put_i64(struct ps_out *o, int64_t v)
{
	ps_out_putc(o, '\t');
	ps_out_i64(o, v);
}

bool ps_tsv_take(struct ps_str *line, char *buf, size_t size, struct ps_str *field)
{
	if (!line->p)
		return false;
	const char *tab = memchr(line->p, '\t', line->n);
	size_t n = tab ? (size_t)(tab - line->p) : line->n;
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		char c = line->p[i];
		if (c == '%') {
			int hi = i + 2 < n ? ps_hex_digit(line->p[i + 1]) : -1;
			int lo = hi >= 0 ? ps_hex_digit(line->p[i + 2]) : -1;
			if (lo < 0)
				return false;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (out + 1 >= size)
			return false;
		buf[out++] = c;
	}
	buf[out] = '\0';
	*field = ps_str(buf, out);
	if (tab) {
		line->p = tab + 1;
		line->n -= n + 1;
	} else {
		*line = (struct ps_str){ 0 };
	}
	return true;
}

bool ps_tsv_take_i64(struct ps_str *line, int64_t *v)
{
	char buf[32], *end;
	struct ps_str f;
	if (!ps_tsv_take(line, buf, sizeof(buf), &f) || f.n == 0)
		return false;
	*v = strtoll(buf, &end, 10);
	return *end == '\0';
}
