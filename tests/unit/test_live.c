/* The live daemon's parts: trust verdicts, sessions, dedup, state and event-log recovery. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/config.h"
#include "correlate/dedup.h"
#include "correlate/session.h"
#include "daemon/forksave.h"
#include "daemon/state.h"
#include "detect/detect.h"
#include "sink/eventlog.h"
#include "source/trust.h"
#include "util/tsv.h"

/* ---- trust ---- */

static struct ps_sd_entry entry(const char *id, int64_t uid, const char *exe, const char *comm, bool capable)
{
	struct ps_sd_entry e = { .uid = uid, .capable = capable };
	e.identifier = ps_cstr(id);
	if (exe)
		e.exe = ps_cstr(exe);
	if (comm)
		e.comm = ps_cstr(comm);
	return e;
}

static void test_trust(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct ps_event ev;
	ps_config_defaults(&cfg);
	ps_event_init(&ev);
	ev.kind = PS_KIND_AUTH_FAILURE;

	struct ps_sd_entry real_sshd = entry("sshd", 0, "/usr/sbin/sshd", "sshd", true);
	assert_true(ps_trust_genuine(&cfg, &real_sshd, &ev));
	struct ps_sd_entry root_logger = entry("sshd", 0, "/usr/bin/logger", "logger", true);
	assert_false(ps_trust_genuine(&cfg, &root_logger, &ev));
	/* Exited before journald read /proc/PID/exe: the command name decides. */
	struct ps_sd_entry quick_logger = entry("sshd", 0, NULL, "logger", true);
	assert_false(ps_trust_genuine(&cfg, &quick_logger, &ev));
	struct ps_sd_entry quick_sshd = entry("sshd", 0, NULL, "sshd", true);
	assert_true(ps_trust_genuine(&cfg, &quick_sshd, &ev));
	/* A user's own copy of sshd. */
	struct ps_sd_entry user_sshd = entry("sshd", 1000, "/usr/sbin/sshd", "sshd", false);
	assert_false(ps_trust_genuine(&cfg, &user_sshd, &ev));
	/* sudo runs with the invoker's real uid. */
	struct ps_sd_entry sudo = entry("sudo", 1000, "/usr/bin/sudo", "sudo", true);
	assert_true(ps_trust_genuine(&cfg, &sudo, &ev));
	struct ps_sd_entry user_logger_sudo = entry("sudo", 1000, "/usr/bin/logger", "logger", false);
	assert_false(ps_trust_genuine(&cfg, &user_logger_sudo, &ev));
	/* Without _EXE, a set-user-ID program must show its capabilities. */
	struct ps_sd_entry renamed = entry("sudo", 1000, NULL, "sudo", false);
	assert_false(ps_trust_genuine(&cfg, &renamed, &ev));
	struct ps_sd_entry zombie_sudo = entry("sudo", 1000, NULL, "sudo", true);
	assert_true(ps_trust_genuine(&cfg, &zombie_sudo, &ev));
	/* An identifier nobody configured. */
	struct ps_sd_entry other = entry("cron", 0, "/usr/sbin/cron", "cron", true);
	assert_false(ps_trust_genuine(&cfg, &other, &ev));

	/* Gone entirely: a non-root sender is believed only about itself. */
	struct passwd *root = getpwuid(0);
	assert_non_null(root);
	struct ps_sd_entry vanished = entry("sudo", 0, NULL, NULL, false);
	assert_true(ps_trust_genuine(&cfg, &vanished, &ev));
	struct passwd *nobody = getpwnam("nobody");
	if (nobody) {
		struct ps_sd_entry gone = entry("sudo", nobody->pw_uid, NULL, NULL, false);
		ev.user = PS_LIT("root");
		assert_false(ps_trust_genuine(&cfg, &gone, &ev));
		ev.user = ps_cstr("nobody");
		assert_true(ps_trust_genuine(&cfg, &gone, &ev));
		/* sshd's post-auth child logs the logout of its own user only. */
		struct ps_sd_entry child = entry("sshd", nobody->pw_uid, "/usr/sbin/sshd", "sshd", false);
		ev.kind = PS_KIND_SESSION_CLOSE;
		assert_true(ps_trust_genuine(&cfg, &child, &ev));
		ev.user = PS_LIT("root");
		assert_false(ps_trust_genuine(&cfg, &child, &ev));
	}
	ps_config_free(&cfg);
}

/* ---- sessions ---- */

static struct ps_event session_event(enum ps_kind kind, int64_t pid, int64_t t_s, const char *user)
{
	struct ps_event ev;
	ps_event_init(&ev);
	ev.kind = kind;
	ev.pid = pid;
	ev.time_us = t_s * 1000000;
	ev.service = PS_LIT("sshd");
	ev.program = PS_LIT("sshd");
	if (user)
		ev.user = ps_cstr(user);
	return ev;
}

static void test_sessions(void **state)
{
	(void)state;
	struct ps_sessions *s = ps_sessions_new(4);
	assert_non_null(s);

	struct ps_event ok = session_event(PS_KIND_AUTH_SUCCESS, 100, 1000, "alice");
	ps_ip_parse(PS_LIT("203.0.113.9"), &ok.src_ip);
	ok.src_port = 5555;
	ok.method = PS_LIT("publickey");
	assert_true(ps_session_apply(s, &ok));
	struct ps_event open = session_event(PS_KIND_SESSION_OPEN, 100, 1001, "alice");
	assert_true(ps_session_apply(s, &open));
	assert_int_equal(open.src_ip.family, 4); /* filled from the login */
	assert_int_equal(ps_sessions_open(s), 1);

	/* The post-auth child's logout: other pid, matched by user, address, port. */
	struct ps_event child = session_event(PS_KIND_SESSION_CLOSE, 101, 1091, "alice");
	child.src_ip = ok.src_ip;
	child.src_port = 5555;
	assert_true(ps_session_apply(s, &child));
	assert_int_equal(child.duration_s, 90);
	assert_true(ps_eq_lit(child.method, "publickey"));
	/* The monitor's PAM close of the same session is folded into it. */
	struct ps_event pam = session_event(PS_KIND_SESSION_CLOSE, 100, 1091, "alice");
	assert_false(ps_session_apply(s, &pam));
	assert_int_equal(ps_sessions_open(s), 0);

	/* A close without a known open is reported as is. */
	struct ps_event stray = session_event(PS_KIND_SESSION_CLOSE, 7, 2000, "bob");
	assert_true(ps_session_apply(s, &stray));
	assert_int_equal(stray.duration_s, -1);

	/* Bounded: more opens than slots evict the oldest. */
	for (int i = 0; i < 10; i++) {
		struct ps_event o = session_event(PS_KIND_SESSION_OPEN, 200 + i, 3000 + i, "carol");
		assert_true(ps_session_apply(s, &o));
	}
	assert_true(ps_sessions_open(s) <= 4);
	ps_sessions_free(s);
}

static void test_sessions_survive_restart(void **state)
{
	(void)state;
	struct ps_sessions *s = ps_sessions_new(8), *t = ps_sessions_new(8);
	struct ps_event open = session_event(PS_KIND_SESSION_OPEN, 300, 5000, "we\tird\nname%");
	assert_true(ps_session_apply(s, &open));

	struct ps_state st;
	struct ps_out o;
	unsigned line;
	ps_state_init(&st);
	st.journal_cursor = strdup("s=abc;i=1;t=5");
	struct ps_tail_pos pos = { 1, 2, 3 };
	assert_int_equal(ps_state_set_file(&st, "/var/log/auth log", &pos), 0);
	ps_out_init_mem(&o);
	ps_state_write(&o, &st, s, NULL, NULL);

	struct ps_state back;
	ps_state_init(&back);
	assert_int_equal(ps_state_parse(&back, t, o.buf, o.len, &line), 0);
	assert_string_equal(back.journal_cursor, "s=abc;i=1;t=5");
	const struct ps_tail_pos *p = ps_state_file(&back, "/var/log/auth log");
	assert_non_null(p);
	assert_int_equal(p->offset, 3);
	struct ps_event close = session_event(PS_KIND_SESSION_CLOSE, 300, 5060, NULL);
	assert_true(ps_session_apply(t, &close));
	assert_int_equal(close.duration_s, 60);
	assert_true(ps_eq_lit(close.user, "we\tird\nname%"));

	/* A state file cut short (no "end") is refused. */
	struct ps_state cut;
	ps_state_init(&cut);
	assert_int_equal(ps_state_parse(&cut, t, o.buf, o.len - 4, &line), -EINVAL);
	ps_state_free(&cut);
	ps_state_free(&back);
	ps_state_free(&st);
	ps_out_free(&o);
	ps_sessions_free(s);
	ps_sessions_free(t);
}

/* ---- dedup ---- */

static void test_dedup(void **state)
{
	(void)state;
	struct ps_dedup *d = ps_dedup_new(16, 60 * 1000000LL);
	struct ps_str prog = PS_LIT("sshd"), msg = PS_LIT("Failed password for root from 203.0.113.9 port 22 ssh2");

	/* sshd repeats the same text for each attempt of one connection: two lines, not one. */
	assert_false(ps_dedup_repeat(d, 0, prog, 42, msg, 0));
	assert_false(ps_dedup_repeat(d, 0, prog, 42, msg, 1));
	/* The file has the same two: both are copies. */
	assert_true(ps_dedup_repeat(d, 1, prog, 42, msg, 2));
	assert_true(ps_dedup_repeat(d, 1, prog, 42, msg, 3));
	/* A third in the file alone is new. */
	assert_false(ps_dedup_repeat(d, 1, prog, 42, msg, 4));
	/* Another pid is another line. */
	assert_false(ps_dedup_repeat(d, 1, prog, 43, msg, 5));
	/* Past the window, a copy is a new line. */
	assert_false(ps_dedup_repeat(d, 0, prog, 44, msg, 10));
	assert_false(ps_dedup_repeat(d, 1, prog, 44, msg, 10 + 61 * 1000000LL));
	/* Bounded: many keys evict the oldest without harm. */
	char buf[64];
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(buf, sizeof(buf), "line %d", i);
		assert_false(ps_dedup_repeat(d, 0, prog, i, ps_str(buf, (size_t)n), 100));
	}
	ps_dedup_free(d);
}

static int name_to_id(const char *name, void *arg)
{
	(void)arg;
	if (strcmp(name, "journal") == 0)
		return 0;
	if (strcmp(name, "/var/log/auth.log") == 0)
		return 2; /* the file's id changed with the configuration */
	return -1;
}

/* A restart between a line's two copies: the second is still a copy. */
static void test_dedup_survives_restart(void **state)
{
	(void)state;
	struct ps_dedup *a = ps_dedup_new(16, 60 * 1000000LL);
	struct ps_str prog = PS_LIT("sshd");
	char longmsg[400];
	memset(longmsg, 'x', sizeof(longmsg));
	struct ps_str msg = PS_LIT("Failed password for root from 203.0.113.9 port 22 ssh2"),
		      other = PS_LIT("Accepted publickey for alice from 203.0.113.7 port 22 ssh2"),
		      both = PS_LIT("Connection closed by 198.51.100.4 port 22"),
		      cut = ps_str(longmsg, sizeof(longmsg)), old = PS_LIT("Invalid user old from 192.0.2.1 port 22");
	const char *names[] = { "journal", "/var/log/auth.log" };

	assert_false(ps_dedup_repeat(a, 0, prog, 42, msg, 2000000));   /* journal: twice, file: not yet */
	assert_false(ps_dedup_repeat(a, 0, prog, 42, msg, 2000000));
	assert_false(ps_dedup_repeat(a, 1, prog, 43, other, 2000000)); /* the file first */
	assert_false(ps_dedup_repeat(a, 0, prog, 44, both, 2000000));  /* both had it: nothing to remember */
	assert_true(ps_dedup_repeat(a, 1, prog, 44, both, 2000000));
	assert_false(ps_dedup_repeat(a, 0, prog, 45, cut, 2000000));  /* longer than the key */
	assert_false(ps_dedup_repeat(a, 0, prog, 46, old, 0));
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_dedup_save(a, &o, 61 * 1000000LL, names, 2); /* "old" is past the window by then */
	ps_dedup_free(a);
	assert_int_equal(o.error, 0);
	assert_int_equal(memchr(o.buf, '\0', o.len) == NULL, 1);
	size_t lines = 0;
	for (size_t i = 0; i < o.len; i++)
		lines += o.buf[i] == '\n';
	assert_int_equal(lines, 3); /* msg, other, cut */

	/* A new process: another seed, another clock, the file under id 2. Down for an hour: it does not count. */
	struct ps_dedup *b = ps_dedup_new(16, 60 * 1000000LL);
	int64_t now = 5000 * 1000000LL;
	struct ps_str rest = ps_str(o.buf, o.len);
	while (rest.n) {
		const char *nl = memchr(rest.p, '\n', rest.n);
		struct ps_str line = ps_str(rest.p, (size_t)(nl - rest.p));
		rest = ps_str(nl + 1, rest.n - line.n - 1);
		assert_true(line.n > 6 && memcmp(line.p, "dedup\t", 6) == 0);
		assert_int_equal(ps_dedup_load_line(b, ps_str(line.p + 6, line.n - 6), now, name_to_id, NULL), 0);
	}
	assert_true(ps_dedup_repeat(b, 2, prog, 42, msg, now));    /* the file's two copies */
	assert_true(ps_dedup_repeat(b, 2, prog, 42, msg, now));
	assert_false(ps_dedup_repeat(b, 2, prog, 42, msg, now));   /* a third is new */
	assert_true(ps_dedup_repeat(b, 0, prog, 43, other, now));  /* the journal's copy */
	assert_false(ps_dedup_repeat(b, 2, prog, 44, both, now));  /* nothing waited for it */
	assert_true(ps_dedup_repeat(b, 2, prog, 45, cut, now));
	assert_false(ps_dedup_repeat(b, 2, prog, 46, old, now));
	/* The age carried over: one more minute of reading and the rest expire. */
	assert_false(ps_dedup_repeat(b, 0, prog, 43, other, now + 60 * 1000000LL));
	/* A broken line is refused. */
	assert_int_equal(ps_dedup_load_line(b, PS_LIT("12\tx"), now, name_to_id, NULL), -EINVAL);
	ps_dedup_free(b);
	ps_out_free(&o);
}

/* ---- event log ---- */

static size_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

static void add_event(struct ps_eventlog *el, const char *user)
{
	struct ps_event ev;
	ps_event_init(&ev);
	ev.kind = PS_KIND_AUTH_FAILURE;
	ev.user = ps_cstr(user);
	ps_eventlog_add(el, &ev);
}

static void test_eventlog_recovery_and_rotation(void **state)
{
	(void)state;
	char dir[] = "/tmp/ps-eventlog-XXXXXX", path[256], one[300];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/events.jsonl", dir);
	snprintf(one, sizeof(one), "%s.1", path);

	struct ps_eventlog *el;
	struct ps_eventlog_mark mark;
	struct ps_chain *chain;
	assert_int_equal(ps_chain_new(&chain, NULL, 0), 0);
	assert_int_equal(ps_eventlog_open(&el, path, 1024 * 1024, 2, NULL, chain), 0);
	add_event(el, "a");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_get_mark(el, &mark);
	size_t at_mark = file_size(path);
	assert_int_equal(mark.size, at_mark);
	/* Written after the checkpoint, then a crash (and a half line). */
	add_event(el, "b");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_close(el);
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(write(fd, "{\"half", 6) == 6);
	close(fd);

	assert_int_equal(ps_eventlog_open(&el, path, 1024 * 1024, 2, &mark, chain), 0);
	assert_int_equal(file_size(path), at_mark);
	ps_eventlog_close(el);

	/* Rotated after the mark: the mark's file is cut, the newer one emptied. */
	assert_int_equal(ps_eventlog_open(&el, path, 300, 2, NULL, chain), 0);
	ps_eventlog_get_mark(el, &mark);
	for (int i = 0; i < 20; i++) {
		add_event(el, "rotate-me");
		assert_int_equal(ps_eventlog_flush(el), 0);
		if (access(one, F_OK) == 0)
			break;
	}
	assert_int_equal(access(one, F_OK), 0);
	int *fds;
	int n = ps_eventlog_sync_fds(el, &fds);
	assert_true(n >= 2); /* the rotated-away log and the current one */
	for (int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	ps_eventlog_close(el);
	assert_int_equal(ps_eventlog_open(&el, path, 300, 2, &mark, chain), 0);
	assert_int_equal(file_size(one), mark.size);
	assert_int_equal(file_size(path), 0);
	ps_eventlog_close(el);
	ps_chain_free(chain);

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- the detector's state, written by a forked child ---- */

static int count_brute_force(const struct ps_alert *a, void *arg)
{
	if (a->rule == PS_RULE_BRUTE_FORCE)
		(*(uint64_t *)arg) = a->count;
	return 0;
}

/* One failed password from 203.0.113.N at second t, its own connection (pid). */
static void failed(struct ps_detector *d, unsigned n, int64_t pid, int64_t t, uint64_t *bf)
{
	char ip[32];
	struct ps_event ev;
	ps_event_init(&ev);
	snprintf(ip, sizeof(ip), "203.0.113.%u", n);
	ev.kind = PS_KIND_AUTH_FAILURE;
	ev.reason = PS_REASON_BAD_PASSWORD;
	ev.time_us = 1767225600000000 + t * 1000000;
	ev.host = PS_LIT("bastion");
	ev.service = ev.program = PS_LIT("sshd");
	ev.method = PS_LIT("password");
	ev.user = PS_LIT("root");
	ev.pid = pid;
	assert_int_equal(ps_ip_parse(ps_cstr(ip), &ev.src_ip), 0);
	ps_detector_feed(d, &ev, count_brute_force, bf);
}

static char *state_text(const struct ps_detector *d)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(ps_detector_save(d, f), 0);
	fclose(f);
	return buf;
}

static int fill_state(int fd, void *arg)
{
	FILE *f = fdopen(dup(fd), "w");
	int r = ps_detector_save(arg, f);
	return fclose(f) == 0 ? r : -EIO;
}

/* What the saving child's OOM score is, as its file's text. */
static int fill_oom_score(int fd, void *arg)
{
	(void)arg;
	char buf[16];
	int in = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);
	ssize_t n = in >= 0 ? read(in, buf, sizeof(buf)) : -1;
	if (in >= 0)
		close(in);
	return n > 0 && write(fd, buf, (size_t)n) == n ? 0 : -EIO;
}

static char *read_all(const char *path)
{
	char *buf = NULL;
	size_t len;
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, &len);
	for (int c; (c = fgetc(f)) != EOF;)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/*
 * The save the daemon makes under load: the child writes the detector as
 * it was at the fork, whatever the parent counts meanwhile, completely
 * (a restart from that file continues the count), and a failed save is
 * reported and leaves the last good file alone.
 */
static void test_forksave_detector(void **state)
{
	(void)state;
	char dir[] = "/tmp/ps-forksave-XXXXXX", path[256], bad[300];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/detect", dir);
	snprintf(bad, sizeof(bad), "%s/missing/detect", dir);
	struct ps_config cfg;
	struct ps_detector *d, *again;
	uint64_t bf = 0;
	ps_config_defaults(&cfg);
	assert_int_equal(ps_detector_new(&cfg, &d), 0);
	/* Four of the five failures brute_force waits for, and a large state
	 * besides, so that the child is still writing while the parent goes on. */
	for (unsigned i = 0; i < 20000; i++)
		failed(d, 10 + i % 200, 1000 + i, 0, &bf);
	for (unsigned i = 0; i < 4; i++)
		failed(d, 5, 100 + i, 1 + i, &bf);
	char *at_fork = state_text(d);

	pid_t pid;
	int pidfd;
	assert_int_equal(ps_forksave_start(path, fill_state, d, &pid, &pidfd), 0);
	/* The parent counts on: the fifth failure alerts here, not in the file. */
	failed(d, 5, 200, 5, &bf);
	assert_int_equal(bf, 5);
	for (unsigned i = 0; i < 20000; i++)
		failed(d, 10 + i % 200, 40000 + i, 5, &bf);
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		assert_int_equal(poll(&p, 1, -1), 1); /* readable: it has exited */
		close(pidfd);
	}
	assert_int_equal(ps_forksave_wait(pid, true), 0);
	char *saved = read_all(path);
	assert_non_null(saved);
	assert_string_equal(saved, at_fork); /* that moment, whole */
	char tmp[300];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_not_equal(access(tmp, F_OK), 0); /* renamed into place */

	/* A restart from it: four failures counted, the fifth alerts. */
	char err[256] = "";
	assert_int_equal(ps_detector_new(&cfg, &again), 0);
	FILE *f = fopen(path, "r");
	assert_int_equal(ps_detector_load(again, f, err, sizeof(err)), 0);
	fclose(f);
	bf = 0;
	failed(again, 5, 300, 5, &bf);
	assert_int_equal(bf, 5);
	ps_detector_free(again);

	/* A save that cannot be written says why; the last file stays. */
	assert_int_equal(ps_forksave_start(bad, fill_state, d, &pid, &pidfd), 0);
	if (pidfd >= 0)
		close(pidfd);
	assert_int_equal(ps_forksave_wait(pid, true), -ENOENT);
	char *still = read_all(path);
	assert_string_equal(still, at_fork);

	/* If memory runs out while a child holds copies of the daemon's
	 * pages, the kernel kills the child first. */
	char oom[300];
	snprintf(oom, sizeof(oom), "%s/oom", dir);
	assert_int_equal(ps_forksave_start(oom, fill_oom_score, NULL, &pid, &pidfd), 0);
	if (pidfd >= 0)
		close(pidfd);
	assert_int_equal(ps_forksave_wait(pid, true), 0);
	char *score = read_all(oom);
	assert_string_equal(score, "1000\n");
	free(score);
	unlink(oom);

	free(still);
	free(saved);
	free(at_fork);
	ps_detector_free(d);
	ps_config_free(&cfg);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_tsv(void **state)
{
	(void)state;
	struct ps_out o;
	char buf[64];
	struct ps_str f, line;
	ps_out_init_mem(&o);
	ps_tsv_put(&o, PS_LIT("a\tb%c\n"));
	ps_tsv_put_i64(&o, -5);
	line = ps_str(o.buf + 1, o.len - 1); /* past the leading tab */
	assert_true(ps_tsv_take(&line, buf, sizeof(buf), &f));
	assert_true(ps_eq_lit(f, "a\tb%c\n"));
	int64_t v;
	assert_true(ps_tsv_take_i64(&line, &v));
	assert_int_equal(v, -5);
	assert_false(ps_tsv_take(&line, buf, sizeof(buf), &f));
	struct ps_str bad = PS_LIT("%4");
	assert_false(ps_tsv_take(&bad, buf, sizeof(buf), &f));
	ps_out_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_sessions_survive_restart),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_dedup_survives_restart),
		cmocka_unit_test(test_eventlog_recovery_and_rotation),
		cmocka_unit_test(test_forksave_detector),
		cmocka_unit_test(test_tsv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
