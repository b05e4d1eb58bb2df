#include "sink/deliver/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/out.h"

struct ps_spool {
	int fd;
	char *path;
	struct ps_out pending; /* appended, not yet written */
	bool must_sync;        /* items were added since the last fdatasync */
};

static uint32_t crc(const char *p, size_t n)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)p, (uInt)n);
}

static void put_record(struct ps_out *o, uint64_t seq, int64_t queued_us, const char *id, const char *body,
		       size_t len)
{
	ps_out_putc(o, '+');
	ps_out_u64(o, seq);
	ps_out_putc(o, ' ');
	ps_out_i64(o, queued_us);
	ps_out_putc(o, ' ');
	ps_out_puts(o, id);
	ps_out_putc(o, ' ');
	ps_out_u64(o, len);
	ps_out_putc(o, ' ');
	ps_out_u64(o, crc(body, len));
	ps_out_putc(o, '\n');
	ps_out_put(o, body, len);
	ps_out_putc(o, '\n');
}

/* A decimal number ending at a space or newline; advances *p. */
static bool num(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	*v = 0;
	while (*p < end && **p >= '0' && **p <= '9') {
		if (*v > UINT64_MAX / 10 - 9)
			return false;
		*v = *v * 10 + (uint64_t)(**p - '0');
		(*p)++;
	}
	return *p > s && *p < end && (**p == ' ' || **p == '\n') && (*p)++;
}

struct item {
	struct ps_spool_item it;
	bool done;
	char id[PS_ITEM_ID_MAX + 1];
};

/* Parse text; fill items (malloc'ed array); returns the length of the whole records. */
static size_t parse(const char *text, size_t len, struct item **items, size_t *n_items, uint64_t *next_seq)
{
	const char *p = text, *end = text + len, *good = text;
	size_t n = 0, cap = 0;
	*items = NULL;
	while (p < end) {
		uint64_t seq, q, l, c;
		char type = *p++;
		if (type == '-') {
			if (!num(&p, end, &seq) || p[-1] != '\n')
				break;
			for (size_t i = n; i-- > 0;)
				if ((*items)[i].it.seq == seq) {
					(*items)[i].done = true;
					break;
				}
		} else if (type == '+') {
			const char *id, *id_end;
			if (!num(&p, end, &seq) || !num(&p, end, &q))
				break;
			id = p;
			id_end = memchr(p, ' ', (size_t)(end - p));
			if (!id_end || id_end == id || id_end - id > PS_ITEM_ID_MAX)
				break;
			p = id_end + 1;
			if (!num(&p, end, &l) || !num(&p, end, &c) || p[-1] != '\n')
				break;
			if (l > (uint64_t)(end - p) || (uint64_t)(end - p) - l < 1 || p[l] != '\n' || crc(p, l) != c)
				break;
			if (n == cap) {
				size_t ncap = cap ? 2 * cap : 64;
				struct item *ni = realloc(*items, ncap * sizeof(*ni));
				if (!ni)
					break;
				*items = ni;
				cap = ncap;
			}
			struct item *it = &(*items)[n++];
			memset(it, 0, sizeof(*it));
			memcpy(it->id, id, (size_t)(id_end - id));
			it->it = (struct ps_spool_item){ seq, (int64_t)q, it->id, p, (size_t)l };
			p += l + 1;
		} else {
			break;
		}
		if (seq >= *next_seq)
			*next_seq = seq + 1;
		good = p;
	}
	*n_items = n;
	return (size_t)(good - text);
}

static int read_file(int fd, char **text, size_t *len)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size > PS_SPOOL_MAX)
		return -EFBIG;
	size_t n = (size_t)st.st_size, got = 0;
	char *buf = malloc(n + 1);
	if (!buf)
		return -ENOMEM;
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	*text = buf;
	*len = got;
	return 0;
}

/* Replace the file with only the pending items: temporary, fsync, rename, fsync of the directory. */
static int rewrite(struct ps_spool *s, const struct item *items, size_t n)
{
	struct ps_out o;
	char *tmp = NULL;
	int r = 0, fd = -1;
	ps_out_init_mem(&o);
	for (size_t i = 0; i < n; i++)
		if (!items[i].done)
			put_record(&o, items[i].it.seq, items[i].it.queued_us, items[i].id, items[i].it.body,
				   items[i].it.len);
	if (o.error || asprintf(&tmp, "%s.tmp", s->path) < 0) {
		r = -ENOMEM;
		tmp = NULL;
		goto out;
	}
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (o.len && write(fd, o.buf, o.len) != (ssize_t)o.len) || fsync(fd) < 0 || rename(tmp, s->path) < 0) {
		r = -errno;
		unlink(tmp);
		goto out;
	}
	close(s->fd);
	s->fd = fd;
	fd = -1;
	char *slash = strrchr(s->path, '/');
	if (slash) {
		*slash = '\0';
		int dfd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		*slash = '/';
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	lseek(s->fd, 0, SEEK_END);
out:
	if (fd >= 0)
		close(fd);
	free(tmp);
	ps_out_free(&o);
	return r;
}

int ps_spool_open(struct ps_spool **sp, const char *path, ps_spool_item_fn fn, void *arg, uint64_t *next_seq,
		  size_t *cut)
{
	struct ps_spool *s = calloc(1, sizeof(*s));
	char *text = NULL;
	size_t len = 0;
	struct item *items = NULL;
	size_t n = 0;
	int r;
	*next_seq = 1;
	*cut = 0;
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return -ENOMEM;
	}
	ps_out_init_mem(&s->pending);
	s->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		r = -errno;
		goto fail;
	}
	if ((r = read_file(s->fd, &text, &len)) < 0)
		goto fail;
	size_t whole = parse(text, len, &items, &n, next_seq);
	*cut = len - whole;
	for (size_t i = 0; i < n; i++)
		if (!items[i].done)
			fn(&items[i].it, arg);
	/* Compact (and drop a torn tail) unless the file is already just the pending items. */
	bool any_done = false;
	for (size_t i = 0; i < n && !any_done; i++)
		any_done = items[i].done;
	if ((*cut || any_done) && (r = rewrite(s, items, n)) < 0)
		goto fail;
	free(items);
	free(text);
	*sp = s;
	return 0;
fail:
	free(items);
	free(text);
	ps_spool_close(s);
	return r;
}

void ps_spool_close(struct ps_spool *s)
{
	if (!s)
		return;
	ps_spool_sync(s);
	if (s->fd >= 0)
		close(s->fd);
	ps_out_free(&s->pending);
	free(s->path);
	free(s);
}

void ps_spool_add(struct ps_spool *s, uint64_t seq, int64_t queued_us, const char *id, const char *body, size_t len)
{
	put_record(&s->pending, seq, queued_us, id, body, len);
	s->must_sync = true;
}

void ps_spool_done(struct ps_spool *s, uint64_t seq)
{
	ps_out_putc(&s->pending, '-');
	ps_out_u64(&s->pending, seq);
	ps_out_putc(&s->pending, '\n');
}

int ps_spool_sync(struct ps_spool *s)
{
	if (s->pending.error)
		return s->pending.error;
	while (s->pending.len) {
		ssize_t w = write(s->fd, s->pending.buf, s->pending.len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		/* A short write leaves a torn record the next open cuts; keep the rest for the next try. */
		memmove(s->pending.buf, s->pending.buf + w, s->pending.len - (size_t)w);
		s->pending.len -= (size_t)w;
	}
	/* Only new items need to be on disk now; a lost "done" record means a
	 * repeat (at least once), so those ride along with the next sync. */
	if (s->must_sync) {
		if (fdatasync(s->fd) < 0)
			return -errno;
		s->must_sync = false;
	}
	return 0;
}

int ps_spool_clear(struct ps_spool *s)
{
	int r = ps_spool_sync(s);
	if (r == 0 && ftruncate(s->fd, 0) < 0)
		r = -errno;
	return r;
}

int ps_spool_compact(struct ps_spool *s)
{
	char *text = NULL;
	size_t len = 0, n = 0;
	struct item *items = NULL;
	uint64_t next = 1;
	int r = ps_spool_sync(s);
	if (r == 0 && (r = read_file(s->fd, &text, &len)) == 0) {
		parse(text, len, &items, &n, &next);
		r = rewrite(s, items, n);
	}
	free(items);
	free(text);
	return r;
}
