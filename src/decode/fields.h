/*
 * Field parsers shared by several decoders. All work on slices and never
 * read outside them.
 */
#ifndef PS_DECODE_FIELDS_H
#define PS_DECODE_FIELDS_H

#include <stdbool.h>

#include "event/event.h"
#include "util/slice.h"

/* A TCP port: 1-5 digits, at most 65535. */
bool ps_parse_port(struct ps_str s, int32_t *port);

/*
 * Record a remote host as logged: an address goes to src_ip, a plausible
 * host name (printable ASCII, no spaces) to src_host. False (nothing set)
 * for anything else, including an empty string.
 */
bool ps_set_remote(struct ps_event *ev, struct ps_str host);

/*
 * If *s ends with " from HOST port N" (or, with port_optional, " from HOST"),
 * set the source from it and remove it from *s. HOST must pass
 * ps_set_remote(). False, with nothing changed, otherwise.
 */
bool ps_chop_from_host_port(struct ps_str *s, struct ps_event *ev, bool port_optional);

/*
 * sshd's connection identifier (OpenSSH packet.c sshpkt_fmt_connection_id):
 * "[authenticating user U |invalid user U |user U ]IP port N", exactly the
 * whole of s. Sets user, src_ip, src_port. *who says which prefix it had.
 */
enum ps_conn_who { PS_CONN_ANON, PS_CONN_AUTHENTICATING, PS_CONN_INVALID, PS_CONN_USER };
bool ps_parse_conn_id(struct ps_str s, struct ps_event *ev, enum ps_conn_who *who);

/* An account or group name as tools that validate names print it. */
bool ps_plausible_name(struct ps_str s);

#endif
