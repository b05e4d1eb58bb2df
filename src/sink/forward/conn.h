/*
 * One connection to a syslog receiver: UDP (RFC 5426), TCP (RFC 6587) or
 * TLS (RFC 5425, OpenSSL), always non-blocking. The caller polls fd for
 * POLLIN (a receiver never sends us data: readable means closed, or TLS
 * housekeeping) and for POLLOUT when want_write is set, and calls back in.
 *
 * What the receiver has: syslog over TCP has no acknowledgements of its
 * own, so ps_conn_acked() asks the kernel how much of what was written
 * the receiving host's TCP has acknowledged (SIOCOUTQ: bytes written and
 * not yet acknowledged). A message counts as delivered only when every
 * byte of it (for TLS, of the records carrying it) is acknowledged; when
 * the connection breaks first, it is sent again on the next one. That is
 * "at least once" up to the receiver's kernel: a receiver killed before it
 * reads its socket, or one that loses what it queued in memory, can still
 * lose messages (its own disk queue is the answer there).
 *
 * Errors are described in err (for the log): never secrets, never data.
 */
#ifndef PS_SINK_FORWARD_CONN_H
#define PS_SINK_FORWARD_CONN_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/config.h"

#define PS_CONN_TIMEOUT_US (10 * 1000000LL) /* to connect, and to finish the TLS handshake */
#define PS_CONN_ERR_MAX 256

enum ps_conn_state { PS_CONN_DOWN, PS_CONN_CONNECTING, PS_CONN_HANDSHAKE, PS_CONN_UP };

struct ps_conn {
	int fd;                 /* -1 when down */
	enum ps_conn_state state;
	enum ps_fwd_transport transport;
	SSL *ssl;
	bool want_write;        /* poll for POLLOUT */
	uint64_t sent;          /* bytes the kernel took on this connection (TLS: whole records) */
	int64_t deadline_us;    /* monotonic: connected and, with TLS, handshaken by then */
	char peer[80];          /* "address port N", for messages */
	char err[PS_CONN_ERR_MAX];
};

void ps_conn_init(struct ps_conn *c);

/* Resolve cfg's target (this may block on DNS: the forward thread only)
 * and start connecting. 0, or -errno with c->err set. */
int ps_conn_open(struct ps_conn *c, const struct ps_forward_config *cfg);

/* Drive a connection that is not up yet (after poll, or when its deadline
 * passed): 0 (in progress, or now PS_CONN_UP) or -errno with c->err. */
int ps_conn_progress(struct ps_conn *c, SSL_CTX *tls, const struct ps_forward_config *cfg, int64_t now_us);

/* Write up to n bytes: the count taken (> 0), 0 when the socket is full
 * (want_write is then set), or -errno (the connection is broken) with c->err.
 * UDP: one call is one datagram, taken whole or not at all. */
ssize_t ps_conn_write(struct ps_conn *c, const void *p, size_t n);

/* The socket is readable or hung up: read and drop what came. 0, or
 * -EPIPE when the receiver closed the connection, -errno on an error. */
int ps_conn_readable(struct ps_conn *c);

/* Bytes of c->sent the receiving host acknowledged (UDP: all of them). */
uint64_t ps_conn_acked(const struct ps_conn *c);

/* Close at once (a TLS close_notify is attempted, never waited for). */
void ps_conn_close(struct ps_conn *c);

/* tls.c: a client context for cfg (trust store or ca_file, optional client
 * certificate, TLS 1.2 or later). 0, or -EINVAL with err set. */
int ps_tls_context(SSL_CTX **ctx, const struct ps_forward_config *cfg, char *err, size_t n);
/* An SSL for fd, checking the name (or address) the certificate must carry. NULL with err set. */
SSL *ps_tls_session(SSL_CTX *ctx, int fd, const struct ps_forward_config *cfg, char *err, size_t n);
/* Why a TLS call failed (ret, SSL_get_error's code), with the certificate's
 * verification result when that was the cause. Clears OpenSSL's error queue. */
void ps_tls_describe(SSL *ssl, int code, char *err, size_t n);

#endif
