/*
 * Diagnostics for people: "pamsignal: " + message on standard error.
 * Never pass log-line content here; name files, lines and keys instead.
 */
#ifndef PS_UTIL_LOG_H
#define PS_UTIL_LOG_H

__attribute__((format(printf, 1, 2))) void ps_log_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void ps_log_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void ps_log_info(const char *fmt, ...);

#endif
