/*
 * pamsignal run: the live daemon.
 *
 *   sources (journal, followed files)
 *     → decode → trust (journal: was it really sshd?) → dedup across sources
 *     → sessions (durations) → sinks (event log, terminal)
 *     → checkpoint (event log synced, then source positions saved)
 *
 * One thread reads, decodes and writes; a second only makes checkpoints
 * durable. Driven by sd-event: an idle daemon sleeps until the journal or a
 * followed file changes, a signal arrives, or the watchdog is due.
 */
#ifndef PS_DAEMON_DAEMON_H
#define PS_DAEMON_DAEMON_H

/* Run until SIGTERM/SIGINT. config_path NULL: the default path or defaults. Returns an exit status. */
int ps_daemon_run(const char *config_path);

#endif
