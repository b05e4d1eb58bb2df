#include "source/tail.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/*
 * Twice the longest line: once a held partial line (at most PS_MAX_LINE
 * bytes, or it would be dropped as overlong) is moved to the front, every
 * read has at least PS_MAX_LINE bytes of room.
 */
#define TAIL_BUF (2 * PS_MAX_LINE)
/* Rotations chained at once; more between two looks is reported as a gap. */
#define TAIL_CHAIN 8

struct file_id {
	uint64_t dev, ino;
};

struct open_file {
	int fd;
	struct file_id id;
};

struct ps_tail {
	char *path, *dir, *base; /* rotations of path are looked for in dir */
	struct open_file cur;    /* fd -1 until a file is open */
	uint64_t offset;         /* just after the last line taken from cur */
	uint64_t read_to;        /* how much of cur was read */
	char last_byte;          /* cur's byte at read_to - 1, to notice a rewrite */
	bool skipping;           /* [offset, read_to) is an overlong line being dropped */
	/*
	 * buf[0, len) holds cur's bytes [read_to - len, read_to). The next line
	 * starts at buf[start] (file offset `offset`, unless skipping), and
	 * [start, scanned) has no newline.
	 */
	char *buf;
	size_t start, len, scanned;
	/*
	 * Files that come after cur, oldest first: next[] is to be read once
	 * cur is drained; succ[] is watched until a writer moves to one of
	 * them. Both end, when it has been seen, with the file at path.
	 */
	struct open_file next[TAIL_CHAIN + 1], succ[TAIL_CHAIN + 1];
	size_t queued, watched;
	struct file_id seen_path; /* the file at path when succ[] was made */
	struct ps_tail_pos saved; /* reported while no file is open */
	struct ps_tail_stats stats;
};

static struct file_id id_of(const struct stat *st)
{
	return (struct file_id){ (uint64_t)st->st_dev, (uint64_t)st->st_ino };
}

static bool same_id(struct file_id a, struct file_id b)
{
	return a.dev == b.dev && a.ino == b.ino;
}

/*
 * The saved file, identified by inode; its device must match unless the
 * saved device is not the file system's any more (a renumbered
 * device-mapper minor after a reboot, not another disk).
 */
static bool is_saved_file(struct file_id want, const struct stat *st, uint64_t fs_dev)
{
	return (uint64_t)st->st_ino == want.ino &&
		((uint64_t)st->st_dev == want.dev || want.dev != fs_dev);
}

/* Open name (relative to dirfd) for reading; regular files only. 0 or -errno. */
static int open_regular(int dirfd, const char *name, struct open_file *f, struct stat *st)
{
	/* O_NONBLOCK: a FIFO put at the path must not block the open. */
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	int r = fstat(fd, st) < 0 ? -errno : S_ISREG(st->st_mode) ? 0 : -EINVAL;
	if (r < 0) {
		close(fd);
		return r;
	}
	*f = (struct open_file){ fd, id_of(st) };
	return 0;
}

/* Up to n bytes at offset at, retrying EINTR and short reads. Bytes read or -errno. */
static ssize_t pread_full(int fd, char *p, size_t n, uint64_t at)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(fd, p + got, n - got, (off_t)(at + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* Read cur from offset on; last is the byte before offset (unused at 0). */
static void read_from(struct ps_tail *t, uint64_t offset, char last)
{
	t->offset = t->read_to = offset;
	t->last_byte = last;
	t->skipping = false;
	t->start = t->len = t->scanned = 0;
}

static bool holds_partial_line(const struct ps_tail *t)
{
	return t->skipping || t->start < t->len;
}

/* ---- Reading lines from the open file ---- */

struct budget {
	ps_tail_line_fn fn;
	void *arg;
	size_t max, done;
};

static bool spent(const struct budget *b)
{
	return b->done >= b->max;
}

/*
 * A line still without its newline that is already too long is dropped
 * now, so the buffer stays bounded; the rest is dropped as it comes.
 */
static void drop_if_overlong(struct ps_tail *t, struct budget *b)
{
	if (!t->skipping && t->len - t->start <= PS_MAX_LINE)
		return;
	if (t->len > t->start)
		b->done++; /* one endless line must not hold the loop either */
	t->skipping = true;
	t->start = t->len = t->scanned = 0;
}

/* Take the complete lines held. 0 when more bytes are needed, 1 when the
 * budget is spent, or fn's negative return (the line stays). */
static int take_lines(struct ps_tail *t, struct budget *b)
{
	while (!spent(b)) {
		char *nl = memchr(t->buf + t->scanned, '\n', t->len - t->scanned);
		if (!nl) {
			t->scanned = t->len;
			drop_if_overlong(t, b);
			return 0;
		}
		size_t end = (size_t)(nl - t->buf);
		uint64_t after = t->read_to - t->len + end + 1;
		if (t->skipping || end - t->start > PS_MAX_LINE) {
			t->stats.overlong++;
			t->skipping = false;
		} else {
			struct ps_str line = ps_str(t->buf + t->start, end - t->start);
			ps_chop(&line, "\r");
			int r = b->fn(line, after, b->arg);
			if (r < 0)
				return r;
			t->stats.lines++;
		}
		t->start = t->scanned = end + 1;
		t->offset = after;
		b->done++;
	}
	return 1;
}

/* The file is shorter than what we read, or was rewritten (copytruncate,
 * "> file"): everything in it now is new. */
static void restart_truncated(struct ps_tail *t)
{
	if (holds_partial_line(t))
		t->stats.abandoned++;
	t->stats.truncations++;
	read_from(t, 0, 0);
}

/* Read what follows the buffer. 1 when something came (or reading restarts
 * at 0 after a rewrite), 0 when nothing, -errno. */
static int read_more(struct ps_tail *t)
{
	if (t->start > 0) {
		memmove(t->buf, t->buf + t->start, t->len - t->start);
		t->len -= t->start;
		t->scanned -= t->start;
		t->start = 0;
	}
	/*
	 * The last byte read comes again with the new ones: a file truncated
	 * and written past our offset between two polls shows it there, not
	 * in its size. Same system call, no extra cost.
	 */
	char again = 0;
	struct iovec iov[2] = {
		{ .iov_base = &again, .iov_len = 1 },
		{ .iov_base = t->buf + t->len, .iov_len = TAIL_BUF - t->len },
	};
	bool check = t->read_to > 0;
	ssize_t got;
	do
		got = preadv(t->cur.fd, check ? iov : iov + 1, check ? 2 : 1,
			(off_t)(t->read_to - (check ? 1 : 0)));
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	if (check && got > 0) {
		if (again != t->last_byte) {
			restart_truncated(t);
			return 1;
		}
		got--;
	}
	if (got == 0)
		return 0;
	t->len += (size_t)got;
	t->read_to += (uint64_t)got;
	t->last_byte = t->buf[t->len - 1];
	return 1;
}

/* Take cur's lines up to its end. 0 caught up, 1 budget spent, <0 error. */
static int drain(struct ps_tail *t, struct budget *b)
{
	for (;;) {
		/* Lines already read come first, even if the file was truncated since. */
		int r = take_lines(t, b);
		if (r != 0)
			return r;
		if (spent(b))
			return 1;
		struct stat st;
		if (fstat(t->cur.fd, &st) < 0)
			return -errno;
		if ((uint64_t)st.st_size < t->read_to) {
			restart_truncated(t);
			continue;
		}
		if ((uint64_t)st.st_size == t->read_to)
			return 0;
		r = read_more(t);
		if (r <= 0)
			return r;
	}
}

/* ---- Rotated files next to path ---- */

/* Compressed rotations cannot be read as text, so they are never candidates. */
static const char *const compressed_suffixes[] = {
	".gz", ".bz2", ".xz", ".zst", ".lz4", ".lzma", ".lz", ".lzo", ".Z", ".br",
};

/* Named like a rotation of base: base, then '.', '-' or '_', then anything. */
static bool named_after(const char *name, const char *base)
{
	size_t n = strlen(base);
	return strncmp(name, base, n) == 0 && (name[n] == '.' || name[n] == '-' || name[n] == '_');
}

/* For a plain rotated name of base ("auth.log.1", "auth.log-20261121"),
 * the part after base; NULL for other names and compressed files. */
static const char *rotation_suffix(const char *name, const char *base)
{
	if (!named_after(name, base))
		return NULL;
	size_t len = strlen(name);
	for (size_t i = 0; i < sizeof(compressed_suffixes) / sizeof(compressed_suffixes[0]); i++) {
		size_t k = strlen(compressed_suffixes[i]);
		if (len > k && strcmp(name + len - k, compressed_suffixes[i]) == 0)
			return NULL;
	}
	return name + strlen(base);
}

enum rotation_scheme { ROT_OTHER, ROT_NUMBERED, ROT_DATED };

/*
 * logrotate names a rotation ".N" (a bigger N is older) or, with dateext,
 * by a date its dateformat must keep lexically sortable (logrotate(8)).
 * Other names (auth.log.old) have no order and are never chained.
 */
static enum rotation_scheme scheme_of(const char *suffix, unsigned *number)
{
	size_t digits = 0, n = strlen(suffix);
	unsigned v = 0;
	for (size_t i = 1; i < n; i++) {
		char c = suffix[i];
		if (c >= '0' && c <= '9') {
			if (++digits <= 4)
				v = v * 10 + (unsigned)(c - '0');
		} else if (c != '.' && c != '-' && c != '_') {
			return ROT_OTHER;
		}
	}
	if (digits == 0)
		return ROT_OTHER;
	/* A longer number after a dot (".20261121") is a date, not a count. */
	if (suffix[0] == '.' && digits == n - 1 && digits <= 4) {
		*number = v;
		return ROT_NUMBERED;
	}
	return ROT_DATED;
}

/* >0 when rotation suffix a is newer than b, <0 older, 0 same or unordered. */
static int rotation_cmp(const char *a, const char *b)
{
	unsigned na = 0, nb = 0;
	enum rotation_scheme sa = scheme_of(a, &na), sb = scheme_of(b, &nb);
	if (sa != sb || sa == ROT_OTHER)
		return 0;
	if (sa == ROT_NUMBERED)
		return na < nb ? 1 : na > nb ? -1 : 0;
	int c = strcmp(a, b);
	return c > 0 ? 1 : c < 0 ? -1 : 0;
}

struct sibling {
	char name[NAME_MAX + 1];
	struct file_id id;
};

static void set_sibling(struct sibling *s, const char *name, struct file_id id)
{
	size_t n = strnlen(name, NAME_MAX);
	memcpy(s->name, name, n);
	s->name[n] = '\0';
	s->id = id;
}

/* The rotated name in d of the file want. 1 found, 0 not. */
static int find_rotated(DIR *d, const char *base, struct file_id want, uint64_t fs_dev,
	struct sibling *out)
{
	struct dirent *e;
	rewinddir(d);
	while ((e = readdir(d))) {
		struct stat st;
		if (!rotation_suffix(e->d_name, base) ||
			fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			!S_ISREG(st.st_mode) || !is_saved_file(want, &st, fs_dev))
			continue;
		set_sibling(out, e->d_name, id_of(&st));
		return 1;
	}
	return 0;
}

/* Insert into out[0, n), kept oldest first. When full, the newest is left out. */
static size_t insert_by_age(struct sibling *out, size_t n, size_t cap, size_t base_len,
	const char *name, struct file_id id, bool *overflow)
{
	size_t i = n;
	while (i > 0 && rotation_cmp(out[i - 1].name + base_len, name + base_len) > 0)
		i--;
	if (n == cap) {
		*overflow = true;
		if (i == cap)
			return n;
		n--;
	}
	memmove(out + i + 1, out + i, (n - i) * sizeof(*out));
	set_sibling(&out[i], name, id);
	return n + 1;
}

/* The rotations in d newer than from, oldest first (at most cap; *overflow
 * when there were more). skip is the file at path itself. */
static size_t collect_newer(DIR *d, const char *base, const struct sibling *from,
	struct file_id skip, struct sibling *out, size_t cap, bool *overflow)
{
	size_t base_len = strlen(base), n = 0;
	const char *from_suffix = from->name + base_len;
	struct dirent *e;
	rewinddir(d);
	while ((e = readdir(d))) {
		const char *suffix = rotation_suffix(e->d_name, base);
		struct stat st;
		if (!suffix || rotation_cmp(suffix, from_suffix) <= 0 ||
			fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			!S_ISREG(st.st_mode))
			continue;
		struct file_id id = id_of(&st);
		if (!same_id(id, from->id) && !same_id(id, skip))
			n = insert_by_age(out, n, cap, base_len, e->d_name, id, overflow);
	}
	return n;
}

/* A file of ours, deleted, with a rotation modified after it: it was
 * rotated out of existence while we still read it, with lines after it. */
static bool rotated_past(DIR *d, const char *base, const struct stat *gone)
{
	struct dirent *e;
	if (gone->st_nlink > 0)
		return false;
	rewinddir(d);
	while ((e = readdir(d))) {
		struct stat st;
		if (named_after(e->d_name, base) &&
			fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			(st.st_mtim.tv_sec > gone->st_mtim.tv_sec ||
				(st.st_mtim.tv_sec == gone->st_mtim.tv_sec &&
					st.st_mtim.tv_nsec > gone->st_mtim.tv_nsec)))
			return true;
	}
	return false;
}

static void watch(struct ps_tail *t, struct open_file f)
{
	t->succ[t->watched++] = f;
}

static void unwatch_all(struct ps_tail *t)
{
	for (size_t i = 0; i < t->watched; i++)
		close(t->succ[i].fd);
	t->watched = 0;
}

/* Watch the rotations newer than cur, oldest first, found from cur's own
 * rotated name. True when some may be missing. Best effort: without the
 * directory we go straight to path, as tail -F does. */
static bool watch_newer_rotations(struct ps_tail *t, struct file_id path_id)
{
	DIR *d = opendir(t->dir);
	struct stat dst, cst;
	struct sibling from, newer[TAIL_CHAIN];
	bool gap = false;
	if (!d)
		return false;
	if (fstat(dirfd(d), &dst) < 0 || fstat(t->cur.fd, &cst) < 0) {
		closedir(d);
		return false;
	}
	if (find_rotated(d, t->base, t->cur.id, (uint64_t)dst.st_dev, &from) == 1) {
		size_t n = collect_newer(d, t->base, &from, path_id, newer, TAIL_CHAIN, &gap);
		for (size_t i = 0; i < n; i++) {
			struct open_file f = { .fd = -1 };
			struct stat st;
			if (open_regular(dirfd(d), newer[i].name, &f, &st) < 0) {
				gap = true;
			} else if (!same_id(f.id, newer[i].id)) { /* renamed again meanwhile */
				close(f.fd);
				gap = true;
			} else {
				watch(t, f);
			}
		}
	} else {
		gap = rotated_past(d, t->base, &cst);
	}
	closedir(d);
	return gap;
}

/*
 * Another file is at path: watch what comes after cur, oldest first, up to
 * the file at path. Made again each time another file appears at path.
 * 1 when lines may be missing (see watch_newer_rotations()), 0, or -errno.
 */
static int watch_successors(struct ps_tail *t)
{
	struct open_file f = { .fd = -1 };
	struct stat st;
	unwatch_all(t);
	int r = open_regular(AT_FDCWD, t->path, &f, &st);
	if (r < 0 && r != -ENOENT && r != -EINVAL)
		return r;
	bool at_path = r == 0;
	t->seen_path = at_path ? f.id : (struct file_id){ 0, 0 };
	if (at_path && t->cur.fd >= 0 && same_id(f.id, t->cur.id)) {
		close(f.fd);
		return 0;
	}
	bool gap = t->cur.fd >= 0 && watch_newer_rotations(t, t->seen_path);
	if (at_path)
		watch(t, f);
	return gap ? 1 : 0;
}

/* ---- Following the path ---- */

static void close_cur(struct ps_tail *t)
{
	if (t->cur.fd < 0)
		return;
	if (holds_partial_line(t))
		t->stats.abandoned++;
	close(t->cur.fd);
	t->cur.fd = -1;
}

/* Move on to the next queued file, from its start. */
static void switch_to_next(struct ps_tail *t)
{
	if (t->cur.fd >= 0) {
		t->stats.rotations++;
		close_cur(t);
	}
	t->cur = t->next[0];
	t->queued--;
	memmove(t->next, t->next + 1, t->queued * sizeof(t->next[0]));
	read_from(t, 0, 0);
}

/*
 * Queue the watched files up to the newest one with data. A writer
 * appends to the file it holds until it reopens the path (rsyslog on its
 * HUP), so its first write to a newer file says it is done with the older
 * ones, even those that looked empty a moment ago: looking from the newest
 * down makes that safe against writes landing while we look. With no file
 * open, take them all. 1 when queued, 0 not yet, -errno.
 */
static int queue_written(struct ps_tail *t, const struct stat *path_st)
{
	size_t upto = t->cur.fd < 0 ? t->watched : 0;
	for (size_t i = t->watched; i > upto; i--) {
		struct stat st;
		if (path_st && same_id(t->succ[i - 1].id, id_of(path_st)))
			st = *path_st; /* saves a system call on every poll while waiting */
		else if (fstat(t->succ[i - 1].fd, &st) < 0)
			return -errno;
		if (st.st_size > 0)
			upto = i;
	}
	if (upto == 0)
		return 0;
	memcpy(t->next + t->queued, t->succ, upto * sizeof(t->succ[0]));
	t->queued += upto;
	t->watched -= upto;
	memmove(t->succ, t->succ + upto, t->watched * sizeof(t->succ[0]));
	return 1;
}

/* Queue what to read after cur, once it is time to leave cur. 1 queued,
 * 0 nothing to switch to yet, -errno. */
static int look_for_next_file(struct ps_tail *t)
{
	struct stat st;
	bool at_path = stat(t->path, &st) == 0;
	if (!at_path && errno != ENOENT && errno != ENOTDIR)
		return -errno;
	at_path = at_path && S_ISREG(st.st_mode);
	if (at_path && t->cur.fd >= 0 && same_id(id_of(&st), t->cur.id))
		return 0;
	if (at_path && !same_id(id_of(&st), t->seen_path)) {
		int r = watch_successors(t);
		if (r < 0)
			return r;
		if (r > 0)
			t->stats.gaps++;
	}
	return queue_written(t, at_path ? &st : NULL);
}

int ps_tail_poll(struct ps_tail *t, ps_tail_line_fn fn, void *arg, size_t max_lines)
{
	struct budget b = { fn, arg, max_lines == 0 || max_lines > INT_MAX ? INT_MAX : max_lines, 0 };
	for (;;) {
		if (t->cur.fd >= 0) {
			int r = drain(t, &b);
			if (r < 0)
				return r;
			if (r > 0)
				return (int)b.done;
		}
		if (t->queued == 0) {
			int r = look_for_next_file(t);
			if (r <= 0)
				return r < 0 ? r : (int)b.done;
			/* Loop: read what the old file got meanwhile, then switch. */
			if (t->cur.fd >= 0)
				continue;
		}
		switch_to_next(t);
	}
}

/* ---- Opening, with or without a saved position ---- */

/* Start after the last complete line, so history is not replayed but a
 * line still being written is delivered once complete. */
static int start_at_end(struct ps_tail *t, uint64_t size)
{
	size_t n = size < PS_MAX_LINE + 1 ? (size_t)size : PS_MAX_LINE + 1;
	ssize_t got = pread_full(t->cur.fd, t->buf, n, size - n);
	if (got < 0)
		return (int)got;
	const char *nl = memrchr(t->buf, '\n', (size_t)got);
	if (nl) {
		read_from(t, size - n + (uint64_t)(nl - t->buf) + 1, '\n');
	} else if (size <= PS_MAX_LINE || got == 0) {
		read_from(t, 0, 0);
	} else {
		/* The last line is overlong already: drop the rest of it. Until
		 * its newline comes the position is inside it, and a restart
		 * then would read the file from 0. */
		read_from(t, size, t->buf[got - 1]);
		t->skipping = true;
	}
	return 0;
}

static int start_fresh(struct ps_tail *t)
{
	struct stat st;
	int r = open_regular(AT_FDCWD, t->path, &t->cur, &st);
	if (r == -ENOENT)
		return 0; /* read from its start when it appears */
	if (r < 0)
		return r;
	return start_at_end(t, (uint64_t)st.st_size);
}

/* Continue the open file at a saved offset if the text before it is still
 * there: the file is not shorter, and a line ends just before offset. */
static int continue_at(struct ps_tail *t, uint64_t offset, uint64_t size)
{
	char before = '\n';
	if (offset > 0 && size >= offset) {
		ssize_t got = pread_full(t->cur.fd, &before, 1, offset - 1);
		if (got < 0)
			return (int)got;
	}
	if (size >= offset && before == '\n') {
		read_from(t, offset, '\n');
		return PS_TAIL_EXACT;
	}
	t->stats.truncations++;
	read_from(t, 0, 0);
	return PS_TAIL_GAP_TRUNCATED;
}

/* The saved file was rotated while we were down: read it from the saved
 * offset, then what came after it (see look_for_next_file()). */
static int resume_rotated(struct ps_tail *t, const struct ps_tail_pos *saved, uint64_t fs_dev)
{
	DIR *d = opendir(t->dir);
	if (!d)
		return errno == ENOENT ? PS_TAIL_GAP_LOST : -errno;
	struct file_id want = { saved->dev, saved->ino };
	struct sibling found;
	struct stat st;
	int r = PS_TAIL_GAP_LOST;
	if (find_rotated(d, t->base, want, fs_dev, &found) == 1) {
		r = open_regular(dirfd(d), found.name, &t->cur, &st);
		if (r == 0 && !same_id(t->cur.id, found.id)) { /* renamed again meanwhile */
			close(t->cur.fd);
			t->cur.fd = -1;
			r = -ENOENT;
		}
		if (r == -ENOENT)
			r = PS_TAIL_GAP_LOST;
		else if (r == 0)
			r = continue_at(t, saved->offset, (uint64_t)st.st_size);
	}
	closedir(d);
	if (r >= 0 && t->cur.fd >= 0) {
		/* Look now, so that more rotations than we can chain are
		 * reported here, with the rest of what the restart found. */
		int w = watch_successors(t);
		if (w < 0)
			return w;
		if (w > 0)
			r = PS_TAIL_GAP_LOST;
	}
	return r;
}

static int resume(struct ps_tail *t, const struct ps_tail_pos *saved)
{
	struct stat dst, st;
	if (stat(t->dir, &dst) < 0)
		return errno == ENOENT ? PS_TAIL_GAP_LOST : -errno;
	struct file_id want = { saved->dev, saved->ino };
	struct open_file f = { .fd = -1 };
	int r = open_regular(AT_FDCWD, t->path, &f, &st);
	if (r < 0 && r != -ENOENT)
		return r;
	if (r == 0) {
		if (is_saved_file(want, &st, (uint64_t)dst.st_dev)) {
			t->cur = f;
			return continue_at(t, saved->offset, (uint64_t)st.st_size);
		}
		close(f.fd); /* the poll comes to it after the rotated files */
	}
	return resume_rotated(t, saved, (uint64_t)dst.st_dev);
}

static int set_names(struct ps_tail *t, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (*base == '\0')
		return -EINVAL;
	t->path = strdup(path);
	t->base = strdup(base);
	if (!slash)
		t->dir = strdup(".");
	else
		t->dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	return t->path && t->base && t->dir ? 0 : -ENOMEM;
}

int ps_tail_open(struct ps_tail **out, const char *path, const struct ps_tail_pos *saved)
{
	*out = NULL;
	struct ps_tail *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cur.fd = -1;
	int r = set_names(t, path);
	if (r == 0 && !(t->buf = malloc(TAIL_BUF)))
		r = -ENOMEM;
	if (r == 0 && saved && saved->ino != 0) {
		t->saved = *saved;
		r = resume(t, saved);
	} else if (r == 0) {
		r = start_fresh(t);
	}
	if (r < 0) {
		ps_tail_close(t);
		return r;
	}
	if (r > 0)
		t->stats.gaps++;
	*out = t;
	return r;
}

void ps_tail_position(const struct ps_tail *t, struct ps_tail_pos *out)
{
	/* With no file open yet, keep what we were given: a restart then
	 * makes the same decision again instead of starting at the end. */
	if (t->cur.fd < 0)
		*out = t->saved;
	else
		*out = (struct ps_tail_pos){ t->cur.id.dev, t->cur.id.ino, t->offset };
}

void ps_tail_get_stats(const struct ps_tail *t, struct ps_tail_stats *out)
{
	*out = t->stats;
}

const char *ps_tail_path(const struct ps_tail *t)
{
	return t->path;
}

void ps_tail_close(struct ps_tail *t)
{
	if (!t)
		return;
	if (t->cur.fd >= 0)
		close(t->cur.fd);
	for (size_t i = 0; i < t->queued; i++)
		close(t->next[i].fd);
	unwatch_all(t);
	free(t->buf);
	free(t->path);
	free(t->dir);
	free(t->base);
	free(t);
}
