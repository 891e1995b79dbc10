#pragma once
// A simulated Datex-Ohmeda S/5 computer interface: the monitor's half of
// the dialog (datex_session.hpp has the client's), for vigil-sim and for
// tests that let a daemon session talk to it in memory. Pure: requests and
// the monitor's state in, framed records out, on the caller's clock.
//
// Like the monitors the readers in datex_records.hpp describe, it honours a
// displayed-values request only at its own DRI level (or level 0, which
// KaiWU17TUM/icu_devices found a B650 accepts), sends a record every
// requested interval (0 stops, -1 sends one), and sends nothing before it
// is asked.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/time.hpp"
#include "drivers/datex/datex_framing.hpp"
#include "drivers/datex/datex_records.hpp"
#include "drivers/device_session.hpp"

namespace vigil::drivers {

// What the monitor shows now. An empty optional is a value it has not got
// (sent as "no valid data").
struct DatexMonitorState {
  core::TimePoint clock{};  // the monitor's clock, and the simulator's now
  std::optional<double> heart_rate;
  unsigned hr_source = datex::hr_source::ecg;
  bool ecg_noise = false;
  bool ecg_artifact = false;
  bool leads_off = false;  // every ECG channel off
  std::optional<double> spo2;
  std::optional<double> pulse_rate;
  struct Nibp {
    double systolic = 0;
    double diastolic = 0;
    double mean = 0;
    core::TimePoint measured{};
  };
  std::optional<Nibp> nibp;
  bool nibp_measuring = false;  // the cuff is measuring now
  bool has_nibp = true;         // an NIBP module is present
  std::uint8_t dri_level = datex::kLevel2005;
};

// The basic displayed values a monitor in state s sends.
DatexDisplayed datex_displayed_for(const DatexMonitorState& s, std::uint8_t record_number);

class DatexMonitorSim {
 public:
  // Requests from the client.
  void receive(std::span<const std::uint8_t> from_client, const DatexMonitorState& s);
  // At s.clock: a framed record when one is due, else nothing.
  std::vector<std::uint8_t> tick(const DatexMonitorState& s);

  std::optional<std::chrono::seconds> interval() const { return interval_; }
  std::uint64_t requests_honoured() const { return honoured_; }
  std::uint64_t requests_ignored() const { return ignored_; }
  std::uint64_t records_sent() const { return sent_; }
  const CodecStats& stats() const { return deframer_.stats(); }

 private:
  DatexDeframer deframer_;
  std::optional<std::chrono::seconds> interval_;
  bool single_ = false;
  std::optional<core::TimePoint> last_sent_;
  std::uint8_t number_ = 0;
  std::uint64_t honoured_ = 0, ignored_ = 0, sent_ = 0;
};

}  // namespace vigil::drivers
