#!/bin/sh
# fuzz_ops throughput for `make bench` (issue 16, design.md "Performance
# budgets"): libFuzzer's own exec/s over a SECONDS-long run (default 20)
# from the shipped corpus (fuzz/corpus/fuzz_ops, copied to a scratch
# directory), -seed=1, the dictionary and run.sh's limits, once under
# ASan+UBSan (fuzz/out, `make fuzz`) and once in a plain libFuzzer build
# (-O2, no sanitizer; build/fuzz-plain-out), each beside its target.
# A measurement: a missed target is printed, never an error.
#   sh fuzz/throughput.sh [SECONDS]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-${FUZZ_BENCH_SECONDS:-20}}
plain=$(pwd)/build/fuzz-plain-out
echo "bench: fuzz_ops builds (ASan+UBSan and plain libFuzzer)..." >&2
OUT=$(pwd)/fuzz/out nice sh fuzz/build.sh >/dev/null
CFLAGS="-O2 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link" OUT=$plain nice sh fuzz/build.sh >/dev/null

run() {	# run BIN -> "execs exec/s"
	d=$(mktemp -d)
	mkdir -p "$d/corpus" "$d/crash"
	cp fuzz/corpus/fuzz_ops/* "$d/corpus/" 2>/dev/null || true
	ASAN_OPTIONS=detect_leaks=0 "$1" -seed=1 -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
		-max_len=4096 -dict=fuzz/out/fuzz_ops.dict -print_final_stats=1 \
		-artifact_prefix="$d/crash/" "$d/corpus" >"$d/log" 2>&1 || true
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log")
	r=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/log")
	if ls "$d/crash"/* >/dev/null 2>&1; then
		echo "a crash was found: see $d" >&2
	else
		rm -rf "$d"
	fi
	echo "${n:-0} ${r:-0}"
}

line() {	# line WHAT EXECS RATE TARGET
	v=MISSED
	[ "$3" -ge "$4" ] && v=met
	printf '   %-40s %9s exec/s (%s inputs in %s s)  target >= %s: %s\n' "$1" "$3" "$2" "$secs" "$4" "$v"
}

echo "bench: fuzz_ops, ASan+UBSan, ${secs} s..." >&2
set -- $(run fuzz/out/fuzz_ops)
a_n=$1 a_r=$2
echo "bench: fuzz_ops, plain libFuzzer, ${secs} s..." >&2
set -- $(run "$plain/fuzz_ops")
p_n=$1 p_r=$2
printf '\n== fuzz_ops throughput: libFuzzer exec/s, %s s from the shipped corpus, -seed=1 (loadavg %s)\n' \
	"$secs" "$(cut -d' ' -f1-3 /proc/loadavg)"
line "fuzz_ops, ASan+UBSan (clang -O1)" "$a_n" "$a_r" 3000
line "fuzz_ops, plain libFuzzer (clang -O2)" "$p_n" "$p_r" 20000
