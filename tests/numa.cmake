# The NUMA memory-policy syscalls (set_mempolicy, get_mempolicy, mbind,
# move_pages, migrate_pages): tests/numa.sh runs the self-checking guests
# tests/guest/numa_*.c on each bundled topology and on three special
# machines (see the script).  Not diff tests: qemu-riscv64 has no NUMA.
foreach(case numa-2s numa-4s-ring numa-4s-full numa-8s tiered-cxl uma-4 cpunode thp memoryless nomem xproc)
  add_test(NAME numa.${case} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/numa.sh ${case})
  set_tests_properties(numa.${case} PROPERTIES
    LABELS "guest;numa" ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 300)
endforeach()
