#pragma once
// A plot over time: a box on a canvas with time across and a value up, the
// time ticks, series drawn as lines broken where the data has a gap, shaded
// spans and marks at a moment. The infusion record (wall-clock time in the
// ward's zone) and the drill report (time from the drill's start) both draw
// with it.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "chart/canvas.hpp"
#include "core/time.hpp"

namespace vigil::chart {

using Points = std::vector<std::pair<core::TimePoint, double>>;

// Streamed readings (SpO₂, pulse, HR: about one a second) further apart than
// this have a gap between them: drawn as one, and counted by the record as
// time without data.
constexpr core::Duration kStreamGap = std::chrono::seconds{10};

struct PlotBox {
  double x = 0, y = 0, width = 0, height = 0;  // on the canvas
  core::TimePoint from{}, to{};                // across
  double low = 0, high = 1;                    // up

  // Both clamped to the box: a mark outside the span sits on its edge.
  double x_at(core::TimePoint t) const;
  double y_at(double v) const;
};

// The tick step for a span: the shortest of 1, 2, 5, 10, 15, 30 min, 1, 2,
// 4, 6, 12 h that gives at most 12 steps.
core::Duration tick_step(core::Duration span);
// The ticks from `from` to `to`, at whole multiples of the step counted
// from `origin` (the epoch for clock time, the start for elapsed time).
std::vector<core::TimePoint> time_ticks(core::TimePoint from, core::TimePoint to, core::TimePoint origin);

// The points split into runs: a point more than `gap` after the one before
// starts a new run, so a silence is drawn as a silence, never as a line
// across it.
std::vector<Points> runs(const Points& points, core::Duration gap);

// Each run as one polyline, at most one point per half unit of width (all
// a plot can show). A run of one point is a dot, not lost.
void draw_series(Canvas& c, const PlotBox& box, const Points& points, Color color, double width,
                 core::Duration gap);

// The ticks under (or through) the box, labelled by `label`. With `grid`,
// a thin line the box's full height at each tick; else a short tick under it.
struct TimeAxis {
  core::TimePoint origin{};
  std::function<std::string(core::TimePoint)> label;
  bool grid = false;
  Color ink{0.1, 0.1, 0.1};  // the labels, and the ticks without a grid
  Color grid_color{0.9, 0.9, 0.9};
  double font_size = 7;
};
void draw_time_axis(Canvas& c, const PlotBox& box, const TimeAxis& axis, double label_y);

// A span shaded across the box's height.
void shade(Canvas& c, const PlotBox& box, core::TimePoint from, core::TimePoint to, Color color,
           double opacity, double min_width = 1);

}  // namespace vigil::chart
