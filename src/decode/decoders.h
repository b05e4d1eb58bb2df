/*
 * The per-program decoders behind ps_decode(). Each takes the message text
 * and fills the event fields it knows about; ps_decode() has already set
 * time, host, program, pid, service and input position.
 *
 * Each returns 1 (event), 0 (not an event of this decoder), or -EBADMSG
 * (this decoder's message, malformed).
 */
#ifndef PS_DECODE_DECODERS_H
#define PS_DECODE_DECODERS_H

#include "event/event.h"
#include "util/slice.h"

int ps_decode_sshd(struct ps_str msg, struct ps_event *ev);
/* PAM module lines, "pam_unix(sshd:auth): ...", from any program. */
int ps_decode_pam(struct ps_str msg, struct ps_event *ev);
int ps_decode_sudo(struct ps_str msg, struct ps_event *ev);
int ps_decode_su(struct ps_str msg, struct ps_event *ev);
int ps_decode_login(struct ps_str msg, struct ps_event *ev);
int ps_decode_logind(struct ps_str msg, struct ps_event *ev);
/* useradd, usermod, userdel, groupadd, groupdel, groupmod, gpasswd, passwd, chpasswd. */
int ps_decode_account(struct ps_str msg, struct ps_event *ev);

#endif
