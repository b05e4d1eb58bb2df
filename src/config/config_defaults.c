/*
 * The default of every key, and the built-in table of which executables may
 * log as which syslog identifier. pamsignal.conf(5) and etc/pamsignal.conf
 * document the same values; change them together.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

/*
 * Paths are where Debian/Ubuntu and Fedora/RHEL install each program. The
 * kernel reports _EXE with symlinks resolved, so on merged-/usr systems the
 * /usr path is the one that matches; the /bin and /sbin ones are for systems
 * that still keep them apart.
 *
 * any_uid: the program is set-user-ID root, so the entry's _UID is the
 * invoking user's; only its _EXE can vouch for it.
 */
static const struct builtin_program {
	const char *identifier;
	const char *exes; /* space-separated */
	bool any_uid;
} builtin_programs[] = {
	{ "sshd", "/usr/sbin/sshd", false },
	/* OpenSSH 9.8 split the per-connection process out of sshd, 10.0 the
	 * pre-authentication one: Debian, Fedora, then upstream's default. */
	{ "sshd-session",
	  "/usr/lib/openssh/sshd-session /usr/libexec/openssh/sshd-session /usr/libexec/sshd-session", false },
	{ "sshd-auth", "/usr/lib/openssh/sshd-auth /usr/libexec/openssh/sshd-auth /usr/libexec/sshd-auth",
	  false },
	{ "sudo", "/usr/bin/sudo", true },
	{ "su", "/usr/bin/su /bin/su", true },
	{ "login", "/usr/bin/login /bin/login", false },
	{ "systemd-logind", "/usr/lib/systemd/systemd-logind /lib/systemd/systemd-logind", false },
	/* GDM's worker rewrites its argv[0] to "gdm-session-worker
	 * [pam/gdm-password]", and glibc's syslog() names the program by what
	 * follows the last '/' in argv[0]. */
	{ "gdm-password]", "/usr/libexec/gdm-session-worker /usr/lib/gdm3/gdm-session-worker", false },
	{ "useradd", "/usr/sbin/useradd /sbin/useradd", false },
	{ "usermod", "/usr/sbin/usermod /sbin/usermod", false },
	{ "userdel", "/usr/sbin/userdel /sbin/userdel", false },
	{ "groupadd", "/usr/sbin/groupadd /sbin/groupadd", false },
	{ "groupmod", "/usr/sbin/groupmod /sbin/groupmod", false },
	{ "groupdel", "/usr/sbin/groupdel /sbin/groupdel", false },
	{ "chpasswd", "/usr/sbin/chpasswd /sbin/chpasswd", false },
	{ "passwd", "/usr/bin/passwd /bin/passwd", true },
	{ "chage", "/usr/bin/chage /bin/chage", false },
	{ "chsh", "/usr/bin/chsh /bin/chsh", true },
	{ "chfn", "/usr/bin/chfn /bin/chfn", true },
	{ "gpasswd", "/usr/bin/gpasswd /bin/gpasswd", true },
	{ "newgrp", "/usr/bin/newgrp /bin/newgrp", true },
};

#define N_BUILTIN (sizeof(builtin_programs) / sizeof(builtin_programs[0]))

static int default_programs(struct ps_config *cfg)
{
	cfg->programs = calloc(N_BUILTIN, sizeof(*cfg->programs));
	if (!cfg->programs)
		return -ENOMEM;
	for (size_t i = 0; i < N_BUILTIN; i++) {
		struct ps_trusted_program *p = &cfg->programs[i];
		/* Counted as we go, so that ps_config_free() frees exactly what exists. */
		cfg->n_programs = i + 1;
		p->any_uid = builtin_programs[i].any_uid;
		p->identifier = strdup(builtin_programs[i].identifier);
		if (!p->identifier || ps_cfg_words(builtin_programs[i].exes, &p->exes) < 0)
			return -ENOMEM;
	}
	return 0;
}

int ps_cfg_defaults(struct ps_config *cfg)
{
	cfg->hostname = NULL; /* gethostname() when used */
	cfg->state_dir = strdup("/var/lib/pamsignal");
	cfg->journal = PS_SWITCH_AUTO;
	cfg->trusted_uids = calloc(1, sizeof(*cfg->trusted_uids)); /* root alone */
	cfg->n_trusted_uids = cfg->trusted_uids ? 1 : 0;
	cfg->file = PS_SWITCH_AUTO;
	cfg->audit = PS_SWITCH_AUTO;
	cfg->audit_path = strdup("/var/log/audit/audit.log");
	cfg->pam = PS_SWITCH_AUTO;
	cfg->pam_socket = strdup("/run/pamsignal/pam.sock");
	cfg->eventlog = true;
	cfg->eventlog_path = strdup("/var/log/pamsignal/events.jsonl");
	cfg->eventlog_max_size = 100ull << 20;
	cfg->eventlog_keep = 5;
	cfg->deadletter_max_size = 10ull << 20;
	cfg->deadletter_keep = 3;
	cfg->print = true;
	if (!cfg->state_dir || !cfg->trusted_uids || !cfg->eventlog_path || !cfg->audit_path || !cfg->pam_socket)
		return -ENOMEM;
	if (ps_cfg_words("/var/log/auth.log /var/log/secure", &cfg->file_paths) < 0)
		return -ENOMEM;
	if (ps_cfg_detect_defaults(&cfg->detect) < 0)
		return -ENOMEM;
	return default_programs(cfg);
}
