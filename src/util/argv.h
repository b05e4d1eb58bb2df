/*
 * Command lines from argument vectors (EXECVE records, PROCTITLE,
 * /proc/PID/cmdline): arguments joined with spaces, each shell-quoted when
 * it needs it, so that the line stays readable and unambiguous ('a b' is
 * one argument, a b two). Bytes are kept as they are: escaping for output
 * is the writers' job.
 */
#ifndef PS_UTIL_ARGV_H
#define PS_UTIL_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/slice.h"

/*
 * Append arg to dst[*len..cap) (a space first unless first), quoted when
 * it holds a blank, a quote, a backslash, $, ` or a control byte; cut
 * silently at cap.
 */
void ps_argv_put(char *dst, size_t cap, size_t *len, struct ps_str arg, bool first);

/* NUL-separated arguments (a trailing NUL ends the last) joined as above. Returns the length. */
size_t ps_argv_join(char *dst, size_t cap, struct ps_str nul_separated);

#endif
