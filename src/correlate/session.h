/*
 * Login sessions: from the login to the logout, across the several lines
 * each daemon writes, so that a session_close says how long the session
 * lasted and where it came from.
 *
 * Keys, in the order they are tried:
 *   - the pid of the process that authenticated and opened the PAM session
 *     (sshd's monitor, sudo, su, login): "Accepted ...", "session opened",
 *     "session closed" all come from it;
 *   - for sshd's post-auth child, which logs "Disconnected from user U IP
 *     port P" under its own pid: the user, address and port of the login;
 *   - logind's session id ("New session 3 ...", "Removed session 3.").
 * A session closes once: the first of sshd's two logout lines carries
 * duration_s; the second is folded into it (ps_session_apply returns
 * false) instead of counting a second logout.
 *
 * The table is bounded: when full, the session seen least recently is
 * dropped (its close then comes out without a duration).
 */
#ifndef PS_CORRELATE_SESSION_H
#define PS_CORRELATE_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "event/event.h"
#include "util/out.h"
#include "util/slice.h"

struct ps_sessions;

struct ps_sessions *ps_sessions_new(size_t cap);
void ps_sessions_free(struct ps_sessions *s);

/*
 * Update the table from ev and fill in what ev lacks (duration_s, src_ip,
 * src_port, method, user). ev's fields may then point into the table: write
 * ev out before the next call. Returns false when ev is a repeat of a
 * close already reported and should not be emitted.
 */
bool ps_session_apply(struct ps_sessions *s, struct ps_event *ev);

size_t ps_sessions_open(const struct ps_sessions *s);

/* State file lines, "session\t..." one per open session. */
void ps_sessions_save(const struct ps_sessions *s, struct ps_out *o);
/* One saved line (without "session\t"). Returns 0 or -EINVAL. */
int ps_sessions_load_line(struct ps_sessions *s, struct ps_str line);

#endif
