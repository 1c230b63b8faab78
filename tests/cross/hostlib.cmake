# The hostlib tests on the cross targets (label `cross`), included from
# tests/cross/CMakeLists.txt. For each target:
#   cross.<arch>.hostlib.build    fixture: kiln-hostlib-tests cross-built
#                                 (runtime-only + KILN_WITH_HOSTLIB, GoogleTest
#                                 from source, no LLVM) in
#                                 build/cross/hostlib-<arch>/
#   cross.<arch>.hostlib.prepare  fixture: this build's hostlib_guest.wasm
#                                 compiled by `kiln compile --target T` in each
#                                 memory mode the target has
#   cross.<arch>.hostlib          the gtest binary under qemu-user, given those
#                                 artifacts; a mode the target lacks is passed
#                                 as --no-guest-<mode>=REASON, so its tests are
#                                 skipped, printed and counted by gtest.
# riscv64-v reuses riscv64's binary with the guest compiled for +v
# (cross.riscv64-v.hostlib.prepare, cross.riscv64-v.hostlib).
set(HOSTLIB_GUEST_WASM ${CMAKE_BINARY_DIR}/tests/hostlib/hostlib_guest.wasm)

# kiln_cross_hostlib(NAME ARCH GNU_TRIPLE KILN_TARGET MODES m...
#                    [NO_GUARD reason] [FEATURES f] QEMU command...)
# NAME is the architecture, or a variant of it (riscv64-v) that runs the same
# test binary with the guest compiled for other CPU features.
function(kiln_cross_hostlib name arch gnu target)
  cmake_parse_arguments(X "" "NO_GUARD;FEATURES" "MODES;QEMU" ${ARGN})
  if(X_UNPARSED_ARGUMENTS) # (a ';' in the reason splits it: use ',')
    message(FATAL_ERROR "kiln_cross_hostlib(${name}): stray arguments ${X_UNPARSED_ARGUMENTS}")
  endif()
  set(dir ${CROSS_DIR}/hostlib-${arch})
  set(guest ${CROSS_DIR}/hostlib-guest-${name})
  if(NOT TEST cross.${arch}.hostlib.build)
    add_test(NAME cross.${arch}.hostlib.build
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/build_hostlib.sh ${CMAKE_SOURCE_DIR}
              ${dir} ${CMAKE_SOURCE_DIR}/cmake/toolchains/${gnu}.cmake 2)
    set_tests_properties(cross.${arch}.hostlib.build PROPERTIES
      FIXTURES_SETUP cross_hostlib_build_${arch} LABELS cross PROCESSORS 2
      TIMEOUT 1200)
  endif()

  set(opts)
  if(X_FEATURES)
    set(opts -- --features ${X_FEATURES})
  endif()
  add_test(NAME cross.${name}.hostlib.prepare
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/hostlib_prepare.sh $<TARGET_FILE:kiln>
            ${HOSTLIB_GUEST_WASM} ${guest} ${target} ${X_MODES} ${opts})
  set_tests_properties(cross.${name}.hostlib.prepare PROPERTIES
    FIXTURES_SETUP cross_hostlib_guest_${name} LABELS cross)

  set(args)
  foreach(mode guard bounds)
    if(mode IN_LIST X_MODES)
      list(APPEND args --guest-${mode}=${guest}/hostlib_guest.${mode}.kiln)
    elseif(mode STREQUAL "guard" AND X_NO_GUARD)
      list(APPEND args "--no-guest-guard=${X_NO_GUARD}")
    else()
      message(FATAL_ERROR "kiln_cross_hostlib(${name}): no ${mode} mode and no reason")
    endif()
  endforeach()
  add_test(NAME cross.${name}.hostlib
    COMMAND ${X_QEMU} -L /usr/${gnu} ${dir}/bin/kiln-hostlib-tests ${args})
  set_tests_properties(cross.${name}.hostlib PROPERTIES
    FIXTURES_REQUIRED "cross_hostlib_build_${arch};cross_hostlib_guest_${name}"
    LABELS cross TIMEOUT 600)
endfunction()

if(NOT TARGET hostlib_guest_kiln)
  message(STATUS "Kiln: no hostlib test guest in this build; cross hostlib tests not registered")
  return()
endif()
if(KILN_QEMU_AARCH64 AND KILN_CXX_aarch64-linux-gnu)
  kiln_cross_hostlib(aarch64 aarch64 aarch64-linux-gnu aarch64-linux-gnu
    MODES guard bounds QEMU ${KILN_QEMU_AARCH64} -cpu cortex-a53)
endif()
if(KILN_QEMU_RISCV64 AND KILN_CXX_riscv64-linux-gnu)
  kiln_cross_hostlib(riscv64 riscv64 riscv64-linux-gnu riscv64-linux-gnu
    MODES guard bounds QEMU ${KILN_QEMU_RISCV64})
  # The guest compiled with +v (RVV, VLEN 128), as cross.riscv64-v.spec.
  kiln_cross_hostlib(riscv64-v riscv64 riscv64-linux-gnu riscv64-linux-gnu
    MODES guard bounds FEATURES +v
    QEMU ${KILN_QEMU_RISCV64} -cpu rv64,v=true,vlen=128)
endif()
if(KILN_QEMU_ARM AND KILN_CXX_arm-linux-gnueabihf)
  # As `kiln compile --target armv7-linux-gnueabihf --guard-pages` says.
  kiln_cross_hostlib(armv7 armv7 arm-linux-gnueabihf armv7-linux-gnueabihf
    MODES bounds
    NO_GUARD "guard-page memory needs a 64-bit target, armv7 is bounds-checked only"
    QEMU ${KILN_QEMU_ARM} -cpu cortex-a7)
endif()
