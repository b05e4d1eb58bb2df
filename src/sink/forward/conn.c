#include "sink/forward/conn.h"

#include <errno.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/ip.h"
#include "util/timeconv.h"

/*
 * A receiver that vanishes without closing (a host down, a cable pulled)
 * is noticed after TCP_USER_TIMEOUT when data is waiting for its
 * acknowledgement, and by keepalive probes when nothing is: either way the
 * connection fails and what it had not acknowledged goes out again.
 */
#define USER_TIMEOUT_MS 30000
#define KEEPIDLE_S 60
#define KEEPINTVL_S 10
#define KEEPCNT 3

void ps_conn_init(struct ps_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static int fail(struct ps_conn *c, int err, const char *what)
{
	snprintf(c->err, sizeof(c->err), "%s: %s", what, strerror(err));
	return -err;
}

static void tcp_options(int fd)
{
	int on = 1, idle = KEEPIDLE_S, intvl = KEEPINTVL_S, cnt = KEEPCNT;
	unsigned timeout = USER_TIMEOUT_MS;
	/* Messages are batched by us; Nagle would only add delay. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout, sizeof(timeout));
}

static void describe_peer(struct ps_conn *c, const struct addrinfo *ai)
{
	struct ps_ip ip = { 0 };
	unsigned port = 0;
	if (ai->ai_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ai->ai_addr;
		ip.family = 4;
		memcpy(ip.a, &s->sin_addr, 4);
		port = ntohs(s->sin_port);
	} else if (ai->ai_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ai->ai_addr;
		ip.family = 6;
		memcpy(ip.a, &s->sin6_addr, 16);
		port = ntohs(s->sin6_port);
	}
	char buf[PS_IP_STRLEN];
	size_t n = ip.family ? ps_ip_format(&ip, buf) : 0;
	snprintf(c->peer, sizeof(c->peer), "%.*s port %u", (int)n, buf, port);
}

int ps_conn_open(struct ps_conn *c, const struct ps_forward_config *cfg)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV }, *res = NULL;
	char port[8];
	ps_conn_init(c);
	c->transport = cfg->transport;
	hints.ai_socktype = cfg->transport == PS_FWD_UDP ? SOCK_DGRAM : SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", cfg->port);
	int r = getaddrinfo(cfg->host, port, &hints, &res);
	if (r != 0) {
		snprintf(c->err, sizeof(c->err), "resolving %s: %s", cfg->host,
			 r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return -EHOSTUNREACH;
	}
	describe_peer(c, res);
	c->fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		r = fail(c, errno, "socket");
		freeaddrinfo(res);
		return r;
	}
	if (cfg->transport != PS_FWD_UDP)
		tcp_options(c->fd);
	if (connect(c->fd, res->ai_addr, res->ai_addrlen) == 0) {
		/* UDP always; TCP on loopback sometimes. */
		c->state = cfg->transport == PS_FWD_TLS ? PS_CONN_HANDSHAKE : PS_CONN_UP;
		c->want_write = cfg->transport == PS_FWD_TLS;
	} else if (errno == EINPROGRESS) {
		c->state = PS_CONN_CONNECTING;
		c->want_write = true;
	} else {
		r = fail(c, errno, "connect");
		freeaddrinfo(res);
		ps_conn_close(c);
		return r;
	}
	freeaddrinfo(res);
	c->deadline_us = ps_monotonic_us() + PS_CONN_TIMEOUT_US;
	return 0;
}

static int handshake(struct ps_conn *c)
{
	ERR_clear_error();
	int r = SSL_connect(c->ssl);
	if (r == 1) {
		c->state = PS_CONN_UP;
		c->want_write = false;
		return 0;
	}
	int code = SSL_get_error(c->ssl, r);
	if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
		c->want_write = code == SSL_ERROR_WANT_WRITE;
		return 0;
	}
	ps_tls_describe(c->ssl, code, c->err, sizeof(c->err));
	return -EPROTO;
}

int ps_conn_progress(struct ps_conn *c, SSL_CTX *tls, const struct ps_forward_config *cfg, int64_t now_us)
{
	if (c->state == PS_CONN_CONNECTING) {
		int soerr = 0;
		socklen_t len = sizeof(soerr);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			soerr = errno;
		if (soerr)
			return fail(c, soerr, "connect");
		struct sockaddr_storage ss;
		len = sizeof(ss);
		if (getpeername(c->fd, (struct sockaddr *)&ss, &len) == 0) {
			c->state = c->transport == PS_FWD_TLS ? PS_CONN_HANDSHAKE : PS_CONN_UP;
			c->want_write = c->transport == PS_FWD_TLS;
		} else if (now_us < c->deadline_us) {
			return 0; /* not connected yet: woken early */
		}
	}
	if (c->state == PS_CONN_HANDSHAKE) {
		if (!c->ssl && !(c->ssl = ps_tls_session(tls, c->fd, cfg, c->err, sizeof(c->err))))
			return -ENOMEM;
		int r = handshake(c);
		if (r < 0)
			return r;
	}
	if (c->state != PS_CONN_UP && now_us >= c->deadline_us) {
		snprintf(c->err, sizeof(c->err), "%s: timed out after %lld s",
			 c->state == PS_CONN_CONNECTING ? "connect" : "TLS handshake",
			 (long long)(PS_CONN_TIMEOUT_US / 1000000));
		return -ETIMEDOUT;
	}
	return 0;
}

ssize_t ps_conn_write(struct ps_conn *c, const void *p, size_t n)
{
	c->want_write = false;
	if (c->ssl) {
		ERR_clear_error();
		int r = SSL_write(c->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
		if (r > 0) {
			c->sent = BIO_number_written(SSL_get_wbio(c->ssl));
			return r;
		}
		int code = SSL_get_error(c->ssl, r);
		if (code == SSL_ERROR_WANT_WRITE || code == SSL_ERROR_WANT_READ) {
			c->want_write = code == SSL_ERROR_WANT_WRITE;
			c->sent = BIO_number_written(SSL_get_wbio(c->ssl));
			return 0;
		}
		ps_tls_describe(c->ssl, code, c->err, sizeof(c->err));
		return -EPIPE;
	}
	for (;;) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w >= 0) {
			c->sent += (uint64_t)w;
			return w;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
			c->want_write = true;
			return 0;
		}
		return fail(c, errno, "send");
	}
}

int ps_conn_readable(struct ps_conn *c)
{
	char buf[4096];
	if (c->transport == PS_FWD_UDP) {
		/* Only errors come back: an ICMP port unreachable for an earlier datagram. */
		if (recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			return fail(c, errno, "send");
		return 0;
	}
	if (c->ssl) {
		for (;;) {
			ERR_clear_error();
			int r = SSL_read(c->ssl, buf, sizeof(buf));
			if (r > 0)
				continue; /* a receiver has nothing to say to us; dropped */
			int code = SSL_get_error(c->ssl, r);
			if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE)
				return 0;
			if (code == SSL_ERROR_ZERO_RETURN || (code == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)) {
				ERR_clear_error();
				snprintf(c->err, sizeof(c->err), "the receiver closed the connection");
				return -EPIPE;
			}
			ps_tls_describe(c->ssl, code, c->err, sizeof(c->err));
			return -EPIPE;
		}
	}
	for (;;) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r > 0)
			continue;
		if (r == 0) {
			snprintf(c->err, sizeof(c->err), "the receiver closed the connection");
			return -EPIPE;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return fail(c, errno, "recv");
	}
}

uint64_t ps_conn_acked(const struct ps_conn *c)
{
	int outq = 0;
	if (c->transport == PS_FWD_UDP)
		return c->sent;
	if (c->fd < 0 || ioctl(c->fd, SIOCOUTQ, &outq) < 0 || outq < 0)
		return 0;
	return (uint64_t)outq > c->sent ? 0 : c->sent - (uint64_t)outq;
}

void ps_conn_close(struct ps_conn *c)
{
	if (c->ssl) {
		if (c->state == PS_CONN_UP) {
			SSL_shutdown(c->ssl); /* one close_notify, best effort: non-blocking */
		}
		SSL_free(c->ssl);
		ERR_clear_error();
	}
	if (c->fd >= 0)
		close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
	c->state = PS_CONN_DOWN;
	c->want_write = false;
}
