/*
 * libFuzzer targets. This file is compiled once per target with
 * -DPS_FUZZ_<NAME>: one per decoder (the input is a message from that
 * program), one per framing (the input is a line or a whole export
 * stream), "audit" (audit records through libauparse and the mapping to
 * events: a stream of lines, as in audit.log), "pam_datagram" (the pam
 * socket's datagrams), "audisp" (the audit socket's datagrams from
 * pamsignal-audisp, into the same feed), and "scan" for the whole
 * pipeline, detection included (every alert written, the state saved and
 * loaded back), and "event_json" for the event log's lines as pamsignal
 * search reads them.
 *
 * Beyond "no crash, no leak", every target checks the output contract:
 * whatever the input, JSON and terminal output are valid UTF-8 and carry
 * no raw control characters.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/config.h"
#include "decode/decode.h"
#include "detect/detect.h"
#include "decode/frame.h"
#include "event/json.h"
#include "event/text.h"
#include "source/file.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 without raw control characters but newlines. */
static void check_text(const struct ps_out *o)
{
	const unsigned char *p = (const unsigned char *)o->buf;
	for (size_t i = 0; i < o->len;) {
		uint32_t cp;
		size_t n = ps_utf8_seq(p + i, o->len - i, &cp);
		assert(n > 0);                            /* valid UTF-8 */
		assert(cp >= 0x20 || cp == '\n');         /* no raw controls... */
		assert(cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f));
		i += n;
	}
}

static void check_output(const struct ps_out *o)
{
	check_text(o);
	/* One event is one line: the only newline is the last byte. */
	if (o->len)
		assert(memchr(o->buf, '\n', o->len) == o->buf + o->len - 1);
}

static void write_checked(const struct ps_event *ev)
{
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_event_write_json(&o, ev, 0);
	check_output(&o);
	ps_out_reset(&o);
	ps_event_write_text(&o, ev);
	check_output(&o);
	ps_out_free(&o);
}

static int on_alert(const struct ps_alert *a, void *arg)
{
	struct ps_out o;
	(void)arg;
	ps_out_init_mem(&o);
	ps_alert_write_json(&o, a);
	check_output(&o);
	ps_out_reset(&o);
	ps_alert_write_text(&o, a);
	check_output(&o);
	ps_out_free(&o);
	return 0;
}

/* arg: the detector, or NULL. Every other event is fed with its JSON, as
 * scan feeds them: its samples are then kept as that JSON and read back. */
__attribute__((unused)) static int on_event(const struct ps_event *ev, void *arg)
{
	static unsigned n;
	write_checked(ev);
	if (!arg)
		return 0;
	if (n++ % 2) {
		ps_detector_feed(arg, ev, on_alert, NULL);
		return 0;
	}
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_event_write_json(&o, ev, PS_JSON_NO_NEWLINE);
	assert(!o.error);
	ps_detector_feed_json(arg, ev, ps_str(o.buf, o.len), on_alert, NULL);
	ps_out_free(&o);
	return 0;
}

/* A small detector (tables that fill and evict quickly) on the defaults. */
__attribute__((unused)) static struct ps_detector *small_detector(void)
{
	struct ps_config cfg;
	struct ps_detector *d;
	ps_config_defaults(&cfg);
	cfg.detect.max_memory = 256 * 1024;
	cfg.detect.rule[PS_RULE_OFF_HOURS].enabled = false; /* the zone is the machine's */
	assert(ps_detector_new(&cfg, &d) == 0);
	ps_config_free(&cfg);
	return d;
}

/* Save, load into a fresh detector, save again: the two must be equal. */
__attribute__((unused)) static void round_trip(struct ps_detector **d)
{
	char *a = NULL, *b = NULL, err[128];
	size_t an = 0, bn = 0;
	FILE *f = open_memstream(&a, &an);
	assert(f && ps_detector_save(*d, f) == 0);
	fclose(f);
	ps_detector_free(*d);
	*d = small_detector();
	f = fmemopen(a, an, "r");
	assert(f && ps_detector_load(*d, f, err, sizeof(err)) == 0);
	fclose(f);
	f = open_memstream(&b, &bn);
	assert(f && ps_detector_save(*d, f) == 0);
	fclose(f);
	assert(an == bn && memcmp(a, b, an) == 0);
	free(a);
	free(b);
}

#if defined(PS_FUZZ_SSHD) || defined(PS_FUZZ_PAM) || defined(PS_FUZZ_SUDO) || \
	defined(PS_FUZZ_SU) || defined(PS_FUZZ_LOGIN) || defined(PS_FUZZ_LOGIND) || \
	defined(PS_FUZZ_ACCOUNT)
#if defined(PS_FUZZ_SSHD) || defined(PS_FUZZ_PAM)
/* PAM lines are recognised by their "pam_" prefix in any program. */
#define PROGRAM "sshd"
#elif defined(PS_FUZZ_SUDO)
#define PROGRAM "sudo"
#elif defined(PS_FUZZ_SU)
#define PROGRAM "su"
#elif defined(PS_FUZZ_LOGIN)
#define PROGRAM "login"
#elif defined(PS_FUZZ_LOGIND)
#define PROGRAM "systemd-logind"
#else
#define PROGRAM "usermod"
#endif
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_record rec;
	struct ps_event ev;
	/* Copy so that reads past the end are caught by ASan. */
	char *msg = malloc(size ? size : 1);
	memcpy(msg, data, size);
	ps_record_init(&rec);
	rec.program = PS_LIT(PROGRAM);
	rec.message = ps_str(msg, size);
	if (ps_decode(&rec, &ev) > 0)
		write_checked(&ev);
	free(msg);
	return 0;
}
#elif defined(PS_FUZZ_SYSLOG) || defined(PS_FUZZ_RFC5424) || defined(PS_FUZZ_JOURNAL_JSON)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_frame_ctx ctx;
	struct ps_record rec;
	struct ps_event ev;
	char *line = malloc(size ? size : 1);
	memcpy(line, data, size);
	ps_frame_ctx_init(&ctx, 1798675200);
	ps_record_init(&rec);
#if defined(PS_FUZZ_SYSLOG)
	int r = ps_frame_syslog(&ctx, ps_str(line, size), &rec);
#elif defined(PS_FUZZ_RFC5424)
	int r = ps_frame_rfc5424(ps_str(line, size), &rec);
#else
	int r = ps_frame_journal_json(&ctx, ps_str(line, size), &rec);
#endif
	if (r > 0) {
		/* Framed fields must lie inside the input or the scratch buffer. */
		assert(rec.message.p != NULL);
		if (ps_decode(&rec, &ev) > 0)
			write_checked(&ev);
	}
	ps_frame_ctx_free(&ctx);
	free(line);
	return 0;
}
#elif defined(PS_FUZZ_JOURNAL_EXPORT) || defined(PS_FUZZ_SCAN) || defined(PS_FUZZ_AUDIT)
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_reader r;
	struct ps_scan_stats st = { 0 };
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	assert(fd >= 0);
#ifdef PS_FUZZ_JOURNAL_EXPORT
	/* Always an export stream: the first line selects the format. */
	static const char head[] = "__CURSOR=s\n";
	assert(write(fd, head, sizeof(head) - 1) == (ssize_t)(sizeof(head) - 1));
#endif
	if (size)
		assert(write(fd, data, size) == (ssize_t)size);
	lseek(fd, 0, SEEK_SET);
	assert(ps_reader_open_fd(&r, fd) == 0);
#ifdef PS_FUZZ_SCAN
	struct ps_detector *d = small_detector();
	ps_file_scan(&r, "fuzz", 1798675200, on_event, NULL, d, &st);
	round_trip(&d);
	ps_detector_flush(d, on_alert, NULL);
	ps_detector_free(d);
#else
	ps_file_scan(&r, "fuzz", 1798675200, on_event, NULL, NULL, &st);
#endif
	ps_reader_close(&r);
	return 0;
}
#elif defined(PS_FUZZ_ALERT_JSON)
/*
 * The delivery input: one JSON object text (jsonread.c), and the same
 * bytes as a service's answer (retry.c reads a 429's Retry-After header
 * and body). Whatever it is, the readers stay in bounds, and an accepted
 * item, alone and merged into a digest, renders for every channel into
 * requests whose headers carry no CR, LF or other control character and
 * whose JSON bodies read back strictly (valid JSON and UTF-8).
 */
#include "sink/deliver/channels.h"
#include "sink/deliver/retry.h"

static void render(const struct ps_msg *m, struct ps_channel_config *ch)
{
	for (int t = PS_CH_WEBHOOK; t <= PS_CH_EMAIL; t++) {
		struct ps_request req;
		ch->type = (enum ps_channel_type)t;
		assert(ps_channel_request(m, 0, &req) == 0);
		for (struct curl_slist *h = req.headers; h; h = h->next)
			for (const char *c = h->data; *c; c++)
				assert((unsigned char)*c >= 0x20 && *c != 0x7f);
		if (t != PS_CH_NTFY && t != PS_CH_EMAIL) {
			struct ps_jobject o = { 0 };
			assert(ps_jobject_read(&o, req.body.buf, req.body.len) == 0);
			ps_jobject_free(&o);
		}
		ps_request_free(&req);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t wait = ps_retry_after_us(ps_str((const char *)data, size < 64 ? size : 64),
					 ps_str((const char *)data, size), 1700000000);
	assert(wait >= -1 && wait <= PS_RETRY_AFTER_MAX_US);
	struct ps_item a;
	if (ps_item_parse(&a, (const char *)data, size) < 0)
		return 0;
	static char *to[] = { "root@example.org", NULL };
	struct ps_channel_config ch = { .name = "f", .url = "http://127.0.0.1:9", .token = "t", .chat_id = "1",
					.topic = "t", .from = "a@example.org", .to = to, .signing_key = "k",
					.signing_key_len = 1 };
	struct ps_msg m = { .ch = &ch, .alert = &a, .id = a.id, .severity = a.severity };
	render(&m, &ch);
	struct ps_digest d;
	ps_digest_init(&d);
	ps_digest_add(&d, &a, 1);
	ps_digest_add(&d, &a, 400000000);
	struct ps_msg dm = { .ch = &ch, .digest = &d, .id = "dg2", .severity = d.severity };
	render(&dm, &ch);
	/* A template with every kind of placeholder. */
	ch.template = "{user} {{x}} {src_ip} {severity} {id} {count} {nothing}";
	ch.title = "{user}@{host}";
	render(&m, &ch);
	ps_item_free(&a);
	return 0;
}
#elif defined(PS_FUZZ_PAM_DATAGRAM)
/*
 * One datagram on the pam socket (pam/wire.h), as root would send it:
 * decoded or refused, in bounds, and every text field a slice of the
 * datagram itself.
 */
#include "decode/pam_datagram.h"

static void inside(struct ps_str s, const char *d, size_t size)
{
	if (ps_set(s))
		assert(s.p >= d && s.n <= size && (size_t)(s.p - d) <= size - s.n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_event ev;
	char *d = malloc(size ? size : 1);
	memcpy(d, data, size);
	if (ps_decode_pam_datagram(ps_str(d, size), &ev) > 0) {
		inside(ev.service, d, size);
		inside(ev.user, d, size);
		inside(ev.target_user, d, size);
		inside(ev.src_host, d, size);
		inside(ev.tty, d, size);
		write_checked(&ev);
	}
	free(d);
	return 0;
}
#elif defined(PS_FUZZ_EVENT_JSON)
/*
 * An event log line as pamsignal search reads it. Whatever it is, the
 * reader stays in bounds, what it accepts renders as valid output, and an
 * accepted event (of a kind this version knows) written out and read again
 * is written the same: reading loses nothing the writer wrote.
 */
#include "event/json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ps_event_line l, again;
	const char *why;
	char *line = malloc(size ? size : 1);
	memcpy(line, data, size);
	int r = ps_event_line_read(&l, ps_str(line, size), &why);
	if (r == PS_LINE_EVENT) {
		struct ps_out a, b;
		write_checked(&l.ev);
		if (l.ev.kind == PS_KIND_NONE) { /* a kind this version does not know: not written, so not read again */
			free(line);
			return 0;
		}
		ps_out_init_mem(&a);
		ps_out_init_mem(&b);
		ps_event_write_json(&a, &l.ev, 0);
		assert(ps_event_line_read(&again, ps_str(a.buf, a.len - 1), &why) == PS_LINE_EVENT);
		ps_event_write_json(&b, &again.ev, 0);
		assert(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0);
		ps_out_free(&a);
		ps_out_free(&b);
	} else if (r == PS_LINE_ALERT) {
		struct ps_out o;
		ps_out_init_mem(&o);
		ps_alert_write_text(&o, &l.alert);
		check_output(&o);
		ps_out_free(&o);
	}
	free(line);
	return 0;
}
#elif defined(PS_FUZZ_VERIFY)
/*
 * pamsignal verify's checker on files an attacker wrote. The first byte
 * picks a key (or none) and an anchor; the rest is up to 8 files split at
 * NUL bytes, each fed in pieces of odd sizes. Whatever the bytes, the
 * report is text a terminal can show (file names and lines are never
 * echoed raw), and a report without problems says "intact".
 */
#include "sink/chain_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t pieces[] = { 1, 7, 64, 4096 };
	struct ps_verify *v;
	struct ps_str key = PS_LIT("fuzz-key");
	if (size == 0)
		return 0;
	uint8_t opt = data[0];
	assert(ps_verify_new(&v, &key, opt & 1) == 0);
	if (opt & 2) {
		unsigned char value[PS_CHAIN_LEN] = { opt };
		assert(ps_verify_anchor(v, (opt >> 2) + 1, value, "an \x1b[31manchor") == 0);
	}
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	int r = 0;
	for (unsigned file = 0; p <= end && file < 8 && r == 0; file++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *stop = nul ? nul : end;
		assert(ps_verify_file(v, file % 2 ? "f\x1b]0;x\x07" : "f") == 0);
		for (size_t i = 0; p < stop && r == 0; i++) {
			size_t n = pieces[(i + file) % 4] < (size_t)(stop - p) ? pieces[(i + file) % 4] : (size_t)(stop - p);
			r = ps_verify_feed(v, p, n);
			p += n;
		}
		if (r == 0)
			r = ps_verify_feed_end(v);
		assert(r == 0 || r == -ENOKEY);
		p = stop + 1;
	}
	if (r == 0)
		ps_verify_end(v);
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_verify_print(v, &o);
	check_text(&o);
	ps_out_putc(&o, '\0');
	assert(r != 0 || (ps_verify_problems(v) == 0) == (strstr(o.buf, "\nintact: ") || !strncmp(o.buf, "intact: ", 8)));
	ps_out_free(&o);
	ps_verify_free(v);
	return 0;
}
#elif defined(PS_FUZZ_RANGES)
/*
 * A provider range file (plain lines or cloud JSON). Whatever it is, the
 * parser stays in bounds and reports with a line inside the text, and
 * every label a lookup returns is printable UTF-8 that an event writes
 * out cleanly.
 */
#include "enrich/ranges.h"

static size_t text_lines;

static void on_diag(bool error, const char *file, unsigned line, const char *msg, void *arg)
{
	(void)error, (void)file, (void)arg;
	assert(line <= text_lines + 1);
	assert(strlen(msg) < 256);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	memcpy(text, data, size);
	text_lines = 1;
	for (size_t i = 0; i < size; i++)
		text_lines += text[i] == '\n';
	struct ps_ranges *r = ps_ranges_new();
	assert(r);
	long n = ps_ranges_parse(r, "fuzz", text, size, on_diag, NULL);
	assert(n == -ENOSPC || n >= 0);
	assert(n < 0 || (size_t)n == ps_ranges_count(r));
	static const char *const probes[] = { "192.0.2.1", "198.51.100.200", "203.0.113.7", "0.0.0.0",
					      "255.255.255.255", "2001:db8::1", "::", "ffff::1" };
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		struct ps_event ev;
		ps_event_init(&ev);
		assert(ps_ip_parse(ps_cstr(probes[i]), &ev.src_ip) == 0);
		ev.kind = PS_KIND_PROBE;
		ev.src_provider = ps_ranges_lookup(r, &ev.src_ip);
		if (ps_set(ev.src_provider)) {
			assert(ev.src_provider.n >= 1 && ev.src_provider.n <= PS_RANGES_LABEL_MAX);
			write_checked(&ev);
		}
	}
	ps_ranges_free(r);
	free(text);
	return 0;
}
#elif defined(PS_FUZZ_AUDISP)
/*
 * The audit socket (audisp/wire.h), as the daemon reads it from root: the
 * input is a run of datagrams, each after a 2-byte big-endian length; each
 * one is parsed, a record goes through ps_audit_line and the feed, a loss
 * report must give back a count that encodes to the same bytes.
 */
#include "audisp/wire.h"
#include "decode/audit.h"
#include "source/audit_feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_audit_feed *f;
	assert(ps_audit_feed_new(&f, PS_STR_NULL, on_event, NULL, NULL) == 0);
	while (size >= 2) {
		size_t n = (size_t)data[0] << 8 | data[1];
		data += 2, size -= 2;
		if (n > size)
			n = size;
		char *d = malloc(n ? n : 1); /* a datagram of its own: ASan sees any read past it */
		memcpy(d, data, n);
		const char *rec;
		size_t rec_len;
		uint64_t lost, serial;
		int r = ps_audisp_parse(d, n, &rec, &rec_len, &lost);
		assert(r == PS_AUDISP_RECORD || r == PS_AUDISP_DROPPED || r == -EBADMSG);
		if (r == PS_AUDISP_RECORD) {
			assert(rec == d && rec_len == n);
			if (ps_audit_line(ps_str(rec, rec_len), &serial))
				ps_audit_feed_line(f, ps_str(rec, rec_len), 0, NULL);
		} else if (r == PS_AUDISP_DROPPED) {
			char again[PS_AUDISP_DROP_MAX];
			assert(ps_audisp_drop_msg(again, lost) == n && memcmp(again, d, n) == 0);
		}
		free(d);
		data += n, size -= n;
	}
	ps_audit_feed_flush(f);
	ps_audit_feed_free(f);
	return 0;
}
#elif defined(PS_FUZZ_FORWARD)
/*
 * Forwarding's formatters. The input is either an event or alert as JSON
 * (a disk queue's records are read back from a file), or, when it does not
 * start with '{', field values separated by NUL bytes, put into an event
 * and an alert and written as the daemon writes them. Every format, with
 * and without structured data, at a roomy and a tight size: the message is
 * valid UTF-8 with no raw control character (LEEF's tab delimiter aside),
 * fits its size, and the JSON formats read back as one object.
 */
#include "event/alert.h"
#include "sink/forward/syslog.h"

static void check_message(const struct ps_out *o, enum ps_fwd_format f, size_t max, int shortened)
{
	const unsigned char *p = (const unsigned char *)o->buf;
	assert(o->len <= max);
	for (size_t i = 0; i < o->len;) {
		uint32_t cp;
		size_t n = ps_utf8_seq(p + i, o->len - i, &cp);
		assert(n > 0);
		assert(cp >= 0x20 || (cp == '\t' && f == PS_FWD_LEEF));
		assert(cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f));
		i += n;
	}
	if (shortened == 2 || (f != PS_FWD_JSON && f != PS_FWD_CEE && f != PS_FWD_ECS && f != PS_FWD_OCSF))
		return;
	/* "<PRI>1 TS HOST APP PID MSGID SD " then the payload: SD is "-" here. */
	const char *json = memchr(o->buf, '{', o->len);
	assert(json);
	struct ps_jobject obj = { 0 };
	assert(ps_jobject_read(&obj, json, o->len - (size_t)(json - o->buf)) == 0);
	ps_jobject_free(&obj);
}

static void forward_all(const char *json, size_t len)
{
	struct ps_item it;
	struct ps_out o;
	if (ps_item_parse(&it, json, len) < 0)
		return;
	ps_out_init_mem(&o);
	struct ps_syslog_opts op = { .facility = 10, .app_name = "pamsignal", .procid = 1 };
	ps_syslog_hostname(&op, "web1");
	for (int f = 0; f < PS_FWD_FORMAT_COUNT; f++) {
		for (int v = 0; v < 4; v++) {
			op.format = (enum ps_fwd_format)f;
			op.bom = v & 1;
			op.sd_id = v & 2 ? "pamsignal@32473" : NULL;
			op.max_message = v & 2 ? 1024 : 65507;
			int r = ps_syslog_message(&o, &op, &it);
			if (op.sd_id)
				check_message(&o, op.format, op.max_message, 2); /* "{" may be in the SD */
			else
				check_message(&o, op.format, op.max_message, r);
		}
	}
	ps_out_free(&o);
	ps_item_free(&it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == '{') {
		char *copy = malloc(size);
		memcpy(copy, data, size);
		forward_all(copy, size);
		free(copy);
		return 0;
	}
	/* Fields: up to 16 values separated by NUL; the first byte picks the kind and rule. */
	struct ps_str f[16] = { 0 };
	size_t nf = 0, start = size ? 1 : 0;
	for (size_t i = start; i <= size && nf < 16; i++)
		if (i == size || data[i] == 0) {
			f[nf++] = ps_str((const char *)data + start, i - start);
			start = i + 1;
		}
	unsigned pick = size ? data[0] : 0;
	struct ps_event ev;
	ps_event_init(&ev);
	ev.kind = (enum ps_kind)(1 + pick % (PS_KIND__COUNT - 1));
	ev.action = (enum ps_action)(pick % PS_ACTION__COUNT);
	ev.time_us = 1795290623000000 + pick;
	struct ps_str *fields[] = { &ev.user, &ev.target_user, &ev.host, &ev.service, &ev.program, &ev.command,
				    &ev.message, &ev.src_host, &ev.method, &ev.key, &ev.tty, &ev.cwd, &ev.session,
				    &ev.group, &ev.actor, &ev.detail };
	for (size_t i = 0; i < nf; i++)
		*fields[i] = f[i];
	ev.src_ip = (struct ps_ip){ .family = 4, .a = { 203, 0, 113, (uint8_t)pick } };
	ev.src_port = pick;
	ev.pid = pick;
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_event_write_json(&o, &ev, 0);
	forward_all(o.buf, o.len);

	struct ps_alert a;
	ps_alert_init(&a, (enum ps_rule)(pick % PS_RULE__COUNT), (enum ps_severity)(pick % PS_SEVERITY__COUNT));
	a.time_us = ev.time_us;
	a.host = ev.host;
	a.user = ev.user;
	a.src_ip = ev.src_ip;
	ps_alert_say_str(&a, ev.message, 200);
	a.mitre[a.n_mitre++] = "T1110";
	a.events[a.n_events++] = &ev;
	ps_out_reset(&o);
	ps_alert_write_json(&o, &a);
	forward_all(o.buf, o.len);
	ps_out_free(&o);
	return 0;
}
#else
#error "define one PS_FUZZ_<TARGET>"
#endif
