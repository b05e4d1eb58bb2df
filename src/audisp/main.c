/*
 * pamsignal-audisp: an auditd plugin (plugins.d, format = string) that
 * forwards each audit record auditd writes to its stdin to the pamsignal
 * daemon's audit socket, one datagram per record (audisp/wire.h).
 *
 * It never makes auditd wait. auditd writes into a pipe to this process;
 * if the plugin stopped reading, auditd's queue to its plugins would fill.
 * So stdin is always read, sends never block (MSG_DONTWAIT), and records
 * the daemon cannot take now (it is down, restarting or slow) wait in a
 * bounded queue; when that is full the oldest are dropped. The number
 * dropped is sent to the daemon as soon as it takes datagrams again, and
 * it reports it as a source_gap event, so loss is visible.
 *
 * Signals, as auditd's plugin interface (auditd-plugins(5)) uses them:
 * SIGTERM ends the plugin (after one last try to send what is queued);
 * SIGHUP asks it to re-read its configuration, and it has none beyond its
 * arguments, so it only tries to send again. End of stdin (auditd
 * stopped) ends it too.
 *
 * Usage (args in the plugins.d file): pamsignal-audisp [SOCKET [QUEUE_BYTES]].
 * Positional: auditd passes a plugin at most two arguments.
 *
 * Links libc only: it runs for as long as auditd does, as root.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "audisp/queue.h"
#include "audisp/wire.h"

#define DEFAULT_SOCKET "/run/pamsignal/audit.sock"
#define DEFAULT_QUEUE (4u << 20)
#define RETRY_MS 500 /* how soon the daemon's socket is tried again when it was not there */

static volatile sig_atomic_t stop, hup;

static void on_signal(int sig)
{
	if (sig == SIGTERM)
		stop = 1;
	else
		hup = 1;
}

/*
 * The socket is connected to the daemon's: then poll()'s POLLOUT tells
 * when the daemon's receive queue has room again (a unix datagram
 * socket's queue is short, net.unix.max_dgram_qlen, 10 by default), and a
 * daemon gone or restarted shows as an error, after which the plugin
 * connects again.
 */
struct plugin {
	int fd;           /* -1: not connected */
	struct sockaddr_un sa;
	socklen_t sa_len;
	struct ps_audisp_queue q;
	bool down;        /* the daemon's socket was not there: try again in RETRY_MS */
	bool full;        /* its queue was full: wait for POLLOUT */
	bool skipping;    /* in a line longer than PS_AUDISP_MAX: dropped up to its newline */
	char in[2 * PS_AUDISP_MAX];
	size_t in_len;
	char out[PS_AUDISP_MAX];
};

static void disconnect(struct plugin *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static bool connected(struct plugin *p)
{
	if (p->fd >= 0)
		return true;
	p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->fd < 0)
		return false;
	if (connect(p->fd, (const struct sockaddr *)&p->sa, p->sa_len) == 0)
		return true;
	disconnect(p);
	return false;
}

/* false: the daemon cannot take it now (p->full: its queue is full; p->down: it is not there). */
static bool send_one(struct plugin *p, const void *buf, size_t n)
{
	if (!connected(p)) {
		p->down = true;
		return false;
	}
	if (send(p->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return true;
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		p->full = true;
	} else {
		/* ECONNREFUSED: the daemon closed its socket (stopped, or restarted: connect to the new one). */
		disconnect(p);
		p->down = true;
	}
	return false;
}

/* Send the loss count first (it is about records older than any queued), then the queue. */
static void flush(struct plugin *p)
{
	p->down = p->full = false;
	if (p->q.dropped) {
		char msg[PS_AUDISP_DROP_MAX];
		if (!send_one(p, msg, ps_audisp_drop_msg(msg, p->q.dropped)))
			return;
		p->q.dropped = 0;
	}
	size_t n;
	while ((n = ps_audisp_queue_peek(&p->q, p->out, sizeof(p->out))) > 0) {
		if (!send_one(p, p->out, n))
			return;
		ps_audisp_queue_pop(&p->q);
	}
}

static void line(struct plugin *p, const char *s, size_t n)
{
	if (n && s[n - 1] == '\r')
		n--;
	if (n == 0 || memchr(s, '\0', n))
		return; /* not a record: nothing auditd would write */
	if (n > PS_AUDISP_MAX) {
		p->q.dropped++;
		return;
	}
	ps_audisp_queue_push(&p->q, s, n);
}

/* Split what was read into lines; a line longer than PS_AUDISP_MAX is dropped whole. */
static void lines(struct plugin *p)
{
	size_t start = 0;
	for (;;) {
		char *nl = memchr(p->in + start, '\n', p->in_len - start);
		if (!nl)
			break;
		size_t end = (size_t)(nl - p->in);
		if (p->skipping)
			p->skipping = false;
		else
			line(p, p->in + start, end - start);
		start = end + 1;
	}
	memmove(p->in, p->in + start, p->in_len - start);
	p->in_len -= start;
	if (p->in_len > PS_AUDISP_MAX) {
		if (!p->skipping)
			p->q.dropped++;
		p->skipping = true;
		p->in_len = 0;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: pamsignal-audisp [SOCKET [QUEUE_BYTES]]\n");
	return 2;
}

static bool parse_size(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && *s >= '0' && *s <= '9' && !*end && *out >= PS_AUDISP_MAX + 4 && *out <= (1ull << 30);
}

int main(int argc, char **argv)
{
	static struct plugin p;
	const char *path = DEFAULT_SOCKET;
	unsigned long long qbytes = DEFAULT_QUEUE;

	if (argc > 3 || (argc > 1 && argv[1][0] == '-'))
		return usage();
	if (argc > 1)
		path = argv[1];
	if (argc > 2 && !parse_size(argv[2], &qbytes)) {
		fprintf(stderr, "pamsignal-audisp: %s: not a queue size from %d to %llu bytes\n", argv[2],
			PS_AUDISP_MAX + 4, 1ull << 30);
		return 2;
	}
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(p.sa.sun_path)) {
		fprintf(stderr, "pamsignal-audisp: %s: not a socket path\n", path);
		return 2;
	}
	p.sa.sun_family = AF_UNIX;
	memcpy(p.sa.sun_path, path, n);
	p.sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);

	p.fd = -1;
	if (ps_audisp_queue_init(&p.q, (size_t)qbytes) < 0) {
		perror("pamsignal-audisp");
		return 1;
	}

	/* The signals are only let in while waiting in ppoll: none is missed between a check and the wait. */
	sigset_t block, wait_mask;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGHUP);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	bool eof = false;
	while (!stop && !eof) {
		struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
					 { .fd = p.full ? p.fd : -1, .events = POLLOUT } };
		struct timespec retry = { .tv_sec = 0, .tv_nsec = RETRY_MS * 1000000L };
		int r = ppoll(pfd, 2, p.down ? &retry : NULL, &wait_mask);
		if (r < 0 && errno != EINTR) {
			perror("pamsignal-audisp: poll");
			break;
		}
		hup = 0; /* nothing to re-read: the send below is the retry */
		if (r > 0 && pfd[0].revents) {
			ssize_t k = read(STDIN_FILENO, p.in + p.in_len, sizeof(p.in) - p.in_len);
			if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN))
				eof = true;
			else if (k > 0) {
				p.in_len += (size_t)k;
				lines(&p);
			}
		}
		flush(&p);
	}
	flush(&p); /* last chance for what is queued; what stays is lost with the process */
	disconnect(&p);
	ps_audisp_queue_free(&p.q);
	return 0;
}
