#include "record/plot.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "chart/time_plot.hpp"
#include "record/journal_span.hpp"
#include "record/time_text.hpp"

namespace vigil::record {
using core::Metric;

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
  chart::PlotBox box{x0 + kLeft, y0 + kTitle, width - kLeft, height, r.from, r.to, p.low, p.high};
  for (const auto& l : p.lines)
    if (const auto* s = series_of(r, l.metric))
      for (const auto& [t, v] : s->points) {
        box.low = std::min(box.low, std::floor(v / 10) * 10);
        box.high = std::max(box.high, std::ceil(v / 10) * 10);
      }
  const double top = box.y;
  auto px = [&](core::TimePoint t) { return box.x_at(t); };
  auto py = [&](double v) { return box.y_at(v); };

  c.text(x0, y0 + 10, p.title, 9, kInk, Canvas::Anchor::start);
  if (r.started) {
    chart::shade(c, box, r.started->time, r.stopped ? r.stopped->time : r.to, kInfusion, 0.35);
    // A pause takes the shade away until the resume (or the stop).
    std::optional<core::TimePoint> paused;
    auto unshade = [&](core::TimePoint until) {
      if (paused) chart::shade(c, box, *paused, until, kPaused, 0.8);
      paused.reset();
    };
    for (const auto& ch : r.changes) {
      if (ch.kind == InfusionChange::Kind::paused && !paused) paused = ch.time;
      if (ch.kind == InfusionChange::Kind::resumed) unshade(ch.time);
    }
    unshade(r.stopped ? r.stopped->time : r.to);
  }
  const double low = box.low, high = box.high;
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
    if (!l.cuff) {
      chart::draw_series(c, box, s->points, l.color, 1.0, kGap);
      continue;
    }
    // Each cuff point is a measurement, joined by a thin line to the next
    // however far apart: between cuff readings there is no reading to miss.
    std::vector<std::pair<double, double>> points;
    for (const auto& [t, v] : s->points) points.emplace_back(px(t), py(v));
    c.polyline(points, l.color, 0.6);
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
  // The time axis, under the last panel, in the ward's clock.
  const chart::PlotBox axis_box{x + kLeft, y, width - kLeft, top - 2 - y, r.from, r.to};
  chart::draw_time_axis(c, axis_box, {.origin = core::TimePoint{}, .label = hhmm, .ink = kInk}, top + 8);
  const std::string zone = local_clock(r.from).substr(9);
  c.text(x + width, top + 20,
         "time (" + zone +
             ")   shaded: infusion running (white: paused)   dashed red: alarm raised   I: intervention   "
             "AE: adverse event   N: note",
         7, kInk, Canvas::Anchor::end);
  return top + kAxis - y;
}

}  // namespace vigil::record
