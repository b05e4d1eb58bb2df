#include "enrich/procnet.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/slice.h"

/* The socket inodes among pid's descriptors, and those descriptors' numbers. */
static int socket_inodes(const char *proc, int64_t pid, uint64_t *inodes, int *fds, size_t *n)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%lld/fd", proc, (long long)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return -errno;
	struct dirent *de;
	size_t seen = 0;
	*n = 0;
	while ((de = readdir(dir)) && seen++ < PS_PROCNET_FDS + 2 && *n < PS_PROCNET_FDS) {
		char link[64];
		ssize_t len = readlinkat(dirfd(dir), de->d_name, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		struct ps_str l = ps_str(link, (size_t)len);
		uint64_t ino;
		uint64_t fd;
		if (ps_skip(&l, "socket:[") && ps_chop(&l, "]") && ps_parse_u64(l, UINT64_MAX, &ino) == 0 &&
		    ps_parse_u64(ps_cstr(de->d_name), INT32_MAX, &fd) == 0) {
			inodes[*n] = ino;
			fds[(*n)++] = (int)fd;
		}
	}
	closedir(dir);
	return 0;
}

static bool hex_u32(struct ps_str s, uint32_t *v)
{
	*v = 0;
	if (s.n != 8)
		return false;
	for (size_t i = 0; i < 8; i++) {
		int d = ps_hex_digit(s.p[i]);
		if (d < 0)
			return false;
		*v = *v << 4 | (uint32_t)d;
	}
	return true;
}

/*
 * "0100007F:0016" (tcp) or 32 hex digits and a port (tcp6). The kernel
 * prints each 32-bit word of the address as a number in the host's byte
 * order, so storing the number back gives the address's bytes.
 */
static bool endpoint(struct ps_str s, bool v6, struct ps_ip *ip, int32_t *port)
{
	struct ps_str addr, p;
	if (!ps_split(s, ":", &addr, &p) || addr.n != (v6 ? 32 : 8) || p.n != 4)
		return false;
	memset(ip, 0, sizeof(*ip));
	for (size_t w = 0; w < addr.n / 8; w++) {
		uint32_t v;
		if (!hex_u32(ps_str(addr.p + 8 * w, 8), &v))
			return false;
		memcpy(ip->a + 4 * w, &v, 4);
	}
	uint32_t pv = 0;
	for (size_t i = 0; i < 4; i++) {
		int d = ps_hex_digit(p.p[i]);
		if (d < 0)
			return false;
		pv = pv << 4 | (uint32_t)d;
	}
	*port = (int32_t)pv;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (v6 && memcmp(ip->a, mapped, 12) == 0) {
		/* An IPv4 client of a dual-stack socket: compared and reported as IPv4. */
		memmove(ip->a, ip->a + 12, 4);
		memset(ip->a + 4, 0, 12);
		v6 = false;
	}
	ip->family = v6 ? 6 : 4;
	return true;
}

/* "sl local rem st tx:rx tr:when retr uid timeout inode ...": the fields this needs. */
static bool parse_line(struct ps_str line, bool v6, struct ps_ip *local, int32_t *lport, struct ps_ip *rem,
		       int32_t *rport, uint64_t *inode)
{
	struct ps_str f[10];
	for (size_t i = 0; i < 10; i++) {
		line = ps_trim_spaces(line);
		f[i] = ps_take_token(&line);
		if (f[i].n == 0)
			return false;
	}
	return endpoint(f[1], v6, local, lport) && endpoint(f[2], v6, rem, rport) &&
	       ps_parse_u64(f[9], UINT64_MAX, inode) == 0;
}

static int search(const char *path, bool v6, const uint64_t *inodes, size_t n_inodes, const struct ps_ip *remote,
		  int32_t remote_port, struct ps_ip *local, int32_t *local_port)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char buf[16384];
	size_t have = 0, lines = 0;
	int found = 0;
	for (;;) {
		ssize_t got = read(fd, buf + have, sizeof(buf) - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
		char *start = buf, *nl;
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			struct ps_str line = ps_str(start, (size_t)(nl - start));
			start = nl + 1;
			if (lines++ == 0)
				continue; /* the header */
			struct ps_ip l, r;
			int32_t lp, rp;
			uint64_t ino;
			if (!parse_line(line, v6, &l, &lp, &r, &rp, &ino) || rp != remote_port ||
			    memcmp(&r, remote, sizeof(r)) != 0)
				continue;
			for (size_t i = 0; i < n_inodes && !found; i++)
				if (inodes[i] == ino)
					found = 1;
			if (found) {
				*local = l;
				*local_port = lp;
				goto out;
			}
		}
		if (lines > PS_PROCNET_LINES)
			break;
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (have == sizeof(buf))
			have = 0; /* a line longer than the buffer is not the kernel's: skip it */
	}
out:
	close(fd);
	return found;
}

/* An address as events hold it (IPv4-mapped IPv6 as IPv4) from a sockaddr. */
static bool from_sockaddr(const struct sockaddr_storage *ss, struct ps_ip *ip, int32_t *port)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	memset(ip, 0, sizeof(*ip));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;
		ip->family = 4;
		memcpy(ip->a, &s->sin_addr, 4);
		*port = ntohs(s->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;
		const uint8_t *a = s->sin6_addr.s6_addr;
		bool v4 = memcmp(a, mapped, sizeof(mapped)) == 0;
		ip->family = v4 ? 4 : 6;
		memcpy(ip->a, v4 ? a + 12 : a, v4 ? 4 : 16);
		*port = ntohs(s->sin6_port);
	} else {
		return false;
	}
	return true;
}

/*
 * The direct way: a copy of each socket descriptor of the process
 * (pidfd_getfd, Linux 5.6; root), and getpeername()/getsockname() on it.
 * A few system calls per descriptor, whatever the size of the socket
 * tables. -EPERM, -ENOSYS...: not available here (use the tables).
 */
static int by_pidfd(int64_t pid, const int *fds, size_t n, const struct ps_ip *remote, int32_t remote_port,
		    struct ps_ip *local, int32_t *local_port)
{
	int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pidfd < 0)
		return -errno;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, fds[i], 0);
		if (fd < 0) {
			if (errno == EPERM || errno == ENOSYS || errno == EACCES)
				r = -errno;
			continue; /* closed since the directory was read */
		}
		struct sockaddr_storage peer, self;
		socklen_t pl = sizeof(peer), sl = sizeof(self);
		struct ps_ip ip, me;
		int32_t port, my_port;
		if (getpeername(fd, (struct sockaddr *)&peer, &pl) == 0 && from_sockaddr(&peer, &ip, &port) &&
		    port == remote_port && memcmp(&ip, remote, sizeof(ip)) == 0 &&
		    getsockname(fd, (struct sockaddr *)&self, &sl) == 0 && from_sockaddr(&self, &me, &my_port)) {
			*local = me;
			*local_port = my_port;
			r = 1;
		}
		close(fd);
	}
	close(pidfd);
	return r;
}

int ps_procnet_local(const char *proc, int64_t pid, const struct ps_ip *remote, int32_t remote_port,
		     struct ps_ip *local, int32_t *local_port)
{
	uint64_t inodes[PS_PROCNET_FDS];
	int fds[PS_PROCNET_FDS];
	size_t n = 0;
	if (pid <= 0 || remote_port < 0 || (remote->family != 4 && remote->family != 6))
		return 0;
	int r = socket_inodes(proc, pid, inodes, fds, &n);
	if (r < 0 || n == 0)
		return r;
	/* Another /proc (tests) describes no live process: only its tables are read. */
	if (strcmp(proc, "/proc") == 0) {
		r = by_pidfd(pid, fds, n, remote, remote_port, local, local_port);
		if (r >= 0 || r == -ESRCH)
			return r == -ESRCH ? -ENOENT : r;
	}
	char path[256];
	/* An IPv4 client may be on an IPv4 socket or, mapped, on a dual-stack IPv6 one. */
	for (int v6 = remote->family == 6; v6 <= 1; v6++) {
		snprintf(path, sizeof(path), "%s/%lld/net/tcp%s", proc, (long long)pid, v6 ? "6" : "");
		r = search(path, v6, inodes, n, remote, remote_port, local, local_port);
		if (r != 0 && r != -ENOENT)
			return r;
	}
	return 0;
}
