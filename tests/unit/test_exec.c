/*
 * The exec channel's program runner with real programs (/bin/sh scripts
 * written here): stdin carries the JSON and nothing else carries alert
 * data, the environment is the documented one, exit statuses map to
 * delivered / dead-letter / retry, a hanging program's whole process group
 * is killed at the timeout, and a program that writes much or reads
 * nothing does not block or kill the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sink/deliver/exec.h"
#include "util/timeconv.h"

static char dir[] = "/tmp/ps-exec-XXXXXX";

/* The user name of every test: markup, quotes, a command substitution, a newline. */
static const char alert_json[] =
	"{\"type\":\"alert\",\"id\":\"a-1\",\"rule\":\"brute_force\",\"severity\":\"high\","
	"\"user\":\"$(touch /tmp/pwned)'\\\";rm -rf / <b>\\n@everyone\",\"src_ip\":\"203.0.113.7\"}";

static char *path_of(const char *name)
{
	static char p[4][128];
	static int i;
	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void script(const char *name, const char *body)
{
	FILE *f = fopen(path_of(name), "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path_of(name), 0700), 0);
}

static char *slurp(const char *path, size_t *n)
{
	static char buf[70000];
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	ssize_t r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(r >= 0);
	buf[r] = '\0';
	if (n)
		*n = (size_t)r;
	return buf;
}

/* Run command for the alert to its end; x is left ended (free it). */
static void run(struct ps_exec *x, char *prog, unsigned timeout_s, const char *json)
{
	static struct ps_item a;
	char *argv[] = { prog, "fixed arg", NULL };
	struct ps_channel_config ch = { .name = "hook", .type = PS_CH_EXEC, .command = argv, .timeout_s = timeout_s };
	ps_item_free(&a);
	assert_int_equal(ps_item_parse(&a, json, strlen(json)), 0);
	struct ps_msg m = { .ch = &ch, .alert = &a, .id = a.id, .severity = a.severity };
	ps_exec_init(x);
	assert_int_equal(ps_exec_start(x, &m, 2, ps_monotonic_us()), 0);
	ps_exec_wait(x);
	assert_int_equal(x->pid, 0);
	assert_int_equal(x->in_fd, -1);
	assert_int_equal(x->out_fd, -1);
}

static void test_input_and_environment(void **state)
{
	(void)state;
	struct ps_exec x;
	char body[512];
	snprintf(body, sizeof(body),
		 "cat > %s/stdin; env > %s/env; printf '%%s\\n' \"$@\" > %s/argv; echo said something", dir, dir, dir);
	script("record", body);
	setenv("PAMSIGNAL_TEST_LEAK", "must not reach the program", 1);
	setenv("CREDENTIALS_DIRECTORY", "/run/credentials/pamsignal.service", 1);
	run(&x, path_of("record"), 10, alert_json);
	assert_int_equal(ps_exec_class(&x), PS_SENT);
	char what[64];
	ps_exec_describe(&x, what, sizeof(what));
	assert_string_equal(what, "exit status 0");
	assert_memory_equal(x.output.buf, "said something\n", x.output.len);
	ps_exec_free(&x);
	/* stdin: the JSON exactly, and a newline. */
	size_t n;
	char *in = slurp(path_of("stdin"), &n);
	assert_int_equal(n, strlen(alert_json) + 1);
	assert_memory_equal(in, alert_json, strlen(alert_json));
	assert_int_equal(in[n - 1], '\n');
	/* argv: as configured, whatever the alert says. */
	assert_string_equal(slurp(path_of("argv"), NULL), "fixed arg\n");
	/* The environment: these, and nothing of the caller's but the credentials directory. */
	static const char *const want[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"LANG=C.UTF-8",
		"PAMSIGNAL_CHANNEL=hook",
		"PAMSIGNAL_ID=a-1",
		"PAMSIGNAL_SEVERITY=high",
		"PAMSIGNAL_TYPE=alert",
		"PAMSIGNAL_ATTEMPT=2",
		"CREDENTIALS_DIRECTORY=/run/credentials/pamsignal.service",
	};
	char *env = slurp(path_of("env"), NULL);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char line[128];
		snprintf(line, sizeof(line), "%s\n", want[i]);
		assert_non_null(strstr(env, line));
	}
	assert_null(strstr(env, "LEAK"));
	assert_null(strstr(env, "everyone"));
	/* sh adds PWD (and maybe SHLVL, _): nothing else. */
	size_t lines = 0;
	for (char *l = env; (l = strchr(l, '\n')); l++)
		lines++;
	assert_true(lines <= sizeof(want) / sizeof(want[0]) + 3);
	assert_int_equal(access("/tmp/pwned", F_OK), -1);
	unsetenv("PAMSIGNAL_TEST_LEAK");
	unsetenv("CREDENTIALS_DIRECTORY");
}

static void test_exit_status(void **state)
{
	(void)state;
	struct ps_exec x;
	char what[64];
	script("dataerr", "cat > /dev/null; echo 'bad input' >&2; exit 65");
	run(&x, path_of("dataerr"), 10, alert_json);
	assert_int_equal(ps_exec_class(&x), PS_DEAD);
	ps_exec_describe(&x, what, sizeof(what));
	assert_string_equal(what, "exit status 65 (EX_DATAERR)");
	assert_memory_equal(x.output.buf, "bad input\n", x.output.len);
	ps_exec_free(&x);

	script("fail", "exit 3");
	run(&x, path_of("fail"), 10, alert_json);
	assert_int_equal(ps_exec_class(&x), PS_RETRY);
	ps_exec_describe(&x, what, sizeof(what));
	assert_string_equal(what, "exit status 3");
	ps_exec_free(&x);

	script("signal", "kill -TERM $$");
	run(&x, path_of("signal"), 10, alert_json);
	assert_int_equal(ps_exec_class(&x), PS_RETRY);
	ps_exec_describe(&x, what, sizeof(what));
	assert_string_equal(what, "killed by signal 15");
	ps_exec_free(&x);
}

static bool gone(pid_t pid)
{
	char p[64], st[512];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return true;
	ssize_t n = read(fd, st, sizeof(st) - 1);
	close(fd);
	st[n > 0 ? n : 0] = '\0';
	char *e = strrchr(st, ')');
	return e && (e[2] == 'Z' || e[2] == 'X'); /* a zombie waiting for whoever adopted it */
}

/* A program that hangs, with a child of its own: the group is killed at the timeout and it counts as a failure. */
static void test_timeout(void **state)
{
	(void)state;
	struct ps_exec x;
	char body[256], what[64];
	snprintf(body, sizeof(body), "sleep 300 & echo $! > %s/child; exec sleep 300", dir);
	script("hang", body);
	run(&x, path_of("hang"), 1, alert_json);
	assert_true(x.timed_out);
	assert_int_equal(ps_exec_class(&x), PS_RETRY);
	ps_exec_describe(&x, what, sizeof(what));
	assert_string_equal(what, "killed after the timeout");
	ps_exec_free(&x);
	pid_t child = (pid_t)atoi(slurp(path_of("child"), NULL));
	assert_true(child > 0);
	/* SIGKILL went to the whole group: the background sleep is dead too. */
	for (int i = 0; i < 200 && !gone(child); i++)
		usleep(10000);
	assert_true(gone(child));
}

/* Reads nothing and writes 1 MB: no SIGPIPE for us, no deadlock on its output. */
static void test_rude_program(void **state)
{
	(void)state;
	struct ps_exec x;
	char big[60000];
	int n = snprintf(big, sizeof(big), "{\"type\":\"event\",\"kind\":\"auth_success\",\"detail\":\"");
	memset(big + n, 'x', sizeof(big) - (size_t)n - 3);
	memcpy(big + sizeof(big) - 3, "\"}", 3);
	script("rude", "exec 0<&-; head -c 1000000 /dev/zero; exit 0");
	run(&x, path_of("rude"), 10, big);
	assert_int_equal(ps_exec_class(&x), PS_SENT);
	assert_int_equal(x.output.len, PS_EXEC_OUTPUT_MAX);
	ps_exec_free(&x);
	/* Writes without end: still killed at its timeout. */
	script("endless", "exec yes");
	run(&x, path_of("endless"), 1, alert_json);
	assert_true(x.timed_out);
	assert_int_equal(x.output.len, PS_EXEC_OUTPUT_MAX);
	ps_exec_free(&x);
	/* Not started: a clear error, nothing left open. */
	struct ps_item a;
	char *argv[] = { "/nonexistent/program", NULL };
	struct ps_channel_config ch = { .name = "hook", .type = PS_CH_EXEC, .command = argv, .timeout_s = 1 };
	assert_int_equal(ps_item_parse(&a, alert_json, strlen(alert_json)), 0);
	struct ps_msg m = { .ch = &ch, .alert = &a, .id = a.id, .severity = a.severity };
	ps_exec_init(&x);
	assert_int_equal(ps_exec_start(&x, &m, 1, 0), -ENOENT);
	assert_int_equal(x.pid, 0);
	ps_exec_free(&x);
	ps_item_free(&a);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	static const char *const files[] = { "record", "stdin", "env", "argv", "dataerr", "fail", "signal",
					     "hang", "child", "rude", "endless" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(path_of(files[i]));
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input_and_environment),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_rude_program),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
