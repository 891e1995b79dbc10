// Nonin serial data formats 2, 7 and 8; sources and decisions in nonin_codec.hpp.
#include "drivers/nonin/nonin_codec.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "drivers/resync_scanner.hpp"

namespace vigil::drivers {
namespace {

using core::DeviceCondition;
using core::Metric;
using core::QualityFlag;

// Frame positions (0-based) of the values in a format 2/7 packet.
namespace slot {
constexpr std::size_t hr = 0, spo2 = 2, revision = 3, timer = 5, stat2 = 7, spo2_d = 8, spo2_fast = 9,
                      spo2_beat = 10, e_hr = 13, e_spo2 = 15, e_spo2_d = 16, hr_d = 19, e_hr_d = 21;
}

constexpr std::uint8_t kStatusAlways = 0x80, kSnsd = 0x40, kArtf = 0x20, kOot = 0x10, kSnsa = 0x08,
                       kRprf = 0x04, kGprf = 0x02, kSync = 0x01;
constexpr std::uint8_t kStat2LowBattery = 0x01, kStat2Smartpoint = 0x20;

std::string hex(std::uint8_t b) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", b);
  return text;
}

std::uint16_t hr_from(std::uint8_t msb, std::uint8_t lsb) {
  return static_cast<std::uint16_t>(((msb & 0x03u) << 7) | (lsb & 0x7Fu));
}

std::uint8_t status_byte(const NoninFrameStatus& s, bool sync) {
  std::uint8_t b = kStatusAlways;
  if (s.sensor_disconnect) b |= kSnsd;
  if (s.artifact) b |= kArtf;
  if (s.out_of_track) b |= kOot;
  if (s.sensor_alarm) b |= kSnsa;
  switch (s.perfusion) {
    case NoninPerfusion::none:
      break;
    case NoninPerfusion::green:
      b |= kGprf;
      break;
    case NoninPerfusion::yellow:
      b |= kGprf | kRprf;
      break;
    case NoninPerfusion::red:
      b |= kRprf;
      break;
  }
  if (sync) b |= kSync;
  return b;
}

NoninPacketValues values_from(const std::array<std::uint8_t, kNoninFramesPerPacket>& f) {
  NoninPacketValues v;
  v.hr = hr_from(f[slot::hr], f[slot::hr + 1]);
  v.spo2 = f[slot::spo2] & 0x7F;
  v.firmware_revision = f[slot::revision] & 0x7F;
  v.timer = static_cast<std::uint16_t>(((f[slot::timer] & 0x7Fu) << 7) | (f[slot::timer + 1] & 0x7Fu));
  v.low_battery = (f[slot::stat2] & kStat2LowBattery) != 0;
  v.smartpoint = (f[slot::stat2] & kStat2Smartpoint) != 0;
  v.spo2_d = f[slot::spo2_d] & 0x7F;
  v.spo2_fast = f[slot::spo2_fast] & 0x7F;
  v.spo2_beat = f[slot::spo2_beat] & 0x7F;
  v.e_hr = hr_from(f[slot::e_hr], f[slot::e_hr + 1]);
  v.e_spo2 = f[slot::e_spo2] & 0x7F;
  v.e_spo2_d = f[slot::e_spo2_d] & 0x7F;
  v.hr_d = hr_from(f[slot::hr_d], f[slot::hr_d + 1]);
  v.e_hr_d = hr_from(f[slot::e_hr_d], f[slot::e_hr_d + 1]);
  return v;
}

// What the device said about itself, reduced to what vigil distinguishes.
struct StatusSummary {
  bool sensor_disconnect = false;
  bool sensor_alarm = false;
  bool out_of_track = false;
  bool artifact = false;
  bool low_perfusion = false;
  bool low_battery = false;
};

core::DeviceConditions conditions_of(const StatusSummary& s, bool value_missing) {
  core::DeviceConditions c;
  if (s.sensor_disconnect) c.set(DeviceCondition::no_sensor);
  if (s.sensor_alarm) c.set(DeviceCondition::sensor_off);
  if (s.out_of_track) c.set(DeviceCondition::low_signal_quality);
  if (s.artifact) c.set(DeviceCondition::artifact);
  if (s.low_perfusion) c.set(DeviceCondition::low_perfusion);
  if (s.low_battery) c.set(DeviceCondition::low_battery);
  // A missing value with the sensor in place means the oximeter is still looking for a pulse.
  if (value_missing && !s.sensor_disconnect && !s.sensor_alarm) c.set(DeviceCondition::searching);
  return c;
}

core::Quality quality_of(const StatusSummary& s) {
  core::Quality q;
  if (s.sensor_disconnect || s.sensor_alarm) q.set(QualityFlag::sensor_off);
  if (s.out_of_track) q.set(QualityFlag::questionable);
  if (s.artifact) q.set(QualityFlag::artifact);
  if (s.low_perfusion) q.set(QualityFlag::low_perfusion);
  return q;
}

void append_reading(DecodeOutput& out, Metric metric, unsigned raw, unsigned missing, unsigned max,
                    core::Quality q, std::string_view where) {
  if (raw == missing) {
    q.set(QualityFlag::invalid);
    out.readings.push_back({metric, std::nullopt, q, std::nullopt});
  } else if (raw > max) {
    out.errors.push_back(std::string(where) + ": " + std::string(core::name(metric)) + " " +
                         std::to_string(raw) + " is outside 0-" + std::to_string(max) +
                         ", value not reported");
  } else {
    out.readings.push_back({metric, static_cast<double>(raw), q, std::nullopt});
  }
}

// ---------------------------------------------------------------------------
// Formats 2 and 7: 5-byte frames, 25-frame packets.

class NoninFrameSession final : public DeviceSession {
 public:
  explicit NoninFrameSession(NoninFormat format)
      : format_{format}, where_{format == NoninFormat::df2 ? "nonin format 2" : "nonin format 7"} {}

  // In step, a whole good frame at the front of the input is taken from the
  // input itself; the window gathers bytes only while out of step or when a
  // frame straddles two reads. Both ways see the same frames, so the output
  // does not depend on how the bytes were chunked. At 75 frames a second,
  // pushing every byte through the window made decoding a sixth of the
  // oximeter's core-thread path (docs/architecture-notes.md, issue 17).
  void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) override {
    const std::uint8_t* p = bytes.data();
    const std::uint8_t* const end = p + bytes.size();
    while (p != end) {
      if (locked_ && window_.empty() && end - p >= static_cast<std::ptrdiff_t>(kFrame) && in_step(p)) {
        stats_.bytes += kFrame;
        take(parse(p), out);
        p += kFrame;
        continue;
      }
      ++stats_.bytes;
      window_.push(*p++);
      while (window_.size() >= (locked_ ? kFrame : 2 * kFrame)) examine(out);
    }
    out.device_clock_end = frame_clock();
  }
  const CodecStats& stats() const override { return stats_; }

 private:
  static constexpr std::size_t kFrame = 5;
  using FrameBytes = std::array<std::uint8_t, kFrame>;
  // 75 frames a second.
  std::chrono::microseconds frame_clock() const {
    return std::chrono::microseconds{static_cast<std::int64_t>(stats_.frames_ok * 40000 / 3)};
  }

  // What the decoder keeps of a frame: its STATUS bits as sent (read bit
  // by bit where they are used, not unpacked on every one of the 75 frames
  // a second) and its share of the packet values. The pleth is not kept
  // (DecodeOutput has no waveform channel).
  struct Frame {
    std::uint8_t status = 0;
    std::uint8_t float_byte = 0;
    bool sync() const { return (status & kSync) != 0; }
  };

  FrameBytes window_frame(std::size_t at) const {
    FrameBytes f;
    for (std::size_t i = 0; i < kFrame; ++i) f[i] = window_[at + i];
    return f;
  }

  std::uint8_t status_of(const std::uint8_t* w) const { return format_ == NoninFormat::df2 ? w[1] : w[0]; }

  bool well_formed(const std::uint8_t* w) const {
    return (format_ != NoninFormat::df2 || w[0] == 0x01) && (status_of(w) & kStatusAlways) != 0 &&
           static_cast<std::uint8_t>(w[0] + w[1] + w[2] + w[3]) == w[4];
  }

  // A frame examine() would accept in step as it is: well formed, and SYNC
  // where the packet needs it (a SYNC too early is accepted, with an error).
  bool in_step(const std::uint8_t* w) const {
    return well_formed(w) && (next_index_ != 0 || (status_of(w) & kSync) != 0);
  }

  // Why the five bytes at `w` are not a frame; only when !well_formed(w).
  std::string structure_error(const std::uint8_t* w) const {
    const std::uint8_t status = status_of(w);
    if (format_ == NoninFormat::df2 && w[0] != 0x01) return "start byte " + hex(w[0]) + ", expected 0x01";
    if ((status & kStatusAlways) == 0) return "status byte " + hex(status) + " lacks bit 7";
    const auto sum = static_cast<std::uint8_t>(w[0] + w[1] + w[2] + w[3]);
    return "checksum " + hex(w[4]) + ", computed " + hex(sum);
  }

  Frame parse(const std::uint8_t* w) const { return Frame{status_of(w), w[3]}; }

  // Out of step, a packet start is a SYNC frame followed by a frame without
  // SYNC, both with good checksums: one checksum alone passes in noise too often.
  bool packet_start_here() const {
    const FrameBytes first = window_frame(0), second = window_frame(kFrame);
    return well_formed(first.data()) && parse(first.data()).sync() && well_formed(second.data()) &&
           !parse(second.data()).sync();
  }

  void examine(DecodeOutput& out) {
    if (!locked_) {
      if (!packet_start_here()) return skip_one(out);
      skips_.frame_found(out, where_);
      locked_ = true;
      in_pulse_ = true;  // unknown: a pulse in progress must not count as a new beat
      next_index_ = 0;
      return accept(out);
    }
    const FrameBytes w = window_frame(0);
    if (!well_formed(w.data())) return reject(structure_error(w.data()), out);
    if (!parse(w.data()).sync() && next_index_ == 0)
      return reject("frame 1 of the packet lacks the SYNC bit", out);
    accept(out);
  }

  void skip_one(DecodeOutput& out) {
    window_.drop_front(1);
    skips_.skip(stats_, out, where_);
  }

  void reject(const std::string& why, DecodeOutput& out) {
    ++stats_.frames_bad;
    out.errors.push_back(std::string(where_) + ": frame " + std::to_string(next_index_ + 1) +
                         " of 25 rejected: " + why);
    locked_ = false;
    start_packet();
    skip_one(out);
  }

  void start_packet() {
    next_index_ = 0;
    packet_status_ = 0;
  }

  // The frame at the front of the window.
  void accept(DecodeOutput& out) {
    const FrameBytes w = window_frame(0);
    window_.drop_front(kFrame);
    take(parse(w.data()), out);
  }

  // Runs for every frame: kept small enough to inline into on_bytes, with
  // the once-a-packet and the rare work out of line (inlined, their text
  // and strings made this a call with a large frame to set up each time).
  void take(const Frame& f, DecodeOutput& out) {
    if (f.sync() && next_index_ != 0) [[unlikely]]
      drop_cut_short_packet(out);
    ++stats_.frames_ok;
    track_pulse(f.status, out);
    floats_[next_index_] = f.float_byte;
    packet_status_ |= f.status;
    if (++next_index_ == kNoninFramesPerPacket) finish_packet(out);
  }

  [[gnu::noinline]] void drop_cut_short_packet(DecodeOutput& out) {
    out.errors.push_back(std::string(where_) + ": packet cut short, SYNC came at frame " +
                         std::to_string(next_index_ + 1) + " of 25; partial packet dropped");
    start_packet();
  }

  // Perfusion and artifact bits describe a pulse and are set only while it
  // lasts; they are kept until the next pulse so the packet report is steady.
  void track_pulse(std::uint8_t status, DecodeOutput& out) {
    const auto perfusion = static_cast<std::uint8_t>(status & (kRprf | kGprf));
    if (perfusion != 0 && !in_pulse_) {
      out.beats.push_back(BeatMark{BeatSource::pulse, std::nullopt, frame_clock()});
      pulse_artifact_ = false;
    }
    if (perfusion != 0) {
      pulse_perfusion_ = perfusion;
      pulse_artifact_ |= (status & kArtf) != 0;
    }
    in_pulse_ = perfusion != 0;
  }

  [[gnu::noinline]] void finish_packet(DecodeOutput& out) {
    const NoninPacketValues v = values_from(floats_);
    StatusSummary s;
    s.sensor_disconnect = (packet_status_ & kSnsd) != 0;
    s.sensor_alarm = (packet_status_ & kSnsa) != 0;
    s.out_of_track = (packet_status_ & kOot) != 0;
    s.artifact = (packet_status_ & kArtf) != 0;
    if (s.sensor_disconnect || s.sensor_alarm) {
      pulse_perfusion_ = 0;  // the last pulse no longer describes anything
      pulse_artifact_ = false;
    }
    s.artifact |= pulse_artifact_;
    s.low_perfusion = (pulse_perfusion_ & kRprf) != 0;  // red (RPRF) or yellow (RPRF and GPRF)
    s.low_battery = v.low_battery;
    const bool missing = v.spo2_d == kNoninMissingSpo2 || v.hr_d == kNoninMissingHr;
    out.conditions = conditions_of(s, missing);
    const core::Quality q = quality_of(s);
    append_reading(out, Metric::spo2, v.spo2_d, kNoninMissingSpo2, kNoninMaxSpo2, q, where_);
    append_reading(out, Metric::pulse_rate, v.hr_d, kNoninMissingHr, kNoninMaxHr, q, where_);
    start_packet();
  }

  NoninFormat format_;
  const char* where_;
  CodecStats stats_;
  ByteWindow<2 * kFrame> window_;
  SkipCounter skips_;
  bool locked_ = false;
  std::size_t next_index_ = 0;
  std::array<std::uint8_t, kNoninFramesPerPacket> floats_{};
  std::uint8_t packet_status_ = 0;  // the packet's frames' STATUS bytes ORed
  bool in_pulse_ = true;
  std::uint8_t pulse_perfusion_ = 0;  // the last pulse's RPRF and GPRF bits
  bool pulse_artifact_ = false;
};

// ---------------------------------------------------------------------------
// Format 8: 4-byte packets once a second, no checksum.

class NoninDf8Session final : public DeviceSession {
 public:
  void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) override {
    for (const auto b : bytes) {
      ++stats_.bytes;
      window_.push(b);
      examine(out);
    }
  }
  const CodecStats& stats() const override { return stats_; }

 private:
  static constexpr const char* kWhere = "nonin format 8";

  // Bit 7 marks the first byte and only the first byte: that is all the
  // framing there is, so examine as soon as a byte breaks it.
  void examine(DecodeOutput& out) {
    while (window_.size() > 0) {
      if ((window_[0] & 0x80) == 0) {
        skip_one(out);
        continue;
      }
      const std::size_t last = window_.size() - 1;
      if (last > 0 && (window_[last] & 0x80) != 0) {
        reject("packet cut short after " + std::to_string(last) + " bytes", out);
        continue;
      }
      if (!window_.full()) return;
      candidate(out);
    }
  }

  void candidate(DecodeOutput& out) {
    NoninDf8Packet p;
    p.hr_d = hr_from(window_[0], window_[1]);
    p.spo2_d = window_[2];
    if (p.hr_d != kNoninMissingHr && p.hr_d > kNoninMaxHr)
      return reject("HR-D " + std::to_string(p.hr_d) + " is outside 0-321", out);
    if (p.spo2_d != kNoninMissingSpo2 && p.spo2_d > kNoninMaxSpo2)
      return reject("SpO2-D " + std::to_string(p.spo2_d) + " is outside 0-100", out);
    p.sensor_disconnect = (window_[0] & 0x40) != 0;
    p.out_of_track = (window_[0] & 0x20) != 0;
    p.low_perfusion = (window_[0] & 0x10) != 0;
    p.marginal_perfusion = (window_[0] & 0x08) != 0;
    p.artifact = (window_[0] & 0x04) != 0;
    p.sensor_alarm = (window_[3] & 0x08) != 0;
    p.low_battery = (window_[3] & 0x01) != 0;
    window_.drop_front(4);
    // Without a checksum, one well-formed packet in noise is easy to find;
    // two back to back are not. Lock on the second and report from then on.
    if (!locked_ && !held_) {
      held_ = true;
      return;
    }
    if (held_) ++stats_.frames_ok;
    held_ = false;
    locked_ = true;
    ++stats_.frames_ok;
    skips_.frame_found(out, kWhere);
    report(p, out);
  }

  void report(const NoninDf8Packet& p, DecodeOutput& out) {
    StatusSummary s;
    s.sensor_disconnect = p.sensor_disconnect;
    s.sensor_alarm = p.sensor_alarm;
    s.out_of_track = p.out_of_track;
    s.artifact = p.artifact;
    s.low_perfusion = p.low_perfusion || p.marginal_perfusion;
    s.low_battery = p.low_battery;
    const bool missing = p.spo2_d == kNoninMissingSpo2 || p.hr_d == kNoninMissingHr;
    out.conditions = conditions_of(s, missing);
    const core::Quality q = quality_of(s);
    append_reading(out, Metric::spo2, p.spo2_d, kNoninMissingSpo2, kNoninMaxSpo2, q, kWhere);
    append_reading(out, Metric::pulse_rate, p.hr_d, kNoninMissingHr, kNoninMaxHr, q, kWhere);
  }

  // Only a packet that broke while the stream was in step is a bad frame;
  // before that, it is one more byte of noise.
  void reject(const std::string& why, DecodeOutput& out) {
    if (locked_) {
      ++stats_.frames_bad;
      out.errors.push_back(std::string(kWhere) + ": packet rejected: " + why);
    }
    skip_one(out);
  }

  void skip_one(DecodeOutput& out) {
    if (held_) stats_.resyncs += 4;
    held_ = false;
    locked_ = false;
    window_.drop_front(1);
    skips_.skip(stats_, out, kWhere);
  }

  CodecStats stats_;
  ByteWindow<4> window_;
  SkipCounter skips_;
  bool locked_ = false;
  bool held_ = false;  // one well-formed packet seen, waiting for the next to confirm
};

}  // namespace

std::uint8_t nonin_float_byte(const NoninPacketValues& v, std::size_t i) {
  std::array<std::uint8_t, kNoninFramesPerPacket> f{};  // reserved slots stay 0
  const auto seven = [](unsigned x) { return static_cast<std::uint8_t>(x & 0x7F); };
  const auto put_hr = [&](std::size_t at, std::uint16_t hr) {
    f[at] = static_cast<std::uint8_t>((hr >> 7) & 0x03);
    f[at + 1] = seven(hr);
  };
  put_hr(slot::hr, v.hr);
  put_hr(slot::e_hr, v.e_hr);
  put_hr(slot::hr_d, v.hr_d);
  put_hr(slot::e_hr_d, v.e_hr_d);
  f[slot::spo2] = seven(v.spo2);
  f[slot::revision] = seven(v.firmware_revision);
  f[slot::timer] = seven(v.timer >> 7);
  f[slot::timer + 1] = seven(v.timer);
  f[slot::stat2] = static_cast<std::uint8_t>((v.low_battery ? kStat2LowBattery : 0) |
                                             (v.smartpoint ? kStat2Smartpoint : 0));
  f[slot::spo2_d] = seven(v.spo2_d);
  f[slot::spo2_fast] = seven(v.spo2_fast);
  f[slot::spo2_beat] = seven(v.spo2_beat);
  f[slot::e_spo2] = seven(v.e_spo2);
  f[slot::e_spo2_d] = seven(v.e_spo2_d);
  return i < f.size() ? f[i] : 0;
}

std::array<std::uint8_t, 5> encode_nonin_frame(NoninFormat format, std::size_t frame_index,
                                               std::uint8_t float_byte, const NoninFrameSample& sample) {
  const std::uint8_t status = status_byte(sample.status, frame_index == 0);
  std::array<std::uint8_t, 5> f{};
  if (format == NoninFormat::df2) {
    f = {0x01, status, static_cast<std::uint8_t>(std::min<std::uint16_t>(sample.pleth, 0xFF)), float_byte, 0};
  } else if (format == NoninFormat::df7) {
    f = {status, static_cast<std::uint8_t>(sample.pleth >> 8), static_cast<std::uint8_t>(sample.pleth & 0xFF),
         float_byte, 0};
  } else {
    throw std::invalid_argument("Nonin format 8 has no frames; use encode_nonin_df8");
  }
  f[4] = static_cast<std::uint8_t>(f[0] + f[1] + f[2] + f[3]);
  return f;
}

NoninFrameEncoder::NoninFrameEncoder(NoninFormat format) : format_{format} {
  if (format != NoninFormat::df2 && format != NoninFormat::df7)
    throw std::invalid_argument("NoninFrameEncoder handles formats 2 and 7 only");
}

std::array<std::uint8_t, 5> NoninFrameEncoder::next(const NoninPacketValues& values,
                                                    const NoninFrameSample& sample) {
  const auto frame = encode_nonin_frame(format_, index_, nonin_float_byte(values, index_), sample);
  index_ = (index_ + 1) % kNoninFramesPerPacket;
  return frame;
}

std::vector<std::uint8_t> encode_nonin_packet(NoninFormat format, const NoninPacket& packet) {
  NoninFrameEncoder encoder{format};
  std::vector<std::uint8_t> bytes;
  bytes.reserve(5 * kNoninFramesPerPacket);
  for (const auto& sample : packet.frames) {
    const auto frame = encoder.next(packet.values, sample);
    bytes.insert(bytes.end(), frame.begin(), frame.end());
  }
  return bytes;
}

std::array<std::uint8_t, 4> encode_nonin_df8(const NoninDf8Packet& p) {
  std::uint8_t b1 = 0x80 | static_cast<std::uint8_t>((p.hr_d >> 7) & 0x03);
  if (p.sensor_disconnect) b1 |= 0x40;
  if (p.out_of_track) b1 |= 0x20;
  if (p.low_perfusion) b1 |= 0x10;
  if (p.marginal_perfusion) b1 |= 0x08;
  if (p.artifact) b1 |= 0x04;
  std::uint8_t b4 = 0;
  if (p.smartpoint) b4 |= 0x20;
  if (p.sensor_alarm) b4 |= 0x08;
  if (p.low_battery) b4 |= 0x01;
  return {b1, static_cast<std::uint8_t>(p.hr_d & 0x7F), static_cast<std::uint8_t>(p.spo2_d & 0x7F), b4};
}

std::unique_ptr<DeviceSession> make_nonin_session(NoninFormat format) {
  if (format == NoninFormat::df8) return std::make_unique<NoninDf8Session>();
  return std::make_unique<NoninFrameSession>(format);
}
std::unique_ptr<DeviceSession> make_nonin2_session() {
  return make_nonin_session(NoninFormat::df2);
}
std::unique_ptr<DeviceSession> make_nonin7_session() {
  return make_nonin_session(NoninFormat::df7);
}
std::unique_ptr<DeviceSession> make_nonin8_session() {
  return make_nonin_session(NoninFormat::df8);
}

}  // namespace vigil::drivers
