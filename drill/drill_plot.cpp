// The drill plot: one panel per bed with heart rate, SpO2 and cuff blood
// pressure over scenario time, the scripted events, the windows in which
// alarms were expected, and every alarm from the moment it sounded to the
// moment it cleared, with its acknowledgement. Drawn with the chart the
// infusion record uses (chart/time_plot.hpp) as SVG; scenario time is laid
// on the chart's time axis from the epoch.
#include <algorithm>
#include <map>

#include "chart/svg_canvas.hpp"
#include "chart/time_plot.hpp"
#include "drill/drill_report.hpp"

namespace vigil::drill {
namespace {

using chart::Canvas;
using chart::Color;
using chart::hex;

constexpr double kWidth = 1100, kLeft = 70, kRight = 30;
constexpr double kPlotWidth = kWidth - kLeft - kRight;
constexpr double kTitleHeight = 28, kStripGap = 8, kEventsHeight = 54;

struct Strip {
  const char* label;
  double lo, hi;
  double height;
};
constexpr Strip kRate{"heart rate /min", 30, 210, 90};
constexpr Strip kSpo2{"SpO2 %", 70, 100, 80};
constexpr Strip kPressure{"NIBP mmHg", 40, 240, 100};
constexpr double kAlarmLane = 14;
constexpr int kAlarmLanes = 4;
constexpr Color kText = hex(0x222222), kMuted = hex(0x555555), kWhite = hex(0xffffff);

Color priority_colour(const std::string& p) {
  return p == "high" ? hex(0xd62728) : p == "medium" ? hex(0xf0a000) : hex(0x17a2b8);
}

std::string shorten(std::string s, std::size_t n) {
  if (s.size() > n) s = s.substr(0, n - 1) + "\u2026";
  return s;
}

core::TimePoint at(core::Duration t) {
  return core::TimePoint{} + t;
}

std::string axis_number(double v) {
  std::string s = chart::coord(v);
  return s.ends_with(".0") ? s.substr(0, s.size() - 2) : s;
}

// One bed's panel: the strips share the time across.
class Panel {
 public:
  Panel(Canvas& c, core::Duration span) : c_{c}, span_{span} {}

  chart::PlotBox box(const Strip& s, double top) const {
    return {kLeft, top, kPlotWidth, s.height, at({}), at(span_), s.lo, s.hi};
  }
  double x(core::Duration t) const { return box(kRate, 0).x_at(at(t)); }

  void frame(const Strip& s, double top) {
    c_.rect(kLeft, top, kPlotWidth, s.height, hex(0xfafafa), 1);
    const Color edge = hex(0xbbbbbb);
    c_.line(kLeft, top, kLeft + kPlotWidth, top, edge, 1, false);
    c_.line(kLeft, top + s.height, kLeft + kPlotWidth, top + s.height, edge, 1, false);
    c_.line(kLeft, top, kLeft, top + s.height, edge, 1, false);
    c_.line(kLeft + kPlotWidth, top, kLeft + kPlotWidth, top + s.height, edge, 1, false);
    c_.text(kLeft - 6, top + 12, axis_number(s.hi), 10, kText, Canvas::Anchor::end);
    c_.text(kLeft - 6, top + s.height, axis_number(s.lo), 10, kText, Canvas::Anchor::end);
    c_.text(kLeft + 4, top + 12, s.label, 11, kMuted, Canvas::Anchor::start);
  }

  void cuff(double top, const chart::Points& sys, const chart::Points& dia) {
    const auto b = box(kPressure, top);
    for (std::size_t i = 0; i < sys.size(); ++i) {
      const double px = b.x_at(sys[i].first);
      const double ys = b.y_at(sys[i].second);
      const double yd = i < dia.size() ? b.y_at(dia[i].second) : ys;
      c_.hint(axis_number(sys[i].second) + "/" + axis_number(i < dia.size() ? dia[i].second : 0) + " at " +
              sim::clock_text(sys[i].first - core::TimePoint{}));
      c_.line(px, ys, px, yd, hex(0x333333), 3, false);
    }
  }

  void time_axis(double top, double bottom) {
    chart::PlotBox b{kLeft, top, kPlotWidth, bottom - top, at({}), at(span_)};
    chart::draw_time_axis(c_, b,
                          {.origin = core::TimePoint{},
                           .label = [](core::TimePoint t) { return sim::clock_text(t - core::TimePoint{}); },
                           .grid = true,
                           .ink = hex(0x777777),
                           .grid_color = hex(0xe4e4e4),
                           .font_size = 10},
                          bottom + 11);
  }

 private:
  Canvas& c_;
  core::Duration span_;
};

double panel_height() {
  return kTitleHeight + kRate.height + kSpo2.height + kPressure.height + 3 * kStripGap +
         kAlarmLanes * kAlarmLane + kEventsHeight + 30;
}

void alarm_bars(Canvas& c, const Panel& p, const BedReport& b, core::Duration span, double rate_top,
                double alarm_top) {
  // Alarms: a bar from sounding to clearing, a line through the vitals where it sounded.
  for (std::size_t i = 0; i < b.alarms.size(); ++i) {
    const auto& a = b.alarms[i];
    const Color colour = priority_colour(a.top_priority);
    const double x0 = p.x(a.raised), x1 = std::max(p.x(a.cleared.value_or(span)), x0 + 3);
    const double lane = alarm_top + static_cast<double>(i % kAlarmLanes) * kAlarmLane;
    c.line(x0, rate_top, x0, lane, colour, 1, true);
    c.hint(a.top_priority + " " + a.condition + " " + sim::clock_text(a.raised) +
           (a.cleared ? "-" + sim::clock_text(*a.cleared) : "") + ": " + a.message);
    c.rect(x0, lane + 1, x1 - x0, kAlarmLane - 3, colour, 1);
    c.text(x0 + 3, lane + kAlarmLane - 4, shorten(a.condition, 24), 9, kWhite, Canvas::Anchor::start);
    if (a.acknowledged) {
      const double xa = p.x(*a.acknowledged), ya = lane + kAlarmLane / 2 - 1;
      c.dot(xa, ya, 4, hex(0x222222));
      c.hint("acknowledged " + sim::clock_text(*a.acknowledged) + " by " + a.acknowledged_by);
      c.dot(xa, ya, 3, kWhite);
    }
  }
}

void bed_panel(Canvas& c, const BedReport& b, const DrillRecord& record, double top) {
  core::Duration span = b.duration;
  for (const auto& a : b.alarms) span = std::max(span, a.raised);
  Panel p{c, span};
  c.text(kLeft, top + 18, b.bed + ": " + b.scenario_title, 15, kText, Canvas::Anchor::start,
         Canvas::Weight::bold);
  const double rate_top = top + kTitleHeight, spo2_top = rate_top + kRate.height + kStripGap;
  const double bp_top = spo2_top + kSpo2.height + kStripGap,
               alarm_top = bp_top + kPressure.height + kStripGap;
  const double events_top = alarm_top + kAlarmLanes * kAlarmLane + 12;

  p.frame(kRate, rate_top);
  p.frame(kSpo2, spo2_top);
  p.frame(kPressure, bp_top);
  // Expectation windows over the frames, under the data.
  const chart::PlotBox windows{kLeft, rate_top, kPlotWidth, alarm_top - rate_top, at({}), at(span)};
  for (const auto& er : b.timeline)
    for (const auto& x : er.expectations) {
      c.hint("expected " + x.expected.priority + " " + x.expected.condition + " " +
             sim::clock_text(x.expected.from) + "-" + sim::clock_text(x.expected.to) + ": " +
             std::string{verdict_name(x.verdict)});
      chart::shade(c, windows, at(x.expected.from), at(x.expected.to),
                   verdict_fails(x.verdict) ? hex(0xf4c7c3) : hex(0xcdeccd), 0.6, 2);
    }
  p.time_axis(rate_top, events_top + kEventsHeight - 14);

  std::map<std::string, chart::Points> series;
  for (const auto& r : record.readings)
    if (r.bed == b.bed && r.usable && r.t >= core::Duration{}) series[r.metric].push_back({at(r.t), r.value});
  chart::draw_series(c, p.box(kRate, rate_top), series["hr"], hex(0xc0392b), 1.5, chart::kStreamGap);
  chart::draw_series(c, p.box(kRate, rate_top), series["pulse"], hex(0xe67e22), 1.5, chart::kStreamGap);
  chart::draw_series(c, p.box(kSpo2, spo2_top), series["spo2"], hex(0x1f77b4), 1.5, chart::kStreamGap);
  p.cuff(bp_top, series["nibp_sys"], series["nibp_dia"]);
  alarm_bars(c, p, b, span, rate_top, alarm_top);

  // Scripted events along the bottom.
  int k = 0;
  for (const auto& er : b.timeline) {
    if (!er.event) continue;
    const double px = p.x(er.event->at);
    const double ty = events_top + 12 + (k++ % 3) * 13;
    c.line(px, rate_top, px, ty - 9, hex(0x888888), 1, true);
    c.hint(sim::event_text(*er.event));
    c.text(px + 2, ty, sim::clock_text(er.event->at) + " " + shorten(sim::event_text(*er.event), 38), 10,
           hex(0x444444), Canvas::Anchor::start);
  }
}

}  // namespace

std::string report_svg(const DrillReport& report, const DrillRecord& record) {
  chart::SvgCanvas c;
  const double height = 56 + panel_height() * static_cast<double>(report.beds.size());
  c.rect(0, 0, kWidth, height, kWhite, 1);
  c.text(kLeft, 24, "DRILL: " + report.title, 17, kText, Canvas::Anchor::start, Canvas::Weight::bold);
  c.text(kLeft, 42,
         std::to_string(report.met_count()) + " of " + std::to_string(report.expected_count()) +
             " expected alarms in time, " + std::to_string(report.unexpected_count()) +
             " unexpected; alarm colours: high red, medium amber, low cyan; circle: acknowledged",
         12, kMuted, Canvas::Anchor::start);
  double top = 56;
  for (const auto& b : report.beds) {
    bed_panel(c, b, record, top);
    top += panel_height();
  }
  return "<svg xmlns='http://www.w3.org/2000/svg' width='" + chart::coord(kWidth) + "' height='" +
         chart::coord(height) + "' font-family='sans-serif'>\n" + c.body + "</svg>\n";
}

}  // namespace vigil::drill
