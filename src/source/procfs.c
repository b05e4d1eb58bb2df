/* Formats: proc(5) (/proc/PID/stat fields 2, 4 and 22; the exe link). */
#include "source/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *root = "/proc";

void ps_procfs_set_root(const char *r)
{
	root = r;
}

/* The whole of a small file (stat, cmdline), at most size bytes. */
static int slurp(int64_t pid, const char *name, char *buf, size_t size)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%lld/%s", root, (long long)pid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t n = 0;
	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? -errno : 0;
			close(fd);
			return e < 0 ? e : (int)n;
		}
		n += (size_t)r;
	}
	close(fd);
	return (int)n;
}

/* Wall-clock time of the boot: now less the time since boot. */
static int64_t boot_us(void)
{
	struct timespec rt, bt;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (rt.tv_sec - bt.tv_sec) * INT64_C(1000000) + (rt.tv_nsec - bt.tv_nsec) / 1000;
}

int ps_procfs_read(int64_t pid, struct ps_procfs *p)
{
	char buf[1024], path[256];
	memset(p, 0, sizeof(*p));
	p->ppid = p->start_us = -1;
	if (pid <= 0)
		return -EINVAL;
	int n = slurp(pid, "stat", buf, sizeof(buf) - 1);
	if (n < 0)
		return n;
	/* "PID (COMM) S PPID ...": comm may hold anything, ")" included; it ends at the last ")". */
	struct ps_str s = ps_str(buf, (size_t)n), head, rest, tok;
	if (!ps_rsplit(s, ") ", &head, &rest) || !ps_split(head, " (", &tok, &head))
		return -EBADMSG;
	p->comm_n = head.n < sizeof(p->comm) - 1 ? head.n : sizeof(p->comm) - 1;
	memcpy(p->comm, head.p, p->comm_n);
	uint64_t ppid = 0, start = 0;
	for (int field = 3; field <= 22; field++) {
		tok = ps_take_token(&rest);
		ps_skip(&rest, " ");
		if (field == 4 && ps_parse_u64(tok, INT32_MAX, &ppid) < 0)
			return -EBADMSG;
		if (field == 22 && ps_parse_u64(tok, UINT64_MAX / 2, &start) < 0)
			return -EBADMSG;
	}
	p->ppid = (int64_t)ppid;
	long hz = sysconf(_SC_CLK_TCK);
	if (hz > 0)
		p->start_us = boot_us() + (int64_t)(start / (uint64_t)hz) * 1000000 +
			      (int64_t)(start % (uint64_t)hz) * 1000000 / hz;
	snprintf(path, sizeof(path), "%s/%lld/exe", root, (long long)pid);
	ssize_t e = readlink(path, p->exe, sizeof(p->exe) - 1);
	if (e > 0) {
		struct ps_str x = ps_str(p->exe, (size_t)e);
		ps_chop(&x, " (deleted)");
		p->exe_n = x.n;
	}
	return 0;
}

int ps_procfs_cmdline(int64_t pid, char *buf, size_t size)
{
	if (pid <= 0)
		return -EINVAL;
	return slurp(pid, "cmdline", buf, size);
}
