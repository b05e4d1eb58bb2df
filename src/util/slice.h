/*
 * Byte slices: a pointer and a length, never NUL-terminated.
 *
 * Every decoder works on slices of an input buffer it does not own, so
 * nothing here allocates and nothing reads past p + n. Journal data and log
 * lines may contain NUL bytes; a slice treats them like any other byte.
 */
#ifndef PS_UTIL_SLICE_H
#define PS_UTIL_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ps_str {
	const char *p;
	size_t n;
};

#define PS_STR_NULL ((struct ps_str){ NULL, 0 })
/* A slice of a string literal, without its NUL. */
#define PS_LIT(s) ((struct ps_str){ (s), sizeof(s) - 1 })

static inline struct ps_str ps_str(const char *p, size_t n)
{
	return (struct ps_str){ p, n };
}

struct ps_str ps_cstr(const char *s);

/* True when the slice refers to something (possibly empty). */
static inline bool ps_set(struct ps_str s) { return s.p != NULL; }

bool ps_eq(struct ps_str a, struct ps_str b);

/*
 * Whether n bytes at a and b are equal. Up to 24 bytes (names, addresses,
 * table keys) in two or three overlapping word loads, without a call to
 * memcmp(): the detector compares a host or a key for every event.
 */
static inline bool ps_same_bytes(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	if (n >= 8 && n <= 24) {
		uint64_t x0, x1, x2, y0, y1, y2;
		memcpy(&x0, x, 8), memcpy(&y0, y, 8);
		memcpy(&x1, x + (n > 16 ? 8 : n - 8), 8), memcpy(&y1, y + (n > 16 ? 8 : n - 8), 8);
		memcpy(&x2, x + n - 8, 8), memcpy(&y2, y + n - 8, 8);
		return ((x0 ^ y0) | (x1 ^ y1) | (x2 ^ y2)) == 0;
	}
	if (n >= 4 && n < 8) {
		uint32_t x0, x1, y0, y1;
		memcpy(&x0, x, 4), memcpy(&y0, y, 4);
		memcpy(&x1, x + n - 4, 4), memcpy(&y1, y + n - 4, 4);
		return ((x0 ^ y0) | (x1 ^ y1)) == 0;
	}
	return n == 0 || memcmp(a, b, n) == 0;
}

/*
 * The helpers that take a literal are inline so that strlen() of a literal
 * is folded at compile time: decoders call them for every line. Forced:
 * with link-time optimisation GCC otherwise keeps one shared out-of-line
 * copy, which calls strlen() and memcmp() at run time.
 */
#define PS_LIT_INLINE static inline __attribute__((always_inline))
PS_LIT_INLINE bool ps_eq_lit(struct ps_str a, const char *lit)
{
	size_t n = strlen(lit);
	return a.n == n && (n == 0 || memcmp(a.p, lit, n) == 0);
}

PS_LIT_INLINE bool ps_starts(struct ps_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

PS_LIT_INLINE bool ps_ends(struct ps_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

/* Remove lit from the front (back) of *s; true if it was there. */
PS_LIT_INLINE bool ps_skip(struct ps_str *s, const char *lit)
{
	size_t n = strlen(lit);
	if (s->n < n || memcmp(s->p, lit, n) != 0)
		return false;
	s->p += n;
	s->n -= n;
	return true;
}

PS_LIT_INLINE bool ps_chop(struct ps_str *s, const char *lit)
{
	size_t n = strlen(lit);
	if (s->n < n || memcmp(s->p + s->n - n, lit, n) != 0)
		return false;
	s->n -= n;
	return true;
}

/* The searches below, with the needle's length given. */
ptrdiff_t ps_find_n(struct ps_str s, size_t from, const char *needle, size_t n);
ptrdiff_t ps_rfind_n(struct ps_str s, const char *needle, size_t n);

/* Offset of the first occurrence of lit at or after from, or -1. */
PS_LIT_INLINE ptrdiff_t ps_find_from(struct ps_str s, size_t from, const char *lit)
{
	return ps_find_n(s, from, lit, strlen(lit));
}
/* Offset of the first (last) occurrence of lit in s, or -1. */
PS_LIT_INLINE ptrdiff_t ps_find(struct ps_str s, const char *lit)
{
	return ps_find_n(s, 0, lit, strlen(lit));
}
PS_LIT_INLINE ptrdiff_t ps_rfind(struct ps_str s, const char *lit)
{
	return ps_rfind_n(s, lit, strlen(lit));
}
/* Number of (possibly overlapping) occurrences of lit in s. */
size_t ps_count(struct ps_str s, const char *lit);

static inline struct ps_str ps_head(struct ps_str s, size_t n)
{
	return ps_str(s.p, n < s.n ? n : s.n);
}
static inline struct ps_str ps_tail(struct ps_str s, size_t from)
{
	return from < s.n ? ps_str(s.p + from, s.n - from) : ps_str(s.p + s.n, 0);
}

/*
 * Split s at the first (last) occurrence of sep: *left gets what precedes
 * it, *right what follows. False, with nothing changed, if sep is absent.
 */
bool ps_split(struct ps_str s, const char *sep, struct ps_str *left, struct ps_str *right);
bool ps_rsplit(struct ps_str s, const char *sep, struct ps_str *left, struct ps_str *right);

/* Take bytes up to the first space (or the end) from the front of *s. */
struct ps_str ps_take_token(struct ps_str *s);
/* Take bytes after the last space from the back of *s (the space stays). */
struct ps_str ps_take_last_token(struct ps_str *s);

/* Take a run of ASCII digits from the front. */
struct ps_str ps_take_digits(struct ps_str *s);

bool ps_has_byte(struct ps_str s, char c);
/* The value of a hexadecimal digit (either case), or -1. */
int ps_hex_digit(char c);
bool ps_all_digits(struct ps_str s);
struct ps_str ps_trim_spaces(struct ps_str s);

/*
 * Parse an unsigned decimal number that is the whole of s. Rejects empty
 * input, signs, and values above max. Returns 0 or -EINVAL/-ERANGE.
 */
int ps_parse_u64(struct ps_str s, uint64_t max, uint64_t *out);

/* Copy s into buf (size >= 1) as a C string, truncated; returns buf. */
char *ps_to_cstr(struct ps_str s, char *buf, size_t size);

#endif
