#include "sink/deliver/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sink/deliver/channels.h"
#include "util/timeconv.h"

#define SYSTEM_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

void ps_exec_init(struct ps_exec *x)
{
	memset(x, 0, sizeof(*x));
	x->pidfd = x->in_fd = x->out_fd = -1;
	ps_out_init_mem(&x->input);
	ps_out_init_mem(&x->output);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The environment (see exec.h), in buf; env points into it. */
#define ENV_MAX 8
struct env {
	char *v[ENV_MAX + 1];
	char buf[ENV_MAX][4200];
};

static void make_env(struct env *e, const struct ps_msg *m, unsigned attempt)
{
	size_t n = 0;
	const char *creds = getenv("CREDENTIALS_DIRECTORY");
	const char *type = m->digest ? "digest" : m->alert->is_alert ? "alert" : "event";
	/* Channel names, ids and severities are [A-Za-z0-9._:-] (config, alert.c): nothing to escape. */
	snprintf(e->buf[n++], sizeof(e->buf[0]), "%s", SYSTEM_PATH);
	snprintf(e->buf[n++], sizeof(e->buf[0]), "LANG=C.UTF-8");
	snprintf(e->buf[n++], sizeof(e->buf[0]), "PAMSIGNAL_CHANNEL=%s", m->ch->name);
	snprintf(e->buf[n++], sizeof(e->buf[0]), "PAMSIGNAL_ID=%s", m->id);
	snprintf(e->buf[n++], sizeof(e->buf[0]), "PAMSIGNAL_SEVERITY=%s", ps_severity_name(m->severity));
	snprintf(e->buf[n++], sizeof(e->buf[0]), "PAMSIGNAL_TYPE=%s", type);
	snprintf(e->buf[n++], sizeof(e->buf[0]), "PAMSIGNAL_ATTEMPT=%u", attempt);
	if (creds && *creds && strlen(creds) < 4000)
		snprintf(e->buf[n++], sizeof(e->buf[0]), "CREDENTIALS_DIRECTORY=%s", creds);
	for (size_t i = 0; i < n; i++)
		e->v[i] = e->buf[i];
	e->v[n] = NULL;
}

static int spawn(struct ps_exec *x, char *const argv[], char *const envp[])
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, r;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		r = -errno;
		close_fd(&in[0]);
		close_fd(&in[1]);
		return r;
	}
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* dup2 clears close-on-exec on 0-2; everything else the daemon holds is closed. */
	r = posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, out[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	if (!r)
		r = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	/* Its own process group (killed as one at the timeout); the daemon's
	 * blocked signals and ignored SIGPIPE are not the program's business. */
	if (!r)
		r = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (!r)
		r = posix_spawnattr_setpgroup(&at, 0);
	if (!r)
		r = posix_spawnattr_setsigmask(&at, &none);
	if (!r)
		r = posix_spawnattr_setsigdefault(&at, &all);
	if (!r)
		r = posix_spawn(&x->pid, argv[0], &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(in[0]);
	close(out[1]);
	if (r) {
		x->pid = 0;
		close(in[1]);
		close(out[0]);
		return -r;
	}
	x->in_fd = in[1];
	x->out_fd = out[0];
	fcntl(x->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(x->out_fd, F_SETFL, O_NONBLOCK);
#ifdef SYS_pidfd_open
	x->pidfd = (int)syscall(SYS_pidfd_open, x->pid, 0);
#endif
	if (x->pidfd >= 0)
		fcntl(x->pidfd, F_SETFD, FD_CLOEXEC);
	return 0;
}

int ps_exec_start(struct ps_exec *x, const struct ps_msg *m, unsigned attempt, int64_t now_us)
{
	struct env e;
	ps_out_reset(&x->input);
	ps_out_reset(&x->output);
	x->in_off = 0;
	x->timed_out = false;
	x->status = 0;
	ps_msg_json(&x->input, m);
	ps_out_putc(&x->input, '\n');
	if (x->input.error)
		return x->input.error;
	make_env(&e, m, attempt);
	int r = spawn(x, m->ch->command, e.v);
	if (r == 0)
		x->deadline_us = now_us + (int64_t)m->ch->timeout_s * 1000000;
	return r;
}

unsigned ps_exec_waitfds(const struct ps_exec *x, struct curl_waitfd *w)
{
	unsigned n = 0;
	if (!x->pid)
		return 0;
	if (x->in_fd >= 0)
		w[n++] = (struct curl_waitfd){ .fd = x->in_fd, .events = CURL_WAIT_POLLOUT };
	if (x->out_fd >= 0)
		w[n++] = (struct curl_waitfd){ .fd = x->out_fd, .events = CURL_WAIT_POLLIN };
	if (x->pidfd >= 0)
		w[n++] = (struct curl_waitfd){ .fd = x->pidfd, .events = CURL_WAIT_POLLIN };
	return n;
}

/*
 * A write to a program that closed its stdin raises SIGPIPE, which would
 * kill a process that does not ignore it (test-alert): it is blocked in
 * this thread around the write, and taken back if the write raised it.
 */
static ssize_t write_nosigpipe(int fd, const void *p, size_t n)
{
	sigset_t pipe_set, old, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	bool was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	ssize_t w = write(fd, p, n);
	int e = errno;
	if (w < 0 && e == EPIPE && !was_pending)
		sigtimedwait(&pipe_set, NULL, &(struct timespec){ 0 });
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return w;
}

static void feed(struct ps_exec *x)
{
	while (x->in_fd >= 0 && x->in_off < x->input.len) {
		ssize_t w = write_nosigpipe(x->in_fd, x->input.buf + x->in_off, x->input.len - x->in_off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w < 0) {
			close_fd(&x->in_fd); /* EPIPE: it does not read its input; its exit status says the rest */
			return;
		}
		x->in_off += (size_t)w;
	}
	close_fd(&x->in_fd); /* all written: end of file */
}

/* Read what the program wrote: at most 64 KiB a call, so that one writing
 * without end cannot keep the thread here past its timeout. */
static void drain(struct ps_exec *x)
{
	char buf[4096];
	for (int i = 0; i < 16 && x->out_fd >= 0; i++) {
		ssize_t r = read(x->out_fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			close_fd(&x->out_fd);
			return;
		}
		size_t room = PS_EXEC_OUTPUT_MAX - x->output.len;
		if (x->output.len < PS_EXEC_OUTPUT_MAX)
			ps_out_put(&x->output, buf, (size_t)r < room ? (size_t)r : room);
	}
}

bool ps_exec_step(struct ps_exec *x, int64_t now_us, int64_t *wake_us)
{
	*wake_us = INT64_MAX;
	if (!x->pid)
		return true;
	feed(x);
	drain(x);
	int st;
	pid_t r = waitpid(x->pid, &st, WNOHANG);
	if (r == x->pid || (r < 0 && errno == ECHILD)) {
		/* Ended. What it wrote before is in the pipe; a child of its own that
		 * keeps the pipe open is not waited for. */
		x->status = r == x->pid ? st : -1;
		drain(x);
		close_fd(&x->in_fd);
		close_fd(&x->out_fd);
		close_fd(&x->pidfd);
		x->pid = 0;
		return true;
	}
	if (!x->timed_out && now_us >= x->deadline_us) {
		kill(-x->pid, SIGKILL);
		x->timed_out = true;
		close_fd(&x->in_fd);
	}
	/* After the kill, the pidfd says when it is gone (or polling does). */
	if (!x->timed_out)
		*wake_us = x->deadline_us;
	if (x->pidfd < 0 && *wake_us > now_us + PS_EXEC_POLL_US)
		*wake_us = now_us + PS_EXEC_POLL_US;
	return false;
}

void ps_exec_wait(struct ps_exec *x)
{
	int64_t wake;
	while (!ps_exec_step(x, ps_monotonic_us(), &wake)) {
		struct curl_waitfd w[PS_EXEC_WAITFDS];
		struct pollfd p[PS_EXEC_WAITFDS];
		unsigned n = ps_exec_waitfds(x, w);
		for (unsigned i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = w[i].fd, .events = w[i].events == CURL_WAIT_POLLOUT ? POLLOUT : POLLIN };
		int64_t ms = wake == INT64_MAX ? 1000 : (wake - ps_monotonic_us()) / 1000 + 1;
		poll(p, n, ms < 0 ? 0 : ms > 1000 ? 1000 : (int)ms);
	}
}

enum ps_outcome_class ps_exec_class(const struct ps_exec *x)
{
	if (x->timed_out || x->status < 0 || !WIFEXITED(x->status))
		return PS_RETRY;
	if (WEXITSTATUS(x->status) == 0)
		return PS_SENT;
	return WEXITSTATUS(x->status) == PS_EX_DATAERR ? PS_DEAD : PS_RETRY;
}

void ps_exec_describe(const struct ps_exec *x, char *buf, size_t size)
{
	if (x->timed_out)
		snprintf(buf, size, "killed after the timeout");
	else if (x->status < 0)
		snprintf(buf, size, "lost (not our child)");
	else if (WIFEXITED(x->status))
		snprintf(buf, size, "exit status %d%s", WEXITSTATUS(x->status),
			 WEXITSTATUS(x->status) == PS_EX_DATAERR ? " (EX_DATAERR)" : "");
	else
		snprintf(buf, size, "killed by signal %d", WTERMSIG(x->status));
}

void ps_exec_free(struct ps_exec *x)
{
	if (x->pid) {
		kill(-x->pid, SIGKILL);
		/* Gone within a second, unless stuck in the kernel: then it is left
		 * behind rather than the daemon's exit held up. */
		for (int i = 0; i < 100 && waitpid(x->pid, NULL, WNOHANG) == 0; i++) {
			struct pollfd p = { .fd = x->pidfd, .events = POLLIN };
			if (x->pidfd >= 0)
				poll(&p, 1, 10);
			else
				nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
		}
		x->pid = 0;
	}
	close_fd(&x->in_fd);
	close_fd(&x->out_fd);
	close_fd(&x->pidfd);
	ps_out_free(&x->input);
	ps_out_free(&x->output);
	ps_exec_init(x);
}
