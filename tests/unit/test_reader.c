/* The bounded reader and the file source: overlong lines, gzip, export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_export_binary),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
