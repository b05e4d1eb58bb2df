/*
 * What the named sections share, [channel.NAME] (config_channels.c) and
 * [forward.NAME] (config_forward.c): the name's syntax and uniqueness,
 * messages that say "[PREFIX.NAME] key: ...", and looking a key up with a
 * warning when it is set twice.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

int ps_cfg_named_bad(struct ps_cfg_loader *ld, const char *prefix, const char *name, const char *key,
		     const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[%s.%s] %s: %s", prefix, name, key, msg);
	return -EINVAL;
}

bool ps_cfg_named_section(struct ps_cfg_loader *ld, const char *section, size_t n, const char *prefix,
			  const char *what, size_t count, ps_cfg_name_at_fn name_at, char **name)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	char q[PS_CFG_QUOTE_MAX];
	size_t pl = strlen(prefix);
	*name = NULL;
	if (n < pl + 1 || memcmp(section, prefix, pl) != 0 || section[pl] != '.')
		return false;
	const char *s = section + pl + 1;
	size_t len = n - pl - 1, span = 0;
	while (span < len && s[span] && strchr(ok, s[span]))
		span++;
	ld->section = PS_SEC_UNKNOWN;
	if (len == 0 || len > PS_CFG_SECTION_NAME_MAX || span != len) {
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[%s]: a %s name is 1 to %d letters, digits, '_' or '-'",
			      ps_cfg_quote(q, section, n), what, PS_CFG_SECTION_NAME_MAX);
		return true;
	}
	for (size_t i = 0; i < count; i++) {
		unsigned line;
		const char *other = name_at(ld->cfg, i, &line);
		if (strlen(other) == len && memcmp(other, s, len) == 0) {
			ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[%s.%s] already defined on line %u", prefix, other,
				      line);
			return true;
		}
	}
	/* Not strndup: s is a slice of the file, not NUL-terminated. */
	if (!(*name = malloc(len + 1))) {
		ld->oom = true;
		return true;
	}
	memcpy(*name, s, len);
	(*name)[len] = '\0';
	return true;
}

int ps_cfg_named_key(struct ps_cfg_loader *ld, const char *prefix, const char *name, const char *key,
		     const char *(*key_at)(size_t i), size_t n_keys, unsigned *key_line)
{
	char q[PS_CFG_QUOTE_MAX];
	size_t i = 0;
	while (i < n_keys && strcmp(key_at(i), key) != 0)
		i++;
	if (i == n_keys) {
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown key '%s' in [%s.%s]",
			      ps_cfg_quote(q, key, strlen(key)), prefix, name);
		return -1;
	}
	if (key_line[i])
		ps_cfg_report(ld, PS_DIAG_WARNING, ld->line,
			      "duplicate key '%s' in [%s.%s] (first set on line %u); the last value is used", key, prefix,
			      name, key_line[i]);
	key_line[i] = ld->line;
	return (int)i;
}
