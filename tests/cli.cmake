# The mmsim program's own commands (not guest programs).
add_test(NAME cli.commands COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/cli.sh)
set_tests_properties(cli.commands PROPERTIES LABELS cli ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 120)
