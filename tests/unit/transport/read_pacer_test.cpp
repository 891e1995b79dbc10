// Which links are read on the pacer's beat, and that a paced link still
// loses no byte and keeps its order.
#include "drivers/transport/read_pacer.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "drivers/transport/stream.hpp"

using namespace vigil::drivers;
using namespace std::chrono_literals;

namespace {
constexpr auto kPeriod = 40ms;

struct Link {
  ReadCadence cadence;
  ReadCadence::Time now{std::chrono::steady_clock::now()};
  // Reads of `bytes`, `gap` apart; whether each one after them waits.
  std::vector<bool> reads(int n, std::size_t bytes, std::chrono::nanoseconds gap) {
    std::vector<bool> paced;
    for (int i = 0; i < n; ++i) {
      now += gap;
      paced.push_back(cadence.pace_after(bytes, now, kPeriod));
    }
    return paced;
  }
};
}  // namespace

TEST_CASE("a line a second is always read at once, so its alarm is never held back") {
  Link masimo;
  for (bool paced : masimo.reads(60, 80, 1s)) CHECK_FALSE(paced);
}

TEST_CASE("a 75 Hz pleth stream is read on the beat from its fourth small read on") {
  Link nonin;
  const auto paced = nonin.reads(10, 5, 13333us);
  CHECK(paced == std::vector<bool>{false, false, false, true, true, true, true, true, true, true});
  // Read on the beat, three frames at a time, it stays paced.
  for (bool p : nonin.reads(10, 15, kPeriod)) CHECK(p);
}

TEST_CASE("whole monitor lines in quick succession are read at once, however many") {
  Link masimo;
  for (bool paced : masimo.reads(20, 65, 2ms)) CHECK_FALSE(paced);
}

TEST_CASE(
    "a read of more than a few frames is followed at once (a flood is read flat out), and a pause ends a "
    "stream") {
  Link flood;
  CHECK(flood.reads(6, 5, 10ms).back());
  CHECK(flood.reads(3, 1000, 1ms) == std::vector<bool>{false, false, false});
  CHECK(flood.reads(1, ReadCadence::kSmall + 1, 1ms) == std::vector<bool>{false});
  Link paused;
  CHECK(paused.reads(6, 5, 10ms).back());
  CHECK(paused.reads(1, 5, 2 * kPeriod) == std::vector<bool>{false});
}

TEST_CASE("without a period nothing is paced") {
  ReadCadence c;
  auto now = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) CHECK_FALSE(c.pace_after(5, now += 1ms, 0ns));
}

TEST_CASE("the pacer runs every waiting read together at its next beat, not before") {
  boost::asio::io_context io;
  auto& pacer = ReadPacer::of(io);
  CHECK(&pacer == &ReadPacer::of(io));
  int ran = 0;
  pacer.defer([&] { ++ran; });
  CHECK(ran == 1);  // no period: at once
  pacer.set_period(kPeriod);
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point first;
  bool second = false;
  pacer.defer([&] { first = std::chrono::steady_clock::now(); });
  pacer.defer([&] { second = true; });
  CHECK(io.run_one_for(2s) == 1);  // one wake-up, the beat, for both
  CHECK(first - start >= kPeriod);
  CHECK(second);
}

TEST_CASE("what waits for a beat's reads runs after them, and at once when no beat is coming") {
  boost::asio::io_context io;
  auto& pacer = ReadPacer::of(io);
  std::vector<std::string> ran;
  pacer.after_beat([&] { ran.push_back("no period"); });
  CHECK(ran == std::vector<std::string>{"no period"});
  pacer.set_period(1ms);
  pacer.after_beat([&] { ran.push_back("nothing paced"); });
  CHECK(ran.back() == "nothing paced");  // no beat will come: it must not wait for one
  ran.clear();

  // A beat of two reads, the first of which defers again (its link streams
  // on) and asks for the end of the beat under way: its readings go with
  // the beat's, not a beat later.
  pacer.defer([&] {
    ran.push_back("read 1");
    pacer.defer([&] { ran.push_back("read 1, next beat"); });
    pacer.after_beat([&] { ran.push_back("end of beat 1, asked during it"); });
  });
  pacer.defer([&] { ran.push_back("read 2"); });
  pacer.after_beat([&] { ran.push_back("end of beat 1"); });
  CHECK(ran.empty());
  CHECK(io.run_one_for(2s) == 1);
  CHECK(ran ==
        std::vector<std::string>{"read 1", "read 2", "end of beat 1", "end of beat 1, asked during it"});
  // Between beats, with one coming: the end of that one.
  pacer.after_beat([&] { ran.push_back("end of beat 2"); });
  CHECK(ran.size() == 4);
  CHECK(io.run_one_for(2s) == 1);
  CHECK(ran.size() == 6);
  CHECK(ran[4] == "read 1, next beat");
  CHECK(ran[5] == "end of beat 2");
}

TEST_CASE("the end of a beat sliced in several handlers comes after its last read") {
  boost::asio::io_context io;
  auto& pacer = ReadPacer::of(io);
  pacer.set_period(1ms);
  constexpr int kReads = 20;
  int reads_done = 0, reads_at_end = -1;
  for (int i = 0; i < kReads; ++i)
    pacer.defer([&] {
      const auto busy_until = std::chrono::steady_clock::now() + 40us;
      while (std::chrono::steady_clock::now() < busy_until) {
      }
      ++reads_done;
    });
  pacer.after_beat([&] { reads_at_end = reads_done; });
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (reads_at_end < 0 && std::chrono::steady_clock::now() < give_up) io.run_one_for(100ms);
  CHECK(reads_at_end == kReads);
}

TEST_CASE("a line that comes during a long beat is read between its slices, not after the whole beat") {
  // A ward's worth of paced reads, 4 ms of the core's time in all; the
  // first one's device is joined by a line on another link (a Masimo's
  // alarm), read as it comes.
  boost::asio::io_context io;
  auto& pacer = ReadPacer::of(io);
  pacer.set_period(1ms);
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
  const int line_end = fds[1];
  auto line = make_byte_stream_from_fd(io, fds[0], "line");
  constexpr int kReads = 100;
  int reads_done = 0, reads_before_line = -1;
  line->start([&](std::span<const std::uint8_t>) { reads_before_line = reads_done; },
              [](const std::string&) {});
  for (int i = 0; i < kReads; ++i)
    pacer.defer([&, i] {
      if (i == 0) REQUIRE(::write(line_end, "L", 1) == 1);
      const auto busy_until = std::chrono::steady_clock::now() + 40us;
      while (std::chrono::steady_clock::now() < busy_until) {
      }
      ++reads_done;
    });
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (reads_done < kReads && std::chrono::steady_clock::now() < give_up) io.run_one_for(100ms);
  CHECK(reads_done == kReads);
  // Let in after the slice it came in and at most one more, never last.
  CHECK(reads_before_line > 0);
  CHECK(reads_before_line <= 2 * static_cast<int>(ReadPacer::kSlice / 40us) + 2);
  line->close();
  ::close(line_end);
}

namespace {
// A pty pair: the stream reads the master, the test plays the device on the
// other end.
struct PtyLink {
  boost::asio::io_context io;
  int device = -1;
  std::unique_ptr<ByteStream> stream;
  std::string got;
  std::string closed;
  bool acknowledge = false;  // answers every read, as a polled protocol does
  explicit PtyLink(std::chrono::nanoseconds period) {
    ReadPacer::of(io).set_period(period);
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(master >= 0);
    REQUIRE(::grantpt(master) == 0);
    REQUIRE(::unlockpt(master) == 0);
    device = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    REQUIRE(device >= 0);
    termios raw{};
    REQUIRE(::tcgetattr(device, &raw) == 0);
    ::cfmakeraw(&raw);
    REQUIRE(::tcsetattr(device, TCSANOW, &raw) == 0);
    stream = make_byte_stream_from_fd(io, master, "pty");
    stream->start(
        [&](std::span<const std::uint8_t> b) {
          got.append(b.begin(), b.end());
          if (acknowledge) stream->write(std::vector<std::uint8_t>{'k'});
        },
        [&](const std::string& why) { closed = why; });
  }
  ~PtyLink() {
    stream->close();
    if (device >= 0) ::close(device);
  }
  // Small frames 1 ms apart: a stream the pacer takes.
  std::string stream_frames(int n) {
    std::string sent;
    for (int i = 0; i < n; ++i) {
      const std::string frame = "f" + std::to_string(100 + i) + ";";
      REQUIRE(::write(device, frame.data(), frame.size()) == static_cast<ssize_t>(frame.size()));
      sent += frame;
      io.run_for(1ms);
    }
    return sent;
  }
  template <class Done>
  void run_until(Done done) {
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < give_up) io.run_for(2ms);
  }
};
}  // namespace

TEST_CASE("a paced pty stream delivers every byte in order, a flood included") {
  PtyLink link{5ms};
  std::string sent = link.stream_frames(40);
  std::string flood(64 * 1024, 'x');
  for (std::size_t i = 0; i < flood.size(); ++i) flood[i] = static_cast<char>('a' + i % 26);
  std::size_t written = 0;
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (written < flood.size() && std::chrono::steady_clock::now() < give_up) {
    const auto n = ::write(link.device, flood.data() + written, flood.size() - written);
    if (n > 0) written += static_cast<std::size_t>(n);
    link.io.run_for(1ms);
  }
  sent += flood;
  link.run_until([&] { return link.got.size() >= sent.size(); });
  CHECK(link.got == sent);
  CHECK(link.closed.empty());
}

TEST_CASE("a paced stream still writes to its device, and still reports that the device went away") {
  PtyLink link{5ms};
  const std::string sent = link.stream_frames(20);
  link.stream->write(std::vector<std::uint8_t>{'p', 'o', 'l', 'l'});
  std::string answer;
  link.run_until([&] {
    char buf[16];
    const auto n = ::read(link.device, buf, sizeof buf);
    if (n > 0) answer.append(buf, static_cast<std::size_t>(n));
    return answer.size() >= 4;
  });
  CHECK(answer == "poll");
  const std::string more = link.stream_frames(20);
  link.run_until([&] { return link.got.size() >= sent.size() + more.size(); });
  CHECK(link.got == sent + more);
  ::close(link.device);
  link.device = -1;
  link.run_until([&] { return !link.closed.empty(); });
  CHECK_FALSE(link.closed.empty());
}

TEST_CASE("a link that answers every read it is given loses no byte while paced") {
  PtyLink link{5ms};
  link.acknowledge = true;
  const std::string sent = link.stream_frames(60);
  link.run_until([&] { return link.got.size() >= sent.size(); });
  CHECK(link.got == sent);
  char buf[256];
  const auto acks = ::read(link.device, buf, sizeof buf);
  CHECK(acks > 0);
  CHECK(std::string(buf, static_cast<std::size_t>(std::max<ssize_t>(acks, 0))).find_first_not_of('k') ==
        std::string::npos);
  CHECK(link.closed.empty());
}
