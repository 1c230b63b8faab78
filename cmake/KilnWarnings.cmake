# Warnings as errors in CI (LLVM: "Treat Compiler Warnings Like Errors").
add_library(kiln_warnings INTERFACE)
target_compile_options(kiln_warnings INTERFACE -Wall -Wextra -Wswitch)
if(KILN_WERROR)
  target_compile_options(kiln_warnings INTERFACE -Werror)
endif()
# GCC 12 reports -Wrestrict inside libstdc++'s std::string at -O3 (a known
# false positive, GCC PR 105329); it fires on correct code, so it is off.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(kiln_warnings INTERFACE -Wno-restrict)
endif()
