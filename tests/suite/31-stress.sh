#!/bin/bash
# Ops racing each other, the short form of `make stress`.
#
# 1. Attach and kill racing a delete of their group: each lands wholly before
#    the delete (which then finds the group busy, or kills what it must) or
#    finds no group. Before the fix, neither held the group's lock, so a
#    delete could remove the directory between their lookup and their write
#    to it: they failed with ENOTDIR or ENODEV ("the kernel refused ...")
#    instead of ENOENT ("no such group"). Found by make stress.
# 2. tests/stress/guest for 15 s with 8 clients, its checks and no leak
#    figures (they need the module out before the first load): registry ==
#    cgroupfs, every limit the one last set, every workload process where
#    its last attach put it, every answer by the spec; then the checker must
#    catch a limit, a process and a cgroup changed behind kcg's back. The
#    module is reloaded under the clients (at least 10 times) only on one
#    TCG thread (tests/vm/run --tcg-single): multi-threaded TCG meets a
#    spurious int3 when the probes are toggled under load.
. "$(dirname "$0")/../lib/tap.sh"

G=t30
cleanup() {
	kcg delete --force $G/r 2>/dev/null
	kcg delete $G 2>/dev/null
}
trap cleanup EXIT
cleanup

# --- 1. Attach and kill against delete ------------------------------------------
t_run "root makes $G" kcg create $G
race=$(python3 - 8 <<'PY'
import collections, errno, os, struct, subprocess, sys, threading, time
sys.path.insert(0, os.environ["KCG_REPO"] + "/tests/lib")
import kcgnl

stop = time.time() + float(sys.argv[1])
name = kcgnl.nla(kcgnl.ATTRS[("group", "name")], b"t30/r\0")
seen = collections.Counter()

def churn():
    g = kcgnl.Genl()
    while time.time() < stop:
        for cmd in ("group-new", "group-del"):
            try:
                g.kcg(cmd, name)
            except OSError:
                pass

def racer(cmd):
    g = kcgnl.Genl()
    sleeper = None
    while time.time() < stop:
        extra = b""
        if cmd == "task-attach":
            if sleeper is None or sleeper.poll() is not None:
                sleeper = subprocess.Popen(["sleep", "1000"])
            extra = kcgnl.nla(kcgnl.ATTRS[("group", "pid")], struct.pack("=I", sleeper.pid))
        try:
            g.kcg(cmd, name + extra)
            seen[cmd, "ok"] += 1
        except OSError as e:
            seen[cmd, errno.errorcode.get(e.errno, str(e.errno))] += 1
    if sleeper:
        sleeper.kill()

threads = [threading.Thread(target=f, args=a) for f, a in
           ((churn, ()), (racer, ("task-attach",)), (racer, ("group-kill",)))]
for t in threads:
    t.start()
for t in threads:
    t.join()
for (cmd, what), n in sorted(seen.items()):
    print(cmd, what, n)
PY
)
echo "# $(tr '\n' ',' <<<"$race" | sed 's/,$//; s/,/, /g')"
t_match "attaches raced the deletes" "$race" '^task-attach ok [0-9]+$'
t_match "kills raced the deletes" "$race" '^group-kill ok [0-9]+$'
t_eq "attach and kill answered only done, ENOENT, ESRCH or EBUSY" \
	"$(grep -Ev ' (ok|ENOENT|ESRCH|EBUSY) [0-9]+$' <<<"$race")" ""
cleanup

# --- 2. A short stress run ---------------------------------------------------------
reload=(--reload-ms 0)
[ "${KCG_TCG:-}" = single ] && reload=(--reload-ms 2000 --min-reloads 10)
STRESS_TAP=$TAP_FILE "$KCG_REPO/tests/stress/guest" --seconds 15 --leaks 0 --prefix t30s \
	"${reload[@]}" --results /tmp/t30-results --sabotage
rc=$?
rm -f /tmp/t30-results
[ $rc = 0 ] || tap_failures=$((tap_failures + 1))
tap_done
