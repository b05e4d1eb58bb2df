/*
 * journalctl output: -o json (one flat object per line) and -o export
 * (systemd's documented Journal Export Format).
 *
 * A JSON parser is written here rather than taken from a library because
 * the journal's JSON is a fixed, flat shape (string, null, array of bytes,
 * or array of those for repeated fields), the parser must decode into a
 * caller-provided buffer without allocating, and none of our dependencies
 * ships a JSON reader.
 */
#include <errno.h>
#include <stdlib.h>

#include "decode/frame.h"
#include "util/utf8.h"

enum { F_MESSAGE, F_IDENT, F_PID, F_SYSLOG_PID, F_HOSTNAME, F_REALTIME, F_AUDIT_SESSION, F_AUDIT_LOGINUID, F_COMM, F__COUNT };

_Static_assert(F__COUNT == PS_JOURNAL_FIELDS, "struct ps_journal_entry has room for every field");

static const char *const field_names[F__COUNT] = {
	[F_MESSAGE] = "MESSAGE",
	[F_IDENT] = "SYSLOG_IDENTIFIER",
	[F_PID] = "_PID",
	[F_SYSLOG_PID] = "SYSLOG_PID",
	[F_HOSTNAME] = "_HOSTNAME",
	[F_REALTIME] = "__REALTIME_TIMESTAMP",
	[F_AUDIT_SESSION] = "_AUDIT_SESSION",
	[F_AUDIT_LOGINUID] = "_AUDIT_LOGINUID",
	[F_COMM] = "_COMM",
};

static int field_index(struct ps_str name)
{
	for (int i = 0; i < F__COUNT; i++)
		if (ps_eq_lit(name, field_names[i]))
			return i;
	return -1;
}

static void fields_to_record(const struct ps_str *f, const bool *set, struct ps_record *rec)
{
	uint64_t v;
	ps_record_init(rec);
	rec->message = set[F_MESSAGE] ? f[F_MESSAGE] : PS_LIT("");
	rec->program = set[F_IDENT] ? f[F_IDENT] : set[F_COMM] ? f[F_COMM] : PS_STR_NULL;
	/* _PID is the kernel's; SYSLOG_PID is what the sender claimed. */
	if (set[F_PID] && ps_parse_u64(f[F_PID], INT32_MAX, &v) == 0)
		rec->pid = (int64_t)v;
	else if (set[F_SYSLOG_PID] && ps_parse_u64(f[F_SYSLOG_PID], INT32_MAX, &v) == 0)
		rec->pid = (int64_t)v;
	if (set[F_HOSTNAME])
		rec->host = f[F_HOSTNAME];
	if (set[F_REALTIME] && ps_parse_u64(f[F_REALTIME], INT64_MAX, &v) == 0)
		rec->time_us = (int64_t)v;
	if (set[F_AUDIT_SESSION] && ps_all_digits(f[F_AUDIT_SESSION]))
		rec->audit_session = f[F_AUDIT_SESSION];
	rec->login_uid = set[F_AUDIT_LOGINUID] ? ps_login_uid(f[F_AUDIT_LOGINUID]) : -1;
}

/* ---- -o json ---- */

struct json {
	const char *p, *end;
	char *out; /* decoded values are appended here */
	size_t out_len;
};

static void ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static bool lit(struct json *j, char c)
{
	ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static void put_utf8(struct json *j, uint32_t cp)
{
	j->out_len += ps_utf8_put(cp, j->out + j->out_len);
}

/*
 * A JSON string, decoded into j->out when out is non-NULL. Every escape
 * decodes to no more bytes than it occupies, so j->out never needs more
 * room than the line.
 */
static bool string(struct json *j, struct ps_str *out)
{
	if (!lit(j, '"'))
		return false;
	size_t start = j->out_len;
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;
		if ((unsigned char)c < 0x20)
			return false;
		if (c != '\\') {
			j->out[j->out_len++] = c;
			continue;
		}
		if (j->p >= j->end)
			return false;
		c = *j->p++;
		switch (c) {
		case '"': case '\\': case '/': j->out[j->out_len++] = c; break;
		case 'b': j->out[j->out_len++] = '\b'; break;
		case 'f': j->out[j->out_len++] = '\f'; break;
		case 'n': j->out[j->out_len++] = '\n'; break;
		case 'r': j->out[j->out_len++] = '\r'; break;
		case 't': j->out[j->out_len++] = '\t'; break;
		case 'u': {
			if (j->end - j->p < 4)
				return false;
			int cp = hex4(j->p);
			if (cp < 0)
				return false;
			j->p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && j->end - j->p >= 6 && j->p[0] == '\\' &&
			    j->p[1] == 'u') {
				int lo = hex4(j->p + 2);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					j->p += 6;
				}
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd; /* a lone surrogate has no UTF-8 form */
			put_utf8(j, (uint32_t)cp);
			break;
		}
		default:
			return false;
		}
	}
	if (j->p >= j->end)
		return false;
	j->p++;
	if (out)
		*out = ps_str(j->out + start, j->out_len - start);
	return true;
}

/* An array of numbers 0-255: a binary field value, decoded to bytes. */
static bool byte_array(struct json *j, struct ps_str *out)
{
	size_t start = j->out_len;
	if (lit(j, ']'))
		goto done;
	do {
		ws(j);
		unsigned v = 0, digits = 0;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*j->p++ - '0');
			digits++;
		}
		if (digits == 0 || v > 255)
			return false;
		j->out[j->out_len++] = (char)v;
	} while (lit(j, ','));
	if (!lit(j, ']'))
		return false;
done:
	*out = ps_str(j->out + start, j->out_len - start);
	return true;
}

/* A value; *out set for strings and byte arrays, unset for null/numbers. */
static bool value(struct json *j, struct ps_str *out, int depth)
{
	ws(j);
	*out = PS_STR_NULL;
	if (j->p >= j->end)
		return false;
	if (*j->p == '"')
		return string(j, out);
	if (*j->p == '[') {
		j->p++;
		ws(j);
		if (j->p < j->end && (*j->p >= '0' && *j->p <= '9'))
			return byte_array(j, out);
		if (lit(j, ']'))
			return true;
		/* A repeated field: keep the first value. */
		if (depth > 0)
			return false;
		bool first = true;
		do {
			struct ps_str v;
			if (!value(j, &v, depth + 1))
				return false;
			if (first)
				*out = v;
			first = false;
		} while (lit(j, ','));
		return lit(j, ']');
	}
	/* null, true, false, numbers: skipped. */
	const char *start = j->p;
	while (j->p < j->end && ((*j->p >= 'a' && *j->p <= 'z') || (*j->p >= '0' && *j->p <= '9') ||
				 *j->p == '-' || *j->p == '.' || *j->p == '+' || *j->p == 'E'))
		j->p++;
	return j->p > start;
}

int ps_frame_journal_json(struct ps_frame_ctx *c, struct ps_str line, struct ps_record *rec)
{
	if (c->scratch_cap < line.n) {
		size_t cap = line.n < 4096 ? 4096 : line.n;
		char *nb = realloc(c->scratch, cap);
		if (!nb)
			return -ENOMEM;
		c->scratch = nb;
		c->scratch_cap = cap;
	}
	struct json j = { .p = line.p, .end = line.p + line.n, .out = c->scratch };
	struct ps_str f[F__COUNT] = { 0 };
	bool set[F__COUNT] = { 0 };

	if (!lit(&j, '{'))
		return 0;
	if (!lit(&j, '}')) {
		do {
			struct ps_str name, v;
			if (!string(&j, &name) || !lit(&j, ':') || !value(&j, &v, 0))
				return 0;
			int i = field_index(name);
			if (i >= 0 && ps_set(v)) {
				f[i] = v;
				set[i] = true;
			}
		} while (lit(&j, ','));
		if (!lit(&j, '}'))
			return 0;
	}
	ws(&j);
	if (j.p != j.end || !set[F_MESSAGE])
		return 0;
	fields_to_record(f, set, rec);
	return 1;
}

/* ---- -o export ---- */

bool ps_journal_field_name(struct ps_str s)
{
	if (s.n == 0 || s.n > 64 || (s.p[0] >= '0' && s.p[0] <= '9'))
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char ch = s.p[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
	}
	return true;
}

void ps_journal_entry_init(struct ps_journal_entry *e)
{
	*e = (struct ps_journal_entry){ 0 };
}

void ps_journal_entry_free(struct ps_journal_entry *e)
{
	free(e->buf);
	ps_journal_entry_init(e);
}

void ps_journal_entry_reset(struct ps_journal_entry *e)
{
	e->len = 0;
	e->any = false;
	for (int i = 0; i < F__COUNT; i++)
		e->f[i].set = false;
}

int ps_journal_entry_add(struct ps_journal_entry *e, struct ps_str name, struct ps_str value)
{
	e->any = true;
	int i = field_index(name);
	if (i < 0 || e->f[i].set)
		return 0; /* repeated fields: the first value counts, as in -o json */
	if (e->cap - e->len < value.n) {
		size_t cap = e->cap ? e->cap : 1024;
		while (cap - e->len < value.n)
			cap *= 2;
		char *nb = realloc(e->buf, cap);
		if (!nb)
			return -ENOMEM;
		e->buf = nb;
		e->cap = cap;
	}
	if (value.n)
		memcpy(e->buf + e->len, value.p, value.n);
	e->f[i].off = e->len;
	e->f[i].n = value.n;
	e->f[i].set = true;
	e->len += value.n;
	return 0;
}

int ps_journal_entry_record(const struct ps_journal_entry *e, struct ps_record *rec)
{
	struct ps_str f[F__COUNT];
	bool set[F__COUNT];
	if (!e->any || !e->f[F_MESSAGE].set)
		return 0;
	for (int i = 0; i < F__COUNT; i++) {
		set[i] = e->f[i].set;
		f[i] = set[i] ? ps_str(e->buf ? e->buf + e->f[i].off : "", e->f[i].n) : PS_STR_NULL;
	}
	fields_to_record(f, set, rec);
	return 1;
}
