#include "chart/time_plot.hpp"

#include <algorithm>

namespace vigil::chart {
using namespace std::chrono_literals;

double PlotBox::x_at(core::TimePoint t) const {
  const double span = std::max(1.0, core::to_seconds(to - from));
  return x + std::clamp(core::to_seconds(t - from) / span, 0.0, 1.0) * width;
}

double PlotBox::y_at(double v) const {
  const double range = high > low ? high - low : 1;
  return y + height - (std::clamp(v, low, high) - low) / range * height;
}

core::Duration tick_step(core::Duration span) {
  constexpr core::Duration kSteps[] = {1min, 2min, 5min, 10min, 15min, 30min, 1h, 2h, 4h, 6h, 12h};
  for (const auto step : kSteps)
    if (span <= 12 * step) return step;
  return 24h;
}

std::vector<core::TimePoint> time_ticks(core::TimePoint from, core::TimePoint to, core::TimePoint origin) {
  std::vector<core::TimePoint> ticks;
  if (to < from) return ticks;
  const auto step = tick_step(to - from);
  // The first whole step at or after `from`, counted from the origin.
  auto steps = (from - origin) / step;
  if (origin + steps * step < from) ++steps;
  for (auto t = origin + steps * step; t <= to; t += step) ticks.push_back(t);
  return ticks;
}

std::vector<Points> runs(const Points& points, core::Duration gap) {
  std::vector<Points> v;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (i == 0 || points[i].first - points[i - 1].first > gap) v.emplace_back();
    v.back().push_back(points[i]);
  }
  return v;
}

void draw_series(Canvas& c, const PlotBox& box, const Points& points, Color color, double width,
                 core::Duration gap) {
  for (const auto& run : runs(points, gap)) {
    std::vector<std::pair<double, double>> line;
    double last_x = -1e9;
    for (const auto& [t, v] : run) {
      const double x = box.x_at(t);
      if (x - last_x < 0.5) continue;
      last_x = x;
      line.emplace_back(x, box.y_at(v));
    }
    if (line.size() == 1)
      c.dot(line[0].first, line[0].second, width, color);
    else
      c.polyline(line, color, width);
  }
}

void draw_time_axis(Canvas& c, const PlotBox& box, const TimeAxis& axis, double label_y) {
  const double bottom = box.y + box.height;
  for (const auto t : time_ticks(box.from, box.to, axis.origin)) {
    const double x = box.x_at(t);
    if (axis.grid)
      c.line(x, box.y, x, bottom, axis.grid_color, 1, false);
    else
      c.line(x, bottom - 4, x, bottom, axis.ink, 0.8, false);
    c.text(x, label_y, axis.label(t), axis.font_size, axis.ink, Canvas::Anchor::middle);
  }
}

void shade(Canvas& c, const PlotBox& box, core::TimePoint from, core::TimePoint to, Color color,
           double opacity, double min_width) {
  const double a = box.x_at(from), b = box.x_at(to);
  c.rect(a, box.y, std::max(min_width, b - a), box.height, color, opacity);
}

}  // namespace vigil::chart
