# Install the library to a temporary prefix and build a harness against it.
# Not under sanitizers: the harness is built without them and could not link
# an instrumented static library (packaging is the same either way).
if(NOT MMSIM_SANITIZE)
  add_test(NAME install.harness
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(install.harness PROPERTIES LABELS install
                       ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 300)
endif()
