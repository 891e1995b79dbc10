#pragma once
// Reads of links that stream small pieces, taken together on one beat.
//
// A 75 Hz pleth oximeter hands over a 5-byte frame every 13 ms. Read as it
// comes, 128 of them wake the core about 9,600 times a second, and the
// kernel's share of waking, polling and reading was most of vigild's CPU at
// 128 beds. A link that has kept sending small pieces (a streak of reads,
// each soon after the one before) is read again at the pacer's next beat,
// with every other such link, instead of at once: a few frames per read,
// one wake-up for the ward. Meanwhile a serial line leaves the reactor, so
// its frames do not wake the core either (asio_stream.hpp); a TCP link is
// never paced. What a link streams is timed by the device's own
// clock where it has one (`daemon/device_clock_anchor.hpp`), so pacing moves
// no beat; its readings reach the rules up to one period later.
//
// A link that speaks once a second (a Masimo line, an HL7 message) never
// builds a streak, so its reads, and the alarms they carry, are never
// delayed, nor are whole lines sent in quick succession; nor is a read of
// more than a few frames (a flood is read flat out, as before). With no
// period set (the default) every read is at once.
//
// A beat's reads run in slices of at most kSlice each (wall time), each
// slice a handler of its own: between two, Asio polls the reactor and runs
// what it found ready. At 128 beds a beat's reads took about 0.5-0.7 ms in
// one handler, and a line that came meanwhile (a Masimo's alarm) waited for
// all of it; now it waits for one slice (docs/journal.md, "The 40 ms beat in
// slices").
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

namespace vigil::drivers {

// Whether one link's next read waits for the pacer; pure, fed the time of
// each read and how much it returned.
class ReadCadence {
 public:
  using Time = std::chrono::steady_clock::time_point;
  // Reads in a row, each within two periods of the one before, that make a
  // link a streaming one: more than a line and its answer, fewer than a
  // pleth stream sends in a tenth of a second.
  static constexpr int kStreak = 4;
  // A read of more bytes ends a streak: a 75 Hz oximeter's 40 ms is 15
  // bytes, while a line-based monitor's shortest line (a Masimo's, 65 bytes)
  // is more, so such a monitor sending lines in quick succession is still
  // read at once; a flood brings kilobytes a read.
  static constexpr std::size_t kSmall = 48;

  bool pace_after(std::size_t bytes, Time now, std::chrono::nanoseconds period);

 private:
  Time last_{};
  int streak_ = 0;  // reads in the current streak, this one included
};

// One per io_context (an Asio service: `ReadPacer::of(io)`).
class ReadPacer final : public boost::asio::io_context::service {
 public:
  static boost::asio::io_context::id id;
  explicit ReadPacer(boost::asio::io_context& io);
  static ReadPacer& of(boost::asio::io_context& io);

  // How long a beat's reads may hold the core before what the reactor has
  // ready is let in: a Masimo line and its alarm wait at most about this.
  static constexpr std::chrono::microseconds kSlice{100};

  // Zero, the default, turns pacing off.
  void set_period(std::chrono::nanoseconds period) { period_ = period; }
  std::chrono::nanoseconds period() const { return period_; }
  // Runs `resume` at the next beat (at once with no period).
  void defer(std::function<void()> resume);
  // Runs `done` once the reads of a beat are over: of the beat under way
  // if there is one, else of the next beat if one is coming; if none is
  // (no link is paced, or no period), at once. Whatever waits for a beat's
  // readings (the bus's held readings) goes with them without a timer or a
  // wake-up of its own, and never waits for a beat that will not come.
  void after_beat(std::function<void()> done);

 private:
  void shutdown() override;
  void beat();
  // Runs the beat's reads from next_ on for one slice; what is left is
  // deferred to a handler of its own.
  void run_slice();

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  std::chrono::nanoseconds period_{0};
  std::vector<std::function<void()>> waiting_, running_;
  std::size_t next_ = 0;  // the first of running_ not yet run
  // after_beat()'s: of the next beat, and of the one under way.
  std::vector<std::function<void()>> after_next_, after_this_;
  bool armed_ = false;
  bool in_beat_ = false;  // from beat() until its last read
};

}  // namespace vigil::drivers
