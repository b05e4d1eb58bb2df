#include "sink/eventlog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event/json.h"
#include "sink/chain_resume.h"
#include "util/out.h"
#include "util/rotate.h"

struct ps_eventlog {
	char *path;
	int fd;
	uint64_t dev, ino, size;
	uint64_t max_size;
	unsigned keep;
	struct ps_out buf;        /* sealed records not written yet */
	size_t *splits;           /* where in buf a new file begins, in order */
	size_t n_splits, cap_splits;
	int *retired;             /* rotated-away logs not yet synced, oldest first; at most keep */
	size_t n_retired;
	struct ps_chain *chain;   /* borrowed */
	struct ps_chain_head head;    /* the last record sealed */
	struct ps_eventlog_mark mark; /* after the last complete flush */
	bool fresh;               /* the next record starts a new file */
	char note[sizeof(((struct ps_chain_resume *)0)->note)];
};

static int mkdir_parents(const char *path)
{
	char dir[PATH_MAX];
	size_t n = strlen(path);
	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dir, 0750) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int open_log(struct ps_eventlog *el)
{
	struct stat st;
	int fd = open(el->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int r = S_ISREG(st.st_mode) ? -errno : -EINVAL;
		close(fd);
		return r;
	}
	el->fd = fd;
	el->dev = st.st_dev;
	el->ino = st.st_ino;
	el->size = (uint64_t)st.st_size;
	return 0;
}

static void rotated_name(char *buf, size_t size, const char *path, unsigned n)
{
	snprintf(buf, size, "%s.%u", path, n);
}

/* Cut the file named path back to size if it is the one with this inode. */
static int cut_if(const char *path, const struct ps_eventlog_mark *m, bool *found)
{
	struct stat st;
	if (stat(path, &st) < 0 || st.st_dev != m->dev || st.st_ino != m->ino)
		return 0;
	*found = true;
	if ((uint64_t)st.st_size > m->size && truncate(path, (off_t)m->size) < 0)
		return -errno;
	return 0;
}

/*
 * After a crash: the log at the mark is either still current, or was
 * rotated away (to path.N) before the next checkpoint. Not only once: a
 * checkpoint waits for fdatasync, which a busy disk makes slower than
 * several rotations of a small log (seen with max_size 64K under load:
 * the mark in path.8, and thousands of events written twice when only
 * path.1 was looked at). The logs newer than path.N (path.N-1 .. path.1,
 * and path) then hold only events written after the mark: they are
 * emptied, and kept so that the numbering has no hole. A mark rotated out
 * of existence (beyond keep) cannot be cut: nothing is done.
 */
static int recover(const char *path, unsigned keep, const struct ps_eventlog_mark *m)
{
	char name[PATH_MAX];
	bool found = false;
	unsigned at = 0;
	int r = cut_if(path, m, &found);
	if (r < 0 || found)
		return r;
	for (unsigned n = 1; n <= keep && !at; n++) {
		rotated_name(name, sizeof(name), path, n);
		if ((r = cut_if(name, m, &found)) < 0)
			return r;
		if (found)
			at = n;
	}
	if (!at)
		return 0;
	for (unsigned n = 1; n < at; n++) {
		rotated_name(name, sizeof(name), path, n);
		if (truncate(name, 0) < 0 && errno != ENOENT)
			return -errno;
	}
	return truncate(path, 0) < 0 && errno != ENOENT ? -errno : 0;
}

static void set_mark(struct ps_eventlog *el)
{
	el->mark = (struct ps_eventlog_mark){ .dev = el->dev, .ino = el->ino, .size = el->size, .chain = el->head };
}

int ps_eventlog_open(struct ps_eventlog **out, const char *path, uint64_t max_size, unsigned keep,
		     const struct ps_eventlog_mark *mark, struct ps_chain *chain)
{
	struct ps_eventlog *el = calloc(1, sizeof(*el));
	struct ps_chain_resume resume;
	int r;

	if (!el || !(el->path = strdup(path))) {
		free(el);
		return -ENOMEM;
	}
	el->fd = -1;
	el->max_size = max_size;
	el->keep = keep;
	el->chain = chain;
	ps_out_init_mem(&el->buf);
	if ((r = mkdir_parents(path)) < 0 || (mark && mark->ino && (r = recover(path, keep, mark)) < 0) ||
	    (r = ps_chain_resume(path, keep, mark ? &mark->chain : NULL, ps_chain_keyed(chain), &resume)) < 0 ||
	    (r = open_log(el)) < 0) {
		ps_eventlog_close(el);
		return r;
	}
	el->head = resume.head;
	el->fresh = resume.fresh;
	memcpy(el->note, resume.note, sizeof(el->note));
	set_mark(el);
	*out = el;
	return 0;
}

const char *ps_eventlog_note(const struct ps_eventlog *el) { return el->note[0] ? el->note : NULL; }

void ps_eventlog_head(const struct ps_eventlog *el, struct ps_chain_head *head) { *head = el->head; }

void ps_eventlog_close(struct ps_eventlog *el)
{
	if (!el)
		return;
	for (size_t i = 0; i < el->n_retired; i++)
		close(el->retired[i]);
	free(el->retired);
	if (el->fd >= 0)
		close(el->fd);
	ps_out_free(&el->buf);
	free(el->splits);
	free(el->path);
	free(el);
}

/*
 * Seal the record the writers just put at buf[start..]. Whether it opens a
 * file (and so carries "prev") is decided now, not at the flush: the bytes
 * ahead of it in its file are known, as the file's size plus what is
 * waiting, or what is waiting past the last split.
 */
static void seal(struct ps_eventlog *el, size_t start)
{
	if (el->buf.error)
		return;
	uint64_t record = el->buf.len - start + PS_CHAIN_SUFFIX_MAX;
	uint64_t ahead = el->n_splits ? start - el->splits[el->n_splits - 1] : el->size + start;
	bool opens = ahead == 0;
	if (!opens && (el->fresh || ahead + record > el->max_size)) {
		if (el->n_splits == el->cap_splits) {
			size_t cap = el->cap_splits ? 2 * el->cap_splits : 8;
			size_t *splits = realloc(el->splits, cap * sizeof(*splits));
			if (!splits) {
				el->buf.error = -ENOMEM;
				return;
			}
			el->splits = splits;
			el->cap_splits = cap;
		}
		el->splits[el->n_splits++] = start;
		opens = true;
	}
	if (opens)
		el->fresh = false;
	ps_chain_seal(el->chain, &el->head, &el->buf, start, opens);
}

void ps_eventlog_add(struct ps_eventlog *el, const struct ps_event *ev)
{
	size_t start = el->buf.len;
	ps_event_write_json(&el->buf, ev, 0);
	seal(el, start);
}

void ps_eventlog_add_alert(struct ps_eventlog *el, const struct ps_alert *a)
{
	size_t start = el->buf.len;
	ps_alert_write_json(&el->buf, a);
	seal(el, start);
}

/* path → path.1 → ... → path.keep; the oldest falls off. */
static int rotate(struct ps_eventlog *el)
{
	int r = ps_rotate_files(el->path, el->keep);
	if (r < 0)
		return r;
	/*
	 * The old log waits for the checkpoint thread's fdatasync: never one
	 * here, on the ingestion path. After keep more rotations its file is
	 * deleted, so no more than keep are ever worth syncing, and the oldest
	 * is simply closed.
	 */
	if (el->n_retired == el->keep) {
		if (el->n_retired == 0) {
			close(el->fd); /* keep 0: the file is already unlinked */
			el->fd = -1;
			return open_log(el);
		}
		close(el->retired[0]);
		memmove(el->retired, el->retired + 1, (el->n_retired - 1) * sizeof(int));
		el->n_retired--;
	}
	if (!el->retired && !(el->retired = calloc(el->keep, sizeof(int))))
		return -ENOMEM;
	el->retired[el->n_retired++] = el->fd;
	el->fd = -1;
	return open_log(el);
}

/*
 * Write the first n bytes of buf and drop them from it. A write cut short
 * by an error drops what was written and keeps the rest for the next try:
 * the file stays a byte-exact prefix of the records, never a gap in one.
 */
static int write_front(struct ps_eventlog *el, size_t n)
{
	size_t off = 0;
	int r = 0;
	while (off < n) {
		ssize_t w = write(el->fd, el->buf.buf + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		off += (size_t)w;
	}
	el->size += off;
	memmove(el->buf.buf, el->buf.buf + off, el->buf.len - off);
	el->buf.len -= off;
	for (size_t i = 0; i < el->n_splits; i++)
		el->splits[i] -= off;
	return r;
}

int ps_eventlog_flush(struct ps_eventlog *el)
{
	int r;

	if (el->buf.len == 0)
		return 0;
	if (el->buf.error)
		return el->buf.error;
	if (el->fd < 0 && (r = open_log(el)) < 0)
		return r;
	while (el->buf.len > 0) {
		if (el->n_splits && el->splits[0] == 0) {
			if ((r = rotate(el)) < 0)
				return r;
			memmove(el->splits, el->splits + 1, --el->n_splits * sizeof(*el->splits));
		}
		if ((r = write_front(el, el->n_splits ? el->splits[0] : el->buf.len)) < 0)
			return r;
	}
	set_mark(el);
	return 0;
}

void ps_eventlog_get_mark(const struct ps_eventlog *el, struct ps_eventlog_mark *m)
{
	*m = el->mark;
}

int ps_eventlog_sync_fds(struct ps_eventlog *el, int **out)
{
	int *fds = malloc((el->n_retired + 1) * sizeof(int));
	size_t n = 0;

	if (!fds)
		return -ENOMEM;
	if (el->fd >= 0) {
		int d = fcntl(el->fd, F_DUPFD_CLOEXEC, 3);
		if (d < 0) {
			free(fds);
			return -errno;
		}
		fds[n++] = d;
	}
	for (size_t i = 0; i < el->n_retired; i++)
		fds[n++] = el->retired[i]; /* ownership moves with them */
	el->n_retired = 0;
	*out = fds;
	return (int)n;
}
