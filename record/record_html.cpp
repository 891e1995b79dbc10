// The record as one self-contained HTML page (no script, no external file):
// print-friendly, the plots inline as SVG.
#include <cstdio>

#include "record/plot.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "record/time_text.hpp"

namespace vigil::record {
namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

std::string coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string rgb(Color c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(c.r * 255), static_cast<int>(c.g * 255),
                static_cast<int>(c.b * 255));
  return buf;
}

class SvgCanvas final : public Canvas {
 public:
  std::string body;
  void rect(double x, double y, double w, double h, Color fill, double opacity) override {
    body += "<rect x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" width=\"" + coord(w) + "\" height=\"" +
            coord(h) + "\" fill=\"" + rgb(fill) + "\" fill-opacity=\"" + coord(opacity) + "\"/>\n";
  }
  void line(double x1, double y1, double x2, double y2, Color c, double width, bool dashed) override {
    body += "<line x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" + coord(x2) + "\" y2=\"" +
            coord(y2) + "\" stroke=\"" + rgb(c) + "\" stroke-width=\"" + coord(width) + "\"" +
            (dashed ? " stroke-dasharray=\"3 2\"" : "") + "/>\n";
  }
  void polyline(const std::vector<std::pair<double, double>>& points, Color c, double width) override {
    if (points.empty()) return;
    body +=
        "<polyline fill=\"none\" stroke=\"" + rgb(c) + "\" stroke-width=\"" + coord(width) + "\" points=\"";
    for (const auto& [x, y] : points) body += coord(x) + "," + coord(y) + " ";
    body += "\"/>\n";
  }
  void dot(double x, double y, double radius, Color c) override {
    body += "<circle cx=\"" + coord(x) + "\" cy=\"" + coord(y) + "\" r=\"" + coord(radius) + "\" fill=\"" +
            rgb(c) + "\"/>\n";
  }
  void text(double x, double y, const std::string& s, double size, Color c, Anchor a) override {
    const char* anchor = a == Anchor::start ? "start" : a == Anchor::middle ? "middle" : "end";
    body += "<text x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" font-size=\"" + coord(size) + "\" fill=\"" +
            rgb(c) + "\" text-anchor=\"" + anchor + "\">" + esc(s) + "</text>\n";
  }
};

std::string items_html(const Items& items) {
  std::string s = "<table class=\"items\">\n";
  for (const auto& [k, v] : items) s += "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>\n";
  return s + "</table>\n";
}

std::string table_html(const Table& t) {
  std::string s = "<h2>" + esc(t.title) + "</h2>\n";
  if (t.rows.empty()) return s + "<p>" + esc(t.empty) + "</p>\n";
  s += "<table class=\"grid\">\n<thead><tr>";
  for (const auto& h : t.header) s += "<th>" + esc(h) + "</th>";
  s += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    s += "<tr>";
    for (const auto& cell : row) s += "<td>" + esc(cell) + "</td>";
    s += "</tr>\n";
  }
  return s + "</tbody></table>\n";
}

constexpr const char* kStyle = R"css(
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 1.5em; color: #111; }
h1 { font-size: 16pt; margin-bottom: 0.2em; } h2 { font-size: 12pt; margin: 1.2em 0 0.4em; }
.mark { border: 2px solid #b00; color: #b00; font-weight: bold; padding: 0.3em 0.6em; margin: 0.4em 0; }
table { border-collapse: collapse; } .items th { text-align: left; padding: 0.15em 1em 0.15em 0; vertical-align: top; }
.grid th, .grid td { border: 1px solid #999; padding: 0.15em 0.4em; font-size: 9pt; text-align: left; }
.grid thead { display: table-header-group; } .grid tr { page-break-inside: avoid; }
.meta { color: #555; font-size: 9pt; } svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; } }
)css";

}  // namespace

std::string record_html(const InfusionRecord& r) {
  const double width = 720, panel = 110;
  SvgCanvas canvas;
  const double height = draw_plots(r, canvas, 0, 0, width, panel);
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                  esc(record_title(r)) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  for (const auto& m : record_marks(r)) s += "<div class=\"mark\">" + esc(m) + "</div>\n";
  s += "<h1>" + esc(record_title(r)) + "</h1>\n<p class=\"meta\">" + esc(record_source(r)) + "</p>\n";
  s += items_html(summary_items(r));
  s += "<h2>Signature</h2>\n" + items_html(signature_items(r));
  s += table_html(amendment_table(r));
  s += "<h2>Response to the drug</h2>\n" + items_html(response_items(r));
  s += table_html(limits_table(r));
  s += table_html(checkpoint_table(r));
  s += table_html(course_table(r));
  s += table_html(entry_table(r));
  s += "<h2>Over the session</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" font-family=\"DejaVu Sans, "
       "sans-serif\" "
       "viewBox=\"-4 0 " +
       coord(width + 8) + " " + coord(height) + "\" width=\"" + coord(width + 8) + "\" height=\"" +
       coord(height) + "\">\n" + canvas.body + "</svg>\n";
  s += table_html(alarm_table(r));
  s += table_html(across_sessions_table(r));
  s += table_html(no_data_table(r));
  s += table_html(vitals_table(r));
  for (const auto& m : record_marks(r)) s += "<div class=\"mark\">" + esc(m) + "</div>\n";
  return s + "</body>\n</html>\n";
}

}  // namespace vigil::record
