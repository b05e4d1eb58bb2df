#include "event/event.h"

#include <stddef.h>
#include <string.h>

void ps_event_init(struct ps_event *ev)
{
	/* Field by field: zeroing text[] for every line would be wasted work. */
	memset(ev, 0, offsetof(struct ps_event, text));
	ev->time_us = -1;
	ev->pid = -1;
	ev->ppid = -1;
	ev->login_uid = -1;
	ev->sender_uid = -1;
	ev->duration_s = -1;
	ev->src_port = -1;
	ev->dst_port = -1;
	ev->src_as.number = -1;
	ev->count = 1;
}

const char *ps_kind_name(enum ps_kind k)
{
	static const char *const names[PS_KIND__COUNT] = {
		[PS_KIND_AUTH_SUCCESS] = "auth_success",
		[PS_KIND_AUTH_FAILURE] = "auth_failure",
		[PS_KIND_SESSION_OPEN] = "session_open",
		[PS_KIND_SESSION_CLOSE] = "session_close",
		[PS_KIND_COMMAND] = "command",
		[PS_KIND_PROBE] = "probe",
		[PS_KIND_ACCOUNT_CHANGE] = "account_change",
		[PS_KIND_TTY_INPUT] = "tty_input",
		[PS_KIND_SPOOFED_LOG] = "spoofed_log",
		[PS_KIND_SOURCE_GAP] = "source_gap",
		[PS_KIND_LOG_SUPPRESSED] = "log_suppressed",
		[PS_KIND_SOURCE_STATUS] = "source_status",
		[PS_KIND_FORWARD_OVERFLOW] = "forward_overflow",
	};
	return (unsigned)k < PS_KIND__COUNT ? names[k] : NULL;
}

const char *ps_outcome_name(enum ps_outcome o)
{
	switch (o) {
	case PS_OUTCOME_SUCCESS: return "success";
	case PS_OUTCOME_FAILURE: return "failure";
	default: return NULL;
	}
}

const char *ps_reason_name(enum ps_reason r)
{
	static const char *const names[PS_REASON__COUNT] = {
#define X(id, name) [PS_REASON_##id] = name,
		PS_REASONS(X)
#undef X
	};
	return (unsigned)r < PS_REASON__COUNT ? names[r] : NULL;
}

const char *ps_action_name(enum ps_action a)
{
	static const char *const names[PS_ACTION__COUNT] = {
#define X(id, name) [PS_ACTION_##id] = name,
		PS_ACTIONS(X)
#undef X
	};
	return (unsigned)a < PS_ACTION__COUNT ? names[a] : NULL;
}

enum ps_outcome ps_kind_outcome(enum ps_kind k)
{
	switch (k) {
	case PS_KIND_AUTH_SUCCESS:
	case PS_KIND_SESSION_OPEN:
		return PS_OUTCOME_SUCCESS;
	case PS_KIND_AUTH_FAILURE:
		return PS_OUTCOME_FAILURE;
	default:
		return PS_OUTCOME_NONE;
	}
}
