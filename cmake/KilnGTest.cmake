# GoogleTest for the tests: the build machine's installed package, or, when
# cross-compiling (tests that run on the target under qemu-user), built from
# Debian's sources in /usr/src/googletest with the cross compiler, since the
# installed libgtest is an x86-64 library. Either way the targets are
# GTest::gtest and GTest::gtest_main. Included once per build.
include_guard(GLOBAL)

if(NOT CMAKE_CROSSCOMPILING)
  find_package(GTest REQUIRED)
  return()
endif()

set(KILN_GTEST_SOURCE_DIR /usr/src/googletest CACHE PATH
    "GoogleTest sources built with the cross compiler")
if(NOT EXISTS ${KILN_GTEST_SOURCE_DIR}/CMakeLists.txt)
  message(FATAL_ERROR "cross-compiled tests need GoogleTest's sources in "
          "${KILN_GTEST_SOURCE_DIR} (Debian: libgtest-dev / googletest)")
endif()
set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
# EXCLUDE_FROM_ALL: only what a test binary links is built.
add_subdirectory(${KILN_GTEST_SOURCE_DIR} ${CMAKE_BINARY_DIR}/googletest
                 EXCLUDE_FROM_ALL)
# Third-party code, not held to Kiln's warnings: GCC 12 reports a false
# -Wrestrict inside libstdc++ for gtest.cc (PR 105329, as KilnWarnings notes).
target_compile_options(gtest PRIVATE -w)
target_compile_options(gtest_main PRIVATE -w)
# (GoogleTest 1.11+ defines the GTest:: aliases itself.)
if(NOT TARGET GTest::gtest)
  add_library(GTest::gtest ALIAS gtest)
  add_library(GTest::gtest_main ALIAS gtest_main)
endif()
