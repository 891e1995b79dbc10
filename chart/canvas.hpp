#pragma once
// What a plot is drawn onto: SVG (chart/svg_canvas.hpp) for the HTML record
// and the drill report, cairo for the PDF record, so each shows the same.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vigil::chart {

struct Color {
  double r, g, b;  // 0..1, as cairo takes them
};

// #rrggbb as a Color.
constexpr Color hex(std::uint32_t rgb) {
  return {static_cast<double>((rgb >> 16) & 0xff) / 255, static_cast<double>((rgb >> 8) & 0xff) / 255,
          static_cast<double>(rgb & 0xff) / 255};
}

class Canvas {
 public:
  enum class Anchor { start, middle, end };
  enum class Weight { normal, bold };
  virtual ~Canvas() = default;
  virtual void rect(double x, double y, double w, double h, Color fill, double opacity) = 0;
  virtual void line(double x1, double y1, double x2, double y2, Color c, double width, bool dashed) = 0;
  virtual void polyline(const std::vector<std::pair<double, double>>& points, Color c, double width) = 0;
  virtual void dot(double x, double y, double radius, Color c) = 0;
  void text(double x, double y, const std::string& s, double size, Color c, Anchor a,
            Weight w = Weight::normal) {
    draw_text(x, y, s, size, c, a, w);
  }
  // What pointing at the next mark tells (an SVG <title>); paper has no
  // pointer, so a canvas may ignore it.
  virtual void hint(const std::string& /*text*/) {}

 protected:
  virtual void draw_text(double x, double y, const std::string& s, double size, Color c, Anchor a,
                         Weight w) = 0;
};

}  // namespace vigil::chart
