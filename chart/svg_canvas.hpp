#pragma once
// A Canvas that writes SVG elements (the caller wraps them in its <svg>).
// Attributes are single-quoted and hold only numbers and colours; text
// goes through html_escape.
#include <optional>
#include <string>

#include "chart/canvas.hpp"

namespace vigil::chart {

// "12.3": one decimal is a tenth of a pixel.
std::string coord(double v);
// "#rrggbb"
std::string svg_color(Color c);

class SvgCanvas final : public Canvas {
 public:
  std::string body;

  void rect(double x, double y, double w, double h, Color fill, double opacity) override;
  void line(double x1, double y1, double x2, double y2, Color c, double width, bool dashed) override;
  void polyline(const std::vector<std::pair<double, double>>& points, Color c, double width) override;
  void dot(double x, double y, double radius, Color c) override;
  void hint(const std::string& text) override { hint_ = text; }

 private:
  void draw_text(double x, double y, const std::string& s, double size, Color c, Anchor a, Weight w) override;
  // Ends an element: with the pending hint as its <title>, else empty.
  void close(const char* tag, const std::string& content = "");
  std::optional<std::string> hint_;
};

}  // namespace vigil::chart
