/* The bounded reader and the file source: overlong lines, gzip, export. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "source/file.h"

static int mem_fd(const void *data, size_t n)
{
	int fd = memfd_create("t", 0);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void test_lines(void **state)
{
	(void)state;
	struct ps_reader r;
	struct ps_str l;
	const char data[] = "one\r\ntwo\n\nlast";
	assert_int_equal(ps_reader_open_fd(&r, mem_fd(data, sizeof(data) - 1)), 0);
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_LINE);
	assert_true(ps_eq_lit(l, "one"));
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_LINE);
	assert_true(ps_eq_lit(l, "two"));
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_LINE);
	assert_int_equal(l.n, 0);
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_LINE);
	assert_true(ps_eq_lit(l, "last"));
	assert_int_equal(r.line_no, 4);
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_EOF);
	ps_reader_close(&r);
}

static void test_overlong(void **state)
{
	(void)state;
	/* A 200 KiB line whose tail looks like an sshd line must not become one. */
	size_t big = 200 * 1024;
	const char tail[] = "sshd[1]: Failed password for root from 203.0.113.9 port 22 ssh2\nafter\n";
	char *data = malloc(big + sizeof(tail));
	memset(data, 'A', big);
	memcpy(data + big, tail, sizeof(tail));
	struct ps_reader r;
	struct ps_str l;
	assert_int_equal(ps_reader_open_fd(&r, mem_fd(data, big + sizeof(tail) - 1)), 0);
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_OVERLONG);
	assert_int_equal(r.line_no, 1);
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_LINE);
	assert_true(ps_eq_lit(l, "after"));
	assert_int_equal(r.line_no, 2);
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_EOF);
	ps_reader_close(&r);
	free(data);
}

static int count_event(const struct ps_event *ev, void *arg)
{
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

static void test_gzip(void **state)
{
	(void)state;
	char path[] = "/tmp/ps-test-XXXXXX";
	int fd = mkstemp(path);
	gzFile gz = gzdopen(fd, "wb");
	for (int i = 0; i < 5000; i++)
		gzprintf(gz, "Nov 21 19:50:%02d h sshd[%d]: Invalid user u%d from 2001:db8::%x port %d\n",
			 i % 60, i, i, i, 1000 + i);
	gzclose(gz);

	struct ps_reader r;
	struct ps_scan_stats st = { 0 };
	int events = 0;
	assert_int_equal(ps_reader_open(&r, path), 0);
	assert_int_equal(ps_file_scan(&r, path, 1798675200, count_event, NULL, &events, &st), 0);
	ps_reader_close(&r);
	unlink(path);
	assert_int_equal(events, 5000);
	assert_int_equal(st.lines, 5000);
	assert_int_equal(st.malformed, 0);
}

static void test_export_binary(void **state)
{
	(void)state;
	/* A binary MESSAGE holding a newline, then a text entry. */
	static const char msg[] = "Failed password for invalid user a\nb from 198.51.100.4 port 1 ssh2";
	char data[1024];
	size_t n = 0;
	n += (size_t)sprintf(data + n, "__CURSOR=a\nSYSLOG_IDENTIFIER=sshd\nMESSAGE\n");
	uint64_t len = sizeof(msg) - 1;
	for (int i = 0; i < 8; i++)
		data[n++] = (char)(len >> (8 * i));
	memcpy(data + n, msg, len);
	n += len;
	n += (size_t)sprintf(data + n, "\n_PID=7\n\n__CURSOR=b\nSYSLOG_IDENTIFIER=sshd\n"
				       "MESSAGE=Invalid user x from 192.0.2.1 port 2\n\n");
	struct ps_reader r;
	struct ps_scan_stats st = { 0 };
	int events = 0;
	assert_int_equal(ps_reader_open_fd(&r, mem_fd(data, n)), 0);
	assert_int_equal(ps_file_scan(&r, "x", 0, count_event, NULL, &events, &st), 0);
	ps_reader_close(&r);
	assert_int_equal(events, 2);
	assert_int_equal(st.malformed, 0);

	/* Truncated binary length: reported as malformed, no crash. */
	static const char trunc[] = "__CURSOR=a\nMESSAGE\n\x05\x00";
	n = sizeof(trunc) - 1;
	memcpy(data, trunc, n);
	st = (struct ps_scan_stats){ 0 };
	assert_int_equal(ps_reader_open_fd(&r, mem_fd(data, n)), 0);
	assert_int_equal(ps_file_scan(&r, "x", 0, count_event, NULL, &events, &st), 0);
	ps_reader_close(&r);
	assert_int_equal(st.malformed, 1);
}

static void test_buffered_line(void **state)
{
	(void)state;
	struct ps_reader r;
	struct ps_str a, b, l;
	const char data[] = "one\ntwo\nlast";
	assert_int_equal(ps_reader_open_fd(&r, mem_fd(data, sizeof(data) - 1)), 0);
	assert_int_equal(ps_reader_buffered_line(&r, &l), PS_READ_MORE); /* nothing read yet */
	assert_int_equal(ps_reader_line(&r, &a), PS_READ_LINE);
	assert_int_equal(ps_reader_buffered_line(&r, &b), PS_READ_LINE);
	assert_true(ps_eq_lit(b, "two"));
	assert_true(ps_eq_lit(a, "one")); /* still valid: no read since */
	/* The last line has no newline: only a read can tell it is whole. */
	assert_int_equal(ps_reader_buffered_line(&r, &l), PS_READ_MORE);
	assert_int_equal(r.line_no, 2);
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_LINE);
	assert_true(ps_eq_lit(l, "last"));
	assert_int_equal(ps_reader_buffered_line(&r, &l), PS_READ_MORE);
	assert_int_equal(ps_reader_line(&r, &l), PS_READ_EOF);
	ps_reader_close(&r);
}

/* Each event's user must be the one its line was written with. */
struct expect {
	uint64_t events, wrong, last_line;
};

static int check_user(const struct ps_event *ev, void *arg)
{
	struct expect *x = arg;
	char want[32];
	snprintf(want, sizeof(want), "user%06llu", (unsigned long long)ev->line);
	x->wrong += !ps_eq(ev->user, ps_cstr(want)) || ev->line <= x->last_line;
	x->last_line = ev->line;
	x->events++;
	return 0;
}

static void test_batches(void **state)
{
	(void)state;
	/* Events are handed on in batches that point into the reader's buffer
	 * and, for journal JSON, into the framing's scratch: over 1 MB of
	 * lines (several reads) with runs of JSON lines, every event must
	 * still carry its own line's text, in input order. */
	size_t cap = 2 * 1024 * 1024, n = 0;
	char *data = malloc(cap);
	unsigned lines = 12000;
	for (unsigned i = 1; i <= lines; i++) {
		if (i % 100 < 3)
			n += (size_t)snprintf(data + n, cap - n,
					      "{\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"%u\",\"MESSAGE\":"
					      "\"Failed password for user%06u from 192.0.2.%u port %u ssh2\"}\n",
					      i, i, i % 250, 1024 + i);
		else
			n += (size_t)snprintf(data + n, cap - n,
					      "Nov 21 19:50:%02u h sshd[%u]: Failed password for user%06u from "
					      "2001:db8::%x port %u ssh2%*s\n",
					      i % 60, i, i, i, 1024 + i, (int)(i % 40), "");
	}
	assert_true(n > 1024 * 1024 && n < cap);
	struct ps_reader r;
	struct ps_scan_stats st = { 0 };
	struct expect x = { 0 };
	assert_int_equal(ps_reader_open_fd(&r, mem_fd(data, n)), 0);
	assert_int_equal(ps_file_scan(&r, "x", 1798675200, check_user, NULL, &x, &st), 0);
	ps_reader_close(&r);
	free(data);
	assert_int_equal(x.events, lines);
	assert_int_equal(x.wrong, 0);
	assert_int_equal(st.events, lines);
}

/* A live pipe's events are handed on before the reader waits for more. */
static int ack_third(const struct ps_event *ev, void *arg)
{
	(void)ev;
	int *ack = arg;
	if (++ack[1] == 3 && write(ack[0], "!", 1) != 1)
		return -errno; /* the writer gave up waiting: the test fails below */
	return 0;
}

static void test_pipe_not_held(void **state)
{
	(void)state;
	int data[2], ack[2];
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(data), 0);
	assert_int_equal(pipe(ack), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		/* Three lines, then hold the pipe open until they were seen. */
		close(data[0]);
		close(ack[1]);
		static const char lines[] = "Nov 21 19:50:01 h sshd[1]: Invalid user a from 192.0.2.1 port 1\n"
					    "Nov 21 19:50:02 h sshd[2]: Invalid user b from 192.0.2.1 port 2\n"
					    "Nov 21 19:50:03 h sshd[3]: Invalid user c from 192.0.2.1 port 3\n";
		if (write(data[1], lines, sizeof(lines) - 1) != (ssize_t)sizeof(lines) - 1)
			_exit(2);
		struct pollfd p = { .fd = ack[0], .events = POLLIN };
		_exit(poll(&p, 1, 20 * 1000) == 1 ? 0 : 1);
	}
	close(data[1]);
	close(ack[0]);
	struct ps_reader r;
	struct ps_scan_stats st = { 0 };
	int arg[2] = { ack[1], 0 };
	assert_int_equal(ps_reader_open_fd(&r, data[0]), 0);
	int scanned = ps_file_scan(&r, "-", 1798675200, ack_third, NULL, arg, &st);
	ps_reader_close(&r);
	close(ack[1]);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0); /* 1: the events waited for the end of input */
	assert_int_equal(scanned, 0);
	assert_int_equal(arg[1], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_export_binary),
		cmocka_unit_test(test_buffered_line),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_pipe_not_held),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
