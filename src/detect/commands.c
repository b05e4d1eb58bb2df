/*
 * commands_of_interest: what a person runs in an interactive session that
 * an intruder runs first (detect/cmdline.h reads the command lines):
 * network and process discovery (netstat, ss, lsof: T1049, T1057), sniffing
 * (tcpdump: T1040), scanning and relays (nmap, nc, ncat, netcat, socat:
 * T1046), a download fed to a shell (T1105 Ingress Tool Transfer, T1059.004
 * Unix Shell) and history clearing (T1070.003).
 *
 * Read from: commands with a terminal (EXECVE with tty=, sudo's USER_CMD
 * and journal line; cron and services have none) and keystrokes read by a
 * shell (tty_input), which alone show a pipe into sh. The person is the
 * one who logged in (login_user), so a command run as root through sudo is
 * theirs. One incident per host, person and label; it counts distinct
 * command lines, so the same command seen as sudo's log line, its USER_CMD,
 * its EXECVE and the keystrokes that typed it counts once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/cmdline.h"
#include "detect/internal.h"

#define MAX_MATCHES 4
#define RECENT 7 /* command lines an incident remembers, to count each once */

struct recent {
	uint64_t hash[RECENT];
	uint32_t next;
};
_Static_assert(sizeof(struct recent) <= 64, "state.c saves at most 64 bytes of a rule's own data");

static const char *const shells[] = { "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "tcsh", "csh" };

static struct ps_str who(const struct ps_event *ev)
{
	return ps_set(ev->login_user) ? ev->login_user : ev->user;
}

static bool interactive(const struct ps_event *ev)
{
	if (ev->kind == PS_KIND_TTY_INPUT) {
		for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
			if (ps_eq_lit(ev->program, shells[i]))
				return true;
		return false;
	}
	return ev->kind == PS_KIND_COMMAND && ev->outcome != PS_OUTCOME_FAILURE && ps_set(ev->tty) &&
	       ev->tty.n > 0 && !ps_eq_lit(ev->tty, "unknown");
}

static const struct ps_cmd_rules *rules_of(const struct ps_detector *d)
{
	return &d->coi;
}

static size_t matches(const struct ps_detector *d, const struct ps_event *ev, struct ps_cmd_match *m)
{
	struct ps_str text = ev->kind == PS_KIND_TTY_INPUT ? ev->input : ev->command;
	return ps_set(text) ? ps_cmd_find(rules_of(d), text, m, MAX_MATCHES) : 0;
}

/* The MITRE ids of a label: its kind's, or the tool's. */
static void label_mitre(const struct ps_detector *d, struct ps_str label, struct ps_alert *a)
{
	a->n_mitre = 0;
	if (ps_eq_lit(label, "download_to_shell")) {
		a->mitre[a->n_mitre++] = "T1105";
		a->mitre[a->n_mitre++] = "T1059.004";
		return;
	}
	if (ps_eq_lit(label, "history_clearing")) {
		a->mitre[a->n_mitre++] = "T1070.003";
		return;
	}
	for (size_t i = 0; i < d->coi.n_tools; i++) {
		const struct ps_cmd_tool *t = &d->coi.tools[i];
		if (!ps_eq(label, ps_cstr(t->name)))
			continue;
		for (size_t k = 0; k < PS_CMD_MITRE_MAX && t->mitre[k]; k++)
			a->mitre[a->n_mitre++] = t->mitre[k];
		return;
	}
}

static void describe(struct ps_alert *a, const struct alert_ctx *c)
{
	struct ps_str label = ps_det_name_shown(c->key);
	struct ps_cmd_match m[MAX_MATCHES];
	const struct ps_cmd_match *hit = NULL;
	/* The line it was found on: the event's (a sample's text may be cut, and then not found). */
	size_t n = c->ev ? matches(c->d, c->ev, m) : 0;
	for (size_t i = 0; i < n && !hit; i++)
		if (ps_eq(ps_cmd_label(&m[i]), label))
			hit = &m[i];
	label_mitre(c->d, label, a);
	if (c->ev)
		a->user = who(c->ev);
	ps_det_say_name(a, "", ps_set(a->user) ? a->user : PS_LIT("?"), "");
	if (c->ev && ps_set(c->ev->login_user) && ps_set(c->ev->user) && !ps_eq(c->ev->user, c->ev->login_user))
		ps_det_say_name(a, " (as ", c->ev->user, ")");
	if (ps_eq_lit(label, "download_to_shell"))
		ps_alert_say(a, " piped a download into a shell");
	else if (ps_eq_lit(label, "history_clearing"))
		ps_alert_say(a, " cleared the shell history");
	else
		ps_det_say_name(a, " ran ", label, "");
	ps_alert_say(a, c->ev && c->ev->kind == PS_KIND_TTY_INPUT ? " (typed)" : " in an interactive session");
	if (hit) {
		ps_alert_say(a, ": ");
		ps_alert_say_str(a, hit->line, 120);
	}
	ps_det_say_count(a, "; ", " command lines");
}

void ps_det_setup_commands(struct ps_detector *d)
{
	struct rule_rt *r = &d->rules[PS_RULE_COMMANDS_OF_INTEREST];
	r->key_size = sizeof(struct name_key);
	r->hash = ps_det_hash_name_key;
	r->ring = r->cfg->threshold;
	r->ext_size = sizeof(struct recent);
	r->describe = describe;
}

void ps_det_commands(struct ps_detector *d, const struct ps_event *ev, int64_t now)
{
	struct rule_rt *r = &d->rules[PS_RULE_COMMANDS_OF_INTEREST];
	struct ps_cmd_match m[MAX_MATCHES];
	if (!r->table || !interactive(ev))
		return;
	size_t n = matches(d, ev, m);
	uint64_t person = n ? ps_det_hash(d, who(ev)) : 0;
	for (size_t i = 0; i < n; i++) {
		struct name_key k;
		ps_det_name_key(d, &k, ev->host, ps_cmd_label(&m[i]));
		k.host_hash = ps_det_mix(k.host_hash, person);
		struct entry *e = ps_det_entry(r, &k, 0, now);
		struct recent *seen = ps_det_ext(r, e);
		bool repeat = false;
		for (size_t j = 0; j < RECENT && !repeat; j++)
			repeat = seen->hash[j] == (m[i].hash | 1);
		if (repeat)
			continue;
		seen->hash[seen->next++ % RECENT] = m[i].hash | 1;
		ps_det_add(d, r, e, ev, now, 1, 0);
		ps_det_consider(d, r, e, ev, now, false);
	}
}

/* The list from [rule.commands_of_interest] commands, or the built-in one. */
int ps_det_commands_config(struct ps_detector *d, const struct ps_detect_config *cfg)
{
	d->coi = (struct ps_cmd_rules){ .download_to_shell = cfg->coi_download_to_shell,
					.history_clearing = cfg->coi_history_clearing };
	if (!cfg->coi_commands) {
		d->coi.tools = ps_cmd_default_tools;
		d->coi.n_tools = ps_cmd_n_default_tools;
		return 0;
	}
	size_t n = 0;
	while (cfg->coi_commands[n])
		n++;
	struct ps_cmd_tool *t = calloc(n ? n : 1, sizeof(*t));
	char **ids = calloc(n + 1, sizeof(*ids));
	if (!t || !ids) {
		free(t);
		free(ids);
		return -ENOMEM;
	}
	d->coi_tools = t;
	d->coi_ids = ids;
	d->coi.tools = t;
	d->coi.n_tools = n; /* from here on, ps_detector_free frees ids[0..n) */
	for (size_t i = 0; i < n; i++) {
		/* NAME[:ID[,ID]], checked when the configuration was loaded. */
		const char *w = cfg->coi_commands[i], *colon = strchr(w, ':');
		size_t len = colon ? (size_t)(colon - w) : strlen(w);
		memcpy(t[i].name, w, len < PS_CMD_NAME_MAX ? len : PS_CMD_NAME_MAX - 1);
		if (!colon) {
			const struct ps_cmd_tool *known = ps_cmd_known_tool(ps_str(w, len));
			if (known)
				memcpy(t[i].mitre, known->mitre, sizeof(t[i].mitre));
			continue;
		}
		if (!(ids[i] = strdup(colon + 1)))
			return -ENOMEM;
		char *id = ids[i];
		for (size_t k = 0; k < PS_CMD_MITRE_MAX && id && *id; k++) {
			t[i].mitre[k] = id;
			if ((id = strchr(id, ',')))
				*id++ = '\0';
		}
	}
	return 0;
}
