/* The configuration: defaults, every key, errors with their lines, file checks. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/config.h"
#include "config/config_internal.h"
#include "detect/cmdline.h"

struct diags {
	unsigned n, errors, warnings;
	struct {
		enum ps_diag_level level;
		unsigned line;
		char msg[512];
	} d[32];
};

static void collect(enum ps_diag_level level, const char *file, unsigned line, const char *msg, void *arg)
{
	struct diags *dg = arg;
	assert_non_null(file);
	if (level == PS_DIAG_ERROR)
		dg->errors++;
	else
		dg->warnings++;
	if (dg->n < sizeof(dg->d) / sizeof(dg->d[0])) {
		dg->d[dg->n].level = level;
		dg->d[dg->n].line = line;
		snprintf(dg->d[dg->n].msg, sizeof(dg->d[0].msg), "%s", msg);
		dg->n++;
	}
}

/* The message reported at line with this level, or NULL. */
static const char *diag_at(const struct diags *dg, enum ps_diag_level level, unsigned line)
{
	for (unsigned i = 0; i < dg->n; i++)
		if (dg->d[i].level == level && dg->d[i].line == line)
			return dg->d[i].msg;
	return NULL;
}

static void dump(const struct diags *dg)
{
	for (unsigned i = 0; i < dg->n; i++)
		print_message("  %u: %s: %s\n", dg->d[i].line, dg->d[i].level == PS_DIAG_ERROR ? "error" : "warning",
			      dg->d[i].msg);
}

/* Write text to a fresh temporary file with mode; path must hold 32 bytes. */
static void write_file(char *path, const char *text, mode_t mode)
{
	snprintf(path, 32, "/tmp/ps-config-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static int load_keys(const char *text, mode_t mode, const struct ps_cfg_key *keys, size_t n_keys,
		     struct ps_config *cfg, struct diags *dg)
{
	char path[32];
	write_file(path, text, mode);
	memset(dg, 0, sizeof(*dg));
	int r = ps_cfg_load(path, cfg, keys, n_keys, collect, dg);
	unlink(path);
	dump(dg);
	return r;
}

static int load(const char *text, struct ps_config *cfg, struct diags *dg)
{
	return load_keys(text, 0644, ps_cfg_keys, ps_cfg_n_keys, cfg, dg);
}

/* The one error (at line) a text that is otherwise valid produces. */
static const char *one_error(const char *text, unsigned line)
{
	static struct diags dg;
	struct ps_config cfg;
	assert_int_equal(load(text, &cfg, &dg), -EINVAL);
	assert_int_equal(dg.errors, 1);
	assert_null(cfg.state_dir); /* freed and zeroed */
	const char *msg = diag_at(&dg, PS_DIAG_ERROR, line);
	assert_non_null(msg);
	return msg;
}

static bool contains(const char *s, const char *part)
{
	if (strstr(s, part))
		return true;
	print_message("'%s' does not contain '%s'\n", s, part);
	return false;
}

static void test_defaults(void **state)
{
	(void)state;
	struct ps_config cfg;
	ps_config_defaults(&cfg);
	assert_null(cfg.path);
	assert_null(cfg.hostname);
	assert_string_equal(cfg.state_dir, "/var/lib/pamsignal");
	assert_int_equal(cfg.journal, PS_SWITCH_AUTO);
	assert_int_equal(cfg.n_trusted_uids, 1);
	assert_int_equal(cfg.trusted_uids[0], 0);
	assert_int_equal(cfg.file, PS_SWITCH_AUTO);
	assert_string_equal(cfg.file_paths[0], "/var/log/auth.log");
	assert_string_equal(cfg.file_paths[1], "/var/log/secure");
	assert_null(cfg.file_paths[2]);
	assert_true(cfg.eventlog);
	assert_string_equal(cfg.eventlog_path, "/var/log/pamsignal/events.jsonl");
	assert_int_equal(cfg.eventlog_max_size, 100 * 1024 * 1024);
	assert_int_equal(cfg.eventlog_keep, 5);
	assert_true(cfg.print);

	assert_int_equal(cfg.n_programs, 21);
	const struct ps_trusted_program *p = ps_config_program(&cfg, "sudo", 4);
	assert_non_null(p);
	assert_true(p->any_uid);
	assert_string_equal(p->exes[0], "/usr/bin/sudo");
	assert_null(p->exes[1]);
	/* Length-delimited: the identifier is a slice of a journal field. */
	p = ps_config_program(&cfg, "sshd-session[42]", 12);
	assert_non_null(p);
	assert_false(p->any_uid);
	assert_string_equal(p->exes[2], "/usr/libexec/sshd-session");
	assert_null(ps_config_program(&cfg, "sshd-session", 11)); /* "sshd-sessio" */
	assert_null(ps_config_program(&cfg, "cron", 4));
	p = ps_config_program(&cfg, "gdm-password]", 13);
	assert_non_null(p);
	assert_string_equal(p->exes[1], "/usr/lib/gdm3/gdm-session-worker");
	static const char *const setuid[] = { "sudo", "su", "passwd", "chsh", "chfn", "gpasswd", "newgrp" };
	size_t n_any = 0;
	for (size_t i = 0; i < cfg.n_programs; i++)
		n_any += cfg.programs[i].any_uid;
	assert_int_equal(n_any, sizeof(setuid) / sizeof(setuid[0]));
	for (size_t i = 0; i < sizeof(setuid) / sizeof(setuid[0]); i++)
		assert_true(ps_config_program(&cfg, setuid[i], strlen(setuid[i]))->any_uid);
	assert_false(ps_config_program(&cfg, "chage", 5)->any_uid);
	assert_string_equal(ps_config_program(&cfg, "groupdel", 8)->exes[1], "/sbin/groupdel");

	ps_config_free(&cfg);
	assert_null(cfg.programs);
	assert_int_equal(cfg.n_programs, 0);
}

static void test_default_path(void **state)
{
	(void)state;
	if (access(PS_CONFIG_DEFAULT_PATH, F_OK) == 0)
		skip(); /* this machine has one */
	struct ps_config cfg;
	struct diags dg = { 0 };
	assert_int_equal(ps_config_load(NULL, &cfg, collect, &dg), 0);
	assert_null(cfg.path);
	assert_int_equal(dg.n, 0);
	assert_string_equal(cfg.state_dir, "/var/lib/pamsignal");
	ps_config_free(&cfg);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags dg = { 0 };
	assert_int_equal(ps_config_load("/nonexistent/pamsignal.conf", &cfg, collect, &dg), -ENOENT);
	assert_int_equal(dg.errors, 1);
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 0), "No such file or directory"));
	assert_null(cfg.state_dir);

	memset(&dg, 0, sizeof(dg));
	assert_true(ps_config_load("/tmp", &cfg, collect, &dg) < 0);
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 0), "not a regular file"));
}

static void test_every_key(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags dg;
	const char text[] = "# every key\n"
			    "[general]\n"
			    "hostname = web-1.example.org\n"
			    "state_dir = /srv/pamsignal state\n"
			    "[source.journal]\n"
			    "enabled = no\n"
			    "trusted_uids = 0 1000\n"
			    "[source.file]\n"
			    "enabled = yes\n"
			    "paths = /var/log/a.log\t/var/log/b.log /c\n"
			    "[output.eventlog]\n"
			    "enabled = off\n"
			    "path = /data/events.jsonl\n"
			    "max_size = 2G\n"
			    "keep = 0\n"
			    "[output.stdout]\n"
			    "enabled = FALSE\n";
	assert_int_equal(load(text, &cfg, &dg), 0);
	assert_int_equal(dg.n, 0);
	assert_non_null(cfg.path);
	assert_string_equal(cfg.hostname, "web-1.example.org");
	assert_string_equal(cfg.state_dir, "/srv/pamsignal state");
	assert_int_equal(cfg.journal, PS_SWITCH_NO);
	assert_int_equal(cfg.n_trusted_uids, 2);
	assert_int_equal(cfg.trusted_uids[1], 1000);
	assert_int_equal(cfg.file, PS_SWITCH_YES);
	assert_string_equal(cfg.file_paths[1], "/var/log/b.log");
	assert_string_equal(cfg.file_paths[2], "/c");
	assert_null(cfg.file_paths[3]);
	assert_false(cfg.eventlog);
	assert_string_equal(cfg.eventlog_path, "/data/events.jsonl");
	assert_int_equal(cfg.eventlog_max_size, 2ull << 30);
	assert_int_equal(cfg.eventlog_keep, 0);
	assert_false(cfg.print);
	ps_config_free(&cfg);

	/* Booleans and switches in their other spellings. */
	assert_int_equal(load("[source.journal]\nenabled = ON\n[source.file]\nenabled = Auto\n"
			      "[output.eventlog]\nenabled = 0\nmax_size = 64k\n[output.stdout]\nenabled = true\n",
			      &cfg, &dg),
			 0);
	assert_int_equal(cfg.journal, PS_SWITCH_YES);
	assert_int_equal(cfg.file, PS_SWITCH_AUTO);
	assert_false(cfg.eventlog);
	assert_int_equal(cfg.eventlog_max_size, 64 * 1024);
	assert_true(cfg.print);
	ps_config_free(&cfg);
}

static void test_syntax(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags dg;
	/* Indented keys are keys, not inih continuation lines; comments inline
	 * after a blank; CRLF; a UTF-8 byte-order mark; ':' as in inih. */
	assert_int_equal(load("\xef\xbb\xbf; comment\r\n"
			      "  [ output.eventlog ]  # section comment\r\n"
			      "\tkeep = 7 ; seven\r\n"
			      "    max_size = 1M # one\r\n"
			      "[general]\n"
			      "state_dir: /a#b\n",
			      &cfg, &dg),
			 0);
	assert_int_equal(dg.n, 0);
	assert_int_equal(cfg.eventlog_keep, 7);
	assert_int_equal(cfg.eventlog_max_size, 1 << 20);
	assert_string_equal(cfg.state_dir, "/a#b");
	ps_config_free(&cfg);

	assert_true(contains(one_error("[general]\nhostname = a\nthis is not a key\n", 3), "expected 'key = value'"));
	assert_true(contains(one_error("\n\nkeep = 3\n[output.eventlog]\n", 3), "before any [section]"));
	assert_true(contains(one_error("[general\nstate_dir = /x\n", 1), "no closing ']'"));
	assert_true(contains(one_error("[general] state_dir = /x\n", 1), "text after the ']'"));
	assert_true(contains(one_error("[general]\n= /x\n", 2), "missing key name"));
	char long_line[400];
	snprintf(long_line, sizeof(long_line), "[source.file]\npaths = /%0300d\n", 0);
	assert_true(contains(one_error(long_line, 2), "line longer than 199 characters"));
	/* 199 is fine: "paths = /" and 190 more. */
	snprintf(long_line, sizeof(long_line), "[source.file]\npaths = /%0190d\n", 0);
	assert_int_equal(load(long_line, &cfg, &dg), 0);
	assert_int_equal(strlen(cfg.file_paths[0]), 191);
	ps_config_free(&cfg);
	char long_key[200];
	snprintf(long_key, sizeof(long_key), "[source.journal.programs]\n%0120d = /x\n", 0);
	assert_true(contains(one_error(long_key, 2), "too long"));
	/* 63 characters: the longest name. */
	snprintf(long_key, sizeof(long_key), "[source.journal.programs]\n%063d = /x\n", 0);
	assert_int_equal(load(long_key, &cfg, &dg), 0);
	assert_non_null(ps_config_program(&cfg, long_key + 26, 63));
	ps_config_free(&cfg);
}

static void test_nul_byte(void **state)
{
	(void)state;
	char path[32];
	struct ps_config cfg;
	struct diags dg = { 0 };
	write_file(path, "[general]\n", 0644);
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "state_dir = /a\0b\n", 17), 17);
	close(fd);
	assert_int_equal(ps_config_load(path, &cfg, collect, &dg), -EINVAL);
	unlink(path);
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 2), "NUL byte"));
}

static void test_bad_values(void **state)
{
	(void)state;
	assert_true(contains(one_error("[general]\nhostname = web 1\n", 2), "[general] hostname: 'web 1' is not a host name"));
	assert_true(contains(one_error("[general]\nstate_dir = var/lib\n", 2), "state_dir: 'var/lib' is not an absolute path"));
	assert_true(contains(one_error("[general]\nstate_dir = /var/\tlib\n", 2), "state_dir: '/var/\\x09lib' contains a tab"));
	assert_true(contains(one_error("[source.journal]\nenabled = maybe\n", 2), "enabled: 'maybe' is not auto, yes or no"));
	assert_true(contains(one_error("[source.journal]\ntrusted_uids = 4294967295\n", 2), "out of range"));
	assert_true(contains(one_error("[source.journal]\ntrusted_uids =\n", 2), "needs at least one"));
	assert_true(contains(one_error("[source.file]\npaths = /var/log/auth.log auth.log\n", 2), "'auth.log' is not an absolute path"));
	assert_true(contains(one_error("[output.eventlog]\nenabled = auto\n", 2), "'auto' is not yes or no"));
	assert_true(contains(one_error("[output.eventlog]\npath = \n", 2), "path: '' is not an absolute path"));
	assert_true(contains(one_error("[output.eventlog]\nmax_size = 100MB\n", 2), "'100MB' is not a size"));
	assert_true(contains(one_error("[output.eventlog]\nmax_size = 63K\n", 2), "below the minimum of 64K"));
	assert_true(contains(one_error("[output.eventlog]\nmax_size = 65535\n", 2), "below the minimum"));
	assert_true(contains(one_error("[output.eventlog]\nmax_size = 99999999999999G\n", 2), "too large"));
	assert_true(contains(one_error("[output.eventlog]\nmax_size = -1M\n", 2), "not a size"));
	assert_true(contains(one_error("[output.eventlog]\nkeep = 1001\n", 2), "'1001' is not a number from 0 to 1000"));
	assert_true(contains(one_error("[output.eventlog]\nkeep = five\n", 2), "keep"));
	assert_true(contains(one_error("[output.stdout]\nenabled = \x1b[31m\n", 2), "'\\x1b[31m'"));

	struct ps_config cfg;
	struct diags dg;
	assert_int_equal(load("[output.eventlog]\nmax_size = 65536\n", &cfg, &dg), 0);
	assert_int_equal(cfg.eventlog_max_size, 65536);
	ps_config_free(&cfg);
}

static void test_all_problems(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags dg;
	const char text[] = "[general]\n"
			    "state_dir = relative\n"     /* 2 */
			    "bogus\n"                    /* 3 */
			    "[output.eventlog]\n"
			    "keep = -1\n"                /* 5 */
			    "max_size = 1X\n"            /* 6 */
			    "keep = 3\n"                 /* 7: duplicate, warning */
			    "[output.stdout]\n"
			    "enabled = perhaps\n";       /* 9 */
	assert_int_equal(load(text, &cfg, &dg), -EINVAL);
	assert_int_equal(dg.errors, 5);
	assert_int_equal(dg.warnings, 1);
	assert_non_null(diag_at(&dg, PS_DIAG_ERROR, 2));
	assert_non_null(diag_at(&dg, PS_DIAG_ERROR, 3));
	assert_non_null(diag_at(&dg, PS_DIAG_ERROR, 5));
	assert_non_null(diag_at(&dg, PS_DIAG_ERROR, 6));
	assert_non_null(diag_at(&dg, PS_DIAG_WARNING, 7));
	assert_non_null(diag_at(&dg, PS_DIAG_ERROR, 9));
	assert_null(cfg.state_dir);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_string_equal(one_error("[output.eventlog]\nmax_szie = 1M\n", 2),
			    "unknown key 'max_szie' in [output.eventlog]; did you mean 'max_size'?");
	assert_string_equal(one_error("[general]\nStateDir = /x\n", 2),
			    "unknown key 'StateDir' in [general]; did you mean 'state_dir'?");
	assert_string_equal(one_error("[general]\nsize = 1M\n", 2), "unknown key 'size' in [general]");
	assert_string_equal(one_error("[general]\nstate-dir = /x\n", 2),
			    "unknown key 'state-dir' in [general]; did you mean 'state_dir'?");
	assert_string_equal(one_error("[general]\ntrusted_uids = 0\n", 2),
			    "unknown key 'trusted_uids' in [general]; it belongs in [source.journal]");
	assert_string_equal(one_error("[general]\nenabled = yes\n", 2), "unknown key 'enabled' in [general]");

	/* An unknown section is reported once; its keys are not. */
	struct ps_config cfg;
	struct diags dg;
	assert_int_equal(load("[source.jounral]\nenabled = yes\nfoo = bar\n[journal]\n[alerts]\nx = 1\n"
			      "[output.stdout]\nenabled = yes\n",
			      &cfg, &dg),
			 -EINVAL);
	assert_int_equal(dg.errors, 3);
	assert_string_equal(diag_at(&dg, PS_DIAG_ERROR, 1),
			    "unknown section [source.jounral]; did you mean [source.journal]?");
	assert_string_equal(diag_at(&dg, PS_DIAG_ERROR, 4), "unknown section [journal]; did you mean [source.journal]?");
	assert_string_equal(diag_at(&dg, PS_DIAG_ERROR, 5), "unknown section [alerts]");
}

static void test_duplicate(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags dg;
	assert_int_equal(load("[output.eventlog]\nkeep = 3\n\n[general]\n[output.eventlog]\nkeep = 4\n"
			      "[source.journal.programs]\nfoo = /usr/bin/foo\nfoo = /usr/bin/bar\n",
			      &cfg, &dg),
			 0);
	assert_int_equal(dg.warnings, 2);
	assert_string_equal(diag_at(&dg, PS_DIAG_WARNING, 6),
			    "duplicate key 'keep' in [output.eventlog] (first set on line 2); the last value is used");
	assert_true(contains(diag_at(&dg, PS_DIAG_WARNING, 9), "duplicate key 'foo' in [source.journal.programs]"));
	assert_int_equal(cfg.eventlog_keep, 4);
	assert_string_equal(ps_config_program(&cfg, "foo", 3)->exes[0], "/usr/bin/bar");
	ps_config_free(&cfg);
}

static void test_trusted_uids(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags dg;
	assert_int_equal(load("[source.journal]\ntrusted_uids = root 1000 0  4294967294\n", &cfg, &dg), 0);
	assert_int_equal(cfg.n_trusted_uids, 3); /* root twice counts once */
	assert_int_equal(cfg.trusted_uids[0], 0);
	assert_int_equal(cfg.trusted_uids[1], 1000);
	assert_int_equal(cfg.trusted_uids[2], 4294967294u);
	ps_config_free(&cfg);

	assert_int_equal(load("[source.journal]\ntrusted_uids = root no-such-user-ps1 no-such-user-ps2\n", &cfg, &dg),
			 -EINVAL);
	assert_int_equal(dg.errors, 2);
	assert_string_equal(dg.d[0].msg, "[source.journal] trusted_uids: unknown user 'no-such-user-ps1'");
	assert_int_equal(dg.d[1].line, 2);
}

static void test_programs(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags dg;
	assert_int_equal(load("[source.journal.programs]\n"
			      "sudo = /opt/sudo/bin/sudo\n"
			      "sshd = /usr/sbin/sshd /usr/local/sbin/sshd\n"
			      "doas = /usr/bin/doas\n",
			      &cfg, &dg),
			 0);
	assert_int_equal(dg.n, 0);
	assert_int_equal(cfg.n_programs, 22);
	const struct ps_trusted_program *p = ps_config_program(&cfg, "sudo", 4);
	assert_string_equal(p->exes[0], "/opt/sudo/bin/sudo");
	assert_null(p->exes[1]);
	assert_true(p->any_uid); /* replacing the list keeps what the program is */
	p = ps_config_program(&cfg, "sshd", 4);
	assert_string_equal(p->exes[1], "/usr/local/sbin/sshd");
	p = ps_config_program(&cfg, "doas", 4);
	assert_non_null(p);
	assert_ptr_equal(p, &cfg.programs[21]); /* after the built-in table */
	assert_false(p->any_uid);
	assert_string_equal(p->exes[0], "/usr/bin/doas");
	assert_string_equal(ps_config_program(&cfg, "su", 2)->exes[0], "/usr/bin/su"); /* untouched */
	ps_config_free(&cfg);

	assert_true(contains(one_error("[source.journal.programs]\nsu = su\n", 2),
			     "[source.journal.programs] su: 'su' is not an absolute path"));
	assert_true(contains(one_error("[source.journal.programs]\nsu =\n", 2), "needs at least one absolute executable path"));
	assert_true(contains(one_error("[source.journal.programs]\nmy prog = /bin/x\n", 2), "cannot contain spaces"));
}

static void test_permissions(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags dg;
	const char text[] = "[general]\nstate_dir = /x\n";
	assert_int_equal(load_keys(text, 0666, ps_cfg_keys, ps_cfg_n_keys, &cfg, &dg), -EINVAL);
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 0), "refusing a group- or world-writable file (mode 0666)"));
	assert_int_equal(load_keys(text, 0664, ps_cfg_keys, ps_cfg_n_keys, &cfg, &dg), -EINVAL);
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 0), "mode 0664"));
	assert_int_equal(load_keys(text, 0602, ps_cfg_keys, ps_cfg_n_keys, &cfg, &dg), -EINVAL);
	/* Problems in the text are still reported alongside. */
	assert_int_equal(load_keys("[general]\nstate_dir = x\n", 0666, ps_cfg_keys, ps_cfg_n_keys, &cfg, &dg), -EINVAL);
	assert_int_equal(dg.errors, 2);
	assert_non_null(diag_at(&dg, PS_DIAG_ERROR, 2));
	/* Readable by all is fine while nothing in it is secret. */
	assert_int_equal(load_keys(text, 0644, ps_cfg_keys, ps_cfg_n_keys, &cfg, &dg), 0);
	assert_int_equal(dg.n, 0);
	ps_config_free(&cfg);
	assert_int_equal(load_keys(text, 0400, ps_cfg_keys, ps_cfg_n_keys, &cfg, &dg), 0);
	ps_config_free(&cfg);
}

static void test_owner(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	char path[32];
	struct ps_config cfg;
	struct diags dg = { 0 };
	write_file(path, "[general]\n", 0644);
	assert_int_equal(chown(path, 12345, 12345), 0);
	assert_int_equal(ps_config_load(path, &cfg, collect, &dg), -EINVAL);
	dump(&dg);
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 0), "owned by uid 12345"));
	/* Root's group does not make a group-writable file acceptable either. */
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(chmod(path, 0664), 0);
	memset(&dg, 0, sizeof(dg));
	assert_int_equal(ps_config_load(path, &cfg, collect, &dg), -EINVAL);
	unlink(path);
}

static int ignore_value(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	(void)ld, (void)k, (void)v;
	return 0;
}

/* The real keys plus a secret one that exists only here: no real key holds
 * a secret yet, and the rule must work before the first one does. */
static void test_secret(void **state)
{
	(void)state;
	struct ps_cfg_key keys[PS_CFG_MAX_KEYS];
	assert_true(ps_cfg_n_keys < PS_CFG_MAX_KEYS);
	memcpy(keys, ps_cfg_keys, ps_cfg_n_keys * sizeof(keys[0]));
	keys[ps_cfg_n_keys] = (struct ps_cfg_key){ PS_SEC_GENERAL, "test_token", ignore_value, 0, true };
	size_t n = ps_cfg_n_keys + 1;
	struct ps_config cfg;
	struct diags dg;
	const char text[] = "[general]\nstate_dir = /x\n\ntest_token = s3cret\n";

	assert_int_equal(load_keys(text, 0644, keys, n, &cfg, &dg), 0);
	assert_int_equal(dg.warnings, 1);
	assert_string_equal(diag_at(&dg, PS_DIAG_WARNING, 4),
			    "'test_token' is a secret but the file is world-readable (mode 0644); run chmod o-r on it");
	ps_config_free(&cfg);
	assert_int_equal(load_keys(text, 0640, keys, n, &cfg, &dg), 0);
	assert_int_equal(dg.n, 0);
	ps_config_free(&cfg);
	/* Without the key, the same mode says nothing. */
	assert_int_equal(load_keys("[general]\nstate_dir = /x\n", 0644, keys, n, &cfg, &dg), 0);
	assert_int_equal(dg.n, 0);
	ps_config_free(&cfg);
}

/* [output.eventlog] hmac_key_file: a file or a credential, read at load, named in errors but never shown. */
static void test_eventlog_key(void **state)
{
	(void)state;
	char key[32], text[200];
	struct ps_config cfg;
	struct diags dg;
	write_file(key, "k3y-bytes\n", 0600);
	snprintf(text, sizeof(text), "[output.eventlog]\nhmac_key_file = %s\n", key);
	assert_int_equal(load(text, &cfg, &dg), 0);
	assert_int_equal(cfg.eventlog_key_len, 9);
	assert_memory_equal(cfg.eventlog_key, "k3y-bytes", 9);
	ps_config_free(&cfg);

	/* A credential name: in $CREDENTIALS_DIRECTORY. */
	setenv("CREDENTIALS_DIRECTORY", "/tmp", 1);
	snprintf(text, sizeof(text), "[output.eventlog]\nhmac_key_file = %s\n", key + 5);
	assert_int_equal(load(text, &cfg, &dg), 0);
	assert_int_equal(cfg.eventlog_key_len, 9);
	ps_config_free(&cfg);
	unsetenv("CREDENTIALS_DIRECTORY");
	assert_true(contains(one_error(text, 2), "[output.eventlog] hmac_key_file: ps-config-"));
	assert_true(contains(one_error(text, 2), "is not an absolute path and $CREDENTIALS_DIRECTORY is not set"));

	write_file(key + 0, "two\nlines\n", 0600);
	snprintf(text, sizeof(text), "[general]\n[output.eventlog]\nhmac_key_file = %s\n", key);
	assert_true(contains(one_error(text, 3), "must hold one line of 1 to 4095 bytes"));
	assert_null(strstr(one_error(text, 3), "lines")); /* the contents are never shown */
	unlink(key);
	assert_true(contains(one_error(text, 3), "No such file or directory"));
	assert_true(contains(one_error("[output.eventlog]\nhmac_key_file = a/b\n", 2),
			     "'a/b' is not an absolute path or a credential name"));
}

static void test_detect_keys(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags dg;
	const char text[] = "[detect]\n"
			    "max_memory = 16M\n"
			    "allowlist_cidrs = 192.0.2.7/24 2001:db8::/32 127.0.0.1\n"
			    "allowlist_users = backup deploy\n"
			    "samples = 0\n"
			    "[rule.brute_force]\n"
			    "enabled = no\n"
			    "severity = critical\n"
			    "threshold = 7\n"
			    "window = 2h\n"
			    "realert = 0\n"
			    "[rule.brute_force_subnet]\n"
			    "prefix4 = 16\n"
			    "prefix6 = 48\n"
			    "min_sources = 4\n"
			    "[rule.new_source]\n"
			    "window = 30d\n"
			    "prefix6 = 56\n"
			    "sources_per_user = 4\n"
			    "first_login = yes\n"
			    "[rule.off_hours]\n"
			    "timezone = Europe/Paris\n"
			    "schedule = Mon-Fri 08:00-18:30, Sat 09:00-12:00, Sun 22:00-02:00\n"
			    "[rule.commands_of_interest]\n"
			    "commands = nmap tshark:T1040 pspy:T1057,T1082\n"
			    "download_to_shell = no\n";
	assert_int_equal(load(text, &cfg, &dg), 0);
	assert_int_equal(dg.n, 0);
	const struct ps_detect_config *d = &cfg.detect;
	assert_int_equal(d->max_memory, 16u << 20);
	assert_int_equal(d->n_allow_cidrs, 3);
	assert_int_equal(d->allow_cidrs[0].prefix, 24);
	assert_int_equal(d->allow_cidrs[0].net.a[3], 0); /* host bits cleared */
	assert_int_equal(d->allow_cidrs[2].prefix, 32);
	assert_string_equal(d->allow_users[1], "deploy");
	assert_int_equal(d->samples, 0);
	const struct ps_rule_config *bf = &d->rule[PS_RULE_BRUTE_FORCE];
	assert_false(bf->enabled);
	assert_int_equal(bf->severity, PS_SEVERITY_CRITICAL);
	assert_int_equal(bf->threshold, 7);
	assert_int_equal(bf->window_s, 7200);
	assert_int_equal(bf->realert_s, 0);
	assert_true(d->rule[PS_RULE_SCANNER].enabled);
	assert_int_equal(d->subnet_prefix4, 16);
	assert_int_equal(d->subnet_prefix6, 48);
	assert_int_equal(d->subnet_min_sources, 4);
	assert_int_equal(d->rule[PS_RULE_NEW_SOURCE].window_s, 30 * 86400);
	assert_int_equal(d->new_source_prefix6, 56);
	assert_int_equal(d->new_source_per_user, 4);
	assert_true(d->new_source_first_login);
	assert_string_equal(d->timezone, "Europe/Paris");
	assert_string_equal(d->coi_commands[2], "pspy:T1057,T1082");
	assert_null(d->coi_commands[3]);
	assert_false(d->coi_download_to_shell);
	assert_true(d->coi_history_clearing);
	/* Monday 18:29 in, 18:30 out; Sunday 23:00 and Monday 01:59 in (past midnight). */
#define IN(day, min) ((d->week[day][(min) / 8] >> ((min) % 8)) & 1)
	assert_true(IN(0, 18 * 60 + 29));
	assert_false(IN(0, 18 * 60 + 30));
	assert_true(IN(6, 23 * 60));
	assert_true(IN(0, 1 * 60 + 59));
	assert_false(IN(0, 2 * 60));
	assert_false(IN(5, 12 * 60));
#undef IN
	ps_config_free(&cfg);

	/* The defaults: every rule on, nothing allowlisted. */
	ps_config_defaults(&cfg);
	for (int r = 0; r < PS_RULE__COUNT; r++)
		assert_true(cfg.detect.rule[r].enabled);
	assert_int_equal(cfg.detect.n_allow_cidrs, 0);
	assert_null(cfg.detect.allow_users);
	assert_int_equal(cfg.detect.max_memory, 64u << 20);
	ps_config_free(&cfg);
}

static void test_detect_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		unsigned line;
		const char *error; /* the message, or its start when it names a path */
	} bad[] = {
		{ "[rule.brute_forse]\nthreshold = 3\n", 1,
		  "unknown rule [rule.brute_forse]; did you mean [rule.brute_force]?" },
		{ "[rule.everything]\n", 1,
		  "unknown rule [rule.everything] (see RULES in pamsignal(8))" },
		{ "[rule.brute_force]\nthreshhold = 3\n", 2,
		  "unknown key 'threshhold' in [rule.brute_force]; did you mean 'threshold'?" },
		{ "[rule.brute_force]\nschedule = Mon 09:00-10:00\n", 2,
		  "[rule.brute_force] has no key 'schedule' (only [rule.off_hours])" },
		{ "[rule.new_source]\nthreshold = 2\n", 2,
		  "[rule.new_source] has no key 'threshold' (it does not apply to this rule)" },
		{ "[rule.sudo]\nprefix6 = 64\n", 2,
		  "[rule.sudo] has no key 'prefix6' (only [rule.brute_force_subnet], [rule.new_source])" },
		{ "[rule.sudo]\nseverity = severe\n", 2,
		  "[rule.sudo] severity: 'severe' is not info, low, medium, high or critical" },
		{ "[rule.sudo]\nthreshold = 0\n", 2,
		  "[rule.sudo] threshold: '0' is not a number from 1 to 1000" },
		{ "[rule.sudo]\nwindow = 10 minutes\n", 2,
		  "[rule.sudo] window: '10 minutes' is not a duration from 1s to 400 days "
		  "(a number with s, m, h, d or w)" },
		{ "[rule.off_hours]\nschedule = weekdays 9-5\n", 2,
		  "[rule.off_hours] schedule: 'weekdays 9-5' is not DAY[-DAY] HH:MM-HH:MM "
		  "(days Mon to Sun, times 00:00 to 24:00)" },
		{ "[rule.off_hours]\ntimezone = Mars/Olympus\n", 2,
		  "[rule.off_hours] timezone: unknown time zone 'Mars/Olympus'" },
		{ "[detect]\nallowlist_cidrs = 192.0.2.0/33\n", 2,
		  "[detect] allowlist_cidrs: '192.0.2.0/33' is not an address or address/prefix" },
		{ "[detect]\nsamples = 9\n", 2,
		  "[detect] samples: '9' is not a number from 0 to 8" },
		{ "[detect]\nthreshold = 3\n", 2,
		  "unknown key 'threshold' in [detect]" },
		{ "[rule.commands_of_interest]\ncommands = nmap /usr/bin/ss\n", 2,
		  "[rule.commands_of_interest] commands: '/usr/bin/ss' is not NAME or NAME:TECHNIQUE[,TECHNIQUE]" },
		{ "[rule.commands_of_interest]\ncommands = nmap:T104\n", 2,
		  "[rule.commands_of_interest] commands: 'nmap:T104' is not NAME" },
		{ "[rule.commands_of_interest]\ncommands = a:T1046,T1049,T1057\n", 2,
		  "[rule.commands_of_interest] commands: 'a:T1046,T1049,T1057' is not NAME" },
		{ "[rule.commands_of_interest]\nhistory_clearing = maybe\n", 2,
		  "[rule.commands_of_interest] history_clearing: 'maybe' is not yes or no" },
		{ "[rule.sudo]\ncommands = nmap\n", 2,
		  "[rule.sudo] has no key 'commands' (only [rule.commands_of_interest])" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *msg = one_error(bad[i].text, bad[i].line);
		if (strncmp(msg, bad[i].error, strlen(bad[i].error)) != 0)
			fail_msg("'%s' does not start with '%s'", msg, bad[i].error);
	}

	struct ps_config cfg;
	struct diags dg;
	assert_int_equal(load("[rule.su]\nthreshold = 2\n[rule.sudo]\n[rule.su]\nthreshold = 4\n", &cfg, &dg), 0);
	assert_string_equal(diag_at(&dg, PS_DIAG_WARNING, 5),
			    "duplicate key 'threshold' in [rule.su] (first set on line 2); the last value is used");
	assert_int_equal(cfg.detect.rule[PS_RULE_SU].threshold, 4);
	ps_config_free(&cfg);
}

/* The source tree's etc/pamsignal.conf, or NULL without PS_SOURCE_ROOT.
 * Checked through its text, not its path: a checkout's file may be
 * group-writable. */
static FILE *open_example(void)
{
	const char *root = getenv("PS_SOURCE_ROOT");
	if (!root)
		return NULL;
	char path[4096];
	snprintf(path, sizeof(path), "%s/etc/pamsignal.conf", root);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	return f;
}

static void test_example_file(void **state)
{
	(void)state;
	FILE *f = open_example();
	if (!f)
		skip();
	static char text[64 * 1024];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	struct ps_config cfg, def;
	struct diags dg;
	assert_int_equal(load(text, &cfg, &dg), 0);
	assert_int_equal(dg.n, 0);
	ps_config_defaults(&def);
	assert_string_equal(cfg.state_dir, def.state_dir);
	assert_int_equal(cfg.n_programs, def.n_programs);
	ps_config_free(&def);
	ps_config_free(&cfg);
}

/* Every detection key the example shows, uncommented, gives the defaults. */
static void test_example_detect_defaults(void **state)
{
	(void)state;
	FILE *f = open_example();
	if (!f)
		skip();
	static char text[64 * 1024];
	size_t n = 0, keys = 0;
	char line[512];
	bool in_detect = false;
	while (fgets(line, sizeof(line), f)) {
		in_detect |= strcmp(line, "[detect]\n") == 0;
		if (!in_detect || strncmp(line, "#timezone", 9) == 0)
			continue;
		const char *l = line;
		if (line[0] == '#' && line[1] >= 'a' && line[1] <= 'z' && strstr(line, " = ")) {
			l = line + 1; /* "#key = default" */
			keys++;
		} else if (line[0] != '[') {
			continue;
		}
		size_t len = strlen(l);
		assert_true(n + len < sizeof(text));
		memcpy(text + n, l, len);
		n += len;
	}
	fclose(f);
	text[n] = '\0';
	assert_true(keys > 70);
	struct ps_config cfg, def;
	struct diags dg;
	assert_int_equal(load(text, &cfg, &dg), 0);
	assert_int_equal(dg.n, 0);
	ps_config_defaults(&def);
	/* All but the allocated values (none by default, checked apart). */
	assert_int_equal(cfg.detect.n_allow_cidrs, 0);
	assert_null(cfg.detect.allow_users);
	assert_null(cfg.detect.timezone);
	/* commands: the built-in list, written out. */
	size_t i = 0;
	for (; cfg.detect.coi_commands && cfg.detect.coi_commands[i]; i++)
		assert_string_equal(cfg.detect.coi_commands[i], ps_cmd_default_tools[i].name);
	assert_int_equal(i, ps_cmd_n_default_tools);
	assert_null(def.detect.coi_commands);
	struct ps_detect_config a = cfg.detect, b = def.detect;
	a.allow_cidrs = b.allow_cidrs = NULL;
	a.coi_commands = NULL;
	assert_memory_equal(&a, &b, sizeof(a));
	ps_config_free(&def);
	ps_config_free(&cfg);
}

/* command = ...: split as config_argv.c says, never by a shell. */
static void test_channel_argv(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		const char *argv[5];
	} ok[] = {
		{ "/bin/x a  b\tc", { "/bin/x", "a", "b", "c" } },
		{ "/bin/x 'a b' \"c \\\" \\\\ \\d\" e\\ f", { "/bin/x", "a b", "c \" \\ \\d", "e f" } },
		{ "/bin/x a\"b c\"'d' '' $HOME;`id`", { "/bin/x", "ab cd", "", "$HOME;`id`" } },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char **v;
		const char *why;
		int n = ps_cfg_argv(ok[i].line, &v, &why);
		int want = 0;
		while (want < 5 && ok[i].argv[want])
			want++;
		assert_int_equal(n, want);
		for (int k = 0; k < n; k++)
			assert_string_equal(v[k], ok[i].argv[k]);
		assert_null(v[n]);
		ps_cfg_strv_free(v);
	}
	static const char *const bad[] = { "/bin/x 'a", "/bin/x \"a\\\"", "/bin/x a\\" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char **v;
		const char *why;
		assert_int_equal(ps_cfg_argv(bad[i], &v, &why), -EINVAL);
		assert_non_null(why);
		assert_null(v);
	}

	struct ps_config cfg;
	struct diags dg;
	assert_int_equal(load("[channel.run]\ntype = exec\ncommand = /bin/echo 'two words' x\\ y\nmax_age = 2h\n", &cfg, &dg), 0);
	assert_int_equal(cfg.n_channels, 1);
	assert_string_equal(cfg.channels[0].command[1], "two words");
	assert_string_equal(cfg.channels[0].command[2], "x y");
	assert_null(cfg.channels[0].command[3]);
	assert_int_equal(cfg.channels[0].max_age_s, 7200);
	assert_int_equal(cfg.channels[0].rate_count, 0);
	ps_config_free(&cfg);
	assert_true(contains(one_error("[channel.run]\ntype = exec\ncommand = echo hi\n", 3),
			     "[channel.run] command: needs a program as an absolute path"));
	assert_true(contains(one_error("[channel.run]\ntype = exec\ncommand = /bin/echo 'hi\n", 3),
			     "[channel.run] command: a ' is not closed"));
	assert_true(contains(one_error("[channel.run]\ntype = exec\ncommand = /nonexistent/hook\n", 3),
			     "[channel.run] command: /nonexistent/hook: No such file or directory"));
	char plain[32], text[128], want[96];
	write_file(plain, "not a program\n", 0644);
	snprintf(text, sizeof(text), "[channel.run]\ntype = exec\ncommand = %s\n", plain);
	snprintf(want, sizeof(want), "[channel.run] command: %s: Permission denied", plain);
	assert_true(contains(one_error(text, 3), want));
	assert_int_equal(chmod(plain, 0777), 0);
	assert_int_equal(load(text, &cfg, &dg), 0);
	assert_int_equal(dg.warnings, 1);
	assert_true(contains(diag_at(&dg, PS_DIAG_WARNING, 3), "is group- or world-writable (mode 0777)"));
	ps_config_free(&cfg);
	unlink(plain);
	assert_true(contains(one_error("[channel.run]\ntype = exec\n", 1), "[channel.run] type exec needs command"));
	assert_true(contains(one_error("[channel.run]\ntype = exec\ncommand = /bin/true\nmax_age = 0\n", 4),
			     "[channel.run] max_age: not a duration from 1s to 30 days"));
}

/* Writes secret to dir/name. */
static void secret_file(const char *dir, const char *name, const char *secret)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, secret, strlen(secret)), (ssize_t)strlen(secret));
	close(fd);
}

/* Every secret from a file or a credential; no message quotes one. */
static void test_channel_secrets(void **state)
{
	(void)state;
	char dir[] = "/tmp/ps-creds-XXXXXX", text[2048];
	assert_non_null(mkdtemp(dir));
	secret_file(dir, "auth", "Bearer SECRET-H\n");
	secret_file(dir, "topic", "SECRET_topic\n");
	secret_file(dir, "smtp", "smtps://user:SECRET-P@mail.example.org\n");
	secret_file(dir, "bad-url", "ftp://SECRET-U@example.org\n");
	secret_file(dir, "bad-topic", "SECRET/../x\n");
	secret_file(dir, "bad-header", "SECRET-C\rX-Evil: 1\n");
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	struct ps_config cfg;
	struct diags dg;
	snprintf(text, sizeof(text),
		 "[channel.n]\ntype = ntfy\ntopic_file = topic\nheader_file.Authorization = %s/auth\n"
		 "[channel.m]\ntype = email\nurl_file = smtp\nfrom = a@example.org\nto = b@example.org\n",
		 dir);
	assert_int_equal(load(text, &cfg, &dg), 0);
	assert_string_equal(cfg.channels[0].topic_secret, "SECRET_topic");
	assert_int_equal(cfg.channels[0].n_secret_headers, 1);
	assert_string_equal(cfg.channels[0].secret_headers[0].name, "Authorization");
	assert_string_equal(cfg.channels[0].secret_headers[0].value, "Bearer SECRET-H");
	assert_string_equal(cfg.channels[1].url_secret, "smtps://user:SECRET-P@mail.example.org");
	assert_int_equal(cfg.deadletter_max_size, 10 << 20);
	assert_int_equal(cfg.deadletter_keep, 3);
	assert_int_equal(cfg.channels[0].max_age_s, 86400);
	ps_config_free(&cfg);

	assert_int_equal(load("[general]\ndeadletter_max_size = 1M\ndeadletter_keep = 0\n[channel.n]\ntype = ntfy\n"
			      "topic_file = bad-topic\nheader_file.X-A = bad-header\n"
			      "[channel.w]\ntype = webhook\nurl_file = bad-url\n"
			      "[channel.m]\ntype = email\nurl_file = bad-url\nfrom = a@example.org\nto = b@example.org\n",
			      &cfg, &dg),
			 -EINVAL);
	assert_int_equal(dg.errors, 4);
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 6), "[channel.n] topic_file: a topic is 1 to 64"));
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 7), "[channel.n] header_file.X-A: the file holds a control"));
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 10), "[channel.w] url_file: the file holds no http(s):// URL"));
	assert_true(contains(diag_at(&dg, PS_DIAG_ERROR, 13), "[channel.m] url_file: the file holds no smtp(s):// URL"));
	for (unsigned i = 0; i < dg.n; i++)
		assert_null(strstr(dg.d[i].msg, "SECRET"));
	assert_true(contains(one_error("[channel.n]\ntype = ntfy\ntopic = a/../b\n", 3), "[channel.n] topic: a topic is"));
	assert_true(contains(one_error("[channel.n]\ntype = ntfy\n", 1), "type ntfy needs topic or topic_file"));
	assert_true(contains(one_error("[channel.w]\ntype = webhook\nurl = smtp://127.0.0.1\n", 3),
			     "[channel.w] url: not an http:// or https:// URL"));
	unsetenv("CREDENTIALS_DIRECTORY");
	static const char *const names[] = { "auth", "topic", "smtp", "bad-url", "bad-topic", "bad-header" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(text, sizeof(text), "%s/%s", dir, names[i]);
		unlink(text);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),     cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_missing_file), cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_syntax),       cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_bad_values),   cmocka_unit_test(test_all_problems),
		cmocka_unit_test(test_unknown),      cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_trusted_uids), cmocka_unit_test(test_programs),
		cmocka_unit_test(test_permissions),  cmocka_unit_test(test_owner),
		cmocka_unit_test(test_secret),       cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_detect_keys),  cmocka_unit_test(test_detect_errors),
		cmocka_unit_test(test_example_detect_defaults), cmocka_unit_test(test_eventlog_key),
		cmocka_unit_test(test_channel_argv), cmocka_unit_test(test_channel_secrets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
