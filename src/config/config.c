/*
 * The configuration file: opening it, deciding whether it can be trusted,
 * and cutting it into lines for inih. The keys and their values are in
 * config_keys.c, the defaults in config_defaults.c.
 *
 * inih is given the file through our own reader callback, one line per
 * call, so that we know the line number (Debian builds inih without
 * INI_HANDLER_LINENO) and so that the syntax does not depend on how inih was
 * built: the reader drops comments (including inline ones after " ;" or
 * " #"), strips leading blanks (inih would take an indented line as the
 * continuation of the previous value), and reports lines inih would
 * silently split (too long) or only count (no '=').
 */
#include "config/config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_internal.h"
#include "util/secret.h"

/* A configuration is a few kilobytes; anything this large is a mistake. */
#define MAX_FILE_SIZE (1024 * 1024)

void ps_cfg_report(struct ps_cfg_loader *ld, enum ps_diag_level level, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level == PS_DIAG_ERROR)
		ld->errors++;
	else
		ld->warnings++;
	if (ld->diag)
		ld->diag(level, ld->file, line, msg, ld->arg);
}

char *ps_cfg_quote(char buf[PS_CFG_QUOTE_MAX], const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (o + 8 >= PS_CFG_QUOTE_MAX - 4) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}

int ps_cfg_words(const char *s, char ***out)
{
	size_t n = 0, cap = 4;
	char **v = calloc(cap + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (;;) {
		s += strspn(s, " \t");
		size_t len = strcspn(s, " \t");
		if (len == 0)
			break;
		if (n == cap) {
			char **nv = realloc(v, (2 * cap + 1) * sizeof(*v));
			if (!nv)
				goto oom;
			v = nv;
			cap *= 2;
		}
		v[n] = strndup(s, len);
		if (!v[n])
			goto oom;
		v[++n] = NULL;
		s += len;
	}
	*out = v;
	return (int)n;
oom:
	ps_cfg_strv_free(v);
	return -ENOMEM;
}

void ps_cfg_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void ps_config_defaults(struct ps_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	/* A few hundred bytes at startup; there is nothing to fall back to. */
	if (ps_cfg_defaults(cfg) < 0) {
		fputs("pamsignal: out of memory\n", stderr);
		abort();
	}
}

void ps_config_free(struct ps_config *cfg)
{
	free(cfg->path);
	free(cfg->hostname);
	free(cfg->state_dir);
	free(cfg->trusted_uids);
	for (size_t i = 0; i < cfg->n_programs; i++) {
		free(cfg->programs[i].identifier);
		ps_cfg_strv_free(cfg->programs[i].exes);
	}
	free(cfg->programs);
	ps_cfg_strv_free(cfg->file_paths);
	free(cfg->eventlog_path);
	free(cfg->eventlog_key_file);
	ps_secret_free(cfg->eventlog_key, cfg->eventlog_key_len);
	ps_cfg_detect_free(&cfg->detect);
	ps_cfg_enrich_free(&cfg->enrich);
	free(cfg->audit_path);
	free(cfg->audit_socket);
	free(cfg->pam_socket);
	ps_cfg_channels_free(cfg);
	ps_cfg_forwards_free(cfg);
	memset(cfg, 0, sizeof(*cfg));
}

const struct ps_trusted_program *ps_config_program(const struct ps_config *cfg, const char *identifier,
						   size_t len)
{
	for (size_t i = 0; i < cfg->n_programs; i++) {
		const struct ps_trusted_program *p = &cfg->programs[i];
		if (strlen(p->identifier) == len && memcmp(p->identifier, identifier, len) == 0)
			return p;
	}
	return NULL;
}

/*
 * The file decides which programs are believed and where events go, so
 * whoever can write it controls pamsignal: refuse a file that anyone but
 * root or the user running us could have changed (OpenSSH's StrictModes
 * applies the same rule to authorized_keys).
 */
void ps_cfg_check_owner(struct ps_cfg_loader *ld, const struct stat *st, uid_t self)
{
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		ps_cfg_report(ld, PS_DIAG_ERROR, 0,
			      "refusing a group- or world-writable file (mode %04o); run chmod go-w on it",
			      (unsigned)(st->st_mode & 07777));
	if (st->st_uid != 0 && st->st_uid != self)
		ps_cfg_report(ld, PS_DIAG_ERROR, 0,
			      "refusing a file owned by uid %u: it must belong to root or to the user running "
			      "pamsignal (uid %u)",
			      (unsigned)st->st_uid, (unsigned)self);
}

void ps_cfg_check_secrets(struct ps_cfg_loader *ld, const struct stat *st)
{
	if (ld->secret_key && (st->st_mode & S_IROTH))
		ps_cfg_report(ld, PS_DIAG_WARNING, ld->secret_line,
			      "'%s' is a secret but the file is world-readable (mode %04o); run chmod o-r on it",
			      ld->secret_key, (unsigned)(st->st_mode & 07777));
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The line without blanks around it and without a comment. */
static void strip_line(const char **p, size_t *n)
{
	const char *s = *p;
	size_t len = *n;
	while (len > 0 && is_blank(s[0])) {
		s++;
		len--;
	}
	if (len > 0 && (s[0] == '#' || s[0] == ';'))
		len = 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] == '#' || s[i] == ';') && is_blank(s[i - 1])) {
			len = i;
			break;
		}
	}
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	*p = s;
	*n = len;
}

/* A key line: remember the key inih will pass, to notice if it cuts it. */
static bool take_key(struct ps_cfg_loader *ld, const char *s, size_t n)
{
	char q[PS_CFG_QUOTE_MAX];
	size_t k = 0;
	while (k < n && s[k] != '=' && s[k] != ':')
		k++;
	if (k == n) {
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "expected 'key = value', '[section]' or a comment, not '%s'",
			      ps_cfg_quote(q, s, n));
		return false;
	}
	while (k > 0 && is_blank(s[k - 1]))
		k--;
	if (k == 0) {
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "missing key name before '%c'", s[0]);
		return false;
	}
	if (k >= sizeof(ld->key)) {
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "key name '%s' is too long",
			      ps_cfg_quote(q, s, k));
		return false;
	}
	memcpy(ld->key, s, k);
	ld->key[k] = '\0';
	return true;
}

/* A section line: the name between the brackets, blanks trimmed. False if malformed. */
static bool take_section(struct ps_cfg_loader *ld, const char *s, size_t n)
{
	const char *bracket = memchr(s, ']', n);
	if (!bracket || bracket != s + n - 1) {
		char q[PS_CFG_QUOTE_MAX];
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line,
			      bracket ? "text after the ']' of section header '%s'"
				    : "section header '%s' has no closing ']'",
			      ps_cfg_quote(q, s, n));
		ld->section = PS_SEC_UNKNOWN; /* its keys would only add noise */
		return false;
	}
	s++;
	n -= 2;
	while (n > 0 && is_blank(s[0])) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	ps_cfg_enter_section(ld, s, n);
	return true;
}

/*
 * inih's reader: the next line, cleaned, or "" for a line inih must not
 * see (a comment, or one we already reported). fgets()-like: NULL at the end.
 */
static char *read_line(char *buf, int size, void *stream)
{
	struct ps_cfg_loader *ld = stream;
	if (ld->pos >= ld->len)
		return NULL;
	const char *s = ld->text + ld->pos;
	const char *nl = memchr(s, '\n', ld->len - ld->pos);
	size_t n = nl ? (size_t)(nl - s) : ld->len - ld->pos;
	ld->pos += n + (nl != NULL);
	ld->line++;
	buf[0] = '\0';

	if (ld->line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	if (memchr(s, '\0', n)) {
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "NUL byte in line");
		return buf;
	}
	strip_line(&s, &n);
	if (n == 0)
		return buf;
	/* inih's buffer holds size - 1 characters; it would take the rest of
	 * a longer line for the next line. */
	if (size < 1 || n > (size_t)size - 1) {
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "line longer than %d characters", size - 1);
		return buf;
	}
	if (s[0] == '[' ? !take_section(ld, s, n) : !take_key(ld, s, n))
		return buf;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* inih's handler: called right after read_line() returned the key's line. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct ps_cfg_loader *ld = user;
	/* The reader tracks sections itself: inih cuts their names at 50. It
	 * passes keys whole, but a build that cut them must not go unnoticed. */
	(void)section;
	if (strcmp(name, ld->key) != 0) {
		char q[PS_CFG_QUOTE_MAX];
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "key name '%s' is too long",
			      ps_cfg_quote(q, ld->key, strlen(ld->key)));
	} else {
		ps_cfg_set_key(ld, name, value);
	}
	/* Problems are reported here with their line; inih's count of them
	 * would only repeat the first. */
	return 1;
}

static int read_all(int fd, size_t hint, char **out, size_t *len)
{
	if (hint > MAX_FILE_SIZE)
		return -EFBIG;
	size_t cap = hint < 4096 ? 4096 : hint + 1, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap >= MAX_FILE_SIZE) {
				free(buf);
				return -EFBIG;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;
			free(buf);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > MAX_FILE_SIZE) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* Check and parse an open file. 0 (problems counted in ld) or -errno when it cannot be read. */
static int load_fd(struct ps_cfg_loader *ld, int fd)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int r;

	if (fstat(fd, &st) < 0) {
		r = -errno;
		ps_cfg_report(ld, PS_DIAG_ERROR, 0, "cannot stat: %s", strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		ps_cfg_report(ld, PS_DIAG_ERROR, 0, "not a regular file");
		return -EINVAL;
	}
	ps_cfg_check_owner(ld, &st, geteuid());
	r = read_all(fd, (size_t)st.st_size, &text, &len);
	if (r < 0) {
		ps_cfg_report(ld, PS_DIAG_ERROR, 0, "cannot read: %s",
			      r == -EFBIG ? "larger than 1 MiB" : strerror(-r));
		return r;
	}
	ld->text = text;
	ld->len = len;
	r = ini_parse_stream(read_line, ld, on_key, ld);
	free(text);
	ld->text = NULL;
	if (r == -2 || ld->oom)
		return -ENOMEM;
	if (r > 0) /* a syntax inih refused that the reader let through */
		ps_cfg_report(ld, PS_DIAG_ERROR, (unsigned)r, "syntax error");
	ps_cfg_channels_check(ld);
	ps_cfg_forwards_check(ld);
	ps_cfg_eventlog_key(ld);
	if (ld->oom)
		return -ENOMEM;
	ps_cfg_check_secrets(ld, &st);
	return 0;
}

int ps_cfg_load(const char *path, struct ps_config *cfg, const struct ps_cfg_key *keys, size_t n_keys,
		ps_config_diag_fn diag, void *arg)
{
	struct ps_cfg_loader ld = {
		.cfg = cfg, .keys = keys, .n_keys = n_keys, .diag = diag, .arg = arg,
		.file = path ? path : PS_CONFIG_DEFAULT_PATH, .section = PS_SEC_NONE,
	};
	int fd, r;

	memset(cfg, 0, sizeof(*cfg));
	if (n_keys > PS_CFG_MAX_KEYS)
		return -E2BIG;
	r = ps_cfg_defaults(cfg);
	if (r < 0)
		goto fail;
	fd = open(ld.file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		if (!path && r == -ENOENT)
			return 0; /* no file: the defaults */
		ps_cfg_report(&ld, PS_DIAG_ERROR, 0, "cannot open: %s", strerror(-r));
		goto fail;
	}
	r = load_fd(&ld, fd);
	close(fd);
	if (r == 0 && ld.errors)
		r = -EINVAL;
	if (r == 0 && !(cfg->path = strdup(ld.file)))
		r = -ENOMEM;
	if (r < 0)
		goto fail;
	free(ld.program_line);
	return 0;
fail:
	if (r == -ENOMEM)
		ps_cfg_report(&ld, PS_DIAG_ERROR, 0, "out of memory");
	free(ld.program_line);
	ps_config_free(cfg);
	return r;
}

int ps_config_load(const char *path, struct ps_config *cfg, ps_config_diag_fn diag, void *arg)
{
	return ps_cfg_load(path, cfg, ps_cfg_keys, ps_cfg_n_keys, diag, arg);
}
