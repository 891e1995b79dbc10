#include "drivers/intellivue/intellivue_framing.hpp"

#include <array>
#include <cstdio>

namespace vigil::drivers {
namespace {

namespace f = intellivue_wire;

// The reflected CRC-16/CCITT table (polynomial 0x8408), built at compile time.
constexpr std::array<std::uint16_t, 256> make_table() {
  std::array<std::uint16_t, 256> t{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned v = i;
    for (int bit = 0; bit < 8; ++bit) v = (v & 1u) != 0 ? (v >> 1) ^ 0x8408u : v >> 1;
    t[i] = static_cast<std::uint16_t>(v);
  }
  return t;
}
constexpr auto kTable = make_table();

bool needs_escape(std::uint8_t b) {
  return b == f::kBof || b == f::kEof || b == f::kEscape;
}

void put_escaped(std::uint8_t b, std::vector<std::uint8_t>& out) {
  if (needs_escape(b)) {
    out.push_back(f::kEscape);
    out.push_back(static_cast<std::uint8_t>(b ^ f::kEscapeXor));
  } else {
    out.push_back(b);
  }
}

std::string hex2(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", v & 0xFFu);
  return buf;
}

}  // namespace

std::uint16_t intellivue_fcs_update(std::uint16_t fcs, std::span<const std::uint8_t> bytes) {
  for (const std::uint8_t b : bytes) fcs = static_cast<std::uint16_t>((fcs >> 8) ^ kTable[(fcs ^ b) & 0xFFu]);
  return fcs;
}

std::uint16_t intellivue_fcs(std::span<const std::uint8_t> bytes) {
  return static_cast<std::uint16_t>(~intellivue_fcs_update(f::kFcsInitial, bytes));
}

std::vector<std::uint8_t> intellivue_frame(std::span<const std::uint8_t> user_data) {
  const auto length = static_cast<std::uint16_t>(user_data.size());
  const std::array<std::uint8_t, f::kHeaderSize> header{f::kProtocolDataExport, f::kMessageAwsData,
                                                        static_cast<std::uint8_t>(length >> 8),
                                                        static_cast<std::uint8_t>(length & 0xFFu)};
  std::uint16_t crc = intellivue_fcs_update(f::kFcsInitial, header);
  crc = intellivue_fcs_update(crc, user_data);
  const auto fcs = static_cast<std::uint16_t>(~crc);

  std::vector<std::uint8_t> out;
  out.reserve(user_data.size() + user_data.size() / 8 + 12);
  out.push_back(f::kBof);
  for (auto b : header) put_escaped(b, out);
  for (auto b : user_data) put_escaped(b, out);
  put_escaped(static_cast<std::uint8_t>(fcs & 0xFFu), out);
  put_escaped(static_cast<std::uint8_t>(fcs >> 8), out);
  out.push_back(f::kEof);
  return out;
}

void IntellivueDeframer::feed(std::span<const std::uint8_t> bytes, const FrameHandler& on_frame,
                              std::vector<std::string>& errors) {
  stats_.bytes += bytes.size();
  for (const std::uint8_t b : bytes) {
    switch (state_) {
      case State::hunting:
        hunt(b, errors);
        break;
      case State::in_frame:
        in_frame(b, on_frame, errors);
        break;
      case State::discarding:
        // The rest of an oversized frame, reported already.
        if (b == f::kBof) {
          state_ = State::in_frame;
          escaped_ = false;
        } else {
          ++stats_.resyncs;
          if (b == f::kEof) state_ = State::hunting;
        }
        break;
    }
  }
}

void IntellivueDeframer::hunt(std::uint8_t b, std::vector<std::string>& errors) {
  if (b == f::kBof) {
    report_noise(errors);
    state_ = State::in_frame;
    escaped_ = false;
    return;
  }
  ++stats_.resyncs;
  if (++skipped_ >= kNoiseReport) report_noise(errors);
}

void IntellivueDeframer::in_frame(std::uint8_t b, const FrameHandler& on_frame,
                                  std::vector<std::string>& errors) {
  if (b == f::kBof) {
    reject("frame cut short by a new frame start after " + std::to_string(frame_.size()) + " bytes", errors);
    state_ = State::in_frame;
    return;
  }
  if (b == f::kEof) {
    if (escaped_) {
      reject("frame aborted by the sender (0x7D 0xC1) after " + std::to_string(frame_.size()) + " bytes",
             errors);
    } else {
      finish(on_frame, errors);
    }
    state_ = State::hunting;
    return;
  }
  if (b == f::kEscape && !escaped_) {
    escaped_ = true;
    return;
  }
  frame_.push_back(escaped_ ? static_cast<std::uint8_t>(b ^ f::kEscapeXor) : b);
  escaped_ = false;
  if (frame_.size() > kMaxUserData + f::kHeaderSize + f::kFcsSize) {
    stats_.resyncs += frame_.size();
    reject("frame longer than " + std::to_string(kMaxUserData) + " bytes of data dropped", errors);
    state_ = State::discarding;
  }
}

void IntellivueDeframer::finish(const FrameHandler& on_frame, std::vector<std::string>& errors) {
  const std::size_t n = frame_.size();
  if (n < f::kHeaderSize + f::kFcsSize) {
    reject("frame of " + std::to_string(n) + " bytes is too short for a header and an FCS", errors);
    return;
  }
  if (intellivue_fcs_update(f::kFcsInitial, frame_) != f::kFcsGood) {
    reject("FCS mismatch in a frame of " + std::to_string(n) + " bytes", errors);
    return;
  }
  if (frame_[0] != f::kProtocolDataExport || frame_[1] != f::kMessageAwsData) {
    reject("frame header " + hex2(frame_[0]) + " " + hex2(frame_[1]) +
               " is not Data Export (0x11) protocol data (0x01)",
           errors);
    return;
  }
  const std::size_t declared = (std::size_t{frame_[2]} << 8) | frame_[3];
  const std::size_t held = n - f::kHeaderSize - f::kFcsSize;
  if (declared != held) {
    reject("frame length field says " + std::to_string(declared) + " bytes but the frame holds " +
               std::to_string(held),
           errors);
    return;
  }
  ++stats_.frames_ok;
  on_frame(std::span<const std::uint8_t>(frame_).subspan(f::kHeaderSize, held));
  frame_.clear();
}

void IntellivueDeframer::reject(std::string why, std::vector<std::string>& errors) {
  ++stats_.frames_bad;
  errors.push_back("intellivue: " + std::move(why));
  frame_.clear();
  escaped_ = false;
}

void IntellivueDeframer::report_noise(std::vector<std::string>& errors) {
  if (skipped_ > 0)
    errors.push_back("intellivue: skipped " + std::to_string(skipped_) + " bytes outside a frame");
  skipped_ = 0;
}

void IntellivueDeframer::reset(std::vector<std::string>& errors) {
  if (state_ == State::in_frame && !frame_.empty()) {
    reject("frame of " + std::to_string(frame_.size()) + " bytes cut short by the link", errors);
  }
  report_noise(errors);
  frame_.clear();
  escaped_ = false;
  state_ = State::hunting;
}

}  // namespace vigil::drivers
