// The drill plot: one panel per bed with heart rate, SpO2 and cuff blood
// pressure over scenario time, the scripted events, the windows in which
// alarms were expected, and every alarm from the moment it sounded to the
// moment it cleared, with its acknowledgement. Plain SVG written here.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "drill/drill_report.hpp"

namespace vigil::drill {
namespace {

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

const char* priority_colour(const std::string& p) {
  return p == "high" ? "#d62728" : p == "medium" ? "#f0a000" : "#17a2b8";
}

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '&')
      o += "&amp;";
    else if (c == '"')
      o += "&quot;";
    else
      o += c;
  }
  return o;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string shorten(std::string s, std::size_t n) {
  if (s.size() > n) s = s.substr(0, n - 1) + "\u2026";
  return s;
}

class Panel {
 public:
  Panel(std::ostringstream& o, core::Duration span) : o_{o}, span_{core::to_seconds(span)} {}

  double x(core::Duration t) const {
    return kLeft + std::clamp(core::to_seconds(t) / span_, 0.0, 1.0) * kPlotWidth;
  }
  double y(const Strip& s, double top, double v) const {
    return top + s.height - (std::clamp(v, s.lo, s.hi) - s.lo) / (s.hi - s.lo) * s.height;
  }

  void frame(const Strip& s, double top) {
    o_ << "<rect x='" << kLeft << "' y='" << num(top) << "' width='" << kPlotWidth << "' height='" << s.height
       << "' fill='#fafafa' stroke='#bbb'/>\n";
    o_ << "<text x='" << kLeft - 6 << "' y='" << num(top + 12) << "' text-anchor='end' font-size='10'>"
       << s.hi << "</text><text x='" << kLeft - 6 << "' y='" << num(top + s.height)
       << "' text-anchor='end' font-size='10'>" << s.lo << "</text>\n";
    o_ << "<text x='" << kLeft + 4 << "' y='" << num(top + 12) << "' font-size='11' fill='#555'>" << s.label
       << "</text>\n";
  }

  void line(const Strip& s, double top, const std::vector<std::pair<core::Duration, double>>& pts,
            const char* colour) {
    if (pts.empty()) return;
    o_ << "<polyline fill='none' stroke='" << colour << "' stroke-width='1.5' points='";
    double last_x = -1;
    for (const auto& [t, v] : pts) {
      const double px = x(t);
      if (px - last_x < 0.5) continue;  // one point per half pixel is all the eye sees
      last_x = px;
      o_ << num(px) << "," << num(y(s, top, v)) << " ";
    }
    o_ << "'/>\n";
  }

  void cuff(double top, const std::vector<std::pair<core::Duration, double>>& sys,
            const std::vector<std::pair<core::Duration, double>>& dia) {
    for (std::size_t i = 0; i < sys.size(); ++i) {
      const double px = x(sys[i].first);
      const double ys = y(kPressure, top, sys[i].second);
      const double yd = i < dia.size() ? y(kPressure, top, dia[i].second) : ys;
      o_ << "<line x1='" << num(px) << "' y1='" << num(ys) << "' x2='" << num(px) << "' y2='" << num(yd)
         << "' stroke='#333' stroke-width='3'><title>" << sys[i].second << "/"
         << (i < dia.size() ? dia[i].second : 0) << " at " << sim::clock_text(sys[i].first)
         << "</title></line>\n";
    }
  }

  void time_axis(double top, double bottom) {
    const double minutes = span_ / 60;
    const int step = minutes <= 4 ? 1 : minutes <= 12 ? 2 : minutes <= 30 ? 5 : 10;
    for (int m = 0; m <= static_cast<int>(minutes); m += step) {
      const double px = x(std::chrono::minutes{m});
      o_ << "<line x1='" << num(px) << "' y1='" << num(top) << "' x2='" << num(px) << "' y2='" << num(bottom)
         << "' stroke='#e4e4e4'/>\n<text x='" << num(px) << "' y='" << num(bottom + 11)
         << "' text-anchor='middle' font-size='10' fill='#777'>" << m << ":00</text>\n";
    }
  }

 private:
  std::ostringstream& o_;
  double span_;
};

double panel_height() {
  return kTitleHeight + kRate.height + kSpo2.height + kPressure.height + 3 * kStripGap +
         kAlarmLanes * kAlarmLane + kEventsHeight + 30;
}

void bed_panel(std::ostringstream& o, const BedReport& b, const DrillRecord& record, double top) {
  core::Duration span = b.duration;
  for (const auto& a : b.alarms) span = std::max(span, a.raised);
  Panel p{o, span};
  o << "<text x='" << kLeft << "' y='" << num(top + 18) << "' font-size='15' font-weight='bold'>"
    << esc(b.bed) << ": " << esc(b.scenario_title) << "</text>\n";
  const double rate_top = top + kTitleHeight, spo2_top = rate_top + kRate.height + kStripGap;
  const double bp_top = spo2_top + kSpo2.height + kStripGap,
               alarm_top = bp_top + kPressure.height + kStripGap;
  const double events_top = alarm_top + kAlarmLanes * kAlarmLane + 12;

  p.frame(kRate, rate_top);
  p.frame(kSpo2, spo2_top);
  p.frame(kPressure, bp_top);
  // Expectation windows over the frames, under the data.
  for (const auto& er : b.timeline)
    for (const auto& x : er.expectations) {
      const double x0 = p.x(x.expected.from), x1 = std::max(p.x(x.expected.to), x0 + 2);
      o << "<rect x='" << num(x0) << "' y='" << num(rate_top) << "' width='" << num(x1 - x0) << "' height='"
        << num(alarm_top - rate_top) << "' fill='" << (verdict_fails(x.verdict) ? "#f4c7c3" : "#cdeccd")
        << "' opacity='0.6'><title>expected " << x.expected.priority << " " << esc(x.expected.condition)
        << " " << sim::clock_text(x.expected.from) << "-" << sim::clock_text(x.expected.to) << ": "
        << verdict_name(x.verdict) << "</title></rect>\n";
    }
  p.time_axis(rate_top, events_top + kEventsHeight - 14);

  std::map<std::string, std::vector<std::pair<core::Duration, double>>> series;
  for (const auto& r : record.readings)
    if (r.bed == b.bed && r.usable && r.t >= core::Duration{}) series[r.metric].push_back({r.t, r.value});
  p.line(kRate, rate_top, series["hr"], "#c0392b");
  p.line(kRate, rate_top, series["pulse"], "#e67e22");
  p.line(kSpo2, spo2_top, series["spo2"], "#1f77b4");
  p.cuff(bp_top, series["nibp_sys"], series["nibp_dia"]);

  // Alarms: a bar from sounding to clearing, a line through the vitals where it sounded.
  for (std::size_t i = 0; i < b.alarms.size(); ++i) {
    const auto& a = b.alarms[i];
    const char* colour = priority_colour(a.top_priority);
    const double x0 = p.x(a.raised), x1 = std::max(p.x(a.cleared.value_or(span)), x0 + 3);
    const double lane = alarm_top + static_cast<double>(i % kAlarmLanes) * kAlarmLane;
    o << "<line x1='" << num(x0) << "' y1='" << num(rate_top) << "' x2='" << num(x0) << "' y2='" << num(lane)
      << "' stroke='" << colour << "' stroke-width='1' stroke-dasharray='2,2'/>\n";
    o << "<rect x='" << num(x0) << "' y='" << num(lane + 1) << "' width='" << num(x1 - x0) << "' height='"
      << kAlarmLane - 3 << "' fill='" << colour << "'><title>" << esc(a.top_priority + " " + a.condition)
      << " " << sim::clock_text(a.raised) << (a.cleared ? "-" + sim::clock_text(*a.cleared) : "") << ": "
      << esc(a.message) << "</title></rect>\n";
    o << "<text x='" << num(x0 + 3) << "' y='" << num(lane + kAlarmLane - 4) << "' font-size='9' fill='#fff'>"
      << esc(shorten(a.condition, 24)) << "</text>\n";
    if (a.acknowledged) {
      const double xa = p.x(*a.acknowledged);
      o << "<circle cx='" << num(xa) << "' cy='" << num(lane + kAlarmLane / 2 - 1)
        << "' r='4' fill='#fff' stroke='#222'>"
        << "<title>acknowledged " << sim::clock_text(*a.acknowledged) << " by " << esc(a.acknowledged_by)
        << "</title></circle>\n";
    }
  }

  // Scripted events along the bottom.
  int k = 0;
  for (const auto& er : b.timeline) {
    if (!er.event) continue;
    const double px = p.x(er.event->at);
    const double ty = events_top + 12 + (k++ % 3) * 13;
    o << "<line x1='" << num(px) << "' y1='" << num(rate_top) << "' x2='" << num(px) << "' y2='"
      << num(ty - 9) << "' stroke='#888' stroke-dasharray='4,3'/>\n";
    o << "<text x='" << num(px + 2) << "' y='" << num(ty) << "' font-size='10' fill='#444'><title>"
      << esc(sim::event_text(*er.event)) << "</title>" << sim::clock_text(er.event->at) << " "
      << esc(shorten(sim::event_text(*er.event), 38)) << "</text>\n";
  }
}

}  // namespace

std::string report_svg(const DrillReport& report, const DrillRecord& record) {
  std::ostringstream o;
  const double height = 56 + panel_height() * static_cast<double>(report.beds.size());
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kWidth << "' height='" << num(height)
    << "' font-family='sans-serif'>\n";
  o << "<rect width='100%' height='100%' fill='#fff'/>\n";
  o << "<text x='" << kLeft << "' y='24' font-size='17' font-weight='bold'>DRILL: " << esc(report.title)
    << "</text>\n<text x='" << kLeft << "' y='42' font-size='12' fill='#555'>" << report.met_count() << " of "
    << report.expected_count() << " expected alarms in time, " << report.unexpected_count()
    << " unexpected; alarm colours: high red, medium amber, low cyan; circle: acknowledged"
    << "</text>\n";
  double top = 56;
  for (const auto& b : report.beds) {
    bed_panel(o, b, record, top);
    top += panel_height();
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace vigil::drill
