/*
 * The exec channel: one program run per message (an alert, an event or a
 * digest), without a shell, driven without ever waiting on it.
 *
 * - argv is the channel's `command` as written (config_argv.c): no value
 *   of the alert is ever put in argv or in the environment, so a hostile
 *   user name reaches the program only inside the JSON on its stdin.
 * - stdin: the alert or event JSON as submitted (the webhook's body; a
 *   digest is {"type":"digest",...}) and a newline, then end of file.
 * - environment: only PATH (a fixed system one), LANG=C.UTF-8,
 *   PAMSIGNAL_CHANNEL, PAMSIGNAL_ID (the stable id to deduplicate on),
 *   PAMSIGNAL_SEVERITY, PAMSIGNAL_TYPE (alert, event or digest),
 *   PAMSIGNAL_ATTEMPT (1 for the first try) and, when the daemon has one,
 *   CREDENTIALS_DIRECTORY (so the program can read its own credentials).
 *   Signal dispositions and mask are reset; only fds 0-2 are open.
 * - stdout and stderr: one pipe, read as it comes (a chatty program never
 *   blocks on it); the first PS_EXEC_OUTPUT_MAX bytes are kept for the
 *   dead-letter log.
 * - the program runs in a process group of its own. At the channel's
 *   timeout the whole group gets SIGKILL; it is then reaped as any other
 *   exit, and the attempt counts as failed (retried).
 * - exit status: 0 delivered; PS_EX_DATAERR (65, sysexits.h's EX_DATAERR:
 *   "the input data was incorrect") the program will never take this
 *   message: dead-lettered; anything else, or a signal: retried.
 *
 * The delivery thread waits on the descriptors ps_exec_waitfds() gives
 * (stdin writable, output readable, a pidfd that becomes readable at the
 * exit) together with libcurl's, in curl_multi_poll(), and calls
 * ps_exec_step() each time round. Where pidfd_open() is missing, the exit
 * is looked for every PS_EXEC_POLL_US instead.
 */
#ifndef PS_SINK_DELIVER_EXEC_H
#define PS_SINK_DELIVER_EXEC_H

#include <curl/curl.h>
#include <stdbool.h>
#include <sys/types.h>

#include "sink/deliver/message.h"
#include "sink/deliver/retry.h"

#define PS_EXEC_OUTPUT_MAX 4096
#define PS_EX_DATAERR 65
#define PS_EXEC_POLL_US 50000
#define PS_EXEC_WAITFDS 3

struct ps_exec {
	pid_t pid;            /* 0: nothing running */
	int pidfd;            /* -1: none (the exit is polled for) */
	int in_fd, out_fd;    /* -1 once closed */
	struct ps_out input;  /* what goes to stdin (memory mode) */
	size_t in_off;
	struct ps_out output; /* the first PS_EXEC_OUTPUT_MAX bytes of stdout and stderr */
	int64_t deadline_us;  /* monotonic: SIGKILL to the group then */
	bool timed_out;       /* the group was killed at the deadline */
	int status;           /* waitpid()'s, once ended */
};

/* A ps_exec with nothing running (also what ps_exec_free leaves). */
void ps_exec_init(struct ps_exec *x);

/*
 * Start the channel's command for m (attempt 1 for the first try), its
 * input and environment as said above, killed timeout_s after now_us.
 * 0, or -errno from pipe2/posix_spawn (nothing is running then).
 */
int ps_exec_start(struct ps_exec *x, const struct ps_msg *m, unsigned attempt, int64_t now_us);

/* The descriptors to wait on; returns how many (at most PS_EXEC_WAITFDS). */
unsigned ps_exec_waitfds(const struct ps_exec *x, struct curl_waitfd *w);

/*
 * Feed stdin, read the output, reap the program, kill it at the deadline.
 * Never blocks. Returns true once it has ended (status, timed_out are
 * set and nothing is left running or open); *wake_us is when to call
 * again at the latest (monotonic), for the timeout or exit polling.
 */
bool ps_exec_step(struct ps_exec *x, int64_t now_us, int64_t *wake_us);

/* Run it to its end, blocking (test-alert, tests): ps_exec_step and poll. */
void ps_exec_wait(struct ps_exec *x);

/* The ended program's outcome (see above). */
enum ps_outcome_class ps_exec_class(const struct ps_exec *x);
/* "exit status 3", "killed by signal 9", "killed after the timeout": for messages. */
void ps_exec_describe(const struct ps_exec *x, char *buf, size_t size);

/* Kill the group of a program still running and reap it (waits at most a
 * second), then release everything; harmless when nothing runs. */
void ps_exec_free(struct ps_exec *x);

#endif
