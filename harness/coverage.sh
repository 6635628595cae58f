#!/bin/sh
# make coverage: a gcc --coverage build; the unit tests, the scenario suite
# (pytest) and the fuzz corpus replay; an lcov HTML report in
# build/coverage/html and a per-directory summary.  Fails when the line
# coverage of sim/ + models/ is below $1 percent (default 93) or their branch
# coverage (gcc's branches, lcov_branch_coverage=1) below $2 percent (default 87):
# measured.
set -eu
MIN=${1:-93}
BMIN=${2:-87}
B=build/cov
FLAGS="-O0 -g --coverage -DDAXSIM_COVERAGE"
nice make -s BUILD=cov CFLAGS="$FLAGS" $B/daxsim $B/unit_tests \
	$B/fuzz/replay_fuzz_ops $B/fuzz/replay_fuzz_scenario $B/fuzz/replay_fuzz_lex >/dev/null
find $B -name '*.gcda' -delete
mkdir -p build/coverage
echo "coverage: unit tests"
CK_FORK=yes $B/unit_tests >build/coverage/unit.log 2>&1 || { tail build/coverage/unit.log; exit 1; }
echo "coverage: scenario suite (pytest)"
DAXSIM=$(pwd)/$B/daxsim /usr/bin/python3 -m pytest -q -p no:cacheprovider harness/pytest >build/coverage/pytest.log 2>&1 ||
	{ tail build/coverage/pytest.log; exit 1; }
echo "coverage: corpus replay"
sh fuzz/make_seeds.sh $B/daxsim $B/seeds >/dev/null
$B/fuzz/replay_fuzz_ops $B/seeds/fuzz_ops fuzz/corpus/fuzz_ops
$B/fuzz/replay_fuzz_scenario $B/seeds/fuzz_scenario fuzz/corpus/fuzz_scenario scenarios/regressions/*.scn
$B/fuzz/replay_fuzz_lex $B/seeds/fuzz_lex fuzz/corpus/fuzz_lex scenarios/regressions/*.scn
lcov --quiet --rc lcov_branch_coverage=1 --capture --directory $B --base-directory . --output-file build/coverage/all.info 2>/dev/null
lcov --quiet --rc lcov_branch_coverage=1 --extract build/coverage/all.info "$(pwd)/sim/*" "$(pwd)/models/*" "$(pwd)/fuzz/*" \
	--output-file build/coverage/daxsim.info 2>/dev/null
genhtml --quiet --branch-coverage --output-directory build/coverage/html build/coverage/daxsim.info >/dev/null 2>&1 || true
# per directory: lines and branches found / hit, from the tracefile
awk -v root="$(pwd)/" '
/^SF:/ { f = substr($0, 4); sub(root, "", f); d = f; sub(/\/[^\/]*$/, "", d) }
/^LF:/ { lf[d] += substr($0, 4) }
/^LH:/ { lh[d] += substr($0, 4) }
/^BRF:/ { bf[d] += substr($0, 5) }
/^BRH:/ { bh[d] += substr($0, 5) }
END { for (k in lf) print k, lf[k], lh[k], bf[k] + 0, bh[k] + 0 }' build/coverage/daxsim.info | sort |
awk -v min="$MIN" -v bmin="$BMIN" '
function pc(h, f) { return f ? 100 * h / f : 100 }
BEGIN { printf "%-20s %8s %8s %7s %9s %8s %7s\n", "directory", "lines", "hit", "cover", "branches", "taken", "cover" }
{ printf "%-20s %8d %8d %6.1f%% %9d %8d %6.1f%%\n", $1, $2, $3, pc($3, $2), $4, $5, pc($5, $4)
  if ($1 ~ /^(sim|models)/) { gf += $2; gh += $3; bf += $4; bh += $5 } }
END {
	pct = pc(gh, gf); bpct = pc(bh, bf)
	printf "%-20s %8d %8d %6.1f%% %9d %8d %6.1f%%   (gates: %d%% lines, %d%% branches)\n", "sim+models", gf, gh, pct, bf, bh, bpct, min, bmin
	if (pct < min) { printf "coverage: sim/ + models/ line coverage %.1f%% is below %d%%\n", pct, min; exit 1 }
	if (bpct < bmin) { printf "coverage: sim/ + models/ branch coverage %.1f%% is below %d%%\n", bpct, bmin; exit 1 }
}' | tee build/coverage/summary.txt
[ "$(tail -1 build/coverage/summary.txt | cut -c1-9)" != "coverage:" ] || exit 1
echo "coverage: report in build/coverage/html/index.html"
