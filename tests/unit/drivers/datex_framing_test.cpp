#include "drivers/datex/datex_framing.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "drivers/datex/datex_records.hpp"
#include "tests/unit/drivers/frame_bytes.hpp"

using namespace vigil::drivers;
using Bytes = std::vector<std::uint8_t>;
using vigil::test::cat;

namespace {

struct FedRecords {
  std::vector<Bytes> records;
  std::vector<std::string> errors;
};

FedRecords feed_records(DatexDeframer& d, const Bytes& bytes) {
  FedRecords f;
  d.feed(
      bytes, [&](std::span<const std::uint8_t> r) { f.records.emplace_back(r.begin(), r.end()); }, f.errors);
  return f;
}

// What VSCapture's RequestTransfer(DRI_PH_DISPL, interval, level) writes
// (Class1.cs): a 49-byte record, r_len 0x31, the DRI level, subrecord 0 of
// type 0, the end-of-list type 0xFF in the second descriptor, record type 1,
// the interval and the class bits 0x0E, then the 8-bit sum and the flag.
Bytes vscapture_request(std::uint8_t level, std::uint8_t interval) {
  Bytes frame{0x7E, 0x31, 0x00, 0x00, level};  // r_len, r_nbr, dri_level
  frame.insert(frame.end(), 17, 0x00);         // plug id .. first descriptor
  frame.push_back(0xFF);                       // second descriptor's type: end of list
  frame.insert(frame.end(), 18, 0x00);         // the other descriptors
  for (std::uint8_t b :
       {std::uint8_t{0x01}, interval, std::uint8_t{0x00}, std::uint8_t{0x0E}, std::uint8_t{0x00},
        std::uint8_t{0x00}, std::uint8_t{0x00}, std::uint8_t{0x00}, std::uint8_t{0x00}})
    frame.push_back(b);
  frame.push_back(static_cast<std::uint8_t>(0x31 + level + 0xFF + 0x01 + interval + 0x0E));
  frame.push_back(0x7E);
  return frame;
}

}  // namespace

TEST_CASE("the checksum is the 8-bit sum of the record") {
  CHECK(datex_checksum(Bytes{}) == 0);
  CHECK(datex_checksum(Bytes{0x31, 0x09, 0xFF, 0x01, 0x05, 0x0E}) == 0x4D);
  CHECK(datex_checksum(Bytes(300, 0xFF)) == static_cast<std::uint8_t>(300 * 0xFF));
}

TEST_CASE("a request frame matches VSCapture's bytes and flora-core's appendix-A pattern") {
  const DatexPhdbRequest vs{datex::kLevel2005, datex::kPhDisplayed, 5, 0x0E};
  CHECK(datex_frame(encode_datex_phdb_request(vs)) == vscapture_request(0x09, 5));
  // flora-core: "7e 31 00 [level] 00..00 ff 00..00 01 0a 00 0e 00 00 00 00 00 [chk] 7e"
  // (its code puts the level in byte 3, after r_nbr, as VSCapture does)
  const DatexPhdbRequest ten{datex::kLevel2003, datex::kPhDisplayed, 10, 0x0E};
  const auto frame = datex_frame(encode_datex_phdb_request(ten));
  CHECK(frame == vscapture_request(0x08, 10));
  CHECK(frame[frame.size() - 2] == static_cast<std::uint8_t>(0x31 + 0x08 + 0xFF + 0x01 + 0x0A + 0x0E));
}

TEST_CASE("0x7E and 0x7D are sent with bit 5 cleared after 0x7D, the checksum included") {
  const Bytes record{0x7E, 0x01, 0x7D, 0x82};  // sums to 0x7E
  CHECK(datex_frame(record) == Bytes{0x7E, 0x7D, 0x5E, 0x01, 0x7D, 0x5D, 0x82, 0x7D, 0x5E, 0x7E});
  DatexDeframer d;
  const auto f = feed_records(d, datex_frame(record));
  REQUIRE(f.records.size() == 1);
  CHECK(f.records[0] == record);
  CHECK(f.errors.empty());
}

TEST_CASE("a flag both ends one frame and starts the next; double flags are no frame at all") {
  const Bytes a{0x01, 0x02}, b{0x03};
  auto fa = datex_frame(a);
  auto fb = datex_frame(b);
  Bytes shared = fa;
  shared.insert(shared.end(), fb.begin() + 1, fb.end());  // one flag between the two
  DatexDeframer d;
  auto f = feed_records(d, cat({shared, fa, fb}));
  CHECK(f.records == std::vector<Bytes>{a, b, a, b});
  CHECK(f.errors.empty());
  CHECK(d.stats().frames_ok == 4);
}

TEST_CASE("noise before the first flag is skipped and reported once; noise between frames is a bad frame") {
  DatexDeframer d;
  auto f = feed_records(d, cat({Bytes{0x55, 0x66, 0x77}, datex_frame(Bytes{0x10})}));
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0] == "datex: skipped 3 bytes before the next frame");
  CHECK(d.stats().resyncs == 3);
  CHECK(f.records.size() == 1);
  f = feed_records(d, cat({Bytes{0x12, 0x13, 0x7E}, datex_frame(Bytes{0x20})}));
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].find("checksum mismatch") != std::string::npos);
  CHECK(f.records.size() == 1);
}

TEST_CASE("a corrupted byte fails the checksum; the next frame still decodes") {
  auto bad = datex_frame(Bytes{0x01, 0x02, 0x03});
  bad[2] ^= 0x04;
  DatexDeframer d;
  const auto f = feed_records(d, cat({bad, datex_frame(Bytes{0x09})}));
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0] == "datex: checksum mismatch in a frame of 4 bytes (sum 10, frame says 6)");
  CHECK(f.records.size() == 1);
  CHECK(d.stats().frames_bad == 1);
}

TEST_CASE("a frame that ends inside an escape or holds only a checksum is rejected") {
  DatexDeframer d;
  auto f = feed_records(d, Bytes{0x7E, 0x01, 0x7D, 0x7E});
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].find("middle of an escape") != std::string::npos);
  f = feed_records(d, Bytes{0x05, 0x7E});
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].find("too short") != std::string::npos);
}

TEST_CASE("a frame longer than the largest record is dropped up to the next flag") {
  Bytes endless{0x7E};
  endless.insert(endless.end(), datex_wire::kMaxRecord + 50, 0x01);
  DatexDeframer d;
  const auto f = feed_records(d, cat({endless, datex_frame(Bytes{0x33})}));
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].find("longer than the largest record") != std::string::npos);
  CHECK(f.records == std::vector<Bytes>{Bytes{0x33}});
}

TEST_CASE("bytes split anywhere decode to the same records and errors") {
  const auto stream = cat({Bytes{0x41, 0x42}, datex_frame(Bytes{0x7E, 0x7D, 0x01}), Bytes{0x99, 0x7E},
                           datex_frame(encode_datex_phdb_request({}))});
  DatexDeframer whole;
  const auto once = feed_records(whole, stream);
  for (std::size_t step = 1; step <= 5; ++step) {
    DatexDeframer pieces;
    FedRecords all;
    for (std::size_t at = 0; at < stream.size(); at += step) {
      const Bytes part(stream.begin() + static_cast<std::ptrdiff_t>(at),
                       stream.begin() + static_cast<std::ptrdiff_t>(std::min(at + step, stream.size())));
      auto f = feed_records(pieces, part);
      all.records.insert(all.records.end(), f.records.begin(), f.records.end());
      all.errors.insert(all.errors.end(), f.errors.begin(), f.errors.end());
    }
    CHECK(all.records == once.records);
    CHECK(all.errors == once.errors);
  }
  CHECK(once.records.size() == 2);
  CHECK(once.errors.size() == 2);
}

TEST_CASE("a link reset reports a partial frame but not the idle state between frames") {
  DatexDeframer d;
  feed_records(d, datex_frame(Bytes{0x01}));
  std::vector<std::string> errors;
  d.reset(errors);
  CHECK(errors.empty());
  feed_records(d, Bytes{0x7E, 0x01, 0x02});
  d.reset(errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "datex: frame of 2 bytes cut short by the link");
}
