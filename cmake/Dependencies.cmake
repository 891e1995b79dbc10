# Every dependency is a Debian 12 package; a missing one stops configure with
# the package name to install (scripts/setup installs them all).
find_package(PkgConfig REQUIRED)

function(vigil_require found what package)
  if(NOT ${found})
    message(FATAL_ERROR "vigil needs ${what}: install the Debian package '${package}' "
                        "(apt-get install ${package}), or run scripts/setup.")
  endif()
endfunction()

find_package(Threads REQUIRED)

find_package(Boost 1.74 QUIET)
vigil_require(Boost_FOUND "Boost (Asio)" libboost-dev)

pkg_check_modules(LIBSERIALPORT QUIET IMPORTED_TARGET libserialport)
vigil_require(LIBSERIALPORT_FOUND "libserialport" libserialport-dev)

pkg_check_modules(LIBZMQ QUIET IMPORTED_TARGET libzmq)
vigil_require(LIBZMQ_FOUND "libzmq" libzmq3-dev)

find_path(CPPZMQ_INCLUDE_DIR zmq.hpp)
set(CPPZMQ_FOUND FALSE)
if(CPPZMQ_INCLUDE_DIR)
  set(CPPZMQ_FOUND TRUE)
endif()
vigil_require(CPPZMQ_FOUND "cppzmq (zmq.hpp)" cppzmq-dev)

find_package(Protobuf QUIET)
vigil_require(Protobuf_FOUND "Protocol Buffers (libprotobuf)" libprotobuf-dev)
# The programs link protobuf's static library (Debian's libprotobuf-dev has
# it): a program then maps only the part of the runtime it calls, not the
# whole shared library, 1.4 MB less resident in vigild at 128 beds
# (docs/journal.md, "Memory at 128 beds", fifth round). The shared library
# is the fallback where there is no static one.
find_library(VIGIL_PROTOBUF_STATIC NAMES libprotobuf.a)
if(VIGIL_PROTOBUF_STATIC)
  find_package(ZLIB REQUIRED)
  set(VIGIL_PROTOBUF_RUNTIME ${VIGIL_PROTOBUF_STATIC} ZLIB::ZLIB Threads::Threads)
else()
  set(VIGIL_PROTOBUF_RUNTIME ${Protobuf_LIBRARIES})
endif()
find_program(VIGIL_PROTOC protoc)
vigil_require(VIGIL_PROTOC "the protobuf compiler protoc" protobuf-compiler)

find_package(doctest QUIET)
vigil_require(doctest_FOUND "doctest" doctest-dev)

find_package(CLI11 QUIET)
vigil_require(CLI11_FOUND "CLI11" libcli11-dev)

find_package(OpenSSL QUIET)
vigil_require(OpenSSL_FOUND "OpenSSL (HL7 over TLS)" libssl-dev)

pkg_check_modules(LIBSODIUM QUIET IMPORTED_TARGET libsodium)
vigil_require(LIBSODIUM_FOUND "libsodium (the station's Argon2id password hashes)" libsodium-dev)

find_package(SQLite3 QUIET)
vigil_require(SQLite3_FOUND "SQLite3" libsqlite3-dev)

pkg_check_modules(LIBSYSTEMD QUIET IMPORTED_TARGET libsystemd)
vigil_require(LIBSYSTEMD_FOUND "libsystemd" libsystemd-dev)

add_library(vigil_zmq INTERFACE)
target_include_directories(vigil_zmq SYSTEM INTERFACE ${CPPZMQ_INCLUDE_DIR})
target_link_libraries(vigil_zmq INTERFACE PkgConfig::LIBZMQ)

find_package(spdlog QUIET)
vigil_require(spdlog_FOUND "spdlog" libspdlog-dev)
find_package(fmt QUIET)
vigil_require(fmt_FOUND "fmt" libfmt-dev)

# spdlog and fmt compiled into the programs, not linked as libspdlog and
# libfmt: a program carries the part it calls, and at 128 beds the two
# libraries' mapped pages were about 0.55 MB of vigild's RSS, of which it used
# a few dozen kB (docs/journal.md, "Memory at 128 beds", sixth round). Debian
# ships them only as shared libraries and headers, so their compiled half is
# built here once (spdlog_compiled.cpp) rather than in every file that logs.
add_library(vigil_spdlog STATIC ${CMAKE_CURRENT_LIST_DIR}/spdlog_compiled.cpp)
target_compile_definitions(vigil_spdlog PUBLIC SPDLOG_COMPILED_LIB SPDLOG_FMT_EXTERNAL)
target_include_directories(vigil_spdlog SYSTEM PUBLIC $<TARGET_PROPERTY:fmt::fmt-header-only,INTERFACE_INCLUDE_DIRECTORIES>)
target_link_libraries(vigil_spdlog PUBLIC Threads::Threads)
