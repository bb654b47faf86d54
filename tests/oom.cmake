# Guest out-of-memory behaviour (tests/oom.sh): ENOMEM up front, then the
# OOM killer with a buddyinfo report.
add_test(NAME oom COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/oom.sh)
set_tests_properties(oom PROPERTIES LABELS "guest;limits" ENVIRONMENT "${MMSIM_TEST_ENV}"
  TIMEOUT 300)
