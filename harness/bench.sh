#!/bin/sh
# `make bench`: build the benchmark against libdaxsim.a and run it once.
# Prints the simulator's costs next to the real kernel's on this machine and
# the design.md budget ratios.  A measurement, not a test: budgets that are
# missed are reported, never turned into a failing exit status.
# Without arguments it then measures fuzz_ops throughput (fuzz/throughput.sh:
# libFuzzer, ASan+UBSan and plain, 20 s each; BENCH_FUZZ=0 skips it).
set -e
cd "$(dirname "$0")/.."
B=${BUILD:-default}
${MAKE:-make} --no-print-directory BUILD="$B" "build/$B/bench" "build/$B/daxsim" >/dev/null
if [ $# -gt 0 ] || [ "${BENCH_FUZZ:-1}" = 0 ]; then
	exec "build/$B/bench" "$@"
fi
"build/$B/bench"
if command -v clang >/dev/null 2>&1; then
	sh fuzz/throughput.sh
else
	printf '\n== fuzz_ops throughput: not measured (no clang for the libFuzzer builds)\n'
fi
