#include "drivers/flag_deframer.hpp"

namespace vigil::drivers {

void FlagDeframer::drop_oversized(std::vector<std::string>& errors) {
  stats_.resyncs += frame_.size();
  reject(std::string{framing_.too_long}, errors);
  state_ = State::discarding;
}

void FlagDeframer::reject(std::string why, std::vector<std::string>& errors) {
  ++stats_.frames_bad;
  errors.push_back(std::string{framing_.name} + ": " + std::move(why));
  frame_.clear();
  escaped_ = false;
}

void FlagDeframer::reset(std::vector<std::string>& errors) {
  // Between frames a shared-flag deframer sits in a frame with nothing in it
  // yet; only bytes gathered since the last flag make a frame the link cut short.
  if (state_ == State::in_frame && !frame_.empty())
    reject("frame of " + std::to_string(frame_.size()) + " bytes cut short by the link", errors);
  skips_.flush(errors, framing_.name);
  frame_.clear();
  escaped_ = false;
  state_ = State::hunting;
}

}  // namespace vigil::drivers
