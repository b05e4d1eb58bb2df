#!/bin/bash
# pamsignal check-config as an administrator meets it: good and bad files,
# FILE:LINE: messages, exit codes, and the shipped example.
. "$(dirname "$0")/lib.sh"

conf() { # conf NAME MODE: standard input into $TMP/NAME
	cat > "$TMP/$1"
	chmod "$2" "$TMP/$1"
}

# A valid file: exit 0, a summary on stdout, nothing on stderr.
conf good.conf 0644 <<'C'
[general]
hostname = web1
[source.journal]
trusted_uids = root
[output.eventlog]
max_size = 10M
keep = 2
C
"$PAMSIGNAL" check-config -c "$TMP/good.conf" > $TMP/out 2> $TMP/err
check "valid file: exit 0" test $? -eq 0
check "valid file: nothing on stderr" test ! -s $TMP/err
check "summary names the file" grep -q "^configuration:  *$TMP/good.conf$" $TMP/out
check "summary shows the event log" grep -q '^output eventlog:  */var/log/pamsignal/events.jsonl (max_size 10M, keep 2)$' $TMP/out
check "summary shows the sources" grep -q '^source journal:  *auto; trusted uids 0; 21 trusted programs$' $TMP/out
"$PAMSIGNAL" check-config --config "$TMP/good.conf" > /dev/null 2>&1
check "--config works like -c" test $? -eq 0

# Errors: every one, as FILE:LINE: error: message, exit 1, no summary.
conf bad.conf 0644 <<'C'
[output.eventlog]
max_szie = 1M
keep = many
[source.jounral]
enabled = yes
C
"$PAMSIGNAL" check-config -c "$TMP/bad.conf" > $TMP/out 2> $TMP/err
check "invalid file: exit 1" test $? -eq 1
check "invalid file: no summary" test ! -s $TMP/out
check "unknown key with its line and suggestion" \
	grep -qF "$TMP/bad.conf:2: error: unknown key 'max_szie' in [output.eventlog]; did you mean 'max_size'?" $TMP/err
check "bad value with its line" grep -qF "$TMP/bad.conf:3: error: [output.eventlog] keep:" $TMP/err
check "unknown section with its line" grep -qF "$TMP/bad.conf:4: error: unknown section [source.jounral]" $TMP/err
check "a closing count" grep -qF "$TMP/bad.conf: invalid (3 errors, 0 warnings)" $TMP/err

# Warnings alone keep it valid.
conf dup.conf 0644 <<'C'
[output.stdout]
enabled = yes
enabled = no
C
"$PAMSIGNAL" check-config -c "$TMP/dup.conf" > $TMP/out 2> $TMP/err
check "warnings only: exit 0" test $? -eq 0
check "duplicate key warned with its line" grep -qF "$TMP/dup.conf:3: warning: duplicate key 'enabled'" $TMP/err
check "the last value is used" grep -q '^output stdout:  *no$' $TMP/out

# File-wide problems have no line number.
conf open.conf 0666 < "$TMP/good.conf"
"$PAMSIGNAL" check-config -c "$TMP/open.conf" > /dev/null 2> $TMP/err
check "world-writable file: exit 1" test $? -eq 1
check "world-writable file: FILE: error:" grep -qF "$TMP/open.conf: error: refusing a group- or world-writable file" $TMP/err
"$PAMSIGNAL" check-config -c "$TMP/missing.conf" > /dev/null 2> $TMP/err
check "missing file: exit 1" test $? -eq 1
check "missing file: errno text" grep -qF "$TMP/missing.conf: error: cannot open: No such file or directory" $TMP/err

# Detection: rules are checked like every other section.
conf rules.conf 0644 <<'C'
[detect]
allowlist_cidrs = 192.0.2.0/24
[rule.brute_forse]
threshold = 3
[rule.off_hours]
timezone = Mars/Olympus
[rule.sudo]
enabled = no
C
"$PAMSIGNAL" check-config -c "$TMP/rules.conf" > $TMP/out 2> $TMP/err
check "bad rules: exit 1" test $? -eq 1
check "unknown rule with its line and suggestion" \
	grep -qF "$TMP/rules.conf:3: error: unknown rule [rule.brute_forse]; did you mean [rule.brute_force]?" $TMP/err
check "unknown time zone with its line" \
	grep -qF "$TMP/rules.conf:6: error: [rule.off_hours] timezone: unknown time zone 'Mars/Olympus'" $TMP/err
sed -i '3,6d' "$TMP/rules.conf"
"$PAMSIGNAL" check-config -c "$TMP/rules.conf" > $TMP/out 2> $TMP/err
check "rules fixed: exit 0" test $? -eq 0
check "summary shows detection" \
	grep -q '^detect:  *max_memory 64M, 3 samples per alert, 14 of 15 rules on (off: sudo); allowlisted: 1 networks, 0 users$' $TMP/out

# Usage errors.
"$PAMSIGNAL" check-config -x > /dev/null 2>&1
check "unknown option: exit 2" test $? -eq 2
"$PAMSIGNAL" check-config "$TMP/good.conf" > /dev/null 2> $TMP/err
check "a bare FILE argument: exit 2" test $? -eq 2
check "a bare FILE argument is named" grep -q "unexpected argument" $TMP/err
"$PAMSIGNAL" check-config --help | grep -q "usage: pamsignal check-config"
check "check-config --help" test $? -eq 0

# The shipped example passes (copied: a checkout may be group-writable).
conf example.conf 0644 < "$PS_SOURCE_ROOT/etc/pamsignal.conf"
"$PAMSIGNAL" check-config -c "$TMP/example.conf" > $TMP/out 2> $TMP/err
check "etc/pamsignal.conf passes" test $? -eq 0
check "etc/pamsignal.conf: no warnings" test ! -s $TMP/err

# No -c: the default path, or defaults when it does not exist.
if [ ! -e /etc/pamsignal/pamsignal.conf ]; then
	"$PAMSIGNAL" check-config > $TMP/out 2> $TMP/err
	check "no file: defaults, exit 0" test $? -eq 0
	check "no file: says defaults" grep -q '^configuration:  *defaults' $TMP/out
fi

finish
