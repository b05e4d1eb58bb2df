#include "util/slice.h"

#include <errno.h>

struct ps_str ps_cstr(const char *s)
{
	return s ? ps_str(s, strlen(s)) : PS_STR_NULL;
}

bool ps_eq(struct ps_str a, struct ps_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

ptrdiff_t ps_find_n(struct ps_str s, size_t from, const char *needle, size_t n)
{
	if (from > s.n || n > s.n - from)
		return -1;
	const char *hit = n == 1 ? memchr(s.p + from, needle[0], s.n - from)
				 : memmem(s.p + from, s.n - from, needle, n);
	return hit ? hit - s.p : -1;
}

ptrdiff_t ps_rfind_n(struct ps_str s, const char *needle, size_t n)
{
	if (n == 0 || n > s.n)
		return n == 0 ? (ptrdiff_t)s.n : -1;
	/* Candidates are found by their first byte, from the right. */
	size_t limit = s.n - n + 1;
	for (;;) {
		const char *c = memrchr(s.p, needle[0], limit);
		if (!c)
			return -1;
		size_t i = (size_t)(c - s.p);
		if (memcmp(c, needle, n) == 0)
			return (ptrdiff_t)i;
		limit = i;
	}
}

size_t ps_count(struct ps_str s, const char *lit)
{
	size_t count = 0;
	ptrdiff_t at = ps_find(s, lit);
	while (at >= 0) {
		count++;
		at = ps_find_from(s, (size_t)at + 1, lit);
	}
	return count;
}

static void split_at(struct ps_str s, size_t at, size_t seplen,
		     struct ps_str *left, struct ps_str *right)
{
	if (left)
		*left = ps_str(s.p, at);
	if (right)
		*right = ps_str(s.p + at + seplen, s.n - at - seplen);
}

bool ps_split(struct ps_str s, const char *sep, struct ps_str *left, struct ps_str *right)
{
	ptrdiff_t at = ps_find(s, sep);
	if (at < 0)
		return false;
	split_at(s, (size_t)at, strlen(sep), left, right);
	return true;
}

bool ps_rsplit(struct ps_str s, const char *sep, struct ps_str *left, struct ps_str *right)
{
	ptrdiff_t at = ps_rfind(s, sep);
	if (at < 0)
		return false;
	split_at(s, (size_t)at, strlen(sep), left, right);
	return true;
}

struct ps_str ps_take_token(struct ps_str *s)
{
	const char *sp = s->n ? memchr(s->p, ' ', s->n) : NULL;
	size_t i = sp ? (size_t)(sp - s->p) : s->n;
	struct ps_str tok = ps_str(s->p, i);
	s->p += i;
	s->n -= i;
	return tok;
}

struct ps_str ps_take_last_token(struct ps_str *s)
{
	const char *sp = s->n ? memrchr(s->p, ' ', s->n) : NULL;
	size_t i = sp ? (size_t)(sp - s->p) + 1 : 0;
	struct ps_str tok = ps_str(s->p + i, s->n - i);
	s->n = i;
	return tok;
}

struct ps_str ps_take_digits(struct ps_str *s)
{
	size_t i = 0;
	while (i < s->n && s->p[i] >= '0' && s->p[i] <= '9')
		i++;
	struct ps_str d = ps_str(s->p, i);
	s->p += i;
	s->n -= i;
	return d;
}

int ps_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool ps_has_byte(struct ps_str s, char c)
{
	return s.n > 0 && memchr(s.p, c, s.n) != NULL;
}

bool ps_all_digits(struct ps_str s)
{
	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return true;
}

struct ps_str ps_trim_spaces(struct ps_str s)
{
	while (s.n > 0 && s.p[0] == ' ') {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && s.p[s.n - 1] == ' ')
		s.n--;
	return s;
}

int ps_parse_u64(struct ps_str s, uint64_t max, uint64_t *out)
{
	if (!ps_all_digits(s))
		return -EINVAL;
	uint64_t v = 0;
	size_t i = 0;
	/* Nineteen digits cannot overflow; check the rest digit by digit. */
	for (; i < s.n && i < 19; i++)
		v = v * 10 + (unsigned)(s.p[i] - '0');
	for (; i < s.n; i++) {
		unsigned d = (unsigned)(s.p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

char *ps_to_cstr(struct ps_str s, char *buf, size_t size)
{
	size_t n = s.n < size - 1 ? s.n : size - 1;
	if (n)
		memcpy(buf, s.p, n);
	buf[n] = '\0';
	return buf;
}
