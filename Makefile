# daxsim — see README.md.  `make` builds ./daxsim; `make demo`, `make check`.
CC        ?= gcc
PKGS      := glib-2.0
# Recursively expanded on purpose: pkg-config is asked when a recipe runs,
# after `make deps` has installed GLib and check on a fresh machine.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)
WARN      := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) $(PKG_CFLAGS)

# Layers (docs/architecture.md): harness/layering/layers.txt is the one table
# (layer | sources | may include | transitional).  A file compiles with its
# layer's -I dirs plus the transitional ones the upward includes still named in
# harness/layering/baseline.txt need; `make layercheck` checks both against the
# sources.  INC_<layer> := the allowed -I dirs; a file no layer names gets the
# last layer's.
LAYERS_TXT  := harness/layering/layers.txt
# layer_field(LAYER,N): field N of LAYER's line ('|'-separated; comments skipped)
layer_field  = $(shell awk -F'|' 'NF >= 3 { n = $$1; gsub(/[ \t]/, "", n); if (substr(n, 1, 1) != "\043" && n == "$1") print $$$2 }' $(LAYERS_TXT))
LAYERS      := $(shell awk -F'|' 'NF >= 3 { n = $$1; gsub(/[ \t]/, "", n); if (substr(n, 1, 1) != "\043") print n }' $(LAYERS_TXT))
$(foreach l,$(LAYERS),$(eval INC_$l := $(addprefix -I,$(call layer_field,$l,3))) \
  $(eval BUILD_INC_$l := $(INC_$l) $(addprefix -I,$(call layer_field,$l,4))) \
  $(eval SRC_$l := $(patsubst %/**,%/%,$(call layer_field,$l,2))))
layer_of  = $(firstword $(foreach l,$(LAYERS),$(if $(filter $(SRC_$l),$1),$l)) $(lastword $(LAYERS)))
layer_inc = $(strip $(BUILD_INC_$(call layer_of,$1)))
LDLIBS    = $(PKG_LIBS) -lm

# BUILD selects an output tree: build/default, build/asan, build/cov ...
BUILD     ?= default
O         := build/$(BUILD)

LIB_SRCS  := $(sort $(wildcard sim/kernel/*/*.c sim/check/*.c sim/scn/*.c sim/cli/*.c \
		models/xfs/*.c models/share/*.c))
LIB_SRCS  := $(filter-out sim/cli/main.c,$(LIB_SRCS))
LIB_OBJS  := $(LIB_SRCS:%.c=$(O)/%.o)
UNIT_SRCS := $(sort $(wildcard harness/unit/*.c harness/unit/stubfs/*.c))
UNIT_OBJS := $(UNIT_SRCS:%.c=$(O)/%.o)

PYTEST    := /usr/bin/python3 -m pytest
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps demo check unit pytest fstests asan clean bench lockcheck lockcheck-update lockgraph \
	layercheck layercheck-update doccheck
all: daxsim

daxsim: $(O)/daxsim
	@if [ "$(BUILD)" = default ]; then cp $< $@; fi

$(O)/daxsim: $(O)/sim/cli/main.o $(O)/libdaxfuzz.a $(O)/libdaxsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(O)/libdaxsim.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call layer_inc,$<) -MMD -MP -c -o $@ $<

$(O)/unit_tests: $(UNIT_OBJS) $(O)/libdaxsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# the lock rules file is built into daxsim (.incbin)
$(O)/sim/kernel/locking/lockdep_rules.o: docs/locking.rules

-include $(LIB_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(O)/sim/cli/main.d

# `make bench`: the benchmark binary (harness/bench.sh builds and runs it).
BENCH_SRCS := $(sort $(wildcard harness/bench/*.c))
BENCH_OBJS := $(BENCH_SRCS:%.c=$(O)/%.o)
$(O)/bench: $(BENCH_OBJS) $(O)/libdaxsim.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)
-include $(BENCH_OBJS:.o=.d)

deps:
	@sh harness/deps.sh

unit: $(O)/unit_tests
	CK_FORK=yes $(O)/unit_tests

# deps first, then a fresh make: its pkg-config calls see the installed packages
demo: deps
	@$(MAKE) --no-print-directory daxsim
	@sh harness/demo.sh ./daxsim

pytest: daxsim $(O)/fuzz/replay_fuzz_scenario $(O)/fuzz/replay_fuzz_lex
	DAXSIM=$(CURDIR)/$(O)/daxsim $(PYTEST) -q harness/pytest; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# Our fstests-shaped tests (scenarios/fstests/) through `daxsim fstests`;
# the last line is the pass/fail/notrun figure.
fstests: daxsim
	@out=$$($(O)/daxsim fstests --results $(O)/fstests-results scenarios/fstests/daxsim); rc=$$?; \
	  if [ $$rc -ne 0 ]; then echo "$$out"; fi; echo "fstests: $$(echo "$$out" | tail -n 1)"; exit $$rc

# The sanitizer build: same sources, ASan+UBSan, its own output tree.
asan:
	$(MAKE) BUILD=asan CFLAGS="$(SAN_FLAGS)" $(if $(findstring clang,$(CC)),,) build/asan/daxsim build/asan/unit_tests

# Lock-order regression: every scenario x design vs harness/lockdep/baseline.txt
lockcheck: daxsim
	/usr/bin/python3 harness/lockcheck.py --daxsim $(CURDIR)/$(O)/daxsim

lockcheck-update: daxsim
	/usr/bin/python3 harness/lockcheck.py --daxsim $(CURDIR)/$(O)/daxsim --update

# Include layering (harness/layering/layers.txt): every #include against its
# layer, then every file compiled with only its layer's -I dirs.
layercheck:
	/usr/bin/python3 harness/layering.py
	/usr/bin/python3 harness/layering.py --compile --cc "$(CC)" --jobs 2

layercheck-update:
	/usr/bin/python3 harness/layering.py --update

# Every file and C name docs/architecture.md cites exists (harness/doccheck.py;
# DOCS=... for other documents).
DOCS ?= docs/architecture.md
doccheck:
	/usr/bin/python3 harness/doccheck.py $(DOCS)

# The observed lock graph of every scenario under DESIGN, drawn by graphviz.
DESIGN ?= mainline
lockgraph: deps
	@$(MAKE) --no-print-directory daxsim
	@mkdir -p build
	rm -f build/lockgraph.dot
	$(O)/daxsim run --model $(DESIGN) --keep-going --lockdep-graph=build/lockgraph.dot \
	  $$(find scenarios -name '*.scn' | sort | xargs grep -L '^lockdep inject') >/dev/null; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc
	dot -Tsvg -o build/lockgraph.svg build/lockgraph.dot
	@echo "build/lockgraph.svg"

check: deps
	$(MAKE) daxsim unit pytest fstests lockcheck layercheck doccheck
	$(MAKE) asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(MAKE) BUILD=asan CFLAGS="$(SAN_FLAGS)" unit
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(MAKE) BUILD=asan CFLAGS="$(SAN_FLAGS)" pytest
	$(MAKE) fuzz-replay
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(MAKE) BUILD=asan CFLAGS="$(SAN_FLAGS)" fuzz-replay
	$(MAKE) fuzz-smoke
	$(MAKE) coverage

# fuzzing, mutants and coverage (fuzz/fuzz.mk)
include fuzz/fuzz.mk

bench: deps
	@$(MAKE) --no-print-directory daxsim
	@sh harness/bench.sh

clean:
	rm -rf build daxsim
