#pragma once
// What the serial-oximeter fuzzers check of a decoder's output: fed the
// same stream whole and in chunks, a session must decode the same readings
// (metric, value, quality), beats, errors and device condition. A chunked
// run's outputs are appended into one to compare with the whole run's, and
// both runs must have counted the same bytes, frames and resyncs.
#include <cstddef>

#include "drivers/device_session.hpp"

namespace vigil::fuzz {

inline void append_output(drivers::DecodeOutput& total, const drivers::DecodeOutput& part) {
  total.readings.insert(total.readings.end(), part.readings.begin(), part.readings.end());
  total.beats.insert(total.beats.end(), part.beats.begin(), part.beats.end());
  total.errors.insert(total.errors.end(), part.errors.begin(), part.errors.end());
  total.to_send.insert(total.to_send.end(), part.to_send.begin(), part.to_send.end());
  if (part.conditions) total.conditions = part.conditions;
}

inline bool same_output(const drivers::DecodeOutput& a, const drivers::DecodeOutput& b) {
  if (a.readings.size() != b.readings.size() || a.beats.size() != b.beats.size() || a.errors != b.errors ||
      a.conditions != b.conditions)
    return false;
  for (std::size_t i = 0; i < a.readings.size(); ++i) {
    const auto &x = a.readings[i], &y = b.readings[i];
    if (x.metric != y.metric || x.value != y.value || x.quality.bits != y.quality.bits) return false;
  }
  return true;
}

inline bool same_counts(const drivers::CodecStats& a, const drivers::CodecStats& b) {
  return a.bytes == b.bytes && a.frames_ok == b.frames_ok && a.frames_bad == b.frames_bad &&
         a.resyncs == b.resyncs;
}

}  // namespace vigil::fuzz
