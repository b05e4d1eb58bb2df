# What the PAM module's tests and bench/pam.sh share. Source it.
#
# pam_config FILE SOCKET EVENTLOG: a pamsignal.conf that reads the pam
#   socket SOCKET alone (no journal, files or audit log), with its state in
#   FILE's directory and its events in EVENTLOG.
# pam_asan_preload MODULE: the sanitizer runtime a program must preload to
#   load MODULE from an ASan build (nothing for a plain build).

pam_config() {
	cat > "$1" <<CFG
[general]
state_dir = $(dirname "$1")/state
[source.journal]
enabled = no
[source.file]
enabled = no
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
