#!/usr/bin/python3
# A raw generic netlink client for the kcg family, for tests that must go
# around the CLI: kernel-side validation of what the CLI would refuse,
# dumps over many messages, NLM_F_DUMP_INTR, and concurrent clients.
# Attribute numbers come from include/uapi/linux/kcg.h via the YAML spec.
#
#   kcgnl.py raw [--echo] [--reserved N] CMD [ATTR=VALUE ...]
#                                         one request; prints "ok" or "error ERRNO: MSG";
#                                         --echo sets NLM_F_ECHO, --reserved N puts N in
#                                         the genlmsghdr's reserved field
#   kcgnl.py batch                        raw, once per stdin line (its arguments, split
#                                         as a shell would), one result line each
#   kcgnl.py create PREFIX N              create PREFIX/g0 .. g(N-1) (PREFIX must exist)
#   kcgnl.py delete PREFIX N              delete them
#   kcgnl.py rm NAME...                   delete each NAME in the order given (missing ones skipped)
#   kcgnl.py nest PREFIX LEVEL N          create PREFIX/LEVEL, PREFIX/LEVEL/LEVEL, ... N deep
#   kcgnl.py hammer NAME SECONDS          freeze and delete --force NAME over and over (errors
#                                         ignored) for SECONDS; prints the number of rounds
#   kcgnl.py dump [--recv BYTES] [PARENT] prints "<groups> <messages> <recv batches> <intr>",
#                                         or "error ERRNO: MSG" (exit 1) when the dump
#                                         ends in an error; --recv caps every read (and
#                                         so the kernel's dump buffer) at BYTES
#   kcgnl.py dump-intr PREFIX             dump, creating PREFIX/x after the first batch:
#                                         prints "<flagged messages> <batches>"
#   kcgnl.py churn PREFIX ID N            create+delete PREFIX/cID-i, N times
#   kcgnl.py stats NAME                   the group's own and total counters, as JSON
#   kcgnl.py listen SECONDS               join the events multicast group: events as
#                                         JSON lines until SECONDS pass quietly
#   kcgnl.py subscribe-many N             N sockets subscribe (event-subscribe); then all
#                                         close and one more subscribes
#   kcgnl.py subscribe-hold N             N sockets subscribe and are never read; prints
#                                         "subscribed" and waits to be killed
#   kcgnl.py subscribe-twice NAME         one socket subscribes twice; NAME is created and
#                                         deleted: prints how many events of NAME it got
#   kcgnl.py dump-times STOPFILE          dump every group every 0.2 s until STOPFILE exists:
#                                         prints "<slowest ms> <median ms> <dumps>"
#   kcgnl.py portid-reuse ROUNDS          a subscribed socket closes while another socket
#                                         binds its portid at once: prints how many
#                                         messages the new sockets got over all rounds
import errno
import json
import os
import shlex
import socket
import struct
import sys
import threading
import time

import yaml

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO, NLM_F_DUMP_INTR = 1, 2, 4, 8, 16
NLM_F_DUMP = 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NETLINK_EXT_ACK, NETLINK_CAP_ACK, SOL_NETLINK = 11, 10, 270
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
CTRL_ATTR_MCAST_GROUPS, CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 7, 1, 2
NETLINK_ADD_MEMBERSHIP = 1
NLA_F_NESTED = 1 << 15

here = os.path.dirname(os.path.abspath(__file__))
spec = yaml.safe_load(open(os.path.join(here, "../../docs/netlink/kcg.yaml")))
CMDS = {op["name"]: i + 1 for i, op in enumerate(spec["operations"]["list"])}
ATTRS = {}
TYPES = {}
for aset in spec["attribute-sets"]:
    for i, a in enumerate(aset["attributes"]):
        ATTRS[(aset["name"], a["name"])] = i + 1
        TYPES[(aset["name"], a["name"])] = a["type"]


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def encode(aset, name, value):
    t = TYPES[(aset, name)]
    n = ATTRS[(aset, name)]
    if t == "string":
        return nla(n, value.encode() + b"\0")
    if t == "u32":
        return nla(n, struct.pack("=I", int(value)))
    if t == "u64":
        return nla(n, struct.pack("=Q", int(value)))
    if t == "flag":
        return nla(n, b"")
    raise ValueError(t)


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        length, atype = struct.unpack("=HH", data[:4])
        if length < 4:
            break
        out.setdefault(atype & 0x3FFF, []).append(data[4:length])
        data = data[(length + 3) & ~3:]
    return out


class Genl:
    def __init__(self, recv_size=32768, family=None):
        # The kernel sizes a dump's buffer to the largest read the socket
        # has made, so a small recv_size gives small dump buffers; with it,
        # pass the family id resolved on another socket, whose reply must
        # not be read here.
        self.recv_size = recv_size
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0
        self.reserved = 0
        if family is not None:
            self.family, self.mcgrps = family, {}
            return
        reply = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                             nla(CTRL_ATTR_FAMILY_NAME, b"kcg\0"))
        attrs = parse_attrs(reply[0])
        self.family = struct.unpack("=H", attrs[CTRL_ATTR_FAMILY_ID][0])[0]
        self.mcgrps = {}
        for grp in parse_attrs(attrs.get(CTRL_ATTR_MCAST_GROUPS, [b""])[0]).values():
            g = parse_attrs(grp[0])
            name = g[CTRL_ATTR_MCAST_GRP_NAME][0].rstrip(b"\0").decode()
            self.mcgrps[name] = struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID][0])[0]

    def send(self, family, cmd, payload, flags):
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, self.reserved if family != GENL_ID_CTRL else 0)
        body += payload
        self.sock.send(struct.pack("=IHHII", 16 + len(body), family,
                                   NLM_F_REQUEST | flags, self.seq, 0) + body)

    def messages(self):
        """Yield (type, flags, payload) per message; one recv per batch.

        The kernel sizes dump messages to the largest read it has seen, so
        32 KiB reads make a large dump arrive in many batches.
        """
        data = self.sock.recv(self.recv_size)
        while len(data) >= 16:
            length, mtype, flags, _, _ = struct.unpack("=IHHII", data[:16])
            yield mtype, flags, data[16:length]
            data = data[(length + 3) & ~3:]

    @staticmethod
    def error_of(flags, payload):
        err = -struct.unpack("=i", payload[:4])[0]
        msg = ""
        if flags & NLM_F_ACK_TLVS:
            tlvs = parse_attrs(payload[20:])  # capped ACK: errno + header
            if NLMSGERR_ATTR_MSG in tlvs:
                msg = tlvs[NLMSGERR_ATTR_MSG][0].rstrip(b"\0").decode()
        return err, msg

    def request(self, family, cmd, payload=b"", flags=0):
        """A do request: returns the replies' attribute payloads or raises."""
        self.send(family, cmd, payload, NLM_F_ACK | flags)
        replies = []
        while True:
            for mtype, flags, data in self.messages():
                if mtype == NLMSG_ERROR:
                    err, msg = self.error_of(flags, data)
                    if err:
                        raise OSError(err, msg)
                    return replies
                replies.append(data[4:])

    def kcg(self, cmd, payload=b"", flags=0):
        return self.request(self.family, CMDS[cmd], payload, flags)

    def dump(self, cmd, payload=b"", between=None):
        """Returns (replies, messages, batches, interrupted)."""
        self.send(self.family, CMDS[cmd], payload, NLM_F_DUMP)
        replies, messages, batches, intr = [], 0, 0, 0
        while True:
            batches += 1
            for mtype, flags, data in self.messages():
                messages += 1
                if flags & NLM_F_DUMP_INTR:
                    intr += 1
                if mtype == NLMSG_DONE:
                    # A dump that fails ends with the error in NLMSG_DONE.
                    err = -struct.unpack("=i", data[:4])[0] if len(data) >= 4 else 0
                    if err:
                        msg = ""
                        if flags & NLM_F_ACK_TLVS:
                            tlvs = parse_attrs(data[4:])
                            if NLMSGERR_ATTR_MSG in tlvs:
                                msg = tlvs[NLMSGERR_ATTR_MSG][0].rstrip(b"\0").decode()
                        raise OSError(err, msg)
                    return replies, messages, batches, intr
                if mtype == NLMSG_ERROR:
                    err, msg = self.error_of(flags, data)
                    raise OSError(err, msg)
                replies.append(parse_attrs(data[4:]))
            if between:
                between(batches)


EVENT_ATTRS = {num: name for (aset, name), num in ATTRS.items() if aset == "event"}
EVENT_TYPES = [e["name"] for d in spec["definitions"] if d["name"] == "event-type"
               for e in d["entries"]]


def decode_event(data):
    """An event message's payload (after the genl header) as a dict."""
    ev = {}
    for num, values in parse_attrs(data).items():
        key, v = EVENT_ATTRS[num], values[0]
        if key in ("group-name", "comm"):
            ev[key] = v.rstrip(b"\0").decode()
        elif len(v) == 8:
            ev[key] = struct.unpack("=Q", v)[0]
        else:
            ev[key] = struct.unpack("=I", v)[0]
    ev["type"] = EVENT_TYPES[ev["type"] - 1]
    return ev


def events_of(sock, seconds):
    """The events a socket receives until SECONDS pass quietly."""
    sock.settimeout(seconds)
    out = []
    try:
        while True:
            data = sock.recv(65536)
            while len(data) >= 16:
                length = struct.unpack("=I", data[:4])[0]
                out.append(decode_event(data[20:length]))
                data = data[(length + 3) & ~3:]
    except socket.timeout:
        pass
    return out


def portid_reuse(rounds):
    """A socket binding a closed subscriber's portid must inherit nothing."""
    got = 0
    for _ in range(rounds):
        sub = Genl()
        sub.kcg("event-subscribe")
        portid = sub.sock.getsockname()[0]
        heir = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)

        def take_portid():
            # Bind the moment close() has unhashed the portid.
            while True:
                try:
                    heir.bind((portid, 0))
                    return
                except OSError as e:
                    if e.errno != errno.EADDRINUSE:
                        raise
        thief = threading.Thread(target=take_portid)
        thief.start()
        sub.sock.close()
        thief.join()
        heir.settimeout(0.5)
        try:
            while True:
                heir.recv(65536)
                got += 1
        except socket.timeout:
            pass
        heir.close()
    return got


def group_name(attrs):
    return attrs[ATTRS[("group", "name")]][0].rstrip(b"\0").decode()


def print_error(e):
    print("error %s: %s" % (errno.errorcode.get(e.errno, e.errno), e.strerror))


def raw(g, args):
    flags = 0
    g.reserved = 0
    while args and args[0].startswith("--"):
        if args[0] == "--echo":
            flags |= NLM_F_ECHO
            args = args[1:]
        elif args[0] == "--reserved":
            g.reserved = int(args[1])
            args = args[2:]
        else:
            raise SystemExit("raw: unknown option " + args[0])
    cmd, args = args[0], args[1:]
    payload = b""
    nests = {}
    for arg in args:
        key, _, value = arg.partition("=")
        if "." in key:  # limits.cpu-weight=5 goes in the limits nest
            aset, name = key.split(".", 1)
            nests.setdefault(aset, b"")
            nests[aset] += encode(aset, name, value)
        elif key.startswith("#"):  # #N=hex: an attribute the spec lacks
            payload += nla(int(key[1:]), bytes.fromhex(value))
        else:
            payload += encode("group", key, value)
    for aset, inner in nests.items():
        payload += nla(ATTRS[("group", aset)] | NLA_F_NESTED, inner)
    try:
        g.kcg(cmd, payload, flags)
        print("ok")
    except OSError as e:
        print_error(e)
        return 1
    return 0


def main():
    g = Genl()
    what = sys.argv[1]
    if what == "raw":
        return raw(g, sys.argv[2:])
    if what == "batch":
        # A python start-up costs seconds under TCG, a request milliseconds.
        status = 0
        for line in sys.stdin:
            args = shlex.split(line)
            if args:
                status |= raw(g, args)
        return status
    if what in ("create", "delete"):
        prefix, n = sys.argv[2], int(sys.argv[3])
        cmd = "group-new" if what == "create" else "group-del"
        for i in range(n):
            g.kcg(cmd, encode("group", "name", "%s/g%d" % (prefix, i)))
        return 0
    if what == "rm":
        for name in sys.argv[2:]:
            try:
                g.kcg("group-del", encode("group", "name", name))
            except OSError as e:
                if e.errno != errno.ENOENT:
                    print("group-del %s: error %s: %s" % (name, errno.errorcode.get(e.errno, e.errno),
                                                         e.strerror), file=sys.stderr)
                    return 1
        return 0
    if what == "nest":
        prefix, level, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        for i in range(n):
            name = prefix + ("/" + level) * (i + 1)
            try:
                g.kcg("group-new", encode("group", "name", name))
            except OSError as e:
                print("group-new %s: error %s: %s" % (name, errno.errorcode.get(e.errno, e.errno),
                                                     e.strerror), file=sys.stderr)
                return 1
        return 0
    if what == "hammer":
        name = encode("group", "name", sys.argv[2])
        force = encode("group", "force", "1")
        until = time.monotonic() + float(sys.argv[3])
        rounds = 0
        while time.monotonic() < until:
            for cmd, payload in (("group-freeze", name), ("group-del", name + force)):
                try:
                    g.kcg(cmd, payload)
                except OSError:
                    pass
            rounds += 1
        print(rounds)
        return 0
    if what == "dump":
        args = sys.argv[2:]
        if args[:1] == ["--recv"]:
            g = Genl(recv_size=int(args[1]), family=g.family)
            args = args[2:]
        payload = encode("group", "parent", args[0]) if args else b""
        try:
            replies, messages, batches, intr = g.dump("group-get", payload)
        except OSError as e:
            print_error(e)
            return 1
        names = [group_name(r) for r in replies]
        if len(set(names)) != len(names):
            print("duplicate names in dump", file=sys.stderr)
            return 1
        print(len(replies), messages, batches, intr)
        return 0
    if what == "dump-intr":
        other = Genl()
        prefix = sys.argv[2]

        def change(batch):
            # One change, after the first batch: every later part of the
            # dump must then carry NLM_F_DUMP_INTR.
            if batch == 1:
                other.kcg("group-new", encode("group", "name", "%s/x" % prefix))
        _, _, batches, intr = g.dump("group-get", b"", between=change)
        print(intr, batches)
        return 0
    if what == "churn":
        prefix, ident, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        for i in range(n):
            name = encode("group", "name", "%s/c%s-%d" % (prefix, ident, i))
            g.kcg("group-new", name)
            g.kcg("group-del", name)
        return 0
    if what == "listen":
        try:
            g.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g.mcgrps["events"])
        except OSError as e:
            print("error %d: joining the events group" % e.errno)
            return 1
        g.sock.settimeout(float(sys.argv[2]))
        print("listening", flush=True)
        try:
            while True:
                for mtype, flags, data in g.messages():
                    print(json.dumps(decode_event(data[4:])), flush=True)
        except socket.timeout:
            return 0
    if what == "subscribe-many":
        socks, out = [], ""
        for _ in range(int(sys.argv[2])):
            s = Genl()
            try:
                s.kcg("event-subscribe")
            except OSError as e:
                out = "%d ok, then error %d: %s" % (len(socks), e.errno, e.strerror)
                break
            socks.append(s)
        else:
            out = "%d ok" % len(socks)
        for s in socks + [g]:
            s.sock.close()
        try:
            Genl().kcg("event-subscribe")
            out += "; after closing: ok"
        except OSError as e:
            out += "; after closing: error %d: %s" % (e.errno, e.strerror)
        print(out)
        return 0
    if what == "subscribe-hold":
        socks = []
        for _ in range(int(sys.argv[2])):
            s = Genl()
            s.kcg("event-subscribe")
            socks.append(s)
        print("subscribed", flush=True)
        while True:
            time.sleep(3600)
    if what == "subscribe-twice":
        name = sys.argv[2]
        s = Genl()
        s.kcg("event-subscribe")
        s.kcg("event-subscribe")
        g.kcg("group-new", encode("group", "name", name))
        g.kcg("group-del", encode("group", "name", name))
        print(len([e for e in events_of(s.sock, 3) if e.get("group-name") == name]))
        return 0
    if what == "dump-times":
        # One process throughout: what is timed is the module, not exec.
        times = []
        while not os.path.exists(sys.argv[2]) or not times:
            start = time.monotonic()
            g.dump("group-get")
            times.append((time.monotonic() - start) * 1000)
            time.sleep(0.2)
        times.sort()
        print("%d %d %d" % (times[-1], times[len(times) // 2], len(times)))
        return 0
    if what == "portid-reuse":
        print(portid_reuse(int(sys.argv[2])))
        return 0
    if what == "stats":
        reply = parse_attrs(g.kcg("stats-get", encode("stats", "name", sys.argv[2]))[0])
        out = {}
        for nest in ("own", "total"):
            counters = parse_attrs(reply[ATTRS[("stats", nest)]][0])
            out[nest] = {}
            for (aset, name), num in ATTRS.items():
                if aset != "counters" or num not in counters:
                    continue
                values = [struct.unpack("=Q", v)[0] for v in counters[num]]
                out[nest][name] = values if name == "run-delay-hist" else values[0]
        print(json.dumps(out))
        return 0
    print("unknown command", what, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
