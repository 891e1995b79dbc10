// A signed record read back from its signed content (record/signed_content):
// any bytes, never a crash; what it accepts, record_content writes as text
// that reads back to the same text (a drawn record shows what it read).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "record/record_formats.hpp"
#include "record/signed_content.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  const auto record = vigil::record::record_from_content(text);
  if (!record.ok()) return 0;
  const auto written = vigil::record::record_content(record.value());
  const auto again = vigil::record::record_from_content(written);
  if (!again.ok() || vigil::record::record_content(again.value()) != written) __builtin_trap();
  return 0;
}
