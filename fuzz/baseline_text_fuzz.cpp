// The baseline's values read back from the journal's words
// (record/baseline_text): any text, never a crash, never a value that is
// not a finite number under a known label.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "record/baseline_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  for (const auto& [metric, value] : vigil::record::parse_baseline_values(text)) {
    if (!std::isfinite(value)) __builtin_trap();
    (void)vigil::core::info(metric);
  }
  return 0;
}
