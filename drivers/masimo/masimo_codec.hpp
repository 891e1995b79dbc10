#pragma once
// Masimo Radical-family (Radical-7, Rad-8, Rad-97, Rad-5) serial output in
// "ASCII 1" mode: 9600 baud 8N1, no handshake, one text line per second,
// nothing ever sent to the device.
//
// Line layout, as seen in captures from Rad-8 and Radical-7 units:
//   02/22/16 22:47:45 SN=0000056661 SPO2=098% BPM=097 PI=03.60% SPCO=--.-%
//   SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000800<CR><LF>
// (one line; broken here for width). Date is MM/DD/YY and time HH:MM:SS of
// the device's own clock; then space-separated KEY=VALUE fields. "---"
// (dashes, with a dot where the number has one) means "no value". ALARM and
// EXC are hexadecimal bit sets. Models differ in which fields they print
// (Rad-5: no SN; Radical-7: PVI; newer Radical-7: SPHB, SPOC, RESVD, EXC1),
// so the decoder reads fields by key and ignores keys it does not use.
//
// Sources (facts only, restated in our words):
//  - Masimo Rad-8 Operator's Manual, "Trend data format" (p. 4-24): the
//    exception bits 001 no sensor, 002 defective sensor, 004 low perfusion,
//    008 pulse search, 010 interference, 020 sensor off, 040 ambient light,
//    080 unrecognized sensor, 100/200 reserved, 400 low signal IQ, 800 Masimo
//    SET (informational: full SET processing is running).
//  - Masimo Rad-87 Operator's Manual, "Serial interface specifications":
//    ASCII 1 is the default output; 9600 baud, 8 bits, no parity, 1 stop bit.
//  - MD PnP / OpenICE C++ driver poxrad_discrete.h (Radical-5/7): the line
//    examples, "-" marks an unavailable value, CR LF ends a line, ALARM bits
//    (0x01 SpO2 high, 0x02 SpO2 low, 0x04 pulse high, 0x08 pulse low, 0x10
//    alarm active, 0x20 alarm silenced, 0x40 low battery) and the Radical-7
//    exception bits above 0x800 (0x1000 no cable ... 0x100000 sensor current
//    limit). Those upper EXC bits and ALARM 0x40 come from this one source
//    only and are not confirmed by a Masimo document we could read.
//  - mdpnp/mdpnp masimo-radical-7.spec (OpenICE Java adapter): the field
//    order and the MM/dd/yy HH:mm:ss date format.
//  - remkolems/masimo-datacapture masimo-capture.py: ALARM bits 0x01..0x20
//    confirmed by experiment on a Rad-8; the Rad-8 and Radical-7 field lists.
//  - yahnatan/pulseox README: a verbatim Rad-8 capture.
// No checksum exists in this protocol: a corrupted digit that still reads as
// a number cannot be detected. Lines that do not parse are rejected whole.
//
// Decisions (vigil's, not Masimo's):
//  - A "no value" field yields a Reading without a value, flagged
//    QualityFlag::invalid, so the last good number stops being current at
//    once instead of lingering until it goes stale. Readers must check
//    Reading::usable().
//  - The device clock is a local wall clock of unknown zone that nobody
//    synchronises. MasimoFrame::device_time holds its fields as if they were
//    UTC (a "naive" time, not an instant); readings do not carry it, because
//    an age computed from it could be off by hours. The daemon's receive
//    time is within a second of the measurement for this 1 Hz stream.
//  - Years are 2000 + YY.
//  - A line without the date is still read (the encoder writes none when a
//    frame has no device_time); every real capture seen has one.
//  - SPO2, BPM, ALARM and EXC must be present; a line missing one, holding a
//    malformed field, a key twice, a non-ASCII byte or an impossible value
//    (SpO2 or PI over 100, pulse over 300) is rejected whole.
//  - ALARM is kept as 32 bits: newer Radical-7 units print six hex digits.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_condition.hpp"
#include "core/observation.hpp"
#include "drivers/device_session.hpp"

namespace vigil::drivers {

// EXC field bits.
namespace masimo_exc {
constexpr std::uint32_t no_sensor = 0x000001;
constexpr std::uint32_t defective_sensor = 0x000002;
constexpr std::uint32_t low_perfusion = 0x000004;
constexpr std::uint32_t pulse_search = 0x000008;
constexpr std::uint32_t interference = 0x000010;
constexpr std::uint32_t sensor_off = 0x000020;
constexpr std::uint32_t ambient_light = 0x000040;
constexpr std::uint32_t unrecognized_sensor = 0x000080;
constexpr std::uint32_t incompatible_sensor = 0x000100;  // Radical-7; "reserved" on Rad-8
constexpr std::uint32_t low_signal_iq = 0x000400;
constexpr std::uint32_t masimo_set = 0x000800;  // informational, not a problem
constexpr std::uint32_t no_cable = 0x001000;
constexpr std::uint32_t cable_life_expired = 0x002000;
constexpr std::uint32_t incompatible_cable = 0x004000;
constexpr std::uint32_t unrecognized_cable = 0x008000;
constexpr std::uint32_t defective_cable = 0x010000;
constexpr std::uint32_t sensor_calibrating = 0x020000;
constexpr std::uint32_t sensor_life_expired = 0x040000;
constexpr std::uint32_t emitter_temp_out_of_range = 0x080000;
constexpr std::uint32_t sensor_current_limit = 0x100000;
}  // namespace masimo_exc

// ALARM field bits.
namespace masimo_alarm {
constexpr std::uint32_t spo2_high = 0x01;
constexpr std::uint32_t spo2_low = 0x02;
constexpr std::uint32_t pulse_high = 0x04;
constexpr std::uint32_t pulse_low = 0x08;
constexpr std::uint32_t alarm_active = 0x10;
constexpr std::uint32_t alarm_silenced = 0x20;
constexpr std::uint32_t low_battery = 0x40;
}  // namespace masimo_alarm

// One ASCII 1 line. An empty optional is a field the device printed as dashes
// (or, when decoding, did not print at all: see the has_* flags).
struct MasimoFrame {
  // Declared so that a frame made in a vector (emplace_back()) is not zeroed
  // whole before its members are set: that was a `rep stos` of 112 bytes,
  // 4 % of decoding a line. Every member has its own initializer.
  MasimoFrame() {}  // not "= default", which would be zeroed so

  std::optional<double> spo2;   // %
  std::optional<double> pulse;  // /min
  std::optional<double> pi;     // perfusion index, %
  std::uint32_t alarm = 0;
  std::uint32_t exceptions = 0;
  std::string serial;                          // empty when absent or dashes
  std::optional<core::TimePoint> device_time;  // naive wall-clock time, see above
  // Whether the line carried the field at all (a Rad-5 has no PI, say).
  bool has_spo2 = true;
  bool has_pulse = true;
  bool has_pi = true;

  friend bool operator==(const MasimoFrame&, const MasimoFrame&) = default;
};

// One ASCII 1 line, CR LF included, in the Rad-8 layout. Values are clamped
// to the field widths (SpO2 and pulse 0-999, PI 0-99.99).
std::string encode_masimo(const MasimoFrame& frame);

struct MasimoLineResult {
  std::optional<MasimoFrame> frame;
  std::string error;  // set when frame is empty
};

// Parses one line without its terminator. Leading bytes before the date are
// not skipped here: MasimoLineDecoder does that.
MasimoLineResult parse_masimo_line(std::string_view line);

// The technical conditions and per-value quality implied by EXC and ALARM.
core::DeviceConditions masimo_conditions(std::uint32_t exceptions, std::uint32_t alarm);
core::Quality masimo_quality(std::uint32_t exceptions);

// Splits a byte stream into lines and parses them. Memory stays bounded: a
// line longer than kMaxLine is dropped, counted bad, and skipped to its end.
class MasimoLineDecoder {
 public:
  static constexpr std::size_t kMaxLine = 512;

  void feed(std::span<const std::uint8_t> bytes, std::vector<MasimoFrame>& frames,
            std::vector<std::string>& errors);
  const CodecStats& stats() const { return stats_; }

 private:
  void finish_line(std::vector<MasimoFrame>& frames, std::vector<std::string>& errors);
  void decode_line(std::string_view line, std::vector<MasimoFrame>& frames, std::vector<std::string>& errors);

  std::string line_;
  bool overlong_ = false;
  CodecStats stats_;
};

// Readings: spo2, pulse_rate, perfusion_index; conditions on every good line.
std::unique_ptr<DeviceSession> make_masimo_session();
// The device as vigil-sim plays it (masimo_sim_device.cpp).
std::unique_ptr<SimulatedDevice> make_masimo_sim_device();

}  // namespace vigil::drivers
