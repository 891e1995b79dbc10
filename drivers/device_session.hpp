#pragma once
// The one small interface every device protocol implements (gpsd's method
// table, in C++): bytes in, readings and conditions out, and bytes to send
// back when the protocol needs requests or acknowledgements. A session never
// touches a socket, a clock or a global, so it is tested with values alone.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/beat_source.hpp"
#include "core/device_condition.hpp"
#include "core/observation.hpp"

namespace vigil::drivers {

using core::beat_source_name;
using core::BeatSource;

// A beat the device flagged in the bytes just decoded. The daemon stamps it
// with the receive time; rr is set when the device reports the interval itself.
// Devices that send frames at a fixed rate also give the beat's place on
// their own frame clock (frames so far times the frame period), so a beat is
// timed to the frame even when many frames arrive in one read.
struct BeatMark {
  BeatSource source = BeatSource::pulse;
  std::optional<std::chrono::microseconds> rr;
  std::optional<std::chrono::microseconds> device_clock;
};

// A stretch of a sampled waveform as a device sent it. Only ECG leads are
// decoded so far (samples in mV); the daemon runs its QRS detector on them.
struct WaveformSegment {
  std::uint32_t mdc_code = 0;  // the lead, e.g. 131330 MDC_ECG_ELEC_POTL_II
  std::string label;           // for people and logs: "ECG II"
  std::string channel;         // the device's own name for the channel (HL7: OBX-4)
  double sampling_hz = 0;
  std::vector<float> samples;  // physical units (mV for ECG)
  // When the first sample was taken, by the device's clock, if the message says.
  std::optional<core::TimePoint> first_sample_time;

  std::chrono::duration<double> duration() const {
    return std::chrono::duration<double>(sampling_hz > 0 ? static_cast<double>(samples.size()) / sampling_hz
                                                         : 0.0);
  }
};

struct DecodeOutput {
  std::vector<core::Reading> readings;
  std::vector<BeatMark> beats;
  std::vector<WaveformSegment> waveforms;
  // The device's full set of technical conditions as of the latest frame;
  // empty when no frame in this chunk carried status.
  std::optional<core::DeviceConditions> conditions;
  // The device's frame clock at the end of these bytes (see BeatMark).
  std::optional<std::chrono::microseconds> device_clock_end;
  std::vector<std::uint8_t> to_send;  // acknowledgements, polls, keep-alives
  std::vector<std::string> errors;    // one readable line per rejected frame
  std::vector<std::string> notes;     // things worth a log line that are not errors

  // Bytes for the device (a framed poll, an acknowledgement), after those
  // already waiting; a byte array, vector or string.
  template <class Bytes>
  void send(const Bytes& bytes) {
    // Copied as bytes: inserted from chars, they were converted one by one
    // (an HL7 ACK's 150 bytes, a loop per message).
    static_assert(sizeof(*std::data(bytes)) == 1);
    if (std::size(bytes) == 0) return;
    const auto at = to_send.size();
    to_send.resize(at + std::size(bytes));
    std::memcpy(to_send.data() + at, std::data(bytes), std::size(bytes));
  }
  // A frame's or message's readings, decoded on their own, after these.
  void add_readings(const std::vector<core::Reading>& more) {
    readings.insert(readings.end(), more.begin(), more.end());
  }

  void clear() {
    readings.clear();
    beats.clear();
    waveforms.clear();
    conditions.reset();
    device_clock_end.reset();
    to_send.clear();
    errors.clear();
    notes.clear();
  }
};

struct CodecStats {
  std::uint64_t bytes = 0;
  std::uint64_t frames_ok = 0;
  std::uint64_t frames_bad = 0;  // checksum, syntax or range errors
  std::uint64_t resyncs = 0;     // bytes skipped to find the next frame start
};

class DeviceSession {
 public:
  virtual ~DeviceSession() = default;
  // The link just came up: anything the device needs before it talks.
  virtual void on_open(DecodeOutput&) {}
  virtual void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) = 0;
  // Called about once a second with the core's clock, for polls and keep-alives.
  virtual void on_tick(core::TimePoint, DecodeOutput&) {}
  virtual const CodecStats& stats() const = 0;
};

// How vigild reaches a device of a protocol.
enum class Transport {
  // A serial line: a local port, a pty, or a serial device server that
  // vigild connects to (the device itself never opens a connection).
  serial,
  // The device (an HL7 gateway) connects to vigild and sends; vigild listens.
  tcp_sender,
};

// What kind of device speaks a protocol.
enum class DeviceKind {
  none,             // "auto", which is no device of its own
  pulse_oximeter,   // one probe on the patient; the device says when it comes off
  patient_monitor,  // a multi-parameter monitor, or a gateway that sends for monitors
};

// A USB-serial bridge that, when seen, suggests the protocol in port listings.
// Only a bridge no other supported device ships with is a useful hint.
struct UsbHint {
  std::uint16_t vid = 0;
  std::uint16_t pid = 0;
  std::string_view note;  // why this bridge suggests the protocol, for people
};

class SimulatedDevice;  // simulated_device.hpp

// One row of the protocol registry (protocol_table.cpp). Everything the rest
// of vigil needs to know about a protocol is here, so that adding a protocol
// edits one row; the fields are written with designated initializers.
struct Protocol {
  std::string_view name;   // as written in the config: "masimo", "hl7-mllp"
  std::string_view title;  // for people: "Masimo Radical-7 / Rad-8 ASCII serial"
  // The folder under drivers/ that holds its code. It also names its docs
  // page (docs/devices/<family>.md) and its fuzz targets
  // (fuzz/<family>*_fuzz.cpp); its golden captures are in
  // tests/captures/<name>/. Several rows share a family when one codec
  // speaks several formats (nonin-2/7/8). Empty for "auto", which is no
  // device of its own.
  std::string_view family;
  DeviceKind device = DeviceKind::none;
  Transport transport = Transport::serial;
  unsigned default_baud = 0;  // 0 where the transport is not a serial line
  // Serial framing besides 8 data bits and 1 stop bit.
  char parity = 'N';  // N, E or O
  bool rts_cts = false;
  // How often a healthy device sends something; staleness is judged by it.
  std::chrono::milliseconds expected_interval{};
  // True when the device stays silent until asked: auto-detection must not
  // pick it by listening alone.
  bool needs_request = false;
  // The beats vigild gets from the device, if any: flagged by the codec
  // (DecodeOutput::beats) or found by vigild's QRS detector in the ECG the
  // device streams (DecodeOutput::waveforms). Rhythm analysis has something
  // to judge only on a bed with such a device.
  std::optional<BeatSource> beats = std::nullopt;
  std::optional<UsbHint> usb = std::nullopt;
  std::unique_ptr<DeviceSession> (*make_session)() = nullptr;
  // The device as vigil-sim plays it (simulated_device.hpp), from the same folder.
  std::unique_ptr<SimulatedDevice> (*make_simulated_device)() = nullptr;
};

std::string_view transport_name(Transport t);
std::string_view device_kind_name(DeviceKind k);

std::span<const Protocol> protocols();
const Protocol* find_protocol(std::string_view name);

// The names of the device protocols (not "auto") that pass `keep`, in
// registry order, for sentences people read: the formats of one family
// folded ("nonin-2/7/8"), separated by ", " and by `last` before the final
// name ("masimo, hl7-mllp or nonin-2/7/8").
std::string protocol_names(bool (*keep)(const Protocol&), std::string_view last = ", ");

}  // namespace vigil::drivers
