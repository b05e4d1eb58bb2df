#include "daemon/forksave.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's exit status: 0, or the errno of what failed (they fit a byte). */
static int exit_status(int r)
{
	return r == 0 ? 0 : -r > 0 && -r < 256 ? -r : EIO;
}

int ps_forksave_start(const char *path, ps_checkpoint_fill_fn *fill, void *arg, pid_t *pid, int *pidfd)
{
	pid_t parent = getpid();
	pid_t child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		/* The parent may have died before the prctl: then stop here. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(ESRCH);
		/* While it lives the child holds copies of the pages the daemon
		 * writes: if that runs the unit out of memory, the kernel must
		 * kill the child, never the daemon (raising one's own score needs
		 * no privilege; best effort). The save is tried again later. */
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)!write(fd, "1000", 4);
			close(fd);
		}
		_exit(exit_status(ps_checkpoint_replace(path, fill, arg)));
	}
	*pid = child;
	*pidfd = -1;
#ifdef SYS_pidfd_open
	*pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (*pidfd >= 0)
		fcntl(*pidfd, F_SETFD, FD_CLOEXEC);
#endif
	return 0;
}

int ps_forksave_wait(pid_t pid, bool block)
{
	int status;
	pid_t w;
	do
		w = waitpid(pid, &status, block ? 0 : WNOHANG);
	while (w < 0 && errno == EINTR);
	if (w == 0)
		return 1;
	if (w < 0)
		return -errno;
	if (WIFEXITED(status))
		return -WEXITSTATUS(status);
	return -ECANCELED;
}
