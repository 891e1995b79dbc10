#include "daemon/link_health.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace vigil;
using namespace std::chrono_literals;
using daemon::LinkChange;
using daemon::LinkHealth;

namespace {
const core::TimePoint kLinkStart{std::chrono::hours{24 * 365 * 50}};

drivers::CodecStats frames(std::uint64_t ok, std::uint64_t bad) {
  drivers::CodecStats s;
  s.frames_ok = ok;
  s.frames_bad = bad;
  return s;
}
}  // namespace

TEST_CASE("a link is up with its first valid frame and stale after the silence allowance") {
  LinkHealth h{3s, "/dev/ttyUSB0", kLinkStart};
  CHECK(h.state() == vigil::v1::CONNECTING);
  CHECK(h.opening("opened /dev/ttyUSB0, waiting for data", kLinkStart) == LinkChange::reason);
  CHECK(h.frames_decoded("/dev/ttyUSB0", kLinkStart + 1s) == LinkChange::state);
  CHECK(h.state() == vigil::v1::UP);
  CHECK(h.reason() == "receiving from /dev/ttyUSB0");
  // More frames: nothing new to say; a second connection opening either.
  CHECK(h.frames_decoded("/dev/ttyUSB0", kLinkStart + 2s) == LinkChange::none);
  CHECK(h.opening("opened another", kLinkStart + 2s) == LinkChange::none);
  CHECK(h.last_frame() == kLinkStart + 2s);
  // Exactly the allowance is not yet silence.
  CHECK(h.check_silence(kLinkStart + 5s, frames(2, 0)) == LinkChange::none);
  CHECK(h.check_silence(kLinkStart + 5s + 100ms, frames(2, 4)) == LinkChange::state);
  CHECK(h.state() == vigil::v1::STALE);
  CHECK(h.reason() == "no valid frame for 3.1 s (4 bad frames so far) from /dev/ttyUSB0");
  // Stale stays stale until frames come back.
  CHECK(h.check_silence(kLinkStart + 60s, frames(2, 4)) == LinkChange::none);
  CHECK(h.frames_decoded("/dev/ttyUSB0", kLinkStart + 61s) == LinkChange::state);
}

TEST_CASE("a link that never talks goes stale counting from when it opened") {
  LinkHealth h{2s, "tcp 10.0.0.5:4001", kLinkStart};
  CHECK(h.failed("connection refused", kLinkStart + 1s) == LinkChange::state);
  CHECK(h.failed("connection refused", kLinkStart + 2s) == LinkChange::none);  // still down, same reason
  CHECK(h.failed("no route to host", kLinkStart + 3s) == LinkChange::reason);
  // Down is not judged for silence: the transport already said why.
  CHECK(h.check_silence(kLinkStart + 30s, {}) == LinkChange::none);
  // Reopened at 40 s: frames from before do not count, nor does the old state's time.
  CHECK(h.opening("connecting to 10.0.0.5:4001", kLinkStart + 40s) == LinkChange::state);
  CHECK(h.check_silence(kLinkStart + 42s, {}) == LinkChange::none);
  CHECK(h.check_silence(kLinkStart + 42s + 1ms, {}) == LinkChange::state);
  CHECK(h.reason() == "no valid frame for 2.0 s from tcp 10.0.0.5:4001");
}

TEST_CASE("a line is garbled when a fifth of its frames in a 10 s window are bad") {
  LinkHealth h{3s, "/dev/ttyS0", kLinkStart};
  CHECK(!h.check_garbling(kLinkStart + 10s, frames(100, 0)));
  // Too soon for a new judgement, however bad.
  CHECK(!h.check_garbling(kLinkStart + 15s, frames(100, 50)));
  // 30 bad of 120 in the window: garbled.
  CHECK(h.check_garbling(kLinkStart + 20s, frames(190, 30)));
  CHECK(h.garbled());
  CHECK(h.garbled_reason() == "30 of 120 frames bad in the last 10 s from /dev/ttyS0");
  // Two bad frames are noise, not a garbled line, whatever their share.
  CHECK(h.check_garbling(kLinkStart + 30s, frames(190, 32)));
  CHECK(!h.garbled());
  CHECK(h.garbled_reason() == "frames are clean again");
  CHECK(!h.check_garbling(kLinkStart + 40s, frames(290, 32)));
}
