#include "alerts/baseline_window.hpp"

#include <algorithm>
#include <vector>

#include "alerts/limit_rules.hpp"

namespace vigil::alerts {
using namespace std::chrono_literals;
using core::Metric;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

std::string values_text(const std::map<Metric, double>& values) {
  std::string s;
  for (const auto& [m, v] : values)
    s += (s.empty() ? "" : ", ") + std::string{core::label(m)} + " " + format_number(v);
  return s.empty() ? "none" : s;
}

void BaselineWindow::add(Metric metric, double value, core::TimePoint time) {
  // A device flooding its line (a fault, or a bench) would otherwise grow the
  // window by every reading of ten minutes: 100 000 a second made vigild
  // grow by megabytes a second. Five values a second per metric is more than
  // any monitor streams (1 Hz; a Nonin three a second), so a normal stream
  // keeps every value and a flood's median is taken over a thinned sample of
  // it. A clock that stepped back keeps its values.
  auto [last, fresh] = last_kept_.try_emplace(metric, time);
  if (!fresh) {
    if (time >= last->second && time - last->second < kMinSpacing) return;
    last->second = time;
  }
  samples_.push_back({metric, value, time});
  while (!samples_.empty() && time - samples_.front().time > window_) samples_.pop_front();
}

Baseline BaselineWindow::take(core::TimePoint start, const std::map<Metric, double>& entered) const {
  std::map<Metric, std::vector<double>> values;
  std::map<Metric, std::pair<core::TimePoint, core::TimePoint>> span;
  for (const auto& s : samples_) {
    if (s.time > start || start - s.time > window_) continue;
    values[s.metric].push_back(s.value);
    auto [it, fresh] = span.try_emplace(s.metric, s.time, s.time);
    if (!fresh) it->second.second = s.time;
  }
  Baseline b;
  for (Metric m : {Metric::nibp_systolic, Metric::nibp_diastolic, Metric::nibp_mean, Metric::heart_rate,
                   Metric::pulse_rate, Metric::spo2}) {
    const bool one_cuff_or_a_minute =
        values.count(m) && (core::info(m).episodic || span[m].second - span[m].first >= 60s);
    if (one_cuff_or_a_minute) b.values[m] = median(values[m]);
  }
  for (const auto& [m, v] : entered) b.values[m] = v;
  const bool have_bp = b.values.count(Metric::nibp_systolic) > 0;
  const bool have_rate = b.values.count(Metric::heart_rate) || b.values.count(Metric::pulse_rate);
  std::vector<std::string> missing;
  if (!have_bp) missing.push_back("a cuff reading");
  if (!have_rate || !b.values.count(Metric::spo2)) missing.push_back("60 s of SpO2 and heart rate");
  const auto window_min = std::chrono::duration_cast<std::chrono::minutes>(window_).count();
  b.source = entered.empty() ? "measured" : values.empty() ? "entered" : "measured and entered";
  b.text = "baseline (" + b.source + ", median of the last " + std::to_string(window_min) +
           " min): " + values_text(b.values);
  if (!missing.empty()) {
    std::string need;
    for (const auto& m : missing) need += (need.empty() ? "" : " and ") + m;
    b.text += "; not enough data for a full baseline (need " + need + " before the start)";
    if (!have_bp) {
      b.text += ": blood-pressure surge alarms are off, absolute limits stay in force";
      if (b.values.empty()) b.source = "unavailable";
    }
  }
  return b;
}

}  // namespace vigil::alerts
