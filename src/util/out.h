/*
 * Buffered output with one escaper per destination syntax.
 *
 * Untrusted text (user names, hosts, commands, whole log messages) reaches
 * an output only through the escaper for that output: ps_out_json_str()
 * for JSON, ps_out_term_str() for a terminal. Both always emit valid UTF-8:
 * an invalid input byte is written as the four characters \xNN, never
 * passed through and never dropped.
 *
 * A ps_out either writes to a file descriptor through a caller-provided
 * buffer, or (fd < 0) collects into a growing heap buffer it owns.
 */
#ifndef PS_UTIL_OUT_H
#define PS_UTIL_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/slice.h"

struct ps_out {
	char *buf;
	size_t len, cap;
	int fd;    /* < 0: memory mode */
	int error; /* first negative errno seen; later writes are dropped */
	uint64_t flushes; /* fd mode: buffers written out so far (buf's bytes moved) */
};

/* Write to fd through buf (not owned). */
void ps_out_init_fd(struct ps_out *o, int fd, char *buf, size_t cap);
/* Collect in memory; release with ps_out_free(). */
void ps_out_init_mem(struct ps_out *o);
void ps_out_free(struct ps_out *o);
/* Memory mode: forget the contents, keep the allocation. */
static inline void ps_out_reset(struct ps_out *o) { o->len = 0; }

/* Write everything buffered (fd mode). Returns 0 or the first error. */
int ps_out_flush(struct ps_out *o);

/* Slow paths of the inline writers below; not for direct use. */
void ps_out_put_slow(struct ps_out *o, const void *p, size_t n);
void ps_out_putc_slow(struct ps_out *o, char c);

static inline void ps_out_put(struct ps_out *o, const void *p, size_t n)
{
	if (o->cap - o->len >= n) {
		if (n)
			memcpy(o->buf + o->len, p, n);
		o->len += n;
	} else {
		ps_out_put_slow(o, p, n);
	}
}

static inline void ps_out_putc(struct ps_out *o, char c)
{
	if (o->len < o->cap)
		o->buf[o->len++] = c;
	else
		ps_out_putc_slow(o, c);
}

static inline void ps_out_puts(struct ps_out *o, const char *s)
{
	ps_out_put(o, s, strlen(s));
}
static inline void ps_out_str(struct ps_out *o, struct ps_str s) { ps_out_put(o, s.p, s.n); }
void ps_out_u64(struct ps_out *o, uint64_t v);
void ps_out_i64(struct ps_out *o, int64_t v);
/* v as exactly width digits, zero-padded (v must fit). */
void ps_out_u64_pad(struct ps_out *o, uint64_t v, unsigned width);

/* n bytes as 2n lowercase hex digits. */
void ps_out_hex(struct ps_out *o, const void *p, size_t n);

/* "00" to "99": two digits per lookup, for formatting numbers and times. */
extern const char ps_digits2[200];

/* s as a JSON string, quotes included. */
void ps_out_json_str(struct ps_out *o, struct ps_str s);

/*
 * s for a terminal: control characters, invalid bytes and the Unicode
 * controls that reorder or hide text (C1, bidi overrides, line separators)
 * become visible escapes. Writes at most max_cols columns (as wcwidth()
 * counts them under a UTF-8 LC_CTYPE; an escape counts its length), ending
 * with "…" if cut. Returns the number of columns written.
 */
size_t ps_out_term_str(struct ps_out *o, struct ps_str s, size_t max_cols);

#endif
