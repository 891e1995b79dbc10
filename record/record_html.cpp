// The record as one self-contained HTML page (no script, no external file):
// print-friendly, the plots inline as SVG.
#include "chart/svg_canvas.hpp"
#include "html/html_text.hpp"
#include "record/plot.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "record/time_text.hpp"

namespace vigil::record {
namespace {

std::string esc(const std::string& s) {
  return html::html_escape(s);
}

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
  chart::SvgCanvas canvas;
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
       chart::coord(width + 8) + " " + chart::coord(height) + "\" width=\"" + chart::coord(width + 8) +
       "\" height=\"" + chart::coord(height) + "\">\n" + canvas.body + "</svg>\n";
  s += table_html(alarm_table(r));
  s += table_html(across_sessions_table(r));
  s += table_html(no_data_table(r));
  s += table_html(vitals_table(r));
  for (const auto& m : record_marks(r)) s += "<div class=\"mark\">" + esc(m) + "</div>\n";
  return s + "</body>\n</html>\n";
}

}  // namespace vigil::record
