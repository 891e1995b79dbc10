#include "drivers/auto_detect.hpp"

#include <doctest/doctest.h>

#include "drivers/masimo/masimo_codec.hpp"
#include "drivers/nonin/nonin_codec.hpp"

using namespace vigil;
using namespace vigil::drivers;

namespace {
std::vector<std::uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

std::vector<std::uint8_t> masimo_line(double spo2) {
  MasimoFrame f;
  f.spo2 = spo2;
  f.pulse = 70;
  f.pi = 2.5;
  f.serial = "0000012345";
  return bytes_of(encode_masimo(f));
}
}  // namespace

TEST_CASE("auto detection picks Masimo after three clean lines and only then reports readings") {
  auto s = make_auto_session();
  DecodeOutput out;
  for (int i = 0; i < 3; ++i) {
    out.clear();
    s->on_bytes(masimo_line(97), out);
    CHECK(out.readings.empty());
  }
  REQUIRE(out.notes.size() == 1);
  CHECK(out.notes[0].starts_with("detected protocol masimo"));
  CHECK(out.to_send.empty());
  out.clear();
  s->on_bytes(masimo_line(95), out);
  REQUIRE_FALSE(out.readings.empty());
  CHECK(out.readings[0].metric == core::Metric::spo2);
  CHECK(out.readings[0].value == 95);
}

TEST_CASE("auto detection recognises Nonin format 8 and never sends a byte") {
  auto s = make_auto_session();
  DecodeOutput out;
  bool detected = false;
  for (int i = 0; i < 8 && !detected; ++i) {
    NoninDf8Packet p;
    p.spo2_d = 96;
    p.hr_d = 64;
    const auto b = encode_nonin_df8(p);
    out.clear();
    s->on_bytes(std::span<const std::uint8_t>(b.data(), b.size()), out);
    CHECK(out.to_send.empty());
    detected = !out.notes.empty();
  }
  REQUIRE(detected);
  CHECK(out.notes[0].starts_with("detected protocol nonin-8"));
}

TEST_CASE("auto detection never decides on noise") {
  auto s = make_auto_session();
  DecodeOutput out;
  std::vector<std::uint8_t> noise(20000);
  std::uint32_t x = 12345;
  for (auto& b : noise) b = static_cast<std::uint8_t>((x = x * 1103515245 + 12345) >> 16);
  s->on_bytes(noise, out);
  CHECK(out.notes.empty());
  CHECK(out.readings.empty());
  CHECK(s->stats().frames_ok == 0);
}
