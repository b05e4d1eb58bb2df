/*
 * What pamsignal-audisp sends to the daemon's audit socket: one unix
 * datagram per message, shared by the plugin (libc only) and the daemon.
 *
 * - A record: the text of one audit record exactly as auditd handed it to
 *   the plugin, without its newline ("type=USER_LOGIN msg=audit(...): ...").
 * - A loss report: a NUL byte, then "dropped " and a decimal count: records
 *   the plugin had to throw away since its last report (the daemon was down
 *   or slow and the queue was full, or a record was too long). Audit records
 *   never contain a NUL byte, so the two cannot be confused.
 */
#ifndef PS_AUDISP_WIRE_H
#define PS_AUDISP_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* The longest record forwarded: auditd's records are at most 8970 bytes
 * (MAX_AUDIT_MESSAGE_LENGTH), more with the ENRICHED part; longer lines
 * are not records auditd wrote and are dropped (and counted). */
#define PS_AUDISP_MAX 16384
/* A loss report's longest form: NUL, "dropped ", 20 digits. */
#define PS_AUDISP_DROP_MAX 32

/* Write a loss report of n records into buf; returns its length. */
size_t ps_audisp_drop_msg(char buf[PS_AUDISP_DROP_MAX], uint64_t n);

enum ps_audisp_msg { PS_AUDISP_RECORD = 1, PS_AUDISP_DROPPED = 2 };

/*
 * One received datagram: PS_AUDISP_RECORD with *rec and *rec_len set to its
 * text, PS_AUDISP_DROPPED with *dropped set, or -EBADMSG (empty, a loss
 * report that is not one, a record longer than PS_AUDISP_MAX or with a NUL
 * or a newline in it).
 */
int ps_audisp_parse(const void *buf, size_t len, const char **rec, size_t *rec_len, uint64_t *dropped);

#endif
