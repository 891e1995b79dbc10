// The replies of a hospital's receiver (hl7out): MLLP deframing (the one
// deframer, drivers/hl7/mllp_framing.hpp) and the ACK
// parser under arbitrary bytes. No crash, bounded frames, the same messages
// however the bytes are split, and an acknowledgement always names the
// message it acknowledges (a non-empty MSA-2 without separators in it).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/hl7/mllp_framing.hpp"
#include "hl7out/ack_parser.hpp"

namespace {
void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::vector<std::string> frames(std::span<const std::uint8_t> bytes, std::size_t split) {
  vigil::drivers::MllpDeframer d;
  std::vector<std::string> out, noise;
  const auto keep = [&](const std::string& f) { out.push_back(f); };
  d.feed(bytes.first(split), keep, noise);
  d.feed(bytes.subspan(split), keep, noise);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes{reinterpret_cast<const char*>(data), size};
  const auto whole = frames({data, size}, size);
  check(whole == frames({data, size}, size / 2));
  for (const auto& f : whole) check(f.size() <= vigil::drivers::MllpDeframer::kMaxFrame);
  for (std::string_view text :
       {bytes, whole.empty() ? std::string_view{} : std::string_view{whole.front()}}) {
    if (const auto ack = vigil::hl7out::parse_ack(text)) {
      check(!ack->control_id.empty());
      check(ack->control_id.find(text[3]) == std::string::npos);
      check(ack->text.size() <= 200);
    }
  }
  return 0;
}
