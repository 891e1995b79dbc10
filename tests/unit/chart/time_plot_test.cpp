// The plot over time that the infusion record and the drill report share:
// its ticks, a series broken where the data stops, and the SVG it writes.
#include "chart/time_plot.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "chart/svg_canvas.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using chart::Canvas;
using chart::Color;

namespace {

// 2026-11-23 08:00 UTC.
const core::TimePoint T0 = core::TimePoint{} + std::chrono::seconds{1795420800};

// What was drawn, one line a call.
struct DrawnCanvas final : Canvas {
  std::vector<std::string> calls;
  std::vector<std::vector<std::pair<double, double>>> lines;
  void rect(double, double, double, double, Color, double) override { calls.push_back("rect"); }
  void line(double, double, double, double, Color, double, bool) override { calls.push_back("line"); }
  void polyline(const std::vector<std::pair<double, double>>& points, Color, double) override {
    calls.push_back("polyline");
    lines.push_back(points);
  }
  void dot(double, double, double, Color) override { calls.push_back("dot"); }

 private:
  void draw_text(double, double, const std::string& s, double, Color, Anchor, Weight) override {
    calls.push_back("text " + s);
  }
};

std::vector<std::string> minutes(const std::vector<core::TimePoint>& ticks, core::TimePoint origin) {
  std::vector<std::string> v;
  for (const auto t : ticks)
    v.push_back(std::to_string(std::chrono::duration_cast<std::chrono::minutes>(t - origin).count()));
  return v;
}

chart::Points every_second(core::TimePoint from, int seconds, double value) {
  chart::Points p;
  for (int s = 0; s < seconds; ++s) p.emplace_back(from + std::chrono::seconds{s}, value);
  return p;
}

const chart::PlotBox kBox{0, 0, 600, 100, T0, T0 + 10min, 0, 100};

}  // namespace

TEST_CASE("an hour's record from 08:02 has a tick every 5 min on the clock, from 08:05 to 09:00") {
  const auto ticks = chart::time_ticks(T0 + 2min, T0 + 62min, core::TimePoint{});
  CHECK(minutes(ticks, T0) ==
        std::vector<std::string>{"5", "10", "15", "20", "25", "30", "35", "40", "45", "50", "55", "60"});
}

TEST_CASE("ticks stay at most 12 steps: 3 min every minute, 2.5 h every 15 min, 30 h every 4 h") {
  CHECK(minutes(chart::time_ticks(T0, T0 + 3min, T0), T0) == std::vector<std::string>{"0", "1", "2", "3"});
  CHECK(chart::time_ticks(T0, T0 + 150min, core::TimePoint{}).size() == 11);
  CHECK(chart::tick_step(150min) == 15min);
  CHECK(chart::tick_step(12min) == 1min);
  CHECK(chart::tick_step(13min) == 2min);
  CHECK(chart::tick_step(30h) == 4h);
}

TEST_CASE("a span of no time has the one tick it stands on, and one that ends before it starts has none") {
  CHECK(chart::time_ticks(T0, T0, core::TimePoint{}).size() == 1);
  CHECK(chart::time_ticks(T0 + 30s, T0 + 30s, core::TimePoint{}).empty());
  CHECK(chart::time_ticks(T0 + 1min, T0, core::TimePoint{}).empty());
}

TEST_CASE("an empty series draws nothing") {
  DrawnCanvas c;
  chart::draw_series(c, kBox, {}, {0, 0, 0}, 1, chart::kStreamGap);
  CHECK(c.calls.empty());
}

TEST_CASE("SpO2 lost for 40 s is drawn as a gap between two lines, never as a line across it") {
  auto points = every_second(T0, 60, 97);
  for (const auto& p : every_second(T0 + 100s, 60, 92)) points.push_back(p);
  DrawnCanvas c;
  chart::draw_series(c, kBox, points, {0, 0, 1}, 1, chart::kStreamGap);
  REQUIRE(c.calls == std::vector<std::string>{"polyline", "polyline"});
  // The first line ends where the data stopped; the second starts where it came back.
  CHECK(c.lines[0].back().first == doctest::Approx(kBox.x_at(T0 + 59s)));
  CHECK(c.lines[1].front().first == doctest::Approx(kBox.x_at(T0 + 100s)));
  CHECK(c.lines[1].front().second == doctest::Approx(kBox.y_at(92)));
}

TEST_CASE("readings 10 s apart are still one line; a lone reading between gaps is a dot") {
  chart::Points points{{T0, 97},       {T0 + 10s, 96},  {T0 + 20s, 95},
                       {T0 + 60s, 90}, {T0 + 120s, 94}, {T0 + 121s, 94}};
  const auto runs = chart::runs(points, chart::kStreamGap);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].size() == 3);
  CHECK(runs[1].size() == 1);
  DrawnCanvas c;
  chart::draw_series(c, kBox, points, {0, 0, 1}, 1, chart::kStreamGap);
  CHECK(c.calls == std::vector<std::string>{"polyline", "dot", "polyline"});
}

TEST_CASE("a value or a time outside the box is drawn on its edge") {
  CHECK(kBox.x_at(T0 - 1h) == 0);
  CHECK(kBox.x_at(T0 + 1h) == 600);
  CHECK(kBox.y_at(250) == 0);
  CHECK(kBox.y_at(-5) == 100);
  CHECK(kBox.y_at(50) == 50);
}

TEST_CASE("the time axis labels each tick as the caller reads time") {
  DrawnCanvas c;
  chart::draw_time_axis(
      c, kBox,
      {.origin = T0,
       .label =
           [](core::TimePoint t) {
             return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(t - T0).count()) + " min";
           }},
      110);
  // 10 min: a tick every minute, each a short line and its label.
  REQUIRE(c.calls.size() == 22);
  CHECK(c.calls[1] == "text 0 min");
  CHECK(c.calls[21] == "text 10 min");
}

TEST_CASE(
    "SVG: a hint becomes the next mark's title, text is escaped, a #rrggbb colour comes back the same") {
  chart::SvgCanvas c;
  c.hint("210/118 at 3:00");
  c.line(1, 2, 3, 4, chart::hex(0xc0392b), 3, false);
  c.text(5, 6, "SpO\u2082 < 90 & falling", 9, chart::hex(0x1f77b4), Canvas::Anchor::end);
  c.dot(1, 1, 2, {0.1, 0.35, 0.8});
  CHECK(c.body ==
        "<line x1='1.0' y1='2.0' x2='3.0' y2='4.0' stroke='#c0392b' stroke-width='3.0'><title>210/118 at "
        "3:00</title></line>\n"
        "<text x='5.0' y='6.0' font-size='9.0' fill='#1f77b4' text-anchor='end'>SpO\u2082 &lt; 90 &amp; "
        "falling</text>\n"
        "<circle cx='1.0' cy='1.0' r='2.0' fill='#1959cc'/>\n");
}
