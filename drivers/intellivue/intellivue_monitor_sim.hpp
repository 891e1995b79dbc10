#pragma once
// A simulated IntelliVue MP/MX MIB/RS232 port: the monitor's half of the
// Data Export dialog (intellivue_session.hpp has the client's half), for
// vigil-sim and for tests that let a daemon session talk to it in memory.
// Pure: bytes and the monitor's state in, the bytes the monitor answers
// out; its clock is whatever the caller says it is.
//
// What it does, as the readers in intellivue_messages.hpp show monitors do:
//  - answers an association request with an accept followed by an MDS
//    Create Event Report, and takes the client's result as the end of the
//    handshake (polls before that get no answer);
//  - answers each extended poll for numerics with one result holding heart
//    rate, SpO2, pleth pulse rate, respiration rate and the NIBP compound
//    (with its measurement time stamps), and each poll for the alert monitor
//    with the device alert condition and the technical alarm list;
//  - answers a release request, forgets the association on an abort, and
//    drops an association it has heard nothing on for the monitor's time-out
//    (intellivue_timing::kMonitorTimeout);
//  - refuses any SET, CONFIRMED SET or action other than a poll with a
//    remote error and counts it: vigil must never send one.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/time.hpp"
#include "drivers/device_session.hpp"
#include "drivers/intellivue/intellivue_framing.hpp"
#include "drivers/intellivue/intellivue_messages.hpp"

namespace vigil::drivers {

// What the monitor shows now. An empty optional is a value the monitor has
// not got (it sends NaN, marked invalid).
struct IntellivueMonitorState {
  core::TimePoint clock{};  // the monitor's wall clock, and the simulator's now
  std::optional<double> heart_rate;
  std::optional<double> spo2;
  std::optional<double> pulse_rate;
  std::optional<double> resp_rate;
  struct Nibp {
    double systolic = 0;
    double diastolic = 0;
    double mean = 0;
    core::TimePoint measured{};  // on the monitor's clock
  };
  std::optional<Nibp> nibp;
  bool nibp_in_kpa = false;            // the monitor is set to show pressures in kPa
  std::vector<IntellivueAlarm> inops;  // technical alarms now present
  bool demo = false;                   // demo mode: every value marked demo data
};

class IntellivueMonitorSim {
 public:
  // Bytes from the client; returns the monitor's answer (framed).
  std::vector<std::uint8_t> receive(std::span<const std::uint8_t> from_client,
                                    const IntellivueMonitorState& state);
  // The monitor's time-out: an association idle this long is forgotten.
  void tick(core::TimePoint now);
  // The monitor ends the association itself (Data Export switched off, say).
  std::vector<std::uint8_t> abort();

  bool associated() const { return state_ == State::associated; }
  std::uint64_t associations() const { return associations_; }
  std::uint64_t polls_answered() const { return polls_answered_; }
  std::uint64_t forbidden_requests() const { return forbidden_; }
  std::uint64_t timeouts() const { return timeouts_; }
  // Frame-level counters of what the client sent.
  const CodecStats& stats() const { return deframer_.stats(); }

 private:
  enum class State { idle, awaiting_create_result, associated };
  void handle(const IntellivueMessage& m, const IntellivueMonitorState& s, std::vector<std::uint8_t>& out);
  void answer_poll(const IntellivueMessage& m, const IntellivueMonitorState& s,
                   std::vector<std::uint8_t>& out);
  IntellivuePollResult result_header(const IntellivuePollRequest& req, const IntellivueMonitorState& s);
  std::uint32_t relative_time(core::TimePoint clock);
  void send(const std::vector<std::uint8_t>& message, std::vector<std::uint8_t>& out) const;

  IntellivueDeframer deframer_;
  State state_ = State::idle;
  std::optional<core::TimePoint> booted_;
  std::optional<core::TimePoint> last_heard_;
  std::uint16_t invoke_id_ = 0;
  std::uint16_t sequence_ = 0;
  std::uint64_t associations_ = 0;
  std::uint64_t polls_answered_ = 0;
  std::uint64_t forbidden_ = 0;
  std::uint64_t timeouts_ = 0;
};

}  // namespace vigil::drivers
