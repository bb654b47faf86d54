# fuzz.short: each libFuzzer target of tests/fuzz/ for 12 s (see
# docs/RELIABILITY.md).  tests/fuzz/run.sh builds its own instrumented
# binaries with clang (-fsanitize=fuzzer,address,undefined), so the test is
# the same in every configuration and is not added to a MMSIM_SANITIZE
# build, whose suite is already running under the sanitizers.
if(NOT MMSIM_SANITIZE)
  find_program(MMSIM_FUZZ_CLANG NAMES clang clang-14)
  if(MMSIM_FUZZ_CLANG)
    add_test(NAME fuzz.short COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run.sh 12)
    set_tests_properties(fuzz.short PROPERTIES LABELS fuzz TIMEOUT 600
      ENVIRONMENT "${MMSIM_TEST_ENV};CC=${MMSIM_FUZZ_CLANG}")
  else()
    # Never a silent skip: without clang the fuzz test fails and says why.
    add_test(NAME fuzz.short COMMAND sh -c
      "echo 'fuzz.short: clang not found; run scripts/setup (installs clang and libclang-rt-14-dev)' >&2; exit 1")
    set_tests_properties(fuzz.short PROPERTIES LABELS fuzz)
  endif()
endif()
