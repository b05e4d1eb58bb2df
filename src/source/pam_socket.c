/*
 * The pam socket: bind, receive, and who sent it.
 *
 * Who sent it. The socket is unconnected: any process may send to it, and
 * each datagram may come from another one. SO_PEERCRED answers only for the
 * peer a socket was connected to (for a bound datagram socket: nobody), so
 * the sender of each datagram comes from SO_PASSCRED: the kernel attaches
 * SCM_CREDENTIALS to every datagram, either the sender's own or what it
 * claimed and the kernel checked (a uid it holds as real, effective or
 * saved uid, its own pid). Only root is trusted; the caller decides.
 *
 * Why the socket is writable by everyone (0666): so that a local user's
 * forged datagram reaches the credential check and is counted and reported
 * with the sender's uid, instead of failing unseen at the file's
 * permissions. The price: such a user can fill the socket's queue, and the
 * module's datagrams are then dropped (it never waits); the flood is
 * visible in the daemon's log and status, and the same logins still reach
 * the journal.
 */
#include "source/pam_socket.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* path's directory, in dir; false for one that is "/". */
static bool dir_of(const char *path, char dir[sizeof(((struct sockaddr_un *)0)->sun_path)])
{
	snprintf(dir, sizeof(((struct sockaddr_un *)0)->sun_path), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return false;
	*slash = '\0';
	return true;
}

/* 1: made path's directory, 0: it was there, or -errno. */
static int make_dir_of(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	if (!dir_of(path, dir))
		return 0;
	if (mkdir(dir, 0755) == 0)
		return 1;
	return errno == EEXIST ? 0 : -errno;
}

/* 1: a process is bound to the socket file at sa; 0: nobody (a leftover); or -errno. */
static int in_use(const struct sockaddr_un *sa, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	int r = connect(fd, (const struct sockaddr *)sa, len) == 0 ? 1 : errno == ECONNREFUSED ? 0 : -errno;
	close(fd);
	return r;
}

int ps_pam_socket_open(struct ps_pam_socket *s, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int r, one = 1;
	bool bound = false;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, n);
	memcpy(s->path, path, n + 1);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);

	if ((r = make_dir_of(path)) < 0)
		return r;
	s->made_dir = r > 0;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if ((r = in_use(&sa, len)) != 0)
			return r > 0 ? -EADDRINUSE : r;
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
	}
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		r = -errno;
		goto fail;
	}
	/* Before bind: no datagram may arrive without its sender. */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    !(bound = bind(fd, (const struct sockaddr *)&sa, len) == 0) || chmod(path, 0666) < 0 ||
	    stat(path, &st) < 0) {
		r = -errno;
		close(fd);
		goto fail;
	}
	s->fd = fd;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->ctime = st.st_ctim;
	return 0;
fail:
	if (bound)
		unlink(path);
	ps_pam_socket_close(s); /* the directory, if made */
	return r;
}

void ps_pam_socket_close(struct ps_pam_socket *s)
{
	char dir[sizeof(s->path)];
	struct stat st;
	if (s->fd >= 0) {
		if (lstat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino &&
		    st.st_ctim.tv_sec == s->ctime.tv_sec && st.st_ctim.tv_nsec == s->ctime.tv_nsec)
			unlink(s->path);
		close(s->fd);
		s->fd = -1;
	}
	if (s->made_dir && dir_of(s->path, dir))
		rmdir(dir); /* fails, as it should, when something else is in it */
	s->made_dir = false;
}

int ps_pam_socket_recv(struct ps_pam_socket *s, void *buf, size_t cap, size_t *len, struct ps_pam_sender *from)
{
	/* Room for the credentials alone: descriptors someone passes do not fit and are not installed. */
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.b,
			     .msg_controllen = sizeof(control.b) };

	ssize_t n = recvmsg(s->fd, &mh, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	*len = (size_t)n;
	memset(from, 0, sizeof(*from));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred u;
			memcpy(&u, CMSG_DATA(c), sizeof(u));
			*from = (struct ps_pam_sender){ .known = true, .pid = u.pid, .uid = u.uid, .gid = u.gid };
		} else if (c->cmsg_type == SCM_RIGHTS) {
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < k; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
				close(fd);
			}
		}
	}
	return 1;
}
