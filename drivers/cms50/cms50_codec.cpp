// Contec CMS50D+/CMS50E live stream; sources and decisions in cms50_codec.hpp.
#include "drivers/cms50/cms50_codec.hpp"

#include <cstdio>
#include <string>

#include "drivers/resync_scanner.hpp"

namespace vigil::drivers {
namespace {

using core::DeviceCondition;
using core::Metric;
using core::QualityFlag;
using namespace std::chrono_literals;

constexpr std::string_view kWhere = "cms50";
constexpr std::uint8_t kLiveType = 0x01, kFreeFeedbackType = 0x0C, kDisconnectType = 0x0D,
                       kDeviceNoticeType = 0x11, kCommandType = 0x7D;
constexpr std::size_t kLegacyLength = 5;
constexpr std::size_t kLegacyPacketsToLock = 3;
constexpr unsigned kRepeatEveryPackets = 60;  // about one second of packets
constexpr core::Duration kKeepAlivePeriod = 5s;
constexpr core::Duration kRestartPeriod = 15s;
constexpr core::Duration kSilenceBeforeRestart = 2s;

std::string hex(std::uint8_t b) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", b);
  return text;
}

// The V7.0 packets a device may send without being asked by a command this
// session never sends; anything else is noise to us. The short ones pass in
// noise too easily, so they count only right after a good packet.
std::size_t v7_length(std::uint8_t type, bool legacy_stream, bool in_step) {
  if (type == kLiveType) return 9;
  if (legacy_stream) return 0;  // in the old format these values are data bytes
  if (type == kDeviceNoticeType) return 9;
  if (!in_step) return 0;
  if (type == kFreeFeedbackType) return 2;
  if (type == kDisconnectType) return 3;
  return 0;
}

std::string disconnect_reason(std::uint8_t code) {
  switch (code) {
    case 0x00:
      return "operation completed";
    case 0x01:
      return "device shutting down";
    case 0x02:
      return "user changed";
    case 0x03:
      return "recording";
    default:
      return "reason " + hex(code);
  }
}

// Bit 7 of each data byte travels in the high byte; the wire byte always has it set.
std::array<std::uint8_t, 9> pack_v7(std::uint8_t type, const std::array<std::uint8_t, 7>& data) {
  std::array<std::uint8_t, 9> p{};
  p[0] = type;
  p[1] = 0x80;
  for (std::size_t i = 0; i < data.size(); ++i) {
    p[1] = static_cast<std::uint8_t>(p[1] | ((data[i] >> 7) << i));
    p[i + 2] = static_cast<std::uint8_t>(data[i] | 0x80);
  }
  return p;
}

// Reports a metric when its value or quality changes, else every kRepeatEveryPackets.
class ReadingThrottle {
 public:
  bool due(unsigned raw, core::Quality q) {
    ++since_;
    if (has_ && raw == raw_ && q.bits == quality_bits_ && since_ < kRepeatEveryPackets) return false;
    has_ = true;
    raw_ = raw;
    quality_bits_ = q.bits;
    since_ = 0;
    return true;
  }
  void forget() { has_ = false; }

 private:
  bool has_ = false;
  unsigned raw_ = 0;
  std::uint16_t quality_bits_ = 0;
  unsigned since_ = 0;
};

bool due(core::TimePoint now, core::TimePoint last, core::Duration period) {
  return now < last || now - last >= period;  // a clock set back must not silence us
}

class Cms50Session final : public DeviceSession {
 public:
  void on_open(DecodeOutput& out) override {
    send(Cms50Command::start_live, out);
    opened_ = true;
  }

  void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) override {
    for (const auto b : bytes) {
      ++stats_.bytes;
      window_.push(b);
      while (!window_.empty() && examine(out)) {
      }
    }
    out.device_clock_end = frame_clock();
  }

  // 60 packets a second.
  std::chrono::microseconds frame_clock() const {
    return std::chrono::microseconds{static_cast<std::int64_t>(stats_.frames_ok * 50000 / 3)};
  }

  void on_tick(core::TimePoint now, DecodeOutput& out) override {
    const bool legacy_talking = legacy_since_tick_ > 0;
    const bool silent = live_since_tick_ == 0;
    legacy_since_tick_ = live_since_tick_ = 0;
    if (legacy_talking) return;  // old firmware streams by itself; it needs nothing from us
    if (!ticked_) {
      ticked_ = true;
      last_start_ = last_keep_alive_ = now;
      if (!opened_) send(Cms50Command::start_live, out);
      return;
    }
    if (due(now, last_keep_alive_, kKeepAlivePeriod)) {
      send(Cms50Command::keep_alive, out);
      last_keep_alive_ = now;
    }
    if (due(now, last_start_, kRestartPeriod) || (silent && due(now, last_start_, kSilenceBeforeRestart))) {
      send(Cms50Command::start_live, out);
      last_start_ = now;
    }
  }

  const CodecStats& stats() const override { return stats_; }

 private:
  static void send(Cms50Command c, DecodeOutput& out) {
    const auto bytes = encode_cms50_command(c);
    out.send(bytes);
  }

  // Looks at the packet that may start at the front of the window. Returns
  // false when it needs more bytes, true when it consumed or dropped some.
  bool examine(DecodeOutput& out) {
    const std::uint8_t first = window_[0];
    const bool legacy = (first & 0x80) != 0;
    const std::size_t length =
        legacy ? kLegacyLength : v7_length(first, legacy_run_ >= kLegacyPacketsToLock, in_step_);
    if (length == 0) return skip_one(out);
    // Old format: bit 7 only in the first byte. V7.0: bit 7 in every byte but the first.
    for (std::size_t i = 1; i < window_.size(); ++i) {
      if (((window_[i] & 0x80) != 0) == legacy)
        return reject("packet " + hex(first) + " cut short after " + std::to_string(i) + " bytes", out);
    }
    if (window_.size() < length) return false;
    if (legacy) return legacy_packet(out);
    return first == kLiveType ? live_packet(out) : other_packet(first, out);
  }

  std::array<std::uint8_t, 7> v7_data() const {
    std::array<std::uint8_t, 7> d{};
    for (std::size_t i = 0; i < d.size(); ++i) {
      const bool high = ((window_[1] >> i) & 1) != 0;
      d[i] = static_cast<std::uint8_t>((window_[i + 2] & 0x7F) | (high ? 0x80 : 0));
    }
    return d;
  }

  bool live_packet(DecodeOutput& out) {
    const auto d = v7_data();
    Cms50Sample s;
    s.signal_strength = d[0] & 0x0F;
    s.searching_too_long = (d[0] & 0x10) != 0;
    s.low_spo2 = (d[0] & 0x20) != 0;
    s.beat = (d[0] & 0x40) != 0;
    s.probe_error = (d[0] & 0x80) != 0;
    s.pleth = d[1] & 0x7F;
    s.searching = (d[1] & 0x80) != 0;
    s.bar_graph = d[2] & 0x0F;
    s.pulse_rate = d[3];
    s.spo2 = d[4];
    const auto pi = static_cast<std::uint16_t>(d[5] | (d[6] << 8));
    if ((d[2] & 0x10) == 0 && pi != kCms50InvalidPi) s.pi_x100 = pi;
    if (s.spo2 != kCms50InvalidSpo2 && s.spo2 > 100)
      return reject("SpO2 " + std::to_string(s.spo2) + " is outside 1-100", out);
    if (s.pi_x100 && *s.pi_x100 > kCms50MaxPiX100)
      return reject("PI " + std::to_string(*s.pi_x100) + "/100 % is outside 0-22 %", out);
    legacy_run_ = 0;
    ++live_since_tick_;
    accept(9, 1, out);
    report(s, out);
    return true;
  }

  bool legacy_packet(DecodeOutput& out) {
    Cms50Sample s;
    s.beat = (window_[0] & 0x40) != 0;
    s.low_spo2 = (window_[0] & 0x20) != 0;
    s.searching_too_long = (window_[0] & 0x10) != 0;
    s.signal_strength = window_[0] & 0x0F;
    s.pleth = window_[1];
    s.searching = (window_[2] & 0x20) != 0;
    s.probe_error = (window_[2] & 0x10) != 0;
    s.bar_graph = window_[2] & 0x0F;
    s.pulse_rate = static_cast<std::uint8_t>(((window_[2] & 0x40) << 1) | window_[3]);
    s.spo2 = window_[4];
    if (s.spo2 != kCms50InvalidSpo2 && s.spo2 > 100)
      return reject("SpO2 " + std::to_string(s.spo2) + " is outside 1-100", out);
    ++legacy_run_;
    if (legacy_run_ < kLegacyPacketsToLock) {
      window_.drop_front(kLegacyLength);  // held until the lock is confirmed
      return true;
    }
    ++legacy_since_tick_;
    accept(kLegacyLength, legacy_run_ == kLegacyPacketsToLock ? kLegacyPacketsToLock : 1, out);
    report(s, out);
    return true;
  }

  bool other_packet(std::uint8_t type, DecodeOutput& out) {
    if (type == kDisconnectType) {
      const auto reason = static_cast<std::uint8_t>((window_[2] & 0x7F) | ((window_[1] & 0x01) << 7));
      out.errors.push_back(std::string(kWhere) + ": device announces it disconnects (" +
                           disconnect_reason(reason) + ")");
    }
    accept(v7_length(type, false, true), 1, out);
    return true;
  }

  void accept(std::size_t length, std::uint64_t frames, DecodeOutput& out) {
    window_.drop_front(length);
    stats_.frames_ok += frames;
    skips_.frame_found(out, kWhere);
    in_step_ = true;
  }

  void report(const Cms50Sample& s, DecodeOutput& out) {
    if (s.beat && !in_beat_) out.beats.push_back(BeatMark{BeatSource::pulse, std::nullopt, frame_clock()});
    in_beat_ = s.beat;
    const bool spo2_invalid = s.spo2 == kCms50InvalidSpo2 || s.spo2 == 0;
    const bool pulse_invalid = s.pulse_rate == kCms50InvalidPulse || s.pulse_rate == 0;
    core::DeviceConditions c;
    core::Quality q;
    if (s.probe_error) {
      c.set(DeviceCondition::sensor_off);
      q.set(QualityFlag::sensor_off);
    }
    if (s.searching || s.searching_too_long || ((spo2_invalid || pulse_invalid) && !s.probe_error))
      c.set(DeviceCondition::searching);
    if (s.searching_too_long) c.set(DeviceCondition::low_signal_quality);
    if (s.searching || s.searching_too_long) q.set(QualityFlag::questionable);
    out.conditions = c;
    add_reading(Metric::spo2, s.spo2, spo2_invalid, q, spo2_throttle_, out);
    add_reading(Metric::pulse_rate, s.pulse_rate, pulse_invalid, q, pulse_throttle_, out);
    if (!s.pi_x100) return pi_throttle_.forget();
    if (pi_throttle_.due(*s.pi_x100, q))
      out.readings.push_back({Metric::perfusion_index, *s.pi_x100 / 100.0, q, std::nullopt});
  }

  static void add_reading(Metric m, unsigned raw, bool invalid, core::Quality q, ReadingThrottle& throttle,
                          DecodeOutput& out) {
    if (invalid) q.set(QualityFlag::invalid);
    if (!throttle.due(invalid ? 0u : raw, q)) return;
    out.readings.push_back({m, invalid ? std::nullopt : std::optional<double>{raw}, q, std::nullopt});
  }

  // A packet that broke while the stream was in step is a bad frame; before
  // that, its first byte is one more byte of noise.
  bool reject(const std::string& why, DecodeOutput& out) {
    if (in_step_) {
      ++stats_.frames_bad;
      out.errors.push_back(std::string(kWhere) + ": " + why);
    }
    return skip_one(out);
  }

  bool skip_one(DecodeOutput& out) {
    if (legacy_run_ > 0 && legacy_run_ < kLegacyPacketsToLock) stats_.resyncs += legacy_run_ * kLegacyLength;
    legacy_run_ = 0;
    in_step_ = false;
    in_beat_ = true;  // position lost: a beat in progress must not count twice
    window_.drop_front(1);
    skips_.skip(stats_, out, kWhere);
    return true;
  }

  CodecStats stats_;
  ByteWindow<9> window_;
  SkipCounter skips_;
  bool in_step_ = false;
  bool in_beat_ = true;
  std::size_t legacy_run_ = 0;  // old-format packets back to back
  ReadingThrottle spo2_throttle_, pulse_throttle_, pi_throttle_;
  bool opened_ = false;
  bool ticked_ = false;
  unsigned live_since_tick_ = 0;
  unsigned legacy_since_tick_ = 0;
  core::TimePoint last_start_{};
  core::TimePoint last_keep_alive_{};
};

}  // namespace

std::array<std::uint8_t, 9> encode_cms50_live(const Cms50Sample& s) {
  std::array<std::uint8_t, 7> d{};
  d[0] =
      static_cast<std::uint8_t>((s.signal_strength & 0x0F) | (s.searching_too_long ? 0x10 : 0) |
                                (s.low_spo2 ? 0x20 : 0) | (s.beat ? 0x40 : 0) | (s.probe_error ? 0x80 : 0));
  d[1] = static_cast<std::uint8_t>((s.pleth & 0x7F) | (s.searching ? 0x80 : 0));
  d[2] = static_cast<std::uint8_t>((s.bar_graph & 0x0F) | (s.pi_x100 ? 0 : 0x10));
  d[3] = s.pulse_rate;
  d[4] = s.spo2;
  const std::uint16_t pi = s.pi_x100.value_or(kCms50InvalidPi);
  d[5] = static_cast<std::uint8_t>(pi & 0xFF);
  d[6] = static_cast<std::uint8_t>(pi >> 8);
  return pack_v7(kLiveType, d);
}

std::array<std::uint8_t, 5> encode_cms50_legacy(const Cms50Sample& s) {
  const auto b0 = static_cast<std::uint8_t>(0x80 | (s.beat ? 0x40 : 0) | (s.low_spo2 ? 0x20 : 0) |
                                            (s.searching_too_long ? 0x10 : 0) | (s.signal_strength & 0x0F));
  const auto b2 = static_cast<std::uint8_t>(((s.pulse_rate & 0x80) >> 1) | (s.searching ? 0x20 : 0) |
                                            (s.probe_error ? 0x10 : 0) | (s.bar_graph & 0x0F));
  return {b0, static_cast<std::uint8_t>(s.pleth & 0x7F), b2, static_cast<std::uint8_t>(s.pulse_rate & 0x7F),
          static_cast<std::uint8_t>(s.spo2 & 0x7F)};
}

std::array<std::uint8_t, 9> encode_cms50_command(Cms50Command command) {
  std::array<std::uint8_t, 7> d{};
  d[0] = static_cast<std::uint8_t>(command);
  auto p = pack_v7(kCommandType, d);
  return p;
}

std::optional<std::uint8_t> decode_cms50_command(std::span<const std::uint8_t> p) {
  if (p.size() != 9 || p[0] != kCommandType) return std::nullopt;
  for (std::size_t i = 1; i < p.size(); ++i)
    if ((p[i] & 0x80) == 0) return std::nullopt;
  return static_cast<std::uint8_t>((p[2] & 0x7F) | ((p[1] & 0x01) << 7));
}

std::unique_ptr<DeviceSession> make_cms50_session() {
  return std::make_unique<Cms50Session>();
}

}  // namespace vigil::drivers
