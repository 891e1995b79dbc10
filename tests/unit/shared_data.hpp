#pragma once
// Some tests replay PhysioNet recordings (MIT-BIH arrhythmia and AF
// databases). Their provenance rule keeps them out of this repository: they
// live beside it, in ../shared/data, and a clone on its own has no such
// folder. Those tests then say they were skipped, and why, and pass; every
// other test runs as usual. VIGIL_SHARED_DATA in the environment names
// another folder holding the recordings (or, set to a missing one, shows
// what a lone clone does).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace vigil::test {

inline std::string shared_data_dir() {
  if (const char* env = std::getenv("VIGIL_SHARED_DATA"); env && *env) return env;
  return VIGIL_SHARED_DATA;  // ../shared/data beside the source tree (tests/CMakeLists.txt)
}

// The folder of recordings, or nothing when there is none (the calling test
// says so and returns). A folder that is there but lacks a record is not a
// skip: the test fails, naming the file.
inline std::optional<std::string> shared_data() {
  const std::string dir = shared_data_dir();
  if (std::filesystem::is_directory(dir)) return dir;
  MESSAGE("SKIPPED: this test replays PhysioNet recordings from " << dir
                                                                  << ", which is not here (they are kept "
                                                                     "beside the repository, never in it)");
  return std::nullopt;
}

}  // namespace vigil::test
