# KILN_FUZZ=ON: the libFuzzer build (scripts/fuzz.sh drives it). Only the
# fuzz targets and the libraries they exercise are built, none of which needs
# LLVM, so the build stays small enough for a CI slice.
#
# The libraries get coverage instrumentation without libFuzzer's main()
# (fuzzer-no-link); only the targets link libFuzzer. ASan+UBSan everywhere,
# and a UBSan finding aborts so that libFuzzer reports it as a crash. vptr
# checks are off as in KilnSanitizers.cmake: the libraries have no RTTI.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "KILN_FUZZ needs clang (CC=clang-19 CXX=clang++-19)")
endif()
if(KILN_SANITIZE)
  message(FATAL_ERROR "KILN_FUZZ sets its own sanitizers; leave KILN_SANITIZE empty")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                    -fno-sanitize-recover=all -fno-sanitize=vptr
                    -fno-omit-frame-pointer -g)

add_subdirectory(format)
add_subdirectory(runtime)
# The runtime keeps frame pointers in a few functions with GCC's
# [[gnu::optimize("no-omit-frame-pointer")]] (runtime/src/interrupt.h),
# which clang does not know and ignores; here every function keeps its
# frame pointer anyway (-fno-omit-frame-pointer above), so the warning says
# nothing about this build.
target_compile_options(kiln_runtime PRIVATE -Wno-unknown-attributes)
# kiln_wasm only: compiler/CMakeLists.txt stops before LLVM under KILN_FUZZ.
add_subdirectory(compiler)
add_subdirectory(agent) # fuzz_app: manifests and bundles
add_subdirectory(tests/fuzz)
