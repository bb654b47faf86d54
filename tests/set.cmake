# `--set PATH=VALUE` topology overrides on the command line (docs/CLI.md):
# tests/set.sh checks their effect and their error messages.
add_test(NAME cli.set COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/set.sh)
set_tests_properties(cli.set PROPERTIES
  LABELS "guest" ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 120)
