# Cross-build the Kiln runtime for armv7 Linux with Debian's arm-linux-gnueabihf toolchain
# (g++-arm-linux-gnueabihf; no LLVM, no Eigen):
#   cmake -S . -B build-cross-armv7 -G Ninja -DKILN_RUNTIME_ONLY=ON \
#     -DKILN_BUILD_TESTS=OFF -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-linux-gnueabihf.cmake
# The programs run on an x86-64 build machine under qemu-user (tests/cross).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
# ARMv7-A hard float, as the Debian armhf toolchain defaults to (Thumb-2
# code; Kiln artifacts are ARM state and interwork with it).
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm -L /usr/arm-linux-gnueabihf)
