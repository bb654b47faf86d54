# The private mmsim syscall (ROI markers, in-simulator query): tests/roi.sh
# runs the guest roi_check (tests/guest; not a diff test, qemu says ENOSYS)
# under qemu-riscv64 and `mmsim run --stats`.
add_test(NAME roi COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/roi.sh)
set_tests_properties(roi PROPERTIES
  LABELS "guest" ENVIRONMENT "${MMSIM_TEST_ENV}" TIMEOUT 120)
