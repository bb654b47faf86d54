# Threads, scheduling, affinity and several processes (issue 6), run by
# tests/threads.sh with the guests of tests/guest/ (thr_*).  The guest
# deadlock is here rather than in the diff tests: qemu-riscv64 would hang.
foreach(case deadlock determinism affinity processes firsttouch)
  add_test(NAME threads.${case} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/threads.sh ${case})
  set_tests_properties(threads.${case} PROPERTIES
    LABELS "guest;threads" ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 300)
endforeach()
