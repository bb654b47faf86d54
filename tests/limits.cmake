# Run limits and the --stats report (issue 10, "Limits and faults"), run by
# tests/limits.sh with the guests spin and thr_many of tests/guest/.
foreach(case max-insns max-time max-mem timeout max-threads max-files stats-full
        stats-unwritable stats-atomic)
  add_test(NAME limits.${case} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/limits.sh ${case})
  set_tests_properties(limits.${case} PROPERTIES
    LABELS "guest;limits" ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 120)
endforeach()
