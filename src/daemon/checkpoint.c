#include "daemon/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct snapshot {
	char *text;
	size_t len;
	int *fds;               /* to fdatasync first; owned */
	size_t nfds;
};

struct ps_checkpoint {
	char *path, *tmp_path, *dir;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct snapshot pending; /* text NULL: nothing waiting */
	bool writing, stopping;
	int error;
};

static void close_fds(struct snapshot *s)
{
	for (size_t i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	free(s->fds);
	s->fds = NULL;
	s->nfds = 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* tmp_path filled, synced and renamed over path; then its directory synced. */
static int replace(const char *path, const char *tmp_path, const char *dir, ps_checkpoint_fill_fn *fill, void *arg)
{
	int fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	int r = fill(fd, arg);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	close(fd);
	if (r == 0 && rename(tmp_path, path) < 0)
		r = -errno;
	if (r == 0)
		r = sync_dir(dir);
	return r;
}

static int fill_text(int fd, void *arg)
{
	const struct snapshot *s = arg;
	return write_all(fd, s->text, s->len);
}

static int write_state(struct ps_checkpoint *c, struct snapshot *s)
{
	int r = 0;

	/* The events first: a state must never point past what is on disk. */
	for (size_t i = 0; i < s->nfds; i++)
		if (fdatasync(s->fds[i]) < 0 && r == 0)
			r = -errno;
	close_fds(s);
	if (r < 0)
		return r;
	return replace(c->path, c->tmp_path, c->dir, fill_text, s);
}

static void *run(void *arg)
{
	struct ps_checkpoint *c = arg;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->pending.text && !c->stopping)
			pthread_cond_wait(&c->wake, &c->lock);
		if (!c->pending.text)
			break;
		struct snapshot s = c->pending;
		c->pending = (struct snapshot){ 0 };
		c->writing = true;
		pthread_mutex_unlock(&c->lock);

		int r = write_state(c, &s);
		free(s.text);

		pthread_mutex_lock(&c->lock);
		c->writing = false;
		if (r < 0 && c->error == 0)
			c->error = r;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* path's temporary file and directory (malloc'ed). Returns 0 or -ENOMEM. */
static int names(const char *path, char **tmp_path, char **dir)
{
	*dir = strdup(path);
	if (!*dir || asprintf(tmp_path, "%s.tmp", path) < 0) {
		free(*dir);
		return -ENOMEM;
	}
	char *slash = strrchr(*dir, '/');
	if (slash == *dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		memcpy(*dir, ".", 2); /* strlen(path) >= 1 */
	return 0;
}

int ps_checkpoint_replace(const char *path, ps_checkpoint_fill_fn *fill, void *arg)
{
	char *tmp_path, *dir;
	if (names(path, &tmp_path, &dir) < 0)
		return -ENOMEM;
	int r = replace(path, tmp_path, dir, fill, arg);
	free(tmp_path);
	free(dir);
	return r;
}

int ps_checkpoint_start(struct ps_checkpoint **out, const char *path)
{
	struct ps_checkpoint *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->path = strdup(path);
	if (!c->path || names(path, &c->tmp_path, &c->dir) < 0) {
		free(c->path);
		free(c);
		return -ENOMEM;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	int r = pthread_create(&c->thread, NULL, run, c);
	if (r != 0) {
		free(c->path);
		free(c->tmp_path);
		free(c->dir);
		free(c);
		return -r;
	}
	*out = c;
	return 0;
}

void ps_checkpoint_post(struct ps_checkpoint *c, char *text, size_t len, int *fds, size_t nfds)
{
	pthread_mutex_lock(&c->lock);
	struct snapshot *p = &c->pending;
	free(p->text); /* superseded; its fds still need their sync, so they stay */
	p->text = text;
	p->len = len;
	if (!p->fds) {
		p->fds = fds;
		p->nfds = nfds;
	} else {
		int *all = realloc(p->fds, (p->nfds + nfds) * sizeof(int));
		if (all) {
			memcpy(all + p->nfds, fds, nfds * sizeof(int));
			p->fds = all;
			p->nfds += nfds;
		} else {
			/* Out of memory: sync these here rather than record a mark past them. */
			for (size_t i = 0; i < nfds; i++) {
				fdatasync(fds[i]);
				close(fds[i]);
			}
		}
		free(fds);
	}
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
}

bool ps_checkpoint_busy(struct ps_checkpoint *c)
{
	pthread_mutex_lock(&c->lock);
	bool busy = c->writing || c->pending.text;
	pthread_mutex_unlock(&c->lock);
	return busy;
}

int ps_checkpoint_error(struct ps_checkpoint *c)
{
	pthread_mutex_lock(&c->lock);
	int r = c->error;
	c->error = 0;
	pthread_mutex_unlock(&c->lock);
	return r;
}

int ps_checkpoint_stop(struct ps_checkpoint *c)
{
	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	c->stopping = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL); /* the thread writes what is pending before it ends */
	close_fds(&c->pending);
	int r = c->error;
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	free(c->path);
	free(c->tmp_path);
	free(c->dir);
	free(c);
	return r;
}

int ps_checkpoint_read(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size > 64 * 1024 * 1024) {
		int r = errno ? -errno : -EFBIG;
		close(fd);
		return r;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	size_t n = 0;
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}
