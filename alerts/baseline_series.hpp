#pragma once
// One metric's values in a baseline window, oldest first, each with its time
// as milliseconds from the window's epoch: the storage behind BaselineWindow.
//
// Most values take 4 bytes: the value in tenths (16 bits) and the
// milliseconds since the value before it (16 bits). The devices send whole
// numbers and tenths, a second or so apart, so nearly every value fits; one
// that does not (another fraction, a gap over 65 s, a clock that stepped
// back) takes 12 bytes, the value as the float it would be anyway and its
// time in full. A value comes back as exactly the float a plain float would
// have kept. 128 beds' windows of SpO2 and Pulse (600 values each, in a
// deque's 512-byte blocks) held 1.5 MB at 8 bytes a value, 0.9 MB now.
#include <bit>
#include <cstdint>
#include <deque>

namespace vigil::alerts {

class BaselineSeries {
 public:
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  // The times of the oldest and the newest value (only when not empty).
  std::int32_t front_ms() const { return front_ms_; }
  std::int32_t back_ms() const { return back_ms_; }

  // What the values take in the series' words (a deque's blocks hold them).
  std::size_t encoded_bytes() const { return words_.size() * sizeof(std::uint32_t); }

  void push_back(float value, std::int32_t ms);
  void pop_front();

  // Calls f(value, ms) for every value, oldest first.
  template <class F>
  void for_each(F&& f) const {
    std::int32_t ms = front_ms_;  // the oldest value's own difference is not counted
    bool oldest = true;
    for (auto it = words_.begin(); it != words_.end(); oldest = false) {
      const std::uint32_t w = *it++;
      if (is_wide(w)) {
        const float value = std::bit_cast<float>(*it++);
        ms = static_cast<std::int32_t>(*it++);
        f(value, ms);
      } else {
        if (!oldest) ms += static_cast<std::int32_t>(w & 0xffff);
        f(tenths_value(w), ms);
      }
    }
  }

 private:
  // A narrow word: the tenths in the upper half, the milliseconds since the
  // value before in the lower. kWide in the upper half marks a wide value:
  // two more words, the float's bits and the time.
  static constexpr std::uint32_t kWide = 0x8000;
  static bool is_wide(std::uint32_t w) { return (w >> 16) == kWide; }
  static float tenths_value(std::uint32_t w) {
    return static_cast<float>(static_cast<std::int16_t>(w >> 16) / 10.0);
  }

  std::deque<std::uint32_t> words_;
  std::size_t count_ = 0;
  std::int32_t front_ms_ = 0, back_ms_ = 0;
};

}  // namespace vigil::alerts
