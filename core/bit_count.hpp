#pragma once
// How many bits of a word are set, without the POPCNT instruction: the
// x86-64 baseline the release is built for lacks it, and std::popcount then
// becomes a call into libgcc's byte-table loop. Both users are hot: sample
// entropy counts bits for each start of every window, every beat
// (alerts/rr_af_detector.cpp), and every reading's bus message counts its
// quality flags (wire/bus_message_bytes.cpp). The SWAR sum below is a dozen
// inline instructions.
#include <cstdint>

namespace vigil::core {

constexpr unsigned bit_count(std::uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555u;
  x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
  return static_cast<unsigned>((x * 0x0101010101010101u) >> 56);
}

}  // namespace vigil::core
