#pragma once
// MLLP (HL7 v2 Minimal Lower Layer Protocol): <VT> message <FS><CR>.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::hl7out {

std::string mllp_frame(std::string_view message);

// Collects bytes from the peer and hands out whole messages. Bytes outside
// a frame are dropped; a frame past the size cap is dropped whole.
class MllpDeframer {
 public:
  static constexpr std::size_t kMaxFrame = 1 << 20;
  void feed(std::string_view bytes);
  std::optional<std::string> next();
  void clear() {
    buffer_.clear();
    in_frame_ = false;
    queue_.clear();
  }

 private:
  std::string buffer_;
  bool in_frame_ = false;
  std::vector<std::string> queue_;
};

}  // namespace vigil::hl7out
