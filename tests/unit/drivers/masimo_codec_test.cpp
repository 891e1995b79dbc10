#include "drivers/masimo/masimo_codec.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "capture_replay.hpp"
#include "drivers/device_session.hpp"
#include "tests/unit/drivers/calendar_time.hpp"

using namespace vigil;
using namespace vigil::drivers;
using core::DeviceCondition;
using core::Metric;
using core::QualityFlag;
using vigil::test::utc;

namespace {

// Verbatim Rad-8 output from github.com/yahnatan/pulseox README.
constexpr std::string_view kRad8Line =
    "02/22/16 22:47:45 SN=0000056661 SPO2=098% BPM=097 PI=03.60% SPCO=--.-% SPMET=--.-% DESAT=-- "
    "PIDELTA=+-- ALARM=0000 EXC=000800";
// MD PnP OpenICE poxrad_discrete.h, Radical-7 and Radical-5 example strings.
constexpr std::string_view kRadical7Line =
    "12/01/05 11:56:29 SN=0123456789 SPO2=098% BPM=240 PI=20.00% SPCO=01.0% SPMET=00.5% DESAT=01 "
    "PIDELTA=-02 PVI=027 ALARM=0000 EXC=000820";
constexpr std::string_view kRadical5Line = "09/15/10 15:10:29 SPO2=097% BPM=064 PI=11.82% ALARM=20 EXC=800";

std::vector<std::uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

DecodeOutput feed(DeviceSession& s, std::string_view text) {
  DecodeOutput out;
  s.on_bytes(bytes_of(text), out);
  return out;
}

std::string describe_one_by_one(std::string_view text) {
  auto session = make_masimo_session();
  std::string described;
  for (char c : text) {
    DecodeOutput out;
    const auto b = static_cast<std::uint8_t>(c);
    session->on_bytes(std::span(&b, 1), out);
    test::describe(out, described);
  }
  return described + test::describe_stats(session->stats());
}

}  // namespace

TEST_CASE("a Rad-8 line from a real capture decodes to SpO2 98 %, pulse 97 /min and PI 3.6 %") {
  const auto r = parse_masimo_line(kRad8Line);
  REQUIRE_MESSAGE(r.frame.has_value(), r.error);
  CHECK(r.frame->spo2 == 98);
  CHECK(r.frame->pulse == 97);
  CHECK(r.frame->pi == doctest::Approx(3.6));
  CHECK(r.frame->serial == "0000056661");
  CHECK(r.frame->alarm == 0);
  CHECK(r.frame->exceptions == masimo_exc::masimo_set);
  CHECK(r.frame->device_time == utc(2016, 2, 22, 22, 47, 45));
}

TEST_CASE("the encoder writes the Rad-8 layout byte for byte") {
  MasimoFrame f;
  f.spo2 = 98;
  f.pulse = 97;
  f.pi = 3.6;
  f.serial = "0000056661";
  f.exceptions = masimo_exc::masimo_set;
  f.device_time = utc(2016, 2, 22, 22, 47, 45);
  CHECK(encode_masimo(f) == std::string(kRad8Line) + "\r\n");
}

TEST_CASE("Radical-7 and Radical-5 layouts decode by key, extra fields ignored and SN optional") {
  const auto r7 = parse_masimo_line(kRadical7Line);
  REQUIRE_MESSAGE(r7.frame.has_value(), r7.error);
  CHECK(r7.frame->pulse == 240);
  CHECK(r7.frame->pi == doctest::Approx(20.0));
  CHECK(r7.frame->exceptions == (masimo_exc::masimo_set | masimo_exc::sensor_off));
  const auto r5 = parse_masimo_line(kRadical5Line);
  REQUIRE_MESSAGE(r5.frame.has_value(), r5.error);
  CHECK(r5.frame->serial.empty());
  CHECK(r5.frame->spo2 == 97);
  CHECK(r5.frame->alarm == masimo_alarm::alarm_silenced);
  CHECK(r5.frame->device_time == utc(2010, 9, 15, 15, 10, 29));
}

TEST_CASE("dashes mean no value: the session flags the reading invalid instead of reporting 0 %") {
  auto s = make_masimo_session();
  const auto out = feed(*s,
                        "03/19/16 13:37:12 SN=0000093112 SPO2=---% BPM=--- PI=--.--% SPCO=--.-% SPMET=--.-% "
                        "DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000001\r\n");
  REQUIRE(out.readings.size() == 3);
  for (const auto& r : out.readings) {
    CHECK(r.quality.has(QualityFlag::invalid));
    CHECK(r.quality.has(QualityFlag::sensor_off));
    CHECK_FALSE(r.quality.usable());
    CHECK_FALSE(r.device_time.has_value());
  }
  REQUIRE(out.conditions.has_value());
  CHECK(out.conditions->has(DeviceCondition::no_sensor));
}

TEST_CASE(
    "a good reading carries no quality flags and the device's clock is not taken as the measurement time") {
  auto s = make_masimo_session();
  const auto out = feed(*s, std::string(kRad8Line) + "\r\n");
  REQUIRE(out.readings.size() == 3);
  CHECK(out.readings[0].metric == Metric::spo2);
  CHECK(out.readings[1].metric == Metric::pulse_rate);
  CHECK(out.readings[2].metric == Metric::perfusion_index);
  for (const auto& r : out.readings) {
    CHECK(r.quality.usable());
    CHECK_FALSE(r.device_time.has_value());
  }
  CHECK(out.conditions == core::DeviceConditions{});
  CHECK(s->stats().frames_ok == 1);
}

TEST_CASE("every exception bit vigil maps raises its condition and marks the values") {
  struct Case {
    std::uint32_t bit;
    DeviceCondition condition;
    QualityFlag flag;
  };
  namespace x = masimo_exc;
  const Case cases[] = {
      {x::no_sensor, DeviceCondition::no_sensor, QualityFlag::sensor_off},
      {x::defective_sensor, DeviceCondition::device_malfunction, QualityFlag::questionable},
      {x::low_perfusion, DeviceCondition::low_perfusion, QualityFlag::low_perfusion},
      {x::pulse_search, DeviceCondition::searching, QualityFlag::questionable},
      {x::interference, DeviceCondition::artifact, QualityFlag::artifact},
      {x::sensor_off, DeviceCondition::sensor_off, QualityFlag::sensor_off},
      {x::ambient_light, DeviceCondition::artifact, QualityFlag::artifact},
      {x::unrecognized_sensor, DeviceCondition::device_malfunction, QualityFlag::questionable},
      {x::incompatible_sensor, DeviceCondition::device_malfunction, QualityFlag::questionable},
      {x::low_signal_iq, DeviceCondition::low_signal_quality, QualityFlag::questionable},
      {x::no_cable, DeviceCondition::no_sensor, QualityFlag::sensor_off},
      {x::cable_life_expired, DeviceCondition::device_malfunction, QualityFlag::questionable},
      {x::incompatible_cable, DeviceCondition::device_malfunction, QualityFlag::questionable},
      {x::unrecognized_cable, DeviceCondition::device_malfunction, QualityFlag::questionable},
      {x::defective_cable, DeviceCondition::device_malfunction, QualityFlag::questionable},
      {x::sensor_calibrating, DeviceCondition::searching, QualityFlag::questionable},
      {x::sensor_life_expired, DeviceCondition::device_malfunction, QualityFlag::questionable},
      {x::emitter_temp_out_of_range, DeviceCondition::device_malfunction, QualityFlag::questionable},
      {x::sensor_current_limit, DeviceCondition::device_malfunction, QualityFlag::questionable},
  };
  for (const auto& c : cases) {
    INFO("EXC bit 0x" << std::hex << c.bit);
    MasimoFrame f;
    f.spo2 = 95;
    f.pulse = 70;
    f.pi = 1.5;
    f.exceptions = c.bit | x::masimo_set;
    auto s = make_masimo_session();
    const auto out = feed(*s, encode_masimo(f));
    REQUIRE(out.conditions.has_value());
    CHECK(out.conditions->has(c.condition));
    core::DeviceConditions only;
    only.set(c.condition);
    CHECK(*out.conditions == only);
    REQUIRE(out.readings.size() == 3);
    for (const auto& r : out.readings) {
      CHECK(r.quality.has(c.flag));
      CHECK_FALSE(r.quality.has(QualityFlag::invalid));
    }
  }
}

TEST_CASE("low perfusion alone keeps the value usable; Masimo SET alone is no condition at all") {
  CHECK(masimo_quality(masimo_exc::low_perfusion).usable());
  CHECK(masimo_quality(masimo_exc::masimo_set).bits == 0);
  CHECK(masimo_conditions(masimo_exc::masimo_set, 0) == core::DeviceConditions{});
}

TEST_CASE(
    "the low-battery alarm bit becomes a low_battery condition; limit alarms are the daemon's to judge") {
  CHECK(masimo_conditions(0, masimo_alarm::low_battery).has(DeviceCondition::low_battery));
  const auto limits = masimo_alarm::spo2_low | masimo_alarm::pulse_high | masimo_alarm::alarm_active;
  CHECK(masimo_conditions(0, limits) == core::DeviceConditions{});
}

TEST_CASE("frames round-trip through encoder and decoder") {
  std::vector<MasimoFrame> frames(4);
  frames[0].spo2 = 100;
  frames[0].pulse = 25;
  frames[0].pi = 0.02;
  frames[0].serial = "0000182948";
  frames[0].device_time = utc(2024, 12, 31, 23, 59, 59);
  frames[1].exceptions = masimo_exc::sensor_off | masimo_exc::pulse_search | masimo_exc::masimo_set;
  frames[1].alarm = masimo_alarm::alarm_active | masimo_alarm::spo2_low;
  frames[2].spo2 = 88;
  frames[2].pulse = 131;
  frames[2].pi = 19.5;
  frames[2].exceptions = 0x1FFFFF;
  frames[2].alarm = 0x3FFF;
  frames[3].spo2 = 0;
  frames[3].pulse = 0;
  frames[3].device_time = utc(2000, 1, 1, 0, 0, 0);
  for (const auto& f : frames) {
    const auto line = encode_masimo(f);
    INFO(line);
    REQUIRE(line.substr(line.size() - 2) == "\r\n");
    const auto back = parse_masimo_line(std::string_view(line).substr(0, line.size() - 2));
    REQUIRE_MESSAGE(back.frame.has_value(), back.error);
    CHECK(*back.frame == f);
  }
}

TEST_CASE("a frame fed one byte at a time decodes exactly as when fed whole") {
  const std::string stream = std::string(kRad8Line) + "\r\n" + std::string(kRadical7Line) + "\r\n" +
                             std::string(kRadical5Line) + "\r\n";
  auto whole = make_masimo_session();
  const auto once = feed(*whole, stream);
  REQUIRE(once.readings.size() == 9);
  // Byte by byte, every frame comes out on its own, with its own conditions.
  const auto split = describe_one_by_one(stream);
  CHECK(split == test::format_reading(once.readings[0]) + "\n" + test::format_reading(once.readings[1]) +
                     "\n" + test::format_reading(once.readings[2]) + "\nconditions none\n" +
                     test::format_reading(once.readings[3]) + "\n" + test::format_reading(once.readings[4]) +
                     "\n" + test::format_reading(once.readings[5]) + "\nconditions sensor_off\n" +
                     test::format_reading(once.readings[6]) + "\n" + test::format_reading(once.readings[7]) +
                     "\n" + test::format_reading(once.readings[8]) + "\nconditions none\n" +
                     test::describe_stats(whole->stats()));
}

TEST_CASE("noise before a line is skipped and counted; the line still decodes") {
  auto s = make_masimo_session();
  const auto out = feed(*s, "\x7f\x01~~" + std::string(kRad8Line) + "\r\n");
  CHECK(out.readings.size() == 3);
  CHECK(s->stats().resyncs == 4);
  CHECK(s->stats().frames_ok == 1);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].find("skipped 4 bytes") != std::string::npos);
}

TEST_CASE("a corrupted byte inside a line rejects the whole line with one error") {
  auto s = make_masimo_session();
  std::string bad(kRad8Line);
  bad[40] = '\x13';
  const auto out = feed(*s, bad + "\r\n" + std::string(kRad8Line) + "\r\n");
  CHECK(out.readings.size() == 3);
  CHECK(out.errors.size() == 1);
  CHECK(s->stats().frames_bad == 1);
  CHECK(s->stats().frames_ok == 1);
}

TEST_CASE(
    "a control or non-ASCII byte rejects the line wherever it sits, in a line fed whole or byte by byte") {
  // Every position: the printable check reads eight bytes at a time, then
  // the last few one by one.
  for (std::size_t at = 0; at < kRad8Line.size(); ++at) {
    for (const char b : {'\x00', '\x1f', '\x7f', '\x80', '\xff'}) {
      std::string bad(kRad8Line);
      bad[at] = b;
      auto s = make_masimo_session();
      const auto out = feed(*s, bad + "\r\n");
      CAPTURE(at);
      CAPTURE(static_cast<int>(static_cast<unsigned char>(b)));
      CHECK(out.readings.empty());
      REQUIRE(out.errors.size() == 1);
      CHECK(out.errors[0] == "masimo: line holds bytes that are not printable ASCII");
      CHECK(describe_one_by_one(bad + "\r\n") == [&] {
        std::string whole;
        test::describe(out, whole);
        return whole + test::describe_stats(s->stats());
      }());
    }
  }
}

TEST_CASE("values that cannot be measurements reject the line") {
  const std::string_view bad[] = {
      "02/22/16 22:47:45 SN=1 SPO2=101% BPM=097 PI=03.60% ALARM=0000 EXC=000800",  // SpO2 over 100
      "02/22/16 22:47:45 SN=1 SPO2=098% BPM=3-7 PI=03.60% ALARM=0000 EXC=000800",  // digits mixed with dashes
      "02/22/16 22:47:45 SN=1 SPO2=098% BPM=097 PI=03.60% ALARM=00G0 EXC=000800",  // not hex
      "02/30/16 22:47:45 SN=1 SPO2=098% BPM=097 PI=03.60% ALARM=0000 EXC=000800",  // 30 February
      "02/22/16 24:47:45 SN=1 SPO2=098% BPM=097 PI=03.60% ALARM=0000 EXC=000800",  // hour 24
      "02/22/16 22:47:45 SN=1 SPO2=098% SPO2=097% BPM=097 ALARM=0000 EXC=000800",  // key twice
      "02/22/16 22:47:45 SN=1 SPO2=098% BPM=097 PI=03.60% ALARM=0000",             // no EXC
      "02/22/16 22:47:45 SN=1 SPO2=098% BPM=097 PI=03.60% ALARM=0000 EXC=123456789",
      "02/22/16 22:47:45 SN=1 SPO2=098% garbage BPM=097 ALARM=0000 EXC=000800",
  };
  for (auto line : bad) {
    INFO(line);
    const auto r = parse_masimo_line(line);
    CHECK_FALSE(r.frame.has_value());
    CHECK_FALSE(r.error.empty());
  }
}

TEST_CASE("a cut-short line is rejected, and so is the partial line at the end of a stream once it ends") {
  auto s = make_masimo_session();
  auto out = feed(*s, std::string(kRad8Line.substr(0, 50)) + "\r\n" + std::string(kRad8Line.substr(0, 30)));
  CHECK(out.readings.empty());
  CHECK(s->stats().frames_bad == 1);
  out = feed(*s, std::string(kRad8Line.substr(30)) + "\r\n");  // the rest arrives: a whole line after all
  CHECK(out.readings.size() == 3);
  CHECK(s->stats().frames_ok == 1);
}

TEST_CASE("two lines run together after a lost terminator: the first is rejected, the second read") {
  auto s = make_masimo_session();
  const auto out = feed(*s, std::string(kRad8Line.substr(0, 70)) + std::string(kRadical5Line) + "\r\n");
  REQUIRE(out.readings.size() == 3);
  CHECK(out.readings[0].value == 97);
  CHECK(s->stats().frames_bad == 1);
  CHECK(s->stats().frames_ok == 1);
}

TEST_CASE("an endless line without a terminator never grows the buffer past the cap") {
  auto s = make_masimo_session();
  const std::string junk(100000, 'A');
  auto out = feed(*s, junk);
  CHECK(out.errors.empty());
  out = feed(*s, junk + "\r\n" + std::string(kRad8Line) + "\r\n");
  CHECK(out.readings.size() == 3);
  REQUIRE(out.errors.size() == 1);
  CHECK(out.errors[0].find("longer than 512") != std::string::npos);
  CHECK(s->stats().frames_bad == 1);
  CHECK(s->stats().resyncs == 200000);
  CHECK(s->stats().bytes == 200000 + 2 + kRad8Line.size() + 2);
}

TEST_CASE("LF CR line ends and blank lines decode like CR LF") {
  auto s = make_masimo_session();
  const auto out = feed(*s, "\n\r\n\r" + std::string(kRad8Line) + "\n\r\r\n");
  CHECK(out.readings.size() == 3);
  CHECK(out.errors.empty());
  CHECK(s->stats().frames_bad == 0);
}

TEST_CASE("the protocol table offers masimo at 9600 baud, one line a second, no request needed") {
  const auto* p = find_protocol("masimo");
  REQUIRE(p != nullptr);
  CHECK(p->default_baud == 9600);
  CHECK(p->expected_interval == std::chrono::seconds{1});
  CHECK_FALSE(p->needs_request);
  auto s = p->make_session();
  CHECK(feed(*s, std::string(kRad8Line) + "\r\n").readings.size() == 3);
}

TEST_CASE("a 512-byte line is read and a 513-byte one dropped whole, however the bytes arrive") {
  const auto padded = [](std::size_t size) {
    std::string line(kRad8Line);
    line.resize(size, ' ');  // trailing spaces are no field
    return line + "\r\n";
  };
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{100}, std::size_t{10000}}) {
    CAPTURE(chunk);
    auto s = make_masimo_session();
    std::size_t readings = 0;
    std::vector<std::string> errors;
    const std::string stream = padded(512) + padded(513) + std::string(kRad8Line) + "\r\n";
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      const auto out = feed(*s, std::string_view(stream).substr(at, chunk));
      readings += out.readings.size();
      errors.insert(errors.end(), out.errors.begin(), out.errors.end());
    }
    CHECK(readings == 6);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("longer than 512") != std::string::npos);
    CHECK(s->stats().frames_ok == 2);
    CHECK(s->stats().frames_bad == 1);
    CHECK(s->stats().resyncs == 513);
  }
}

TEST_CASE("a malformed word anywhere outranks a bad value before it, as when every word was split first") {
  // Fields are applied as they are split: the bad SpO2 is seen first, but
  // the word without '=' later in the line is the error the line gets.
  const auto r = parse_masimo_line("02/22/16 22:47:45 SPO2=101% BPM=097 garbage ALARM=0000 EXC=000800");
  CHECK_FALSE(r.frame.has_value());
  CHECK(r.error == "malformed field 'garbage'");
  const auto name =
      parse_masimo_line("02/22/16 22:47:45 SPO2=098% SPO2=097% BPM=097 ALARM=0000 EXC=000800 eXC=1");
  CHECK(name.error == "malformed field name 'eXC'");
  // Without a malformed word, the first value that cannot be applied is it.
  const auto twice = parse_masimo_line("02/22/16 22:47:45 SPO2=098% SPO2=101% BPM=3-7 ALARM=0000 EXC=000800");
  CHECK(twice.error == "field SPO2 appears twice");
  const auto value = parse_masimo_line("SPO2=098% BPM=3-7 SPO2=098% ALARM=0000 EXC=000800");
  CHECK(value.error == "BPM=3-7 is not a value between 0 and 300");
  const auto missing = parse_masimo_line("SPO2=098% PI=03.60% EXC=000800");
  CHECK(missing.error == "line lacks BPM, ALARM");
}

TEST_CASE("a key that is not a field name is rejected whether its word is far from or near the line's end") {
  // A word with 16 bytes after its start is read in one block, one nearer
  // the end byte by byte: both must judge the key alike.
  for (const std::string_view key : {"Sp", "S-O2", "S\xc3\x9c", "SPO2 ", "A_B", "ok"}) {
    const std::string early = "SPO2=098% " + std::string(key) + "=1 BPM=097 ALARM=0000 EXC=000800";
    const std::string late = "SPO2=098% BPM=097 ALARM=0000 EXC=000800 " + std::string(key) + "=1";
    CAPTURE(key);
    const auto e = parse_masimo_line(early), l = parse_masimo_line(late);
    CHECK_FALSE(e.frame.has_value());
    CHECK_FALSE(l.frame.has_value());
    CHECK(e.error == l.error);
  }
  // Capitals and digits only: "SPHB" and "EXC1" are names, and so is "0".
  for (const std::string_view ok : {"SPHB", "EXC1", "0", "ZZZZZZZZZZZZZZ", "AAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    CAPTURE(ok);
    CHECK(parse_masimo_line("SPO2=098% " + std::string(ok) + "=1 BPM=097 ALARM=0000 EXC=000800").frame);
    CHECK(parse_masimo_line("SPO2=098% BPM=097 ALARM=0000 EXC=000800 " + std::string(ok) + "=1").frame);
  }
}

TEST_CASE("values are the numbers they spell, with or without a point, and nothing else is a value") {
  const auto value = [](std::string_view pi) {
    const auto r = parse_masimo_line("SPO2=098% BPM=097 PI=" + std::string(pi) + "% ALARM=0000 EXC=000800");
    return r.frame ? r.frame->pi : std::optional<double>{-1.0};
  };
  CHECK(value("098") == 98.0);
  CHECK(value("00000007") == 7.0);
  CHECK(value("5.") == 5.0);
  CHECK(value(".5") == 0.5);
  CHECK(value("03.60") == 3.0 + 6 * 0.1);  // the digits after the point as they were always added
  CHECK(value("0.05") == 0.0 + 0 * 0.1 + 5 * (0.1 / 10));
  CHECK(value("--.--") == std::nullopt);
  CHECK(value(".") == -1.0);
  CHECK(value("1.2.3") == -1.0);
  CHECK(value("000000001") == -1.0);  // nine bytes
  CHECK(value("1e2") == -1.0);
  CHECK(value("100.01") == -1.0);
}

TEST_CASE("a second date is found wherever it sits in the line, and a slash alone is no date") {
  // The scan for a second date reads 16 bytes at a time and the last few
  // one by one: a run-together line is split at every offset alike.
  const std::string second(kRadical5Line);
  for (std::size_t cut = 18; cut < kRad8Line.size(); ++cut) {
    auto s = make_masimo_session();
    const auto out = feed(*s, std::string(kRad8Line.substr(0, cut)) + second + "\r\n");
    CAPTURE(cut);
    CHECK(out.readings.size() == 3);
    CHECK(s->stats().frames_ok == 1);
    CHECK(s->stats().frames_bad == 1);
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0].starts_with("masimo: line cut short by the next one ("));
  }
  for (std::size_t noise = 1; noise < 40; ++noise) {
    auto s = make_masimo_session();
    const auto out = feed(*s, std::string(noise, '/') + second + "\r\n");
    CAPTURE(noise);
    CHECK(out.readings.size() == 3);
    CHECK(s->stats().resyncs == noise);
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0] == "masimo: skipped " + std::to_string(noise) + " bytes of noise before a line");
  }
}

TEST_CASE("a date with any byte out of its pattern is no date, and the line is read as fields") {
  // The date's first 16 bytes are checked in one block, the 17th on its own.
  const std::string line(kRad8Line);
  for (std::size_t at = 0; at < 17; ++at) {
    for (const char b : {'0', '9', '/', ':', ' ', 'a', '\x80'}) {
      const auto digit = [](char c) { return c >= '0' && c <= '9'; };
      if (line[at] == b || (digit(b) && digit(line[at]))) continue;  // still the pattern
      std::string bad = line;
      bad[at] = b;
      CAPTURE(at);
      CAPTURE(b);
      const auto r = parse_masimo_line(bad);
      CHECK_FALSE(r.frame.has_value());
      CHECK(r.error.starts_with("malformed field"));
    }
  }
  CHECK(parse_masimo_line(line).frame->device_time == utc(2016, 2, 22, 22, 47, 45));
}

TEST_CASE("words shorter than a block, longer than one, and lines shorter than one split alike") {
  // A 32-character serial (a word longer than 16 bytes) is read, a 33rd
  // character rejects it; a line under 16 bytes is split byte by byte.
  const std::string serial(32, 'A');
  const auto longest = parse_masimo_line("SN=" + serial + " SPO2=098% BPM=097 ALARM=0000 EXC=000800");
  REQUIRE(longest.frame.has_value());
  CHECK(longest.frame->serial == serial);
  CHECK(parse_masimo_line("SPO2=098% BPM=097 ALARM=0000 EXC=000800 SN=" + serial).frame->serial == serial);
  CHECK(parse_masimo_line("SN=" + serial + "A SPO2=098% BPM=097 ALARM=0000 EXC=000800").error ==
        "SN=" + serial + "A is not a serial number");
  CHECK(parse_masimo_line("SPO2=98% B=1").error == "line lacks BPM, ALARM, EXC");
  CHECK(parse_masimo_line("SPO2= 98 BPM=").error == "field BPM has no value");
  CHECK(parse_masimo_line("PIDELTA= 05 SPO2=098% BPM=097 ALARM=0000 EXC=000800").frame.has_value());
}

TEST_CASE("runs of line ends after a whole line are passed over, and a line split after them still decodes") {
  auto s = make_masimo_session();
  auto out = feed(*s, std::string(kRad8Line) + "\r\n\r\n\n\r" + std::string(kRad8Line.substr(0, 40)));
  CHECK(out.readings.size() == 3);
  CHECK(out.errors.empty());
  out = feed(*s, std::string(kRad8Line.substr(40)) + "\r\n");
  CHECK(out.readings.size() == 3);
  CHECK(out.errors.empty());
  CHECK(s->stats().frames_ok == 2);
  CHECK(s->stats().frames_bad == 0);
}

TEST_CASE("a session's values carry masimo_quality of the line's EXC, whatever its ALARM says") {
  // The session derives the quality from the line's conditions, ALARM's
  // low battery among them: it must still be EXC's quality alone.
  for (unsigned bit = 0; bit < 24; ++bit) {
    for (const std::uint32_t alarm : {0U, masimo_alarm::low_battery, 0xFFFFFFU}) {
      MasimoFrame f;
      f.spo2 = 97;
      f.pulse = 70;
      f.pi = 2.5;
      f.exceptions = 1U << bit;
      f.alarm = alarm;
      auto s = make_masimo_session();
      const auto out = feed(*s, encode_masimo(f));
      CAPTURE(bit);
      CAPTURE(alarm);
      REQUIRE(out.readings.size() == 3);
      for (const auto& r : out.readings) CHECK(r.quality.bits == masimo_quality(f.exceptions).bits);
      REQUIRE(out.conditions.has_value());
      CHECK(*out.conditions == masimo_conditions(f.exceptions, f.alarm));
    }
  }
}
