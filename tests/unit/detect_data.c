/*
 * Table-driven detection tests: each file under tests/data/detect/ holds
 * scenarios, each an event sequence and the alerts it must raise, exactly
 * and in order. Log lines go through the real framing and decoders.
 *
 *   = TITLE              a new scenario: a fresh detector
 *   config LINE          a line of pamsignal.conf for it (before its first input);
 *                        @BUILD@ is the build directory (the test .mmdb files are there:
 *                        [enrich] enriches the events as the daemon does)
 *   < LINE               a log line, exactly as a log holds it; audit records
 *                        (type=...) are grouped into events by libauparse, and
 *                        the event of consecutive records counts at the next
 *                        line that is not one (as after EOE in audit.log)
 *   <x LINE              the same with \xNN and \\ escapes
 *   repeat N LINE        LINE N times; {i} is 1..N, {x} i in hex, {hi} and
 *                        {lo} the high and low 16 bits of i in hex
 *   > RULE [update] KEY=VALUE...   the next alert raised: its rule, whether it
 *                        is an update, and fields (src_ip subnet user service
 *                        count severity window events mitre summary); KEY~TEXT
 *                        checks that the field contains TEXT. Values with
 *                        spaces are quoted (user="a b"); \xNN and \\ escape
 *                        bytes, a quote being \x22
 *   event KIND KEY=VALUE...  an event made here, for kinds no log line gives
 *                        (the live daemon's spoofed_log, source_gap...):
 *                        time host program source detail sender_exe count
 *   flush                end of input: final updates
 *   tick TIME            let time pass (RFC 3339) without events
 *   restart              save the state, start a new detector, load it
 *   program_logs         the caller feeds every host's program logs
 *                        (ps_detector_set_program_logs), kept across restart
 *   evicted              some table must have evicted an entry by now
 *   maxrss MB            the process's peak RSS must be below MB (skipped
 *                        under sanitizers, which inflate it)
 *
 * Any alert raised that no '>' line claims fails the scenario at the next
 * input or directive. Classic syslog timestamps are read with a 2026
 * reference year in UTC. PS_REGEN=1 prints each file with the alerts the
 * code raises now in place of the '>' lines, to draft cases (check them by
 * hand before committing).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/config.h"
#include "decode/decode.h"
#include "decode/audit.h"
#include "decode/frame.h"
#include "detect/detect.h"
#include "enrich/enrich.h"
#include "event/json.h"
#include "event/json_read.h"
#include "source/audit_feed.h"
#include "util/timeconv.h"
#include "unescape.h"

#define MAX_ALERTS 64

struct run {
	const char *path;
	unsigned lineno, failures;
	bool regen;
	struct ps_frame_ctx frame;
	struct ps_audit_feed *audit; /* audit records of the scenario */
	bool program_logs;
	char config[4096];
	size_t config_len;
	struct ps_detector *det;
	struct ps_enricher *enr;
	/* Alerts raised and not yet claimed, as "rule [update] key=value..." lines. */
	char *pending[MAX_ALERTS];
	unsigned n_pending, n_dropped;
	struct ps_out json, plain, event_json;
};

/* value as a token: bare when it has no space, quote or control byte;
 * otherwise quoted, with quotes, backslashes and other bytes as \xNN. */
static void put_value(struct ps_out *o, struct ps_str v)
{
	static const char hex[] = "0123456789abcdef";
	bool quote = v.n == 0;
	for (size_t i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] <= ' ' || v.p[i] == '"' || v.p[i] == '\\' || (unsigned char)v.p[i] >= 0x7f)
			quote = true;
	if (!quote) {
		ps_out_str(o, v);
		return;
	}
	ps_out_putc(o, '"');
	for (size_t i = 0; i < v.n; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			ps_out_puts(o, "\\x");
			ps_out_putc(o, hex[c >> 4]);
			ps_out_putc(o, hex[c & 15]);
		} else {
			ps_out_putc(o, (char)c);
		}
	}
	ps_out_putc(o, '"');
}

static void put_field(struct ps_out *o, const char *key, struct ps_str v)
{
	if (!ps_set(v))
		return;
	ps_out_putc(o, ' ');
	ps_out_puts(o, key);
	ps_out_putc(o, '=');
	put_value(o, v);
}

static char *alert_line(const struct ps_alert *a)
{
	char ip[PS_IP_STRLEN + 8], num[32];
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_out_puts(&o, ps_rule_name(a->rule));
	if (a->update)
		ps_out_puts(&o, " update");
	put_field(&o, "severity", ps_cstr(ps_severity_name(a->severity)));
	if (a->src_ip.family)
		put_field(&o, "src_ip", ps_str(ip, ps_ip_format(&a->src_ip, ip)));
	if (a->subnet.family) {
		size_t n = ps_ip_format(&a->subnet, ip);
		n += (size_t)snprintf(ip + n, sizeof(ip) - n, "/%u", a->subnet_prefix);
		put_field(&o, "subnet", ps_str(ip, n));
	}
	put_field(&o, "user", a->user);
	put_field(&o, "service", a->service);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)a->count);
	put_field(&o, "count", ps_cstr(num));
	snprintf(num, sizeof(num), "%lld", (long long)a->window_s);
	put_field(&o, "window", ps_cstr(num));
	snprintf(num, sizeof(num), "%u", a->n_events);
	put_field(&o, "events", ps_cstr(num));
	char mitre[64] = "";
	for (unsigned i = 0; i < a->n_mitre; i++)
		snprintf(mitre + strlen(mitre), sizeof(mitre) - strlen(mitre), "%s%s", i ? "," : "", a->mitre[i]);
	put_field(&o, "mitre", ps_cstr(mitre));
	put_field(&o, "summary", ps_str(a->summary, a->summary_len));
	ps_out_putc(&o, '\0');
	return o.buf;
}

__attribute__((format(printf, 2, 3))) static void failure(struct run *r, const char *fmt, ...);

static int on_alert(const struct ps_alert *a, void *arg)
{
	struct run *r = arg;
	/* Every alert also goes through the JSON writer (sanitizers watch it),
	 * and shows its sample events as they would be written afresh: the
	 * bytes the detector kept (events_json) are those. A sample kept only
	 * as JSON (events[i] NULL) must read back into the event it was, as
	 * the detector reads it back to describe an update. */
	ps_out_reset(&r->json);
	ps_alert_write_json(&r->json, a);
	struct ps_alert plain = *a;
	struct ps_event_line back[PS_ALERT_MAX_SAMPLES + 1];
	memset(back, 0, sizeof(back));
	for (unsigned i = 0; i < a->n_events; i++) {
		const char *why = NULL;
		if (a->events[i])
			continue;
		if (!ps_set(a->events_json[i]) || ps_event_line_read(&back[i], a->events_json[i], &why) != PS_LINE_EVENT)
			failure(r, "an alert's sample %u has neither an event nor JSON that reads back (%s)", i, why ? why : "none");
		else
			plain.events[i] = &back[i].ev;
	}
	memset(plain.events_json, 0, sizeof(plain.events_json));
	bool whole = true;
	for (unsigned i = 0; i < a->n_events; i++)
		whole &= plain.events[i] != NULL;
	ps_out_reset(&r->plain);
	if (whole)
		ps_alert_write_json(&r->plain, &plain);
	for (unsigned i = 0; i < a->n_events; i++)
		ps_event_line_free(&back[i]);
	if (r->json.len != r->plain.len || memcmp(r->json.buf, r->plain.buf, r->json.len) != 0)
		failure(r, "an alert's kept sample JSON differs from its events: %.*s", (int)r->json.len, r->json.buf);
	if (r->n_pending == MAX_ALERTS) {
		r->n_dropped++;
		return 0;
	}
	r->pending[r->n_pending++] = alert_line(a);
	return 0;
}

__attribute__((format(printf, 2, 3))) static void failure(struct run *r, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_error("%s:%u: %s\n", r->path, r->lineno, msg);
	r->failures++;
}

static void drop_pending(struct run *r)
{
	for (unsigned i = 0; i < r->n_pending; i++)
		free(r->pending[i]);
	r->n_pending = 0;
	r->n_dropped = 0;
}

/* Alerts nobody claimed: printed (regen) or failures. */
static void settle(struct run *r)
{
	for (unsigned i = 0; i < r->n_pending; i++) {
		if (r->regen)
			printf("> %s\n", r->pending[i]);
		else
			failure(r, "unexpected alert: %s", r->pending[i]);
	}
	if (r->n_dropped)
		failure(r, "%u more alerts", r->n_dropped);
	drop_pending(r);
}

static void config_diag(enum ps_diag_level level, const char *file, unsigned line, const char *msg, void *arg)
{
	(void)file;
	failure(arg, "config line %u: %s: %s", line, level == PS_DIAG_ERROR ? "error" : "warning", msg);
}

static struct ps_detector *new_detector(struct run *r)
{
	char path[] = "/tmp/pamsignal-detect-test.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r->config, r->config_len), (ssize_t)r->config_len);
	close(fd);
	struct ps_config cfg;
	int rc = ps_config_load(path, &cfg, config_diag, r);
	unlink(path);
	if (rc < 0) {
		failure(r, "the scenario's config does not load (%s)", strerror(-rc));
		ps_config_defaults(&cfg);
	}
	struct ps_detector *d;
	assert_int_equal(ps_detector_new(&cfg, &d), 0);
	ps_enricher_free(r->enr);
	if (ps_enricher_new(&cfg, NULL, config_diag, r, &r->enr) < 0)
		failure(r, "the scenario's [enrich] files do not open");
	ps_config_free(&cfg);
	ps_detector_set_program_logs(d, r->program_logs);
	return d;
}

static struct ps_detector *detector(struct run *r)
{
	if (!r->det)
		r->det = new_detector(r);
	return r->det;
}

/* Feed ev as scan does: with the JSON just written for it. */
static void feed_event(struct run *r, struct ps_detector *d, const struct ps_event *ev)
{
	ps_out_reset(&r->event_json);
	ps_event_write_json(&r->event_json, ev, PS_JSON_NO_NEWLINE);
	assert_int_equal(r->event_json.error, 0);
	ps_detector_feed_json(d, ev, ps_str(r->event_json.buf, r->event_json.len), on_alert, r);
}

static int audit_event(const struct ps_event *ev_in, void *arg)
{
	struct run *r = arg;
	struct ps_event ev = *ev_in;
	ev.file = PS_LIT("test.log");
	feed_event(r, detector(r), &ev);
	return 0;
}

/* The records fed so far make their events. */
static void audit_flush(struct run *r)
{
	if (r->audit)
		ps_audit_feed_flush(r->audit);
}

static void feed(struct run *r, struct ps_str line)
{
	struct ps_record rec;
	struct ps_event ev;
	uint64_t serial;
	if (ps_audit_line(line, &serial)) {
		if (!r->audit)
			assert_int_equal(ps_audit_feed_new(&r->audit, PS_LIT("test.log"), audit_event, NULL, r), 0);
		ps_audit_feed_line(r->audit, line, r->lineno, NULL);
		return;
	}
	audit_flush(r);
	assert_true(ps_frame_line(&r->frame, line, &rec) >= 0);
	if (ps_decode(&rec, &ev) <= 0)
		return;
	ev.file = PS_LIT("test.log");
	ev.line = r->lineno;
	struct ps_detector *d = detector(r);
	ps_enrich(r->enr, &ev);
	feed_event(r, d, &ev);
}

/* "event spoofed_log time=... program=sshd ...": the fields point into line. */
static void synthetic(struct run *r, char *line)
{
	static const struct { const char *key; size_t off; } strs[] = {
		{ "host", offsetof(struct ps_event, host) },       { "program", offsetof(struct ps_event, program) },
		{ "source", offsetof(struct ps_event, source) },   { "detail", offsetof(struct ps_event, detail) },
		{ "sender_exe", offsetof(struct ps_event, sender_exe) }, { "user", offsetof(struct ps_event, user) },
	};
	struct ps_event ev;
	ps_event_init(&ev);
	char *save = NULL, *kind = strtok_r(line, " ", &save);
	for (int k = 1; k < PS_KIND__COUNT; k++)
		if (strcmp(kind, ps_kind_name((enum ps_kind)k)) == 0)
			ev.kind = (enum ps_kind)k;
	if (!ev.kind)
		failure(r, "unknown kind %s", kind);
	for (char *kv; (kv = strtok_r(NULL, " ", &save));) {
		char *eq = strchr(kv, '=');
		if (!eq) {
			failure(r, "bad field %s", kv);
			continue;
		}
		*eq++ = '\0';
		struct ps_str v = ps_cstr(eq);
		if (strcmp(kv, "time") == 0)
			assert_int_equal(ps_parse_rfc3339(&v, &ev.time_us), 0);
		else if (strcmp(kv, "count") == 0)
			ev.count = (uint32_t)strtoul(eq, NULL, 10);
		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			if (strcmp(kv, strs[i].key) == 0)
				*(struct ps_str *)(void *)((char *)&ev + strs[i].off) = v;
	}
	feed_event(r, detector(r), &ev);
}

static void restart(struct run *r)
{
	char *buf = NULL, err[256] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(ps_detector_save(detector(r), f), 0);
	fclose(f);
	ps_detector_free(r->det);
	r->det = new_detector(r);
	f = fmemopen(buf, len, "r");
	assert_non_null(f);
	if (ps_detector_load(r->det, f, err, sizeof(err)) < 0)
		failure(r, "restore failed: %s", err);
	fclose(f);
	free(buf);
}

static void repeat(struct run *r, const char *spec)
{
	char *end;
	unsigned long n = strtoul(spec, &end, 10);
	const char *tmpl = end + (*end == ' ');
	static char line[2048];
	for (unsigned long i = 1; i <= n; i++) {
		size_t o = 0;
		for (const char *p = tmpl; *p && o < sizeof(line) - 16; p++) {
			if (strncmp(p, "{i}", 3) == 0) {
				o += (size_t)snprintf(line + o, sizeof(line) - o, "%lu", i);
				p += 2;
			} else if (strncmp(p, "{x}", 3) == 0) {
				o += (size_t)snprintf(line + o, sizeof(line) - o, "%lx", i);
				p += 2;
			} else if (strncmp(p, "{hi}", 4) == 0 || strncmp(p, "{lo}", 4) == 0) {
				o += (size_t)snprintf(line + o, sizeof(line) - o, "%lx", p[1] == 'h' ? i >> 16 : i & 0xffff);
				p += 3;
			} else {
				line[o++] = *p;
			}
		}
		feed(r, ps_str(line, o));
	}
}

/* Next token of *s (quoted or bare), unescaped into a fresh string. */
static char *token(const char **s)
{
	while (**s == ' ')
		(*s)++;
	if (!**s)
		return NULL;
	const char *start = *s;
	bool q = false;
	for (; **s && (q || **s != ' '); (*s)++) {
		if (**s == '\\' && (*s)[1])
			(*s)++;
		else if (**s == '"')
			q = !q;
	}
	return strndup(start, (size_t)(*s - start));
}

/* The value of key in an alert line (its token after "key="), or NULL. */
static char *value_of(const char *line, const char *key)
{
	const char *s = line;
	char *t;
	size_t kn = strlen(key);
	while ((t = token(&s))) {
		if (strncmp(t, key, kn) == 0 && t[kn] == '=') {
			char *v = strdup(t + kn + 1);
			free(t);
			size_t n = strlen(v);
			if (n >= 2 && v[0] == '"') {
				memmove(v, v + 1, n - 2);
				n -= 2;
			}
			v[unescape(v, n)] = '\0';
			return v;
		}
		free(t);
	}
	return NULL;
}

/* Whether actual (an alert line) meets want (a '>' line's text). */
static bool matches(const char *want, const char *actual, char *why, size_t size)
{
	const char *s = want;
	char *rule = token(&s), *t;
	size_t rn = strlen(rule);
	bool ok = strncmp(actual, rule, rn) == 0 && (actual[rn] == ' ' || !actual[rn]);
	bool want_update = false;
	if (!ok)
		snprintf(why, size, "rule differs");
	free(rule);
	/* "update" right after the rule, as alert_line() writes it. */
	while (ok && (t = token(&s))) {
		char *eq = strpbrk(t, "=~");
		if (strcmp(t, "update") == 0) {
			want_update = true;
		} else if (!eq) {
			snprintf(why, size, "bad expectation '%s'", t);
			ok = false;
		} else {
			bool sub = *eq == '~';
			*eq = '\0';
			char *v = eq + 1;
			size_t n = strlen(v);
			if (n >= 2 && v[0] == '"') {
				memmove(v, v + 1, n - 2);
				n -= 2;
			}
			v[unescape(v, n)] = '\0';
			char *got = value_of(actual, t);
			ok = got && (sub ? strstr(got, v) != NULL : strcmp(got, v) == 0);
			if (!ok)
				snprintf(why, size, "%s is %s", t, got ? got : "absent");
			free(got);
		}
		free(t);
	}
	if (ok && want_update != (strstr(actual, " update ") == actual + rn)) {
		snprintf(why, size, want_update ? "not an update" : "an update");
		ok = false;
	}
	return ok;
}

static void expect(struct run *r, const char *want)
{
	if (r->regen)
		return;
	char why[256] = "";
	if (r->n_pending == 0) {
		failure(r, "expected alert not raised: %s", want);
		return;
	}
	char *got = r->pending[0];
	memmove(r->pending, r->pending + 1, --r->n_pending * sizeof(r->pending[0]));
	if (!matches(want, got, why, sizeof(why)))
		failure(r, "%s\n  expected: %s\n  actual:   %s", why, want, got);
	free(got);
}

static void end_scenario(struct run *r)
{
	audit_flush(r);
	settle(r);
	ps_audit_feed_free(r->audit);
	r->audit = NULL;
	ps_detector_free(r->det);
	r->det = NULL;
	ps_enricher_free(r->enr);
	r->enr = NULL;
	r->config_len = 0;
	r->program_logs = false;
	ps_frame_ctx_free(&r->frame);
	ps_frame_ctx_init(&r->frame, 1798675200); /* 2026-12-31T00:00:00Z */
}

static void directive(struct run *r, char *line, size_t n)
{
	if (line[0] != '<')
		audit_flush(r);
	if (line[0] == '>') {
		expect(r, line + 1);
		return;
	}
	settle(r);
	if (strncmp(line, "= ", 2) == 0) {
		end_scenario(r);
	} else if (strncmp(line, "config ", 7) == 0) {
		if (r->det)
			failure(r, "config after the scenario started");
		const char *build = getenv("PS_BUILD_ROOT");
		for (size_t i = 7; i < n; i++) {
			bool at_build = n - i >= 7 && memcmp(line + i, "@BUILD@", 7) == 0 && build;
			const char *add = at_build ? build : line + i;
			size_t len = at_build ? strlen(build) : 1;
			assert_true(r->config_len + len + 1 < sizeof(r->config));
			memcpy(r->config + r->config_len, add, len);
			r->config_len += len;
			i += at_build ? 6 : 0;
		}
		r->config[r->config_len++] = '\n';
	} else if (strncmp(line, "<x ", 3) == 0) {
		feed(r, ps_str(line + 3, unescape(line + 3, n - 3)));
	} else if (strncmp(line, "< ", 2) == 0) {
		feed(r, ps_str(line + 2, n - 2));
	} else if (strncmp(line, "repeat ", 7) == 0) {
		repeat(r, line + 7);
	} else if (strncmp(line, "event ", 6) == 0) {
		synthetic(r, line + 6);
	} else if (strcmp(line, "flush") == 0) {
		ps_detector_flush(detector(r), on_alert, r);
	} else if (strncmp(line, "tick ", 5) == 0) {
		struct ps_str s = ps_cstr(line + 5);
		int64_t us;
		assert_int_equal(ps_parse_rfc3339(&s, &us), 0);
		ps_detector_tick(detector(r), us, on_alert, r);
	} else if (strcmp(line, "restart") == 0) {
		restart(r);
	} else if (strcmp(line, "program_logs") == 0) {
		r->program_logs = true;
		ps_detector_set_program_logs(detector(r), true);
	} else if (strcmp(line, "evicted") == 0) {
		struct ps_detector_stats st;
		ps_detector_stats(detector(r), &st);
		if (st.evictions == 0)
			failure(r, "no table evicted anything (%zu entries of %zu)", st.entries, st.capacity);
	} else if (strncmp(line, "maxrss ", 7) == 0) {
#if defined(__SANITIZE_ADDRESS__)
		return;
#else
		struct rusage ru;
		long mb = strtol(line + 7, NULL, 10);
		getrusage(RUSAGE_SELF, &ru);
		if (ru.ru_maxrss >= mb * 1024)
			failure(r, "peak RSS %ld KiB is not below %ld MiB", ru.ru_maxrss, mb);
#endif
	} else {
		failure(r, "unknown line");
	}
}

static void run_file(void **state)
{
	struct run *r = calloc(1, sizeof(*r));
	r->path = *state;
	r->regen = getenv("PS_REGEN") != NULL;
	FILE *f = fopen(r->path, "r");
	if (!f)
		fail_msg("cannot open %s: %s", r->path, strerror(errno));
	ps_out_init_mem(&r->json);
	ps_out_init_mem(&r->plain);
	ps_out_init_mem(&r->event_json);
	ps_frame_ctx_init(&r->frame, 1798675200);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned scenarios = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		r->lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		bool comment = n == 0 || line[0] == '#';
		if (r->regen) {
			if (line[0] == '>')
				continue;
			if (!comment && line[0] != '<')
				audit_flush(r); /* the audit records before this line make their event */
			if (!comment)
				settle(r); /* what the previous line raised, before this one */
			printf("%s\n", line);
		}
		if (!comment)
			directive(r, line, (size_t)n);
		scenarios += strncmp(line, "= ", 2) == 0;
	}
	end_scenario(r);
	free(line);
	fclose(f);
	ps_frame_ctx_free(&r->frame);
	ps_out_free(&r->json);
	ps_out_free(&r->plain);
	ps_out_free(&r->event_json);
	unsigned failures = r->failures;
	free(r);
	if (!getenv("PS_REGEN"))
		print_message("%s: %u scenarios\n", (const char *)*state, scenarios);
	if (scenarios == 0)
		fail_msg("%s: no scenarios", (const char *)*state);
	if (failures)
		fail_msg("%s: %u failures", (const char *)*state, failures);
}

int main(int argc, char **argv)
{
	struct CMUnitTest tests[64];
	int n = 0;
	for (int i = 1; i < argc && n < 64; i++, n++) {
		const char *base = strrchr(argv[i], '/');
		tests[n] = (struct CMUnitTest){
			.name = base ? base + 1 : argv[i],
			.test_func = run_file,
			.initial_state = argv[i],
		};
	}
	setenv("TZ", "UTC", 1);
	return _cmocka_run_group_tests("detect_data", tests, (size_t)n, NULL, NULL);
}
