#pragma once
// The record's plots (SpO₂, pulse/HR, NIBP over the session, with the
// infusion shaded and each alarm marked), drawn once onto a Canvas that
// the HTML (SVG) and the PDF (cairo) each implement, so both show the same.
#include <string>
#include <utility>
#include <vector>

#include "record/infusion_record.hpp"

namespace vigil::record {

struct Color {
  double r, g, b;
};

class Canvas {
 public:
  enum class Anchor { start, middle, end };
  virtual ~Canvas() = default;
  virtual void rect(double x, double y, double w, double h, Color fill, double opacity) = 0;
  virtual void line(double x1, double y1, double x2, double y2, Color c, double width, bool dashed) = 0;
  virtual void polyline(const std::vector<std::pair<double, double>>& points, Color c, double width) = 0;
  virtual void dot(double x, double y, double radius, Color c) = 0;
  virtual void text(double x, double y, const std::string& s, double size, Color c, Anchor a) = 0;
};

// Three panels, one under the other, `panel_height` each (plus axis room),
// in the box from (x, y) of `width`. Returns the height used.
double draw_plots(const InfusionRecord& r, Canvas& canvas, double x, double y, double width,
                  double panel_height);

}  // namespace vigil::record
