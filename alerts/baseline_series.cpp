#include "alerts/baseline_series.hpp"

#include <cmath>

namespace vigil::alerts {

void BaselineSeries::push_back(float value, std::int32_t ms) {
  const std::int64_t since = empty() ? 0 : std::int64_t{ms} - back_ms_;
  const double tenths = std::nearbyint(static_cast<double>(value) * 10);
  const bool fits = since >= 0 && since <= 0xffff && tenths >= -32767 && tenths <= 32767;
  const std::uint32_t word =
      fits ? std::uint32_t{static_cast<std::uint16_t>(static_cast<std::int16_t>(tenths))} << 16 |
                 static_cast<std::uint32_t>(since)
           : 0;
  // Narrow only when the word gives back the very same float (its sign of
  // zero included), so a value reads back as it was kept.
  if (fits && std::bit_cast<std::uint32_t>(tenths_value(word)) == std::bit_cast<std::uint32_t>(value)) {
    words_.push_back(word);
  } else {
    words_.push_back(kWide << 16);
    words_.push_back(std::bit_cast<std::uint32_t>(value));
    words_.push_back(static_cast<std::uint32_t>(ms));
  }
  if (empty()) front_ms_ = ms;
  back_ms_ = ms;
  ++count_;
}

void BaselineSeries::pop_front() {
  for (int n = is_wide(words_.front()) ? 3 : 1; n > 0; --n) words_.pop_front();
  --count_;
  if (words_.empty()) return;
  const std::uint32_t w = words_.front();
  front_ms_ =
      is_wide(w) ? static_cast<std::int32_t>(words_[2]) : front_ms_ + static_cast<std::int32_t>(w & 0xffff);
}

}  // namespace vigil::alerts
