#include "source/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define READER_CAP (4 * PS_MAX_LINE)

int ps_reader_open(struct ps_reader *r, const char *path)
{
	int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return ps_reader_open_fd(r, fd);
}

int ps_reader_open_fd(struct ps_reader *r, int fd)
{
	*r = (struct ps_reader){ .fd = fd };
	r->buf = malloc(READER_CAP);
	if (!r->buf) {
		close(fd);
		r->fd = -1;
		return -ENOMEM;
	}
	r->cap = READER_CAP;
	return 0;
}

void ps_reader_close(struct ps_reader *r)
{
	if (r->z) {
		inflateEnd(r->z);
		free(r->z);
	}
	if (r->fd >= 0)
		close(r->fd);
	free(r->zin);
	free(r->buf);
	*r = (struct ps_reader){ .fd = -1 };
}

#define ZIN_CAP (64 * 1024)

/* read(2) with EINTR retried. */
static ssize_t read_some(int fd, char *p, size_t n)
{
	ssize_t got;
	do
		got = read(fd, p, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Switch to inflating: the n bytes at p are the start of a gzip stream. */
static int start_gzip(struct ps_reader *r, const char *p, size_t n)
{
	r->z = calloc(1, sizeof(*r->z));
	r->zin = malloc(ZIN_CAP);
	if (!r->z || !r->zin)
		return -ENOMEM;
	/* 15 + 16: gzip wrapper only, largest window. */
	if (inflateInit2(r->z, 15 + 16) != Z_OK)
		return -ENOMEM;
	memcpy(r->zin, p, n);
	r->z->next_in = (Bytef *)r->zin;
	r->z->avail_in = (uInt)n;
	return 0;
}

/* Inflate into buf[end..cap). 1 progress, 0 end of input, -errno. */
static int inflate_more(struct ps_reader *r)
{
	for (;;) {
		if (r->z->avail_in == 0) {
			ssize_t got = read_some(r->fd, r->zin, ZIN_CAP);
			if (got < 0)
				return -errno;
			if (got == 0)
				return 0; /* a truncated archive ends like a finished one */
			r->z->next_in = (Bytef *)r->zin;
			r->z->avail_in = (uInt)got;
		}
		r->z->next_out = (Bytef *)(r->buf + r->end);
		r->z->avail_out = (uInt)(r->cap - r->end);
		int zr = inflate(r->z, Z_NO_FLUSH);
		size_t made = (r->cap - r->end) - r->z->avail_out;
		r->end += made;
		if (zr == Z_STREAM_END) {
			/* logrotate and cat make multi-member files: go on. */
			if (inflateReset(r->z) != Z_OK)
				return -EBADMSG;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return -EBADMSG;
		}
		if (made > 0)
			return 1;
	}
}

/* Move unread bytes to the front and read more. 1 read, 0 EOF, -errno. */
static int fill(struct ps_reader *r)
{
	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->scanned -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap)
		return 1;
	if (r->z) {
		int k = inflate_more(r);
		if (k == 0)
			r->eof = true;
		return k;
	}
	ssize_t got = read_some(r->fd, r->buf + r->end, r->cap - r->end);
	if (got < 0)
		return -errno;
	if (got == 0) {
		r->eof = true;
		return 0;
	}
	r->end += (size_t)got;
	/* The first two bytes of the input decide: gzip magic means inflate. */
	if (!r->started && r->end >= 2) {
		r->started = true;
		if ((unsigned char)r->buf[0] == 0x1f && (unsigned char)r->buf[1] == 0x8b) {
			int k = start_gzip(r, r->buf, r->end);
			if (k < 0)
				return k;
			r->start = r->end = r->scanned = 0;
			k = inflate_more(r);
			if (k == 0)
				r->eof = true;
			return k;
		}
	}
	return 1;
}

int ps_reader_buffered_line(struct ps_reader *r, struct ps_str *line)
{
	if (r->scanned < r->start)
		r->scanned = r->start;
	char *nl = memchr(r->buf + r->scanned, '\n', r->end - r->scanned);
	if (!nl) {
		r->scanned = r->end;
		return PS_READ_MORE;
	}
	size_t len = (size_t)(nl - (r->buf + r->start));
	*line = ps_str(r->buf + r->start, len);
	r->start = r->scanned = (size_t)(nl - r->buf) + 1;
	r->line_no++;
	if (r->skipping || len > PS_MAX_LINE) {
		r->skipping = false;
		return PS_READ_OVERLONG;
	}
	ps_chop(line, "\r");
	return PS_READ_LINE;
}

int ps_reader_line(struct ps_reader *r, struct ps_str *line)
{
	for (;;) {
		int k = ps_reader_buffered_line(r, line);
		if (k != PS_READ_MORE)
			return k;
		if (r->end - r->start > PS_MAX_LINE) {
			/* Too long: drop what we have and keep dropping to the newline. */
			r->start = r->scanned = r->end;
			r->skipping = true;
		}
		int f = fill(r);
		if (f < 0)
			return f;
		if (f == 0) {
			if (r->start == r->end && !r->skipping)
				return PS_READ_EOF;
			*line = ps_str(r->buf + r->start, r->end - r->start);
			r->start = r->scanned = r->end;
			r->line_no++;
			if (r->skipping) {
				r->skipping = false;
				return PS_READ_OVERLONG;
			}
			return PS_READ_LINE;
		}
	}
}

int ps_reader_bytes(struct ps_reader *r, size_t n, struct ps_str *out)
{
	if (n > PS_MAX_LINE)
		return -EINVAL;
	while (r->end - r->start < n) {
		int f = fill(r);
		if (f <= 0)
			return f;
	}
	*out = ps_str(r->buf + r->start, n);
	r->start += n;
	return 1;
}

int ps_reader_skip(struct ps_reader *r, uint64_t n)
{
	while (n > 0) {
		if (r->start == r->end) {
			int f = fill(r);
			if (f <= 0)
				return f;
		}
		size_t have = r->end - r->start;
		size_t take = n < have ? (size_t)n : have;
		r->start += take;
		n -= take;
	}
	return 1;
}
