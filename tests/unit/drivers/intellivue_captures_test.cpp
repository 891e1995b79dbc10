#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "capture_replay.hpp"

TEST_CASE("every IntelliVue capture replays to its expected readings, conditions, errors and answers") {
  const auto folder = std::filesystem::path(VIGIL_SOURCE_DIR) / "tests" / "captures" / "intellivue";
  const auto replays = vigil::test::replay_captures("intellivue", folder, ".bin");
  REQUIRE_MESSAGE(!replays.empty(), "no captures in " << folder);
  for (const auto& r : replays) {
    INFO("capture " << r.capture.filename().string());
    CHECK_MESSAGE(!r.expected.empty(), "missing " << r.capture.stem().string() << ".expected");
    CHECK(r.actual == r.expected);
    CHECK_MESSAGE(r.chunking_agrees, "one-chunk and byte-by-byte feeds decode differently");
  }
}
