#include "drivers/hl7/mllp_framing.hpp"

#include <algorithm>
#include <cstring>

namespace vigil::drivers {

std::string mllp_frame(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 3);
  append_mllp_frame(out, [&](std::string& body) { body += message; });
  return out;
}

void MllpDeframer::feed(std::span<const std::uint8_t> bytes,
                        const std::function<void(const std::string&)>& on_frame,
                        std::vector<std::string>& errors) {
  stats_.bytes += bytes.size();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (state_ == State::in_frame) {
      // The body of a frame is copied a run at a time, up to the next start
      // or end byte and no further than the size bound; those bytes take the
      // byte-by-byte path below.
      // memchr, not a loop: it looks at many bytes at a time.
      const std::size_t room = frame_.size() < kMaxFrame ? kMaxFrame - frame_.size() : 0;
      const auto* run = bytes.data() + i;
      std::size_t n = std::min(room, bytes.size() - i);
      if (const void* end = std::memchr(run, kMllpEnd, n))
        n = static_cast<std::size_t>(static_cast<const std::uint8_t*>(end) - run);
      if (const void* start = std::memchr(run, kMllpStart, n))
        n = static_cast<std::size_t>(static_cast<const std::uint8_t*>(start) - run);
      frame_.append(reinterpret_cast<const char*>(bytes.data() + i), n);
      i += n;
      if (i == bytes.size()) break;
    }
    const std::uint8_t b = bytes[i];
    switch (state_) {
      case State::after_end:
        state_ = State::hunting;
        if (b == kMllpCarriageReturn) break;
        hunt(b, errors);
        break;
      case State::hunting:
      case State::discarding:
        hunt(b, errors);
        break;
      case State::in_frame:
        if (b == kMllpEnd) {
          state_ = State::after_end;
          on_frame(frame_);
          frame_.clear();
        } else if (b == kMllpStart) {
          ++stats_.frames_bad;
          errors.push_back("mllp: frame cut short by a new start byte after " +
                           std::to_string(frame_.size()) + " bytes");
          frame_.clear();
        } else if (frame_.size() >= kMaxFrame) {
          ++stats_.frames_bad;
          errors.push_back("mllp: frame longer than " + std::to_string(kMaxFrame) + " bytes dropped");
          stats_.resyncs += frame_.size() + 1;
          frame_.clear();
          frame_.shrink_to_fit();
          state_ = State::discarding;
        } else {
          frame_.push_back(static_cast<char>(b));
        }
        break;
    }
  }
}

void MllpDeframer::hunt(std::uint8_t b, std::vector<std::string>& errors) {
  if (b == kMllpStart) {
    slack_ = 0;
    skips_.frame_found(errors, kWhere);
    state_ = State::in_frame;
    return;
  }
  // The rest of an oversized frame was reported already.
  if (state_ == State::discarding) {
    ++stats_.resyncs;
    return;
  }
  const bool whitespace = b == '\r' || b == '\n' || b == ' ' || b == '\t';
  if (whitespace && skips_.idle()) {
    ++stats_.resyncs;
    ++slack_;
    return;
  }
  // Noise after line endings: the whole run is noise, counted from its start.
  skips_.join_run(slack_, errors, kWhere);
  slack_ = 0;
  skips_.skip(stats_, errors, kWhere);
}

void MllpDeframer::reset(std::vector<std::string>& errors) {
  if (state_ == State::in_frame) {
    ++stats_.frames_bad;
    errors.push_back("mllp: frame of " + std::to_string(frame_.size()) + " bytes cut short by the link");
  }
  slack_ = 0;
  skips_.flush(errors, kWhere);
  frame_.clear();
  state_ = State::hunting;
}

}  // namespace vigil::drivers
