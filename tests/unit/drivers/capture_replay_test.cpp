#include "capture_replay.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

namespace {

void check_folder(std::string_view protocol, std::string_view extension) {
  const auto folder = std::filesystem::path(VIGIL_SOURCE_DIR) / "tests" / "captures" / std::string(protocol);
  const auto replays = vigil::test::replay_captures(protocol, folder, extension);
  REQUIRE_MESSAGE(!replays.empty(), "no captures for " << protocol << " in " << folder);
  for (const auto& r : replays) {
    INFO("capture " << r.capture.filename().string());
    CHECK_MESSAGE(!r.expected.empty(), "missing " << r.capture.stem().string() << ".expected");
    CHECK(r.actual == r.expected);
    CHECK_MESSAGE(r.chunking_agrees, "one-chunk and byte-by-byte feeds decode differently");
  }
}

}  // namespace

TEST_CASE("every Masimo capture replays to its expected readings, conditions and errors") {
  check_folder("masimo", ".txt");
}

TEST_CASE("every HL7/MLLP capture replays to its expected readings, errors and acknowledgements") {
  check_folder("hl7-mllp", ".bin");
}
