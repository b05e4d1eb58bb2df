#include "util/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ps_secret_path(const char *name, char *path, size_t size)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	int n;
	if (name[0] == '/')
		n = snprintf(path, size, "%s", name);
	else if (dir && *dir)
		n = snprintf(path, size, "%s/%s", dir, name);
	else
		return -ENOKEY;
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int ps_secret_read(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* One byte more than a secret and its newline can take: a longer file is refused, not cut. */
	const size_t cap = PS_SECRET_MAX + 1;
	char *buf = calloc(1, cap + 1);
	size_t n = 0;
	ssize_t r = 0;
	while (buf && n < cap) {
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	int err = r < 0 ? -errno : 0;
	close(fd);
	if (!buf)
		return -ENOMEM;
	if (err == 0 && n == cap)
		err = -EINVAL;
	if (err == 0) {
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			n--;
		buf[n] = '\0';
		if (n == 0 || n >= PS_SECRET_MAX || memchr(buf, '\n', n) || memchr(buf, '\0', n))
			err = -EINVAL;
	}
	if (err < 0) {
		ps_secret_free(buf, cap);
		return err;
	}
	*out = buf;
	*len = n;
	return 0;
}

void ps_secret_free(char *s, size_t len)
{
	if (s) {
		explicit_bzero(s, len);
		free(s);
	}
}

const char *ps_secret_strerror(int r)
{
	switch (r) {
	case -ENOKEY:
		return "is not an absolute path and $CREDENTIALS_DIRECTORY is not set";
	case -EINVAL:
		return "must hold one line of 1 to 4095 bytes";
	default:
		return strerror(-r);
	}
}
