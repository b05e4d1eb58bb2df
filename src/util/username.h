/*
 * uid → user name on this machine, cached. A lookup goes through NSS
 * (files, systemd-userdb, LDAP, sssd: each miss opens files or talks to a
 * daemon), which must not be paid per record: an audit log names the same
 * few uids over and over, and on another machine's log most are unknown
 * here. Hits and misses are both kept, for CACHE_TTL seconds, so a user
 * added meanwhile is seen within a minute. Not thread-safe: one caller
 * thread (the daemon's loop, or a command).
 */
#ifndef PS_UTIL_USERNAME_H
#define PS_UTIL_USERNAME_H

#include <stdint.h>

/* The name of uid, or NULL (unknown here, or longer than 63 bytes). The
 * string stays valid until the next call. */
const char *ps_uid_name(int64_t uid);

/* Drop every cached answer (a reload). */
void ps_uid_names_forget(void);

#endif
