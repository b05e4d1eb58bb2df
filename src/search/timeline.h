/*
 * One login's whole story for `pamsignal search --session ID`: every event
 * of that session, from the authentication to the logout.
 *
 * The audit system stamps everything a login does with its session id
 * (ses=, the "session" field): USER_START/USER_END, sudo's USER_CMD, the
 * commands of an execve rule (run as root through sudo or su they keep
 * it, and login_user), pam_tty_audit's keystrokes. systemd-logind names
 * its sessions by that same id when there is one. What the journal says
 * about the login carries no session; it is tied in by the session key
 * the correlator uses (correlate/session.h):
 *
 *   - the pid of a process that wrote records of the session (sshd's
 *     monitor, sudo, su, login) on the same host: "Accepted ...", PAM's
 *     "session opened/closed", sudo's command line, and also the failed
 *     attempts of the same connection before the login succeeded;
 *   - the client address and port of such an event: sshd's post-auth
 *     child logs the disconnect under a pid of its own;
 *   - without audit records at all, logind's "New session ID of user U"
 *     and the PAM session_open for U by one process just before it.
 *
 * A pid is a key only within the session's span (its first event less
 * sshd's LoginGraceTime, 120 s, to its last plus 10 s), so a pid reused
 * later by another process does not join. Learning is a first pass over
 * the input (ps_timeline_learn on every event), membership a second
 * (ps_timeline_member, which learns connection keys as it goes: a
 * disconnect follows its login in the log).
 *
 * Bounded: at most 1024 pids, 64 connections, 16 recent session opens
 * (later ones are not learnt; a timeline that large still shows every
 * event carrying the session).
 */
#ifndef PS_SEARCH_TIMELINE_H
#define PS_SEARCH_TIMELINE_H

#include <stdbool.h>

#include "event/event.h"
#include "util/slice.h"

struct ps_timeline;

/* The timeline of session id on host (PS_STR_NULL: any host). NULL when out of memory. */
struct ps_timeline *ps_timeline_new(struct ps_str id, struct ps_str host);
void ps_timeline_free(struct ps_timeline *t);

/* First pass: every event of the input, in order. */
void ps_timeline_learn(struct ps_timeline *t, const struct ps_event *ev);

/* Second pass: whether ev belongs to the session. */
bool ps_timeline_member(struct ps_timeline *t, const struct ps_event *ev);

/* Whether the first pass found the session at all. */
bool ps_timeline_found(const struct ps_timeline *t);

#endif
