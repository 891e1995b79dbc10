#include "drivers/datex/datex_monitor_sim.hpp"

#include <cmath>
#include <string>

namespace vigil::drivers {
namespace {

namespace dx = datex;

std::int16_t scaled(const std::optional<double>& v, double per_unit) {
  if (!v) return dx::kDataInvalid;
  const double raw = std::round(*v * per_unit);
  if (!(raw > dx::kDataInvalidLimit) || raw > 32767) return dx::kDataOverRange;
  return static_cast<std::int16_t>(raw);
}

std::uint32_t unix_seconds(core::TimePoint t) {
  return static_cast<std::uint32_t>(std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
}

}  // namespace

DatexDisplayed datex_displayed_for(const DatexMonitorState& s, std::uint8_t record_number) {
  DatexDisplayed d;
  d.record_number = record_number;
  d.dri_level = s.dri_level;
  d.record_time = unix_seconds(s.clock);
  d.subrecord_time = d.record_time;
  auto& b = d.basic;
  b.ecg.status = dx::status::exists | dx::status::active | (s.hr_source << dx::ecg_status::hr_source_shift);
  if (s.ecg_noise) b.ecg.status |= dx::ecg_status::noise;
  if (s.ecg_artifact) b.ecg.status |= dx::ecg_status::artifact;
  if (s.leads_off)
    b.ecg.status |=
        dx::ecg_status::channel1_off | dx::ecg_status::channel2_off | dx::ecg_status::channel3_off;
  b.ecg.label = 0x0321;  // channels 1-3 show leads I, II and III
  b.hr = s.leads_off ? dx::kDataInvalid : scaled(s.heart_rate, 1);
  b.spo2.status = dx::status::exists | dx::status::active;
  b.spo2_value = scaled(s.spo2, 100);
  b.spo2_pr = scaled(s.pulse_rate, 1);
  if (s.has_nibp) {
    b.nibp.status = dx::status::exists | dx::status::active;
    b.nibp.label = 3;  // adult cuff
    if (s.nibp_measuring) b.nibp.label |= dx::nibp_label::measuring;
    if (s.nibp && s.clock - s.nibp->measured > std::chrono::seconds{60})
      b.nibp.label |= dx::nibp_label::older_than_60s;
    if (s.nibp) {
      b.nibp_sys = scaled(s.nibp->systolic, 100);
      b.nibp_dia = scaled(s.nibp->diastolic, 100);
      b.nibp_mean = scaled(s.nibp->mean, 100);
    }
  }
  return d;
}

void DatexMonitorSim::receive(std::span<const std::uint8_t> from_client, const DatexMonitorState& s) {
  std::vector<std::string> errors;  // the client's framing errors do not concern the monitor
  deframer_.feed(
      from_client,
      [&](std::span<const std::uint8_t> bytes) {
        const auto parsed = parse_datex_record(bytes);
        if (!parsed.record || !parsed.record->request) return;
        const auto& q = *parsed.record->request;
        if (q.record_type != dx::kPhDisplayed || (q.dri_level != s.dri_level && q.dri_level != 0)) {
          ++ignored_;
          return;
        }
        ++honoured_;
        single_ = q.interval_s < 0;
        if (q.interval_s > 0)
          interval_ = std::chrono::seconds{q.interval_s};
        else
          interval_.reset();
        last_sent_.reset();
      },
      errors);
}

std::vector<std::uint8_t> DatexMonitorSim::tick(const DatexMonitorState& s) {
  const bool due = single_ || (interval_ && (!last_sent_ || s.clock - *last_sent_ >= *interval_));
  if (!due) return {};
  single_ = false;
  last_sent_ = s.clock;
  ++sent_;
  return datex_frame(encode_datex_displayed(datex_displayed_for(s, number_++)));
}

}  // namespace vigil::drivers
