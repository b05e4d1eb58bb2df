/*
 * Was a journal entry written by the program it names?
 *
 * Anyone can log with any SYSLOG_IDENTIFIER (`logger -t sshd ...`), and any
 * user can run a copy of sshd. What a sender cannot choose are the fields
 * journald adds from the kernel: _UID (the sender's real uid, from the
 * socket credentials) and _EXE (read from /proc/PID/exe). An entry is
 * genuine when
 *   - _EXE is one of the executables configured for its identifier, and
 *   - _UID is a trusted uid (root by default), or the program is
 *     set-user-ID (sudo, su, passwd...: their real uid is the invoker's), or
 *     it is sshd's post-authentication child, which runs as the user it
 *     serves and logs only that user's disconnect.
 * When _EXE is missing (the process exited before journald read
 * /proc/PID/exe), its _COMM must be the base name of a listed executable,
 * and a set-user-ID program must also show the capabilities it ran with
 * (_CAP_EFFECTIVE), which no unprivileged sender has. _COMM can be set by
 * the process itself, so this fallback is weaker than _EXE.
 *
 * When the sender was reaped before journald looked, nothing but _UID is
 * left, and nothing can be verified: a trusted uid is believed (root can
 * forge anything anyway), and any other uid only about itself (a
 * set-user-ID program's entry whose user is the sender: sudo refusing the
 * user who ran it). A root `logger -t sshd` that exits at once can
 * therefore pass; one that lives long enough for journald to read its
 * /proc entry cannot.
 *
 * What remains: a local user who wins the race between sending a message
 * and journald reading /proc/PID/exe (by exec'ing sudo in between) can pass
 * the _EXE test for a set-user-ID program; the entry still carries their
 * own _UID.
 */
#ifndef PS_SOURCE_TRUST_H
#define PS_SOURCE_TRUST_H

#include <stdbool.h>

#include "config/config.h"
#include "event/event.h"
#include "source/journal.h"

/* ev: what the entry decoded into (its kind and user matter for sshd's child). */
bool ps_trust_genuine(const struct ps_config *cfg, const struct ps_sd_entry *e, const struct ps_event *ev);

#endif
