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
	*r = (struct ps_reader){ 0 };
	r->buf = malloc(READER_CAP);
	if (!r->buf) {
		close(fd);
		return -ENOMEM;
	}
	r->cap = READER_CAP;
	r->gz = gzdopen(fd, "rb");
	if (!r->gz) {
		close(fd);
		free(r->buf);
		return -ENOMEM;
	}
	gzbuffer(r->gz, 128 * 1024);
	return 0;
}

void ps_reader_close(struct ps_reader *r)
{
	if (r->gz)
		gzclose(r->gz);
	free(r->buf);
	*r = (struct ps_reader){ 0 };
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
	int n = gzread(r->gz, r->buf + r->end, (unsigned)(r->cap - r->end));
	if (n < 0) {
		int err;
		gzerror(r->gz, &err);
		return err == Z_ERRNO ? -(errno ? errno : EIO) : -EBADMSG;
	}
	if (n == 0) {
		r->eof = true;
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}

int ps_reader_line(struct ps_reader *r, struct ps_str *line)
{
	for (;;) {
		if (r->scanned < r->start)
			r->scanned = r->start;
		char *nl = memchr(r->buf + r->scanned, '\n', r->end - r->scanned);
		if (nl) {
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
		r->scanned = r->end;
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
