// Protocol conformance: every row of the protocol registry
// (drivers/protocol_table.cpp) must come with the parts that make a protocol
// safe to ship and easy to carry on: its folder under drivers/, a simulated
// device in vigil-sim, golden captures, a fuzz target with a seed corpus and
// a docs page, and a row in the README's table of devices and in
// docs/fuzzing.md. A protocol added without one of them fails here by name,
// instead of being found missing by the next person who needs it. The golden
// captures are also replayed through the row's own session: each must decode
// to the readings its .expected file lists (metric and quality, in order),
// and the protocol's captures together to at least one reading.
// Every row names its simulated device's factory (drivers/<family>/
// <family>_sim_device.cpp), which vigil-sim plays without naming a protocol.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/observation.hpp"
#include "drivers/device_session.hpp"
#include "drivers/simulated_device.hpp"

using namespace vigil;
namespace fs = std::filesystem;

namespace {

const fs::path kRoot{VIGIL_SOURCE_DIR};

bool has_file_with_extension(const fs::path& dir, const std::string& ext) {
  if (!fs::is_directory(dir)) return false;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ext) return true;
  return false;
}

bool non_empty_dir(const fs::path& dir) {
  return fs::is_directory(dir) && fs::directory_iterator(dir) != fs::directory_iterator{};
}

// The golden captures: at least one recorded input with what vigil must make
// of it (NAME.expected beside NAME.bin or NAME.txt).
bool has_golden_capture(const fs::path& dir) {
  if (!fs::is_directory(dir)) return false;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".expected") continue;
    auto input = e.path();
    for (const char* ext : {".bin", ".txt"})
      if (fs::exists(input.replace_extension(ext))) return true;
  }
  return false;
}

// fuzz/<family>*_fuzz.cpp, each with a non-empty fuzz/corpus/<target>/.
// Returns the targets found; a target without seeds is reported by CHECK.
std::set<std::string> fuzz_targets(std::string_view family) {
  std::set<std::string> targets;
  for (const auto& e : fs::directory_iterator(kRoot / "fuzz")) {
    const std::string file = e.path().filename().string();
    const std::string suffix = "_fuzz.cpp";
    if (file.starts_with(family) && file.ends_with(suffix))
      targets.insert(file.substr(0, file.size() - suffix.size()));
  }
  return targets;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The golden captures of a protocol: NAME.bin or NAME.txt (the bytes as the
// device sent them) beside NAME.expected.
std::vector<fs::path> golden_captures(const fs::path& dir) {
  std::vector<fs::path> captures;
  if (!fs::is_directory(dir)) return captures;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".bin" && e.path().extension() != ".txt") continue;
    auto expected = e.path();
    if (fs::exists(expected.replace_extension(".expected"))) captures.push_back(e.path());
  }
  std::sort(captures.begin(), captures.end());
  return captures;
}

std::string quality_text(core::Quality q) {
  using core::QualityFlag;
  constexpr std::pair<QualityFlag, std::string_view> kNames[] = {
      {QualityFlag::invalid, "invalid"},           {QualityFlag::artifact, "artifact"},
      {QualityFlag::sensor_off, "sensor_off"},     {QualityFlag::low_perfusion, "low_perfusion"},
      {QualityFlag::questionable, "questionable"},
  };
  std::string text;
  for (const auto& [flag, name] : kNames)
    if (q.has(flag)) text += (text.empty() ? "" : ",") + std::string{name};
  return text.empty() ? "ok" : text;
}

// The readings of a capture as "<metric> <quality>", one per reading, fed
// to a fresh session of the row one byte at a time after on_open, as the
// codecs' own capture suites feed them.
std::vector<std::string> decoded_readings(const drivers::Protocol& p, const fs::path& capture) {
  std::vector<std::string> readings;
  const std::string bytes = read_text(capture);
  auto session = p.make_session();
  drivers::DecodeOutput out;
  session->on_open(out);
  for (const char c : bytes) {
    out.clear();
    const auto b = static_cast<std::uint8_t>(c);
    session->on_bytes(std::span(&b, 1), out);
    for (const auto& r : out.readings)
      readings.push_back(std::string{core::name(r.metric)} + " " + quality_text(r.quality));
  }
  return readings;
}

// What NAME.expected says of the readings: its "reading <metric> <value>
// <quality> ..." lines (both formats of the capture suites write them so),
// without the value, whose text differs between the two.
std::vector<std::string> expected_readings(const fs::path& capture) {
  auto path = capture;
  std::istringstream in(read_text(path.replace_extension(".expected")));
  std::vector<std::string> readings;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string kind, metric, value, quality;
    if (!(words >> kind >> metric >> value >> quality) || kind != "reading") continue;
    readings.push_back(metric + " " + quality);
  }
  return readings;
}

}  // namespace

TEST_CASE("every protocol's golden captures decode, through its registry row, to the readings they expect") {
  for (const auto& p : drivers::protocols()) {
    if (p.family.empty()) continue;
    CAPTURE(p.name);
    std::size_t readings = 0;
    for (const auto& capture : golden_captures(kRoot / "tests" / "captures" / std::string{p.name})) {
      INFO("capture " << capture.filename().string());
      const auto got = decoded_readings(p, capture);
      const auto want = expected_readings(capture);
      // The first difference only: one lost reading must not bury it under hundreds.
      std::size_t i = 0;
      while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
      INFO("reading " << i + 1 << " of " << want.size() << " expected, " << got.size() << " decoded");
      CHECK(std::string(i < got.size() ? got[i] : "<none>") ==
            std::string(i < want.size() ? want[i] : "<none>"));
      readings += got.size();
    }
    CHECK_MESSAGE(readings > 0, "no golden capture of " << p.name << " decodes to a reading");
  }
}

TEST_CASE("every protocol in the registry has its folder, simulator, captures, fuzz target and docs page") {
  std::size_t devices = 0;
  for (const auto& p : drivers::protocols()) {
    CAPTURE(p.name);
    if (p.family.empty()) {
      // "auto" only chooses among the others; it has no wire format of its own.
      CHECK(p.name == "auto");
      continue;
    }
    ++devices;
    const std::string family{p.family};
    CHECK_MESSAGE(has_file_with_extension(kRoot / "drivers" / family, ".cpp"),
                  "no code in drivers/" << family << "/");
    CHECK_MESSAGE(static_cast<bool>(p.make_simulated_device),
                  "the row of " << p.name << " names no .make_simulated_device (drivers/" << family << "/"
                                << family << "_sim_device.cpp)");
    if (p.make_simulated_device)
      CHECK_MESSAGE(p.make_simulated_device() != nullptr, "its factory made nothing");
    CHECK_MESSAGE(
        has_golden_capture(kRoot / "tests" / "captures" / std::string{p.name}),
        "no golden capture (NAME.bin or NAME.txt with NAME.expected) in tests/captures/" << p.name << "/");
    const auto targets = fuzz_targets(family);
    CHECK_MESSAGE(!targets.empty(), "no fuzz target fuzz/" << family << "*_fuzz.cpp");
    for (const auto& t : targets)
      CHECK_MESSAGE(non_empty_dir(kRoot / "fuzz" / "corpus" / t),
                    "fuzz target " << t << " has no seed corpus in fuzz/corpus/" << t << "/");
    CHECK_MESSAGE(fs::is_regular_file(kRoot / "docs" / "devices" / (family + ".md")),
                  "no docs page docs/devices/" << family << ".md");
    CHECK_MESSAGE(p.device != drivers::DeviceKind::none, "the row of " << p.name << " says no .device kind");
  }
  CHECK(devices > 0);
}

// The tables people read are written by hand (they say more than the
// registry knows); they must at least not miss a protocol.
TEST_CASE("the README's table of devices and docs/fuzzing.md name every protocol and fuzz target") {
  const std::string readme = read_text(kRoot / "README.md");
  const auto table_start = readme.find("### Supported devices");
  REQUIRE(table_start != std::string::npos);
  const std::string devices_table =
      readme.substr(table_start, readme.find("\n#", table_start + 1) - table_start);
  const std::string fuzzing = read_text(kRoot / "docs" / "fuzzing.md");
  for (const auto& p : drivers::protocols()) {
    if (p.family.empty()) continue;
    CAPTURE(p.name);
    CHECK_MESSAGE(devices_table.find("`" + std::string{p.name} + "`") != std::string::npos,
                  "README.md, Supported devices: no row names `" << p.name << "`");
    for (const auto& t : fuzz_targets(p.family))
      CHECK_MESSAGE(fuzzing.find("| `" + t + "_fuzz` |") != std::string::npos,
                    "docs/fuzzing.md: no row for fuzz target `" << t << "_fuzz`");
  }
}
