#!/bin/sh
# make fuzz-bench: fuzz_ops exec/s on the same pseudo-random inputs of up
# to 64 commands, without and with ASan+UBSan, incremental checker vs a
# full sweep per command, side by side in one run.
set -eu
N=${FUZZ_BENCH_N:-2000}
nice make -s build/default/fuzz/fuzz_bench >/dev/null
nice make -s BUILD=asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	build/asan/fuzz/fuzz_bench >/dev/null
echo "== plain -O2 (gcc)"
build/default/fuzz/fuzz_bench "$N" 64
echo "== ASan+UBSan -O1 (gcc)"
ASAN_OPTIONS=detect_leaks=0 build/asan/fuzz/fuzz_bench "$((N / 4))" 64
