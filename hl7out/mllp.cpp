#include "hl7out/mllp.hpp"

namespace vigil::hl7out {
namespace {
constexpr char kStart = 0x0b;
constexpr char kEnd = 0x1c;
constexpr char kCr = 0x0d;
}  // namespace

std::string mllp_frame(std::string_view message) {
  std::string s;
  s.reserve(message.size() + 3);
  s += kStart;
  s += message;
  s += kEnd;
  s += kCr;
  return s;
}

void MllpDeframer::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == kStart) {  // a new frame begins; an unfinished one is dropped
      in_frame_ = true;
      buffer_.clear();
    } else if (!in_frame_) {
      continue;
    } else if (c == kEnd) {
      // <FS> ends the frame; the <CR> after it is outside any frame.
      queue_.push_back(std::move(buffer_));
      buffer_.clear();
      in_frame_ = false;
    } else if (buffer_.size() >= kMaxFrame) {
      buffer_.clear();
      in_frame_ = false;
    } else {
      buffer_ += c;
    }
  }
}

std::optional<std::string> MllpDeframer::next() {
  if (queue_.empty()) return std::nullopt;
  std::string m = std::move(queue_.front());
  queue_.erase(queue_.begin());
  return m;
}

}  // namespace vigil::hl7out
