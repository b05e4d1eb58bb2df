/*
 * One fact, several records: which one the rules count.
 *
 * A failed ssh password is logged by sshd itself ("Failed password ..."),
 * by PAM in the log (pam_unix), by PAM to the audit system (USER_AUTH
 * res=failed), by sshd to the audit system (USER_LOGIN res=failed), and
 * by pamsignal's PAM module. sudo, su and login are alike. Counting each
 * would make one guess five, and a root login two root logins.
 *
 * The program's own log line is the record that counts: it is the one
 * every peer reads and the only one with the method and port. Audit and
 * PAM-module records of those programs corroborate it once the program's
 * own log is known to reach the detector for that host: either the caller
 * says so (pamsignal run with a journal or log file source) or a log line
 * of the program has been seen from that host (scan: give log files
 * before audit logs). Without the program's log they count, with sshd's
 * two audit records of one attempt paired like its log lines (attempt.c).
 *
 * Records of other programs (EXECVE of a shell's children, a cron job's
 * PAM failure) have no log line of their own here and always count.
 */
#include <string.h>

#include "detect/internal.h"

enum det_program ps_det_program(struct ps_str s)
{
	/* By length first: most services are none of these. */
	switch (s.n) {
	case 2:
		return ps_eq_lit(s, "su") ? PROG_SU : PROG_OTHER;
	case 4:
		return ps_eq_lit(s, "sshd") ? PROG_SSHD : ps_eq_lit(s, "sudo") ? PROG_SUDO
			: ps_eq_lit(s, "su-l") ? PROG_SU : PROG_OTHER;
	case 5:
		return ps_eq_lit(s, "login") ? PROG_LOGIN : PROG_OTHER;
	case 6:
		return ps_eq_lit(s, "sudo-i") ? PROG_SUDO : PROG_OTHER;
	default:
		return PROG_OTHER;
	}
}

static bool secondary(const struct ps_event *ev)
{
	return ps_set(ev->audit_type) || ps_eq_lit(ev->source, "pam");
}

bool ps_det_secondary(const struct ps_event *ev)
{
	return secondary(ev);
}

static uint64_t *view_slot(struct ps_detector *d, uint64_t host_hash)
{
	return &d->views[host_hash % PS_DET_VIEWS];
}

bool ps_det_corroborates(struct ps_detector *d, const struct ps_event *ev)
{
	if (d->program == PROG_OTHER)
		return false;
	if (d->program_logs)
		return secondary(ev); /* nothing to learn: no host hash per line */
	uint64_t host = ps_det_host_hash(d);
	if (!secondary(ev)) {
		*view_slot(d, host) = host; /* this host's program logs reach us */
		d->any_view = true;
		return false;
	}
	/* auditd names no node by default (name_format = NONE): a record
	 * without a host is this machine's, whose logs are the ones seen. */
	if (!ps_set(ev->host))
		return d->any_view;
	return *view_slot(d, host) == host;
}

void ps_detector_set_program_logs(struct ps_detector *d, bool on)
{
	d->program_logs = on;
}
