#!/bin/sh
# expect_exit.sh STATUS PATTERN COMMAND [ARGS...]: passes only when COMMAND exits with
# STATUS and its output (stdout and stderr) contains PATTERN (a grep -E pattern).
# The devnet's pass criterion is tested with it: a run that must fail, fails for the
# stated reason, and not by crashing.
expected="$1"; pattern="$2"; shift 2
out="$("$@" 2>&1)"
status=$?
printf '%s\n' "$out" | tail -n 5
if [ "$status" -ne "$expected" ]; then
  echo "expect_exit: exit status $status, expected $expected" >&2
  exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
  echo "expect_exit: output does not match: $pattern" >&2
  exit 1
fi
echo "expect_exit: exit status $status and output as expected"
