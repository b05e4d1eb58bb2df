/*
 * The pam socket's datagram (pam/wire.h) from both ends: what the encoder
 * writes, what the decoder makes of it (every hook and result, PAM_RUSER,
 * rhost as address or name, cut fields), every way a datagram can be
 * malformed, hostile text reaching the JSON writer intact and escaped;
 * and the socket itself on a real unix socket: the sender's credentials,
 * a leftover socket file replaced, a live one left alone, descriptors
 * passed along closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "decode/pam_datagram.h"
#include "event/json.h"
#include "pam/wire.h"
#include "source/pam_socket.h"
#include "util/out.h"

static size_t encode(uint8_t buf[PS_WIRE_MAX], uint8_t hook, uint8_t result, const char *user, const char *ruser,
		     const char *rhost)
{
	struct ps_wire_msg m = { .hook = hook, .result = result, .pid = 4242, .time_us = 1798675200123456LL };
	m.field[PS_WIRE_SERVICE] = "sshd";
	m.field[PS_WIRE_USER] = user;
	m.field[PS_WIRE_RUSER] = ruser;
	m.field[PS_WIRE_RHOST] = rhost;
	m.field[PS_WIRE_TTY] = "ssh";
	return ps_wire_encode(&m, buf);
}

static int decode(const uint8_t *buf, size_t n, struct ps_event *ev)
{
	return ps_decode_pam_datagram(ps_str((const char *)buf, n), ev);
}

static void assert_str(struct ps_str s, const char *want)
{
	if (!want) {
		assert_false(ps_set(s));
		return;
	}
	assert_true(ps_set(s));
	assert_int_equal(s.n, strlen(want));
	assert_memory_equal(s.p, want, s.n);
}

static void test_layout(void **state)
{
	uint8_t buf[PS_WIRE_MAX];
	(void)state;
	size_t n = encode(buf, PS_WIRE_AUTH, PS_WIRE_FAILURE, "alice", NULL, "203.0.113.9");
	/* header, then service, user, rhost and tty: 3 bytes each plus their text */
	assert_int_equal(n, PS_WIRE_HEADER + 3 * 4 + 4 + 5 + 11 + 3);
	assert_memory_equal(buf, "PSpm\x01\x01\x02\x00", 8);
	assert_memory_equal(buf + 8, "\x00\x00\x10\x92", 4); /* pid 4242, big-endian */
	assert_memory_equal(buf + PS_WIRE_HEADER, "\x01\x00\x04sshd", 7);
	assert_memory_equal(buf + PS_WIRE_HEADER + 7, "\x02\x00\x05" "alice", 8);
}

static void test_auth_failure(void **state)
{
	uint8_t buf[PS_WIRE_MAX];
	struct ps_event ev;
	(void)state;
	size_t n = encode(buf, PS_WIRE_AUTH, PS_WIRE_FAILURE, "alice", NULL, "203.0.113.9");
	assert_int_equal(decode(buf, n, &ev), 1);
	assert_int_equal(ev.kind, PS_KIND_AUTH_FAILURE);
	assert_int_equal(ev.outcome, PS_OUTCOME_FAILURE);
	assert_int_equal(ev.reason, PS_REASON_PAM_FAILURE);
	assert_int_equal(ev.pid, 4242);
	assert_int_equal(ev.time_us, 1798675200123456LL);
	assert_str(ev.service, "sshd");
	assert_str(ev.user, "alice");
	assert_str(ev.target_user, NULL);
	assert_str(ev.tty, "ssh");
	assert_int_equal(ev.src_ip.family, 4);
	assert_memory_equal(ev.src_ip.a, "\xcb\x00\x71\x09", 4);
	assert_false(ev.ambiguous);
}

static void test_hooks(void **state)
{
	static const struct {
		uint8_t hook, result;
		int r;
		enum ps_kind kind;
		enum ps_reason reason;
	} cases[] = {
		{ PS_WIRE_AUTH, PS_WIRE_SUCCESS, 1, PS_KIND_AUTH_SUCCESS, PS_REASON_NONE },
		{ PS_WIRE_AUTH, PS_WIRE_UNKNOWN, -EBADMSG, PS_KIND_NONE, PS_REASON_NONE },
		{ PS_WIRE_ACCOUNT, PS_WIRE_FAILURE, 1, PS_KIND_AUTH_FAILURE, PS_REASON_NOT_ALLOWED },
		{ PS_WIRE_ACCOUNT, PS_WIRE_SUCCESS, 0, PS_KIND_NONE, PS_REASON_NONE },
		{ PS_WIRE_ACCOUNT, PS_WIRE_UNKNOWN, 0, PS_KIND_NONE, PS_REASON_NONE },
		{ PS_WIRE_SESSION_OPEN, PS_WIRE_UNKNOWN, 1, PS_KIND_SESSION_OPEN, PS_REASON_NONE },
		{ PS_WIRE_SESSION_CLOSE, PS_WIRE_UNKNOWN, 1, PS_KIND_SESSION_CLOSE, PS_REASON_NONE },
		{ 0, PS_WIRE_UNKNOWN, -EBADMSG, PS_KIND_NONE, PS_REASON_NONE },
		{ 5, PS_WIRE_UNKNOWN, -EBADMSG, PS_KIND_NONE, PS_REASON_NONE },
		{ PS_WIRE_SESSION_OPEN, 3, -EBADMSG, PS_KIND_NONE, PS_REASON_NONE },
	};
	uint8_t buf[PS_WIRE_MAX];
	struct ps_event ev;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = encode(buf, cases[i].hook, cases[i].result, "bob", NULL, NULL);
		assert_int_equal(decode(buf, n, &ev), cases[i].r);
		if (cases[i].r == 1) {
			assert_int_equal(ev.kind, cases[i].kind);
			assert_int_equal(ev.reason, cases[i].reason);
			assert_str(ev.user, "bob");
		}
	}
}

/* su: PAM_USER is the account asked for, PAM_RUSER who asked. */
static void test_ruser(void **state)
{
	uint8_t buf[PS_WIRE_MAX];
	struct ps_event ev;
	(void)state;
	size_t n = encode(buf, PS_WIRE_AUTH, PS_WIRE_FAILURE, "root", "alice", NULL);
	assert_int_equal(decode(buf, n, &ev), 1);
	assert_str(ev.user, "alice");
	assert_str(ev.target_user, "root");
	/* sudo sets both to the caller: one user. */
	n = encode(buf, PS_WIRE_AUTH, PS_WIRE_FAILURE, "alice", "alice", NULL);
	assert_int_equal(decode(buf, n, &ev), 1);
	assert_str(ev.user, "alice");
	assert_str(ev.target_user, NULL);
}

static void test_rhost(void **state)
{
	uint8_t buf[PS_WIRE_MAX];
	struct ps_event ev;
	(void)state;
	size_t n = encode(buf, PS_WIRE_SESSION_OPEN, 0, "u", NULL, "2001:db8::7");
	assert_int_equal(decode(buf, n, &ev), 1);
	assert_int_equal(ev.src_ip.family, 6);
	n = encode(buf, PS_WIRE_SESSION_OPEN, 0, "u", NULL, "gw.example.org");
	assert_int_equal(decode(buf, n, &ev), 1);
	assert_int_equal(ev.src_ip.family, 0);
	assert_str(ev.src_host, "gw.example.org");
	assert_false(ev.ambiguous);
	/* Neither an address nor a name: left out, and said so. */
	n = encode(buf, PS_WIRE_SESSION_OPEN, 0, "u", NULL, "203.0.113.9 port 22");
	assert_int_equal(decode(buf, n, &ev), 1);
	assert_int_equal(ev.src_ip.family, 0);
	assert_false(ps_set(ev.src_host));
	assert_true(ev.ambiguous);
}

/* A field past the maximum is cut by the sender; the reader leaves it out rather than show a prefix. */
static void test_truncated(void **state)
{
	char long_name[PS_WIRE_FIELD_MAX + 100];
	uint8_t buf[PS_WIRE_MAX];
	struct ps_event ev;
	(void)state;
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	size_t n = encode(buf, PS_WIRE_AUTH, PS_WIRE_FAILURE, long_name, NULL, "192.0.2.1");
	assert_int_equal(buf[7], 1u << (PS_WIRE_USER - 1));
	assert_true(n <= PS_WIRE_MAX);
	assert_int_equal(decode(buf, n, &ev), 1);
	assert_false(ps_set(ev.user));
	assert_true(ev.ambiguous);
	assert_int_equal(ev.src_ip.family, 4);
	/* Every field at its maximum still fits. */
	struct ps_wire_msg m = { .hook = PS_WIRE_SESSION_OPEN };
	for (unsigned t = 1; t <= PS_WIRE_N_TAGS; t++)
		m.field[t] = long_name;
	assert_int_equal(ps_wire_encode(&m, buf), PS_WIRE_MAX);
	assert_int_equal(decode(buf, PS_WIRE_MAX, &ev), 1);
}

static void test_malformed(void **state)
{
	uint8_t buf[PS_WIRE_MAX + 8], copy[PS_WIRE_MAX + 8];
	struct ps_event ev;
	(void)state;
	size_t n = encode(buf, PS_WIRE_AUTH, PS_WIRE_FAILURE, "alice", NULL, NULL);
	size_t user_at = PS_WIRE_HEADER + 7; /* after the service field */

	for (size_t cut = 0; cut < n; cut++) {
		/* A datagram cut between two fields is a shorter valid one; anywhere else it is malformed. */
		bool between = cut == PS_WIRE_HEADER || cut == user_at || cut == user_at + 8;
		assert_int_equal(decode(buf, cut, &ev), between ? 1 : -EBADMSG);
	}
#define MUTATE(off, val, want)                                  \
	do {                                                    \
		memcpy(copy, buf, n);                           \
		copy[off] = (uint8_t)(val);                     \
		assert_int_equal(decode(copy, n, &ev), (want)); \
	} while (0)
	MUTATE(0, 'X', -EBADMSG);                          /* magic */
	MUTATE(4, 2, -EPROTONOSUPPORT);                    /* another version */
	MUTATE(4, 0, -EPROTONOSUPPORT);
	MUTATE(7, 1u << PS_WIRE_N_TAGS, -EBADMSG);          /* a cut flag for no field */
	MUTATE(PS_WIRE_HEADER, 0, -EBADMSG);               /* tag 0 */
	MUTATE(PS_WIRE_HEADER, PS_WIRE_N_TAGS + 1, -EBADMSG); /* unknown tag */
	MUTATE(user_at, PS_WIRE_SERVICE, -EBADMSG);        /* a tag twice */
	MUTATE(user_at + 2, 6, -EBADMSG);                  /* length past the end */
	MUTATE(user_at + 1, 0xff, -EBADMSG);               /* length past the maximum */
	MUTATE(user_at + 4, '\0', -EBADMSG);               /* a NUL inside a field */
	/* Longer than any datagram the format allows. */
	memset(buf + n, 0, sizeof(buf) - n);
	assert_int_equal(decode(buf, PS_WIRE_MAX + 1, &ev), -EBADMSG);
}

/* What the sender put in reaches the JSON writer byte for byte, and comes out escaped. */
static void test_hostile(void **state)
{
	static const char user[] = "x\n{\"kind\":\"auth_success\"}\x1b[31m\xff\xfe<b>\u202e";
	uint8_t buf[PS_WIRE_MAX];
	struct ps_event ev;
	struct ps_out o;
	(void)state;
	size_t n = encode(buf, PS_WIRE_AUTH, PS_WIRE_FAILURE, user, NULL, "198.51.100.4");
	assert_int_equal(decode(buf, n, &ev), 1);
	assert_str(ev.user, user);
	ps_out_init_mem(&o);
	ps_event_write_json(&o, &ev, 0);
	assert_int_equal(memchr(o.buf, '\n', o.len), o.buf + o.len - 1);
	assert_null(memchr(o.buf, '\x1b', o.len));
	assert_null(memchr(o.buf, '\xff', o.len));
	assert_non_null(memmem(o.buf, o.len, "\"user\":\"x\\n{\\\"kind\\\":", 20));
	ps_out_free(&o);
}

/* ---- the socket ---- */

struct dir {
	char root[64];
	char path[96];
};

static int setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	snprintf(d->root, sizeof(d->root), "/tmp/ps-pam-XXXXXX");
	if (!mkdtemp(d->root))
		return -1;
	snprintf(d->path, sizeof(d->path), "%s/run/pam.sock", d->root);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dir *d = *state;
	char run[128];
	unlink(d->path);
	snprintf(run, sizeof(run), "%s/run", d->root);
	rmdir(run);
	rmdir(d->root);
	free(d);
	return 0;
}

static void test_socket_sender(void **state)
{
	struct dir *d = *state;
	struct ps_pam_socket s;
	struct ps_pam_sender from;
	uint8_t buf[PS_WIRE_MAX], in[PS_WIRE_MAX + 1];
	size_t len;
	struct stat st;

	assert_int_equal(ps_pam_socket_open(&s, d->path), 0); /* makes run/ too */
	assert_int_equal(stat(d->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0666);
	assert_int_equal(ps_pam_socket_recv(&s, in, sizeof(in), &len, &from), 0); /* nothing yet */

	size_t n = encode(buf, PS_WIRE_SESSION_OPEN, 0, "alice", NULL, NULL);
	assert_int_equal(ps_wire_send(d->path, buf, n), 0);
	assert_int_equal(ps_pam_socket_recv(&s, in, sizeof(in), &len, &from), 1);
	assert_int_equal(len, n);
	assert_memory_equal(in, buf, n);
	assert_true(from.known);
	assert_int_equal(from.pid, getpid());
	/* Whoever runs the test: root, or the uid it holds. */
	assert_int_equal(from.uid, geteuid());

	/* Too long for the buffer: the real length comes back. */
	assert_int_equal(ps_wire_send(d->path, buf, n), 0);
	assert_int_equal(ps_pam_socket_recv(&s, in, 10, &len, &from), 1);
	assert_int_equal(len, n);
	ps_pam_socket_close(&s);
	assert_int_equal(lstat(d->path, &st), -1);
	char run[128];
	snprintf(run, sizeof(run), "%s/run", d->root);
	assert_int_equal(stat(run, &st), -1); /* made by open, gone with close */
	/* No socket: the sender fails at once. */
	assert_int_equal(ps_wire_send(d->path, buf, n), -ENOENT);
}

static void test_socket_takeover(void **state)
{
	struct dir *d = *state;
	struct ps_pam_socket a, b;
	char moved[128];
	struct stat st;

	assert_int_equal(ps_pam_socket_open(&a, d->path), 0);
	/* Someone listens: left alone. */
	assert_int_equal(ps_pam_socket_open(&b, d->path), -EADDRINUSE);
	/* Moved away and replaced by another: the first owner's close must not remove the second's file. */
	snprintf(moved, sizeof(moved), "%s.old", d->path);
	assert_int_equal(rename(d->path, moved), 0);
	assert_int_equal(ps_pam_socket_open(&b, d->path), 0);
	ps_pam_socket_close(&a);
	assert_int_equal(lstat(d->path, &st), 0);
	assert_int_equal(lstat(moved, &st), 0);
	unlink(moved);
	/* A leftover of a process gone (the file without its socket): replaced. */
	close(b.fd);
	assert_int_equal(ps_pam_socket_open(&a, d->path), 0);
	ps_pam_socket_close(&a);
	assert_int_equal(lstat(d->path, &st), -1);
	/* Not a socket: left alone. */
	int fd = open(d->path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_int_equal(ps_pam_socket_open(&b, d->path), -EEXIST);
	unlink(d->path);
	char longer[200];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[0] = '/';
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(ps_pam_socket_open(&b, longer), -ENAMETOOLONG);
}

/* Descriptors sent along with a datagram are not left open in the daemon. */
static void test_socket_fds(void **state)
{
	struct dir *d = *state;
	struct ps_pam_socket s;
	struct ps_pam_sender from;
	uint8_t in[64];
	size_t len;

	assert_int_equal(ps_pam_socket_open(&s, d->path), 0);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), passed = open("/dev/null", O_RDONLY);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d->path);
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} c;
	memset(&c, 0, sizeof(c));
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &passed, sizeof(int));
	assert_int_equal(sendmsg(fd, &mh, 0), 1);
	close(passed);

	int before = dup(0);
	close(before); /* the lowest free descriptor now */
	assert_int_equal(ps_pam_socket_recv(&s, in, sizeof(in), &len, &from), 1);
	assert_int_equal(len, 1);
	assert_true(from.known);
	int after = dup(0);
	assert_int_equal(after, before); /* nothing new was installed */
	close(after);
	close(fd);
	ps_pam_socket_close(&s);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_auth_failure),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_ruser),
		cmocka_unit_test(test_rhost),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_hostile),
		T(test_socket_sender),
		T(test_socket_takeover),
		T(test_socket_fds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
