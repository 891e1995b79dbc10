#include "drivers/hl7/mllp_codec.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "drivers/hl7/hl7_message.hpp"
#include "drivers/hl7/hl7_oru_r01.hpp"

namespace vigil::drivers {
namespace {

struct Verdict {
  AckCode code = AckCode::accept;
  int error_code = 0;
  std::string text;
};

bool ack_wanted(const Hl7Message& m) {
  const auto* msh = m.first("MSH");
  std::string scratch_accept, scratch_application;
  return !(m.component(msh->field(15), 1, scratch_accept) == "NE" &&
           m.component(msh->field(16), 1, scratch_application) == "NE");
}

class Hl7Session final : public DeviceSession {
 public:
  void on_open(DecodeOutput& out) override {
    deframer_.reset(out.errors);
    sync_stats();
  }

  void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) override {
    deframer_.feed(
        bytes, [&](const std::string& frame) { handle(frame, out); }, out.errors);
    sync_stats();
  }

  void on_tick(core::TimePoint now, DecodeOutput&) override { last_tick_ = now; }

  const CodecStats& stats() const override { return stats_; }

 private:
  void handle(const std::string& text, DecodeOutput& out) {
    // The message views the deframer's frame, which stays as it is until
    // this returns.
    const auto* parsed = parser_.parse(text);
    if (!parsed) {
      out.errors.push_back("hl7: message rejected: " + parser_.error());
      ++bad_;
      answer(nullptr, {AckCode::reject, hl7_error::data_type_error, parser_.error()}, out);
      return;
    }
    const auto& m = *parsed;
    const auto verdict = read(m, out);
    (verdict.code == AckCode::accept ? ok_ : bad_) += 1;
    if (ack_wanted(m)) answer(&m, verdict, out);
  }

  Verdict read(const Hl7Message& m, DecodeOutput& out) {
    const auto* msh = m.first("MSH");
    // Made only for a message that has something to say.
    auto label = [&] { return "hl7: message " + m.component(msh->field(10), 1) + ": "; };
    // Views, not strings: these are read for every message.
    std::string scratch_type, scratch_trigger, scratch_processing;
    const auto type = m.component(msh->field(9), 1, scratch_type);
    const auto trigger = m.component(msh->field(9), 2, scratch_trigger);
    const auto processing = m.component(msh->field(11), 1, scratch_processing);
    Verdict v;
    if (type != "ORU" || trigger != "R01") {
      v = {AckCode::reject, hl7_error::unsupported_message_type,
           "message type " + std::string(type) + "^" + std::string(trigger) + " is not ORU^R01"};
    } else if (!processing.empty() && processing != "P") {
      v = {AckCode::reject, hl7_error::unsupported_processing_id,
           "processing id " + std::string(processing) + " is not P (production): no patient data read"};
    }
    if (v.code != AckCode::accept) {
      out.errors.push_back(label() + v.text);
      return v;
    }
    auto& content = content_;
    decode_oru_r01(m, content);
    out.add_readings(content.readings);
    for (auto& w : content.waveforms) out.waveforms.push_back(std::move(w));
    for (const auto& p : content.problems) out.errors.push_back(label() + p);
    if (content.demo_or_test > 0) {
      out.errors.push_back(label() + std::to_string(content.demo_or_test) +
                           " rows marked demo or test data by the device, read as invalid");
    }
    if (content.problems.empty()) return v;
    v = {AckCode::error, hl7_error::data_type_error, content.problems.front()};
    if (content.problems.size() > 1)
      v.text += " (and " + std::to_string(content.problems.size() - 1) + " more)";
    return v;
  }

  void answer(const Hl7Message* m, const Verdict& v, DecodeOutput& out) {
    // One request kept from one message to the next, its strings assigned
    // in place: a fresh one made and freed four strings per ACK.
    AckRequest& req = ack_request_;
    req.original = m;
    req.code = v.code;
    req.error_code = v.error_code;
    req.text = v.text;
    std::array<char, 24> id{};
    const auto written = std::to_chars(id.data(), id.data() + id.size(), ++ack_seq_).ptr;
    req.control_id.assign(id.data(), written);
    req.time = last_tick_;
    // Framed in a buffer kept from one message to the next.
    ack_.clear();
    append_mllp_frame(ack_, [&](std::string& body) { ack_writer_.append(req, body); });
    out.send(ack_);
  }

  void sync_stats() {
    stats_ = deframer_.stats();
    stats_.frames_ok = ok_;
    stats_.frames_bad += bad_;
  }

  MllpDeframer deframer_;
  // Kept from one message to the next, so a message's reading allocates
  // little beyond what it hands on.
  Hl7Parser parser_;
  OruContent content_;
  std::string ack_;
  AckRequest ack_request_;
  Hl7AckWriter ack_writer_;
  std::optional<core::TimePoint> last_tick_;
  std::uint64_t ack_seq_ = 0;
  std::uint64_t ok_ = 0, bad_ = 0;
  CodecStats stats_;
};

}  // namespace

std::unique_ptr<DeviceSession> make_hl7_session() {
  return std::make_unique<Hl7Session>();
}

}  // namespace vigil::drivers
