/*
 * Range files: plain lists and the clouds' published JSON.
 *
 * Plain: one block per line, "CIDR,label" or "CIDR label" (the label is
 * the rest of the line); an address without /N is one host; blank lines
 * and lines starting with '#' are skipped.
 *
 * JSON, by the members of each object (wherever it sits):
 *   AWS ip-ranges.json   {"ip_prefix"|"ipv6_prefix", "service", "region"}  aws/SERVICE/REGION
 *   Google cloud.json    {"ipv4Prefix"|"ipv6Prefix", "scope"}               gcp/SCOPE
 *   Azure service tags   {"name", "properties": {"addressPrefixes": [...]}} azure/NAME
 *
 * Not sink/deliver/jsonread.c: that reader holds one small object (64 KiB,
 * top-level members only), where these files are megabytes of nested
 * arrays. This walker validates the whole text (RFC 8259 syntax, UTF-8,
 * no control characters in strings) but keeps nothing: it looks at the
 * few members above as it passes them, as slices of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enrich/ranges.h"
#include "util/utf8.h"

#define MAX_REPORTS 20 /* problems reported per file; the rest are counted */
#define MAX_DEPTH 32

struct parser {
	struct ps_ranges *r;
	const char *name;
	const char *text, *end;
	ps_ranges_diag_fn diag;
	void *arg;
	unsigned problems;
	long added;
	int stop; /* -ENOSPC or -ENOMEM: the rest of the file is not read */
};

static unsigned line_of(const struct parser *p, const char *at)
{
	unsigned line = 1;
	for (const char *c = p->text; c < at && c < p->end; c++)
		line += *c == '\n';
	return line;
}

__attribute__((format(printf, 4, 5))) static void report(struct parser *p, bool error, const char *at,
							  const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	if (error && ++p->problems > MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->diag)
		p->diag(error, p->name, at ? line_of(p, at) : 0, msg, p->arg);
}

/* Text of the file quoted in a message: printable ASCII, cut at 40 bytes. */
static const char *quote(char buf[48], struct ps_str s)
{
	size_t n = 0;
	for (size_t i = 0; i < s.n && n < 40; i++)
		buf[n++] = s.p[i] >= 0x20 && s.p[i] < 0x7f ? s.p[i] : '?';
	buf[n] = '\0';
	return buf;
}

/* Printable UTF-8 of 1 to PS_RANGES_LABEL_MAX bytes. */
static bool label_ok(struct ps_str s)
{
	if (s.n == 0 || s.n > PS_RANGES_LABEL_MAX)
		return false;
	for (size_t i = 0; i < s.n;) {
		uint32_t cp;
		size_t len = ps_utf8_seq((const unsigned char *)s.p + i, s.n - i, &cp);
		if (len == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return false;
		i += len;
	}
	return true;
}

/* One block: "NET/LEN" or an address alone. at: where it is in the file. */
static void add(struct parser *p, struct ps_str cidr, struct ps_str label, const char *at)
{
	char q[48];
	struct ps_str addr = cidr, len = PS_STR_NULL;
	struct ps_ip net;
	uint64_t prefix;
	if (p->stop)
		return;
	ps_rsplit(cidr, "/", &addr, &len);
	if (ps_ip_parse(addr, &net) < 0 || ps_has_byte(addr, '%')) {
		report(p, true, at, "'%s' is not an address block (NET/LEN)", quote(q, cidr));
		return;
	}
	unsigned bits = net.family == 4 ? 32 : 128;
	if (!ps_set(len))
		prefix = bits;
	else if (!ps_all_digits(len) || ps_parse_u64(len, bits, &prefix) < 0) {
		report(p, true, at, "'%s': the prefix length must be 0 to %u", quote(q, cidr), bits);
		return;
	}
	if (!label_ok(label)) {
		report(p, true, at, "'%s': the label must be 1 to %d bytes of printable UTF-8", quote(q, cidr),
		       PS_RANGES_LABEL_MAX);
		return;
	}
	struct ps_ip masked = net;
	memset(masked.a, 0, sizeof(masked.a));
	memcpy(masked.a, net.a, (prefix + 7) / 8);
	if (prefix % 8)
		masked.a[prefix / 8] &= (uint8_t)(0xff00u >> (prefix % 8));
	if (memcmp(masked.a, net.a, sizeof(net.a)) != 0)
		report(p, false, at, "'%s' has host bits set; the block it is in is used", quote(q, cidr));
	int r = ps_ranges_add(p->r, &masked, (unsigned)prefix, label);
	if (r == -ENOSPC)
		report(p, true, at, "the cap of %d address blocks is reached; the rest of the file is ignored",
		       PS_RANGES_MAX);
	if (r < 0)
		p->stop = r;
	else
		p->added += r;
}

/* ---- plain lists ---- */

static void parse_lines(struct parser *p)
{
	const char *s = p->text;
	while (s < p->end && !p->stop) {
		const char *nl = memchr(s, '\n', (size_t)(p->end - s));
		struct ps_str line = ps_str(s, nl ? (size_t)(nl - s) : (size_t)(p->end - s));
		const char *at = s;
		s = nl ? nl + 1 : p->end;
		ps_chop(&line, "\r");
		line = ps_trim_spaces(line);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		size_t i = 0;
		while (i < line.n && line.p[i] != ',' && line.p[i] != ' ' && line.p[i] != '\t')
			i++;
		struct ps_str cidr = ps_str(line.p, i);
		struct ps_str label = ps_trim_spaces(ps_str(line.p + i + (i < line.n), line.n - i - (i < line.n)));
		if (!ps_set(label) || label.n == 0) {
			char q[48];
			report(p, true, at, "'%s' has no label (CIDR,label or CIDR label)", quote(q, cidr));
			continue;
		}
		add(p, cidr, label, at);
	}
}

/* ---- JSON ---- */

enum member { M_IP_PREFIX, M_IPV6_PREFIX, M_IPV4PREFIX, M_IPV6PREFIX, M_SERVICE, M_REGION, M_SCOPE, M_NAME, M_COUNT };
static const char *const member_names[M_COUNT] = {
	"ip_prefix", "ipv6_prefix", "ipv4Prefix", "ipv6Prefix", "service", "region", "scope", "name",
};

/* What one object said, as far as range files go. */
struct obj {
	struct ps_str m[M_COUNT];     /* string members of interest (raw text, no escapes) */
	const char *m_at[M_COUNT];
	const char *address_prefixes; /* its "addressPrefixes" array (Azure) */
	const char *properties_list;  /* the array of its "properties" member's object */
};

struct jr {
	struct parser *p;
	const char *s;
	bool bad;
};

static void ws(struct jr *j)
{
	while (j->s < j->p->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
		j->s++;
}

static bool fail(struct jr *j, const char *what)
{
	if (!j->bad)
		report(j->p, true, j->s, "not valid JSON: %s; the rest of the file is ignored", what);
	j->bad = true;
	return false;
}

static bool eat(struct jr *j, char c)
{
	ws(j);
	if (j->s < j->p->end && *j->s == c) {
		j->s++;
		return true;
	}
	return false;
}

/* A string; *raw is its text between the quotes, *escaped whether it has backslashes. */
static bool string(struct jr *j, struct ps_str *raw, bool *escaped)
{
	if (!eat(j, '"'))
		return fail(j, "expected a string");
	const char *start = j->s, *end = j->p->end;
	*escaped = false;
	while (j->s < end && *j->s != '"') {
		unsigned char c = (unsigned char)*j->s;
		if (c < 0x20)
			return fail(j, "a control character in a string");
		if (c >= 0x80) {
			uint32_t cp;
			size_t len = ps_utf8_seq((const unsigned char *)j->s, (size_t)(end - j->s), &cp);
			if (len == 0)
				return fail(j, "a string is not valid UTF-8");
			j->s += len;
			continue;
		}
		j->s++;
		if (c != '\\')
			continue;
		*escaped = true;
		if (j->s >= end)
			break;
		char e = *j->s++;
		if (e == 'u') {
			for (int i = 0; i < 4; i++, j->s++)
				if (j->s >= end || !strchr("0123456789abcdefABCDEF", *j->s) || !*j->s)
					return fail(j, "a bad \\u escape");
		} else if (!e || !strchr("\"\\/bfnrt", e)) {
			return fail(j, "a bad escape in a string");
		}
	}
	if (j->s >= end)
		return fail(j, "a string is not closed");
	*raw = ps_str(start, (size_t)(j->s - start));
	j->s++;
	return true;
}

static bool scalar(struct jr *j)
{
	static const char *const words[] = { "true", "false", "null" };
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(j->p->end - j->s) >= n && memcmp(j->s, words[i], n) == 0) {
			j->s += n;
			return true;
		}
	}
	/* A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
	const char *s = j->s, *end = j->p->end;
	if (s < end && *s == '-')
		s++;
	const char *d = s;
	while (s < end && *s >= '0' && *s <= '9')
		s++;
	if (s == d || (*d == '0' && s - d > 1))
		return fail(j, "expected a value");
	if (s < end && *s == '.') {
		d = ++s;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
		if (s == d)
			return fail(j, "a bad number");
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '+' || *s == '-'))
			s++;
		d = s;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
		if (s == d)
			return fail(j, "a bad number");
	}
	j->s = s;
	return true;
}

static bool value(struct jr *j, int depth, struct obj *parent, int member);

static bool array(struct jr *j, int depth)
{
	j->s++; /* [ */
	if (eat(j, ']'))
		return true;
	do {
		if (!value(j, depth + 1, NULL, -1))
			return false;
	} while (eat(j, ','));
	return eat(j, ']') || fail(j, "expected ',' or ']'");
}

/* The blocks of an "addressPrefixes" array (already validated), with label. */
static void prefix_list(struct parser *p, const char *at, struct ps_str label)
{
	struct jr j = { .p = p, .s = at };
	struct ps_str raw;
	bool escaped;
	j.s++; /* [ */
	if (eat(&j, ']'))
		return;
	do {
		ws(&j);
		const char *here = j.s;
		if (j.s >= p->end || *j.s != '"') {
			report(p, true, here, "addressPrefixes holds something other than a string");
			if (!value(&j, 1, NULL, -1))
				return;
			continue;
		}
		if (!string(&j, &raw, &escaped))
			return;
		add(p, raw, label, here);
	} while (eat(&j, ',') && !p->stop);
}

/* "prefix/a/b" into buf as a label, from parts that may be missing. */
static struct ps_str make_label(char *buf, size_t size, const char *prefix, struct ps_str a, struct ps_str b)
{
	int n = snprintf(buf, size, "%s%s%.*s%s%.*s", prefix, a.n ? "/" : "", (int)a.n, a.p ? a.p : "", b.n ? "/" : "",
			 (int)b.n, b.p ? b.p : "");
	return ps_str(buf, n < 0 ? 0 : (size_t)n >= size ? size : (size_t)n);
}

/* At the end of an object: the blocks it describes. */
static void object_done(struct parser *p, const struct obj *o)
{
	char buf[PS_RANGES_LABEL_MAX + 2];
	struct ps_str label;
	label = make_label(buf, sizeof(buf), "aws", o->m[M_SERVICE], o->m[M_REGION]);
	for (int m = M_IP_PREFIX; m <= M_IPV6_PREFIX; m++)
		if (ps_set(o->m[m]))
			add(p, o->m[m], label, o->m_at[m]);
	label = make_label(buf, sizeof(buf), "gcp", o->m[M_SCOPE], PS_STR_NULL);
	for (int m = M_IPV4PREFIX; m <= M_IPV6PREFIX; m++)
		if (ps_set(o->m[m]))
			add(p, o->m[m], label, o->m_at[m]);
	if (ps_set(o->m[M_NAME]) && o->properties_list)
		prefix_list(p, o->properties_list, make_label(buf, sizeof(buf), "azure", o->m[M_NAME], PS_STR_NULL));
}

static bool object(struct jr *j, int depth, struct obj *parent, bool is_properties)
{
	struct obj o = { 0 };
	j->s++; /* { */
	if (!eat(j, '}'))
		do {
			struct ps_str key;
			bool escaped;
			if (!string(j, &key, &escaped) || (!eat(j, ':') && !fail(j, "expected ':'")))
				return false;
			int m = -1;
			for (int i = 0; i < M_COUNT && !escaped; i++)
				if (ps_eq(key, ps_cstr(member_names[i])))
					m = i;
			if (!escaped && ps_eq_lit(key, "addressPrefixes"))
				m = M_COUNT;
			if (!escaped && ps_eq_lit(key, "properties"))
				m = M_COUNT + 1;
			if (!value(j, depth + 1, &o, m))
				return false;
		} while (eat(j, ','));
	if (!eat(j, '}'))
		return fail(j, "expected ',' or '}'");
	if (is_properties && parent)
		parent->properties_list = o.address_prefixes;
	object_done(j->p, &o);
	return !j->p->stop;
}

/* A value; member: which member of parent it is (-1: none of interest). */
static bool value(struct jr *j, int depth, struct obj *parent, int member)
{
	ws(j);
	if (depth > MAX_DEPTH)
		return fail(j, "nested too deeply");
	if (j->s >= j->p->end)
		return fail(j, "the text ends early");
	const char *at = j->s;
	switch (*j->s) {
	case '{':
		return object(j, depth, parent, member == M_COUNT + 1);
	case '[':
		if (parent && member == M_COUNT)
			parent->address_prefixes = at;
		return array(j, depth);
	case '"': {
		struct ps_str raw;
		bool escaped;
		if (!string(j, &raw, &escaped))
			return false;
		if (parent && member >= 0 && member < M_COUNT) {
			/* Prefixes, names and regions never need escapes: one that has them is taken as absent. */
			parent->m[member] = escaped ? PS_STR_NULL : raw;
			parent->m_at[member] = at;
		}
		return true;
	}
	default:
		return scalar(j);
	}
}

static void parse_json(struct parser *p)
{
	struct jr j = { .p = p, .s = p->text };
	if (!value(&j, 0, NULL, -1))
		return;
	ws(&j);
	if (j.s != p->end && !p->stop)
		fail(&j, "text after the end");
}

long ps_ranges_parse(struct ps_ranges *r, const char *name, const char *text, size_t n, ps_ranges_diag_fn diag,
		     void *arg)
{
	struct parser p = { .r = r, .name = name, .text = text, .end = text + n, .diag = diag, .arg = arg };
	size_t i = 0;
	if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 byte order mark (Azure's files have one) */
		p.text += 3, i = 3;
	while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	bool json = i < n && text[i] == '{';
	if (json)
		parse_json(&p);
	else
		parse_lines(&p);
	if (p.problems > MAX_REPORTS)
		report(&p, false, NULL, "%u more problems not shown", p.problems - MAX_REPORTS);
	if (p.added == 0 && p.problems == 0 && !p.stop)
		report(&p, true, NULL, json ? "no address blocks found (not AWS, Google Cloud or Azure ranges JSON)"
					    : "no address blocks found");
	return p.stop ? p.stop : p.added;
}

long ps_ranges_load(struct ps_ranges *r, const char *path, ps_ranges_diag_fn diag, void *arg)
{
	char msg[300];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int err = 0;
	char *buf = NULL;
	size_t n = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		err = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
	} else if ((uint64_t)st.st_size > PS_RANGES_FILE_MAX) {
		err = -EFBIG;
	} else if (!(buf = malloc((size_t)st.st_size + 1))) {
		err = -ENOMEM;
	} else {
		while (n < (size_t)st.st_size) {
			ssize_t got = read(fd, buf + n, (size_t)st.st_size - n);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				err = got < 0 ? -errno : 0;
				break;
			}
			n += (size_t)got;
		}
	}
	if (fd >= 0)
		close(fd);
	if (err < 0) {
		snprintf(msg, sizeof(msg), "cannot read: %s", err == -EINVAL ? "not a regular file"
							   : err == -EFBIG ? "larger than 64 MiB" : strerror(-err));
		if (diag)
			diag(true, path, 0, msg, arg);
		free(buf);
		return err;
	}
	long added = ps_ranges_parse(r, path, buf, n, diag, arg);
	free(buf);
	return added;
}
