# Shared by the end-to-end tests: assertions that count, and a closing
# "N passed, N failed" line. Source it; call finish at the end.
set -u
PAMSIGNAL=${PAMSIGNAL:-$(dirname "$0")/../../build/pamsignal}
PS_SOURCE_ROOT=${PS_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
export TZ=${TZ:-UTC}
passed=0
failed=0
TMP=$(mktemp -d /tmp/pamsignal-e2e.XXXXXX)
cleanup_hooks=()
on_exit() {
	local h
	for ((i = ${#cleanup_hooks[@]} - 1; i >= 0; i--)); do
		h=${cleanup_hooks[i]}
		eval "$h" || true
	done
	rm -rf "$TMP"
}
trap on_exit EXIT
# Run at exit, last registered first.
at_exit() { cleanup_hooks+=("$1"); }

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
