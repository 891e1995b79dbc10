#include "drivers/intellivue/intellivue_session.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "drivers/intellivue/intellivue_framing.hpp"
#include "drivers/pressure_units.hpp"

namespace vigil::drivers {
namespace {

namespace iv = intellivue;
namespace evt = intellivue::evt;
namespace timing = intellivue_timing;
using core::DeviceCondition;
using core::Metric;
using core::QualityFlag;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint16_t kDemoOrTest = iv::msmt::demo_data | iv::msmt::test_data;
constexpr std::uint16_t kValidityBits = iv::msmt::invalid | iv::msmt::unavailable | iv::msmt::questionable |
                                        iv::msmt::calibration_ongoing | kDemoOrTest;
constexpr auto kPlausibleAge = std::chrono::hours{24};

struct MetricSpec {
  std::uint16_t physio_id;
  Metric metric;
  std::uint16_t unit;
};

constexpr MetricSpec kMetrics[] = {
    {iv::kPhysioEcgHeartRate, Metric::heart_rate, iv::kUnitBeatsPerMinute},
    {iv::kPhysioPlethPulseRate, Metric::pulse_rate, iv::kUnitBeatsPerMinute},
    {iv::kPhysioSpo2, Metric::spo2, iv::kUnitPercent},
    {iv::kPhysioRespRate, Metric::resp_rate, iv::kUnitBreathsPerMinute},
    {iv::kPhysioNibpSys, Metric::nibp_systolic, iv::kUnitMmHg},
    {iv::kPhysioNibpDia, Metric::nibp_diastolic, iv::kUnitMmHg},
    {iv::kPhysioNibpMean, Metric::nibp_mean, iv::kUnitMmHg},
};

const MetricSpec* spec_of(std::uint16_t physio_id) {
  for (const auto& s : kMetrics)
    if (s.physio_id == physio_id) return &s;
  return nullptr;
}

bool is_nibp(std::uint16_t physio_id) {
  return physio_id == iv::kPhysioNibpSys || physio_id == iv::kPhysioNibpDia ||
         physio_id == iv::kPhysioNibpMean;
}

bool is_spo2_source(std::uint16_t source) {
  return source == iv::kPhysioSpo2 || source == iv::kPhysioPleth || source == iv::kPhysioPlethPulseRate;
}

std::optional<DeviceCondition> condition_by_code(const IntellivueAlarm& a) {
  switch (a.code) {
    case evt::leads_off:
    case evt::lead_disconnected:
    case evt::leads_disconnected:
    case evt::lead_disconnected_yellow:
    case evt::lead_disconnected_red:
      return DeviceCondition::sensor_off;
    case evt::sensor_disconnected:
    case evt::transducer_disconnected:
    case evt::measurement_disconnected:
    case evt::optic_module_absent:
    case evt::disconnected:
      return DeviceCondition::no_sensor;
    case evt::absent:
      if (is_spo2_source(a.source)) return DeviceCondition::no_sensor;
      return std::nullopt;
    case evt::noisy:
    case evt::disturbed:
    case evt::wave_artifact:
    case evt::measurement_interference:
    case evt::muscle_noise:
    case evt::line_noise:
      return DeviceCondition::artifact;
    case evt::signal_low:
      if (is_spo2_source(a.source)) return DeviceCondition::low_perfusion;
      return DeviceCondition::low_signal_quality;
    case evt::erratic:
    case evt::weak:
    case evt::signal_unanalyzeable:
    case evt::wave_signal_quality:
      return DeviceCondition::low_signal_quality;
    case evt::battery_low:
    case evt::battery_replace:
      return DeviceCondition::low_battery;
    case evt::failure:
    case evt::malfunction:
    case evt::calibration_failed:
    case evt::battery_problem:
    case evt::battery_condition:
    case evt::equipment_malfunction:
    case evt::optic_module_defect:
    case evt::sensor_malfunction:
    case evt::sensor_problem:
    case evt::transducer_malfunction:
    case evt::measurement_error:
    case evt::measurement_failed:
    case evt::measurement_inop:
    case evt::unsupported:
    case evt::incompatible:
    case evt::sensor_replace:
      return DeviceCondition::device_malfunction;
    case evt::warming:
    case evt::status_sensor_warming:
    case evt::status_warming:
    case evt::status_learning:
    case evt::measurement_restart:
      return DeviceCondition::searching;
    default:
      return std::nullopt;
  }
}

std::optional<DeviceCondition> condition_by_text(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; });
  auto has = [&text](std::string_view word) { return text.find(word) != std::string::npos; };
  if (has("NO SENSOR") || has("SENSOR DISCONN") || has("NO TRANSDUC")) return DeviceCondition::no_sensor;
  if (has("LEADS OFF") || has("LEAD OFF") || has("SENSOR OFF")) return DeviceCondition::sensor_off;
  if (has("BATT") && (has("LOW") || has("REPLACE") || has("EMPTY"))) return DeviceCondition::low_battery;
  if (has("NOISY") || has("ARTIFACT") || has("INTERFER")) return DeviceCondition::artifact;
  if (has("LOW PERF")) return DeviceCondition::low_perfusion;
  if (has("ERRATIC") || has("POOR SIGNAL")) return DeviceCondition::low_signal_quality;
  if (has("SEARCH")) return DeviceCondition::searching;
  if (has("MALF") || has("REPLACE") || has("FAILURE") || has("DEFECT"))
    return DeviceCondition::device_malfunction;
  return std::nullopt;
}

// What identifies one NIBP measurement: its numbers, their validity and its
// time stamps.
struct NibpKey {
  std::vector<std::pair<std::uint16_t, std::uint32_t>> values;
  std::vector<std::uint16_t> validity;
  std::optional<IntellivueAbsTime> abs_stamp;
  std::optional<std::uint32_t> rel_stamp;
  friend bool operator==(const NibpKey&, const NibpKey&) = default;
};

NibpKey nibp_key(const IntellivueNumeric& n) {
  NibpKey k;
  for (const auto& v : n.values) {
    if (!is_nibp(v.physio_id)) continue;
    k.values.emplace_back(v.physio_id, v.value);
    k.validity.push_back(static_cast<std::uint16_t>(v.state & kValidityBits));
  }
  k.abs_stamp = n.abs_stamp;
  k.rel_stamp = n.rel_stamp;
  return k;
}

// How long before the poll result the numeric was measured, on the monitor's clock.
std::optional<core::Duration> age_on_monitor(const IntellivuePollResult& r, const IntellivueNumeric& n) {
  if (n.abs_stamp) {
    const auto now = r.abs_time.naive();
    const auto then = n.abs_stamp->naive();
    if (now && then && *now >= *then && *now - *then < kPlausibleAge) return *now - *then;
  }
  if (n.rel_stamp) {
    const std::uint32_t ticks = r.rel_time - *n.rel_stamp;  // modulo 2^32, as the counter wraps
    const auto age = std::chrono::duration_cast<core::Duration>(ticks * iv::kRelativeTick);
    if (age < kPlausibleAge) return age;
  }
  return std::nullopt;
}

class IntellivueSession final : public DeviceSession {
 public:
  void on_open(DecodeOutput& out) override {
    deframer_.reset(out.errors);
    sync_stats();
    associate(out);
  }

  void on_bytes(std::span<const std::uint8_t> bytes, DecodeOutput& out) override {
    deframer_.feed(
        bytes, [&](std::span<const std::uint8_t> message) { handle(message, out); }, out.errors);
    sync_stats();
  }

  void on_tick(core::TimePoint now, DecodeOutput& out) override {
    now_ = now;
    if (sent_unstamped_) last_sent_ = now;
    if (heard_unstamped_) last_heard_ = now;
    sent_unstamped_ = heard_unstamped_ = false;
    switch (state_) {
      case State::closed:
        break;
      case State::associating:
      case State::awaiting_mds:
        if (last_sent_ && now - *last_sent_ >= timing::kAssociationRetry) retry_association(out);
        break;
      case State::associated:
        if (last_heard_ && now - *last_heard_ >= timing::kSilenceTimeout) {
          report_once("no answer from the monitor for " + std::to_string(timing::kSilenceTimeout.count()) +
                          " s: requesting a new association",
                      out);
          associate(out);
        } else if (!last_poll_ || now - *last_poll_ >= timing::kPollInterval - timing::kPollSlack) {
          poll(out);
          last_poll_ = now;
        }
        break;
    }
  }

  const CodecStats& stats() const override { return stats_; }

 private:
  enum class State { closed, associating, awaiting_mds, associated };

  void send(const Bytes& message, DecodeOutput& out) {
    const auto framed = intellivue_frame(message);
    out.send(framed);
    stamp(last_sent_, sent_unstamped_);
  }

  void stamp(std::optional<core::TimePoint>& when, bool& unstamped) {
    if (now_)
      when = now_;
    else
      unstamped = true;
  }

  void associate(DecodeOutput& out) {
    state_ = State::associating;
    last_poll_.reset();
    send(encode_intellivue_association_request(), out);
  }

  void retry_association(DecodeOutput& out) {
    report_once(state_ == State::awaiting_mds
                    ? "association accepted but no MDS Create Event Report followed: asking again"
                    : "no answer to the association request: asking again (is Data Export on the MIB/RS232 "
                      "port enabled, at the right speed?)",
                out);
    associate(out);
  }

  // One error line per run of failures, so a monitor that stays away does
  // not fill the log; the run ends when an association completes.
  void report_once(const std::string& what, DecodeOutput& out) {
    if (failure_reported_) return;
    failure_reported_ = true;
    out.errors.push_back("intellivue: " + what);
  }

  void poll(DecodeOutput& out) {
    IntellivuePollRequest numerics{true, ++poll_number_, iv::kClassNumeric, iv::kGroupAll, std::nullopt};
    send(encode_intellivue_poll_request(++invoke_id_, numerics), out);
    IntellivuePollRequest alerts{true, ++poll_number_, iv::kClassAlertMonitor, iv::kGroupAlertMonitor,
                                 std::nullopt};
    send(encode_intellivue_poll_request(++invoke_id_, alerts), out);
  }

  void handle(std::span<const std::uint8_t> user_data, DecodeOutput& out) {
    const auto parsed = parse_intellivue_message(user_data);
    if (!parsed.message) {
      ++bad_;
      out.errors.push_back("intellivue: message rejected: " + parsed.error);
      return;
    }
    ++ok_;
    stamp(last_heard_, heard_unstamped_);
    const auto& m = *parsed.message;
    switch (m.kind) {
      case IntellivueMessageKind::association_accept:
        if (state_ == State::associating) state_ = State::awaiting_mds;
        break;
      case IntellivueMessageKind::association_refuse:
        lost("the monitor refused the association (another client on this port?)", out);
        break;
      case IntellivueMessageKind::association_abort:
        lost("the monitor aborted the association", out);
        break;
      case IntellivueMessageKind::release_request:
        send(encode_intellivue_release_response(), out);
        lost("the monitor released the association", out);
        break;
      case IntellivueMessageKind::release_response:
        lost("the association was released", out);
        break;
      case IntellivueMessageKind::mds_create_event:
        send(encode_intellivue_mds_create_result(m.invoke_id, m.event_time), out);
        state_ = State::associated;
        failure_reported_ = false;
        nibp_.reset();
        last_poll_.reset();
        break;
      case IntellivueMessageKind::poll_result:
        read_poll_result(m.poll_result, out);
        break;
      case IntellivueMessageKind::remote_error:
        out.errors.push_back("intellivue: the monitor answered request " + std::to_string(m.invoke_id) +
                             " with remote error " + std::to_string(m.error_value));
        break;
      default:
        break;  // messages a monitor does not send, or that vigil does not use
    }
  }

  void lost(const std::string& why, DecodeOutput& out) {
    out.errors.push_back("intellivue: " + why + "; asking again in " +
                         std::to_string(timing::kAssociationRetry.count()) + " s");
    state_ = State::associating;
    last_poll_.reset();
    failure_reported_ = true;  // this line tells the story; the retries that follow stay quiet
  }

  void read_poll_result(const IntellivuePollResult& r, DecodeOutput& out) {
    if (r.object_class == iv::kClassAlertMonitor && r.alert_monitor && r.alert_monitor->technical) {
      out.conditions = intellivue_conditions(*r.alert_monitor->technical);
    }
    if (r.object_class != iv::kClassNumeric) return;
    std::size_t demo = 0;
    for (const auto& n : r.numerics) {
      for (const auto& v : n.values) demo += (v.state & kDemoOrTest) != 0 ? 1 : 0;
      const bool nibp = std::any_of(n.values.begin(), n.values.end(),
                                    [](const IntellivueNuObs& v) { return is_nibp(v.physio_id); });
      if (nibp)
        read_nibp(r, n, out);
      else
        read_values(n, std::nullopt, false, out);
    }
    if (demo > 0) {
      out.errors.push_back("intellivue: " + std::to_string(demo) +
                           " values marked demo or test data by the monitor, read as invalid");
    }
  }

  void read_nibp(const IntellivuePollResult& r, const IntellivueNumeric& n, DecodeOutput& out) {
    auto key = nibp_key(n);
    const bool first = !nibp_.has_value();
    if (!first && *nibp_ == key) return;  // the same measurement, reported already
    nibp_ = std::move(key);
    std::optional<core::TimePoint> measured;
    if (const auto age = age_on_monitor(r, n); age && now_) measured = *now_ - *age;
    read_values(n, measured, first && !measured, out);
  }

  void read_values(const IntellivueNumeric& n, std::optional<core::TimePoint> measured, bool age_unknown,
                   DecodeOutput& out) {
    for (const auto& v : n.values) {
      const auto* spec = spec_of(v.physio_id);
      if (spec == nullptr) continue;
      double scale = 1.0;
      if (v.unit != spec->unit) {
        if (spec->unit == iv::kUnitMmHg && v.unit == iv::kUnitKiloPascal) {
          scale = kMmHgPerKPa;
        } else {
          out.errors.push_back("intellivue: " + std::string(core::name(spec->metric)) + " in unit code " +
                               iv::hex4(v.unit) + ", not " + iv::hex4(spec->unit) + ": not read");
          continue;
        }
      }
      core::Reading reading{spec->metric, std::nullopt, intellivue_quality(v.state), measured};
      if (const auto value = intellivue_float_value(v.value))
        reading.value = *value * scale;
      else
        reading.quality.set(QualityFlag::invalid);
      if (age_unknown) reading.quality.set(QualityFlag::questionable);
      out.readings.push_back(reading);
    }
  }

  void sync_stats() {
    stats_ = deframer_.stats();
    stats_.frames_ok = ok_;
    stats_.frames_bad += bad_;
  }

  IntellivueDeframer deframer_;
  State state_ = State::closed;
  std::optional<core::TimePoint> now_;
  std::optional<core::TimePoint> last_sent_, last_heard_, last_poll_;
  bool sent_unstamped_ = false;
  bool heard_unstamped_ = false;
  bool failure_reported_ = false;
  std::uint16_t invoke_id_ = 0;
  std::uint16_t poll_number_ = 0;
  std::optional<NibpKey> nibp_;
  std::uint64_t ok_ = 0, bad_ = 0;
  CodecStats stats_;
};

}  // namespace

core::DeviceConditions intellivue_inop_conditions(const IntellivueAlarm& inop) {
  core::DeviceConditions c;
  auto condition = condition_by_code(inop);
  if (!condition) condition = condition_by_text(inop.text);
  if (condition) c.set(*condition);
  return c;
}

core::DeviceConditions intellivue_conditions(const std::vector<IntellivueAlarm>& technical) {
  core::DeviceConditions c;
  for (const auto& inop : technical) c.bits |= intellivue_inop_conditions(inop).bits;
  return c;
}

core::Quality intellivue_quality(std::uint16_t s) {
  core::Quality q;
  if ((s & (iv::msmt::invalid | iv::msmt::unavailable | kDemoOrTest)) != 0) q.set(QualityFlag::invalid);
  if ((s & (iv::msmt::questionable | iv::msmt::calibration_ongoing)) != 0) q.set(QualityFlag::questionable);
  return q;
}

std::unique_ptr<DeviceSession> make_intellivue_session() {
  return std::make_unique<IntellivueSession>();
}

}  // namespace vigil::drivers
