#include "record/plot.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "record/time_text.hpp"

namespace vigil::record {
using core::Metric;
using namespace std::chrono_literals;

namespace {

constexpr Color kInk{0.1, 0.1, 0.1}, kGrid{0.8, 0.8, 0.8}, kInfusion{0.55, 0.75, 0.95}, kAlarm{0.8, 0.1, 0.1};
constexpr Color kIntervention{0.0, 0.5, 0.5}, kAdverse{0.7, 0.0, 0.6}, kPaused{1, 1, 1};
constexpr Color kSpo2{0.1, 0.35, 0.8}, kPulse{0.1, 0.55, 0.2}, kHr{0.45, 0.2, 0.6}, kSys{0.75, 0.3, 0.05},
    kDia{0.95, 0.55, 0.1};
constexpr double kLeft = 46, kAxis = 28, kTitle = 14;

struct Line {
  Metric metric;
  Color color;
  bool cuff;  // drawn as dots joined by a thin line: each point a measurement
};

struct Panel {
  std::string title;
  std::vector<Line> lines;
  double low, high;  // the value axis, widened to fit the data
};

const Series* series_of(const InfusionRecord& r, Metric m) {
  for (const auto& s : r.series)
    if (s.metric == m) return &s;
  return nullptr;
}

std::string hhmm(core::TimePoint t) {
  return local_clock(t).substr(0, 5);
}

void draw_panel(const InfusionRecord& r, const Panel& p, Canvas& c, double x0, double y0, double width,
                double height) {
  const double w = width - kLeft, top = y0 + kTitle;
  const double span = std::max(1.0, core::to_seconds(r.to - r.from));
  auto px = [&](core::TimePoint t) { return x0 + kLeft + w * core::to_seconds(t - r.from) / span; };
  double low = p.low, high = p.high;
  for (const auto& l : p.lines)
    if (const auto* s = series_of(r, l.metric))
      for (const auto& [t, v] : s->points) {
        low = std::min(low, std::floor(v / 10) * 10);
        high = std::max(high, std::ceil(v / 10) * 10);
      }
  auto py = [&](double v) { return top + height - height * (v - low) / (high - low); };

  c.text(x0, y0 + 10, p.title, 9, kInk, Canvas::Anchor::start);
  if (r.started) {
    const double a = px(r.started->time), b = px(r.stopped ? r.stopped->time : r.to);
    c.rect(a, top, std::max(1.0, b - a), height, kInfusion, 0.35);
    // A pause takes the shade away until the resume (or the stop).
    std::optional<core::TimePoint> paused;
    auto unshade = [&](core::TimePoint until) {
      if (paused) c.rect(px(*paused), top, std::max(1.0, px(until) - px(*paused)), height, kPaused, 0.8);
      paused.reset();
    };
    for (const auto& ch : r.changes) {
      if (ch.kind == InfusionChange::Kind::paused && !paused) paused = ch.time;
      if (ch.kind == InfusionChange::Kind::resumed) unshade(ch.time);
    }
    unshade(r.stopped ? r.stopped->time : r.to);
  }
  const double step = (high - low) > 100 ? 40 : (high - low) > 40 ? 20 : 5;
  for (double v = std::ceil(low / step) * step; v <= high; v += step) {
    c.line(x0 + kLeft, py(v), x0 + width, py(v), kGrid, 0.5, false);
    c.text(x0 + kLeft - 4, py(v) + 3, number_text(v, 0), 7, kInk, Canvas::Anchor::end);
  }
  c.line(x0 + kLeft, top + height, x0 + width, top + height, kInk, 0.8, false);
  c.line(x0 + kLeft, top, x0 + kLeft, top + height, kInk, 0.8, false);
  for (const auto& a : r.alarms)
    if (a.raised && !a.technical) c.line(px(*a.raised), top, px(*a.raised), top + height, kAlarm, 0.8, true);
  for (const auto& e : r.entries) {
    const bool note = e.type == StaffEntry::Type::note;
    const Color color = note ? kInk : e.type == StaffEntry::Type::intervention ? kIntervention : kAdverse;
    c.line(px(e.time), top, px(e.time), note ? top + 6 : top + height, color, 0.8, !note);
    c.text(px(e.time) + 2, top + 7,
           note                                       ? "N"
           : e.type == StaffEntry::Type::intervention ? "I"
                                                      : "AE",
           6, color, Canvas::Anchor::start);
  }
  for (const auto& l : p.lines) {
    const auto* s = series_of(r, l.metric);
    if (!s) continue;
    std::vector<std::pair<double, double>> points;
    double last_x = -1e9;
    for (const auto& [t, v] : s->points) {
      const double x = px(t);
      // One point per half unit of width is all a plot can show.
      if (!l.cuff && x - last_x < 0.5) continue;
      last_x = x;
      points.emplace_back(x, py(v));
    }
    c.polyline(points, l.color, l.cuff ? 0.6 : 1.0);
    if (l.cuff)
      for (const auto& [x, y] : points) c.dot(x, y, 1.8, l.color);
  }
  // Legend, right-aligned in the title row.
  double lx = x0 + width;
  for (auto it = p.lines.rbegin(); it != p.lines.rend(); ++it) {
    if (!series_of(r, it->metric)) continue;
    const std::string name{core::label(it->metric)};
    c.text(lx, y0 + 10, name, 8, it->color, Canvas::Anchor::end);
    lx -= 7.0 * static_cast<double>(name.size()) + 10;
  }
}

}  // namespace

double draw_plots(const InfusionRecord& r, Canvas& c, double x, double y, double width, double panel_height) {
  const Panel panels[] = {
      {"SpO\u2082 (%)", {{Metric::spo2, kSpo2, false}}, 85, 100},
      {"Pulse and HR (/min)",
       {{Metric::pulse_rate, kPulse, false}, {Metric::heart_rate, kHr, false}},
       50,
       110},
      {"NIBP (mmHg)", {{Metric::nibp_systolic, kSys, true}, {Metric::nibp_diastolic, kDia, true}}, 60, 160},
  };
  double top = y;
  for (const auto& p : panels) {
    draw_panel(r, p, c, x, top, width, panel_height);
    top += kTitle + panel_height + 6;
  }
  // The time axis, under the last panel: ticks every 5, 15 or 30 min.
  const double w = width - kLeft;
  const double span = std::max(1.0, core::to_seconds(r.to - r.from));
  const auto tick = span > 4 * 3600   ? std::chrono::minutes{60}
                    : span > 2 * 3600 ? std::chrono::minutes{30}
                    : span > 3600     ? std::chrono::minutes{15}
                                      : std::chrono::minutes{5};
  auto t = std::chrono::ceil<std::chrono::minutes>(r.from);
  while (std::chrono::duration_cast<std::chrono::minutes>(t.time_since_epoch()).count() % tick.count())
    t += 1min;
  for (; t <= r.to; t += tick) {
    const double px = x + kLeft + w * core::to_seconds(t - r.from) / span;
    c.line(px, top - 6, px, top - 2, kInk, 0.8, false);
    c.text(px, top + 8, hhmm(t), 7, kInk, Canvas::Anchor::middle);
  }
  const std::string zone = local_clock(r.from).substr(9);
  c.text(x + width, top + 20,
         "time (" + zone +
             ")   shaded: infusion running (white: paused)   dashed red: alarm raised   I: intervention   "
             "AE: adverse event   N: note",
         7, kInk, Canvas::Anchor::end);
  return top + kAxis - y;
}

}  // namespace vigil::record
