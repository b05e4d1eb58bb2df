/*
 * [channel.NAME] sections: where alerts go (pamsignal.conf(5), "ALERT
 * CHANNELS"). Each section is one destination; its keys are parsed here so
 * that config_keys.c, whose sections are fixed, only has to hand them over.
 *
 * Secrets are never written in this file's values: *_file keys name a file
 * (or, relative, a systemd credential in $CREDENTIALS_DIRECTORY), read once
 * the whole file is parsed. Messages name the key and the file, never the
 * secret. `url =` may itself hold one (Slack's and Discord's webhook URLs
 * do), so it counts as a secret key for the world-readable warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_internal.h"
#include "sink/deliver/message.h"
#include "util/secret.h"
#include "util/slice.h"


static const char *const type_names[PS_CH_TYPE_COUNT] = {
	[PS_CH_CONSOLE] = "console", [PS_CH_WEBHOOK] = "webhook", [PS_CH_TELEGRAM] = "telegram",
	[PS_CH_SLACK] = "slack",     [PS_CH_DISCORD] = "discord", [PS_CH_TEAMS] = "teams",
	[PS_CH_NTFY] = "ntfy",       [PS_CH_EMAIL] = "email",     [PS_CH_EXEC] = "exec",
};

const char *ps_channel_type_name(enum ps_channel_type t)
{
	return t < PS_CH_TYPE_COUNT ? type_names[t] : "?";
}

int ps_severity_parse(const char *s, size_t len, enum ps_severity *out)
{
	for (int i = 0; i < PS_SEVERITY__COUNT; i++) {
		const char *name = ps_severity_name((enum ps_severity)i);
		if (strlen(name) == len && memcmp(name, s, len) == 0) {
			*out = (enum ps_severity)i;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Default rate limits, from each service's documentation:
 * - Telegram Bot API FAQ ("My bot is hitting limits"): about one message per
 *   second in a chat, and no more than 20 messages per minute in a group.
 * - Slack, "Rate limits" (api.slack.com/docs/rate-limits): incoming
 *   webhooks allow 1 message per second, with short bursts.
 * - Discord, "Rate Limits": per-route buckets announced in X-RateLimit-*
 *   headers; webhooks posting to a channel are held to 30 messages a minute.
 * - Microsoft Teams, "Rate limiting for connectors": 4 requests per second
 *   per webhook (Workflows apply Power Automate's flow limits on top).
 * - ntfy.sh, "Rate limiting": a burst of 60 requests, then one per 5 s.
 * - E-mail: no protocol limit; 10 a minute keeps a mailbox readable.
 * Webhook, exec and console: none (the receiver is the administrator's own).
 */
static const struct {
	unsigned count, period_s;
} default_rate[PS_CH_TYPE_COUNT] = {
	[PS_CH_TELEGRAM] = { 20, 60 }, [PS_CH_SLACK] = { 1, 1 }, [PS_CH_DISCORD] = { 30, 60 },
	[PS_CH_TEAMS] = { 4, 1 },      [PS_CH_NTFY] = { 60, 300 }, [PS_CH_EMAIL] = { 10, 60 },
};

/* ---- values ---- */

struct ch_key {
	const char *name;
	int (*set)(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v);
	size_t field;
};

#define CH_FIELD(type, ch, k) ((type *)(void *)((char *)(ch) + (k)->field))

#define bad(ld, ch, key, ...) ps_cfg_named_bad(ld, "channel", (ch)->name, key, __VA_ARGS__)

static bool has_control(const char *v)
{
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return true;
	return false;
}

static int set_str(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v)
{
	if (!*v || has_control(v))
		return bad(ld, ch, k->name, "needs a value without control characters");
	char *copy = strdup(v), **field = CH_FIELD(char *, ch, k);
	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

static int set_words(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v)
{
	char **w;
	int n = ps_cfg_words(v, &w);
	if (n < 0)
		return n;
	if (n == 0) {
		ps_cfg_strv_free(w);
		return bad(ld, ch, k->name, "needs at least one word");
	}
	char ***field = CH_FIELD(char **, ch, k);
	ps_cfg_strv_free(*field);
	*field = w;
	return 0;
}

static int set_type(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v)
{
	for (int i = 0; i < PS_CH_TYPE_COUNT; i++) {
		if (strcmp(v, type_names[i]) == 0) {
			ch->type = (enum ps_channel_type)i;
			ch->type_set = true;
			ch->rate_count = default_rate[i].count;
			ch->rate_period_s = default_rate[i].period_s;
			return 0;
		}
	}
	char q[PS_CFG_QUOTE_MAX];
	return bad(ld, ch, k->name,
		   "'%s' is not one of telegram, slack, discord, teams, ntfy, webhook, email, exec, console",
		   ps_cfg_quote(q, v, strlen(v)));
}

static int set_severity(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k,
			const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	if (ps_severity_parse(v, strlen(v), &ch->min_severity) < 0)
		return bad(ld, ch, k->name, "'%s' is not info, low, medium, high or critical",
			   ps_cfg_quote(q, v, strlen(v)));
	return 0;
}

static int set_yesno(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v)
{
	bool *field = CH_FIELD(bool, ch, k);
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") || !strcmp(v, "1"))
		*field = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") || !strcmp(v, "0"))
		*field = false;
	else
		return bad(ld, ch, k->name, "not yes or no");
	return 0;
}

static int set_uint(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v)
{
	uint64_t n;
	if (ps_parse_u64(ps_cstr(v), 1000000, &n) < 0 || n == 0)
		return bad(ld, ch, k->name, "not a number from 1 to 1000000");
	*CH_FIELD(unsigned, ch, k) = (unsigned)n;
	return 0;
}

/* COUNT/SECONDS, or "none". */
static int set_rate(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v)
{
	if (strcmp(v, "none") == 0) {
		ch->rate_count = ch->rate_period_s = 0;
		return 0;
	}
	const char *slash = strchr(v, '/');
	uint64_t c, s;
	if (!slash || ps_parse_u64(ps_str(v, (size_t)(slash - v)), 100000, &c) < 0 ||
	    ps_parse_u64(ps_cstr(slash + 1), 86400, &s) < 0 || c == 0 || s == 0)
		return bad(ld, ch, k->name, "not COUNT/SECONDS (e.g. 20/60) or none");
	ch->rate_count = (unsigned)c;
	ch->rate_period_s = (unsigned)s;
	return 0;
}

/* ntfy's topic rule ("Publish", topic names): 1-64 of [A-Za-z0-9_-]; it is a URL path segment. */
static bool topic_ok(const char *v)
{
	size_t n = strlen(v);
	return n >= 1 && n <= 64 &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static int set_topic(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v)
{
	if (!topic_ok(v))
		return bad(ld, ch, k->name, "a topic is 1 to 64 letters, digits, '_' or '-'");
	return set_str(ld, ch, k, v);
}

/* command = PROGRAM [ARG...], quoted as config_argv.c says. */
static int set_argv(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v)
{
	char **w;
	const char *why;
	int n = ps_cfg_argv(v, &w, &why);
	if (n == -EINVAL)
		return bad(ld, ch, k->name, "%s", why);
	if (n < 0)
		return n;
	if (n == 0 || w[0][0] != '/') {
		ps_cfg_strv_free(w);
		return bad(ld, ch, k->name, "needs a program as an absolute path (it is run without a shell or $PATH)");
	}
	ps_cfg_strv_free(ch->command);
	ch->command = w;
	return 0;
}

/* "90", "90s", "10m", "1h", "2d", "1w". */
static int set_duration(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k,
			const char *v)
{
	static const int64_t max = 30 * 86400;
	struct ps_str s = ps_cstr(v);
	uint64_t unit = 1, n;
	if (s.n > 0) {
		const char *units = "smhdw";
		static const uint64_t secs[] = { 1, 60, 3600, 86400, 7 * 86400 };
		const char *u = strchr(units, s.p[s.n - 1]);
		if (u && *u) {
			unit = secs[u - units];
			s.n--;
		}
	}
	if (ps_parse_u64(s, (uint64_t)max, &n) < 0 || n == 0 || n * unit > (uint64_t)max)
		return bad(ld, ch, k->name, "not a duration from 1s to 30 days (a number with s, m, h, d or w)");
	*CH_FIELD(int64_t, ch, k) = (int64_t)(n * unit);
	return 0;
}

static int set_template(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k,
			const char *v)
{
	size_t at;
	if (ps_template_check(v, &at) < 0)
		return bad(ld, ch, k->name, "bad placeholder at character %zu: use {field} (a-z, 0-9, _), {{ and }} for braces",
			   at + 1);
	return set_str(ld, ch, k, v);
}

/* The path of a *_file key: absolute, or a credential name. */
static int set_file(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const struct ch_key *k, const char *v)
{
	if (!*v || has_control(v) || (v[0] != '/' && strchr(v, '/')))
		return bad(ld, ch, k->name, "needs an absolute path or a credential name");
	return set_str(ld, ch, k, v);
}

#define C(f) offsetof(struct ps_channel_config, f)
/* The *_file keys store their path in the secret's field until the check reads it. */
static const struct ch_key ch_keys[] = {
	{ "type", set_type, 0 },
	{ "min_severity", set_severity, 0 },
	{ "include_rules", set_words, C(include_rules) },
	{ "exclude_rules", set_words, C(exclude_rules) },
	{ "include_kinds", set_words, C(include_kinds) },
	{ "exclude_kinds", set_words, C(exclude_kinds) },
	{ "notify_logins", set_yesno, C(notify_logins) },
	{ "url", set_str, C(url) },
	{ "url_file", set_file, C(url_secret) },
	{ "token_file", set_file, C(token) },
	{ "secret_file", set_file, C(signing_key) },
	{ "password_file", set_file, C(password) },
	{ "chat_id", set_str, C(chat_id) },
	{ "topic", set_topic, C(topic) },
	{ "topic_file", set_file, C(topic_secret) },
	{ "from", set_str, C(from) },
	{ "to", set_words, C(to) },
	{ "username", set_str, C(username) },
	{ "command", set_argv, 0 },
	{ "ca_file", set_file, C(ca_file) },
	{ "template", set_template, C(template) },
	{ "title", set_template, C(title) },
	{ "timeout", set_uint, C(timeout_s) },
	{ "max_age", set_duration, C(max_age_s) },
	{ "rate_limit", set_rate, 0 },
	{ "max_queue", set_uint, C(max_queue) },
	{ "starttls", set_yesno, C(starttls) },
};
#define N_CH_KEYS (sizeof(ch_keys) / sizeof(ch_keys[0]))
_Static_assert(N_CH_KEYS + 1 <= PS_CH_MAX_KEYS, "raise PS_CH_MAX_KEYS");

/*
 * header.NAME = VALUE: an extra HTTP header (RFC 9110 token name).
 * header_file.NAME = PATH: the same, its value a secret read like the
 * other *_file keys (an Authorization header's token).
 */
static int set_header(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const char *key, size_t prefix,
		      const char *v)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	const char *name = key + prefix;
	size_t n = strlen(name);
	if (n == 0 || strspn(name, tchar) != n)
		return bad(ld, ch, key, "the header name must be a token (letters, digits, '-')");
	if (prefix == sizeof("header_file.") - 1) {
		if (!*v || has_control(v) || (v[0] != '/' && strchr(v, '/')))
			return bad(ld, ch, key, "needs an absolute path or a credential name");
		struct ps_secret_header *h = realloc(ch->secret_headers, (ch->n_secret_headers + 1) * sizeof(*h));
		if (!h)
			return -ENOMEM;
		ch->secret_headers = h;
		h += ch->n_secret_headers;
		*h = (struct ps_secret_header){ strdup(name), strdup(v), ld->line };
		ch->n_secret_headers++;
		return h->name && h->value ? 0 : -ENOMEM;
	}
	if (has_control(v))
		return bad(ld, ch, key, "the value cannot hold control characters (CR, LF...)");
	size_t count = 0;
	while (ch->headers && ch->headers[count])
		count++;
	char **h = realloc(ch->headers, (count + 2) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	ch->headers = h;
	if (asprintf(&h[count], "%s: %s", name, v) < 0) {
		h[count] = NULL;
		return -ENOMEM;
	}
	h[count + 1] = NULL;
	return 0;
}

/* ---- sections ---- */

static const char *channel_at(const struct ps_config *cfg, size_t i, unsigned *line)
{
	*line = cfg->channels[i].line;
	return cfg->channels[i].name;
}

bool ps_cfg_channel_section(struct ps_cfg_loader *ld, const char *section, size_t n)
{
	struct ps_config *cfg = ld->cfg;
	char *name;
	if (!ps_cfg_named_section(ld, section, n, "channel", "channel", cfg->n_channels, channel_at, &name))
		return false;
	if (!name)
		return true;
	struct ps_channel_config *chs = realloc(cfg->channels, (cfg->n_channels + 1) * sizeof(*chs));
	if (!chs) {
		free(name);
		ld->oom = true;
		return true;
	}
	cfg->channels = chs;
	chs[cfg->n_channels] = (struct ps_channel_config){
		.name = name, .line = ld->line, .min_severity = PS_SEVERITY_LOW, .timeout_s = 10,
		.max_queue = 10000, .starttls = true, .max_age_s = 86400,
	};
	ld->channel = cfg->n_channels++;
	ld->section = PS_SEC_CHANNEL;
	return true;
}

static const char *key_at(size_t i)
{
	return ch_keys[i].name;
}

void ps_cfg_channel_key(struct ps_cfg_loader *ld, const char *name, const char *value)
{
	struct ps_channel_config *ch = &ld->cfg->channels[ld->channel];
	int r;
	if (strncmp(name, "header.", 7) == 0) {
		/* A literal header may carry a token too: the world-readable warning. */
		if (!ld->secret_key) {
			ld->secret_key = "header.NAME";
			ld->secret_line = ld->line;
		}
		r = set_header(ld, ch, name, 7, value);
	} else if (strncmp(name, "header_file.", 12) == 0) {
		r = set_header(ld, ch, name, 12, value);
	} else {
		int i = ps_cfg_named_key(ld, "channel", ch->name, name, key_at, N_CH_KEYS, ch->key_line);
		if (i < 0)
			return;
		if (strcmp(name, "url") == 0 && !ld->secret_key) {
			ld->secret_key = ch_keys[i].name;
			ld->secret_line = ld->line;
		}
		r = ch_keys[i].set(ld, ch, &ch_keys[i], value);
	}
	if (r == -ENOMEM)
		ld->oom = true;
}

/* ---- after the file: requirements and secrets ---- */

/* The line a key was set on, 0 if it was not. */
static unsigned key_line(const struct ps_channel_config *ch, const char *name)
{
	for (size_t i = 0; i < N_CH_KEYS; i++)
		if (strcmp(ch_keys[i].name, name) == 0)
			return ch->key_line[i];
	return 0;
}

/* Replace *field (a path or credential name) with the file's contents (see
 * util/secret.h). Reports problems by key and line, never the contents. */
static void read_secret(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const char *key, unsigned line,
			char **field, size_t *len_out)
{
	char path[4096], *secret = NULL;
	size_t len;
	int r = ps_secret_path(*field, path, sizeof(path));
	if (r < 0)
		ps_cfg_report(ld, PS_DIAG_ERROR, line, "[channel.%s] %s: '%s' %s", ch->name, key, *field,
			      ps_secret_strerror(r));
	else if ((r = ps_secret_read(path, &secret, &len)) == -ENOMEM)
		ld->oom = true;
	else if (r < 0)
		ps_cfg_report(ld, PS_DIAG_ERROR, line, "[channel.%s] %s: %s: %s", ch->name, key, path,
			      ps_secret_strerror(r));
	free(*field);
	*field = r < 0 ? NULL : secret;
	if (r == 0 && len_out)
		*len_out = len;
}

static void need(struct ps_cfg_loader *ld, const struct ps_channel_config *ch, bool ok, const char *what)
{
	if (!ok)
		ps_cfg_report(ld, PS_DIAG_ERROR, ch->line, "[channel.%s] type %s needs %s", ch->name,
			      type_names[ch->type], what);
}

/* The scheme the channel's transfer allows (transfer.c): SMTP for e-mail, HTTP otherwise. */
static bool scheme_ok(const struct ps_channel_config *ch, const char *url)
{
	if (ch->type == PS_CH_EMAIL)
		return strncmp(url, "smtp://", 7) == 0 || strncmp(url, "smtps://", 8) == 0;
	return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0;
}

/* Every *_file of ch replaced by what its file holds. */
static void read_secrets(struct ps_cfg_loader *ld, struct ps_channel_config *ch)
{
	static const struct {
		const char *key;
		size_t field;
	} files[] = {
		{ "url_file", C(url_secret) }, { "token_file", C(token) }, { "password_file", C(password) },
		{ "topic_file", C(topic_secret) },
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char **field = (char **)(void *)((char *)ch + files[i].field);
		if (*field)
			read_secret(ld, ch, files[i].key, key_line(ch, files[i].key), field, NULL);
	}
	if (ch->signing_key)
		read_secret(ld, ch, "secret_file", key_line(ch, "secret_file"), &ch->signing_key, &ch->signing_key_len);
	for (size_t i = 0; i < ch->n_secret_headers; i++) {
		struct ps_secret_header *h = &ch->secret_headers[i];
		char key[80];
		snprintf(key, sizeof(key), "header_file.%s", h->name);
		read_secret(ld, ch, key, h->line, &h->value, NULL);
		if (h->value && has_control(h->value)) {
			ps_cfg_report(ld, PS_DIAG_ERROR, h->line, "[channel.%s] %s: the file holds a control character",
				      ch->name, key);
			explicit_bzero(h->value, strlen(h->value));
		}
	}
	/* Checked as the keys are, but without quoting what the files hold. */
	if (ch->url_secret && !scheme_ok(ch, ch->url_secret))
		ps_cfg_report(ld, PS_DIAG_ERROR, key_line(ch, "url_file"), "[channel.%s] url_file: the file holds no %s URL",
			      ch->name, ch->type == PS_CH_EMAIL ? "smtp(s)://" : "http(s)://");
	if (ch->topic_secret && !topic_ok(ch->topic_secret))
		ps_cfg_report(ld, PS_DIAG_ERROR, key_line(ch, "topic_file"),
			      "[channel.%s] topic_file: a topic is 1 to 64 letters, digits, '_' or '-'", ch->name);
}

/* argv[0] of an exec channel: there, a regular file, executable by us. */
static void check_program(struct ps_cfg_loader *ld, const struct ps_channel_config *ch)
{
	struct stat st;
	const char *prog = ch->command[0];
	const char *why = stat(prog, &st) < 0	      ? strerror(errno)
			  : !S_ISREG(st.st_mode)      ? "not a regular file"
			  : access(prog, X_OK) < 0    ? strerror(errno)
						      : NULL;
	if (why)
		ps_cfg_report(ld, PS_DIAG_ERROR, key_line(ch, "command"), "[channel.%s] command: %s: %s", ch->name, prog,
			      why);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		ps_cfg_report(ld, PS_DIAG_WARNING, key_line(ch, "command"),
			      "[channel.%s] command: %s is group- or world-writable (mode %04o): whoever can write it "
			      "runs code as pamsignal",
			      ch->name, prog, (unsigned)(st.st_mode & 07777));
}

void ps_cfg_channels_check(struct ps_cfg_loader *ld)
{
	for (size_t i = 0; i < ld->cfg->n_channels; i++) {
		struct ps_channel_config *ch = &ld->cfg->channels[i];
		if (!ch->type_set) {
			ps_cfg_report(ld, PS_DIAG_ERROR, ch->line, "[channel.%s] has no 'type ='", ch->name);
			continue;
		}
		read_secrets(ld, ch);
		/* A key counts when set: valid, or already reported. */
		bool target = key_line(ch, "url") || key_line(ch, "url_file");
		switch (ch->type) {
		case PS_CH_TELEGRAM:
			need(ld, ch, key_line(ch, "token_file"), "token_file");
			need(ld, ch, ch->chat_id, "chat_id");
			break;
		case PS_CH_SLACK:
		case PS_CH_DISCORD:
		case PS_CH_TEAMS:
		case PS_CH_WEBHOOK:
			need(ld, ch, target, "url or url_file");
			break;
		case PS_CH_NTFY:
			need(ld, ch, key_line(ch, "topic") || key_line(ch, "topic_file"), "topic or topic_file");
			break;
		case PS_CH_EMAIL:
			need(ld, ch, target, "url or url_file (smtp://HOST:587 or smtps://HOST:465)");
			need(ld, ch, ch->from, "from");
			need(ld, ch, ch->to, "to");
			break;
		case PS_CH_EXEC:
			need(ld, ch, key_line(ch, "command"), "command");
			if (ch->command)
				check_program(ld, ch);
			break;
		default:
			break;
		}
		if (ch->url && !scheme_ok(ch, ch->url))
			ps_cfg_report(ld, PS_DIAG_ERROR, key_line(ch, "url"), "[channel.%s] url: not an %s URL", ch->name,
				      ch->type == PS_CH_EMAIL ? "smtp:// or smtps://" : "http:// or https://");
		if (ch->ca_file && ch->ca_file[0] != '/')
			ps_cfg_report(ld, PS_DIAG_ERROR, key_line(ch, "ca_file"), "[channel.%s] ca_file: not an absolute path",
				      ch->name);
	}
}

static void wipe(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void ps_cfg_channels_free(struct ps_config *cfg)
{
	for (size_t i = 0; i < cfg->n_channels; i++) {
		struct ps_channel_config *ch = &cfg->channels[i];
		free(ch->name);
		ps_cfg_strv_free(ch->include_rules);
		ps_cfg_strv_free(ch->exclude_rules);
		ps_cfg_strv_free(ch->include_kinds);
		ps_cfg_strv_free(ch->exclude_kinds);
		ps_cfg_strv_free(ch->to);
		ps_cfg_strv_free(ch->command);
		ps_cfg_strv_free(ch->headers);
		free(ch->url);
		free(ch->chat_id);
		free(ch->topic);
		free(ch->from);
		free(ch->username);
		free(ch->ca_file);
		free(ch->template);
		free(ch->title);
		wipe(ch->url_secret);
		wipe(ch->token);
		if (ch->signing_key)
			explicit_bzero(ch->signing_key, ch->signing_key_len);
		free(ch->signing_key);
		wipe(ch->password);
		wipe(ch->topic_secret);
		for (size_t k = 0; k < ch->n_secret_headers; k++) {
			free(ch->secret_headers[k].name);
			wipe(ch->secret_headers[k].value);
		}
		free(ch->secret_headers);
	}
	free(cfg->channels);
	cfg->channels = NULL;
	cfg->n_channels = 0;
}
