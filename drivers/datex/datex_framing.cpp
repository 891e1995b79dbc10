#include "drivers/datex/datex_framing.hpp"

namespace vigil::drivers {
namespace {

namespace w = datex_wire;

void put_escaped(std::uint8_t b, std::vector<std::uint8_t>& out) {
  if (b == w::kFlag || b == w::kEscape) {
    out.push_back(w::kEscape);
    out.push_back(static_cast<std::uint8_t>(b & ~w::kBit5));
  } else {
    out.push_back(b);
  }
}

}  // namespace

std::uint8_t datex_checksum(std::span<const std::uint8_t> record) {
  unsigned sum = 0;
  for (const std::uint8_t b : record) sum += b;
  return static_cast<std::uint8_t>(sum & 0xFFu);
}

std::vector<std::uint8_t> datex_frame(std::span<const std::uint8_t> record) {
  std::vector<std::uint8_t> out;
  out.reserve(record.size() + record.size() / 16 + 6);
  out.push_back(w::kFlag);
  for (const std::uint8_t b : record) put_escaped(b, out);
  put_escaped(datex_checksum(record), out);
  out.push_back(w::kFlag);
  return out;
}

void DatexDeframer::feed(std::span<const std::uint8_t> bytes, const RecordHandler& on_record,
                         std::vector<std::string>& errors) {
  stats_.bytes += bytes.size();
  for (const std::uint8_t b : bytes) {
    if (b == w::kFlag) {
      if (state_ == State::hunting) report_noise(errors);
      if (state_ == State::in_frame) finish(on_record, errors);
      state_ = State::in_frame;
      escaped_ = false;
      continue;
    }
    switch (state_) {
      case State::hunting:
        ++stats_.resyncs;
        if (++skipped_ >= kNoiseReport) report_noise(errors);
        break;
      case State::discarding:
        ++stats_.resyncs;
        break;
      case State::in_frame:
        if (b == w::kEscape && !escaped_) {
          escaped_ = true;
          break;
        }
        frame_.push_back(escaped_ ? static_cast<std::uint8_t>(b | w::kBit5) : b);
        escaped_ = false;
        if (frame_.size() > w::kMaxRecord + 1) {
          stats_.resyncs += frame_.size();
          reject("frame longer than the largest record (" + std::to_string(w::kMaxRecord) + " bytes) dropped",
                 errors);
          state_ = State::discarding;
        }
        break;
    }
  }
}

void DatexDeframer::finish(const RecordHandler& on_record, std::vector<std::string>& errors) {
  if (escaped_) {
    reject("frame ends in the middle of an escape (0x7D before the closing flag)", errors);
    return;
  }
  if (frame_.empty()) return;  // two flags in a row: nothing between frames
  if (frame_.size() < 2) {
    reject("frame of 1 byte is too short for a record and its checksum", errors);
    return;
  }
  const auto record = std::span<const std::uint8_t>(frame_).first(frame_.size() - 1);
  const auto expected = datex_checksum(record);
  if (expected != frame_.back()) {
    reject("checksum mismatch in a frame of " + std::to_string(frame_.size()) + " bytes (sum " +
               std::to_string(expected) + ", frame says " + std::to_string(frame_.back()) + ")",
           errors);
    return;
  }
  ++stats_.frames_ok;
  on_record(record);
  frame_.clear();
}

void DatexDeframer::reject(std::string why, std::vector<std::string>& errors) {
  ++stats_.frames_bad;
  errors.push_back("datex: " + std::move(why));
  frame_.clear();
  escaped_ = false;
}

void DatexDeframer::report_noise(std::vector<std::string>& errors) {
  if (skipped_ > 0)
    errors.push_back("datex: skipped " + std::to_string(skipped_) + " bytes before the first frame");
  skipped_ = 0;
}

void DatexDeframer::reset(std::vector<std::string>& errors) {
  // Between frames the deframer sits in a frame with nothing in it yet; only
  // bytes gathered since the last flag make a frame the link cut short.
  if (state_ == State::in_frame && !frame_.empty()) {
    reject("frame of " + std::to_string(frame_.size()) + " bytes cut short by the link", errors);
  }
  report_noise(errors);
  frame_.clear();
  escaped_ = false;
  state_ = State::hunting;
}

}  // namespace vigil::drivers
