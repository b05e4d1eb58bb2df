#!/usr/bin/env python3
"""Write small MaxMind DB (.mmdb) files for pamsignal's tests.

    tests/mkmmdb.py city|asn|bench-city|bench-asn OUT [--record-size 24|28|32]

Implements the MaxMind DB format 2.0 (maxmind.github.io/MaxMind-DB/): a
binary search tree over the address bits, a 16-byte separator, a data
section of typed values, and the metadata map after the
"\\xab\\xcd\\xefMaxMind.com" marker. The tree is IPv6 (ip_version 6): IPv4
networks live under ::/96, and ::ffff:0:0/96 (IPv4-mapped) points at the
same subtree, as MaxMind's own writer does.

The "city" and "asn" databases hold documentation ranges only
(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32), shaped
like GeoLite2-City and GeoLite2-ASN, including hostile strings (control
characters, escape sequences, JSON and markup, invalid UTF-8) in
203.0.113.0/25. The "bench-*" ones add 100,000 other IPv4 networks with
records as large as GeoLite2-City's (names in eight languages), so that
lookups walk a tree and decode records of realistic size.

Python 3 standard library only.
"""

import argparse
import ipaddress
import random
import struct
import sys

# ---- the data section's encoding ----

T_POINTER, T_STRING, T_DOUBLE, T_BYTES, T_UINT16, T_UINT32, T_MAP = 1, 2, 3, 4, 5, 6, 7
T_INT32, T_UINT64, T_UINT128, T_ARRAY, T_BOOL = 8, 9, 10, 11, 14


class Raw(bytes):
    """A utf8_string whose bytes are written as they are (even if not UTF-8)."""


class U16(int):
    pass


class U64(int):
    pass


def control(type_, size):
    """The control byte(s) of a value of type_ and size (bytes, or entries for maps and arrays)."""
    first = (type_ << 5) if type_ <= 7 else 0
    ext = b"" if type_ <= 7 else bytes([type_ - 7])
    if size < 29:
        return bytes([first | size]) + ext
    if size < 29 + 256:
        return bytes([first | 29]) + ext + bytes([size - 29])
    if size < 285 + 65536:
        return bytes([first | 30]) + ext + struct.pack(">H", size - 285)
    return bytes([first | 31]) + ext + struct.pack(">I", size - 65821)[1:]


def uint_bytes(v):
    out = b""
    while v:
        out = bytes([v & 0xff]) + out
        v >>= 8
    return out


def encode(v):
    if isinstance(v, Raw):
        return control(T_STRING, len(v)) + bytes(v)
    if isinstance(v, str):
        b = v.encode("utf-8")
        return control(T_STRING, len(b)) + b
    if isinstance(v, bool):
        return control(T_BOOL, int(v))
    if isinstance(v, U16):
        b = uint_bytes(v)
        return control(T_UINT16, len(b)) + b
    if isinstance(v, U64):
        b = uint_bytes(v)
        return control(T_UINT64, len(b)) + b
    if isinstance(v, int):
        b = uint_bytes(v)
        return control(T_UINT32, len(b)) + b
    if isinstance(v, float):
        return control(T_DOUBLE, 8) + struct.pack(">d", v)
    if isinstance(v, dict):
        out = control(T_MAP, len(v))
        for k, x in v.items():
            out += encode(k) + encode(x)
        return out
    if isinstance(v, list):
        return control(T_ARRAY, len(v)) + b"".join(encode(x) for x in v)
    raise TypeError(type(v))


# ---- the search tree ----

class Node:
    __slots__ = ("child", "number")

    def __init__(self):
        self.child = [None, None]  # None (no data), a Node, or ("data", key)
        self.number = None


def bits_of(net):
    """The 128 bits of a network's address (IPv4 under ::/96) and its prefix length in that tree."""
    if net.version == 4:
        return int(net.network_address), net.prefixlen + 96
    return int(net.network_address), net.prefixlen


def insert(root, net, key):
    addr, plen = bits_of(net)
    node = root
    for i in range(plen - 1):
        b = (addr >> (127 - i)) & 1
        nxt = node.child[b]
        if not isinstance(nxt, Node):
            # Split a data record covering this part (a less specific network) into two.
            fresh = Node()
            if nxt is not None:
                fresh.child = [nxt, nxt]
            node.child[b] = fresh
            nxt = fresh
        node = nxt
    b = (addr >> (127 - (plen - 1))) & 1
    node.child[b] = ("data", key)


def node_at(root, addr, depth):
    node = root
    for i in range(depth):
        node = node.child[(addr >> (127 - i)) & 1]
    return node


def alias_ipv4_mapped(root):
    """::ffff:0:0/96 leads to the IPv4 subtree at ::/96 (a second path to the same node)."""
    v4root = node_at(root, 0, 96)
    mapped = 0xffff << 32
    node = root
    for i in range(95):
        b = (mapped >> (127 - i)) & 1
        if not isinstance(node.child[b], Node):
            node.child[b] = Node()
        node = node.child[b]
    node.child[(mapped >> 32) & 1] = v4root


def number_nodes(root):
    order, stack = [], [root]
    while stack:
        n = stack.pop()
        if n.number is not None:
            continue
        n.number = len(order)
        order.append(n)
        for c in reversed(n.child):
            if isinstance(c, Node) and c.number is None:
                stack.append(c)
    return order


def write_db(path, networks, database_type, record_size, description):
    """networks: [(ipaddress network, record dict)], less specific first."""
    root = Node()
    data, offsets = bytearray(), {}
    for net, record in networks:
        enc = encode(record)
        if enc not in offsets:
            offsets[enc] = len(data)
            data += enc
        insert(root, net, offsets[enc])
    alias_ipv4_mapped(root)
    order = number_nodes(root)
    count = len(order)

    def value(c):
        if c is None:
            return count
        if isinstance(c, Node):
            return c.number
        return count + 16 + c[1]

    limit = 1 << record_size
    tree = bytearray()
    for n in order:
        left, right = value(n.child[0]), value(n.child[1])
        assert left < limit and right < limit, "records too small for this tree"
        if record_size == 24:
            tree += left.to_bytes(3, "big") + right.to_bytes(3, "big")
        elif record_size == 28:
            tree += (left & 0xffffff).to_bytes(3, "big")
            tree.append(((left >> 24) << 4) | (right >> 24))
            tree += (right & 0xffffff).to_bytes(3, "big")
        else:
            tree += left.to_bytes(4, "big") + right.to_bytes(4, "big")
    meta = {
        "node_count": count,
        "record_size": U16(record_size),
        "ip_version": U16(6),
        "database_type": database_type,
        "languages": ["en"],
        "binary_format_major_version": U16(2),
        "binary_format_minor_version": U16(0),
        "build_epoch": U64(1767225600),  # 2026-01-01, fixed: the file is the same on every run
        "description": {"en": description},
    }
    with open(path, "wb") as f:
        f.write(bytes(tree) + b"\0" * 16 + bytes(data) + b"\xab\xcd\xefMaxMind.com" + encode(meta))


# ---- the databases ----

def place(iso, name, city=None, registered_only=False):
    country = {"iso_code": iso, "names": {"en": name}, "geoname_id": 1}
    rec = {"continent": {"code": "OC", "names": {"en": "Oceania"}}}
    if registered_only:
        rec["registered_country"] = country
    else:
        rec["country"] = country
        rec["registered_country"] = country
    if city:
        rec["city"] = {"geoname_id": 2, "names": {"en": city}}
    return rec


def city_networks():
    n = ipaddress.ip_network
    return [
        (n("192.0.2.0/24"), place("AU", "Australia", "Sydney")),
        (n("198.51.100.0/24"), place("DE", "Germany")),
        # Hostile text: a database is input like any other.
        (n("203.0.113.0/25"), {
            "country": {"iso_code": "X\n\x1b[31mY", "names": {"en": 'Evil"},{"x":"<b>\u202e&amp;\x07'}},
            "city": {"names": {"en": Raw(b"Bad\xff\xfeUTF8")}},
        }),
        (n("203.0.113.128/25"), place("US", "United States", registered_only=True)),
        (n("2001:db8::/32"), place("JP", "Japan", "Tokyo")),
        (n("2001:db8:1::/48"), place("NZ", "New Zealand", "Wellington")),
    ]


def asn_networks():
    n = ipaddress.ip_network

    def a(num, org):
        return {"autonomous_system_number": num, "autonomous_system_organization": org}
    return [
        (n("192.0.2.0/24"), a(64496, "Example Networks Ltd")),
        (n("198.51.100.0/24"), a(64497, "Ünïcödé Network GmbH")),
        (n("203.0.113.0/24"), a(64498, "Evil\n\x1b]0;pwned\x07 <script>alert(1)</script> *bold* `x`")),
        (n("2001:db8::/32"), a(64499, "IPv6 Example Inc")),
    ]


LANGS = ("en", "de", "es", "fr", "ja", "pt-BR", "ru", "zh-CN")


def bench_record(kind, i):
    """A record as large as GeoLite2's: names in eight languages (City), or an AS."""
    if kind == "city":
        return {
            "city": {"geoname_id": i, "names": {lang: "City %d %s" % (i % 5000, lang) for lang in LANGS}},
            "continent": {"code": "EU", "geoname_id": 6255148, "names": {lang: "Europe" for lang in LANGS}},
            "country": {"geoname_id": 2921044, "iso_code": "DE", "names": {lang: "Germany" for lang in LANGS}},
            "location": {"accuracy_radius": 100, "latitude": 51.2993, "longitude": 9.491,
                         "time_zone": "Europe/Berlin"},
            "postal": {"code": "%05d" % (i % 99999)},
            "registered_country": {"geoname_id": 2921044, "iso_code": "DE",
                                   "names": {lang: "Germany" for lang in LANGS}},
            "subdivisions": [{"geoname_id": 2905330, "iso_code": "HE", "names": {lang: "Hesse" for lang in LANGS}}],
        }
    return {"autonomous_system_number": 1000 + i % 60000, "autonomous_system_organization": "Org %d" % (i % 60000)}


def bench_networks(kind):
    """100,000 /20s to /24s spread over the public IPv4 space, then the documentation
    ranges (where the benchmark log's addresses are) as 12 IPv4 /26s and 16 IPv6
    /36s with records of the same size: the log's attackers come from many networks."""
    rng = random.Random(7)
    nets, seen = [], set()
    while len(nets) < 100000:
        plen = rng.choice((20, 22, 24))
        addr = rng.randrange(1 << 32) & ~((1 << (32 - plen)) - 1)
        net = ipaddress.ip_network((addr, plen))
        # One network per /20 at most, none in special-purpose space.
        if (addr >> 12) in seen or net.is_private or net.is_reserved or net.is_multicast or \
                any(net.overlaps(d) for d in DOC):
            continue
        seen.add(addr >> 12)
        rec = bench_record(kind, len(nets))
        nets.append((net, rec))
    nets.sort(key=lambda x: (x[0].prefixlen, int(x[0].network_address)))
    doc = [sub for d in DOC for sub in d.subnets(new_prefix=26)]
    doc += list(ipaddress.ip_network("2001:db8::/32").subnets(new_prefix=36))
    return nets + [(net, bench_record(kind, 200000 + i)) for i, net in enumerate(doc)]


DOC = [ipaddress.ip_network(x) for x in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=("city", "asn", "bench-city", "bench-asn"))
    ap.add_argument("out")
    ap.add_argument("--record-size", type=int, choices=(24, 28, 32))
    args = ap.parse_args()
    if args.kind == "city":
        write_db(args.out, city_networks(), "PS-Test-City", args.record_size or 28, "pamsignal test City database")
    elif args.kind == "asn":
        write_db(args.out, asn_networks(), "PS-Test-ASN", args.record_size or 24, "pamsignal test ASN database")
    else:
        kind = args.kind[6:]
        write_db(args.out, bench_networks(kind), "PS-Bench-" + kind.upper(), args.record_size or 32,
                 "pamsignal benchmark database")
    return 0


if __name__ == "__main__":
    sys.exit(main())
