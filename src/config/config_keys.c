/*
 * The sections and keys of pamsignal.conf and how each value is read.
 *
 * Every problem names its section and key. A value that does not parse
 * leaves the field as it was, and the load as a whole fails, so nothing is
 * half-applied. Keys are case-sensitive; a near miss gets a suggestion.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_internal.h"
#include "util/secret.h"
#include "util/slice.h"

static const char *const section_names[PS_SEC_COUNT] = {
	[PS_SEC_GENERAL] = "general",
	[PS_SEC_JOURNAL] = "source.journal",
	[PS_SEC_PROGRAMS] = "source.journal.programs",
	[PS_SEC_FILE] = "source.file",
	[PS_SEC_AUDIT] = "source.audit",
	[PS_SEC_PAM] = "source.pam",
	[PS_SEC_EVENTLOG] = "output.eventlog",
	[PS_SEC_STDOUT] = "output.stdout",
	[PS_SEC_DETECT] = "detect",
	[PS_SEC_ENRICH] = "enrich",
};

const char *ps_cfg_section_name(enum ps_cfg_section s)
{
	return s >= 0 && s < PS_SEC_COUNT ? section_names[s] : "?";
}

#define FIELD(type, ld, key) ((type *)(void *)((char *)(ld)->cfg + (key)->field))

/* Report a bad value of key `name` in the current section. Returns -EINVAL. */
__attribute__((format(printf, 3, 4))) static int bad_value(struct ps_cfg_loader *ld, const char *name,
							    const char *fmt, ...)
{
	char msg[400], q[PS_CFG_QUOTE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[%s] %s: %s", ps_cfg_section_name(ld->section),
		      ps_cfg_quote(q, name, strlen(name)), msg);
	return -EINVAL;
}

static const char *quote(char q[PS_CFG_QUOTE_MAX], const char *s)
{
	return ps_cfg_quote(q, s, strlen(s));
}

bool ps_cfg_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			*out = strcasecmp(v, yes[i]) == 0;
			return true;
		}
	}
	return false;
}

static int set_bool(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	bool b;
	if (!ps_cfg_parse_bool(v, &b))
		return bad_value(ld, k->name, "'%s' is not yes or no (true/false, on/off and 1/0 also work)",
				 quote(q, v));
	*FIELD(bool, ld, k) = b;
	return 0;
}

static int set_switch(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	enum ps_switch sw;
	bool b;
	if (strcasecmp(v, "auto") == 0)
		sw = PS_SWITCH_AUTO;
	else if (ps_cfg_parse_bool(v, &b))
		sw = b ? PS_SWITCH_YES : PS_SWITCH_NO;
	else
		return bad_value(ld, k->name, "'%s' is not auto, yes or no", quote(q, v));
	*FIELD(enum ps_switch, ld, k) = sw;
	return 0;
}

/* Paths end up in log lines and JSON: absolute, and nothing that could break a line. */
bool ps_cfg_check_path(struct ps_cfg_loader *ld, const char *name, const char *p)
{
	char q[PS_CFG_QUOTE_MAX];
	if (p[0] != '/') {
		bad_value(ld, name, "'%s' is not an absolute path", quote(q, p));
		return false;
	}
	for (const char *c = p; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			bad_value(ld, name, "'%s' contains a tab or another control character", quote(q, p));
			return false;
		}
	}
	return true;
}

static int replace_str(char **field, const char *v)
{
	char *copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

static int set_path(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	if (!ps_cfg_check_path(ld, k->name, v))
		return -EINVAL;
	return replace_str(FIELD(char *, ld, k), v);
}

/* A unix socket's path must fit in struct sockaddr_un. */
static int set_socket_path(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	if (strlen(v) > 107)
		return bad_value(ld, k->name, "'%s' is longer than a socket path can be (107 bytes)", quote(q, v));
	return set_path(ld, k, v);
}

/* A socket path, or empty for none. */
static int set_socket_or_none(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	if (*v)
		return set_socket_path(ld, k, v);
	free(*FIELD(char *, ld, k));
	*FIELD(char *, ld, k) = NULL;
	return 0;
}

/* A secret's file: absolute, or a systemd credential's name (util/secret.h). */
static int set_secret_file(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return bad_value(ld, k->name, "'%s' contains a tab or another control character", quote(q, v));
	if (!*v || (v[0] != '/' && strchr(v, '/')))
		return bad_value(ld, k->name, "'%s' is not an absolute path or a credential name", quote(q, v));
	return replace_str(FIELD(char *, ld, k), v);
}

static int set_hostname(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
	char q[PS_CFG_QUOTE_MAX];
	size_t n = strlen(v);
	if (n == 0 || n > 253 || strspn(v, ok) != n)
		return bad_value(ld, k->name, "'%s' is not a host name (1 to 253 letters, digits, '.', '-', '_')",
				 quote(q, v));
	return replace_str(FIELD(char *, ld, k), v);
}

/* A list key's words, or -EINVAL when there are none. */
static int words(struct ps_cfg_loader *ld, const char *name, const char *v, const char *what, char ***out)
{
	int n = ps_cfg_words(v, out);
	if (n == 0) {
		ps_cfg_strv_free(*out);
		*out = NULL;
		return bad_value(ld, name, "needs at least one %s", what);
	}
	return n;
}

static int set_paths(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	char **paths;
	int n = words(ld, k->name, v, "absolute path", &paths), r = 0;
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (!ps_cfg_check_path(ld, k->name, paths[i]))
			r = -EINVAL;
	if (r < 0) {
		ps_cfg_strv_free(paths);
		return r;
	}
	char ***field = FIELD(char **, ld, k);
	ps_cfg_strv_free(*field);
	*field = paths;
	return 0;
}

/* All digits: a uid; anything else: a user name, looked up now. */
static int resolve_user(struct ps_cfg_loader *ld, const char *name, const char *word, uid_t *uid)
{
	char q[PS_CFG_QUOTE_MAX];
	uint64_t v;
	if (ps_all_digits(ps_cstr(word))) {
		if (ps_parse_u64(ps_cstr(word), UINT32_MAX - 1, &v) < 0) /* (uid_t)-1 means "no uid" */
			return bad_value(ld, name, "uid %s is out of range", quote(q, word));
		*uid = (uid_t)v;
		return 0;
	}
	struct passwd pw, *found = NULL;
	int err;
	for (size_t size = 1024;; size *= 2) {
		char *buf = malloc(size);
		if (!buf)
			return -ENOMEM;
		err = getpwnam_r(word, &pw, buf, size, &found);
		if (err == 0 && found)
			*uid = pw.pw_uid;
		free(buf);
		if (err != ERANGE || size >= 1024 * 1024)
			break;
	}
	if (err != 0)
		return bad_value(ld, name, "looking up user '%s': %s", quote(q, word), strerror(err));
	if (!found)
		return bad_value(ld, name, "unknown user '%s'", quote(q, word));
	return 0;
}

static int set_uids(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	char **w;
	int n = words(ld, k->name, v, "user name or uid", &w), r = 0;
	if (n < 0)
		return n;
	uid_t *uids = calloc((size_t)n, sizeof(*uids));
	size_t m = 0;
	if (!uids)
		r = -ENOMEM;
	for (int i = 0; r != -ENOMEM && i < n; i++) {
		uid_t uid = 0;
		int e = resolve_user(ld, k->name, w[i], &uid);
		if (e < 0) {
			r = e;
			continue;
		}
		size_t j = 0;
		while (j < m && uids[j] != uid)
			j++;
		if (j == m)
			uids[m++] = uid;
	}
	ps_cfg_strv_free(w);
	if (r < 0) {
		free(uids);
		return r;
	}
	free(ld->cfg->trusted_uids);
	ld->cfg->trusted_uids = uids;
	ld->cfg->n_trusted_uids = m;
	return 0;
}

int ps_cfg_parse_size(const char *v, uint64_t *out)
{
	struct ps_str s = ps_cstr(v);
	unsigned shift = 0;
	if (s.n > 0) {
		switch (s.p[s.n - 1]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		}
	}
	if (shift)
		s.n--;
	uint64_t n;
	int r = ps_parse_u64(s, UINT64_MAX >> shift, &n);
	if (r < 0)
		return r == -ERANGE ? r : -EINVAL;
	*out = n << shift;
	return 0;
}

static int set_size(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	static const uint64_t min = 64 * 1024;
	char q[PS_CFG_QUOTE_MAX];
	uint64_t n;
	int r = ps_cfg_parse_size(v, &n);
	if (r == -ERANGE)
		return bad_value(ld, k->name, "'%s' is too large", quote(q, v));
	if (r < 0)
		return bad_value(ld, k->name, "'%s' is not a size (a number with an optional K, M or G suffix)",
				 quote(q, v));
	if (n < min)
		return bad_value(ld, k->name, "'%s' is below the minimum of 64K", quote(q, v));
	*FIELD(uint64_t, ld, k) = n;
	return 0;
}

static int set_keep(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	uint64_t n;
	if (ps_parse_u64(ps_cstr(v), 1000, &n) < 0)
		return bad_value(ld, k->name, "'%s' is not a number from 0 to 1000", quote(q, v));
	*FIELD(unsigned, ld, k) = (unsigned)n;
	return 0;
}

#define F(f) offsetof(struct ps_config, f)
const struct ps_cfg_key ps_cfg_keys[] = {
	{ PS_SEC_GENERAL, "hostname", set_hostname, F(hostname), false },
	{ PS_SEC_GENERAL, "state_dir", set_path, F(state_dir), false },
	{ PS_SEC_GENERAL, "deadletter_max_size", set_size, F(deadletter_max_size), false },
	{ PS_SEC_GENERAL, "deadletter_keep", set_keep, F(deadletter_keep), false },
	{ PS_SEC_JOURNAL, "enabled", set_switch, F(journal), false },
	{ PS_SEC_JOURNAL, "trusted_uids", set_uids, 0, false },
	{ PS_SEC_FILE, "enabled", set_switch, F(file), false },
	{ PS_SEC_FILE, "paths", set_paths, F(file_paths), false },
	{ PS_SEC_AUDIT, "enabled", set_switch, F(audit), false },
	{ PS_SEC_AUDIT, "path", set_path, F(audit_path), false },
	{ PS_SEC_AUDIT, "socket", set_socket_or_none, F(audit_socket), false },
	{ PS_SEC_PAM, "enabled", set_switch, F(pam), false },
	{ PS_SEC_PAM, "socket", set_socket_path, F(pam_socket), false },
	{ PS_SEC_EVENTLOG, "enabled", set_bool, F(eventlog), false },
	{ PS_SEC_EVENTLOG, "path", set_path, F(eventlog_path), false },
	{ PS_SEC_EVENTLOG, "max_size", set_size, F(eventlog_max_size), false },
	{ PS_SEC_EVENTLOG, "keep", set_keep, F(eventlog_keep), false },
	{ PS_SEC_EVENTLOG, "hmac_key_file", set_secret_file, F(eventlog_key_file), false },
	{ PS_SEC_STDOUT, "enabled", set_bool, F(print), false },
	{ PS_SEC_DETECT, "max_memory", set_size, F(detect.max_memory), false },
	{ PS_SEC_DETECT, "allowlist_cidrs", ps_cfg_set_cidrs, 0, false },
	{ PS_SEC_DETECT, "allowlist_users", ps_cfg_set_users, 0, false },
	{ PS_SEC_DETECT, "samples", ps_cfg_set_samples, 0, false },
	{ PS_SEC_ENRICH, "geoip_db", ps_cfg_set_enrich, F(enrich.geoip_db), false },
	{ PS_SEC_ENRICH, "asn_db", ps_cfg_set_enrich, F(enrich.asn_db), false },
	{ PS_SEC_ENRICH, "provider_ranges", ps_cfg_set_enrich, F(enrich.provider_ranges), false },
	{ PS_SEC_ENRICH, "live_destination", set_bool, F(enrich.live_destination), false },
	{ PS_SEC_ENRICH, "reverse_dns", set_bool, F(enrich.reverse_dns), false },
	{ PS_SEC_ENRICH, "reverse_dns_timeout", ps_cfg_set_enrich, F(enrich.reverse_dns_timeout_s), false },
};
const size_t ps_cfg_n_keys = sizeof(ps_cfg_keys) / sizeof(ps_cfg_keys[0]);
_Static_assert(sizeof(ps_cfg_keys) / sizeof(ps_cfg_keys[0]) <= PS_CFG_MAX_KEYS, "raise PS_CFG_MAX_KEYS");

void ps_cfg_eventlog_key(struct ps_cfg_loader *ld)
{
	struct ps_config *cfg = ld->cfg;
	char path[4096];
	unsigned line = 0;
	int r;

	if (!cfg->eventlog_key_file)
		return;
	for (size_t i = 0; i < ld->n_keys; i++)
		if (ld->keys[i].field == offsetof(struct ps_config, eventlog_key_file))
			line = ld->key_line[i];
	if ((r = ps_secret_path(cfg->eventlog_key_file, path, sizeof(path))) == 0)
		r = ps_secret_read(path, &cfg->eventlog_key, &cfg->eventlog_key_len);
	if (r == -ENOMEM)
		ld->oom = true;
	else if (r < 0)
		ps_cfg_report(ld, PS_DIAG_ERROR, line, "[output.eventlog] hmac_key_file: %s: %s",
			      r == -ENOKEY ? cfg->eventlog_key_file : path, ps_secret_strerror(r));
}

/* Room in ld->program_line for every program plus one, new entries 0. */
static int program_lines(struct ps_cfg_loader *ld)
{
	size_t need = ld->cfg->n_programs + 1;
	if (need <= ld->program_line_cap)
		return 0;
	unsigned *lines = realloc(ld->program_line, need * sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	memset(lines + ld->program_line_cap, 0, (need - ld->program_line_cap) * sizeof(*lines));
	ld->program_line = lines;
	ld->program_line_cap = need;
	return 0;
}

/* An identifier is one word of printable bytes, as in a syslog tag. */
static bool check_identifier(struct ps_cfg_loader *ld, const char *id)
{
	for (const char *c = id; *c; c++) {
		if ((unsigned char)*c <= 0x20 || *c == 0x7f) {
			bad_value(ld, id, "a syslog identifier cannot contain spaces or control characters");
			return false;
		}
	}
	return true;
}

/* [source.journal.programs] identifier = exe...: replace or add. */
static int set_program(struct ps_cfg_loader *ld, const char *id, const char *v)
{
	struct ps_config *cfg = ld->cfg;
	char **exes;
	int n = words(ld, id, v, "absolute executable path", &exes), r = 0;
	if (n < 0)
		return n;
	if (!check_identifier(ld, id))
		r = -EINVAL;
	for (int i = 0; i < n; i++)
		if (!ps_cfg_check_path(ld, id, exes[i]))
			r = -EINVAL;
	if (r == 0)
		r = program_lines(ld);
	size_t i = 0;
	while (r == 0 && i < cfg->n_programs && strcmp(cfg->programs[i].identifier, id) != 0)
		i++;
	if (r == 0 && i == cfg->n_programs) {
		struct ps_trusted_program *p = realloc(cfg->programs, (i + 1) * sizeof(*p));
		char *copy = strdup(id);
		if (p)
			cfg->programs = p;
		if (!p || !copy) {
			free(copy);
			r = -ENOMEM;
		} else {
			/* Not any_uid: the file has no way (yet) to vouch for a
			 * new set-user-ID program, so its _UID must be trusted. */
			cfg->programs[i] = (struct ps_trusted_program){ .identifier = copy };
			cfg->n_programs++;
		}
	}
	if (r < 0) {
		ps_cfg_strv_free(exes);
		return r;
	}
	if (ld->program_line[i]) {
		char q[PS_CFG_QUOTE_MAX];
		ps_cfg_report(ld, PS_DIAG_WARNING, ld->line,
			      "duplicate key '%s' in [%s] (first set on line %u); the last value is used",
			      quote(q, id), section_names[PS_SEC_PROGRAMS], ld->program_line[i]);
	}
	ld->program_line[i] = ld->line;
	ps_cfg_strv_free(cfg->programs[i].exes);
	cfg->programs[i].exes = exes;
	return 0;
}

/* Optimal string alignment distance, ignoring case: insertions, deletions,
 * substitutions and swaps of neighbours each count 1. */
size_t ps_cfg_distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na >= PS_CFG_NAME_MAX || nb >= PS_CFG_NAME_MAX)
		return SIZE_MAX;
	size_t rows[3][PS_CFG_NAME_MAX + 1];
	size_t *pp = rows[0], *p = rows[1], *c = rows[2];
	for (size_t j = 0; j <= nb; j++)
		p[j] = j;
	for (size_t i = 1; i <= na; i++) {
		c[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t d = p[j - 1] + cost;
			if (p[j] + 1 < d)
				d = p[j] + 1;
			if (c[j - 1] + 1 < d)
				d = c[j - 1] + 1;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			c[j] = d;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[nb];
}

/* Close enough to suggest: a typo or two, not a different word. */
bool ps_cfg_near(size_t d, const char *candidate)
{
	return d <= 2 && 2 * d < strlen(candidate);
}

static void unknown_key(struct ps_cfg_loader *ld, const char *name)
{
	const char *sec = section_names[ld->section], *best = NULL, *elsewhere = NULL;
	size_t best_d = SIZE_MAX, n_elsewhere = 0;
	char q[PS_CFG_QUOTE_MAX];
	for (size_t i = 0; i < ld->n_keys; i++) {
		const struct ps_cfg_key *k = &ld->keys[i];
		if (k->section != ld->section) {
			if (strcmp(k->name, name) == 0) {
				elsewhere = section_names[k->section];
				n_elsewhere++;
			}
			continue;
		}
		size_t d = ps_cfg_distance(name, k->name);
		if (d < best_d) {
			best_d = d;
			best = k->name;
		}
	}
	quote(q, name);
	if (best && ps_cfg_near(best_d, best))
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown key '%s' in [%s]; did you mean '%s'?", q, sec,
			      best);
	else if (n_elsewhere == 1)
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown key '%s' in [%s]; it belongs in [%s]", q, sec,
			      elsewhere);
	else
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown key '%s' in [%s]", q, sec);
}

void ps_cfg_enter_section(struct ps_cfg_loader *ld, const char *name, size_t n)
{
	char buf[PS_CFG_NAME_MAX], q[PS_CFG_QUOTE_MAX];
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	if (n > 5 && memcmp(name, "rule.", 5) == 0) {
		ps_cfg_enter_rule(ld, name + 5, n - 5);
		return;
	}
	if (ps_cfg_channel_section(ld, name, n) || ps_cfg_forward_section(ld, name, n))
		return;
	for (int i = 0; i < PS_SEC_COUNT; i++) {
		if (strlen(section_names[i]) == n && memcmp(section_names[i], name, n) == 0) {
			ld->section = (enum ps_cfg_section)i;
			return;
		}
	}
	ld->section = PS_SEC_UNKNOWN;
	if (n < sizeof(buf) && !memchr(name, '\0', n)) {
		memcpy(buf, name, n);
		buf[n] = '\0';
		for (int i = 0; i < PS_SEC_COUNT; i++) {
			const char *s = section_names[i];
			size_t d = ps_cfg_distance(buf, s), len = strlen(s);
			/* "[journal]" for "[source.journal]": the last part alone */
			if (n > 0 && len > n && s[len - n - 1] == '.' && strcmp(s + len - n, buf) == 0)
				d = 1;
			if (d < best_d && ps_cfg_near(d, s)) {
				best_d = d;
				best = s;
			}
		}
	}
	ps_cfg_quote(q, name, n);
	if (best)
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown section [%s]; did you mean [%s]?", q, best);
	else
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown section [%s]", q);
}

void ps_cfg_set_key(struct ps_cfg_loader *ld, const char *name, const char *value)
{
	char q[PS_CFG_QUOTE_MAX];
	int r;
	if (ld->section == PS_SEC_UNKNOWN)
		return; /* the section was reported; its keys would only add noise */
	if (ld->section == PS_SEC_NONE) {
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "key '%s' comes before any [section]", quote(q, name));
		return;
	}
	if (ld->section == PS_SEC_CHANNEL) {
		ps_cfg_channel_key(ld, name, value);
		return;
	}
	if (ld->section == PS_SEC_FORWARD) {
		ps_cfg_forward_key(ld, name, value);
		return;
	}
	if (ld->section == PS_SEC_PROGRAMS) {
		r = set_program(ld, name, value);
	} else if (ld->section == PS_SEC_RULE) {
		r = ps_cfg_set_rule_key(ld, name, value);
	} else {
		size_t i = 0;
		while (i < ld->n_keys && (ld->keys[i].section != ld->section || strcmp(ld->keys[i].name, name) != 0))
			i++;
		if (i == ld->n_keys) {
			unknown_key(ld, name);
			return;
		}
		const struct ps_cfg_key *k = &ld->keys[i];
		if (ld->key_line[i])
			ps_cfg_report(ld, PS_DIAG_WARNING, ld->line,
				      "duplicate key '%s' in [%s] (first set on line %u); the last value is used",
				      k->name, section_names[k->section], ld->key_line[i]);
		ld->key_line[i] = ld->line;
		if (k->secret && !ld->secret_key) {
			ld->secret_key = k->name;
			ld->secret_line = ld->line;
		}
		r = k->set(ld, k, value);
	}
	if (r == -ENOMEM)
		ld->oom = true;
}
