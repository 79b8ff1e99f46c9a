# SymDeps.cmake: every external library, found once through pkg-config.

find_package(PkgConfig REQUIRED)
pkg_check_modules(ZMQ REQUIRED IMPORTED_TARGET libzmq)
pkg_check_modules(CZMQ REQUIRED IMPORTED_TARGET libczmq)
pkg_check_modules(SQLITE REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
find_package(Threads REQUIRED)
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
# The derive step of symphony-transform embeds Lua 5.4.
pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
# Doubles as text, fast and exact (sym_real.h).
pkg_check_modules(DCONV REQUIRED IMPORTED_TARGET double-conversion)

# msgpack-c 6 renamed its module from msgpack to msgpack-c.
pkg_check_modules(MSGPACK IMPORTED_TARGET msgpack-c)
if(NOT MSGPACK_FOUND)
    pkg_check_modules(MSGPACK REQUIRED IMPORTED_TARGET msgpack)
endif()

# libcsv ships no pkg-config file.
find_path(CSV_INCLUDE_DIR csv.h REQUIRED)
find_library(CSV_LIBRARY csv REQUIRED)
add_library(sym_csv INTERFACE)
target_include_directories(sym_csv INTERFACE ${CSV_INCLUDE_DIR})
target_link_libraries(sym_csv INTERFACE ${CSV_LIBRARY})

# Libraries a node opens only when an option needs them (sym_dl.h): the
# metrics port and the PostgreSQL output. Their sonames are fixed by the
# Debian packages the .deb depends on.
set(SYM_MHD_SONAME libmicrohttpd.so.12)
set(SYM_PQ_SONAME libpq.so.5)
