#!/bin/bash
# Enrichment through scan and check-config: .mmdb files the suite writes
# itself (tests/mkmmdb.py), checked with libmaxminddb's own mmdblookup
# first; GeoIP, ASN and provider labels on events and alerts, hostile
# database strings escaped in every output; sshd's logged destination
# carried along a connection; broken files named with their line.
. "$(dirname "$0")/lib.sh"
JC="python3 $PS_SOURCE_ROOT/tests/e2e/jsoncheck.py"
MK="python3 $PS_SOURCE_ROOT/tests/mkmmdb.py"

# ---- the generator, checked by mmdblookup (another reader of the format) ----
lookup() { # lookup FILE IP PATH...: the value, as mmdblookup prints it
	mmdblookup --file "$1" --ip "$2" "${@:3}" 2>&1 | sed -n 's/^ *\(.*\) <[a-z0-9_]*>$/\1/p' | head -1
}
for rs in 24 28 32; do
	$MK city $TMP/city-$rs.mmdb --record-size $rs
	$MK asn $TMP/asn-$rs.mmdb --record-size $rs
	check "mmdblookup: $rs-bit records, IPv4" test "$(lookup $TMP/city-$rs.mmdb 192.0.2.200 city names en)" = '"Sydney"'
	check "mmdblookup: $rs-bit records, IPv4-mapped IPv6" \
		test "$(lookup $TMP/city-$rs.mmdb ::ffff:198.51.100.1 country iso_code)" = '"DE"'
	check "mmdblookup: $rs-bit records, IPv6 longest prefix" \
		test "$(lookup $TMP/city-$rs.mmdb 2001:db8:1::77 city names en)" = '"Wellington"'
	check "mmdblookup: $rs-bit records, ASN" \
		test "$(lookup $TMP/asn-$rs.mmdb 2001:db8:ffff::1 autonomous_system_number)" = 64499
done
mmdblookup --file $TMP/city-28.mmdb --ip 10.0.0.1 > $TMP/miss 2>&1
check "mmdblookup: an address outside the data is not found" grep -q 'Could not find an entry' $TMP/miss
mmdblookup --file $TMP/city-28.mmdb --verbose --ip 192.0.2.1 > $TMP/meta 2>&1
check "mmdblookup: metadata (type, IPv6 tree, format 2.0)" \
	grep -q 'Type: *PS-Test-City' $TMP/meta
check "mmdblookup: binary format 2.0" grep -q 'Binary format: 2.0' $TMP/meta

# ---- scan with [enrich] ----
cat > $TMP/ranges.txt << 'EOF'
# office, then a cloud block
192.0.2.0/28,office
198.51.100.0/24 aws/EC2/test-1
EOF
cat > $TMP/enrich.conf << EOF
[enrich]
geoip_db = $TMP/city-28.mmdb
asn_db = $TMP/asn-24.mmdb
provider_ranges = $TMP/ranges.txt
EOF
cat > $TMP/auth.log << 'EOF'
Nov 21 10:00:00 web1 sshd[100]: Connection from 192.0.2.9 port 50001 on 198.51.100.1 port 22 rdomain ""
Nov 21 10:00:01 web1 sshd[100]: Accepted password for alice from 192.0.2.9 port 50001 ssh2
Nov 21 10:00:02 web1 sshd[100]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)
Nov 22 10:00:00 web1 sshd[101]: Accepted password for alice from 198.51.100.7 port 50002 ssh2
Nov 22 10:00:01 web1 sshd[102]: Failed password for root from 203.0.113.5 port 50003 ssh2
Nov 22 10:00:02 web1 sshd[103]: Connection from 2001:db8:1::9 port 50004 on 2001:db8::1 port 2222 rdomain ""
Nov 22 10:00:03 web1 sshd[103]: Failed password for root from 2001:db8:1::9 port 50004 ssh2
Nov 22 10:00:04 web1 sshd[104]: Failed password for root from 10.1.2.3 port 50005 ssh2
EOF
"$PAMSIGNAL" scan -c $TMP/enrich.conf --format json $TMP/auth.log > $TMP/out.json
check "scan with [enrich] exits 0" test $? -eq 0
cat > $TMP/want << 'EOF'
{"kind":"probe","src_geo":{"country_iso_code":"AU","country_name":"Australia","city_name":"Sydney"},"src_as":{"number":64496,"organization":"Example Networks Ltd"},"src_provider":"office","dst_ip":"198.51.100.1","dst_port":22}
{"kind":"auth_success","user":"alice","src_provider":"office","dst_ip":"198.51.100.1","dst_port":22}
{"kind":"session_open","dst_ip":"198.51.100.1","dst_port":22}
{"kind":"auth_success","src_geo":{"country_iso_code":"DE","country_name":"Germany"},"src_as":{"number":64497,"organization":"Ünïcödé Network GmbH"},"src_provider":"aws/EC2/test-1","dst_ip":null}
{"kind":"auth_failure","src_geo":{"country_iso_code":"X\n\u001b[31mY","country_name":"Evil\"},{\"x\":\"<b>\u202e&amp;\u0007"},"src_as":{"number":64498,"organization":"Evil\n\u001b]0;pwned\u0007 <script>alert(1)</script> *bold* `x`"},"src_provider":null}
{"kind":"probe","src_geo":{"country_iso_code":"NZ","country_name":"New Zealand","city_name":"Wellington"},"src_as":{"number":64499,"organization":"IPv6 Example Inc"},"dst_ip":"2001:db8::1","dst_port":2222}
{"kind":"auth_failure","dst_ip":"2001:db8::1","dst_port":2222}
{"kind":"auth_failure","src_geo":null,"src_as":null,"src_provider":null}
EOF
check "events carry src_geo, src_as, src_provider and the logged destination" $JC $TMP/out.json $TMP/want
# The invalid UTF-8 city of 203.0.113.0/25 is left out, not passed through.
check "a database string that is not UTF-8 is left out" \
	python3 -c 'import json,sys; e=[json.loads(l) for l in open(sys.argv[1])][4]; sys.exit("city_name" in e["src_geo"])' $TMP/out.json
check "the new_source alert names the source's country and AS" \
	python3 -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if "\"type\":\"alert\"" in l and "new_source" in l][0]
assert a["src_ip"] == "198.51.100.7" and a["src_geo"]["country_iso_code"] == "DE", a
assert a["src_as"] == {"number": 64497, "organization": "Ünïcödé Network GmbH"} and a["src_provider"] == "aws/EC2/test-1"
' $TMP/out.json

"$PAMSIGNAL" scan -c $TMP/enrich.conf --format text $TMP/auth.log > $TMP/out.txt
check "text: where the source is" grep -q 'password AU Sydney AS64496 Example Networks Ltd office' $TMP/out.txt
check "text: database strings escaped, never obeyed" \
	grep -qF 'X\x0a\x1b[31mY AS64498 Evil\x0a\x1b]0;pwned\x07' $TMP/out.txt
check "text: no raw escape character reaches the terminal" bash -c "! grep -q $'\x1b' $TMP/out.txt"
check "text: the alert row shows country and AS" grep -q 'new_source: .*\[DE, AS64497 Ünïcödé Network GmbH, aws/EC2/test-1\]' $TMP/out.txt

# by = asn country: a new address in a known network is quiet.
cat $TMP/enrich.conf > $TMP/by.conf
printf '[rule.new_source]\nby = asn country\nfirst_login = no\n' >> $TMP/by.conf
cat > $TMP/by.log << 'EOF'
Nov 21 10:00:01 web1 sshd[1]: Accepted password for bob from 192.0.2.20 port 1 ssh2
Nov 21 11:00:01 web1 sshd[2]: Accepted password for bob from 192.0.2.21 port 1 ssh2
Nov 21 12:00:01 web1 sshd[3]: Accepted password for bob from 2001:db8:1::1 port 1 ssh2
EOF
"$PAMSIGNAL" scan -c $TMP/by.conf --alerts --format json $TMP/by.log > $TMP/by.json
check "by = asn country: one alert, for the new network and country" \
	python3 -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if "new_source" in l]
assert len(a) == 1 and a[0]["src_ip"] == "2001:db8:1::1", a
assert a[0]["summary"].endswith("(new: AS64499, country NZ)"), a[0]["summary"]
' $TMP/by.json

# Without -c there is no database: no enrichment fields, the destination still carried.
"$PAMSIGNAL" scan --no-detect $TMP/auth.log > $TMP/plain.json
check "without [enrich]: no geo fields" bash -c "! grep -q src_geo $TMP/plain.json"
check "without [enrich]: the logged destination still carried" \
	test "$(grep -c '"dst_ip":"198.51.100.1"' $TMP/plain.json)" -eq 3

# ---- broken files: named with their line, non-zero exit ----
printf '192.0.2.0/24 ok\n192.0.2.0/40,bad\n' > $TMP/bad-ranges.txt
cat > $TMP/bad.conf << EOF
[enrich]
geoip_db = $TMP/missing.mmdb
asn_db = $TMP/ranges.txt
provider_ranges = $TMP/bad-ranges.txt
EOF
"$PAMSIGNAL" check-config -c $TMP/bad.conf > $TMP/cc.out 2> $TMP/cc.err
check "check-config: broken [enrich] files fail the check" test $? -eq 1
check "check-config: the missing database, at its key's line" \
	grep -qF "$TMP/bad.conf:2: error: [enrich] geoip_db: cannot open $TMP/missing.mmdb: No such file or directory" $TMP/cc.err
check "check-config: a file that is not a database" \
	grep -qF "$TMP/bad.conf:3: error: [enrich] asn_db: $TMP/ranges.txt is not a MaxMind DB file" $TMP/cc.err
check "check-config: a bad range line, at its own line" \
	grep -qF "$TMP/bad-ranges.txt:2: error: '192.0.2.0/40': the prefix length must be 0 to 32" $TMP/cc.err
"$PAMSIGNAL" scan -c $TMP/bad.conf $TMP/auth.log > /dev/null 2> $TMP/scan.err
check "scan: a broken [enrich] file is a usage error (2)" test $? -eq 2
printf '[enrich]\nreverse_dns_timeout = 0\nlive_destination = perhaps\n' > $TMP/keys.conf
"$PAMSIGNAL" check-config -c $TMP/keys.conf > /dev/null 2> $TMP/keys.err
check "check-config: bad [enrich] values named" \
	grep -q "keys.conf:2: error: \[enrich\] reverse_dns_timeout: '0' is not a number of seconds from 1 to 30" $TMP/keys.err
check "check-config: bad [enrich] switch named" grep -q "keys.conf:3: error: \[enrich\] live_destination:" $TMP/keys.err
"$PAMSIGNAL" check-config -c $TMP/enrich.conf > $TMP/good.out 2>&1
check "check-config: a good [enrich] passes and is described" \
	grep -q "enrich geoip: *$TMP/city-28.mmdb (PS-Test-City, IPv6, built 2026-01-01)" $TMP/good.out
check "check-config: the range count" grep -q "enrich ranges: *2 address blocks" $TMP/good.out

finish
