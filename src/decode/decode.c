#include "decode/decode.h"

#include <errno.h>

#include "decode/decoders.h"

void ps_record_init(struct ps_record *rec)
{
	*rec = (struct ps_record){ .time_us = -1, .pid = -1, .login_uid = -1 };
}

int64_t ps_login_uid(struct ps_str s)
{
	uint64_t v;
	return ps_parse_u64(s, UINT32_MAX - 1, &v) == 0 ? (int64_t)v : -1;
}

typedef int (*decoder_fn)(struct ps_str msg, struct ps_event *ev);

/* Programs we decode, the service name their events carry, and how. */
static const struct program {
	const char *name;
	const char *service;
	decoder_fn decode;
} programs[] = {
	{ "sshd", "sshd", ps_decode_sshd },
	{ "sshd-session", "sshd", ps_decode_sshd },
	{ "sshd-auth", "sshd", ps_decode_sshd },
	{ "sudo", "sudo", ps_decode_sudo },
	{ "su", "su", ps_decode_su },
	{ "login", "login", ps_decode_login },
	{ "systemd-logind", "systemd-logind", ps_decode_logind },
	{ "useradd", "useradd", ps_decode_account },
	{ "usermod", "usermod", ps_decode_account },
	{ "userdel", "userdel", ps_decode_account },
	{ "groupadd", "groupadd", ps_decode_account },
	{ "groupmod", "groupmod", ps_decode_account },
	{ "groupdel", "groupdel", ps_decode_account },
	{ "gpasswd", "gpasswd", ps_decode_account },
	{ "passwd", "passwd", ps_decode_account },
	{ "chpasswd", "chpasswd", ps_decode_account },
	{ "newusers", "newusers", ps_decode_account },
	{ "chage", "chage", ps_decode_account },
	{ "chsh", "chsh", ps_decode_account },
	{ "chfn", "chfn", ps_decode_account },
};

static const struct program *find_program(struct ps_str name)
{
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (ps_eq_lit(name, programs[i].name))
			return &programs[i];
	return NULL;
}

/*
 * rsyslog's repeated-message reduction: "message repeated N times: [ MSG]".
 * The inner message is decoded and the event stands for N occurrences.
 */
static struct ps_str unwrap_repeated(struct ps_str msg, uint32_t *count)
{
	struct ps_str m = msg;
	uint64_t n;
	if (!ps_skip(&m, "message repeated "))
		return msg;
	struct ps_str digits = ps_take_digits(&m);
	if (ps_parse_u64(digits, UINT32_MAX, &n) < 0 || n == 0 ||
	    !ps_skip(&m, " times: [ ") || !ps_chop(&m, "]"))
		return msg;
	*count = (uint32_t)n;
	return m;
}

int ps_decode(const struct ps_record *rec, struct ps_event *ev)
{
	ps_event_init(ev);
	ev->time_us = rec->time_us;
	ev->host = rec->host;
	ev->program = rec->program;
	ev->pid = rec->pid;
	ev->file = rec->file;
	ev->line = rec->line;
	ev->message = rec->message;

	uint32_t count = 1;
	struct ps_str msg = unwrap_repeated(rec->message, &count);
	const struct program *prog = find_program(rec->program);
	int r;

	if (prog)
		ev->service = ps_cstr(prog->service);
	/* PAM modules log through whichever program loaded them. */
	if (ps_starts(msg, "pam_"))
		r = ps_decode_pam(msg, ev);
	else if (prog)
		r = prog->decode(msg, ev);
	else
		r = 0;
	if (r <= 0)
		return r;
	if (!ev->outcome)
		ev->outcome = ps_kind_outcome(ev->kind);
	if (!ps_set(ev->session) && rec->audit_session.n > 0)
		ev->session = rec->audit_session;
	ev->login_uid = rec->login_uid;
	if (count > 1) {
		uint64_t total = (uint64_t)ev->count * count;
		ev->count = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
	}
	return 1;
}
