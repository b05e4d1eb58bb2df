#include "util/rotate.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int ps_rotate_files(const char *path, unsigned keep)
{
	char from[PATH_MAX], to[PATH_MAX];
	if (keep == 0)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	for (unsigned n = keep; n > 1; n--) {
		snprintf(from, sizeof(from), "%s.%u", path, n - 1);
		snprintf(to, sizeof(to), "%s.%u", path, n);
		if (rename(from, to) < 0 && errno != ENOENT)
			return -errno;
	}
	snprintf(to, sizeof(to), "%s.1", path);
	return rename(path, to) < 0 ? -errno : 0;
}
