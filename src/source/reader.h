/*
 * Bounded reading of a log file, plain or gzip-compressed (recognised by
 * its magic bytes and inflated with zlib), or of standard input.
 *
 * Reads return whatever the file descriptor has, so a pipe that is being
 * written to (journalctl -f | pamsignal scan) yields lines as they come.
 *
 * Lines longer than PS_MAX_LINE are never split into a fake second line
 * and never truncated into something that decodes differently: they are
 * skipped whole and reported (PS_READ_OVERLONG), so the caller can count
 * them and name their line numbers.
 */
#ifndef PS_SOURCE_READER_H
#define PS_SOURCE_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <zlib.h>

#include "util/slice.h"

#define PS_MAX_LINE (64 * 1024)

enum { PS_READ_EOF = 0, PS_READ_LINE = 1, PS_READ_OVERLONG = 2, PS_READ_MORE = 3 };

struct ps_reader {
	int fd;
	z_stream *z;      /* non-NULL once gzip input was seen */
	char *zin;        /* compressed bytes waiting for inflate */
	char *buf;
	size_t cap, start, end, scanned;
	bool eof, skipping, started;
	uint64_t line_no; /* of the line last returned, 1-based */
};

/* Open path ("-" for standard input). Returns 0 or -errno. */
int ps_reader_open(struct ps_reader *r, const char *path);
/* Read from fd, which the reader then owns. Returns 0 or -errno. */
int ps_reader_open_fd(struct ps_reader *r, int fd);
void ps_reader_close(struct ps_reader *r);

/*
 * The next line, without its "\n" (and "\r" before it). Returns
 * PS_READ_LINE, PS_READ_OVERLONG (line skipped; line_no says which),
 * PS_READ_EOF, or -errno. A last line without a newline is returned like
 * any other. The slice is valid until the reader reads again: a call that
 * does not find its line buffered, or ps_reader_bytes()/ps_reader_skip().
 */
int ps_reader_line(struct ps_reader *r, struct ps_str *line);

/*
 * The same, but only from what is buffered: PS_READ_MORE (nothing taken)
 * when the next line needs a read. A caller can so hold on to the lines
 * of one read and hand them on before asking for more (with
 * ps_reader_line(), which reads).
 */
int ps_reader_buffered_line(struct ps_reader *r, struct ps_str *line);

/*
 * Exactly n bytes (n <= PS_MAX_LINE), for binary journal export fields.
 * Returns 1, 0 at a premature end of input, or -errno.
 */
int ps_reader_bytes(struct ps_reader *r, size_t n, struct ps_str *out);

/* Discard n bytes. Returns 1, 0 at end of input, or -errno. */
int ps_reader_skip(struct ps_reader *r, uint64_t n);

#endif
