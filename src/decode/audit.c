/*
 * Audit records to events (contract in audit.h).
 *
 * Formats: the kernel's kernel/auditsc.c (SYSCALL, EXECVE with a<N>, a<N>_len
 * and a<N>[k] pieces, CWD), drivers/tty/tty_audit.c (TTY); libaudit's
 * audit_log_acct_message() and audit_log_user_command() as used by
 * Linux-PAM's pam_audit.c (USER_AUTH, USER_ACCT, USER_START, USER_END) and
 * sudo (USER_CMD).
 */
#include "decode/audit.h"

#include <errno.h>
#include <linux/audit.h> /* record type numbers */
#include <stdio.h>
#include <string.h>

#include "util/argv.h"
#include "util/ip.h"
#include "util/username.h"

/* User-space record types: libaudit.h (libaudit-dev, not needed otherwise); a stable ABI. */
#ifndef AUDIT_USER_AUTH
#define AUDIT_USER_AUTH 1100
#define AUDIT_USER_ACCT 1101
#define AUDIT_USER_START 1105
#define AUDIT_USER_END 1106
#define AUDIT_USER_LOGIN 1112
#define AUDIT_USER_CMD 1123
#endif

/* Programs whose terminal input is a password or passphrase (see audit.h). */
static const char *const PS_AUDIT_PROMPTERS[] = {
	"sudo", "sudoedit", "su", "doas", "pkexec", "ksu", "login", "passwd", "chpasswd", "chfn", "chsh",
	"newgrp", "sg", "gpasswd", "ssh", "scp", "sftp", "ssh-add", "ssh-keygen", "sshpass", "gpg",
	"gpg-agent", "pinentry", "pinentry-curses", "pinentry-tty", "kinit", "mysql", "mariadb", "psql",
	"htpasswd", "openssl", "cryptsetup", "ecryptfs-unwrap", "vncpasswd", "smbpasswd", "unix_chkpwd",
};

/* ---- text ---- */

static struct ps_str put(struct ps_audit_text *t, const char *p, size_t n)
{
	size_t room = sizeof(t->buf) - t->len;
	if (n > room)
		n = room;
	char *dst = t->buf + t->len;
	memcpy(dst, p, n);
	t->len += n;
	return ps_str(dst, n);
}

static bool all_hex(struct ps_str s)
{
	if (s.n == 0 || s.n % 2)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (ps_hex_digit(s.p[i]) < 0)
			return false;
	return true;
}

/* Append the bytes hex s stands for (s already checked by all_hex). */
static size_t unhex_into(struct ps_audit_text *t, struct ps_str s)
{
	size_t n = 0;
	for (size_t i = 0; i + 1 < s.n && t->len < sizeof(t->buf); i += 2, n++)
		t->buf[t->len++] = (char)(ps_hex_digit(s.p[i]) << 4 | ps_hex_digit(s.p[i + 1]));
	return n;
}

/*
 * An untrusted value as the kernel and libaudit write it: "quoted" when
 * nothing in it needs escaping, else hex; "(null)" and "?" mean none.
 * The result points into raw or into t.
 */
static struct ps_str untrusted(struct ps_audit_text *t, struct ps_str raw)
{
	if (raw.n >= 2 && raw.p[0] == '"' && raw.p[raw.n - 1] == '"')
		return ps_str(raw.p + 1, raw.n - 2);
	if (!ps_set(raw) || ps_eq_lit(raw, "(null)") || ps_eq_lit(raw, "?") || raw.n == 0)
		return PS_STR_NULL;
	if (!all_hex(raw))
		return raw;
	const char *start = t->buf + t->len;
	return ps_str(start, unhex_into(t, raw));
}

/* A value that is never encoded (addr=, terminal=, res=): quotes dropped, "?" is none. */
static struct ps_str plain(struct ps_str raw)
{
	if (raw.n >= 2 && raw.p[0] == '"' && raw.p[raw.n - 1] == '"')
		return ps_str(raw.p + 1, raw.n - 2);
	if (!ps_set(raw) || raw.n == 0 || ps_eq_lit(raw, "?") || ps_eq_lit(raw, "(none)") ||
	    ps_eq_lit(raw, "(null)"))
		return PS_STR_NULL;
	return raw;
}

/* ---- one record's fields ---- */

enum field {
	F_PID, F_PPID, F_UID, F_AUID, F_SES, F_ACCT, F_EXE, F_COMM, F_HOSTNAME, F_ADDR, F_TERMINAL,
	F_RES, F_SUCCESS, F_CMD, F_CWD, F_DATA, F_TTY, F_MAJOR, F_MINOR, F_ID, F_OP, F_PROCTITLE, F__COUNT
};
static const char *const field_names[F__COUNT] = {
	"pid", "ppid", "uid", "auid", "ses", "acct", "exe", "comm", "hostname", "addr", "terminal",
	"res", "success", "cmd", "cwd", "data", "tty", "major", "minor", "id", "op", "proctitle",
};

struct fields {
	struct ps_str v[F__COUNT];
	struct ps_str login_user; /* auid interpreted, copied */
	struct ps_str user;       /* uid interpreted, copied */
	struct ps_str id_user;    /* id= interpreted, copied */
};

static struct ps_str field_str(auparse_state_t *au)
{
	const char *v = auparse_get_field_str(au);
	return v ? ps_cstr(v) : PS_STR_NULL;
}

/* An id's name, unless unset or unknown to the system that wrote it. */
static struct ps_str id_name(auparse_state_t *au, struct ps_audit_text *t, bool enriched)
{
	struct ps_str raw = field_str(au);
	if (ps_eq_lit(raw, "4294967295") || ps_eq_lit(raw, "-1"))
		return PS_STR_NULL;
	const char *name;
	if (enriched) {
		/* log_format = ENRICHED: the writer's own names follow the record. */
		name = auparse_interpret_field(au); /* static buffer: copy */
	} else {
		/* Not enriched: auparse would ask NSS each time; ask once (util/username.h). */
		uint64_t uid;
		name = ps_parse_u64(raw, UINT32_MAX, &uid) == 0 ? ps_uid_name((int64_t)uid) : NULL;
	}
	if (!name || !*name || strncmp(name, "unknown(", 8) == 0 || strcmp(name, "unset") == 0)
		return PS_STR_NULL;
	return put(t, name, strlen(name));
}

/* The first occurrence of each field we use in the current record. */
static void collect(auparse_state_t *au, struct ps_audit_text *t, struct fields *f)
{
	memset(f, 0, sizeof(*f));
	if (auparse_first_field(au) <= 0)
		return;
	/* ENRICHED records end with the writer's names (UID="root" AUID="alice"...). */
	const char *names = auparse_get_record_interpretations(au);
	bool enriched = names && *names;
	do {
		const char *name = auparse_get_field_name(au);
		if (!name)
			continue;
		for (int i = 0; i < F__COUNT; i++) {
			if (ps_set(f->v[i]) || strcmp(name, field_names[i]) != 0)
				continue;
			f->v[i] = field_str(au);
			if (i == F_AUID)
				f->login_user = id_name(au, t, enriched);
			else if (i == F_UID)
				f->user = id_name(au, t, enriched);
			else if (i == F_ID)
				f->id_user = id_name(au, t, enriched);
			break;
		}
	} while (auparse_next_field(au) > 0);
}

static int64_t number(struct ps_str s, uint64_t max)
{
	uint64_t v;
	return ps_parse_u64(s, max, &v) == 0 ? (int64_t)v : -1;
}

/* auid and ses: 4294967295 is "unset". */
static int64_t audit_id(struct ps_str s)
{
	return number(s, 4294967294u);
}

/* What every kind of record says about who: pid, auid, ses, exe. */
static void common(struct ps_audit_text *t, const struct fields *f, struct ps_event *ev)
{
	ev->pid = number(f->v[F_PID], INT32_MAX);
	ev->login_uid = audit_id(f->v[F_AUID]);
	if (ev->login_uid >= 0)
		ev->login_user = f->login_user;
	if (audit_id(f->v[F_SES]) >= 0)
		ev->session = f->v[F_SES];
	ev->exe = untrusted(t, f->v[F_EXE]);
	if (ps_set(ev->exe)) {
		ptrdiff_t slash = ps_rfind(ev->exe, "/");
		ev->program = ps_tail(ev->exe, (size_t)(slash + 1));
	}
}

static enum ps_outcome result(struct ps_str res)
{
	if (ps_eq_lit(res, "success") || ps_eq_lit(res, "yes") || ps_eq_lit(res, "1"))
		return PS_OUTCOME_SUCCESS;
	if (ps_eq_lit(res, "failed") || ps_eq_lit(res, "no") || ps_eq_lit(res, "0"))
		return PS_OUTCOME_FAILURE;
	return PS_OUTCOME_NONE;
}

/* The program's service name: the sshd family is one service, as in decode.c. */
static struct ps_str service_of(struct ps_str program)
{
	if (ps_eq_lit(program, "sshd-session") || ps_eq_lit(program, "sshd-auth"))
		return PS_LIT("sshd");
	return program;
}

/* ---- user-space records ---- */

/* Programs that switch user: their record's uid is the person, acct= the target. */
static bool switches_user(struct ps_str program)
{
	static const char *const names[] = { "sudo", "sudoedit", "su", "runuser", "doas", "pkexec" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ps_eq_lit(program, names[i]))
			return true;
	return false;
}

/* "/dev/pts/2" and the kernel's "pts2" as "pts/2", like the other decoders. */
static struct ps_str terminal(struct ps_audit_text *t, struct ps_str raw)
{
	struct ps_str s = plain(raw), rest;
	if (!ps_set(s))
		return s;
	ps_skip(&s, "/dev/");
	rest = s;
	if (ps_skip(&rest, "pts") && rest.n > 0 && ps_all_digits(rest)) {
		struct ps_str out = put(t, "pts/", 4);
		out.n += put(t, rest.p, rest.n).n;
		return out;
	}
	return s;
}

static void remote(const struct fields *f, struct ps_event *ev)
{
	struct ps_str addr = plain(f->v[F_ADDR]), host = plain(f->v[F_HOSTNAME]);
	if (ps_set(addr) && ps_ip_parse(addr, &ev->src_ip) == 0)
		return;
	if (ps_set(host) && !ps_ip_valid(host))
		ev->src_host = host;
	else if (ps_set(host))
		ps_ip_parse(host, &ev->src_ip);
}

static int user_record(int type, struct ps_audit_text *t, const struct fields *f, struct ps_event *ev)
{
	enum ps_outcome res = result(f->v[F_RES]);

	switch (type) {
	case AUDIT_USER_AUTH:
		ev->kind = res == PS_OUTCOME_SUCCESS ? PS_KIND_AUTH_SUCCESS : PS_KIND_AUTH_FAILURE;
		if (res == PS_OUTCOME_FAILURE)
			ev->reason = PS_REASON_BAD_CREDENTIAL;
		break;
	case AUDIT_USER_ACCT:
		if (res != PS_OUTCOME_FAILURE)
			return 0;
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_NOT_ALLOWED;
		break;
	case AUDIT_USER_LOGIN:
		ev->kind = res == PS_OUTCOME_SUCCESS ? PS_KIND_AUTH_SUCCESS : PS_KIND_AUTH_FAILURE;
		if (res == PS_OUTCOME_FAILURE)
			ev->reason = PS_REASON_BAD_CREDENTIAL;
		break;
	case AUDIT_USER_START:
		if (res != PS_OUTCOME_SUCCESS)
			return 0;
		ev->kind = PS_KIND_SESSION_OPEN;
		break;
	case AUDIT_USER_END:
		ev->kind = PS_KIND_SESSION_CLOSE;
		break;
	case AUDIT_USER_CMD:
		ev->kind = PS_KIND_COMMAND;
		break;
	default:
		return 0;
	}
	if (!ps_set(f->v[F_RES]))
		return -EBADMSG;
	ev->outcome = res;
	common(t, f, ev);
	ev->service = service_of(ev->program);
	if (type == AUDIT_USER_CMD) {
		/* sudo: the record's uid is the person; cmd= is what they ran. */
		ev->user = f->user;
		ev->command = untrusted(t, f->v[F_CMD]);
		ev->cwd = untrusted(t, f->v[F_CWD]);
		if (!ps_set(ev->command))
			return -EBADMSG;
	} else {
		ev->user = untrusted(t, f->v[F_ACCT]);
		if (!ps_set(ev->user))
			ev->user = f->id_user; /* USER_LOGIN writes id= once the account is known */
		/* OpenSSH's audit-linux.c writes this literal for a name with no account. */
		if (type == AUDIT_USER_LOGIN && ps_eq_lit(ev->user, "(invalid user)")) {
			ev->user = PS_STR_NULL;
			ev->reason = PS_REASON_INVALID_USER;
		}
		if (switches_user(ev->program) && ps_set(f->user) && ps_set(ev->user) && !ps_eq(f->user, ev->user)) {
			ev->target_user = ev->user;
			ev->user = f->user;
		}
	}
	ev->tty = terminal(t, f->v[F_TERMINAL]);
	remote(f, ev);
	return 1;
}

/* ---- kernel events ---- */

/* "pts/N" or "ttyN" from a TTY record's device numbers (Documentation/admin-guide/devices.txt). */
static struct ps_str tty_name(struct ps_audit_text *t, const struct fields *f)
{
	int64_t major = number(f->v[F_MAJOR], 4095), minor = number(f->v[F_MINOR], 1u << 20);
	char buf[32];
	int n;
	if (major >= 136 && major <= 143 && minor >= 0)
		n = snprintf(buf, sizeof(buf), "pts/%lld", (long long)((major - 136) * 256 + minor));
	else if (major == 4 && minor >= 0 && minor < 64)
		n = snprintf(buf, sizeof(buf), "tty%lld", (long long)minor);
	else
		return PS_STR_NULL;
	return put(t, buf, (size_t)n);
}

static bool prompter(struct ps_str comm)
{
	for (size_t i = 0; i < sizeof(PS_AUDIT_PROMPTERS) / sizeof(PS_AUDIT_PROMPTERS[0]); i++)
		if (ps_eq_lit(comm, PS_AUDIT_PROMPTERS[i]))
			return true;
	return false;
}

static int tty_record(struct ps_audit_text *t, const struct fields *f, struct ps_event *ev)
{
	ev->kind = PS_KIND_TTY_INPUT;
	common(t, f, ev);
	ev->user = f->user;
	struct ps_str comm = untrusted(t, f->v[F_COMM]);
	if (ps_set(comm))
		ev->program = comm;
	ev->tty = tty_name(t, f);
	if (!ps_set(f->v[F_DATA]))
		return -EBADMSG;
	if (ps_set(comm) && prompter(comm)) {
		ev->detail = PS_LIT("input withheld: read by a program that asks for passwords");
		return 1;
	}
	ev->input = untrusted(t, f->v[F_DATA]);
	if (ev->input.n > PS_AUDIT_TEXT_MAX) {
		ev->input.n = PS_AUDIT_TEXT_MAX;
		ev->detail = PS_LIT("input cut at 8 KiB");
	}
	return 1;
}

/* Shell-like quoting, so that argv stays readable and unambiguous (util/argv.h). */
static void put_arg(struct ps_audit_text *t, struct ps_str a, bool first)
{
	ps_argv_put(t->buf, sizeof(t->buf), &t->len, a, first);
}

/* a<N>, or a<N>[k] (one piece of a long argument): N, and whether it is a piece. */
static bool arg_field(const char *name, uint64_t *n, bool *piece)
{
	struct ps_str s = ps_cstr(name), digits;
	if (!ps_skip(&s, "a"))
		return false;
	digits = ps_take_digits(&s);
	if (ps_parse_u64(digits, UINT32_MAX, n) < 0)
		return false;
	*piece = s.n > 0;
	return s.n == 0 || (s.p[0] == '[' && ps_ends(s, "]"));
}

/* EXECVE's arguments, each decoded, joined with spaces and quoted where needed. */
static struct ps_str argv_of(auparse_state_t *au, struct ps_audit_text *t, bool *cut)
{
	char piece[PS_AUDIT_TEXT_MAX];
	size_t start = t->len, piece_n = 0;
	uint64_t cur = UINT64_MAX;
	bool first = true;

	if (auparse_first_field(au) <= 0)
		return PS_STR_NULL;
	do {
		const char *name = auparse_get_field_name(au);
		uint64_t n;
		bool is_piece;
		if (!name || !arg_field(name, &n, &is_piece))
			continue;
		if (n != cur && cur != UINT64_MAX) {
			put_arg(t, ps_str(piece, piece_n), first);
			first = false;
			piece_n = 0;
		}
		cur = n;
		/* Decode into the scratch end of t, then move into piece. */
		size_t mark = t->len;
		struct ps_str v = untrusted(t, field_str(au));
		size_t room = sizeof(piece) - piece_n, take = v.n < room ? v.n : room;
		if (take < v.n)
			*cut = true;
		if (take)
			memmove(piece + piece_n, v.p, take);
		piece_n += take;
		t->len = mark;
		(void)is_piece;
	} while (auparse_next_field(au) > 0);
	if (cur != UINT64_MAX)
		put_arg(t, ps_str(piece, piece_n), first);
	struct ps_str cmd = ps_str(t->buf + start, t->len - start);
	if (cmd.n > PS_AUDIT_TEXT_MAX) {
		cmd.n = PS_AUDIT_TEXT_MAX;
		*cut = true;
	}
	return cmd;
}

static int execve_event(auparse_state_t *au, struct ps_audit_text *t, struct ps_event *ev)
{
	struct fields f;
	bool have_syscall = false, cut = false;
	struct ps_str cmd = PS_STR_NULL, cwd = PS_STR_NULL;

	auparse_first_record(au);
	do {
		switch (auparse_get_type(au)) {
		case AUDIT_SYSCALL:
			collect(au, t, &f);
			have_syscall = true;
			common(t, &f, ev);
			ev->ppid = number(f.v[F_PPID], INT32_MAX);
			ev->user = f.user;
			ev->outcome = result(f.v[F_SUCCESS]);
			ev->tty = terminal(t, f.v[F_TTY]);
			struct ps_str comm = untrusted(t, f.v[F_COMM]);
			if (ps_set(comm))
				ev->program = comm;
			break;
		case AUDIT_EXECVE:
			cmd = argv_of(au, t, &cut);
			break;
		case AUDIT_CWD: {
			struct fields c;
			collect(au, t, &c);
			cwd = untrusted(t, c.v[F_CWD]);
			break;
		}
		default:
			break;
		}
	} while (auparse_next_record(au) > 0);
	if (!have_syscall || !ps_set(cmd))
		return -EBADMSG;
	ev->kind = PS_KIND_COMMAND;
	ev->command = cmd;
	ev->cwd = cwd;
	if (cut)
		ev->detail = PS_LIT("command cut at 8 KiB");
	return 1;
}

/* The event's time (left as it is when out of range) and node=. */
static void stamp(auparse_state_t *au, struct ps_audit_text *t, int64_t *time_us, struct ps_str *host)
{
	const au_event_t *e = auparse_get_timestamp(au);
	if (!e)
		return;
	/* The stamp is parsed from the record's text: any number at all. */
	if ((uint64_t)e->sec <= (uint64_t)(INT64_MAX / 1000000 - 1) && e->milli < 1000)
		*time_us = (int64_t)e->sec * 1000000 + (int64_t)e->milli * 1000;
	if (e->host)
		*host = put(t, e->host, strlen(e->host));
}

/* PROCTITLE: the first 128 bytes of argv, NUL-separated (kernel/auditsc.c audit_log_proctitle). */
static struct ps_str proctitle(struct ps_audit_text *t, struct ps_str raw)
{
	size_t mark = t->len;
	struct ps_str v = untrusted(t, raw);
	char args[256];
	size_t n = v.n < sizeof(args) ? v.n : sizeof(args);
	if (!ps_set(v) || n == 0)
		return PS_STR_NULL;
	memcpy(args, v.p, n);
	t->len = mark;
	n = ps_argv_join(t->buf + mark, sizeof(t->buf) - mark, ps_str(args, n));
	t->len += n;
	return ps_str(t->buf + mark, n);
}

int ps_audit_proc(auparse_state_t *au, struct ps_audit_text *t, struct ps_audit_proc *p)
{
	struct fields f;
	bool have = false, cut = false;
	struct ps_str title = PS_STR_NULL;

	t->len = 0;
	*p = (struct ps_audit_proc){ .time_us = -1, .pid = -1, .ppid = -1 };
	if (auparse_first_record(au) <= 0)
		return 0;
	stamp(au, t, &p->time_us, &p->host);
	do {
		switch (auparse_get_type(au)) {
		case AUDIT_SYSCALL:
			collect(au, t, &f);
			p->pid = number(f.v[F_PID], INT32_MAX);
			p->ppid = number(f.v[F_PPID], INT32_MAX);
			p->comm = untrusted(t, f.v[F_COMM]);
			p->exe = untrusted(t, f.v[F_EXE]);
			have = true;
			break;
		case AUDIT_EXECVE:
			p->cmdline = argv_of(au, t, &cut);
			break;
		case AUDIT_PROCTITLE:
			collect(au, t, &f);
			title = f.v[F_PROCTITLE];
			break;
		default:
			break;
		}
	} while (auparse_next_record(au) > 0);
	if (!ps_set(p->cmdline) && ps_set(title))
		p->cmdline = proctitle(t, title);
	return have && p->pid > 0;
}

/* ---- the event ---- */

static bool has_record(auparse_state_t *au, int type)
{
	auparse_first_record(au);
	do
		if (auparse_get_type(au) == type)
			return true;
	while (auparse_next_record(au) > 0);
	return false;
}

int ps_audit_map(auparse_state_t *au, struct ps_audit_text *t, struct ps_event *ev)
{
	struct fields f;
	int r;

	ps_event_init(ev);
	t->len = 0;
	if (auparse_first_record(au) <= 0)
		return 0;
	stamp(au, t, &ev->time_us, &ev->host);
	int type = auparse_get_type(au);
	const char *type_name = auparse_get_type_name(au);
	const char *text = auparse_get_record_text(au);

	if (has_record(au, AUDIT_EXECVE)) {
		type = AUDIT_EXECVE;
		type_name = "EXECVE";
		r = execve_event(au, t, ev);
	} else {
		auparse_first_record(au);
		switch (type) {
		case AUDIT_USER_AUTH:
		case AUDIT_USER_ACCT:
		case AUDIT_USER_LOGIN:
		case AUDIT_USER_START:
		case AUDIT_USER_END:
		case AUDIT_USER_CMD:
			collect(au, t, &f);
			r = user_record(type, t, &f, ev);
			break;
		case AUDIT_TTY:
		case AUDIT_USER_TTY:
			collect(au, t, &f);
			r = tty_record(t, &f, ev);
			break;
		default:
			return 0;
		}
	}
	if (r <= 0)
		return r;
	ev->audit_type = type_name ? ps_cstr(type_name) : PS_STR_NULL;
	/* The record as written, except keystrokes: those could hold a password. */
	if (ev->kind != PS_KIND_TTY_INPUT && text)
		ev->message = ps_cstr(text);
	if (!ev->outcome)
		ev->outcome = ps_kind_outcome(ev->kind);
	return 1;
}

bool ps_audit_line(struct ps_str line, uint64_t *serial)
{
	struct ps_str s = line, tok;
	uint64_t v;

	if (ps_skip(&s, "node=")) {
		tok = ps_take_token(&s);
		if (tok.n == 0 || !ps_skip(&s, " "))
			return false;
	}
	if (!ps_skip(&s, "type="))
		return false;
	tok = ps_take_token(&s);
	if (tok.n == 0 || !ps_skip(&s, " msg=audit("))
		return false;
	ps_take_digits(&s);
	if (!ps_skip(&s, "."))
		return false;
	ps_take_digits(&s);
	if (!ps_skip(&s, ":"))
		return false;
	if (ps_parse_u64(ps_take_digits(&s), UINT64_MAX, &v) < 0 || !ps_skip(&s, "):"))
		return false;
	*serial = v;
	return true;
}
