// Capture files come from the field and are read at a desk: the reader must
// not crash on any file, and what it accepts must survive being written and
// read again unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/capture_file.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::drivers;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_capture(text, "fuzz.cap");
  if (!parsed) {
    check(parsed.error().starts_with("fuzz.cap:"));
    return 0;
  }
  std::string again;
  for (const auto& d : parsed->devices) again += capture_device_line(d);
  for (const auto& r : parsed->records) again += capture_line(r);
  auto reread = parse_capture(again, "again.cap");
  check(reread.ok());
  check(reread->devices.size() == parsed->devices.size());
  for (std::size_t i = 0; i < parsed->devices.size(); ++i) {
    const auto& a = parsed->devices[i];
    const auto& b = reread->devices[i];
    check(a.device == b.device && a.protocol == b.protocol);
  }
  check(reread->records.size() == parsed->records.size());
  for (std::size_t i = 0; i < parsed->records.size(); ++i) {
    const auto& a = parsed->records[i];
    const auto& b = reread->records[i];
    check(a.time == b.time && a.device == b.device && a.kind == b.kind && a.bytes == b.bytes &&
          a.state == b.state && a.reason == b.reason);
  }
  return 0;
}
