/*
 * Shell command lines, as run (EXECVE's argv, sudo's command) or as typed
 * (pam_tty_audit's keystrokes): which commands of interest they hold, for
 * the commands_of_interest rule.
 *
 * Not a shell: a tokenizer that knows quotes, the separators (| || && ; &
 * and line ends), redirections, and substitutions ($(...), <(...),
 * backquotes), and reads each simple command from its program word, past
 * variable assignments, reserved words (if, then, {, !...) and the
 * programs that run another one (sudo, doas, env, nohup, time, nice,
 * timeout, xargs, busybox...). A shell given -c has that argument read as
 * a command line in turn, as does su -c. It finds:
 *
 *   - a program of the list by its base name (/usr/bin/nmap is nmap);
 *   - a download fed to a shell: curl, wget or fetch earlier in a pipeline
 *     that ends in a shell (curl URL | sudo bash), or inside a shell's
 *     arguments (bash <(curl URL), sh -c "$(wget -O- URL)");
 *   - history clearing: history -c, unset HISTFILE, HISTFILE=/dev/null or
 *     empty, HISTSIZE=0, HISTFILESIZE=0, set +o history, rm/shred/truncate
 *     of a *_history file, ln/cp/mv of /dev/null onto one, and > onto one.
 *
 * An attacker can hide a command from any such reader (aliases, eval,
 * variables, base64): this catches what is run plainly, which is most of
 * what people and scripts do. Bounded: lines are read once, substitutions
 * and -c arguments three levels deep, 32 words per simple command kept
 * (the rest are still read for substitutions and separators), 8 KiB of
 * unquoted words per line. Nothing is allocated.
 */
#ifndef PS_DETECT_CMDLINE_H
#define PS_DETECT_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/slice.h"

enum ps_cmd_what { PS_CMD_TOOL = 1, PS_CMD_DOWNLOAD_TO_SHELL, PS_CMD_HISTORY_CLEARING };

#define PS_CMD_NAME_MAX 32
#define PS_CMD_MITRE_MAX 2

/* A program of the list and its MITRE ATT&CK technique ids (NULL-padded). */
struct ps_cmd_tool {
	char name[PS_CMD_NAME_MAX];
	const char *mitre[PS_CMD_MITRE_MAX];
};

struct ps_cmd_rules {
	const struct ps_cmd_tool *tools;
	size_t n_tools;
	bool download_to_shell, history_clearing;
};

struct ps_cmd_match {
	enum ps_cmd_what what;
	const struct ps_cmd_tool *tool; /* PS_CMD_TOOL */
	struct ps_str line;             /* the line of the text it was found on */
	uint64_t hash;                  /* of the simple command: program's base name and words */
};

/* The label of a match: the tool's name, "download_to_shell" or "history_clearing". */
struct ps_str ps_cmd_label(const struct ps_cmd_match *m);

/*
 * The matches in text, at most max, at most one per label (the first).
 * Returns their number.
 */
size_t ps_cmd_find(const struct ps_cmd_rules *rules, struct ps_str text, struct ps_cmd_match *out, size_t max);

/*
 * The default list (netstat, ss, lsof, tcpdump, nmap, nc, ncat, netcat,
 * socat with their technique ids), and the ids of a known name (for a
 * configured list that names one without ids); NULL when unknown.
 */
extern const struct ps_cmd_tool ps_cmd_default_tools[];
extern const size_t ps_cmd_n_default_tools;
const struct ps_cmd_tool *ps_cmd_known_tool(struct ps_str name);

#endif
