// HL7/MLLP session and parsers under arbitrary bytes: no crash, bounded
// memory, the same result however the bytes are split, and every ACK vigil
// writes for a message it could parse reads back as an ACK of that message.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "drivers/hl7/hl7_message.hpp"
#include "drivers/hl7/hl7_oru_r01.hpp"
#include "drivers/hl7/mllp_codec.hpp"

namespace {

using namespace vigil::drivers;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string flatten(const DecodeOutput& out) {
  std::string s(out.to_send.begin(), out.to_send.end());
  for (const auto& r : out.readings) {
    s += std::to_string(static_cast<int>(r.metric)) + ":" + (r.value ? std::to_string(*r.value) : "-") + ":" +
         std::to_string(r.quality.bits) + ";";
  }
  for (const auto& e : out.errors) s += e + ";";
  return s;
}

void check_parsers(std::string_view text) {
  const auto parsed = parse_hl7(text);
  if (!parsed.message) return;
  const auto& m = *parsed.message;
  decode_oru_r01(m);
  AckRequest req;
  req.original = &m;
  req.code = AckCode::error;
  req.error_code = hl7_error::data_type_error;
  req.text = std::string(text.substr(0, 40));
  req.control_id = "1";
  const auto ack = parse_ack(encode_ack(req));
  check(ack.has_value());
  check(ack->code == "AE");
  check(ack->control_id == m.component(m.first("MSH")->field(10), 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto whole = make_hl7_session();
  DecodeOutput all_at_once;
  whole->on_bytes(bytes, all_at_once);
  check(whole->stats().bytes == size);

  auto pieces = make_hl7_session();
  DecodeOutput merged, out;
  const std::size_t step = size == 0 ? 1 : 1 + data[0] % 31;
  for (std::size_t at = 0; at < size; at += step) {
    out.clear();
    pieces->on_bytes(bytes.subspan(at, std::min(step, size - at)), out);
    merged.readings.insert(merged.readings.end(), out.readings.begin(), out.readings.end());
    merged.errors.insert(merged.errors.end(), out.errors.begin(), out.errors.end());
    merged.to_send.insert(merged.to_send.end(), out.to_send.begin(), out.to_send.end());
  }
  check(flatten(merged) == flatten(all_at_once));
  check(pieces->stats().frames_ok == whole->stats().frames_ok);
  check(pieces->stats().frames_bad == whole->stats().frames_bad);

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_parsers(text);
  parse_ack(text);
  parse_hl7_time(text.substr(0, 32));
  return 0;
}
