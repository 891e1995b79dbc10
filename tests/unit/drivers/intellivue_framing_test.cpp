#include "drivers/intellivue/intellivue_framing.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/drivers/frame_bytes.hpp"

using namespace vigil::drivers;
using Bytes = std::vector<std::uint8_t>;
using vigil::test::cat;
using vigil::test::hex;

namespace {

// A single-poll result for the patient demographics object from a monitor:
// mindleaving/patient-monitor-datalogger, DataExploration.cs
// ("DebugFaultyFrameWithPatientDemographicsResult"), base64 decoded. That
// logger stored frames after removing the transparency escapes (0xC0 occurs
// raw inside), so these are BOF, header, data, FCS, EOF unescaped.
const Bytes kRecordedUnescaped =
    hex("C0 11 01 01 24 E1 00 00 02 00 02 01 1C 00 00 00 07 01 16 00 21 00 00 00 00 0C 16 01 0C 00 00 05 9E"
        "F2 00 FF FF FF FF FF FF FF FF 00 01 00 2A 08 07 00 01 00 F4 00 00 00 01 00 EE 00 50 00 1A 00 E8 09"
        "21 00 02 00 50 09 57 00 02 00 02 0A 1A 00 02 20 00 F0 01 00 0A C8 D9 D2 11 0E 34 52 9A 28 5C 09 62"
        "00 02 00 03 0A 1E 00 02 00 00 09 5D 00 04 00 02 00 00 09 5F 00 04 00 02 00 00 09 5C 00 10 00 0E 00"
        "4B 00 6F 00 65 00 6E 00 69 00 67 00 00 F2 D4 00 04 00 02 00 00 09 5A 00 0A 00 08 00 31 00 32 00 33"
        "00 00 F2 E1 00 04 00 02 00 00 F1 29 00 04 00 02 00 00 F1 2A 00 04 00 02 00 00 09 61 00 02 00 02 09"
        "58 00 08 00 00 00 00 00 00 00 00 09 D8 00 06 00 7F FF FF 09 40 09 DC 00 06 00 7F FF FF 05 11 09 DF"
        "00 06 00 7F FF FF 06 C0 09 56 00 06 00 7F FF FF 05 C0 F1 EC 00 02 00 01 F9 E8 00 08 00 00 00 00 00"
        "00 00 00 F9 E9 00 02 F1 0B F3 8A 00 04 00 00 00 00 F2 E2 00 04 80 75 20 95 F2 E3 00 04 80 8B 0D 99"
        "82 65 C1");

struct FedFrames {
  std::vector<Bytes> frames;
  std::vector<std::string> errors;
};

FedFrames feed_frames(IntellivueDeframer& d, const Bytes& bytes) {
  FedFrames f;
  d.feed(
      bytes, [&](std::span<const std::uint8_t> m) { f.frames.emplace_back(m.begin(), m.end()); }, f.errors);
  return f;
}

}  // namespace

TEST_CASE("the FCS is CRC-16/X.25: check value 0x906E for \"123456789\", good residue 0xF0B8") {
  const std::string_view check = "123456789";
  const Bytes data(check.begin(), check.end());
  CHECK(intellivue_fcs(data) == 0x906E);
  Bytes with_fcs = data;
  with_fcs.push_back(0x6E);  // low byte first
  with_fcs.push_back(0x90);
  CHECK(intellivue_fcs_update(intellivue_wire::kFcsInitial, with_fcs) == intellivue_wire::kFcsGood);
}

TEST_CASE("the FCS, four bytes at a time, equals the CRC computed bit by bit for any length and start") {
  // Reflected CRC-16/CCITT (polynomial 0x8408), one bit at a time.
  const auto by_bits = [](std::uint16_t crc, std::span<const std::uint8_t> bytes) {
    for (const std::uint8_t b : bytes) {
      crc ^= b;
      for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) != 0 ? (crc >> 1) ^ 0x8408u : crc >> 1;
    }
    return crc;
  };
  Bytes data;
  std::uint32_t x = 12345;
  for (int i = 0; i < 70; ++i) {
    x = x * 1103515245u + 12345u;
    data.push_back(static_cast<std::uint8_t>(x >> 16));
  }
  for (std::size_t from = 0; from < 4; ++from) {
    for (std::size_t length = 0; from + length <= data.size(); ++length) {
      const std::span<const std::uint8_t> part{data.data() + from, length};
      for (const std::uint16_t start : {std::uint16_t{0xFFFF}, std::uint16_t{0}, std::uint16_t{0x1D0F}}) {
        CAPTURE(from);
        CAPTURE(length);
        REQUIRE(intellivue_fcs_update(start, part) == by_bits(start, part));
      }
    }
  }
}

TEST_CASE("FCS values match OpenICE's TestFCSOutputStream: 3A 71 -> 9B 26, 3A 91 -> 95 C1") {
  CHECK(intellivue_fcs(hex("3A 71")) == 0x269B);
  CHECK(intellivue_fcs(hex("3A 91")) == 0xC195);
}

TEST_CASE("a frame escapes 0xC0, 0xC1 and 0x7D in header, data and FCS alike") {
  // 192 bytes of data puts 0xC0 into the length field of the header.
  Bytes data(0xC0, 0x00);
  data[0] = 0xC0;
  data[1] = 0xC1;
  data[2] = 0x7D;
  const auto frame = intellivue_frame(data);
  CHECK(frame.front() == 0xC0);
  CHECK(frame.back() == 0xC1);
  const Bytes start(frame.begin(), frame.begin() + 12);
  CHECK(start == hex("C0 11 01 00 7D E0 7D E0 7D E1 7D 5D"));
  for (std::size_t i = 1; i + 1 < frame.size(); ++i) {
    CHECK(frame[i] != 0xC0);
    CHECK(frame[i] != 0xC1);
  }
  IntellivueDeframer d;
  const auto f = feed_frames(d, frame);
  REQUIRE(f.frames.size() == 1);
  CHECK(f.frames[0] == data);
  CHECK(f.errors.empty());
}

TEST_CASE("an FCS byte that needs escaping is escaped (OpenICE's 3A 91 example)") {
  // OpenICE writes no header; with one, check that an escaped FCS still reads back.
  for (unsigned n = 0; n < 64; ++n) {
    const Bytes data{static_cast<std::uint8_t>(n), 0x91, 0x3A};
    IntellivueDeframer d;
    const auto f = feed_frames(d, intellivue_frame(data));
    REQUIRE(f.frames.size() == 1);
    CHECK(f.frames[0] == data);
  }
}

// The recorded frame as the monitor put it on the wire: escapes restored.
Bytes recorded_wire() {
  Bytes wire{0xC0};
  for (std::size_t i = 1; i + 1 < kRecordedUnescaped.size(); ++i) {
    const auto b = kRecordedUnescaped[i];
    if (b == 0xC0 || b == 0xC1 || b == 0x7D) {
      wire.push_back(0x7D);
      wire.push_back(static_cast<std::uint8_t>(b ^ 0x20));
    } else {
      wire.push_back(b);
    }
  }
  wire.push_back(0xC1);
  return wire;
}

TEST_CASE("a frame recorded from a monitor has a good FCS, and vigil frames its data identically") {
  const std::span<const std::uint8_t> content(kRecordedUnescaped.data() + 1, kRecordedUnescaped.size() - 2);
  CHECK(intellivue_fcs_update(intellivue_wire::kFcsInitial, content) == intellivue_wire::kFcsGood);
  const Bytes user_data(content.begin() + 4, content.end() - 2);
  CHECK(user_data.size() == 0x124);
  CHECK(intellivue_frame(user_data) == recorded_wire());

  IntellivueDeframer d;
  const auto f = feed_frames(d, recorded_wire());
  CHECK(f.errors.empty());
  REQUIRE(f.frames.size() == 1);
  CHECK(f.frames[0] == user_data);
  CHECK(d.stats().frames_ok == 1);
  CHECK(d.stats().frames_bad == 0);
}

TEST_CASE("the recorded frame sent without its escapes is cut short at the raw 0xC0 inside it") {
  IntellivueDeframer d;
  const auto f = feed_frames(d, kRecordedUnescaped);
  CHECK(f.frames.empty());
  CHECK_FALSE(f.errors.empty());
  CHECK(f.errors[0].find("cut short by a new frame start") != std::string::npos);
}

TEST_CASE("noise before a frame is skipped, counted and reported once") {
  IntellivueDeframer d;
  const auto f = feed_frames(d, cat({hex("00 FF 31 32 7D"), intellivue_frame(hex("E1 00"))}));
  REQUIRE(f.frames.size() == 1);
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0] == "intellivue: skipped 5 bytes before the next frame");
  CHECK(d.stats().resyncs == 5);
}

TEST_CASE("a corrupted byte fails the FCS; the next frame still decodes") {
  auto bad = intellivue_frame(hex("E1 00 00 02 01 02 03"));
  bad[8] ^= 0x01;
  IntellivueDeframer d;
  const auto f = feed_frames(d, cat({bad, intellivue_frame(hex("E1 00 00 02"))}));
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].find("FCS mismatch") != std::string::npos);
  CHECK(f.frames.size() == 1);
  CHECK(d.stats().frames_bad == 1);
  CHECK(d.stats().frames_ok == 1);
}

TEST_CASE("frame header and length field are checked after the FCS") {
  struct Case {
    Bytes raw;  // header, data and FCS before escaping
    std::string_view error;
  };
  auto raw = [](Bytes header_and_data) {
    const auto fcs = intellivue_fcs(header_and_data);
    header_and_data.push_back(static_cast<std::uint8_t>(fcs & 0xFF));
    header_and_data.push_back(static_cast<std::uint8_t>(fcs >> 8));
    return header_and_data;
  };
  const Case cases[] = {
      {raw(hex("12 01 00 01 AA")), "is not Data Export"},
      {raw(hex("11 02 00 01 AA")), "is not Data Export"},
      {raw(hex("11 01 00 05 AA")), "length field says 5 bytes but the frame holds 1"},
      {hex("11 01"), "too short"},
  };
  for (const auto& c : cases) {
    Bytes framed{0xC0};
    framed.insert(framed.end(), c.raw.begin(), c.raw.end());
    framed.push_back(0xC1);
    IntellivueDeframer d;
    const auto f = feed_frames(d, framed);
    CHECK(f.frames.empty());
    REQUIRE(f.errors.size() == 1);
    CHECK(f.errors[0].find(c.error) != std::string::npos);
    CHECK(d.stats().frames_bad == 1);
  }
}

TEST_CASE("a frame cut short by a new BOF is rejected and the new frame decodes") {
  const auto good = intellivue_frame(hex("E1 00 00 02"));
  const Bytes cut(good.begin(), good.begin() + 5);
  IntellivueDeframer d;
  const auto f = feed_frames(d, cat({cut, good}));
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0] == "intellivue: frame cut short by a new frame start after 4 bytes");
  CHECK(f.frames.size() == 1);
}

TEST_CASE("0x7D 0xC1 aborts a frame") {
  IntellivueDeframer d;
  const auto f = feed_frames(d, cat({hex("C0 11 01 00 02 E1 7D C1"), intellivue_frame(hex("E1 00"))}));
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].find("aborted by the sender") != std::string::npos);
  CHECK(f.frames.size() == 1);
}

TEST_CASE("an endless frame is dropped at the size limit and memory stays bounded") {
  Bytes endless{0xC0};
  endless.insert(endless.end(), IntellivueDeframer::kMaxUserData + 100, 0x42);
  endless.push_back(0xC1);
  IntellivueDeframer d;
  const auto f = feed_frames(d, cat({endless, intellivue_frame(hex("E1 00"))}));
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].find("longer than 8192 bytes") != std::string::npos);
  CHECK(f.frames.size() == 1);
  CHECK(d.stats().frames_bad == 1);
  // Every byte of the dropped frame and its end flag is a resync, whether
  // the bytes come at once or in pieces that cross the limit anywhere.
  CHECK(d.stats().resyncs == IntellivueDeframer::kMaxUserData + 100 + 1);
  for (const std::size_t step : {1u, 7u, 1000u, 8197u}) {
    IntellivueDeframer pieces;
    std::vector<std::string> errors;
    for (std::size_t at = 0; at < endless.size(); at += step) {
      const std::span<const std::uint8_t> part{endless.data() + at, std::min(step, endless.size() - at)};
      pieces.feed(
          part, [](std::span<const std::uint8_t>) {}, errors);
    }
    CHECK(errors == f.errors);
    CHECK(pieces.stats().resyncs == d.stats().resyncs);
  }
}

TEST_CASE("bytes split anywhere decode to the same frames and errors") {
  const auto stream =
      cat({hex("55 AA"), recorded_wire(), hex("C0 11 01 00 01 7D C1"), intellivue_frame(hex("E1 00 7D C0"))});
  IntellivueDeframer whole;
  const auto once = feed_frames(whole, stream);
  for (std::size_t step = 1; step <= 7; ++step) {
    IntellivueDeframer pieces;
    FedFrames all;
    for (std::size_t at = 0; at < stream.size(); at += step) {
      const Bytes part(stream.begin() + static_cast<std::ptrdiff_t>(at),
                       stream.begin() + static_cast<std::ptrdiff_t>(std::min(at + step, stream.size())));
      auto f = feed_frames(pieces, part);
      all.frames.insert(all.frames.end(), f.frames.begin(), f.frames.end());
      all.errors.insert(all.errors.end(), f.errors.begin(), f.errors.end());
    }
    CHECK(all.frames == once.frames);
    CHECK(all.errors == once.errors);
    CHECK(pieces.stats().resyncs == whole.stats().resyncs);
  }
  CHECK(once.frames.size() == 2);
  CHECK(once.errors.size() == 2);
}

TEST_CASE("a link reset reports the partial frame it throws away") {
  IntellivueDeframer d;
  feed_frames(d, hex("C0 11 01 00"));
  std::vector<std::string> errors;
  d.reset(errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "intellivue: frame of 3 bytes cut short by the link");
}
