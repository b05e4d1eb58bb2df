#include "util/jsonread.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

struct rd {
	const char *p, *end;
	char *out;
	size_t out_len;
	uint64_t names; /* a bit per member name seen (a cheap filter before the repeated-key check) */
};

static void ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n'))
		r->p++;
}

static bool eat(struct rd *r, char c)
{
	ws(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static long hex4(struct rd *r)
{
	if (r->end - r->p < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int d = hexval(r->p[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	r->p += 4;
	return v;
}

/* Decoded text goes to r->out; a reader that only checks has none. */
static void put_bytes(struct rd *r, const char *p, size_t n)
{
	if (r->out)
		memcpy(r->out + r->out_len, p, n);
	r->out_len += n;
}

static void put_cp(struct rd *r, uint32_t cp)
{
	char b[4];
	put_bytes(r, b, ps_utf8_put(cp, b));
}

/* \uXXXX (the "\u" already taken), with a following low surrogate if any. */
static bool u_escape(struct rd *r)
{
	long hi = hex4(r);
	if (hi < 0)
		return false;
	uint32_t cp = (uint32_t)hi;
	if (cp >= 0xd800 && cp <= 0xdbff && r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u') {
		struct rd save = *r;
		r->p += 2;
		long lo = hex4(r);
		if (lo >= 0xdc00 && lo <= 0xdfff)
			cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
		else
			*r = save; /* a lone high surrogate; the next escape stands alone */
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	/* Every escape decodes to no more bytes than its text: out never outgrows the input. */
	put_cp(r, cp);
	return true;
}

/* A string; decoded into r->out when out is non-NULL. */
static bool string(struct rd *r, struct ps_str *out)
{
	if (!eat(r, '"'))
		return false;
	size_t start = r->out_len;
	while (r->p < r->end && *r->p != '"') {
		/* A run of plain ASCII goes in one copy. */
		const char *run = r->p;
		while (run < r->end && (unsigned char)*run >= 0x20 && (unsigned char)*run < 0x80 && *run != '"' &&
		       *run != '\\')
			run++;
		if (run > r->p) {
			put_bytes(r, r->p, (size_t)(run - r->p));
			r->p = run;
			continue;
		}
		unsigned char c = (unsigned char)*r->p;
		if (c < 0x20)
			return false;
		if (c >= 0x80) {
			uint32_t cp;
			size_t len = ps_utf8_seq((const unsigned char *)r->p, (size_t)(r->end - r->p), &cp);
			if (len == 0)
				return false;
			put_bytes(r, r->p, len);
			r->p += len;
			continue;
		}
		r->p++;
		if (c != '\\') {
			put_bytes(r, (const char *)&c, 1);
			continue;
		}
		if (r->p >= r->end)
			return false;
		char e = *r->p++;
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *k = e ? strchr(from, e) : NULL;
		if (k)
			put_bytes(r, &to[k - from], 1);
		else if (e != 'u' || !u_escape(r))
			return false;
	}
	if (r->p >= r->end)
		return false;
	r->p++;
	if (out && r->out)
		*out = ps_str(r->out + start, r->out_len - start);
	else
		r->out_len = start;
	return true;
}

static bool digits(struct rd *r)
{
	const char *s = r->p;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return r->p > s;
}

static bool number(struct rd *r)
{
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (!digits(r))
		return false;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (!digits(r))
			return false;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!digits(r))
			return false;
	}
	return true;
}

static bool word(struct rd *r, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return false;
	r->p += n;
	return true;
}

/* Any value, checked and skipped; its type in *type. */
static bool value(struct rd *r, int depth, enum ps_jtype *type)
{
	ws(r);
	if (r->p >= r->end || depth > PS_JR_MAX_DEPTH)
		return false;
	char c = *r->p;
	if (c == '"') {
		*type = PS_J_STRING;
		return string(r, NULL);
	}
	if (c == '{' || c == '[') {
		bool obj = c == '{';
		enum ps_jtype t;
		*type = obj ? PS_J_OBJECT : PS_J_ARRAY;
		r->p++;
		if (eat(r, obj ? '}' : ']'))
			return true;
		do {
			if (obj && (!string(r, NULL) || !eat(r, ':')))
				return false;
			if (!value(r, depth + 1, &t))
				return false;
		} while (eat(r, ','));
		return eat(r, obj ? '}' : ']');
	}
	if (c == 't' || c == 'f') {
		*type = PS_J_BOOL;
		return word(r, c == 't' ? "true" : "false");
	}
	if (c == 'n') {
		*type = PS_J_NULL;
		return word(r, "null");
	}
	*type = PS_J_NUMBER;
	return number(r);
}

static bool member(struct rd *r, struct ps_jobject *o)
{
	struct ps_str name;
	enum ps_jtype type;
	if (!string(r, &name) || !eat(r, ':'))
		return false;
	uint64_t bit = name.n ? 1ull << ((name.n * 7 + (unsigned char)name.p[0] * 3 + (unsigned char)name.p[name.n - 1]) & 63) : 1;
	if (r->names & bit) {
		for (size_t i = 0; i < o->n; i++)
			if (ps_eq(o->f[i].name, name))
				return false; /* a repeated key: refused, not guessed */
	}
	r->names |= bit;
	ws(r);
	const char *start = r->p;
	size_t mark = r->out_len;
	bool is_str = r->p < r->end && *r->p == '"';
	struct ps_str v;
	if (is_str) {
		if (!string(r, &v))
			return false;
		type = PS_J_STRING;
	} else {
		if (!value(r, 1, &type))
			return false;
		v = ps_str(start, (size_t)(r->p - start));
	}
	if (o->n < PS_JR_MAX_FIELDS)
		o->f[o->n++] = (struct ps_jfield){ name, v, type };
	else
		r->out_len = mark; /* not kept; its name stays for nothing (room is bounded by n) */
	return true;
}

int ps_jobject_read(struct ps_jobject *o, const char *p, size_t n)
{
	o->n = 0;
	if (n > PS_JR_MAX_LEN)
		return -E2BIG;
	if (o->cap < n || !o->buf) {
		/* Decoded text never outgrows its input (see u_escape). */
		size_t cap = n < 256 ? 256 : n;
		char *b = realloc(o->buf, cap);
		if (!b)
			return -ENOMEM;
		o->buf = b;
		o->cap = cap;
	}
	struct rd r = { .p = p, .end = p + n, .out = o->buf };
	if (!eat(&r, '{'))
		return -EBADMSG;
	if (!eat(&r, '}')) {
		do {
			if (!member(&r, o))
				return -EBADMSG;
		} while (eat(&r, ','));
		if (!eat(&r, '}'))
			return -EBADMSG;
	}
	ws(&r);
	return r.p == r.end ? 0 : -EBADMSG;
}

void ps_jobject_free(struct ps_jobject *o)
{
	free(o->buf);
	o->buf = NULL;
	o->cap = 0;
	o->n = 0;
}

struct ps_str ps_jobject_get(const struct ps_jobject *o, const char *name, enum ps_jtype type)
{
	for (size_t i = 0; i < o->n; i++)
		if (ps_eq_lit(o->f[i].name, name))
			return o->f[i].type == type ? o->f[i].value : PS_STR_NULL;
	return PS_STR_NULL;
}

void ps_jarray_begin(struct ps_jarray *a, struct ps_str array)
{
	a->rest = array;
	a->started = false;
}

int ps_jarray_next(struct ps_jarray *a, struct ps_str *elem)
{
	struct rd r = { .p = a->rest.p, .end = a->rest.p + a->rest.n };
	enum ps_jtype type;
	if (!a->rest.p)
		return 0;
	if (!a->started) {
		a->started = true;
		if (!eat(&r, '['))
			return -EBADMSG;
		if (eat(&r, ']')) {
			a->rest = PS_STR_NULL;
			return 0;
		}
	} else if (eat(&r, ']')) {
		a->rest = PS_STR_NULL;
		return 0;
	} else if (!eat(&r, ',')) {
		return -EBADMSG;
	}
	ws(&r);
	const char *start = r.p;
	if (!value(&r, 1, &type))
		return -EBADMSG;
	*elem = ps_str(start, (size_t)(r.p - start));
	a->rest = ps_str(r.p, (size_t)(r.end - r.p));
	return 1;
}
