# lint: clang-tidy and cppcheck over the sources, against the checked-in
# baseline (scripts/lint, docs/RELIABILITY.md "Static analysis").  It takes
# each file's flags from this build's compile_commands.json (scripts/lint
# adds MMSIM_CHECKS and drops -Werror, so every configuration gives the
# same findings).  Without the tools the test fails and says how to get them,
# never a silent skip.  Not in a MMSIM_SANITIZE build: the findings do not
# depend on the sanitizers, and the plain configurations run it already.
if(NOT MMSIM_SANITIZE)
  add_test(NAME lint COMMAND ${CMAKE_SOURCE_DIR}/scripts/lint ${CMAKE_BINARY_DIR})
  # About 170 s of CPU (clang-tidy's analyzer, most of it): some 90 s on an
  # idle 2-core machine, 194 s measured on one shared with other builds; 2
  # processes at a time, as the test presets run ctest -j2.
  set_tests_properties(lint PROPERTIES LABELS lint TIMEOUT 600
    ENVIRONMENT "MMSIM_LINT_JOBS=2")
endif()
