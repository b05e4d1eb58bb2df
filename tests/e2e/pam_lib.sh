# What the PAM module's tests and bench/pam.sh share. Source it.
#
# pam_config FILE SOCKET EVENTLOG [LOGFILE]: a pamsignal.conf that reads the
#   pam socket SOCKET alone (no journal, files or audit log; or also the log
#   file LOGFILE), with its state in FILE's directory and its events in
#   EVENTLOG.
# pam_asan_preload MODULE: the sanitizer runtime a program must preload to
#   load MODULE from an ASan build (nothing for a plain build).

pam_config() {
	local files=no
	[ -n "${4:-}" ] && files="yes
paths = $4"
	cat > "$1" <<CFG
[general]
state_dir = $(dirname "$1")/state
[source.journal]
enabled = no
[source.file]
enabled = $files
[source.audit]
enabled = no
[source.pam]
enabled = yes
socket = $2
[output.eventlog]
path = $3
CFG
}

pam_asan_preload() {
	if ldd "$1" | grep -q libasan; then
		gcc -print-file-name=libasan.so
	fi
}
