#!/bin/sh
# Seed corpora generated from scenarios/ (never hand-made blobs):
#   fuzz_ops:      each scenario encoded by `daxsim fuzz-encode`, once per design byte
#   fuzz_scenario: each scenario's text as it is
#   fuzz_lex:      the same texts, and the lexer's edge cases one per file
#                  (fuzz/lex_seeds.txt: arithmetic, nesting, quoting)
#   fuzz_sched:    each scenario encoded by `daxsim fuzz-encode --sched`
# usage: fuzz/make_seeds.sh DAXSIM OUTDIR
set -e
daxsim=$1
out=$2
rm -rf "$out/fuzz_ops" "$out/fuzz_scenario" "$out/fuzz_lex" "$out/fuzz_sched"
mkdir -p "$out/fuzz_ops" "$out/fuzz_scenario" "$out/fuzz_lex" "$out/fuzz_sched"
ndesigns=$($daxsim help models | grep -cv "^rfc ")   # fuzz_ops never picks rfc (fuzz_decode.h)
for scn in $(find scenarios -name '*.scn' | sort); do
	name=$(echo "${scn#scenarios/}" | sed 's|/|_|g; s|\.scn$||')
	cp "$scn" "$out/fuzz_scenario/$name.scn"
	cp "$scn" "$out/fuzz_lex/$name.scn"
	$daxsim fuzz-encode --sched "$scn" "$out/fuzz_sched/$name" 2>/dev/null || true
	d=0
	while [ $d -lt "$ndesigns" ]; do
		$daxsim fuzz-encode --design $d "$scn" "$out/fuzz_ops/$name.$d" 2>/dev/null || true
		d=$((d + 1))
	done
done
i=0
while IFS= read -r line; do
	printf '%s\n' "$line" > "$out/fuzz_lex/lex-$i.scn"
	i=$((i + 1))
done < fuzz/lex_seeds.txt
echo "seeds: $(ls "$out/fuzz_ops" | wc -l) fuzz_ops, $(ls "$out/fuzz_scenario" | wc -l) fuzz_scenario, $(ls "$out/fuzz_lex" | wc -l) fuzz_lex, $(ls "$out/fuzz_sched" | wc -l) fuzz_sched in $out"
