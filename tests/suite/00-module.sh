#!/bin/bash
# The module loads, registers its family and answers version-get; it unloads
# and loads again, and the CLI explains a missing module.
. "$(dirname "$0")/../lib/tap.sh"

t_match "module is loaded" "$(cat /proc/modules)" '^kcg '
t_match "family kcg is registered" "$(genl ctrl get name kcg 2>&1)" 'Name: kcg'

want=$(modinfo -F version "$KCG_KO")
t_match "kcg version reports the module over netlink" \
	"$(kcg version 2>&1)" "^kcg [0-9.]+, module $want \\(protocol 1"
json=$(kcg -j version)
t_eq "kcg -j version is JSON with the module version" \
	"$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["module"]["version"])' 2>&1)" "$want"
t_run "kcg -j -p version is valid JSON" python3 -m json.tool <<<"$(kcg -j -p version)"
t_eq "kcg --version is the tool's alone, the module's number" "$(kcg --version 2>&1)" "kcg $want"
t_err "unknown command is a usage error" 2 "unknown command 'bogus'" kcg bogus

t_run "rmmod kcg" rmmod kcg
t_match "family is gone after rmmod" "$(genl ctrl get name kcg 2>&1)" 'No such file|error|Error'
t_err "kcg without the module says how to load it" 1 \
	"module is not loaded; load it with 'modprobe kcg'" kcg version
t_eq "kcg -V needs no module: the tool version, exit 0" "$(kcg -V 2>&1; echo "rc $?")" "kcg $want
rc 0"
t_eq "kcg help needs no module" "$(kcg help list 2>&1 | head -1)" "usage: kcg list [--tree]"
t_run "insmod kcg again" insmod "$KCG_KO"
t_match "version answers after reload" "$(kcg version 2>&1)" "module $want"
tap_done
