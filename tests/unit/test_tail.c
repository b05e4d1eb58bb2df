/*
 * The live file follower on real files in a temporary directory: lines,
 * overlong lines, rotation by rename, copytruncate, deletion, restarts
 * from a saved position, the max_lines bound, and two stress loops.
 *
 * New files are always created while the file they replace still exists,
 * as logrotate does: on ext4 a freed inode number is soon reused, and a
 * reused number is indistinguishable from the saved file (see tail.h).
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include <dirent.h>

#include "source/tail.h"

struct tmp {
	char root[64];
	char path[96]; /* root/auth.log */
};

static int setup(void **state)
{
	struct tmp *d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	snprintf(d->root, sizeof(d->root), "/tmp/ps-tail-XXXXXX");
	if (!mkdtemp(d->root))
		return -1;
	snprintf(d->path, sizeof(d->path), "%s/auth.log", d->root);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *d = *state;
	DIR *dir = opendir(d->root);
	struct dirent *e;
	char p[400];
	while (dir && (e = readdir(dir))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", d->root, e->d_name);
		remove(p);
	}
	if (dir)
		closedir(dir);
	rmdir(d->root);
	free(d);
	return 0;
}

/* root/name, in one of a few rotating static buffers. */
static const char *in(const struct tmp *d, const char *name)
{
	static char bufs[4][200];
	static int i;
	char *b = bufs[i++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s/%s", d->root, name);
	return b;
}

static int open_writer(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	return fd;
}

static void put(int fd, const char *text)
{
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
}

/* Append text to path, creating it (empty text: logrotate's "create"). */
static void append(const char *path, const char *text)
{
	int fd = open_writer(path);
	put(fd, text);
	close(fd);
}

static void must_rename(const char *from, const char *to)
{
	assert_int_equal(rename(from, to), 0);
}

static void copy_file(const char *from, const char *to)
{
	char buf[4096];
	int in_fd = open(from, O_RDONLY), out_fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(in_fd >= 0 && out_fd >= 0);
	ssize_t n;
	while ((n = read(in_fd, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out_fd, buf, (size_t)n), n);
	close(in_fd);
	close(out_fd);
}

static uint64_t inode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_ino;
}

struct got {
	size_t n;
	char joined[4096]; /* lines joined by '|' */
	size_t last_len;
	uint64_t last_after;
	int fail_next; /* return this once instead of taking the line */
};

static int collect(struct ps_str line, uint64_t after, void *arg)
{
	struct got *g = arg;
	if (g->fail_next) {
		int r = g->fail_next;
		g->fail_next = 0;
		return r;
	}
	size_t used = strlen(g->joined);
	if (g->n > 0 && used + 1 < sizeof(g->joined))
		g->joined[used++] = '|';
	ps_to_cstr(line, g->joined + used, sizeof(g->joined) - used);
	g->n++;
	g->last_len = line.n;
	g->last_after = after;
	return 0;
}

/* Poll until caught up; the lines delivered must be exactly `lines`. */
static void expect(struct ps_tail *t, const char *lines)
{
	struct got g = { 0 };
	int r;
	while ((r = ps_tail_poll(t, collect, &g, 0)) > 0)
		;
	assert_int_equal(r, 0);
	assert_string_equal(g.joined, lines);
}

static struct ps_tail_stats stats(const struct ps_tail *t)
{
	struct ps_tail_stats st;
	ps_tail_get_stats(t, &st);
	return st;
}

static uint64_t offset(const struct ps_tail *t)
{
	struct ps_tail_pos pos;
	ps_tail_position(t, &pos);
	return pos.offset;
}

/* Stop the daemon: what it would persist. */
static struct ps_tail_pos stop(struct ps_tail *t)
{
	struct ps_tail_pos pos;
	ps_tail_position(t, &pos);
	ps_tail_close(t);
	return pos;
}

static void test_lines_and_partial(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	append(d->path, "history 1\nhistory 2\n");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	assert_string_equal(ps_tail_path(t), d->path);
	expect(t, ""); /* a first start does not replay history */
	append(d->path, "one\r\ntwo\n\nthree\n");
	expect(t, "one|two||three");
	uint64_t before = 20 + 16;
	assert_int_equal(offset(t), before);

	append(d->path, "par");
	expect(t, "");
	append(d->path, "tial");
	expect(t, "");
	assert_int_equal(offset(t), before); /* not past a line still being written */
	append(d->path, "\n");
	expect(t, "partial");
	assert_int_equal(offset(t), before + 8);
	assert_int_equal(stats(t).lines, 5);
	ps_tail_close(t);
}

static void test_start_inside_a_line(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	append(d->path, "old\nhalf");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	expect(t, "");
	append(d->path, " done\n");
	expect(t, "half done");
	ps_tail_close(t);

	/* Not even one newline yet: the whole file is the line being written. */
	append(in(d, "one"), "just");
	assert_int_equal(ps_tail_open(&t, in(d, "one"), NULL), PS_TAIL_EXACT);
	append(in(d, "one"), " one\n");
	expect(t, "just one");
	ps_tail_close(t);
}

static void test_missing_at_start(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	struct ps_tail_pos pos;
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	expect(t, "");
	ps_tail_position(t, &pos);
	assert_int_equal(pos.ino, 0);
	append(d->path, "x1\nx2\n"); /* everything in a file that appears later is new */
	expect(t, "x1|x2");
	ps_tail_position(t, &pos);
	assert_int_equal(pos.ino, inode_of(d->path));
	assert_int_equal(pos.offset, 6);
	ps_tail_close(t);
}

static void test_not_a_regular_file(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	assert_int_equal(mkdir(d->path, 0700), 0);
	assert_int_equal(ps_tail_open(&t, d->path, NULL), -EINVAL);
	assert_null(t);
	assert_int_equal(ps_tail_open(&t, "/tmp/", NULL), -EINVAL);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_overlong(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	append(d->path, "");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);

	/* Whole in one read: skipped, never split into a fake second line. */
	char *big = repeat('A', PS_MAX_LINE + 100);
	append(d->path, big);
	append(d->path, "\nafter\n");
	expect(t, "after");
	assert_int_equal(stats(t).overlong, 1);
	assert_int_equal(offset(t), PS_MAX_LINE + 100 + 1 + 6);
	free(big);

	/* Arriving in pieces across polls. */
	char *piece = repeat('B', 30000);
	for (int i = 0; i < 4; i++) {
		append(d->path, piece);
		expect(t, "");
	}
	free(piece);
	append(d->path, "tail of it\nnext\n");
	expect(t, "next");
	assert_int_equal(stats(t).overlong, 2);

	/* The limit itself: PS_MAX_LINE bytes is a line, one more is not. */
	struct got g = { 0 };
	char *max = repeat('C', PS_MAX_LINE);
	append(d->path, max);
	append(d->path, "\n");
	append(d->path, max);
	append(d->path, "C\nend\n");
	while (ps_tail_poll(t, collect, &g, 0) > 0)
		;
	assert_int_equal(g.n, 2);
	assert_int_equal(g.last_len, 3);
	assert_int_equal(stats(t).overlong, 3);
	assert_int_equal(stats(t).lines, 4);
	free(max);
	ps_tail_close(t);
}

static void test_max_lines_and_refusal(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	append(d->path, "");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	for (int i = 0; i < 10; i++) {
		char line[16];
		snprintf(line, sizeof(line), "l%d\n", i);
		append(d->path, line);
	}
	struct got g = { 0 };
	assert_int_equal(ps_tail_poll(t, collect, &g, 3), 3);
	assert_string_equal(g.joined, "l0|l1|l2");
	assert_int_equal(ps_tail_poll(t, collect, &g, 3), 3);
	assert_int_equal(ps_tail_poll(t, collect, &g, 3), 3);
	assert_int_equal(ps_tail_poll(t, collect, &g, 3), 1);
	assert_int_equal(ps_tail_poll(t, collect, &g, 3), 0);
	assert_string_equal(g.joined, "l0|l1|l2|l3|l4|l5|l6|l7|l8|l9");

	/* A refused line is not taken and comes again. */
	append(d->path, "m1\nm2\n");
	memset(&g, 0, sizeof(g));
	g.fail_next = -EIO;
	assert_int_equal(ps_tail_poll(t, collect, &g, 0), -EIO);
	assert_int_equal(offset(t), 30);
	assert_int_equal(ps_tail_poll(t, collect, &g, 0), 2);
	assert_string_equal(g.joined, "m1|m2");
	assert_int_equal(g.last_after, 36);
	assert_int_equal(offset(t), 36);

	/* One endless line is bounded too: each discarded buffer counts. */
	char *huge = repeat('D', 8 * PS_MAX_LINE);
	append(d->path, huge);
	free(huge);
	int polls = 0, r;
	while ((r = ps_tail_poll(t, collect, &g, 1)) > 0)
		polls++;
	assert_int_equal(r, 0);
	assert_true(polls >= 3);
	ps_tail_close(t);
}

static void test_rename_rotation(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	int w = open_writer(d->path); /* the syslog daemon */
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	put(w, "a1\na2\n");
	expect(t, "a1|a2");

	must_rename(d->path, in(d, "auth.log.1"));
	expect(t, "");
	put(w, "a3\n"); /* still writing to the renamed file */
	expect(t, "a3");
	append(d->path, ""); /* logrotate creates the new file */
	put(w, "a4\n");
	expect(t, "a4"); /* the new file is empty: the writer has not moved yet */
	put(w, "a5 part");
	put(w, "ial\n");
	close(w);
	w = open_writer(d->path); /* HUP: the writer reopens the path */
	put(w, "b1\n");
	expect(t, "a5 partial|b1");
	struct ps_tail_pos pos;
	ps_tail_position(t, &pos);
	assert_int_equal(pos.ino, inode_of(d->path));
	assert_int_equal(pos.offset, 3);
	assert_int_equal(stats(t).rotations, 1);

	/* Old file written after the rename and the new one before we look:
	 * the old file is read to its end first. */
	must_rename(in(d, "auth.log.1"), in(d, "auth.log.2"));
	must_rename(d->path, in(d, "auth.log.1"));
	append(d->path, "");
	put(w, "b2\n");
	close(w);
	w = open_writer(d->path);
	put(w, "c1\n");
	expect(t, "b2|c1");

	/* Two rotations between two looks: the middle file is read too. */
	put(w, "c2\n");
	close(w);
	must_rename(in(d, "auth.log.2"), in(d, "auth.log.3"));
	must_rename(in(d, "auth.log.1"), in(d, "auth.log.2"));
	must_rename(d->path, in(d, "auth.log.1"));
	append(d->path, "d1\n");
	must_rename(in(d, "auth.log.3"), in(d, "auth.log.4"));
	must_rename(in(d, "auth.log.2"), in(d, "auth.log.3"));
	must_rename(in(d, "auth.log.1"), in(d, "auth.log.2"));
	must_rename(d->path, in(d, "auth.log.1"));
	append(d->path, "e1\n");
	expect(t, "c2|d1|e1");
	assert_int_equal(stats(t).rotations, 4);
	assert_int_equal(stats(t).gaps, 0);
	ps_tail_close(t);
}

static void test_copytruncate(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	append(d->path, "");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	append(d->path, "a1\na2\n");
	expect(t, "a1|a2");
	copy_file(d->path, in(d, "auth.log.1"));
	assert_int_equal(truncate(d->path, 0), 0);
	append(d->path, "b1\n");
	expect(t, "b1");
	assert_int_equal(stats(t).truncations, 1);

	/* Truncated and written past our offset between two polls: the size
	 * does not show it, the changed byte before the offset does. */
	assert_int_equal(truncate(d->path, 0), 0);
	append(d->path, "xxxxx\nyy\n");
	expect(t, "xxxxx|yy");
	assert_int_equal(stats(t).truncations, 2);

	/* A held partial line is given up with the old content. */
	append(d->path, "held");
	expect(t, "");
	assert_int_equal(truncate(d->path, 0), 0);
	append(d->path, "n1\n");
	expect(t, "n1");
	assert_int_equal(stats(t).abandoned, 1);
	assert_int_equal(stats(t).rotations, 0);
	ps_tail_close(t);
}

static void test_delete_and_recreate(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	int w = open_writer(d->path);
	put(w, "a1\n");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	put(w, "a2\n");
	expect(t, "a2");
	uint64_t old = inode_of(d->path);

	assert_int_equal(unlink(d->path), 0);
	put(w, "a3\n"); /* into the deleted file, which we still hold */
	expect(t, "a3");
	struct ps_tail_pos pos;
	ps_tail_position(t, &pos);
	assert_int_equal(pos.ino, old);
	assert_int_equal(pos.offset, 9);

	put(w, "a4\n");
	append(d->path, "b1\n");
	expect(t, "a4|b1");
	close(w);
	ps_tail_close(t);
}

static void test_restart_same_file(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	append(d->path, "old\n");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	append(d->path, "a1\na2\na3 par");
	expect(t, "a1|a2");
	struct ps_tail_pos pos = stop(t);
	assert_int_equal(pos.offset, 10);
	append(d->path, "tial\na4\n");
	assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_EXACT);
	expect(t, "a3 partial|a4");

	/* An all-zero position is no position: start at the end. */
	pos = stop(t);
	struct ps_tail_pos zero = { 0 };
	append(d->path, "not replayed\n");
	assert_int_equal(ps_tail_open(&t, d->path, &zero), PS_TAIL_EXACT);
	expect(t, "");
	ps_tail_close(t);
}

/* Lines a2, a3 were written while we were down, then the file was rotated
 * to `rotated` and b1 written to the new one. older is a rotation from
 * before, which must not be read. */
static void restart_after_rotation(struct tmp *d, const char *rotated, const char *older)
{
	struct ps_tail *t;
	append(in(d, older), "older\n");
	append(in(d, "auth.logger"), "another log\n");
	append(d->path, "");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	append(d->path, "a1\n");
	expect(t, "a1");
	struct ps_tail_pos pos = stop(t);

	append(d->path, "a2\na3\nunfinished");
	must_rename(d->path, in(d, rotated));
	append(d->path, "b1\n");
	assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_EXACT);
	expect(t, "a2|a3|b1");
	assert_int_equal(stats(t).rotations, 1);
	assert_int_equal(stats(t).abandoned, 1); /* "unfinished" never ended */
	pos = stop(t);
	assert_int_equal(pos.ino, inode_of(d->path));
	assert_int_equal(pos.offset, 3);
}

static void test_restart_rotated_numbered(void **state)
{
	restart_after_rotation(*state, "auth.log.1", "auth.log.2");
}

static void test_restart_rotated_dateext(void **state)
{
	restart_after_rotation(*state, "auth.log-20261121", "auth.log-20261114");
}

static void gzip_file(const char *from, const char *to)
{
	char buf[4096];
	int in_fd = open(from, O_RDONLY);
	gzFile gz = gzopen(to, "wb");
	assert_true(in_fd >= 0 && gz);
	ssize_t n;
	while ((n = read(in_fd, buf, sizeof(buf))) > 0)
		assert_int_equal(gzwrite(gz, buf, (unsigned)n), n);
	gzclose(gz);
	close(in_fd);
}

static void test_restart_rotated_compressed(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	append(d->path, "");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	append(d->path, "a1\n");
	expect(t, "a1");
	struct ps_tail_pos pos = stop(t);

	append(d->path, "a2\n"); /* lost: only a .gz holds it now */
	must_rename(d->path, in(d, "auth.log.1"));
	append(d->path, "b1\n");
	gzip_file(in(d, "auth.log.1"), in(d, "auth.log.1.gz"));
	/* A hard link named .gz to the saved inode would still not be read as text. */
	assert_int_equal(link(in(d, "auth.log.1"), in(d, "auth.log.2.gz")), 0);
	assert_int_equal(unlink(in(d, "auth.log.1")), 0);
	assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_GAP_LOST);
	assert_int_equal(stats(t).gaps, 1);
	expect(t, "b1"); /* everything in the current file is newer than our position */

	/* Saved file nowhere and no file at path yet. */
	pos = stop(t);
	must_rename(d->path, in(d, "auth.log.1"));
	assert_int_equal(unlink(in(d, "auth.log.1")), 0);
	assert_int_equal(unlink(in(d, "auth.log.2.gz")), 0);
	assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_GAP_LOST);
	expect(t, "");
	struct ps_tail_pos kept;
	ps_tail_position(t, &kept); /* a restart now would decide the same */
	assert_memory_equal(&kept, &pos, sizeof(pos));
	append(d->path, "c1\n");
	expect(t, "c1");
	ps_tail_close(t);
}

static void test_restart_truncated(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	append(d->path, "");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	append(d->path, "a1\na2\n");
	expect(t, "a1|a2");
	struct ps_tail_pos pos = stop(t);

	assert_int_equal(truncate(d->path, 0), 0);
	append(d->path, "b1\n");
	assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_GAP_TRUNCATED);
	expect(t, "b1");
	pos = stop(t);

	/* Truncated and grown past the offset while down: no newline before it. */
	assert_int_equal(truncate(d->path, 0), 0);
	append(d->path, "longer line\n");
	assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_GAP_TRUNCATED);
	expect(t, "longer line");
	assert_int_equal(stats(t).truncations, 1);
	assert_int_equal(stats(t).gaps, 1);
	ps_tail_close(t);
}

/* Two rotations while down; the middle file must be read, the older not. */
static void restart_after_two_rotations(struct tmp *d, const char *first, const char *second,
	bool numbered)
{
	struct ps_tail *t;
	append(d->path, "");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	append(d->path, "a1\n");
	expect(t, "a1");
	struct ps_tail_pos pos = stop(t);

	append(d->path, "a2\n");
	must_rename(d->path, in(d, first));
	append(d->path, "b1\n");
	if (numbered)
		must_rename(in(d, first), in(d, second)); /* .1 -> .2, then auth.log -> .1 */
	must_rename(d->path, in(d, numbered ? first : second));
	append(in(d, "auth.log.old"), "unordered\n");
	/* The newest file still empty (no HUP yet): the middle one is read now. */
	append(d->path, "");
	assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_EXACT);
	expect(t, "a2|b1");
	append(d->path, "c1\n");
	expect(t, "c1");
	assert_int_equal(stats(t).rotations, 2);
	ps_tail_close(t);
}

static void test_restart_two_rotations_numbered(void **state)
{
	struct tmp *d = *state;
	append(in(d, "auth.log.3"), "older\n");
	restart_after_two_rotations(d, "auth.log.1", "auth.log.2", true);
}

static void test_restart_two_rotations_dateext(void **state)
{
	struct tmp *d = *state;
	append(in(d, "auth.log-20261119"), "older\n");
	restart_after_two_rotations(d, "auth.log-20261120", "auth.log-20261121", false);
}

/* Stopped while the writer still appended to the renamed file and the new
 * one was empty: the position is in the renamed file, and stays there. */
static void test_restart_before_writer_moved(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	int w = open_writer(d->path);
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	put(w, "a1\n");
	expect(t, "a1");
	must_rename(d->path, in(d, "auth.log.1"));
	append(d->path, "");
	put(w, "a2\n");
	expect(t, "a2");
	struct ps_tail_pos pos = stop(t);
	put(w, "a3\n");
	assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_EXACT);
	expect(t, "a3");
	put(w, "a4\n");
	close(w);
	append(d->path, "b1\n");
	expect(t, "a4|b1");
	ps_tail_close(t);
}

/* ---- Stress ---- */

struct numbered {
	unsigned next; /* the number the next line must carry */
};

static int check_number(struct ps_str line, uint64_t after, void *arg)
{
	(void)after;
	struct numbered *c = arg;
	char text[32];
	ps_to_cstr(ps_head(line, 16), text, sizeof(text));
	unsigned long n = strtoul(text, NULL, 10);
	if (n != c->next)
		fail_msg("line %lu arrived, %u expected", n, c->next);
	c->next++;
	return 0;
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Shift auth.log.N to .N+1 (the oldest is dropped), as logrotate does. */
static void shift_rotations(struct tmp *d, int keep)
{
	char from[16], to[16];
	snprintf(from, sizeof(from), "auth.log.%d", keep);
	unlink(in(d, from));
	for (int i = keep - 1; i >= 1; i--) {
		snprintf(from, sizeof(from), "auth.log.%d", i);
		snprintf(to, sizeof(to), "auth.log.%d", i + 1);
		rename(in(d, from), in(d, to));
	}
}

/* A rename rotation, logrotate style: .N to .N+1, auth.log to .1, a new
 * auth.log holding `text`. */
static void rotate(struct tmp *d, const char *text)
{
	shift_rotations(d, 20);
	must_rename(d->path, in(d, "auth.log.1"));
	append(d->path, text);
}

/* More rotations while down than we chain: read what we can, report the gap. */
static void test_restart_too_many_rotations(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	append(d->path, "");
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	append(d->path, "a1\n");
	expect(t, "a1");
	struct ps_tail_pos pos = stop(t);
	append(d->path, "a2\n");
	char text[16];
	for (int i = 1; i <= 10; i++) {
		snprintf(text, sizeof(text), "r%d\n", i);
		rotate(d, text);
	}
	/* Ours is auth.log.10; .9 to .2 (r1 to r8) fit, .1 (r9) does not. */
	assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_GAP_LOST);
	expect(t, "a2|r1|r2|r3|r4|r5|r6|r7|r8|r10");
	assert_int_equal(stats(t).gaps, 1);
	ps_tail_close(t);
}

/* The file we read is deleted by a later rotation before we got to the
 * rotations after it: their order is lost with its name, so it counts. */
static void test_rotated_out_of_existence(void **state)
{
	struct tmp *d = *state;
	struct ps_tail *t;
	int w = open_writer(d->path);
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	put(w, "a1\n");
	expect(t, "a1");
	/* An hour ago: mtimes of files written a moment apart can be equal. */
	struct timespec old[2] = { { time(NULL) - 3600, 0 }, { time(NULL) - 3600, 0 } };
	assert_int_equal(futimens(w, old), 0);
	close(w);
	rotate(d, "b1\n");
	rotate(d, "c1\n");
	assert_int_equal(unlink(in(d, "auth.log.2")), 0); /* ours, with rotate 1 */
	expect(t, "c1"); /* b1 in auth.log.1: we cannot know it came after ours */
	assert_int_equal(stats(t).gaps, 1);
	ps_tail_close(t);
}

struct writer {
	int fd;
	unsigned next;   /* number of the next line to write */
	bool stale;      /* the path was rotated; still writing to the old file */
	char rest[128];  /* the second half of a line split across two writes */
};

static void finish_line(struct writer *w)
{
	if (w->rest[0]) {
		put(w->fd, w->rest);
		w->rest[0] = '\0';
	}
}

static void write_lines(struct writer *w, uint32_t *seed, unsigned count)
{
	finish_line(w);
	for (unsigned i = 0; i < count; i++) {
		char line[160];
		int n = snprintf(line, sizeof(line), "%08u %.*s\n", w->next++, (int)(rnd(seed) % 100),
			"padpadpadpadpadpadpadpadpadpadpadpadpadpadpadpadpadpadpadpadpadpadpadpad"
			"padpadpadpadpadpadpadpadpadpad");
		if (i + 1 == count && rnd(seed) % 4 == 0) {
			int half = n / 2; /* the writer is caught mid-line */
			memcpy(w->rest, line + half, (size_t)(n - half) + 1);
			line[half] = '\0';
		}
		put(w->fd, line);
	}
}

/*
 * One writer, rotations by rename and by copytruncate, polls with random
 * bounds and daemon restarts, interleaved by a seeded generator so a
 * failure can be replayed. Every number must arrive exactly once, in order.
 *
 * copytruncate itself loses the lines written between its copy and its
 * truncate, and we lose those written after our last poll (they are only
 * in the copy). So the test drains everything first and rotates with a
 * full copy, as nothing between would be any test of the follower.
 */
static void test_stress_interleaved(void **state)
{
	struct tmp *d = *state;
	uint32_t seed = 2463534242u;
	struct writer w = { .fd = open_writer(d->path) };
	struct numbered c = { 0 };
	struct ps_tail *t;
	int stale_rotations = 0, restarts = 0, renames = 0, copies = 0;
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);

	for (int step = 0; step < 6000; step++) {
		uint32_t act = rnd(&seed) % 100;
		if (act < 50) {
			if (w.stale && rnd(&seed) % 3 == 0) { /* the HUP arrives */
				finish_line(&w);
				close(w.fd);
				w.fd = open_writer(d->path);
				w.stale = false;
				stale_rotations = 0;
			}
			write_lines(&w, &seed, 1 + rnd(&seed) % 20);
		} else if (act < 80) {
			size_t max = rnd(&seed) % 4 == 0 ? 0 : 1 + rnd(&seed) % 40;
			assert_true(ps_tail_poll(t, check_number, &c, max) >= 0);
		} else if (act < 88) {
			if (stale_rotations >= 3)
				continue;
			shift_rotations(d, 9);
			must_rename(d->path, in(d, "auth.log.1"));
			append(d->path, "");
			w.stale = true;
			stale_rotations++;
			renames++;
		} else if (act < 93) {
			if (w.stale || w.rest[0])
				continue;
			while (ps_tail_poll(t, check_number, &c, 0) > 0)
				;
			shift_rotations(d, 9);
			copy_file(d->path, in(d, "auth.log.1"));
			assert_int_equal(truncate(d->path, 0), 0);
			/* The inotify event makes the daemon look before a restart
			 * could: a position inside the old content would be a gap. */
			while (ps_tail_poll(t, check_number, &c, 0) > 0)
				;
			copies++;
		} else if (act < 96) {
			struct ps_tail_pos pos = stop(t);
			assert_int_equal(ps_tail_open(&t, d->path, &pos), PS_TAIL_EXACT);
			restarts++;
		}
	}
	finish_line(&w);
	if (w.stale) {
		close(w.fd);
		w.fd = open_writer(d->path);
	}
	write_lines(&w, &seed, 1);
	finish_line(&w);
	close(w.fd);
	while (ps_tail_poll(t, check_number, &c, 0) > 0)
		;
	assert_int_equal(c.next, w.next);
	struct ps_tail_stats st = stats(t);
	assert_int_equal(st.gaps, 0);
	assert_true(renames > 50 && copies > 20 && restarts > 20);
	print_message("%u lines, %d renames, %d copytruncates, %d restarts\n", w.next, renames,
		copies, restarts);
	ps_tail_close(t);
}

/*
 * Whether we read one of the three newest files. The writer can run far
 * ahead; rotating faster than we read would push the file we read out of
 * the kept rotations, which no follower survives (it counts a gap).
 */
static bool reading_recent(const struct ps_tail *t, const struct tmp *d)
{
	struct ps_tail_pos pos;
	struct stat st;
	ps_tail_position(t, &pos);
	const char *names[] = { "auth.log", "auth.log.1", "auth.log.2" };
	for (size_t i = 0; i < 3; i++)
		if (stat(in(d, names[i]), &st) == 0 && st.st_ino == pos.ino)
			return true;
	return false;
}

/*
 * A separate writer process appends as fast as it can and reopens the
 * path only some lines after it was rotated (a late HUP), while we rotate
 * by rename every few hundred lines and poll. Real concurrency: writes
 * land between our fstat and stat, during a switch, anywhere.
 */
static void test_stress_concurrent_rename(void **state)
{
	struct tmp *d = *state;
	const unsigned total = 30000;
	append(d->path, "");
	struct ps_tail *t;
	assert_int_equal(ps_tail_open(&t, d->path, NULL), PS_TAIL_EXACT);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(d->path, O_WRONLY | O_APPEND);
		uint32_t seed = 88172645u;
		unsigned check_in = 1;
		for (unsigned i = 0; i < total; i++) {
			if (--check_in == 0) {
				struct stat a, b;
				if (fstat(fd, &a) < 0 || stat(d->path, &b) < 0 || a.st_ino != b.st_ino) {
					close(fd);
					fd = open(d->path, O_WRONLY | O_APPEND | O_CREAT, 0600);
				}
				check_in = 1 + rnd(&seed) % 50;
			}
			char line[32];
			int n = snprintf(line, sizeof(line), "%08u w\n", i);
			if (fd < 0 || write(fd, line, (size_t)n) != n)
				_exit(1);
			if (i % 64 == 0)
				usleep(100); /* let the reader keep up, now and then */
		}
		_exit(0);
	}
	struct numbered c = { 0 };
	unsigned rotated_at = 0;
	int status = 0, rotations = 0;
	bool writer_done = false;
	time_t deadline = time(NULL) + 60;
	for (;;) {
		int r = ps_tail_poll(t, check_number, &c, 1 + c.next % 300);
		assert_true(r >= 0);
		if (c.next - rotated_at >= 700 && reading_recent(t, d)) {
			shift_rotations(d, 9);
			must_rename(d->path, in(d, "auth.log.1"));
			append(d->path, "");
			rotated_at = c.next;
			rotations++;
		}
		if (!writer_done && waitpid(pid, &status, WNOHANG) == pid)
			writer_done = true;
		else if (writer_done && r == 0)
			break;
		if (time(NULL) > deadline) {
			kill(pid, SIGKILL);
			fail_msg("stuck at line %u", c.next);
		}
	}
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(c.next, total);
	/* Under load the writer can run far ahead, and we rotate less. */
	assert_true(rotations >= 3);
	print_message("%d rotations\n", rotations);
	assert_int_equal(stats(t).gaps, 0);
	ps_tail_close(t);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_lines_and_partial),
		T(test_start_inside_a_line),
		T(test_missing_at_start),
		T(test_not_a_regular_file),
		T(test_overlong),
		T(test_max_lines_and_refusal),
		T(test_rename_rotation),
		T(test_copytruncate),
		T(test_delete_and_recreate),
		T(test_restart_same_file),
		T(test_restart_rotated_numbered),
		T(test_restart_rotated_dateext),
		T(test_restart_rotated_compressed),
		T(test_restart_truncated),
		T(test_restart_two_rotations_numbered),
		T(test_restart_two_rotations_dateext),
		T(test_restart_before_writer_moved),
		T(test_restart_too_many_rotations),
		T(test_rotated_out_of_existence),
		T(test_stress_interleaved),
		T(test_stress_concurrent_rename),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
