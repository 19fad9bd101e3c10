#!/bin/bash
# Group lifecycle through the CLI: create with limits, read back, nest,
# change online, delete. Checks the real cgroup files, not only the replies.
. "$(dirname "$0")/../lib/tap.sh"

cleanup() {
	kcg delete t10lk/a/b 2>/dev/null
	kcg delete t10lk/a 2>/dev/null
	kcg delete t10lk 2>/dev/null
	kcg delete t10/web/api 2>/dev/null
	kcg delete t10/web 2>/dev/null
	kcg delete t10/db 2>/dev/null
	kcg delete t10 2>/dev/null
}
trap cleanup EXIT
cleanup
# io.max needs a block device: a RAM disk, 1:0.
modprobe brd rd_nr=1 rd_size=8192

# On a lockdep kernel (the debug line): deleting a child takes
# its parent's lock, then its own, both of one lock class. Without a nesting
# annotation lockdep called that "possible recursive locking" and switched
# itself off for the rest of the run. First here, before any other nested
# delete of the suite.
lockdep_on() { awk '/debug_locks:/ { print $2 }' /proc/lockdep_stats; }
if [ -r /proc/lockdep_stats ]; then
	before=$(lockdep_on)
	t_run "nested groups for the lockdep check" \
		sh -c 'kcg create t10lk && kcg create t10lk/a && kcg create t10lk/a/b'
	t_run "delete them, children first" \
		sh -c 'kcg delete t10lk/a/b && kcg delete t10lk/a && kcg delete t10lk'
	# "before after": 1 1, or the kernel log holds the splat.
	t_eq "lockdep on before and after nested deletes" "$before $(lockdep_on)" "1 1"
else
	echo "# no lockdep in this kernel: the nested-delete lockdep check is the debug line's"
fi

t_run "create a top-level group with limits" \
	kcg create t10 --memory-max 512M --pids-max 200 --cpu-max 50% --cpu-weight 200
t_eq "cgroup directory exists" "$(test -d $CG/kcg/t10 && echo yes)" yes
t_eq "memory.max written" "$(cat $CG/kcg/t10/memory.max)" 536870912
t_eq "pids.max written" "$(cat $CG/kcg/t10/pids.max)" 200
t_eq "cpu.max written from 50%" "$(cat $CG/kcg/t10/cpu.max)" "50000 100000"
t_eq "cpu.weight written" "$(cat $CG/kcg/t10/cpu.weight)" 200

t_eq "show reads memory.max back" "$(kcg_field t10 .limits.memory_max)" 536870912
t_eq "show reads pids.max back" "$(kcg_field t10 .limits.pids_max)" 200
t_eq "show reads cpu.max back" "$(kcg_field t10 '"\(.limits.cpu_max.quota)/\(.limits.cpu_max.period)"')" \
	"50000/100000"
t_eq "show reads cpu.weight back" "$(kcg_field t10 .limits.cpu_weight)" 200
t_eq "show has the cgroup path" "$(kcg_field t10 .cgroup)" /kcg/t10
t_eq "group id is the cgroup's inode number" "$(kcg_field t10 .id)" "$(stat -c %i $CG/kcg/t10)"
t_match "text show lists memory.max in human units" "$(kcg show t10)" 'memory\.max +512M'

t_run "create nested with NAME as p/q" kcg create t10/web --memory-high 256M --cpuset 0
t_run "create nested with --parent" kcg create db --parent t10 --io-max 1:0:rbps=1M,wiops=100 \
	--memory-low 16M
t_run "create a third level" kcg create t10/web/api --pids-max max
t_eq "nested cgroup directory exists" "$(test -d $CG/kcg/t10/web/api && echo yes)" yes
t_eq "memory.high written" "$(cat $CG/kcg/t10/web/memory.high)" 268435456
t_eq "cpuset.cpus written" "$(cat $CG/kcg/t10/web/cpuset.cpus)" 0
t_eq "memory.low written" "$(cat $CG/kcg/t10/db/memory.low)" 16777216
t_match "io.max written" "$(cat $CG/kcg/t10/db/io.max)" '^1:0 rbps=1048576 wbps=max riops=max wiops=100$'
t_eq "show reads io.max back" \
	"$(kcg_field t10/db '.limits.io_max[0] | "\(.major):\(.minor) \(.rbps) \(.wiops)"')" "1:0 1048576 100"
t_eq "parent subtree_control enables the controllers" \
	"$(tr ' ' '\n' < $CG/kcg/t10/cgroup.subtree_control | sort | tr '\n' ' ')" "cpu cpuset io memory pids "
t_eq "pids.max max reads back as max" "$(kcg_field t10/web/api .limits.pids_max)" max
t_eq "parent of a nested group" "$(kcg_field t10/web/api .parent)" t10/web

t_eq "list shows all four groups" "$(kcg -j list | jq -r '.[].name' | grep -c '^t10')" 4
t_match "list --tree indents children under parents" "$(kcg list --tree)" '^ +api'
t_eq "kcg alone lists" "$(kcg -j | jq -r '.[].name' | grep -c '^t10')" 4

t_run "set changes memory.max online" kcg set t10/web --memory-max 128M
t_eq "memory.max changed in the cgroup" "$(cat $CG/kcg/t10/web/memory.max)" 134217728
t_eq "memory.high left as it was" "$(cat $CG/kcg/t10/web/memory.high)" 268435456
t_run "set cpu.max to max keeps the period" kcg set t10 --cpu-max max
t_eq "cpu.max is max" "$(cat $CG/kcg/t10/cpu.max)" "max 100000"
t_run "set cpu.max with an explicit period" kcg set t10 --cpu-max 20000/50000
t_eq "cpu.max quota and period" "$(cat $CG/kcg/t10/cpu.max)" "20000 50000"
t_run "set memory.max back to max" kcg set t10/web --memory-max max
t_eq "memory.max is max" "$(cat $CG/kcg/t10/web/memory.max)" max

t_run "delete a leaf" kcg delete t10/web/api
t_eq "leaf cgroup is gone" "$(test -e $CG/kcg/t10/web/api || echo gone)" gone
t_eq "leaf is no longer listed" "$(kcg -j list | jq -r '.[].name' | grep -c '^t10/web/api$')" 0
cleanup
t_eq "all t10 cgroups are gone" "$(test -e $CG/kcg/t10 || echo gone)" gone
tap_done
