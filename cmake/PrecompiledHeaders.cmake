# Precompiled headers for the unit test suites: the standard library and the
# heavy outside headers (doctest, Boost.Asio, spdlog and fmt, the protobuf
# code generated from proto/) are parsed once per kind of suite instead of
# once per file. A test file is compiled at -O0 (tests/CMakeLists.txt), so
# parsing is most of its compile time (two thirds of
# tests/unit/daemon/command_dispatch_test.cpp's, GCC's -ftime-report). None
# of our own headers is in them, so editing one rebuilds no more than
# before (editing a .proto did already rebuild nearly everything).
#
# Libraries and programs (-O2) keep parsing their headers: they gain less,
# and GCC 12's -Warray-bounds, which depends on what it inlines, reported a
# false positive in std::string's concatenation in drivers/cms50/ with them.
#
# A precompiled header is only usable by a compile with the same options and
# macros (GCC ignores one that differs, and -Winvalid-pch with -Werror makes
# that an error; clang refuses it), so each kind gets its own, built by a
# host target of that kind and reused by every suite of it. The kind follows
# what a suite links: whether Boost (its BOOST_ALL_NO_LIB), spdlog (its
# SPDLOG_* and FMT_SHARED) and vigil_proto reach its compile line; a suite is
# only given the headers of what it links. A file that forgets a standard
# #include still compiles here: -DVIGIL_PCH=OFF builds without them.
# vigil_precompile_headers() runs once, after every target is defined.
#
# Off by default under a compiler launcher: ccache does not cache a compile
# that uses a precompiled header (without settings of its own), and for the
# rebuilds it serves a cache beats a precompiled header. A clean build with
# no cache, as CI's, is what this is for.
# (cmake/UnityBuild.cmake asks the same.)
if(CMAKE_CXX_COMPILER_LAUNCHER OR NOT "$ENV{CMAKE_CXX_COMPILER_LAUNCHER}" STREQUAL "")
  set(vigil_under_launcher ON)
  set(vigil_pch_default OFF)
else()
  set(vigil_under_launcher OFF)
  set(vigil_pch_default ON)
endif()
option(VIGIL_PCH "Precompile the standard and outside headers (faster clean builds)" ${vigil_pch_default})

set(VIGIL_PCH_every_suite <doctest/doctest.h>
    <algorithm> <array> <atomic> <charconv> <chrono> <cmath> <cstddef> <cstdint> <cstdio> <cstdlib> <cstring>
    <deque> <filesystem> <fstream> <functional> <map> <memory> <mutex> <optional> <random> <set>
    <span> <sstream> <stdexcept> <string> <string_view> <thread> <utility> <variant> <vector>)
set(VIGIL_PCH_boost <boost/asio/io_context.hpp> <boost/asio/post.hpp> <boost/asio/steady_timer.hpp>)
set(VIGIL_PCH_spdlog <spdlog/spdlog.h>)
set(VIGIL_PCH_proto <vigil/v1/bus.pb.h> <vigil/v1/command.pb.h> <vigil/v1/config.pb.h>)

# The targets a target's compile line takes usage requirements from: what it
# links, and what those pass on (not their private $<LINK_ONLY:> links).
# With LINKED, every target whose code ends up linked in, the private links
# of static libraries too (fuzz/CMakeLists.txt).
function(vigil_compile_closure target out)
  cmake_parse_arguments(PARSE_ARGV 2 arg "LINKED" "" "")
  set(seen)
  get_target_property(queue ${target} LINK_LIBRARIES)
  while(queue)
    list(POP_FRONT queue dep)
    if(NOT TARGET ${dep} OR dep IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${dep})
    get_target_property(passed ${dep} INTERFACE_LINK_LIBRARIES)
    if(passed)
      if(arg_LINKED)
        list(TRANSFORM passed REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1")
      else()
        list(FILTER passed EXCLUDE REGEX "^\\$<LINK_ONLY:")
      endif()
      list(APPEND queue ${passed})
    endif()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# vigil_pch_host(KIND PARTS...): the target that builds KIND's header, made
# like the suites that reuse it (same links and test options, so the same
# macros and flags).
function(vigil_pch_host kind)
  set(host vigil_pch_${kind})
  if(TARGET ${host})
    return()
  endif()
  set(headers ${VIGIL_PCH_every_suite})
  set(links vigil_warnings doctest::doctest)
  foreach(part ${ARGN})
    list(APPEND headers ${VIGIL_PCH_${part}})
  endforeach()
  if(boost IN_LIST ARGN)
    list(APPEND links Boost::boost)
  endif()
  if(spdlog IN_LIST ARGN)
    list(APPEND links vigil_spdlog)
  endif()
  if(proto IN_LIST ARGN)
    list(APPEND links vigil_proto)
  endif()
  # A target needs a source of its own besides the header it precompiles.
  set(source ${PROJECT_BINARY_DIR}/vigil_pch_host.cpp)
  file(CONFIGURE OUTPUT ${source} CONTENT "// The precompiled headers' hosts compile only them (cmake/PrecompiledHeaders.cmake).\n")
  add_library(${host} OBJECT ${source})
  target_link_libraries(${host} PRIVATE ${links})
  vigil_test_options(${host})
  target_precompile_headers(${host} PRIVATE ${headers})
endfunction()

# Every target in DIR and the folders below it.
function(vigil_targets_below dir out)
  get_property(found DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    vigil_targets_below(${sub} below)
    list(APPEND found ${below})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

# Gives each unit test suite the precompiled header of its kind.
function(vigil_precompile_headers)
  if(NOT VIGIL_PCH)
    return()
  endif()
  vigil_targets_below(${PROJECT_SOURCE_DIR} targets)
  foreach(target ${targets})
    get_target_property(is_test ${target} VIGIL_TEST_SUITE)
    if(NOT is_test)
      continue()
    endif()
    vigil_compile_closure(${target} deps)
    set(parts)
    if(Boost::boost IN_LIST deps)
      list(APPEND parts boost)
    endif()
    if(vigil_spdlog IN_LIST deps)
      list(APPEND parts spdlog)
    endif()
    if(vigil_proto IN_LIST deps)
      list(APPEND parts proto)
    endif()
    string(JOIN _ kind ${parts} test)
    vigil_pch_host(${kind} ${parts})
    set_target_properties(${target} PROPERTIES PRECOMPILE_HEADERS_REUSE_FROM vigil_pch_${kind})
  endforeach()
endfunction()
