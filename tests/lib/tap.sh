# shellcheck shell=bash
# TAP helpers for the in-VM suite. Source it; every helper prints one TAP
# line, "ok - NAME" or "not ok - NAME" followed by "# " diagnostics.

TAP_FILE=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
tap_failures=0

ok()   { echo "ok - $TAP_FILE: $1"; }
skip() { echo "ok - $TAP_FILE: $1 # SKIP ${2:-}"; }
not_ok() {
	echo "not ok - $TAP_FILE: $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	tap_failures=$((tap_failures + 1))
	return 1
}

# t_run NAME CMD...: the command succeeds.
t_run() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "\$ $*" "$out"; fi
}

# t_fails NAME CMD...: the command fails (non-zero exit).
t_fails() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then not_ok "$name" "unexpectedly succeeded: $*" "$out"; else ok "$name"; fi
}

# t_eq NAME GOT WANT
t_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  '$2'" "want: '$3'"; fi
}

# t_match NAME TEXT REGEX (grep -E)
t_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1" "text: '$2'" "does not match: $3"; fi
}

# t_err NAME EXIT_REGEX STDERR_REGEX CMD...: the command fails with a
# matching one-line stderr message and an exit code that matches.
t_err() {
	local name=$1 want_rc=$2 want_msg=$3 err rc
	shift 3
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 0 ]; then
		not_ok "$name" "unexpectedly succeeded: $*"
	elif ! [[ $rc =~ ^($want_rc)$ ]]; then
		not_ok "$name" "exit $rc, want $want_rc: $*" "$err"
	elif ! printf '%s\n' "$err" | grep -Eq -- "$want_msg"; then
		not_ok "$name" "stderr: '$err'" "does not match: $want_msg"
	else
		ok "$name"
	fi
}

tap_done() {
	exit $((tap_failures > 0))
}

# Fields of `kcg -j show NAME` (jq filter), or "" when the command fails.
kcg_field() {
	kcg -j show "$1" 2>/dev/null | jq -r "$2" 2>/dev/null
}

# wait_until TIMEOUT_S CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}

# as UID CMD...: CMD as UID, with no supplementary groups and no capabilities.
as() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all --bounding-set=-all "$@"
}

# as_job UID CMD... &: the same, only as a background job: setpriv replaces
# the job's shell, so that $! is CMD's pid and killing it stops CMD.
as_job() {
	local uid=$1
	shift
	exec setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all \
		--bounding-set=-all "$@"
}

# Events a `kcg -j monitor` wrote to FILE, one JSON object a line:
# ev_count FILE JQ_CONDITION: how many match;
# ev_field FILE JQ_CONDITION KEY: KEY of the first match ("none" if none);
# ev_has FILE JQ_CONDITION: at least one matches.
ev_count() { jq -s "[.[] | select($2)] | length" "$1" 2>/dev/null; }
ev_field() { jq -s -r "[.[] | select($2)][0].$3 // \"none\"" "$1" 2>/dev/null; }
ev_has() { [ "$(ev_count "$1" "$2")" -ge 1 ]; }

CG=/sys/fs/cgroup
