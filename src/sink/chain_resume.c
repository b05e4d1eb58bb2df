#include "sink/chain_resume.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCAN_CHUNK (64 * 1024)
/* A record's chain members are under 200 bytes: this much of a line's end holds them. */
#define TAIL_BYTES 512

enum tail_kind { TAIL_NONE, TAIL_UNCHAINED, TAIL_CHAINED };

struct tail {
	enum tail_kind kind;
	struct ps_chain_record rec;
	uint64_t complete; /* bytes up to the end of the last complete line */
	uint64_t torn;     /* bytes after it */
};

static int pread_all(int fd, char *buf, size_t n, uint64_t at)
{
	while (n > 0) {
		ssize_t r = pread(fd, buf, n, (off_t)at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO; /* shorter than fstat said: changed under us */
		buf += r;
		n -= (size_t)r;
		at += (uint64_t)r;
	}
	return 0;
}

/* Just past the last newline among fd's first size bytes (0: none), read backwards. */
static int last_line_end(int fd, uint64_t size, uint64_t *end)
{
	static char buf[SCAN_CHUNK]; /* startup and reload only, on the loop's thread */
	uint64_t pos = size;
	*end = 0;
	while (pos > 0) {
		size_t n = pos < SCAN_CHUNK ? (size_t)pos : SCAN_CHUNK;
		pos -= n;
		int r = pread_all(fd, buf, n, pos);
		if (r < 0)
			return r;
		const char *nl = memrchr(buf, '\n', n);
		if (nl) {
			*end = pos + (uint64_t)(nl - buf) + 1;
			return 0;
		}
	}
	return 0;
}

/* The chain members of the last complete line of the file at path (none if it does not exist). */
static int read_tail(const char *path, struct tail *t)
{
	char buf[TAIL_BYTES];
	struct stat st;
	int r = 0;

	*t = (struct tail){ .kind = TAIL_NONE };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = S_ISREG(st.st_mode) ? -errno : 0; /* not a file: opening it for writing says so */
		goto out;
	}
	if ((r = last_line_end(fd, (uint64_t)st.st_size, &t->complete)) < 0)
		goto out;
	t->torn = (uint64_t)st.st_size - t->complete;
	if (t->complete == 0)
		goto out;
	uint64_t line_end = t->complete - 1; /* its newline */
	size_t n = line_end < TAIL_BYTES ? (size_t)line_end : TAIL_BYTES;
	if ((r = pread_all(fd, buf, n, line_end - n)) < 0)
		goto out;
	const char *nl = memrchr(buf, '\n', n);
	struct ps_str line = nl ? ps_str(nl + 1, n - (size_t)(nl + 1 - buf)) : ps_str(buf, n);
	t->kind = ps_chain_parse(line, &t->rec) == 0 ? TAIL_CHAINED : TAIL_UNCHAINED;
	t->rec.body = PS_STR_NULL; /* it pointed into buf */
out:
	close(fd);
	return r;
}

/* Append to the note (it is short; a cut one still says enough). */
__attribute__((format(printf, 2, 3))) static void note(struct ps_chain_resume *out, const char *fmt, ...)
{
	size_t used = strlen(out->note);
	va_list ap;
	if (used && used + 2 < sizeof(out->note)) {
		memcpy(out->note + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(out->note + used, sizeof(out->note) - used, fmt, ap);
	va_end(ap);
}

int ps_chain_resume(const char *path, unsigned keep, const struct ps_chain_head *saved, bool keyed,
		    struct ps_chain_resume *out)
{
	char name[PATH_MAX];
	struct tail t;
	bool have_saved = saved && saved->seq > 0;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = read_tail(path, &t)) < 0)
		return r;
	if (t.torn > 0) {
		if (truncate(path, (off_t)t.complete) < 0)
			return -errno;
		note(out, "cut an incomplete last record (%" PRIu64 " bytes) off %s", t.torn, path);
	}
	const char *where = path;
	for (unsigned n = 1; t.kind == TAIL_NONE && n <= keep; n++) {
		snprintf(name, sizeof(name), "%s.%u", path, n);
		if ((r = read_tail(name, &t)) < 0)
			return r;
		where = name;
	}

	if (have_saved)
		out->head = *saved;
	switch (t.kind) {
	case TAIL_CHAINED:
		if (have_saved && (saved->seq > t.rec.seq ||
				   (saved->seq == t.rec.seq && memcmp(saved->value, t.rec.value, PS_CHAIN_LEN) != 0))) {
			note(out,
			     "%s ends with record seq %" PRIu64 " but the last checkpoint saw seq %" PRIu64
			     "%s: records were removed or changed while pamsignal was not running; the chain goes "
			     "on from the checkpoint, so pamsignal verify shows the gap",
			     where, t.rec.seq, saved->seq, saved->seq == t.rec.seq ? " with another hash" : "");
		} else {
			out->head.seq = t.rec.seq;
			memcpy(out->head.value, t.rec.value, PS_CHAIN_LEN);
		}
		if (t.rec.keyed != keyed) {
			out->fresh = true;
			note(out, "the chain is %s now: it goes on in a new file", keyed ? "keyed (hmac)" : "not keyed (hash)");
		}
		break;
	case TAIL_UNCHAINED:
		out->fresh = true;
		note(out, "the last line of %s is not a chained record (an older pamsignal's?): the chain %s in a new file",
		     where, have_saved ? "goes on" : "starts");
		break;
	case TAIL_NONE:
		if (have_saved && keep > 0)
			note(out, "no record in %s or its rotations; the chain goes on from the checkpoint's seq %" PRIu64,
			     path, saved->seq);
		break;
	}
	out->head.keyed = keyed;
	return 0;
}
