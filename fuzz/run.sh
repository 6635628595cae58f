#!/bin/sh
# Run one libFuzzer target: fuzz/run.sh TARGET SECONDS JOBS [smoke]
#   the corpus grows under fuzz/corpus/TARGET/ (smoke: a scratch copy under
#   build/, so `make check` leaves the tree alone); seeds come from
#   fuzz/out/TARGET_seed_corpus.zip; crashes land in fuzz/crashes/TARGET/.
# JOBS > 1 uses libFuzzer's -fork=JOBS.  Progress lines are libFuzzer's own
# (exec/s, cov, corp).  Exit status: libFuzzer's (non-zero on a finding).
set -eu
t=$1
secs=$2
jobs=$3
mode=${4:-}
bin=fuzz/out/$t
[ -x "$bin" ] || { echo "fuzz/run.sh: $bin missing (make fuzz)"; exit 2; }
seeds=build/seeds-run/$t
rm -rf "$seeds"
mkdir -p "$seeds"
(cd "$seeds" && unzip -q -o "../../../fuzz/out/${t}_seed_corpus.zip")
if [ "$mode" = smoke ]; then
	corpus=build/smoke/$t
	rm -rf "$corpus"
	mkdir -p "$corpus"
	[ -d fuzz/corpus/$t ] && cp fuzz/corpus/$t/* "$corpus/" 2>/dev/null || true
else
	corpus=fuzz/corpus/$t
	mkdir -p "$corpus"
fi
mkdir -p fuzz/crashes/$t
# the smoke in `make check` starts from a fixed seed: the same mutations on
# every run (how far it gets still depends on the machine's speed)
seed=""
[ "$mode" = smoke ] && seed="-seed=1"
fork=""
[ "$jobs" -gt 1 ] && fork="-fork=$jobs"
echo "fuzz/run.sh: $t for ${secs}s, jobs $jobs, corpus $corpus"
# shellcheck disable=SC2086
exec nice -n 10 "$bin" $fork $seed -dict=fuzz/out/$t.dict -max_total_time="$secs" -timeout=20 \
	-rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
	-artifact_prefix=fuzz/crashes/$t/ "$corpus" "$seeds"
