#include "util/out.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/utf8.h"

#include <wchar.h>

void ps_out_init_fd(struct ps_out *o, int fd, char *buf, size_t cap)
{
	*o = (struct ps_out){ .buf = buf, .cap = cap, .fd = fd };
}

void ps_out_init_mem(struct ps_out *o)
{
	*o = (struct ps_out){ .fd = -1 };
}

void ps_out_free(struct ps_out *o)
{
	if (o->fd < 0)
		free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

int ps_out_flush(struct ps_out *o)
{
	if (o->fd < 0 || o->error)
		return o->error;
	size_t off = 0;
	while (off < o->len) {
		ssize_t w = write(o->fd, o->buf + off, o->len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->error = -errno;
			break;
		}
		off += (size_t)w;
	}
	o->len = 0;
	o->flushes++;
	return o->error;
}

/* Make room for n more bytes; false if that is impossible. */
static bool reserve(struct ps_out *o, size_t n)
{
	if (o->error)
		return false;
	if (o->cap - o->len >= n)
		return true;
	if (o->fd >= 0) {
		if (ps_out_flush(o) < 0)
			return false;
		return o->cap >= n;
	}
	size_t cap = o->cap ? o->cap : 256;
	while (cap - o->len < n)
		cap *= 2;
	char *nb = realloc(o->buf, cap);
	if (!nb) {
		o->error = -ENOMEM;
		return false;
	}
	o->buf = nb;
	o->cap = cap;
	return true;
}

void ps_out_put_slow(struct ps_out *o, const void *p, size_t n)
{
	const char *src = p;
	while (n > 0) {
		/* In fd mode a write larger than the buffer goes through in pieces. */
		size_t chunk = n;
		if (o->fd >= 0 && chunk > o->cap)
			chunk = o->cap;
		if (!reserve(o, chunk))
			return;
		memcpy(o->buf + o->len, src, chunk);
		o->len += chunk;
		src += chunk;
		n -= chunk;
	}
}

void ps_out_putc_slow(struct ps_out *o, char c)
{
	if (reserve(o, 1))
		o->buf[o->len++] = c;
}

const char ps_digits2[200] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

void ps_out_u64(struct ps_out *o, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);
	while (v >= 100) {
		i -= 2;
		memcpy(tmp + i, ps_digits2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, ps_digits2 + 2 * v, 2);
	} else {
		tmp[--i] = (char)('0' + v);
	}
	ps_out_put(o, tmp + i, sizeof(tmp) - i);
}

void ps_out_i64(struct ps_out *o, int64_t v)
{
	if (v < 0) {
		ps_out_putc(o, '-');
		ps_out_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		ps_out_u64(o, (uint64_t)v);
	}
}

void ps_out_u64_pad(struct ps_out *o, uint64_t v, unsigned width)
{
	char tmp[20];
	if (width > sizeof(tmp))
		width = sizeof(tmp);
	for (unsigned i = width; i-- > 0;) {
		tmp[i] = (char)('0' + v % 10);
		v /= 10;
	}
	ps_out_put(o, tmp, width);
}

static const char hex[] = "0123456789abcdef";

void ps_out_hex(struct ps_out *o, const void *p, size_t n)
{
	const unsigned char *b = p;
	char chunk[128];
	while (n > 0) {
		size_t k = n < sizeof(chunk) / 2 ? n : sizeof(chunk) / 2;
		for (size_t i = 0; i < k; i++) {
			chunk[2 * i] = hex[b[i] >> 4];
			chunk[2 * i + 1] = hex[b[i] & 15];
		}
		ps_out_put(o, chunk, 2 * k); /* one copy: a record's hashes are on the write path */
		b += k;
		n -= k;
	}
}

static void put_hex_byte(struct ps_out *o, const char *prefix, unsigned char c)
{
	ps_out_puts(o, prefix);
	ps_out_putc(o, hex[c >> 4]);
	ps_out_putc(o, hex[c & 15]);
}

static void put_u_escape(struct ps_out *o, uint32_t cp)
{
	char e[6] = { '\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
		      hex[(cp >> 4) & 15], hex[cp & 15] };
	ps_out_put(o, e, sizeof(e));
}

/* 1 for the bytes that JSON output copies as they are: printable ASCII but " and \. */
static const unsigned char json_plain[256] = {
	[' '] = 1, ['!'] = 1, ['#' ... '['] = 1, [']' ... '~'] = 1,
};

/*
 * True if any byte of the 8 at p needs more than a copy in JSON: a control
 * (< 0x20), DEL or non-ASCII (>= 0x7f), '"' or '\\'. Word-at-a-time tests
 * (the "has zero byte" idiom) let plain text go through 8 bytes per step.
 */
static inline bool word_needs_escape(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t x;
	memcpy(&x, p, 8);
	uint64_t lt20 = (x - ones * 0x20) & ~x;                 /* byte < 0x20 */
	uint64_t ge7f = (x + ones * 0x01) | x;                  /* byte >= 0x7f */
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	uint64_t quote = (q - ones) & ~q, bslash = (b - ones) & ~b;
	return ((lt20 | ge7f | quote | bslash) & highs) != 0;
}

void ps_out_json_str(struct ps_out *o, struct ps_str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, run = 0;

	ps_out_putc(o, '"');
	while (i < s.n) {
		while (i + 8 <= s.n && !word_needs_escape(p + i))
			i += 8;
		/* The last few bytes: one overlapping word instead of a byte loop. */
		if (i < s.n && s.n >= 8 && i + 8 > s.n && !word_needs_escape(p + s.n - 8))
			i = s.n;
		if (i >= s.n)
			break;
		unsigned char c = p[i];
		/* Fast path: plain printable ASCII is copied in runs. */
		if (json_plain[c]) {
			i++;
			continue;
		}
		ps_out_put(o, p + run, i - run);
		uint32_t cp;
		size_t len = c < 0x80 ? 1 : ps_utf8_seq(p + i, s.n - i, &cp);
		if (c == '"' || c == '\\') {
			ps_out_putc(o, '\\');
			ps_out_putc(o, (char)c);
		} else if (c == '\n') {
			ps_out_puts(o, "\\n");
		} else if (c == '\t') {
			ps_out_puts(o, "\\t");
		} else if (c == '\r') {
			ps_out_puts(o, "\\r");
		} else if (c < 0x80) {
			put_u_escape(o, c); /* other C0 controls and DEL */
		} else if (len == 0) {
			put_hex_byte(o, "\\\\x", c); /* invalid byte: JSON text \xNN */
			len = 1;
		} else if (ps_utf8_deceptive(cp)) {
			put_u_escape(o, cp);
		} else {
			ps_out_put(o, p + i, len);
		}
		i += len;
		run = i;
	}
	ps_out_put(o, p + run, i - run);
	ps_out_putc(o, '"');
}

size_t ps_out_term_str(struct ps_out *o, struct ps_str s, size_t max_cols)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t cols = 0;
	char esc[12];

	if (max_cols == 0)
		return 0;

	for (size_t i = 0; i < s.n;) {
		uint32_t cp = p[i];
		size_t len = cp < 0x80 ? 1 : ps_utf8_seq(p + i, s.n - i, &cp);
		size_t esc_len = 0;

		if (len == 0 || cp < 0x20 || cp == 0x7f) {
			esc[0] = '\\', esc[1] = 'x';
			esc[2] = hex[p[i] >> 4], esc[3] = hex[p[i] & 15];
			esc_len = 4;
			len = 1;
		} else if (cp >= 0x80 && ps_utf8_deceptive(cp)) {
			esc[0] = '\\', esc[1] = 'u';
			for (int k = 0; k < 4; k++)
				esc[2 + k] = hex[(cp >> (12 - 4 * k)) & 15];
			esc_len = 6;
		}
		/* Wide (CJK) characters take two columns, combining marks none. */
		int w = esc_len ? (int)esc_len : cp < 0x80 ? 1 : wcwidth((wchar_t)cp);
		size_t need = w < 0 ? 1 : (size_t)w;
		/* Keep one column for the ellipsis unless this is the last piece. */
		bool last = i + len >= s.n;
		if (cols + need > max_cols - (last ? 0 : 1)) {
			if (cols < max_cols) {
				ps_out_puts(o, "\xe2\x80\xa6");
				cols++;
			}
			return cols;
		}
		if (esc_len)
			ps_out_put(o, esc, esc_len);
		else
			ps_out_put(o, p + i, len);
		cols += need;
		i += len;
	}
	return cols;
}
