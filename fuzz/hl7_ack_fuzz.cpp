// The replies of a hospital's receiver (hl7out): MLLP deframing and the ACK
// parser under arbitrary bytes. No crash, bounded frames, the same messages
// however the bytes are split, and an acknowledgement always names the
// message it acknowledges (a non-empty MSA-2 without separators in it).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hl7out/ack_parser.hpp"
#include "hl7out/mllp.hpp"

namespace {
void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::vector<std::string> frames(std::string_view bytes, std::size_t split) {
  vigil::hl7out::MllpDeframer d;
  std::vector<std::string> out;
  d.feed(bytes.substr(0, split));
  while (auto m = d.next()) out.push_back(*m);
  d.feed(bytes.substr(split));
  while (auto m = d.next()) out.push_back(*m);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes{reinterpret_cast<const char*>(data), size};
  const auto whole = frames(bytes, size);
  check(whole == frames(bytes, size / 2));
  for (const auto& f : whole) check(f.size() <= vigil::hl7out::MllpDeframer::kMaxFrame);
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
