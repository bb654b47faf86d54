# mmsim compare on any program and the bundled workloads, --json/--csv,
# --plot through gnuplot, matrix --csv (tests/experiments.sh).  Detailed
# timing of whole programs: in the plain configurations only, as
# tests/timing.cmake does for compare and matrix (the sanitizers gain
# nothing here over the unit tests of the histogram, tests/test_stats.c).
if(NOT MMSIM_SANITIZE)
  foreach(case program dram plot no-gnuplot workloads matrix-csv)
    add_test(NAME experiments.${case} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/experiments.sh ${case})
    set_tests_properties(experiments.${case} PROPERTIES
      LABELS "guest;timing" ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 900)
  endforeach()
endif()
