#include "sink/deliver/deadletter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/rotate.h"

int ps_deadletter_init(struct ps_deadletter *dl, const char *state_dir, uint64_t max_size, unsigned keep)
{
	*dl = (struct ps_deadletter){ .fd = -1, .max_size = max_size, .keep = keep };
	if (asprintf(&dl->path, "%s/deadletter.jsonl", state_dir) < 0) {
		dl->path = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int open_log(struct ps_deadletter *dl)
{
	struct stat st;
	dl->fd = open(dl->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (dl->fd < 0)
		return -errno;
	dl->size = fstat(dl->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

int ps_deadletter_write(struct ps_deadletter *dl, const char *lines, size_t len)
{
	int r;
	if (dl->fd < 0 && (r = open_log(dl)) < 0)
		return r;
	if (dl->size > 0 && dl->size + len > dl->max_size) {
		close(dl->fd);
		dl->fd = -1;
		if ((r = ps_rotate_files(dl->path, dl->keep)) < 0 || (r = open_log(dl)) < 0)
			return r;
	}
	for (size_t done = 0; done < len;) {
		ssize_t w = write(dl->fd, lines + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		done += (size_t)w;
		dl->size += (uint64_t)w;
	}
	return fdatasync(dl->fd) < 0 ? -errno : 0;
}

void ps_deadletter_close(struct ps_deadletter *dl)
{
	if (dl->fd >= 0)
		close(dl->fd);
	free(dl->path);
	dl->path = NULL;
	dl->fd = -1;
}
