/*
 * libFuzzer targets. This file is compiled once per target with
 * -DPS_FUZZ_<NAME>: one per decoder (the input is a message from that
 * program), one per framing (the input is a line or a whole export
 * stream), "audit" (audit records through libauparse and the mapping to
 * events: a stream of lines, as in audit.log), and "scan" for the whole
 * pipeline, detection included (every alert written, the state saved and
 * loaded back).
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

static void check_output(const struct ps_out *o)
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

/* arg: the detector, or NULL. */
__attribute__((unused)) static int on_event(const struct ps_event *ev, void *arg)
{
	write_checked(ev);
	if (arg)
		ps_detector_feed(arg, ev, on_alert, NULL);
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
 * The delivery input: one JSON object text. Whatever it is, the reader
 * stays in bounds, and an accepted item renders for every channel into
 * requests whose headers carry no CR, LF or other control characters.
 */
#include "sink/deliver/channels.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ps_item a;
	if (ps_item_parse(&a, (const char *)data, size) < 0)
		return 0;
	static char *to[] = { "root@example.org", NULL };
	struct ps_channel_config ch = { .name = "f", .url = "http://127.0.0.1:9", .token = "t", .chat_id = "1",
					.topic = "t", .from = "a@example.org", .to = to, .signing_key = "k",
					.signing_key_len = 1 };
	struct ps_msg m = { .ch = &ch, .alert = &a, .id = a.id, .severity = a.severity };
	for (int t = PS_CH_WEBHOOK; t <= PS_CH_EMAIL; t++) {
		struct ps_request req;
		ch.type = (enum ps_channel_type)t;
		assert(ps_channel_request(&m, 0, &req) == 0);
		for (struct curl_slist *h = req.headers; h; h = h->next)
			for (const char *c = h->data; *c; c++)
				assert((unsigned char)*c >= 0x20 && *c != 0x7f);
		ps_request_free(&req);
	}
	ps_item_free(&a);
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
#else
#error "define one PS_FUZZ_<TARGET>"
#endif
