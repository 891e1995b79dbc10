#include "drivers/capture_file.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using namespace vigil::drivers;
using namespace std::chrono_literals;

TEST_CASE("a capture file holds bytes both ways and link changes, and reads back exactly") {
  const core::TimePoint t0{1732363200s + 123456us};
  std::string text = capture_header(t0) + capture_device_line({"bed-1/ox", "masimo"}) +
                     capture_device_line({"bed-1/pod", "cms50"});
  CaptureRecord rx{t0, "bed-1/ox", CaptureRecord::Kind::rx, {0x00, 0x0d, 0x0a, 0xff, 'S'}, "", ""};
  CaptureRecord tx{t0 + 77ms, "bed-1/pod", CaptureRecord::Kind::tx, {0x7d, 0x81, 0xa1}, "", ""};
  CaptureRecord down{t0 + 2s, "bed-1/ox", CaptureRecord::Kind::link,
                     {},      "DOWN",     "end of file\non /dev/pts/4"};
  text += capture_line(rx) + capture_line(tx) + capture_line(down);
  CHECK(text.starts_with("# vigil capture 1, started 2024-11-23T12:00:00Z\n"));
  CHECK(capture_line(rx) == "1732363200.123456 bed-1/ox rx 000d0aff53\n");

  auto c = parse_capture(text, "field.cap");
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
  REQUIRE(c->devices.size() == 2);
  CHECK(c->devices[1].protocol == "cms50");
  REQUIRE(c->records.size() == 3);
  CHECK(c->records[0].time == rx.time);
  CHECK(c->records[0].bytes == rx.bytes);
  CHECK(c->records[1].kind == CaptureRecord::Kind::tx);
  CHECK(c->records[1].time == tx.time);
  CHECK(c->records[2].state == "DOWN");
  // A reason stays on its line.
  CHECK(c->records[2].reason == "end of file on /dev/pts/4");
}

TEST_CASE("a damaged capture file is refused with the line and column") {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"device bed-1/ox masimo\nyesterday bed-1/ox rx 00\n", "f.cap:2:1: expected a time"},
      {"device bed-1/ox masimo\n1.5 bed-1/ox rx 0g\n", "f.cap:2:17: not a hex digit"},
      {"device bed-1/ox masimo\n1.5 bed-1/ox rx 012\n", "f.cap:2:17: an odd number of hex digits"},
      {"device bed-1/ox masimo\n1.5 bed-1/ox say hello\n",
       "f.cap:2:14: expected rx, tx or link, found 'say'"},
      {"1.5 bed-1/ox rx 00\n", "f.cap:1:1: device bed-1/ox has no 'device' line"},
      {"device ox masimo\n", "f.cap:1:8: expected bed/device"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = parse_capture(c.text, "f.cap");
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.error().starts_with(c.error), r.error());
  }
}

TEST_CASE("a capture time beyond any clock is damage, not a time") {
  auto r = parse_capture("device bed-1/ox masimo\n9732363200.123456 bed-1/ox rx 00\n-5.0 bed-1/ox rx 00\n",
                         "f.cap");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().starts_with("f.cap:2:1: expected a time"));
}

// Found by capture_file_fuzz (kept in fuzz/regressions/capture_file/): a
// device line whose name held a '\r' and whose protocol was a lone '\r' was
// accepted, and written back as a line whose CRLF ate the protocol.
TEST_CASE("a device line with a control character in its name or protocol is damage, not a device") {
  auto r = parse_capture(
      "#o\ndevice b-/\x92\x9a"
      "1poN32b84\r33d30# \r \n",
      "f.cap");
  REQUIRE_FALSE(r.ok());
  CHECK_MESSAGE(r.error().starts_with("f.cap:2:8: expected bed/device"), r.error());

  r = parse_capture("device bed-1/ox \r \n", "f.cap");
  REQUIRE_FALSE(r.ok());
  CHECK_MESSAGE(r.error().starts_with("f.cap:1:17: expected the device's protocol"), r.error());

  r = parse_capture("device bed-1/ox masimo\n1.5 bed-1/ox link \x01UP x\n", "f.cap");
  REQUIRE_FALSE(r.ok());
  CHECK_MESSAGE(r.error().starts_with("f.cap:2:19: expected a link state"), r.error());
}

TEST_CASE("what the reader accepts, the writer writes back to the same records") {
  // A reason may hold a lone '\r' or begin with one: it reads as a space, so
  // the line written back reads the same.
  const char* text = "device bed-1/ox masimo \r\n1.5 bed-1/ox link DOWN \rcable\rpulled\r\r\n";
  auto first = parse_capture(text, "f.cap");
  REQUIRE_MESSAGE(first.ok(), (first.ok() ? "" : first.error()));
  REQUIRE(first->records.size() == 1);
  CHECK(first->records[0].reason == "cable pulled ");

  std::string again;
  for (const auto& d : first->devices) again += capture_device_line(d);
  for (const auto& rec : first->records) again += capture_line(rec);
  auto second = parse_capture(again, "again.cap");
  REQUIRE_MESSAGE(second.ok(), (second.ok() ? "" : second.error()));
  REQUIRE(second->devices.size() == 1);
  CHECK(second->devices[0].device == "bed-1/ox");
  CHECK(second->devices[0].protocol == "masimo");
  REQUIRE(second->records.size() == 1);
  CHECK(second->records[0].state == "DOWN");
  CHECK(second->records[0].reason == first->records[0].reason);
}
