#include "alerts/baseline_window.hpp"

#include <algorithm>
#include <limits>
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
  const auto* slot = std::find(kMetrics.begin(), kMetrics.end(), metric);
  if (slot == kMetrics.end()) return;
  auto& series = series_[static_cast<std::size_t>(slot - kMetrics.begin())];
  if (!series) series.emplace();
  // One value per second of the clock: a 10-minute median over 600 values
  // means what one over every reading means, and 128 beds of a Masimo and a
  // 75 Hz Nonin (nine readings a second each) then hold about 1.5 MB rather
  // than 8 MB. A device flooding its line costs no more. Further values of
  // the second are left out of the baseline only; every rule still judges
  // them. A clock that stepped back keeps its values.
  if (!series->empty() && std::chrono::floor<std::chrono::seconds>(time) ==
                              std::chrono::floor<std::chrono::seconds>(time_of(series->back_ms())))
    return;
  const std::int32_t ms = offset(time);
  series->push_back(static_cast<float>(value), ms);
  for (auto& s : series_)
    while (s && !s->empty() && time - time_of(s->front_ms()) > window_) s->pop_front();
}

std::int32_t BaselineWindow::offset(core::TimePoint time) {
  using Limits = std::numeric_limits<std::int32_t>;
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(time);
  if (!has_epoch_ || ms - epoch_ > std::chrono::milliseconds{Limits::max()} ||
      ms - epoch_ < std::chrono::milliseconds{Limits::min()})
    rebase(ms);
  return static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(ms - epoch_).count());
}

void BaselineWindow::rebase(core::TimePoint epoch) {
  using Limits = std::numeric_limits<std::int32_t>;
  for (auto& series : series_) {
    if (!series) continue;
    // Values more than 24 days from the new epoch are beyond any window.
    BaselineSeries moved;
    series->for_each([&](float value, std::int32_t ms) {
      const auto d = std::chrono::duration_cast<std::chrono::milliseconds>(time_of(ms) - epoch);
      if (d <= std::chrono::milliseconds{Limits::max()} && d >= std::chrono::milliseconds{Limits::min()})
        moved.push_back(value, static_cast<std::int32_t>(d.count()));
    });
    *series = std::move(moved);
  }
  epoch_ = epoch;
  has_epoch_ = true;
}

std::size_t BaselineWindow::size() const {
  std::size_t n = 0;
  for (const auto& s : series_) n += s ? s->size() : 0;
  return n;
}

Baseline BaselineWindow::take(core::TimePoint start, const std::map<Metric, double>& entered) const {
  Baseline b;
  bool measured = false;
  for (std::size_t i = 0; i < kMetrics.size(); ++i) {
    if (!series_[i]) continue;
    std::vector<double> values;
    core::TimePoint first{}, last{};
    series_[i]->for_each([&](float value, std::int32_t ms) {
      const core::TimePoint time = time_of(ms);
      if (time > start || start - time > window_) return;
      if (values.empty()) first = time;
      last = time;
      values.push_back(value);
    });
    if (values.empty()) continue;
    measured = true;
    const Metric m = kMetrics[i];
    if (core::info(m).episodic || last - first >= 60s) b.values[m] = median(std::move(values));
  }
  for (const auto& [m, v] : entered) b.values[m] = v;
  const bool have_bp = b.values.count(Metric::nibp_systolic) > 0;
  const bool have_rate = b.values.count(Metric::heart_rate) || b.values.count(Metric::pulse_rate);
  std::vector<std::string> missing;
  if (!have_bp) missing.push_back("a cuff reading");
  if (!have_rate || !b.values.count(Metric::spo2)) missing.push_back("60 s of SpO2 and heart rate");
  const auto window_min = std::chrono::duration_cast<std::chrono::minutes>(window_).count();
  b.source = entered.empty() ? "measured" : !measured ? "entered" : "measured and entered";
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
