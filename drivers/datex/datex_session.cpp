#include "drivers/datex/datex_session.hpp"

#include <optional>
#include <string>

#include "drivers/datex/datex_framing.hpp"

namespace vigil::drivers {
namespace {

namespace dx = datex;
using core::DeviceCondition;
using core::Metric;
using core::QualityFlag;

bool exists(const DatexGroup& g) {
  return (g.status & dx::status::exists) != 0;
}

core::Reading reading_of(Metric metric, std::int16_t raw, double scale, core::Quality quality) {
  core::Reading r{metric, std::nullopt, quality, std::nullopt};
  if (datex_is_special(raw))
    r.quality.set(QualityFlag::invalid);
  else
    r.value = raw * scale;
  return r;
}

struct LeadState {
  bool any_off = false;
  bool all_off = false;
};

// Channels whose lead label is 0 are not in use; when no label is set at
// all, every channel counts.
LeadState leads(const DatexGroup& ecg) {
  int in_use = 0, off = 0;
  bool labelled = false;
  for (unsigned ch = 0; ch < 3; ++ch) labelled = labelled || ((ecg.label >> (4 * ch)) & 0xFu) != 0;
  for (unsigned ch = 0; ch < 3; ++ch) {
    if (labelled && ((ecg.label >> (4 * ch)) & 0xFu) == 0) continue;
    ++in_use;
    if ((ecg.status & (dx::ecg_status::channel1_off << ch)) != 0) ++off;
  }
  return {off > 0, in_use > 0 && off == in_use};
}

unsigned hr_source(const DatexGroup& ecg) {
  return (ecg.status >> dx::ecg_status::hr_source_shift) & dx::ecg_status::hr_source_mask;
}

struct NibpValues {
  std::int16_t sys, dia, mean;
  friend bool operator==(const NibpValues&, const NibpValues&) = default;
};

class DatexSession final : public DeviceSession {
 public:
  void on_open(DecodeOutput& out) override {
    deframer_.reset(out.errors);
    sync_stats();
    request(out);
  }

  void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) override {
    deframer_.feed(
        bytes, [&](std::span<const std::uint8_t> record) { handle(record, out); }, out.errors);
    sync_stats();
  }

  void on_tick(core::TimePoint now, DecodeOutput& out) override {
    now_ = now;
    if (unstamped_) last_activity_ = now;
    unstamped_ = false;
    if (last_activity_ && now - *last_activity_ >= datex_timing::kRequestAgainAfter) {
      if (!failure_reported_) {
        out.errors.push_back("datex: no displayed values for " +
                             std::to_string(datex_timing::kRequestAgainAfter.count()) +
                             " s: requesting the transmission again");
        failure_reported_ = true;
      }
      request(out);
    }
  }

  const CodecStats& stats() const override { return stats_; }

 private:
  void request(DecodeOutput& out) {
    for (const auto level : kDatexRequestLevels) {
      const DatexPhdbRequest q{level, dx::kPhDisplayed,
                               static_cast<std::int16_t>(datex_timing::kInterval.count()),
                               dx::kRequestBasicOnly};
      const auto framed = datex_frame(encode_datex_phdb_request(q));
      out.send(framed);
    }
    active();
  }

  void active() {
    if (now_)
      last_activity_ = now_;
    else
      unstamped_ = true;
  }

  void handle(std::span<const std::uint8_t> bytes, DecodeOutput& out) {
    auto parsed = parse_datex_record(bytes);
    if (!parsed.record) {
      ++bad_;
      out.errors.push_back("datex: record rejected: " + parsed.error);
      return;
    }
    ++ok_;
    const auto& rec = *parsed.record;
    for (const auto& why : rec.skipped)
      out.errors.push_back("datex: record " + std::to_string(rec.number) + ": " + why);
    for (const auto& disp : rec.displayed) {
      auto c = datex_continuous(disp.basic);
      out.add_readings(c.readings);
      if (c.conditions) out.conditions = c.conditions;
      read_nibp(disp.basic, out);
      active();
      failure_reported_ = false;
    }
  }

  void read_nibp(const DatexBasic& b, DecodeOutput& out) {
    if (!exists(b.nibp)) return;
    if ((b.nibp.label & dx::nibp_label::measuring) != 0) {
      measuring_seen_ = true;
      return;
    }
    const NibpValues now{b.nibp_sys, b.nibp_dia, b.nibp_mean};
    const bool first = !last_nibp_;
    if (!first && *last_nibp_ == now && !measuring_seen_) return;
    core::Quality q;
    if (first && (b.nibp.label & dx::nibp_label::older_than_60s) != 0) q.set(QualityFlag::questionable);
    out.readings.push_back(reading_of(Metric::nibp_systolic, now.sys, 0.01, q));
    out.readings.push_back(reading_of(Metric::nibp_diastolic, now.dia, 0.01, q));
    out.readings.push_back(reading_of(Metric::nibp_mean, now.mean, 0.01, q));
    last_nibp_ = now;
    measuring_seen_ = false;
  }

  void sync_stats() {
    stats_ = deframer_.stats();
    stats_.frames_ok = ok_;
    stats_.frames_bad += bad_;
  }

  DatexDeframer deframer_;
  std::optional<core::TimePoint> now_;
  std::optional<core::TimePoint> last_activity_;
  bool unstamped_ = false;
  bool failure_reported_ = false;
  std::optional<NibpValues> last_nibp_;
  bool measuring_seen_ = false;
  std::uint64_t ok_ = 0, bad_ = 0;
  CodecStats stats_;
};

}  // namespace

DatexContinuous datex_continuous(const DatexBasic& b) {
  DatexContinuous out;
  if (exists(b.ecg)) {
    const auto lead = leads(b.ecg);
    const bool noisy = (b.ecg.status & (dx::ecg_status::noise | dx::ecg_status::artifact)) != 0;
    core::DeviceConditions c;
    if (noisy) c.set(DeviceCondition::artifact);
    if (lead.any_off) c.set(DeviceCondition::sensor_off);
    out.conditions = c;
    const auto source = hr_source(b.ecg);
    if (source == dx::hr_source::ecg || source == dx::hr_source::not_selected) {
      core::Quality q;
      if (noisy) q.set(QualityFlag::artifact);
      if ((b.ecg.status & dx::ecg_status::learning) != 0) q.set(QualityFlag::questionable);
      if (lead.all_off) q.set(QualityFlag::sensor_off);
      out.readings.push_back(reading_of(Metric::heart_rate, b.hr, 1.0, q));
    }
  }
  if (exists(b.spo2)) {
    out.readings.push_back(reading_of(Metric::spo2, b.spo2_value, 0.01, {}));
    out.readings.push_back(reading_of(Metric::pulse_rate, b.spo2_pr, 1.0, {}));
  }
  return out;
}

std::unique_ptr<DeviceSession> make_datex_session() {
  return std::make_unique<DatexSession>();
}

}  // namespace vigil::drivers
