# Tests of the bundled guest workloads (examples/guest; included by
# tests/CMakeLists.txt).  tests/examples.sh runs each workload with small
# arguments and checks its exit status and the shape of its output:
#   examples.under-qemu    under qemu-riscv64 (functional oracle)
#   examples.under-mmsim   under `mmsim run -q`
#   examples.guest-header  <mmsim/guest.h> compiles (strict C17 too) with the
#                          cross compiler and stops a host compiler
# A missing guest binary, qemu-riscv64 or mmsim makes them FAIL, not skip.
find_program(MMSIM_BASH bash REQUIRED)
set(MMSIM_EXAMPLES_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/examples.sh)
set(MMSIM_EXAMPLES_RUN_TIMEOUT 120)
set(mmsim_examples_env ${MMSIM_TEST_ENV} MMSIM_EXAMPLES_TIMEOUT=${MMSIM_EXAMPLES_RUN_TIMEOUT})

foreach(runner qemu mmsim)
  add_test(NAME examples.under-${runner}
           COMMAND ${MMSIM_BASH} ${MMSIM_EXAMPLES_SCRIPT} ${runner})
  set_tests_properties(examples.under-${runner} PROPERTIES
    LABELS guest
    ENVIRONMENT "${mmsim_examples_env}"
    TIMEOUT 600)
endforeach()

add_test(NAME examples.guest-header COMMAND ${MMSIM_BASH} ${MMSIM_EXAMPLES_SCRIPT} header)
set_tests_properties(examples.guest-header PROPERTIES
  LABELS guest
  ENVIRONMENT "${mmsim_examples_env}"
  TIMEOUT 120)
