# Traffic generators through the CLI (tests/traffic.sh): the configured DRAM
# latencies from a pointer chase, bus saturation and rate limiting, contention
# with a program, page placement, trace replay (also from a topology file),
# determinism, errors, intervals and durations beyond 2^32 cycles (long).
# Every case runs in seconds; chase and bandwidth simulate some 10^5 misses
# with detailed timing, long two million functional accesses: not under the
# sanitizers (the other cases cover the same paths there).
set(mmsim_traffic_cases contention placement trace determinism errors)
if(NOT MMSIM_SANITIZE)
  list(APPEND mmsim_traffic_cases chase bandwidth long)
endif()
foreach(case IN LISTS mmsim_traffic_cases)
  add_test(NAME traffic.${case} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/traffic.sh ${case})
  set_tests_properties(traffic.${case} PROPERTIES
    LABELS "guest;timing" ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 300)
endforeach()
