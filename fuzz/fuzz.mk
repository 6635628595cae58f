# Fuzzing: included by the top-level Makefile.  See docs/fuzzing.md.
#   make fuzz                     libFuzzer targets into fuzz/out/ (clang, ASan+UBSan)
#   make fuzz-run TARGET=fuzz_ops SECONDS=600 JOBS=N
#   make fuzz-repro CRASH=file    decode, shrink, write scenarios/regressions/NAME.scn, run it
#   make fuzz-replay              corpus + regressions through the standalone (gcc) drivers
#   make fuzz-smoke               fuzz_ops, fuzz_scenario 60 s, fuzz_lex and fuzz_sched 30 s from their seeds (make check)
#   make fuzz-bench               exec/s with and without sanitizers, incremental vs full
#   make mutants                  each injected bug against the suite and fuzz_ops
#   make coverage                 gcov/lcov report; fails below COV_MIN% lines or COV_BRANCH_MIN% branches for sim/ models/
FUZZ_TARGETS  := fuzz_ops fuzz_scenario fuzz_lex fuzz_sched
FUZZ_LIB_SRCS := $(filter-out $(FUZZ_TARGETS:%=fuzz/%.c) fuzz/standalone.c fuzz/bench.c,$(sort $(wildcard fuzz/*.c)))
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(O)/%.o)
TARGET  ?= fuzz_ops
SECONDS ?= 600
JOBS    ?= 1
COV_MIN ?= 93
COV_BRANCH_MIN ?= 87

$(O)/libdaxfuzz.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The standalone replay driver per target: any CC, no libFuzzer.
$(O)/fuzz/replay_%: $(O)/fuzz/%.o $(O)/fuzz/standalone.o $(O)/libdaxfuzz.a $(O)/libdaxsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_TARGETS:%=$(O)/fuzz/%.d) $(O)/fuzz/standalone.d

.PHONY: fuzz fuzz-run fuzz-repro fuzz-replay fuzz-smoke fuzz-seeds fuzz-bench mutants coverage
fuzz: daxsim
	@OUT=$(CURDIR)/fuzz/out sh fuzz/build.sh

fuzz-seeds: daxsim
	@sh fuzz/make_seeds.sh ./daxsim build/seeds

fuzz-run: fuzz
	@sh fuzz/run.sh $(TARGET) $(SECONDS) $(JOBS)

fuzz-repro: daxsim
	@test -n "$(CRASH)" || { echo "usage: make fuzz-repro CRASH=file [NAME=name]"; exit 2; }
	@sh fuzz/repro.sh ./daxsim "$(CRASH)" "$(NAME)"

fuzz-replay: $(FUZZ_TARGETS:%=$(O)/fuzz/replay_%) fuzz-seeds
	$(O)/fuzz/replay_fuzz_ops build/seeds/fuzz_ops fuzz/corpus/fuzz_ops
	$(O)/fuzz/replay_fuzz_scenario build/seeds/fuzz_scenario fuzz/corpus/fuzz_scenario scenarios/regressions/*.scn
	$(O)/fuzz/replay_fuzz_lex build/seeds/fuzz_lex fuzz/corpus/fuzz_lex scenarios/regressions/*.scn
	$(O)/fuzz/replay_fuzz_sched build/seeds/fuzz_sched fuzz/corpus/fuzz_sched

fuzz-smoke: fuzz
	@sh fuzz/run.sh fuzz_ops 60 1 smoke
	@sh fuzz/run.sh fuzz_scenario 60 1 smoke
	@sh fuzz/run.sh fuzz_lex 30 1 smoke
	@sh fuzz/run.sh fuzz_sched 30 1 smoke

fuzz-bench: daxsim
	@sh fuzz/bench.sh

mutants: daxsim
	@sh harness/mutants.sh

coverage: deps
	@sh harness/coverage.sh $(COV_MIN) $(COV_BRANCH_MIN)

$(O)/fuzz/fuzz_bench: $(O)/fuzz/bench.o $(O)/fuzz/fuzz_ops.o $(O)/libdaxfuzz.a $(O)/libdaxsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)
-include $(O)/fuzz/bench.d
