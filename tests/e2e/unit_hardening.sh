#!/bin/bash
# The systemd unit as built (<build>/systemd/pamsignal.service): it loads
# cleanly, its sandbox scores 2.0 or better in `systemd-analyze security`,
# the README quotes that score, and the sysusers.d entry makes the account
# and its group memberships.
#
# None of this needs systemd as PID 1: `systemd-analyze verify` loads the
# unit in a private manager of its own, `security --offline=yes` reads only
# the file, and systemd-sysusers works on a scratch --root.
. "$(dirname "$0")/lib.sh"

PS_BUILD_ROOT=${PS_BUILD_ROOT:-$PS_SOURCE_ROOT/build}
unit=$PS_BUILD_ROOT/systemd/pamsignal.service
export SYSTEMD_COLORS=0 SYSTEMD_PAGER= LC_ALL=C

if ! command -v systemd-analyze > /dev/null; then
	echo "SKIP: systemd-analyze not installed (package systemd)"
	exit 77
fi

check "unit built at $unit" test -s "$unit"
check "ExecStart is the installed pamsignal run" \
	grep -Eq '^ExecStart=/[^ @]*/pamsignal run$' "$unit"
check "no @placeholder@ left" bash -c "! grep -q '@[a-z_]*@' '$unit'"

# verify checks that ExecStart exists, so point it at the binary just built
# (the unit's own path is where `meson install` puts it); --man=no because
# the man page is not installed yet either. Any output is a complaint.
mkdir -p "$TMP/verify"
sed "s|^ExecStart=.*|ExecStart=$PAMSIGNAL run|" "$unit" > "$TMP/verify/pamsignal.service"
systemd-analyze verify --man=no "$TMP/verify/pamsignal.service" > "$TMP/verify.out" 2>&1
rc=$?
check "systemd-analyze verify exits 0" test "$rc" -eq 0
check "systemd-analyze verify says nothing" test ! -s "$TMP/verify.out"
[ -s "$TMP/verify.out" ] && sed 's/^/# /' "$TMP/verify.out"

# The score: 0.0 (best) to 10.0; 2.0 or better is required.
systemd-analyze security --offline=yes "$unit" > "$TMP/security.out" 2>&1
rc=$?
score=$(sed -n 's/.*Overall exposure level for pamsignal.service: \([0-9][0-9.]*\) .*/\1/p' "$TMP/security.out")
echo "# $(grep 'Overall exposure level' "$TMP/security.out")"
check "systemd-analyze security exits 0" test "$rc" -eq 0
check "score is printed" test -n "$score"
check "score $score <= 2.0" awk -v s="${score:-99}" 'BEGIN { exit !(s + 0 <= 2.0) }'
# The same limit as systemd-analyze applies it (exposure x10, 0..100).
systemd-analyze security --offline=yes --threshold=20 "$unit" > /dev/null 2>&1
check "systemd-analyze security --threshold=20 passes" test $? -eq 0
# A few settings that must never silently go (under LC_ALL=C a met one is
# listed as "+ NAME", an unmet one as "- NAME").
met() { awk -v w="+ $1 " 'index($0, w) == 1 { found = 1 } END { exit !found }' "$TMP/security.out"; }
for want in 'ProtectSystem=' 'ProtectHome=' 'PrivateDevices=' 'NoNewPrivileges=' \
	'CapabilityBoundingSet=~CAP_SYS_ADMIN' 'SystemCallFilter=~@privileged' \
	'RestrictAddressFamilies=~AF_PACKET' 'RestrictAddressFamilies=~AF_NETLINK' \
	'ProtectProc=' 'ProcSubset=' 'MemoryDenyWriteExecute='; do
	check "security: $want is met" met "$want"
done
check "README quotes this score" \
	grep -Fq "Overall exposure level for pamsignal.service: $score" "$PS_SOURCE_ROOT/README.md"

# The sysusers.d entry, applied to an empty root.
if command -v systemd-sysusers > /dev/null; then
	mkdir -p "$TMP/root/etc"
	systemd-sysusers --root="$TMP/root" "$PS_SOURCE_ROOT/systemd/pamsignal.sysusers" > "$TMP/sysusers.out" 2>&1
	check "systemd-sysusers accepts pamsignal.sysusers" test $? -eq 0
	check "user pamsignal, home /var/lib/pamsignal, no shell" \
		grep -Eq '^pamsignal:x:[0-9]+:[0-9]+:pamsignal daemon:/var/lib/pamsignal:/(usr/)?s?bin/(nologin|false)$' \
		"$TMP/root/etc/passwd"
	check "member of systemd-journal" grep -Eq '^systemd-journal:x:[0-9]+:(.*,)?pamsignal(,.*)?$' "$TMP/root/etc/group"
	check "member of adm" grep -Eq '^adm:x:[0-9]+:(.*,)?pamsignal(,.*)?$' "$TMP/root/etc/group"
	check "the unit names the same groups" grep -qx 'SupplementaryGroups=systemd-journal adm' "$unit"
fi

finish
