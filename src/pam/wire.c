/* The pam socket's datagram: encoding and sending (see wire.h). libc only. */
#include "pam/wire.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static uint8_t *put_be(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	return p + bytes;
}

size_t ps_wire_encode(const struct ps_wire_msg *m, uint8_t buf[PS_WIRE_MAX])
{
	uint8_t *p = buf, truncated = 0;

	memcpy(p, PS_WIRE_MAGIC, 4);
	p[4] = PS_WIRE_VERSION;
	p[5] = m->hook;
	p[6] = m->result;
	p = put_be(p + 8, m->pid, 4);
	p = put_be(p, (uint64_t)m->time_us, 8);
	for (unsigned tag = 1; tag <= PS_WIRE_N_TAGS; tag++) {
		const char *s = m->field[tag];
		if (!s)
			continue;
		/* Bounded: an item longer than the maximum is never read to its end. */
		size_t n = strnlen(s, PS_WIRE_FIELD_MAX + 1);
		if (n > PS_WIRE_FIELD_MAX) {
			n = PS_WIRE_FIELD_MAX;
			truncated |= (uint8_t)(1u << (tag - 1));
		}
		*p++ = (uint8_t)tag;
		p = put_be(p, n, 2);
		memcpy(p, s, n);
		p += n;
	}
	buf[7] = truncated;
	return (size_t)(p - buf);
}

int ps_wire_send(const char *path, const uint8_t *buf, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t plen = strnlen(path, sizeof(sa.sun_path));
	if (plen == 0 || plen >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, plen);

	/*
	 * The kernel checks what we claim: a uid we hold as real, effective or
	 * saved uid. Without explicit credentials it would attach the real uid,
	 * which for su or sudo is the calling user's. A process that holds uid 0
	 * in any of the three can become root at will, so it says 0.
	 */
	uid_t ruid, euid, suid;
	struct ucred cred = { .pid = getpid(), .uid = geteuid(), .gid = getegid() };
	if (getresuid(&ruid, &euid, &suid) == 0 && (ruid == 0 || euid == 0 || suid == 0))
		cred.uid = 0;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	memset(&control, 0, sizeof(control));
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &sa,
		.msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.b,
		.msg_controllen = sizeof(control.b),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(c), &cred, sizeof(cred));

	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	int r = sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
	close(fd);
	return r;
}
