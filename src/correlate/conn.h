/*
 * sshd connections: the local address and port a client connected to
 * (dst_ip, dst_port), carried from the line that says it to the later
 * lines of the same connection, which do not.
 *
 * sshd says it once, at LogLevel VERBOSE: "Connection from A port P on B
 * port Q" (OpenSSH sshd.c, or sshd-session.c from 9.8), logged by the
 * process that then authenticates the client and logs "Accepted",
 * "Failed" and the PAM session lines under the same pid. So a connection
 * is keyed by (host, sshd pid), and an event of that key whose own source
 * differs from the connection's is not filled (the pid was reused).
 * The live daemon also learns a connection's local end from /proc
 * (enrich/procnet.h) and records it here, found or not, so that each
 * connection costs one look there at most.
 *
 * Bounded: a hash table of cap entries (rounded up to a power of two);
 * a new connection takes the least recently used entry among the few it
 * may go in. Nothing allocates after ps_conns_new().
 */
#ifndef PS_CORRELATE_CONN_H
#define PS_CORRELATE_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "event/event.h"

struct ps_conns;

struct ps_conns *ps_conns_new(size_t cap);
void ps_conns_free(struct ps_conns *c);

/* An sshd event's connection: learn its local end if ev says it, else fill
 * ev's dst_ip and dst_port from what is known. Other events pass. */
void ps_conns_apply(struct ps_conns *c, struct ps_event *ev);

/*
 * Whether ev's connection was already looked up (so a look in /proc
 * would be wasted): true when its local end is known or was searched
 * for. ev must be an sshd event with a pid and a source.
 */
bool ps_conns_tried(struct ps_conns *c, const struct ps_event *ev);

/* Record the outcome of a search for ev's connection's local end
 * (dst family 0: not found). */
void ps_conns_record(struct ps_conns *c, const struct ps_event *ev, const struct ps_ip *dst, int32_t dst_port);

#endif
