# Warnings as an INTERFACE target linked PRIVATE by every xasforge target.
add_library(xasforge_warnings INTERFACE)
add_library(xasforge::warnings ALIAS xasforge_warnings)
target_compile_options(xasforge_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                            -Wcast-align -Woverloaded-virtual -Wno-unused-parameter>)
option(XASFORGE_WERROR "Treat warnings as errors (CI)" OFF)
if(XASFORGE_WERROR)
  target_compile_options(xasforge_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()

# Sanitize: ASan + UBSan, used by `scripts/test.sh --sanitize`.
set(CMAKE_CXX_FLAGS_SANITIZE "-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    CACHE STRING "Flags for the Sanitize build type" FORCE)
set(CMAKE_C_FLAGS_SANITIZE "${CMAKE_CXX_FLAGS_SANITIZE}" CACHE STRING "" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_SANITIZE "-fsanitize=address,undefined" CACHE STRING "" FORCE)
set(CMAKE_SHARED_LINKER_FLAGS_SANITIZE "-fsanitize=address,undefined" CACHE STRING "" FORCE)
