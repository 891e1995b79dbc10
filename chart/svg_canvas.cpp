#include "chart/svg_canvas.hpp"

#include <cstdio>

#include "html/html_text.hpp"

namespace vigil::chart {

std::string coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string svg_color(Color c) {
  // The epsilon lets a hex() colour come back as the same #rrggbb (0xc0 / 255
  // * 255 may land a hair under 192); 0-1 colours truncate as they always did.
  auto byte = [](double v) { return static_cast<int>(v * 255 + 1e-6); };
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", byte(c.r), byte(c.g), byte(c.b));
  return buf;
}

void SvgCanvas::close(const char* tag, const std::string& content) {
  if (!hint_ && content.empty()) {
    body += "/>\n";
    return;
  }
  body += ">";
  if (hint_) body += "<title>" + html::html_escape(*hint_) + "</title>";
  hint_.reset();
  body += content + "</" + tag + ">\n";
}

void SvgCanvas::rect(double x, double y, double w, double h, Color fill, double opacity) {
  body += "<rect x='" + coord(x) + "' y='" + coord(y) + "' width='" + coord(w) + "' height='" + coord(h) +
          "' fill='" + svg_color(fill) + "'" + (opacity < 1 ? " fill-opacity='" + coord(opacity) + "'" : "");
  close("rect");
}

void SvgCanvas::line(double x1, double y1, double x2, double y2, Color c, double width, bool dashed) {
  body += "<line x1='" + coord(x1) + "' y1='" + coord(y1) + "' x2='" + coord(x2) + "' y2='" + coord(y2) +
          "' stroke='" + svg_color(c) + "' stroke-width='" + coord(width) + "'" +
          (dashed ? " stroke-dasharray='3 2'" : "");
  close("line");
}

void SvgCanvas::polyline(const std::vector<std::pair<double, double>>& points, Color c, double width) {
  if (points.empty()) return;
  body += "<polyline fill='none' stroke='" + svg_color(c) + "' stroke-width='" + coord(width) + "' points='";
  for (const auto& [x, y] : points) body += coord(x) + "," + coord(y) + " ";
  body += "'";
  close("polyline");
}

void SvgCanvas::dot(double x, double y, double radius, Color c) {
  body += "<circle cx='" + coord(x) + "' cy='" + coord(y) + "' r='" + coord(radius) + "' fill='" +
          svg_color(c) + "'";
  close("circle");
}

void SvgCanvas::draw_text(double x, double y, const std::string& s, double size, Color c, Anchor a,
                          Weight w) {
  const char* anchor = a == Anchor::start ? "start" : a == Anchor::middle ? "middle" : "end";
  body += "<text x='" + coord(x) + "' y='" + coord(y) + "' font-size='" + coord(size) + "' fill='" +
          svg_color(c) + "' text-anchor='" + anchor + "'" + (w == Weight::bold ? " font-weight='bold'" : "");
  close("text", html::html_escape(s));
}

}  // namespace vigil::chart
