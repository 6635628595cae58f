#!/bin/sh
# make mutants: switch on each injected bug of kind mutant (the table in
# sim/kernel/lib/inject.c) in the one build, then show whether the scenario
# suite catches it (every scenario x design against its golden, first
# difference; daxsim run --inject=NAME) and how long fuzz_ops needs from an
# empty corpus (libFuzzer, ASan+UBSan, DAXSIM_INJECT=NAME, budget
# FUZZ_BUDGET seconds, default 120).  Exit 1 if some mutant is caught by
# nothing.  MUTANT_ONLY="cow-no-copy shadow-reuse" picks some.
set -u
BUDGET=${FUZZ_BUDGET:-120}
MUTANTS=$(sed -n 's/.*= { "\([a-z0-9-]*\)", INJECT_KIND_MUTANT,.*/\1/p' sim/kernel/lib/inject.c)
designs=$(./daxsim help models | awk '{print $1}')
missed=0
printf '| mutant | scenario suite | fuzz_ops (empty corpus, %ss budget) |\n|---|---|---|\n' "$BUDGET"
[ -n "$MUTANTS" ] || { echo "mutants: no mutant in sim/kernel/lib/inject.c"; exit 1; }
# one fuzz build for all: the mutant is chosen at run time
out=build/mutants/fuzz-out
OUT=$(pwd)/$out sh fuzz/build.sh >/dev/null 2>&1 || { echo "mutants: fuzz build failed"; exit 1; }
for name in $MUTANTS; do
	case " ${MUTANT_ONLY:-$name} " in *" $name "*) ;; *) continue ;; esac
	B=build/mutants/$name
	mkdir -p "$B"
	suite="no"
	for scn in $(find scenarios -name '*.scn' | sort); do
		for d in $designs; do
			g=${scn%.scn}.$d.out
			[ -f "$g" ] || g=${scn%.scn}.out
			if ! ./daxsim run --inject="$name" --model "$d" "$scn" 2>/dev/null | cmp -s - "$g"; then
				suite="yes: ${scn#scenarios/} ($d)"
				break 2
			fi
		done
	done
	# fuzz_ops with the mutant, from an empty corpus
	rm -rf "$B/fuzz-corpus" "$B/fuzz-crash"
	mkdir -p "$B/fuzz-corpus" "$B/fuzz-crash"
	t0=$(date +%s)
	DAXSIM_INJECT=$name nice -n 10 "$out/fuzz_ops" -seed=1 -max_total_time="$BUDGET" -timeout=20 -rss_limit_mb=2048 \
		-dict="$out/fuzz_ops.dict" -artifact_prefix="$B/fuzz-crash/" "$B/fuzz-corpus" >"$B/fuzz.log" 2>&1
	t1=$(date +%s)
	if ls "$B/fuzz-crash"/crash-* >/dev/null 2>&1; then
		execs=$(grep -a -o '^#[0-9][0-9]*' "$B/fuzz.log" | tail -1 | tr -d '#')
		inv=$(grep -o 'INVARIANT [A-Za-z0-9-]*\|EXPECT FAILED\|internal error' "$B/fuzz.log" | head -1)
		fuzz="yes: $((t1 - t0)) s, ~${execs:-?} execs ($inv)"
	else
		fuzz="no (${BUDGET} s)"
	fi
	[ "$suite" = no ] && [ "${fuzz#yes}" = "$fuzz" ] && missed=1
	echo "| $name | $suite | $fuzz |"
done
# the races: an upstream race put back, found (or not) by explore on its scenario
RACES=$(sed -n 's/.*= { "\([a-z0-9-]*\)", INJECT_KIND_RACE,.*/\1/p' sim/kernel/lib/inject.c)
printf '\n| race | scenario | explore --strategy=dfs --preempt=2 |\n|---|---|---|\n'
for name in $RACES; do
	scn=$(grep -l "DAXSIM_INJECT=$name" scenarios/races/*.scn | head -1)
	if [ -z "$scn" ]; then
		echo "| $name | none | NOT TESTED |"
		missed=1
		continue
	fi
	out=$(DAXSIM_INJECT=$name ./daxsim explore --strategy=dfs --preempt=2 "$scn" 2>&1)
	if [ $? -eq 1 ]; then
		echo "| $name | ${scn#scenarios/} | caught: $(echo "$out" | tail -1) |"
	else
		echo "| $name | ${scn#scenarios/} | NOT caught: $(echo "$out" | tail -1) |"
		missed=1
	fi
done
exit $missed
