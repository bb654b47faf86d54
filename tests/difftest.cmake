# Differential tests against qemu-riscv64 (included by tests/CMakeLists.txt).
#
# tests/guest/manifest.txt lists the guest test cases (format at its top).
# For every case this adds a ctest
#   diff.NAME        (the program's only case), or
#   diff.NAME.K      (K-th case of a program listed on several lines)
# running tests/difftest.sh NAME K, which runs the program under
# qemu-riscv64 and under `mmsim run` and compares stdout and exit status.
# One more test, guest.corpus-under-qemu, runs every case under qemu alone
# (twice) and checks the manifest's exit status and deterministic output:
# it guards the corpus itself and passes without the simulator.
#
# Missing guest binaries, qemu-riscv64 or mmsim make these tests FAIL,
# not skip (see difftest.sh).
set(MMSIM_DIFF_MANIFEST ${CMAKE_CURRENT_LIST_DIR}/guest/manifest.txt)
set(MMSIM_DIFF_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/difftest.sh)
# Seconds for each of the two runs inside difftest.sh; the ctest timeout
# covers both runs plus slack.
set(MMSIM_DIFF_RUN_TIMEOUT 60)
math(EXPR MMSIM_DIFF_TEST_TIMEOUT "2 * ${MMSIM_DIFF_RUN_TIMEOUT} + 30")

find_program(MMSIM_BASH bash REQUIRED)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MMSIM_DIFF_MANIFEST})

if(NOT EXISTS ${MMSIM_DIFF_MANIFEST})
  message(WARNING "difftest: ${MMSIM_DIFF_MANIFEST} not found; no diff tests added")
  return()
endif()

# Only the NAME field is needed here.  Neutralise the characters that are
# special in CMake lists before splitting the file into lines.
file(READ ${MMSIM_DIFF_MANIFEST} mmsim_diff_text)
string(REPLACE ";" "," mmsim_diff_text "${mmsim_diff_text}")
string(REPLACE "[" "(" mmsim_diff_text "${mmsim_diff_text}")
string(REPLACE "]" ")" mmsim_diff_text "${mmsim_diff_text}")
string(REPLACE "\n" ";" mmsim_diff_lines "${mmsim_diff_text}")

set(mmsim_diff_names "")
foreach(line IN LISTS mmsim_diff_lines)
  if(line MATCHES "^[ \t]*(#|$)")
    continue()
  endif()
  if(NOT line MATCHES "^[ \t]*([A-Za-z0-9_.-]+)[ \t]*\\|")
    message(WARNING "difftest: cannot parse manifest line: ${line}")
    continue()
  endif()
  list(APPEND mmsim_diff_names ${CMAKE_MATCH_1})
endforeach()

# First pass: how many cases each program has.
foreach(name IN LISTS mmsim_diff_names)
  if(NOT DEFINED mmsim_diff_count_${name})
    set(mmsim_diff_count_${name} 0)
  endif()
  math(EXPR mmsim_diff_count_${name} "${mmsim_diff_count_${name}} + 1")
endforeach()

# Second pass: one test per case.
set(mmsim_diff_env ${MMSIM_TEST_ENV} MMSIM_DIFF_TIMEOUT=${MMSIM_DIFF_RUN_TIMEOUT})
if(MMSIM_SANITIZE)
  # Under the sanitizers the corpus runs functionally: the detailed timing
  # model (about 5x slower, 10x more with ASan) does not change what a guest
  # computes, the plain configurations check that it does not, and the
  # timing, threads and mmu tests still run it under the sanitizers.
  list(APPEND mmsim_diff_env MMSIM_DIFF_RUN_OPTS=--timing=off)
endif()
foreach(name IN LISTS mmsim_diff_names)
  if(NOT DEFINED mmsim_diff_k_${name})
    set(mmsim_diff_k_${name} 0)
  endif()
  math(EXPR mmsim_diff_k_${name} "${mmsim_diff_k_${name}} + 1")
  set(k ${mmsim_diff_k_${name}})
  if(mmsim_diff_count_${name} EQUAL 1)
    set(test_name diff.${name})
  else()
    set(test_name diff.${name}.${k})
  endif()
  add_test(NAME ${test_name} COMMAND ${MMSIM_BASH} ${MMSIM_DIFF_SCRIPT} ${name} ${k})
  set_tests_properties(${test_name} PROPERTIES
    LABELS "diff;guest"
    ENVIRONMENT "${mmsim_diff_env}"
    TIMEOUT ${MMSIM_DIFF_TEST_TIMEOUT})
endforeach()

add_test(NAME guest.corpus-under-qemu COMMAND ${MMSIM_BASH} ${MMSIM_DIFF_SCRIPT} --qemu-only)
set_tests_properties(guest.corpus-under-qemu PROPERTIES
  LABELS guest
  ENVIRONMENT "${mmsim_diff_env}"
  TIMEOUT 1200)
