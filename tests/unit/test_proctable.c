/*
 * Attribution of local failures (correlate/proctable.h): the process and
 * its parents from earlier audit records, the checks against reused pids,
 * /proc while live (a fake tree, then this very process), and the bound.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "correlate/proctable.h"
#include "event/json.h"
#include "source/audit_feed.h"
#include "source/procfs.h"
#include "util/timeconv.h"

static struct ps_out got; /* the JSON of every event, one per line */

static int on_event(const struct ps_event *ev, void *arg)
{
	(void)arg;
	ps_event_write_json(&got, ev, PS_JSON_DECODED_ONLY);
	return 0;
}

/* A kernel execve event: SYSCALL, EXECVE (argv given as "a0=... a1=..."), EOE. */
static void exec_event(struct ps_audit_feed *f, long sec, int serial, int pid, int ppid, const char *comm,
		   const char *exe, const char *args)
{
	char line[1024];
	snprintf(line, sizeof(line),
		 "type=SYSCALL msg=audit(%ld.000:%d): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 "
		 "a3=4 items=2 ppid=%d pid=%d auid=1001 uid=1001 gid=1001 euid=1001 suid=1001 fsuid=1001 egid=1001 "
		 "sgid=1001 fsgid=1001 tty=pts0 ses=3 comm=\"%s\" exe=\"%s\" key=\"t\"\x1d" "AUID=\"alice\" UID=\"alice\"",
		 sec, serial, ppid, pid, comm, exe);
	ps_audit_feed_line(f, ps_cstr(line), 0, NULL);
	snprintf(line, sizeof(line), "type=EXECVE msg=audit(%ld.000:%d): argc=2 %s", sec, serial, args);
	ps_audit_feed_line(f, ps_cstr(line), 0, NULL);
	snprintf(line, sizeof(line), "type=EOE msg=audit(%ld.000:%d): ", sec, serial);
	ps_audit_feed_line(f, ps_cstr(line), 0, NULL);
}

/* A local authentication failure by pid (su's USER_AUTH: no address). */
static void failure(struct ps_audit_feed *f, long sec, int serial, int pid, const char *exe)
{
	char line[1024];
	snprintf(line, sizeof(line),
		 "type=USER_AUTH msg=audit(%ld.000:%d): pid=%d uid=1001 auid=1001 ses=3 msg='op=PAM:authentication "
		 "grantors=? acct=\"root\" exe=\"%s\" hostname=? addr=? terminal=/dev/pts/0 res=failed'\x1d"
		 "UID=\"alice\" AUID=\"alice\"",
		 sec, serial, pid, exe);
	ps_audit_feed_line(f, ps_cstr(line), 0, NULL);
	ps_audit_feed_flush(f);
}

static const char *last_event(void)
{
	static char buf[4096];
	size_t end = got.len, start;
	if (end == 0)
		return "";
	for (start = end - 1; start > 0 && got.buf[start - 1] != '\n'; start--)
		;
	snprintf(buf, sizeof(buf), "%.*s", (int)(end - start - 1), got.buf + start);
	return buf;
}

#define HAS(text) \
	do { \
		const char *e_ = last_event(); \
		if (!strstr(e_, text)) \
			fail_msg("'%s' not in %s", text, e_); \
	} while (0)
#define LACKS(text) \
	do { \
		const char *e_ = last_event(); \
		if (strstr(e_, text)) \
			fail_msg("'%s' in %s", text, e_); \
	} while (0)

static void test_from_audit(void **state)
{
	(void)state;
	struct ps_audit_feed *f;
	ps_out_init_mem(&got);
	assert_int_equal(ps_audit_feed_new(&f, PS_STR_NULL, on_event, NULL, NULL), 0);
	/* sshd (900) → bash (1000) → su (1100), which fails. */
	exec_event(f, 1795428000, 10, 1000, 900, "bash", "/usr/bin/bash", "a0=\"-bash\" a1=\"-l\"");
	exec_event(f, 1795428010, 11, 1100, 1000, "su", "/usr/bin/su", "a0=\"su\" a1=\"root\"");
	failure(f, 1795428012, 12, 1100, "/usr/bin/su");
	HAS("\"kind\":\"auth_failure\"");
	HAS("\"pid\":1100,\"ppid\":1000,\"exe\":\"/usr/bin/su\",\"cmdline\":\"su root\",\"parents\":"
	    "[{\"pid\":1000,\"comm\":\"bash\",\"exe\":\"/usr/bin/bash\",\"cmdline\":\"-bash -l\",\"via\":\"audit\"}]");

	/* The pid now runs something else: neither its command line nor its parents are su's. */
	exec_event(f, 1795428020, 13, 1100, 1, "sleep", "/usr/bin/sleep", "a0=\"sleep\" a1=\"9\"");
	failure(f, 1795428021, 14, 1100, "/usr/bin/su");
	LACKS("cmdline");
	LACKS("parents");

	/* A parent seen after its child (its pid reused since): the chain stops before it. */
	exec_event(f, 1795428030, 15, 1200, 1000, "su", "/usr/bin/su", "a0=\"su\" a1=\"-\"");
	exec_event(f, 1795428035, 16, 1000, 1, "cron", "/usr/sbin/cron", "a0=\"cron\" a1=\"-f\"");
	failure(f, 1795428036, 17, 1200, "/usr/bin/su");
	HAS("\"cmdline\":\"su -\"");
	HAS("\"ppid\":1000");
	LACKS("parents");

	/* Not local (an address), or not a failure: nothing added. */
	ps_audit_feed_line(f, PS_LIT("type=USER_AUTH msg=audit(1795428040.000:18): pid=1200 uid=0 auid=1001 ses=3 "
				     "msg='op=PAM:authentication acct=\"root\" exe=\"/usr/bin/su\" hostname=? "
				     "addr=192.0.2.9 terminal=ssh res=failed'"),
			   0, NULL);
	ps_audit_feed_flush(f);
	HAS("\"src_ip\":\"192.0.2.9\"");
	LACKS("cmdline");
	ps_audit_feed_free(f);
	ps_out_free(&got);
}

/* Arguments needing quotes, from EXECVE's hex and from PROCTITLE. */
static void test_quoting(void **state)
{
	(void)state;
	struct ps_audit_feed *f;
	ps_out_init_mem(&got);
	assert_int_equal(ps_audit_feed_new(&f, PS_STR_NULL, on_event, NULL, NULL), 0);
	/* a1 = "it's here" in hex; then a non-execve syscall with PROCTITLE "su\0-c\0id -u". */
	exec_event(f, 1795428000, 20, 1300, 1, "su", "/usr/bin/su", "a0=\"su\" a1=69742773206865726500");
	failure(f, 1795428001, 21, 1300, "/usr/bin/su");
	HAS("\"cmdline\":\"su 'it'\\\\''s here\\u0000'\"");
	ps_audit_feed_line(f, PS_LIT("type=SYSCALL msg=audit(1795428002.000:22): arch=c000003e syscall=2 success=yes "
				     "exit=3 ppid=1 pid=1400 auid=1001 uid=0 tty=pts0 ses=3 comm=\"su\" exe=\"/usr/bin/su\""),
			   0, NULL);
	ps_audit_feed_line(f, PS_LIT("type=PROCTITLE msg=audit(1795428002.000:22): proctitle=7375002D63006964202D75"), 0, NULL);
	ps_audit_feed_line(f, PS_LIT("type=EOE msg=audit(1795428002.000:22): "), 0, NULL);
	failure(f, 1795428003, 23, 1400, "/usr/bin/su");
	HAS("\"cmdline\":\"su -c 'id -u'\"");
	ps_audit_feed_free(f);
	ps_out_free(&got);
}

static char tree[64];

static void fake_proc(int pid, int ppid, const char *comm, const char *exe, unsigned long long start_ticks,
		      const char *cmdline, size_t cmdline_n)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%d", tree, pid);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/%d/stat", tree, pid);
	FILE *s = fopen(path, "w");
	assert_non_null(s);
	fprintf(s, "%d (%s) S %d 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 %llu 1000 10\n", pid, comm, ppid,
		start_ticks);
	fclose(s);
	snprintf(path, sizeof(path), "%s/%d/cmdline", tree, pid);
	s = fopen(path, "w");
	assert_non_null(s);
	fwrite(cmdline, 1, cmdline_n, s);
	fclose(s);
	snprintf(path, sizeof(path), "%s/%d/exe", tree, pid);
	assert_int_equal(symlink(exe, path), 0);
}

static struct ps_event local_failure(int pid, const char *exe, int64_t time_us)
{
	struct ps_event ev;
	ps_event_init(&ev);
	ev.kind = PS_KIND_AUTH_FAILURE;
	ev.pid = pid;
	ev.exe = ps_cstr(exe);
	ev.time_us = time_us;
	return ev;
}

static void test_live_proc(void **state)
{
	(void)state;
	snprintf(tree, sizeof(tree), "/tmp/pamsignal-proc.XXXXXX");
	assert_non_null(mkdtemp(tree));
	/* A comm with ") " in it, as a process may name itself. */
	fake_proc(500, 400, "evil) S 1 (x", "/usr/bin/python3", 0, "python3\0-c\0import pam\0", 22);
	fake_proc(400, 1, "bash", "/usr/bin/bash (deleted)", 0, "bash\0", 5);
	fake_proc(600, 400, "su", "/usr/bin/su", 0, "su\0root\0", 8);
	ps_procfs_set_root(tree);
	struct ps_proctable *t = ps_proctable_new();
	int64_t now = ps_realtime_us();

	struct ps_event ev = local_failure(500, "/usr/bin/python3", now);
	assert_true(ps_proctable_attribute(t, &ev, true, now));
	assert_int_equal(ev.ppid, 400);
	assert_true(ps_eq_lit(ev.cmdline, "python3 -c 'import pam'"));
	assert_non_null(ev.parents);
	assert_int_equal(ev.parents->n, 1); /* 400, then 1: not in the fake tree */
	assert_int_equal(ev.parents->v[0].pid, 400);
	assert_true(ps_eq_lit(ev.parents->v[0].comm, "bash"));
	assert_true(ps_eq_lit(ev.parents->v[0].exe, "/usr/bin/bash"));
	assert_false(ps_set(ev.parents->v[0].cmdline)); /* a parent's memory is never read */
	assert_true(ev.parents->v[0].via_proc);

	/* The record names another program than the pid runs now: reused, not attributed. */
	ev = local_failure(600, "/usr/sbin/sshd", now);
	assert_false(ps_proctable_attribute(t, &ev, true, now));
	/* Not live (scan), or a record older than 10 s: /proc is not read. */
	ev = local_failure(600, "/usr/bin/su", now);
	assert_false(ps_proctable_attribute(t, &ev, false, now));
	ev = local_failure(600, "/usr/bin/su", now - 60 * PS_USEC_PER_SEC);
	assert_false(ps_proctable_attribute(t, &ev, true, now));
	/* A process that started after the record (its pid reused): not it. */
	ev = local_failure(600, "/usr/bin/su", 1000);
	assert_false(ps_proctable_attribute(t, &ev, true, 1000 + 5 * PS_USEC_PER_SEC));
	ps_proctable_free(t);

	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	assert_int_equal(system(cmd), 0);
	ps_procfs_set_root("/proc");
}

/* The real /proc: this test process, failing. */
static void test_real_proc(void **state)
{
	(void)state;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	struct ps_proctable *t = ps_proctable_new();
	int64_t now = ps_realtime_us();
	struct ps_event ev = local_failure(getpid(), exe, now);
	assert_true(ps_proctable_attribute(t, &ev, true, now));
	assert_int_equal(ev.ppid, getppid());
	assert_true(ps_ends(ev.cmdline, "test_proctable") || ps_find(ev.cmdline, "test_proctable") >= 0);
	assert_non_null(ev.parents);
	assert_int_equal(ev.parents->v[0].pid, getppid());
	assert_true(ev.parents->n <= PS_PROC_DEPTH);
	ps_proctable_free(t);
}

/* At most PS_PROCTABLE_CAP processes: the least recently seen go. */
static void test_bound(void **state)
{
	(void)state;
	struct ps_proctable *t = ps_proctable_new();
	struct ps_audit_proc p = { .ppid = 1, .comm = PS_LIT("x"), .exe = PS_LIT("/x"), .cmdline = PS_LIT("x -y") };
	for (int i = 1; i <= 3 * PS_PROCTABLE_CAP; i++) {
		p.pid = i;
		p.time_us = i;
		ps_proctable_put(t, &p);
	}
	struct ps_event ev = local_failure(1, "/x", 10 * PS_PROCTABLE_CAP);
	ps_proctable_attribute(t, &ev, false, 0);
	assert_false(ps_set(ev.cmdline)); /* pid 1 was evicted */
	assert_int_equal(ev.ppid, -1);
	ev = local_failure(3 * PS_PROCTABLE_CAP, "/x", 10 * PS_PROCTABLE_CAP);
	ps_proctable_attribute(t, &ev, false, 0);
	assert_int_equal(ev.ppid, 1); /* the latest is there */
	assert_true(ps_eq_lit(ev.cmdline, "x -y"));
	ps_proctable_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_audit), cmocka_unit_test(test_quoting), cmocka_unit_test(test_live_proc),
		cmocka_unit_test(test_real_proc),  cmocka_unit_test(test_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
