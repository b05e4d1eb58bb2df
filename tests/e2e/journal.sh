# journald for the end-to-end tests. Source after lib.sh.
#
# journal_start: use the running journald, or start one (no systemd as PID 1
# on the test machines) and make /dev/log reach it. Undone at exit.
#
# journal_mark NAME: log a unique marker and print its cursor once journald
# has stored it. Tests bracket what they do between two marks instead of
# asking for "the last entry": a fresh journald may have stored nothing yet,
# and an entry logged just before may still be in flight.

journal_start() {
	# A live journald, not a zombie left by an earlier run.
	if ! ps -C systemd-journal -o stat= | grep -qv '^Z'; then
		mkdir -p /run/systemd/journal
		/lib/systemd/systemd-journald > /dev/null 2>&1 &
		local jpid=$!
		at_exit "kill $jpid"
		for _ in $(seq 100); do [ -S /run/systemd/journal/dev-log ] && break; sleep 0.1; done
	fi
	if [ "$(readlink /dev/log)" != /run/systemd/journal/dev-log ]; then
		if [ -e /dev/log ] || [ -L /dev/log ]; then
			mv /dev/log "$TMP/dev-log.saved"
			at_exit "mv -f $TMP/dev-log.saved /dev/log"
		else
			at_exit "rm -f /dev/log"
		fi
		ln -sf /run/systemd/journal/dev-log /dev/log
	fi
}

journal_mark() {
	local tag="pamsignal-test-mark-$1-$$-$RANDOM$RANDOM" cursor i
	for i in $(seq 0 99); do
		# Again each second: a journald that has just started may not have
		# bound its socket yet (a stale one from an earlier run can be there).
		[ $((i % 10)) -eq 0 ] && logger -t pamsignal-test "$tag" 2> /dev/null
		# A match alone (no --after-cursor) is safe from systemd 252's bug.
		cursor=$(journalctl -q -o export MESSAGE="$tag" 2> /dev/null | sed -n 's/^__CURSOR=//p' | head -n 1)
		if [ -n "$cursor" ]; then
			echo "$cursor"
			return 0
		fi
		sleep 0.1
	done
	return 1
}
