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
#include "util/slice.h"

#define SECRET_MAX 4096

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
	{ "topic", set_str, C(topic) },
	{ "from", set_str, C(from) },
	{ "to", set_words, C(to) },
	{ "username", set_str, C(username) },
	{ "command", set_words, C(command) },
	{ "ca_file", set_file, C(ca_file) },
	{ "template", set_template, C(template) },
	{ "title", set_template, C(title) },
	{ "timeout", set_uint, C(timeout_s) },
	{ "rate_limit", set_rate, 0 },
	{ "max_queue", set_uint, C(max_queue) },
	{ "starttls", set_yesno, C(starttls) },
};
#define N_CH_KEYS (sizeof(ch_keys) / sizeof(ch_keys[0]))
_Static_assert(N_CH_KEYS + 1 <= PS_CH_MAX_KEYS, "raise PS_CH_MAX_KEYS");

/* header.NAME = value: an extra HTTP header (RFC 9110 token name). */
static int set_header(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const char *name, const char *v)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strlen(name);
	if (n == 0 || strspn(name, tchar) != n)
		return bad(ld, ch, "header.", "the header name must be a token (letters, digits, '-')");
	if (has_control(v))
		return bad(ld, ch, name - 7, "the value cannot hold control characters (CR, LF...)");
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
		.max_queue = 10000, .starttls = true,
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
		r = set_header(ld, ch, name + 7, value);
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

/* Replace *field (a path or credential name) with the file's contents, one
 * trailing newline removed. Reports problems by key, never the contents. */
static void read_secret(struct ps_cfg_loader *ld, struct ps_channel_config *ch, const char *key, char **field,
			size_t *len_out)
{
	unsigned line = key_line(ch, key);
	char path[4096];
	const char *name = *field, *dir = getenv("CREDENTIALS_DIRECTORY");
	if (name[0] == '/') {
		snprintf(path, sizeof(path), "%s", name);
	} else if (dir && *dir) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	} else {
		ps_cfg_report(ld, PS_DIAG_ERROR, line,
			      "[channel.%s] %s: '%s' is not an absolute path and $CREDENTIALS_DIRECTORY is not set",
			      ch->name, key, name);
		goto fail;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ps_cfg_report(ld, PS_DIAG_ERROR, line, "[channel.%s] %s: %s: %s", ch->name, key, path,
			      strerror(errno));
		goto fail;
	}
	char *buf = calloc(1, SECRET_MAX + 1);
	size_t n = 0;
	ssize_t r = 0;
	while (buf && n < SECRET_MAX && (r = read(fd, buf + n, SECRET_MAX - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (!buf) {
		ld->oom = true;
		goto fail;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	if (r < 0 || n == 0 || n == SECRET_MAX || memchr(buf, '\n', n) || memchr(buf, '\0', n)) {
		ps_cfg_report(ld, PS_DIAG_ERROR, line, "[channel.%s] %s: %s: %s", ch->name, key, path,
			      r < 0 ? strerror(errno) : "must hold one line of 1 to 4095 bytes");
		explicit_bzero(buf, SECRET_MAX);
		free(buf);
		goto fail;
	}
	free(*field);
	*field = buf;
	if (len_out)
		*len_out = n;
	return;
fail:
	free(*field);
	*field = NULL;
}

static void need(struct ps_cfg_loader *ld, const struct ps_channel_config *ch, bool ok, const char *what)
{
	if (!ok)
		ps_cfg_report(ld, PS_DIAG_ERROR, ch->line, "[channel.%s] type %s needs %s", ch->name,
			      type_names[ch->type], what);
}

void ps_cfg_channels_check(struct ps_cfg_loader *ld)
{
	for (size_t i = 0; i < ld->cfg->n_channels; i++) {
		struct ps_channel_config *ch = &ld->cfg->channels[i];
		if (!ch->type_set) {
			ps_cfg_report(ld, PS_DIAG_ERROR, ch->line, "[channel.%s] has no 'type ='", ch->name);
			continue;
		}
		if (ch->url_secret)
			read_secret(ld, ch, "url_file", &ch->url_secret, NULL);
		if (ch->token)
			read_secret(ld, ch, "token_file", &ch->token, NULL);
		if (ch->signing_key)
			read_secret(ld, ch, "secret_file", &ch->signing_key, &ch->signing_key_len);
		if (ch->password)
			read_secret(ld, ch, "password_file", &ch->password, NULL);
		/* url_file counts when set: read, or already reported */
		bool target = ch->url || key_line(ch, "url_file");
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
			need(ld, ch, ch->topic, "topic");
			break;
		case PS_CH_EMAIL:
			need(ld, ch, ch->url, "url (smtp://HOST:587 or smtps://HOST:465)");
			need(ld, ch, ch->from, "from");
			need(ld, ch, ch->to, "to");
			break;
		case PS_CH_EXEC:
			/* Accepted by name so a configuration can be written for it, but not run yet. */
			ps_cfg_report(ld, PS_DIAG_ERROR, key_line(ch, "type"),
				      "[channel.%s] type exec is not implemented in this version", ch->name);
			break;
		default:
			break;
		}
		if (ch->url && strncmp(ch->url, "https://", 8) != 0 && strncmp(ch->url, "http://", 7) != 0 &&
		    strncmp(ch->url, "smtp://", 7) != 0 && strncmp(ch->url, "smtps://", 8) != 0)
			ps_cfg_report(ld, PS_DIAG_ERROR, key_line(ch, "url"),
				      "[channel.%s] url: not an http(s):// or smtp(s):// URL", ch->name);
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
	}
	free(cfg->channels);
	cfg->channels = NULL;
	cfg->n_channels = 0;
}
