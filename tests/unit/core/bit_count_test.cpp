#include "core/bit_count.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <random>

using vigil::core::bit_count;

static_assert(bit_count(0) == 0 && bit_count(~std::uint64_t{0}) == 64);

TEST_CASE("a word's set bits are counted as std::popcount counts them, at every position and width") {
  for (unsigned i = 0; i < 64; ++i) {
    const std::uint64_t one = std::uint64_t{1} << i;
    CHECK(bit_count(one) == 1);
    CHECK(bit_count(~one) == 63);
    CHECK(bit_count(one - 1) == i);  // the i bits below
  }
  CHECK(bit_count(0x8000000000000001u) == 2);
  CHECK(bit_count(0x00F0F0F0F0F0F0F0u) == 28);
  CHECK(bit_count(0x1F) == 5);  // a reading's five quality flags, all set
  std::mt19937_64 random{17};
  for (int k = 0; k < 100000; ++k) {
    const std::uint64_t x = random();
    CHECK(bit_count(x) == static_cast<unsigned>(std::popcount(x)));
  }
}
