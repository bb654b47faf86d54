# bench: a smoke run of bench/run (--quick, one run per row; tests/bench.sh):
# every row of the issue 9 table is there with valid figures.  Never a time
# bound.  Label "bench" only, and scripts/test (CI) excludes it: run it with
# `ctest -L bench`.  Not in a sanitizer build (its speed means nothing).
if(NOT MMSIM_SANITIZE)
  add_test(NAME bench COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/bench.sh)
  set_tests_properties(bench PROPERTIES LABELS bench ENVIRONMENT "${MMSIM_TEST_ENV}"
    TIMEOUT 600)
endif()
