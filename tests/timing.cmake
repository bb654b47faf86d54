# The timing model against its own configuration (tests/timing.sh): memory
# latency plateaus, bus and NUMA bandwidth, coherence ping-pong,
# determinism.  The latency cases simulate some 10^7 misses: label "slow".
set(mmsim_timing_cases latency-numa latency-uma bandwidth-uma bandwidth-numa pingpong determinism
    modes)
# compare and matrix run a dozen whole workloads: in the plain configurations
# only (the sanitizers gain nothing over the cases above, at ten times the cost).
if(NOT MMSIM_SANITIZE)
  list(APPEND mmsim_timing_cases compare matrix)
endif()
foreach(case IN LISTS mmsim_timing_cases)
  add_test(NAME timing.${case} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/timing.sh ${case})
  set_tests_properties(timing.${case} PROPERTIES
    LABELS "guest;timing" ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 900)
endforeach()
set_tests_properties(timing.latency-numa timing.latency-uma PROPERTIES LABELS "guest;timing;slow")
