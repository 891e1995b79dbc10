// The limits in force read back from the journal's words
// (alerts/limits_in_force): any text, never a crash; what is read is whole
// and writes back to text that reads the same again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "alerts/limits_in_force.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  const auto rules = vigil::alerts::parse_limits_text(text);
  if (!rules) return 0;
  const auto again = vigil::alerts::limits_text(rules.value());
  const auto back = vigil::alerts::parse_limits_text(again);
  if (!back || vigil::alerts::limits_text(back.value()) != again) __builtin_trap();
  return 0;
}
