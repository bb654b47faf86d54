# Guest programs are RISC-V Linux executables, built with Debian's cross
# compiler in a separate CMake sub-build (the toolchain differs from the
# host's).  Outputs: ${MMSIM_GUEST_BIN}/tests/NAME and .../examples/NAME.
set(MMSIM_GUEST_BIN ${CMAKE_BINARY_DIR}/guest)
find_program(MMSIM_RISCV_CC riscv64-linux-gnu-gcc)
if(MMSIM_BUILD_GUESTS AND MMSIM_RISCV_CC)
  include(ExternalProject)
  ExternalProject_Add(guests
    SOURCE_DIR ${CMAKE_SOURCE_DIR}/cmake/guest-project
    BINARY_DIR ${CMAKE_BINARY_DIR}/guest-build
    CMAKE_ARGS
      -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/riscv64-linux-gnu.cmake
      -DCMAKE_BUILD_TYPE=Release
      -DMMSIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}
      -DMMSIM_GUEST_OUT=${MMSIM_GUEST_BIN}
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    USES_TERMINAL_BUILD ON)
else()
  # Never silently skip: the guest tests look for the binaries and fail
  # with this explanation when they are missing.
  message(WARNING "riscv64-linux-gnu-gcc not found (or MMSIM_BUILD_GUESTS=OFF): "
                  "guest programs are not built and every test that needs one "
                  "will FAIL.  Run scripts/setup as root to install the cross compiler.")
endif()
