// The drill scenario parser on arbitrary text: a scenario or a located error.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sim/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = vigil::sim::parse_scenario(text, "fuzz.scn");
  if (!r && r.error().rfind("fuzz.scn:", 0) != 0) std::abort();
  if (r) {
    for (std::size_t i = 1; i < r->events.size(); ++i)
      if (r->events[i].at < r->events[i - 1].at) std::abort();  // the timeline is ordered
  }
  return 0;
}
