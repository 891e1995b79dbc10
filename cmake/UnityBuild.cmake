# Unity builds: a target's sources are compiled a batch at a time, one
# compiler run per batch (CMake's UNITY_BUILD), so the headers they share
# (ours, the standard library's, Boost.Asio, spdlog, the generated protobuf
# headers) are parsed, and their inline functions and templates generated,
# once per batch instead of once per file. CI builds both flavours from a
# clean clone on two cores, and the builds are most of its time
# (docs/architecture.md has the numbers).
#
#   ALL    every library, program and suite of ours: the default of both
#          flavours without a compiler launcher. The release tests therefore
#          test the batched code, which is also what the .deb ships (it is
#          built by this flavour), and the ASan+UBSan tests and fuzz runs
#          exercise the batched code as well. What a batch can change: a
#          call could pick another file's file-local overload, which a
#          file compiled alone would not see (a name defined twice fails to
#          compile instead, hence the list below), and GCC's
#          inlining-dependent warnings (-Warray-bounds) see more at once.
#          The tests run on exactly what is built and shipped, so such a
#          change would be tested, not only compiled.
#   TESTS  the unit test suites only (libraries and programs file by file).
#   OFF    the default under a compiler launcher, like the precompiled
#          headers: editing one file would recompile its whole batch, and
#          ccache already makes rebuilds cheap. A name that clashes inside a
#          batch therefore shows first in CI; -DVIGIL_UNITY=ALL (or TESTS)
#          builds as CI does.
#
# Generated protobuf code is never batched: it is not ours, and protoc gives
# every .pb.cc the same file-local names.
if(vigil_under_launcher) # (cmake/PrecompiledHeaders.cmake)
  set(vigil_unity_default OFF)
else()
  set(vigil_unity_default ALL)
endif()
set(VIGIL_UNITY ${vigil_unity_default} CACHE STRING "Compile sources in batches: OFF, TESTS (the unit suites) or ALL")
set_property(CACHE VIGIL_UNITY PROPERTY STRINGS OFF TESTS ALL)
if(NOT VIGIL_UNITY MATCHES "^(OFF|TESTS|ALL)$")
  message(FATAL_ERROR "VIGIL_UNITY is '${VIGIL_UNITY}': OFF, TESTS or ALL")
endif()

# Files compiled on their own: each uses a name that another file of its
# target defines at file scope (in an anonymous namespace, as a static or an
# alias) for something else, which one batch cannot hold or, as -Wshadow and
# -Wunused-function say, holds with another meaning. Renaming such a helper
# after what it does (`kStart` -> `kEcgStart`) takes its file off the list.
set(VIGIL_UNITY_APART
  alerts/rr_af_detector.cpp
  hl7out/hl7_outbound.cpp
  hl7out/pcd04_encoder.cpp
  tests/unit/alerts/qrs_shape_classifier_test.cpp
  tests/unit/alerts/rhythm_analyzer_test.cpp
  tests/unit/alerts/rr_af_incremental_test.cpp
  tests/unit/hl7out/outbox_writer_test.cpp
  tests/unit/hl7out/pcd01_encoder_test.cpp
  tests/unit/hl7out/pcd04_encoder_test.cpp
  tests/unit/sim/flutter_rhythm_test.cpp
)

# Hot decoders, compiled on their own too: in a batch GCC inlines less into
# them (its growth budget is per translation unit, and a batch's is spent
# on all its files), and the batched code was slower. On one machine
# (2026-12-06, vigil-bench-core --stage decode, readings per CPU-second):
# Masimo 20.3 M file by file against 12.6 M batched, HL7 4.26 M against
# 3.20 M; the other codecs within 6 % either way.
list(APPEND VIGIL_UNITY_APART
  drivers/masimo/masimo_codec.cpp
  drivers/hl7/hl7_message.cpp
  drivers/hl7/hl7_oru_r01.cpp
  drivers/hl7/mllp_framing.cpp
)

# Sets UNITY_BUILD on the targets VIGIL_UNITY names; runs once, after every
# target is defined.
function(vigil_unity_build)
  if(VIGIL_UNITY STREQUAL "OFF")
    return()
  endif()
  vigil_targets_below(${PROJECT_SOURCE_DIR} targets)
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY)$" OR target STREQUAL "vigil_proto")
      continue()
    endif()
    get_target_property(is_test ${target} VIGIL_TEST_SUITE)
    if(VIGIL_UNITY STREQUAL "TESTS" AND NOT is_test)
      continue()
    endif()
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON)
    get_target_property(sources ${target} SOURCES)
    get_target_property(dir ${target} SOURCE_DIR)
    foreach(source ${sources})
      if(source MATCHES "^\\$<") # $<TARGET_OBJECTS:...>
        continue()
      endif()
      cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${dir})
      file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${source})
      if(relative IN_LIST VIGIL_UNITY_APART)
        set_source_files_properties(${source} TARGET_DIRECTORY ${target} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
      endif()
    endforeach()
  endforeach()
endfunction()
