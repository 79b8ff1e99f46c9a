# SymSettings.cmake: compiler flags, and the defaults read from Makefile.inc.

add_compile_definitions(_POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
add_compile_options(-Wall -Wextra -Wshadow -Wno-missing-field-initializers
    $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes>
    $<$<COMPILE_LANGUAGE:C>:-Wmissing-prototypes>)
# Asserts catch caller bugs; they stay on in every build type.
string(REPLACE "-DNDEBUG" "" CMAKE_C_FLAGS_RELEASE "${CMAKE_C_FLAGS_RELEASE}")
string(REPLACE "-DNDEBUG" "" CMAKE_C_FLAGS_RELWITHDEBINFO
    "${CMAKE_C_FLAGS_RELWITHDEBINFO}")

if(SYM_WERROR)
    add_compile_options(-Werror)
endif()
if(SYM_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()
# Fuzzing instruments everything; only the fuzz targets link libFuzzer.
if(SYM_FUZZ)
    if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "SYM_FUZZ needs clang: configure with CC=clang")
    endif()
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
        -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g)
    add_link_options(-fsanitize=address,undefined)
endif()

# Makefile.inc is the one place for ports and high-water marks; the C
# defaults are generated from it so the binaries and scripts agree.
file(STRINGS "${CMAKE_SOURCE_DIR}/Makefile.inc" sym_inc_lines
    REGEX "^[A-Z_]+ *= *[^ ]+")
foreach(line IN LISTS sym_inc_lines)
    string(REGEX MATCH "^([A-Z_]+) *= *(.*)$" _ "${line}")
    set(SYM_INC_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
endforeach()
add_compile_definitions(
    SYM_DEFAULT_SNDHWM=${SYM_INC_SNDHWM}
    SYM_DEFAULT_RCVHWM=${SYM_INC_RCVHWM}
    SYM_DEFAULT_LINGER_MS=${SYM_INC_LINGER_MS}
    SYM_DEFAULT_HEARTBEAT_IVL_MS=${SYM_INC_HEARTBEAT_IVL_MS}
    SYM_DEFAULT_HEARTBEAT_TIMEOUT_MS=${SYM_INC_HEARTBEAT_TIMEOUT_MS}
    SYM_VERSION="${PROJECT_VERSION}")
