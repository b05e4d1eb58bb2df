/*
 * Decoding: one record in, at most one typed event out.
 *
 * Every byte of a message is attacker-controlled. Decoders read each
 * message by its fixed structure from the end the attacker does not
 * control (sshd's "from IP port N ssh2" suffix, sudo's leading user) and
 * never search the free text for markers. When attacker text makes a line
 * undecidable, the event is marked ambiguous and the undecidable fields are
 * left out rather than guessed.
 */
#ifndef PS_DECODE_DECODE_H
#define PS_DECODE_DECODE_H

#include "decode/record.h"
#include "event/event.h"

/*
 * Decode rec into *ev (initialised here). Returns 1 when rec is an
 * authentication event, 0 when it is not one (other programs, messages we
 * do not report), or -EBADMSG when rec is from a program we decode and
 * starts like one of its event messages but does not have that message's
 * structure (counted by callers as malformed). The event's text fields
 * point into rec's buffers.
 */
int ps_decode(const struct ps_record *rec, struct ps_event *ev);

#endif
