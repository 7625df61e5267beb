# Makefile — build, grade, document and demo the socket labs. `make help` lists the targets.
#
# Every lesson is a folder lessons/NN-name/ holding one header NAME.h, its
# skeleton NAME.c and any demo programs (the other .c files); its tests are
# tests/NN-name.c (plus tests/NN-name.wrap, the calls the tests interpose).
# Nothing here lists the lessons: a new folder is picked up as it is.

IMPL    ?= lessons
LESSON  ?=
SAN     ?=
V       ?=

CC      ?= cc
ifeq ($(origin CC),default)
CC      := cc
endif

BUILD   := build
VARIANT := $(IMPL)$(if $(SAN),-san)
OUT     ?= $(BUILD)/$(VARIANT)

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

# The lesson files: strict C11, all warnings are errors. _FORTIFY_SOURCE is
# off so that read() stays read() (not __read_chk), which the tests interpose.
WARN        := -Wall -Wextra -Werror
UNIT_CFLAGS := -std=c11 $(WARN) -O1 -g -U_FORTIFY_SOURCE
# The tests and the support library use GNU C (statement expressions).
TEST_CFLAGS := -std=gnu11 $(WARN) -Wno-missing-field-initializers -O1 -g -U_FORTIFY_SOURCE \
               -Itests/support $(CHECK_CFLAGS)
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ifneq ($(SAN),)
UNIT_CFLAGS += $(SAN_FLAGS)
TEST_CFLAGS += $(SAN_FLAGS)
LDSAN       := $(SAN_FLAGS)
endif

Q := $(if $(V),,@)
# Parallel compilation inside make test (-O keeps each file's messages together).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# A lesson is a folder lessons/NN-name/ with a header in it.
ALL_LESSONS := $(sort $(patsubst lessons/%/,%,$(dir $(wildcard lessons/[0-9][0-9]-*/*.h))))
# LESSON=04 or LESSON=04-accept selects one (a space-separated list works too).
LESSONS     := $(if $(LESSON),$(foreach l,$(LESSON),$(filter $(l)%,$(ALL_LESSONS))),$(ALL_LESSONS))
ifneq ($(LESSON),)
ifeq ($(LESSONS),)
$(error LESSON=$(LESSON) matches none of: $(ALL_LESSONS))
endif
endif

# NAME of a lesson folder: the basename of its one header.
name_of = $(basename $(notdir $(firstword $(wildcard lessons/$(1)/*.h))))
# The file graded for a lesson, in the chosen implementation.
unit_of = $(IMPL)/$(1)/$(call name_of,$(1)).c
# Demo sources of a lesson: its .c files other than NAME.c.
demos_of = $(filter-out lessons/$(1)/$(call name_of,$(1)).c,$(wildcard lessons/$(1)/*.c))
wraps_of = $(if $(wildcard tests/$(1).wrap),$(addprefix -Wl$(comma)--wrap=,$(shell cat tests/$(1).wrap)))
comma := ,

SUPPORT_SRC := tests/support/lab.c tests/support/wrap.c
SUPPORT_HDR := tests/support/lab.h tests/support/lab_internal.h
SUPPORT_OBJ := $(patsubst tests/support/%.c,$(OUT)/support/%.o,$(SUPPORT_SRC))

TEST_BINS   := $(foreach l,$(LESSONS),$(OUT)/tests/$(l))
ALL_UNITS   := $(foreach l,$(ALL_LESSONS),$(OUT)/units/$(l).o)
DEMO_BINS   := $(foreach l,$(ALL_LESSONS),$(foreach d,$(call demos_of,$(l)),$(OUT)/bin/$(notdir $(basename $(d)))))

.PHONY: all help test grade demos test-demos bench mutants docs selftest clean tests-build format
.DEFAULT_GOAL := help

help:
	@echo "make test [LESSON=NN] [IMPL=solutions]   build and grade (lessons/ by default)"
	@echo "make grade                               same, and write $(BUILD)/<impl>/results.json"
	@echo "make demos [IMPL=solutions]              demo programs into $(BUILD)/<impl>/bin/"
	@echo "make test-demos [IMPL=solutions]         run the demo programs against loopback peers"
	@echo "make bench [IMPL=solutions]              run the benchmarks (demo programs named *-bench)"
	@echo "make docs                                doxygen sites in $(BUILD)/docs/en and zh"
	@echo "make selftest                            the project's own checks"
	@echo "make clean                               remove $(BUILD)/"

all: tests-build demos

# ---- objects ---------------------------------------------------------------------------

$(OUT)/support/%.o: tests/support/%.c $(SUPPORT_HDR)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) -c $< -o $@

# Per-lesson rules, generated from one template.
define LESSON_RULES
$(OUT)/units/$(1).o: $(call unit_of,$(1)) lessons/$(1)/$(call name_of,$(1)).h
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(UNIT_CFLAGS) -Ilessons/$(1) -c $$< -o $$@ || { rm -f $$@ $(OUT)/tests/$(1); exit 1; }

$(OUT)/obj/$(1)/test.o: tests/$(1).c lessons/$(1)/$(call name_of,$(1)).h $(SUPPORT_HDR)
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(TEST_CFLAGS) -Ilessons/$(1) -c $$< -o $$@ || { rm -f $$@ $(OUT)/tests/$(1); exit 1; }

$(OUT)/obj/$(1)/runner.o: tests/support/runner.c $(SUPPORT_HDR)
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(TEST_CFLAGS) -DLAB_LESSON='"$(1)"' -DLAB_UNIT='"$(call unit_of,$(1))"' -c $$< -o $$@

$(OUT)/tests/$(1): $(OUT)/obj/$(1)/test.o $(OUT)/obj/$(1)/runner.o $(OUT)/units/$(1).o $(SUPPORT_OBJ) $(wildcard tests/$(1).wrap)
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(LDSAN) -o $$@ $(OUT)/obj/$(1)/test.o $(OUT)/obj/$(1)/runner.o $(OUT)/units/$(1).o \
	    $(SUPPORT_OBJ) $(call wraps_of,$(1)) $(CHECK_LIBS) -pthread
endef
$(foreach l,$(ALL_LESSONS),$(eval $(call LESSON_RULES,$(l))))

# ---- demos: each links every lesson of the implementation through one archive ----------

$(OUT)/liblabs.a: $(ALL_UNITS)
	$(Q)rm -f $@ && ar rcs $@ $^

DEMO_INCLUDES := -Ilessons $(addprefix -Ilessons/,$(ALL_LESSONS))
define DEMO_RULE
$(OUT)/bin/$(notdir $(basename $(2))): $(2) $(OUT)/liblabs.a
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(UNIT_CFLAGS) $(DEMO_INCLUDES) $(LDSAN) $$< $(OUT)/liblabs.a -pthread -o $$@
endef
$(foreach l,$(ALL_LESSONS),$(foreach d,$(call demos_of,$(l)),$(eval $(call DEMO_RULE,$(l),$(d)))))

demos: $(DEMO_BINS)
	@echo "demos in $(OUT)/bin/: $(notdir $(DEMO_BINS))"

# Benchmarks are demo programs named *-bench: they measure what the lessons claim.
BENCH_BINS := $(filter %-bench,$(DEMO_BINS))
bench: $(BENCH_BINS)
	@$(if $(BENCH_BINS),for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done,echo "no benchmarks yet")

# The demos' own test: runs the built programs against loopback peers.
$(OUT)/obj/demos/test.o: tests/demos.c $(SUPPORT_HDR)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) -DLAB_BIN_DIR='"$(OUT)/bin"' -c $< -o $@

$(OUT)/obj/demos/runner.o: tests/support/runner.c $(SUPPORT_HDR)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TEST_CFLAGS) -DLAB_LESSON='"demos"' -DLAB_UNIT='"$(OUT)/bin"' -c $< -o $@

$(OUT)/tests/demos: $(OUT)/obj/demos/test.o $(OUT)/obj/demos/runner.o $(SUPPORT_OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDSAN) -o $@ $^ $(CHECK_LIBS) -pthread

test-demos: $(OUT)/tests/demos
	@$(MAKE) --no-print-directory -j$(JOBS) -O demos IMPL=$(IMPL) SAN=$(SAN) >/dev/null
	@bash tests/support/grade.sh "$(OUT)" "$(IMPL)" demos

# ---- grading ---------------------------------------------------------------------------

tests-build: $(TEST_BINS)

# A lesson that does not compile scores 0; the others are still graded.
test grade:
	@mkdir -p $(OUT)
	@$(MAKE) --no-print-directory -k -j$(JOBS) -O tests-build IMPL=$(IMPL) LESSON="$(LESSON)" SAN=$(SAN) \
	    || echo "(some lessons did not build: they score 0, see the compiler messages above)"
	@bash tests/support/grade.sh "$(OUT)" "$(IMPL)" $(if $(filter grade,$@),--json) $(LESSONS)

# ---- mutants: each lesson's grader linked with one typical mistake (for make selftest) ----
# Built with IMPL=solutions: they reuse the reference build's test objects.

# A mutant is a patch to the lesson's reference solution (NAME.patch), or a
# whole file (NAME.c) for one that shares nothing with it, such as hang.c.
MUTANT_SRCS := $(sort $(wildcard tests/mutants/[0-9][0-9]-*/*.c tests/mutants/[0-9][0-9]-*/*.patch))
MUTANT_BINS := $(foreach m,$(MUTANT_SRCS),$(BUILD)/mutants/$(patsubst tests/mutants/%,%,$(basename $(m))))
solution_of = solutions/$(1)/$(call name_of,$(1)).c
define MUTANT_RULE
$(BUILD)/mutants/$(1)/$(2): $(3) $(if $(filter %.patch,$(3)),$(call solution_of,$(1))) $(OUT)/obj/$(1)/test.o $(OUT)/obj/$(1)/runner.o $(SUPPORT_OBJ) lessons/$(1)/$(call name_of,$(1)).h
	@mkdir -p $$(dir $$@)
	@rm -f $$@.c
	$(Q)$(if $(filter %.patch,$(3)),patch -s --fuzz=0 --no-backup-if-mismatch -o $$@.c $(call solution_of,$(1)) $(3),cp $(3) $$@.c)
	$(Q)$(CC) $(UNIT_CFLAGS) -Ilessons/$(1) -c $$@.c -o $$@.o
	$(Q)$(CC) $(LDSAN) -o $$@ $(OUT)/obj/$(1)/test.o $(OUT)/obj/$(1)/runner.o $$@.o $(SUPPORT_OBJ) \
	    $(call wraps_of,$(1)) $(CHECK_LIBS) -pthread
endef
$(foreach m,$(MUTANT_SRCS),$(eval $(call MUTANT_RULE,$(notdir $(patsubst %/,%,$(dir $(m)))),$(basename $(notdir $(m))),$(m))))

mutants: $(MUTANT_BINS)

# ---- docs, selftest, housekeeping -------------------------------------------------------

docs:
	@bash docs/build.sh $(BUILD)/docs

selftest:
	@bash tests/support/selftest.sh

format:
	clang-format -i $(wildcard lessons/*.h lessons/*/*.[ch] solutions/*/*.c tests/*.c tests/support/*.[ch] tests/mutants/*/*.c)

clean:
	rm -rf $(BUILD)
