#include "source/trust.h"

#include <stdint.h>
#include <string.h>

#include "util/username.h"

static bool uid_trusted(const struct ps_config *cfg, int64_t uid)
{
	for (size_t i = 0; i < cfg->n_trusted_uids; i++)
		if ((int64_t)cfg->trusted_uids[i] == uid)
			return true;
	return false;
}

static bool exe_listed(const struct ps_trusted_program *prog, struct ps_str exe)
{
	for (char **p = prog->exes; p && *p; p++)
		if (ps_eq(exe, ps_cstr(*p)))
			return true;
	return false;
}

/*
 * Without _EXE, the kernel's command name: set at exec to the file's base
 * name cut to 15 bytes. A process can rename itself (prctl), so this only
 * keeps honest programs that exited early from looking forged, and
 * catches `logger -t sshd` when logger was just as quick.
 */
static bool comm_listed(const struct ps_trusted_program *prog, struct ps_str comm)
{
	if (!ps_set(comm))
		return false;
	for (char **p = prog->exes; p && *p; p++) {
		const char *base = strrchr(*p, '/');
		base = base ? base + 1 : *p;
		size_t n = strlen(base);
		if (ps_eq(comm, ps_str(base, n < 15 ? n : 15)))
			return true;
	}
	return false;
}

/* Needed only for sshd's post-auth child, once per logout (cached: util/username.h). */
static bool uid_is_user(int64_t uid, struct ps_str user)
{
	const char *name = ps_uid_name(uid);
	return name && ps_eq(user, ps_cstr(name));
}

static bool is_sshd(struct ps_str id)
{
	return ps_eq_lit(id, "sshd") || ps_eq_lit(id, "sshd-session") || ps_eq_lit(id, "sshd-auth");
}

bool ps_trust_genuine(const struct ps_config *cfg, const struct ps_sd_entry *e, const struct ps_event *ev)
{
	const struct ps_trusted_program *prog = ps_config_program(cfg, e->identifier.p, e->identifier.n);
	if (!prog || e->uid < 0)
		return false;
	/* Gone before journald could look at /proc: only _UID is left. */
	bool vanished = !ps_set(e->exe) && !ps_set(e->comm);
	bool exe_ok = ps_set(e->exe) ? exe_listed(prog, e->exe) : comm_listed(prog, e->comm);

	if (uid_trusted(cfg, e->uid))
		return exe_ok || vanished;
	if (prog->any_uid) {
		if (ps_set(e->exe))
			return exe_ok;
		if (!vanished)
			return exe_ok && e->capable;
		/* Nothing to check but the uid: believe only what it says about itself. */
		return ps_set(ev->user) && uid_is_user(e->uid, ev->user);
	}
	/* sshd's post-auth child runs as the user and logs "Disconnected from user U". */
	if (is_sshd(e->identifier) && ev->kind == PS_KIND_SESSION_CLOSE && (exe_ok || vanished))
		return uid_is_user(e->uid, ev->user);
	return false;
}
