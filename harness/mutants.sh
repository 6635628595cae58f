#!/bin/sh
# make mutants: build each injected bug (sim/kernel/include/inject.h), then show whether
# the scenario suite catches it (every scenario x design against its
# golden, first difference) and how long fuzz_ops needs from an empty
# corpus (libFuzzer, ASan+UBSan, budget FUZZ_BUDGET seconds, default 120).
# Exit 1 if some mutant is caught by nothing.  MUTANT_ONLY="3 5" picks some.
set -u
BUDGET=${FUZZ_BUDGET:-120}
MUTANTS=$(sed -n 's/^#define MUTANT_\([A-Z_]*\)[[:space:]]*\([0-9][0-9]*\).*/\2:\1/p' sim/kernel/include/inject.h)
designs=$(./daxsim help models | awk '{print $1}')
missed=0
printf '| mutant | scenario suite | fuzz_ops (empty corpus, %ss budget) |\n|---|---|---|\n' "$BUDGET"
for m in $MUTANTS; do
	n=${m%%:*}
	case " ${MUTANT_ONLY:-$n} " in *" $n "*) ;; *) continue ;; esac
	name=$(echo "${m#*:}" | tr 'A-Z_' 'a-z-')
	B=build/mut$n
	nice make -s BUILD=mut$n EXTRA_CFLAGS=-DDAXSIM_MUTANT=$n $B/daxsim >/dev/null 2>&1 ||
		{ echo "| $name | BUILD FAILED | |"; missed=1; continue; }
	suite="no"
	for scn in $(find scenarios -name '*.scn' | sort); do
		for d in $designs; do
			g=${scn%.scn}.$d.out
			[ -f "$g" ] || g=${scn%.scn}.out
			if ! $B/daxsim run --model "$d" "$scn" 2>/dev/null | cmp -s - "$g"; then
				suite="yes: ${scn#scenarios/} ($d)"
				break 2
			fi
		done
	done
	# fuzz_ops with the mutant, from an empty corpus
	out=$B/fuzz-out
	CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link -DDAXSIM_MUTANT=$n" \
		OUT=$(pwd)/$out sh fuzz/build.sh >/dev/null 2>&1
	rm -rf "$B/fuzz-corpus" "$B/fuzz-crash"
	mkdir -p "$B/fuzz-corpus" "$B/fuzz-crash"
	t0=$(date +%s)
	nice -n 10 "$out/fuzz_ops" -seed=1 -max_total_time="$BUDGET" -timeout=20 -rss_limit_mb=2048 \
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
	echo "| $n $name | $suite | $fuzz |"
done
exit $missed
