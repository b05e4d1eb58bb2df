/*
 * The authentication event: one thing that happened, decoded from one
 * record (a log line, a journal entry).
 *
 * Text fields are slices into the record the event was decoded from, or
 * into the event's own text[] (for text a decoder had to rewrite, such as
 * sshd's escaped user names): an event is valid only while that record's
 * buffer is, and a copy of an event must not outlive the original. Nothing
 * here allocates. A field that is unknown stays unset (ps_set() false, ip family
 * 0, number -1) and is left out of every output.
 */
#ifndef PS_EVENT_EVENT_H
#define PS_EVENT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/ip.h"
#include "util/slice.h"

enum ps_kind {
	PS_KIND_NONE = 0,
	PS_KIND_AUTH_SUCCESS,
	PS_KIND_AUTH_FAILURE,
	PS_KIND_SESSION_OPEN,
	PS_KIND_SESSION_CLOSE,
	PS_KIND_COMMAND,
	PS_KIND_PROBE,          /* pre-auth activity without a credential attempt */
	PS_KIND_ACCOUNT_CHANGE,
	PS_KIND_TTY_INPUT,      /* keystrokes recorded by the audit system (pam_tty_audit) */
	/* About the monitoring itself, from the live daemon: */
	PS_KIND_SPOOFED_LOG,    /* an entry claimed a watched program but was not written by it */
	PS_KIND_SOURCE_GAP,     /* entries may have been lost (journal vacuumed, file rotated away) */
	PS_KIND_LOG_SUPPRESSED, /* journald's rate limit dropped messages */
	PS_KIND_SOURCE_STATUS,  /* a source went blind or came back */
	PS_KIND_FORWARD_OVERFLOW, /* a [forward.NAME]'s queue was full: events were not forwarded */
	PS_KIND__COUNT
};

enum ps_outcome {
	PS_OUTCOME_NONE = 0,
	PS_OUTCOME_SUCCESS,
	PS_OUTCOME_FAILURE,
};

/* Why an attempt failed, or what a probe was. Names are the JSON values. */
#define PS_REASONS(X)                                                   \
	X(BAD_PASSWORD, "bad_password")                                 \
	X(BAD_KEY, "bad_key")                                           \
	X(BAD_CREDENTIAL, "bad_credential")                             \
	X(INVALID_USER, "invalid_user")                                 \
	X(NOT_ALLOWED, "not_allowed")                                   \
	X(ROOT_REFUSED, "root_refused")                                 \
	X(MAX_ATTEMPTS, "max_attempts")                                 \
	X(PAM_FAILURE, "pam_failure")                                   \
	X(LOCKED, "locked")                                             \
	X(EXPIRED, "expired")                                           \
	X(NOT_IN_SUDOERS, "not_in_sudoers")                             \
	X(COMMAND_NOT_ALLOWED, "command_not_allowed")                   \
	X(PASSWORD_REQUIRED, "password_required")                       \
	X(PARTIAL, "partial")                                           \
	X(POSTPONED, "postponed")                                       \
	X(CONNECT, "connect")                                           \
	X(PREAUTH_DISCONNECT, "preauth_disconnect")                     \
	X(NO_IDENT, "no_ident")                                         \
	X(BAD_BANNER, "bad_banner")                                     \
	X(KEX_ERROR, "kex_error")                                       \
	X(TIMEOUT, "timeout")                                           \
	X(REVERSE_MAPPING, "reverse_mapping")                           \
	X(PENALTY, "penalty")                                           \
	X(MAX_STARTUPS, "max_startups")

enum ps_reason {
	PS_REASON_NONE = 0,
#define X(id, name) PS_REASON_##id,
	PS_REASONS(X)
#undef X
	PS_REASON__COUNT
};

/* What an account_change did. Names are the JSON values of "action". */
#define PS_ACTIONS(X)                                   \
	X(USER_ADD, "user_add")                         \
	X(USER_DELETE, "user_delete")                   \
	X(USER_MODIFY, "user_modify")                   \
	X(USER_RENAME, "user_rename")                   \
	X(USER_LOCK, "user_lock")                       \
	X(USER_UNLOCK, "user_unlock")                   \
	X(PASSWORD_CHANGE, "password_change")           \
	X(GROUP_ADD, "group_add")                       \
	X(GROUP_DELETE, "group_delete")                 \
	X(GROUP_MODIFY, "group_modify")                 \
	X(GROUP_MEMBER_ADD, "group_member_add")         \
	X(GROUP_MEMBER_REMOVE, "group_member_remove")

enum ps_action {
	PS_ACTION_NONE = 0,
#define X(id, name) PS_ACTION_##id,
	PS_ACTIONS(X)
#undef X
	PS_ACTION__COUNT
};

/*
 * Attribution: the processes behind a local event, nearest first (the
 * parent of the event's own process, then its parent...). Each comes from
 * the audit records of its last execve, or else from /proc while it still
 * ran (via_proc), which names it without its command line (see
 * correlate/proctable.h).
 */
#define PS_PROC_DEPTH 6
struct ps_proc_link {
	int64_t pid;
	struct ps_str comm, exe, cmdline;
	bool via_proc;
};
struct ps_proc_chain {
	unsigned n;
	struct ps_proc_link v[PS_PROC_DEPTH];
};

/*
 * Where a source address is (enrich/geoip.h): text from the GeoIP
 * database, valid UTF-8 (checked at lookup) but untrusted like log text.
 */
struct ps_geo {
	struct ps_str country_iso_code; /* "AU" */
	struct ps_str country_name;     /* in English: "Australia" */
	struct ps_str city_name;        /* City databases only */
};

/* Who routes a source address: its autonomous system (enrich/geoip.h). */
struct ps_as {
	int64_t number;                 /* -1: unknown */
	struct ps_str organization;
};

struct ps_event {
	int64_t time_us;        /* -1: unknown */
	struct ps_str host;
	enum ps_kind kind;
	enum ps_outcome outcome;
	enum ps_reason reason;
	struct ps_str service;  /* normalised: sshd-session → sshd */
	struct ps_str program;  /* as logged */
	int64_t pid;            /* -1: unknown */
	int64_t ppid;           /* audit: the parent process; -1: unknown */
	struct ps_str exe;      /* audit: the executable that acted (exe=) */
	struct ps_str cmdline;  /* attribution: the command line of the process (pid) */
	const struct ps_proc_chain *parents; /* attribution: its ancestors; NULL: none known */
	int64_t sender_uid;     /* journal _UID of a spoofed entry; -1: unknown */
	struct ps_str sender_exe; /* journal _EXE of a spoofed entry */
	struct ps_str sender_comm; /* journal _COMM of a spoofed entry */
	struct ps_str user;     /* the account authenticated or tried; the invoker for sudo/su */
	struct ps_str target_user;
	struct ps_str login_user; /* audit: who logged in (auid's name), kept across sudo and su */
	int64_t login_uid;      /* who logged in, kept across sudo and su: audit's auid, or the journal's
	                         * _AUDIT_LOGINUID of the process that logged; -1: unknown or unset */
	struct ps_ip src_ip;
	int32_t src_port;       /* -1: unknown */
	struct ps_str src_host; /* remote name that is not an address (rhost=, UseDNS) */
	/* Enrichment (src/enrich/): not from the log line, from our own data. */
	struct ps_geo src_geo;
	struct ps_as src_as;
	struct ps_str src_provider; /* label of the range file's block holding src_ip ("aws/EC2/us-east-1") */
	struct ps_str src_rdns;     /* reverse DNS name of src_ip, when already resolved */
	struct ps_ip dst_ip;
	int32_t dst_port;
	struct ps_str method;
	struct ps_str key;      /* key type and fingerprint, or certificate description */
	struct ps_str tty;
	struct ps_str cwd;
	struct ps_str command;
	struct ps_str input;    /* tty_input: the keystrokes, decoded (never a password, see decode/audit.h) */
	struct ps_str session;
	int64_t duration_s;     /* session_close: seconds since session_open; -1: unknown */
	enum ps_action action;
	struct ps_str group;
	struct ps_str actor;    /* who made an account change, as logged */
	uint32_t count;         /* occurrences this event stands for (>= 1) */
	struct ps_str audit_type; /* audit: the record type the event came from (USER_AUTH, EXECVE...) */
	struct ps_str detail;   /* our own words on a monitoring event (never log text) */
	struct ps_str source;   /* live daemon: "journal" or the followed file */
	bool ambiguous;         /* attacker text made fields undecidable; they are left out */
	struct ps_str file;
	uint64_t line;          /* 0: unknown */
	struct ps_str message;
	char text[256];         /* decoder-rewritten text that fields may point into */
};

void ps_event_init(struct ps_event *ev);

const char *ps_kind_name(enum ps_kind k);
const char *ps_outcome_name(enum ps_outcome o);
const char *ps_reason_name(enum ps_reason r);
const char *ps_action_name(enum ps_action a);

/* Outcome implied by a kind (success for auth_success...), or NONE. */
enum ps_outcome ps_kind_outcome(enum ps_kind k);

#endif
