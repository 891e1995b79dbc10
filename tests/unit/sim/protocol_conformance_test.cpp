// Protocol conformance: every row of the protocol registry
// (drivers/protocol_table.cpp) must come with the parts that make a protocol
// safe to ship and easy to carry on: its folder under drivers/, a simulated
// device in vigil-sim, golden captures, a fuzz target with a seed corpus and
// a docs page. A protocol added without one of them fails here by name,
// instead of being found missing by the next person who needs it.
// This suite lives with the sim tests because only it links both the
// registry and the emitters (drivers must not depend on sim).
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>

#include "drivers/device_session.hpp"
#include "sim/device_emitter.hpp"

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

}  // namespace

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
    CHECK_MESSAGE(sim::make_emitter(p.name) != nullptr,
                  "vigil-sim has no simulated device (sim/device_emitter.cpp) for " << p.name);
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
  }
  CHECK(devices > 0);
}

TEST_CASE("vigil-sim simulates no protocol the registry does not know") {
  // sim keeps its own table of emitters (it cannot live in the registry:
  // drivers must not depend on sim); it must not drift from the registry.
  const std::string names = sim::emitter_names();
  std::size_t start = 0;
  while (start < names.size()) {
    auto end = names.find(", ", start);
    if (end == std::string::npos) end = names.size();
    const auto name = names.substr(start, end - start);
    CAPTURE(name);
    CHECK(drivers::find_protocol(name) != nullptr);
    start = end + 2;
  }
}
