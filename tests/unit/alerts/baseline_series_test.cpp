// BaselineSeries, the baseline window's storage: every value and time comes
// back exactly as kept, in 4 bytes for what the devices send.
#include "alerts/baseline_series.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <deque>
#include <limits>
#include <utility>
#include <vector>

using vigil::alerts::BaselineSeries;

namespace {

using SeriesValues = std::vector<std::pair<std::uint32_t, std::int32_t>>;  // a value's bits, its time

SeriesValues series_values(const BaselineSeries& s) {
  SeriesValues out;
  s.for_each([&](float v, std::int32_t ms) { out.emplace_back(std::bit_cast<std::uint32_t>(v), ms); });
  return out;
}

}  // namespace

TEST_CASE("ten minutes of a monitor's whole numbers and tenths, a second apart, take 4 bytes a value") {
  BaselineSeries s;
  for (int i = 0; i < 600; ++i) s.push_back(static_cast<float>(90 + (i % 100) / 10.0), 1000 * i + i % 7);
  CHECK(s.size() == 600);
  CHECK(s.encoded_bytes() == 600 * 4);
  const auto kept = series_values(s);
  REQUIRE(kept.size() == 600);
  CHECK(kept[123].first == std::bit_cast<std::uint32_t>(static_cast<float>(92.3)));
  CHECK(kept[123].second == 123'000 + 123 % 7);
}

TEST_CASE(
    "values that are not tenths, a gap over a minute and a clock that stepped back come back exactly, in "
    "12 bytes each") {
  BaselineSeries s;
  s.push_back(97, 0);
  s.push_back(static_cast<float>(93.333), 1000);                // not a tenth
  s.push_back(96, 71'000);                                      // 70 s after the value before
  s.push_back(95, 41'000);                                      // the clock stepped back 30 s
  s.push_back(-0.0F, 42'000);                                   // its sign kept
  s.push_back(std::numeric_limits<float>::infinity(), 43'000);  // beyond 16 bits of tenths
  s.push_back(3276.7F, 44'000);                                 // the largest narrow value
  CHECK(s.encoded_bytes() == 4 + 12 * 5 + 4);
  const SeriesValues expected{{std::bit_cast<std::uint32_t>(97.0F), 0},
                              {std::bit_cast<std::uint32_t>(static_cast<float>(93.333)), 1000},
                              {std::bit_cast<std::uint32_t>(96.0F), 71'000},
                              {std::bit_cast<std::uint32_t>(95.0F), 41'000},
                              {std::bit_cast<std::uint32_t>(-0.0F), 42'000},
                              {std::bit_cast<std::uint32_t>(std::numeric_limits<float>::infinity()), 43'000},
                              {std::bit_cast<std::uint32_t>(3276.7F), 44'000}};
  CHECK(series_values(s) == expected);
  s.pop_front();
  s.pop_front();
  CHECK(s.front_ms() == 71'000);
  CHECK(s.back_ms() == 44'000);
  CHECK(series_values(s) == SeriesValues(expected.begin() + 2, expected.end()));
}

TEST_CASE("a long fixed sequence of values kept and dropped reads back as a plain list of them does") {
  BaselineSeries s;
  std::deque<std::pair<std::uint32_t, std::int32_t>> plain;
  std::uint32_t r = 17;  // a fixed sequence
  std::int32_t ms = -5000;
  for (int i = 0; i < 20000; ++i) {
    r = r * 1103515245 + 12345;
    const auto pick = (r >> 8) % 100;
    if (pick < 35 && !plain.empty()) {
      s.pop_front();
      plain.pop_front();
    } else {
      // Mostly a second apart; now and then a long gap or a step back.
      ms += pick < 90 ? 900 + static_cast<std::int32_t>((r >> 12) % 300)
                      : static_cast<std::int32_t>((r >> 12) % 200'000) - 100'000;
      const float value = pick % 3 == 0   ? static_cast<float>(((r >> 16) % 3000) / 10.0)
                          : pick % 3 == 1 ? static_cast<float>((r >> 16) % 250)
                                          : static_cast<float>(((r >> 10) % 100000) / 997.0);
      s.push_back(value, ms);
      plain.emplace_back(std::bit_cast<std::uint32_t>(value), ms);
    }
    REQUIRE(s.size() == plain.size());
    if (plain.empty()) continue;
    REQUIRE(s.front_ms() == plain.front().second);
    REQUIRE(s.back_ms() == plain.back().second);
    if (i % 97 == 0) REQUIRE(series_values(s) == SeriesValues(plain.begin(), plain.end()));
  }
  CHECK(series_values(s) == SeriesValues(plain.begin(), plain.end()));
}
