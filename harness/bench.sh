#!/bin/sh
# `make bench`: build the benchmark against libdaxsim.a and run it once.
# Prints the simulator's costs next to the real kernel's on this machine and
# the design.md budget ratios.  A measurement, not a test: budgets that are
# missed are reported, never turned into a failing exit status.
set -e
cd "$(dirname "$0")/.."
B=${BUILD:-default}
${MAKE:-make} --no-print-directory BUILD="$B" "build/$B/bench" >/dev/null
exec "build/$B/bench" "$@"
