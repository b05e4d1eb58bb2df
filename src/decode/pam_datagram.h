/*
 * The pam socket's datagrams (pam/wire.h) as events: what pam_pamsignal.so
 * and `pamsignal pam-hook` saw, sent by root (the caller checks the
 * sender, source/pam_socket.h).
 */
#ifndef PS_DECODE_PAM_DATAGRAM_H
#define PS_DECODE_PAM_DATAGRAM_H

#include "event/event.h"
#include "util/slice.h"

/*
 * Decode one datagram into *ev (initialised here; its text fields point
 * into d). Returns 1 for an event; 0 for a well-formed datagram that is not
 * one (an account check that passed, see the mapping in the .c file);
 * -EPROTONOSUPPORT for another version of the format; -EBADMSG for anything
 * else that is not a version 1 datagram.
 */
int ps_decode_pam_datagram(struct ps_str d, struct ps_event *ev);

#endif
