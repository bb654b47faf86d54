# The example harnesses (examples/harness) built against an installed
# libmmsim and run, their tables checked (tests/harness.sh).  Not under
# sanitizers: like install.harness, the harnesses link the installed,
# uninstrumented library.
if(NOT MMSIM_SANITIZE)
  add_test(NAME examples.harness
           COMMAND ${MMSIM_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/harness.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(examples.harness PROPERTIES LABELS "install;guest"
                       ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 300)
endif()
