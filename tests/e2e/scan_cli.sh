#!/bin/bash
# pamsignal scan as a user meets it: files, stdin, gzip, formats, errors.
. "$(dirname "$0")/lib.sh"
JC="python3 $PS_SOURCE_ROOT/tests/e2e/jsoncheck.py"
events() { grep -c '^{"type":"event"' "$1"; } # lines of events (alerts may follow them)

log=$TMP/auth.log
cat > "$log" <<'LOG'
Dec 31 23:59:58 web1 sshd[10]: Failed password for root from 203.0.113.9 port 1000 ssh2
Jan  1 00:00:02 web1 sshd[10]: Accepted password for alice from 198.51.100.4 port 1001 ssh2
Jan  1 00:00:03 web1 CRON[11]: (root) CMD (true)
LOG
touch -d '2026-01-02 00:00:00 UTC' "$log"

# JSON: valid, one event per line, years from the file's mtime with rollover.
"$PAMSIGNAL" scan --format json "$log" > $TMP/out.json 2> $TMP/err
check "scan exits 0" test $? -eq 0
cat > $TMP/want <<'W'
{"kind":"auth_failure","time":"2025-12-31T23:59:58.000000Z","user":"root","src_ip":"203.0.113.9","line":1}
{"kind":"auth_success","time":"2026-01-01T00:00:02.000000Z","user":"alice","src_ip":"198.51.100.4","line":2}
W
check "json events, year rollover from mtime" $JC $TMP/out.json $TMP/want
check "file field names the input" grep -q "\"file\":\"$log\"" $TMP/out.json
check "nothing on stderr" test ! -s $TMP/err

# stdin, both as "-" and with no file at all.
"$PAMSIGNAL" scan --format json - < "$log" > $TMP/stdin1.json
"$PAMSIGNAL" scan --format json < "$log" > $TMP/stdin2.json
check "stdin via -" test "$(events $TMP/stdin1.json)" -eq 2
check "stdin by default" cmp -s $TMP/stdin1.json $TMP/stdin2.json
check "stdin is named (stdin)" grep -q '"file":"(stdin)"' $TMP/stdin1.json

# gzip-compressed rotated file.
gzip -c "$log" > $TMP/auth.log.2.gz
"$PAMSIGNAL" scan --format json $TMP/auth.log.2.gz > $TMP/gz.json
check "gzip file decoded" test "$(events $TMP/gz.json)" -eq 2

# Missing and unreadable files: named, exit 2, the others still scanned.
mkdir $TMP/adir
"$PAMSIGNAL" scan --format json $TMP/missing.log "$log" $TMP/adir > $TMP/mixed.json 2> $TMP/mixed.err
rc=$?
check "missing/unreadable file: exit 2" test $rc -eq 2
check "missing file named on stderr" grep -q "$TMP/missing.log: No such file or directory" $TMP/mixed.err
check "unreadable file named on stderr" grep -q "$TMP/adir" $TMP/mixed.err
check "other files still scanned" test "$(events $TMP/mixed.json)" -eq 2

# Usage errors.
"$PAMSIGNAL" scan --format yaml "$log" > /dev/null 2> $TMP/fmt.err
check "bad --format: exit 2" test $? -eq 2
check "bad --format named" grep -q "unknown format 'yaml'" $TMP/fmt.err
"$PAMSIGNAL" frobnicate > /dev/null 2>&1
check "unknown command: exit 2" test $? -eq 2
"$PAMSIGNAL" scan --help | grep -q "usage: pamsignal scan"
check "scan --help" test $? -eq 0

# Text table: header, aligned columns, local time.
"$PAMSIGNAL" scan --format text "$log" > $TMP/out.txt
check "text header" grep -q '^TIME  *KIND  *RESULT  *SERVICE  *USER  *SOURCE  *DETAIL$' $TMP/out.txt
check "text row" grep -q '^2025-12-31 23:59:58 auth_failure  *bad_password  *sshd  *root  *203.0.113.9  *password$' $TMP/out.txt
col_user=$(awk 'NR==1{print index($0,"USER")} NR==2{print index($0,"root")}' $TMP/out.txt | sort -u | wc -l)
check "text columns aligned" test "$col_user" -eq 1

# Text is the default on a terminal, JSON otherwise.
if command -v script >/dev/null; then
	script -qec "$PAMSIGNAL scan $log" /dev/null > $TMP/tty.out
	check "text on a terminal" grep -q '^TIME' $TMP/tty.out
fi
"$PAMSIGNAL" scan "$log" | head -1 | grep -q '^{"type":"event"'
check "json when piped" test $? -eq 0

# Overlong lines are skipped, named by line number, counted; no fake event.
{ head -c 70000 /dev/zero | tr '\0' A; echo " sshd[1]: Failed password for root from 192.0.2.66 port 1 ssh2"; cat "$log"; } > $TMP/long.log
"$PAMSIGNAL" scan --format json --stats $TMP/long.log > $TMP/long.json 2> $TMP/long.err
check "overlong line warned with its number" grep -q "long.log:1: line longer than 64 KiB skipped" $TMP/long.err
check "overlong line counted" grep -q "overlong 1" $TMP/long.err
check "overlong line made no event" test "$(grep -c 192.0.2.66 $TMP/long.json)" -eq 0
check "lines after it still read" test "$(events $TMP/long.json)" -eq 2

# A malformed sshd line is counted and named, not silently lost.
echo "Nov 21 10:00:00 h sshd[1]: Failed password for root from 203.0.113.9 port 99999 ssh2" > $TMP/bad.log
"$PAMSIGNAL" scan --format json --stats $TMP/bad.log > /dev/null 2> $TMP/bad.err
check "malformed line warned" grep -q "bad.log:1: message does not have its program's format" $TMP/bad.err
check "malformed line counted" grep -q "malformed 1" $TMP/bad.err

# Every framing in one file, auto-detected per line.
cat > $TMP/mixed.log <<'LOG'
Nov 21 10:00:00 h sshd[1]: Invalid user a from 192.0.2.1 port 1
2026-11-21T10:00:01.123456+00:00 h sshd[1]: Invalid user b from 192.0.2.2 port 2
<38>1 2026-11-21T10:00:02Z h sshd 1 - - Invalid user c from 192.0.2.3 port 3
{"SYSLOG_IDENTIFIER":"sshd","_PID":"1","__REALTIME_TIMESTAMP":"1795255203000000","MESSAGE":"Invalid user d from 192.0.2.4 port 4"}
LOG
"$PAMSIGNAL" scan --format json $TMP/mixed.log > $TMP/mixed2.json
cat > $TMP/want <<'W'
{"user":"a","src_ip":"192.0.2.1"}
{"user":"b","src_ip":"192.0.2.2","time":"2026-11-21T10:00:01.123456Z"}
{"user":"c","src_ip":"192.0.2.3","time":"2026-11-21T10:00:02.000000Z"}
{"user":"d","src_ip":"192.0.2.4"}
W
check "framings auto-detected per line" $JC $TMP/mixed2.json $TMP/want

# Output to a closed pipe ends quietly.
seq 1 20000 | sed 's/.*/Nov 21 10:00:00 h sshd[1]: Invalid user u& from 192.0.2.1 port 1/' > $TMP/many.log
"$PAMSIGNAL" scan --format json $TMP/many.log 2> $TMP/pipe.err | head -1 > /dev/null
check "closed pipe: no error message" test ! -s $TMP/pipe.err

finish
