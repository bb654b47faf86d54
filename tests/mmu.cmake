# Real page tables end to end: tests/mmu.sh runs corpus guests under Sv39
# and Sv48, with transparent huge pages, with page-table placement options,
# and twice for identical statistics (docs/MMU.md).
foreach(case sv48 thp placement determinism)
  add_test(NAME mmu.${case} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/mmu.sh ${case})
  set_tests_properties(mmu.${case} PROPERTIES
    LABELS "guest;mmu" ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 600)
endforeach()
