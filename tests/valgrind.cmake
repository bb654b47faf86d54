# Valgrind memcheck on a subset (tests/valgrind.sh); not in a sanitizer
# build (ASan and valgrind do not mix).
if(NOT MMSIM_SANITIZE)
  add_test(NAME valgrind COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/valgrind.sh)
  set_tests_properties(valgrind PROPERTIES LABELS "valgrind" ENVIRONMENT "${MMSIM_TEST_ENV}"
    TIMEOUT 900)
endif()
