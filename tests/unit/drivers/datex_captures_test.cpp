#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "capture_replay.hpp"

TEST_CASE("every Datex capture replays to its expected readings, conditions and errors") {
  const auto folder = std::filesystem::path(VIGIL_SOURCE_DIR) / "tests" / "captures" / "datex";
  const auto replays = vigil::test::replay_captures("datex", folder, ".bin");
  REQUIRE_MESSAGE(!replays.empty(), "no captures in " << folder);
  for (const auto& r : replays) {
    INFO("capture " << r.capture.filename().string());
    CHECK_MESSAGE(!r.expected.empty(), "missing " << r.capture.stem().string() << ".expected");
    CHECK(r.actual == r.expected);
    CHECK_MESSAGE(r.chunking_agrees, "one-chunk and byte-by-byte feeds decode differently");
  }
}
