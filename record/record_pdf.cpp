// The record as PDF, drawn with cairo's PDF surface: A4 pages, DejaVu Sans
// (embedded by cairo, and it has every character the record prints: SpO₂,
// the dash), the plots as vector paths. Each page carries the DRILL and
// PROVISIONAL marks and its number.
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include <memory>

#include "record/plot.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "record/time_text.hpp"

namespace vigil::record {
namespace {

constexpr double kPageW = 595.28, kPageH = 841.89, kMargin = 42;
constexpr const char* kFont = "DejaVu Sans";
constexpr Color kTextInk{0.07, 0.07, 0.07}, kMark{0.7, 0.0, 0.0}, kRule{0.6, 0.6, 0.6};

// fontconfig must find DejaVu Sans itself (not a substitute) with every
// character the record prints beyond ASCII; cairo then embeds it.
core::Result<bool> check_font() {
  if (!FcInit()) return core::Error{"fontconfig could not start"};
  FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>(kFont));
  FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
  FcDefaultSubstitute(pattern);
  FcResult result = FcResultNoMatch;
  FcPattern* match = FcFontMatch(nullptr, pattern, &result);
  FcPatternDestroy(pattern);
  bool ok = false;
  if (match) {
    FcChar8* family = nullptr;
    FcCharSet* chars = nullptr;
    ok = FcPatternGetString(match, FC_FAMILY, 0, &family) == FcResultMatch &&
         std::string{reinterpret_cast<const char*>(family)} == kFont &&
         FcPatternGetCharSet(match, FC_CHARSET, 0, &chars) == FcResultMatch &&
         FcCharSetHasChar(chars, 0x2082) && FcCharSetHasChar(chars, 0x2014);
    FcPatternDestroy(match);
  }
  if (!ok)
    return core::Error{"the PDF needs the font DejaVu Sans (Debian: apt-get install fonts-dejavu-core)", "",
                       core::ErrorCode::unavailable};
  return true;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

class CairoCanvas final : public Canvas {
 public:
  explicit CairoCanvas(cairo_t* cr) : cr_{cr} {}
  void rect(double x, double y, double w, double h, Color fill, double opacity) override {
    cairo_set_source_rgba(cr_, fill.r, fill.g, fill.b, opacity);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_fill(cr_);
  }
  void line(double x1, double y1, double x2, double y2, Color c, double width, bool dashed) override {
    const double dash[] = {3, 2};
    cairo_set_dash(cr_, dash, dashed ? 2 : 0, 0);
    stroke_color(c, width);
    cairo_move_to(cr_, x1, y1);
    cairo_line_to(cr_, x2, y2);
    cairo_stroke(cr_);
    cairo_set_dash(cr_, nullptr, 0, 0);
  }
  void polyline(const std::vector<std::pair<double, double>>& points, Color c, double width) override {
    if (points.size() < 2) return;
    stroke_color(c, width);
    cairo_move_to(cr_, points[0].first, points[0].second);
    for (std::size_t i = 1; i < points.size(); ++i) cairo_line_to(cr_, points[i].first, points[i].second);
    cairo_stroke(cr_);
  }
  void dot(double x, double y, double radius, Color c) override {
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_new_sub_path(cr_);
    cairo_arc(cr_, x, y, radius, 0, 6.2832);
    cairo_fill(cr_);
  }

 private:
  void draw_text(double x, double y, const std::string& s, double size, Color c, Anchor a,
                 Weight w) override {
    cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
                           w == Weight::bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr_, s.c_str(), &e);
    const double dx = a == Anchor::start ? 0 : a == Anchor::middle ? e.x_advance / 2 : e.x_advance;
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_move_to(cr_, x - dx, y);
    cairo_show_text(cr_, s.c_str());
  }
  void stroke_color(Color c, double width) {
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_set_line_width(cr_, width);
  }
  cairo_t* cr_;
};

// Lays text out down the pages, starting a page when the next block does not fit.
class Pages {
 public:
  Pages(cairo_t* cr, const InfusionRecord& r) : cr_{cr}, r_{r} { start_page(); }

  void heading(const std::string& s) {
    need(30);
    y_ += 8;
    font(11, true);
    show(kMargin, y_ + 11, s, kTextInk);
    y_ += 17;
  }
  void items(const Items& items) {
    const double key_w = 170;
    for (const auto& [k, v] : items) {
      font(8.5, false);
      const auto lines = wrap(v, kPageW - 2 * kMargin - key_w);
      need(11.0 * static_cast<double>(lines.size()) + 2);
      font(8.5, true);
      show(kMargin, y_ + 9, k, kTextInk);
      font(8.5, false);
      for (const auto& l : lines) {
        show(kMargin + key_w, y_ + 9, l, kTextInk);
        y_ += 11;
      }
      y_ += 2;
    }
  }
  void table(const Table& t, const std::vector<double>& weights) {
    heading(t.title);
    if (t.rows.empty()) {
      font(8.5, false);
      show(kMargin, y_ + 9, t.empty, kTextInk);
      y_ += 13;
      return;
    }
    double total = 0;
    for (std::size_t i = 0; i < t.header.size(); ++i) total += i < weights.size() ? weights[i] : 1;
    std::vector<double> widths;
    for (std::size_t i = 0; i < t.header.size(); ++i)
      widths.push_back((kPageW - 2 * kMargin) * (i < weights.size() ? weights[i] : 1) / total);
    row(t.header, widths, true);
    for (const auto& cells : t.rows) {
      if (row_height(cells, widths, false) + y_ > kPageH - kMargin - 16) {
        new_page();
        row(t.header, widths, true);
      }
      row(cells, widths, false);
    }
  }
  void plots(const std::string& title) {
    CairoCanvas canvas{cr_};
    need(3 * (14 + 120 + 6) + 30 + 25);
    heading(title);
    cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    y_ += draw_plots(r_, canvas, kMargin, y_, kPageW - 2 * kMargin, 120) + 4;
  }
  void note(const std::string& s) {
    font(7.5, false);
    for (const auto& l : wrap(s, kPageW - 2 * kMargin)) {
      need(10);
      show(kMargin, y_ + 8, l, kRule);
      y_ += 10;
    }
  }

 private:
  void start_page() {
    ++page_;
    y_ = kMargin;
    for (const auto& m : record_marks(r_)) {
      font(10, true);
      show(kMargin, y_ + 10, m, kMark);
      y_ += 14;
    }
    font(8, false);
    show(kMargin, kPageH - kMargin + 14, record_title(r_) + " \u2014 page " + std::to_string(page_), kRule);
    y_ += 4;
  }
  void new_page() {
    cairo_show_page(cr_);
    start_page();
  }
  void need(double h) {
    if (y_ + h > kPageH - kMargin - 16) new_page();
  }
  void font(double size, bool bold) {
    cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
  }
  void show(double x, double y, const std::string& s, Color c) {
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_move_to(cr_, x, y);
    cairo_show_text(cr_, s.c_str());
  }
  double width_of(const std::string& s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr_, s.c_str(), &e);
    return e.x_advance;
  }
  // How many bytes of `word` fit in `width`: whole UTF-8 characters, at least one.
  std::size_t fitting(const std::string& word, double width) {
    auto next = [&](std::size_t at) {
      do ++at;
      while (at < word.size() && (static_cast<unsigned char>(word[at]) & 0xC0) == 0x80);
      return at;
    };
    std::size_t n = next(0);
    while (n < word.size() && width_of(word.substr(0, next(n))) <= width) n = next(n);
    return n;
  }
  // Breaks at spaces, and inside a word wider than the line.
  std::vector<std::string> wrap(const std::string& s, double width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t i = 0;
    while (i <= s.size()) {
      const auto space = std::min(s.find(' ', i), s.size());
      auto word = s.substr(i, space - i);
      // A word wider than the column (a SHA-256) is broken where it must be,
      // never drawn past the column and the page's edge.
      while (width_of(word) > width) {
        const auto n = fitting(word, width);
        if (n >= word.size()) break;
        if (!line.empty()) lines.push_back(line);
        lines.push_back(word.substr(0, n));
        line.clear();
        word = word.substr(n);
      }
      const auto tried = line.empty() ? word : line + " " + word;
      if (!line.empty() && width_of(tried) > width) {
        lines.push_back(line);
        line = word;
      } else {
        line = tried;
      }
      i = space + 1;
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
  }
  double row_height(const std::vector<std::string>& cells, const std::vector<double>& widths, bool bold) {
    font(7.5, bold);
    std::size_t most = 1;
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i)
      most = std::max(most, wrap(cells[i], widths[i] - 4).size());
    return 9.5 * static_cast<double>(most) + 3;
  }
  void row(const std::vector<std::string>& cells, const std::vector<double>& widths, bool bold) {
    const double h = row_height(cells, widths, bold);
    need(h);
    font(7.5, bold);
    double x = kMargin;
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      double ly = y_ + 8.5;
      for (const auto& l : wrap(cells[i], widths[i] - 4)) {
        show(x + 2, ly, l, kTextInk);
        ly += 9.5;
      }
      x += widths[i];
    }
    y_ += h;
    cairo_set_source_rgb(cr_, kRule.r, kRule.g, kRule.b);
    cairo_set_line_width(cr_, bold ? 0.8 : 0.3);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kPageW - kMargin, y_);
    cairo_stroke(cr_);
  }

  cairo_t* cr_;
  const InfusionRecord& r_;
  double y_ = kMargin;
  int page_ = 0;
};

}  // namespace

core::Result<std::string> record_pdf(const InfusionRecord& r) {
  if (auto font = check_font(); !font) return font.failure();
  std::string bytes;
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface{
      cairo_pdf_surface_create_for_stream(&append, &bytes, kPageW, kPageH), &cairo_surface_destroy};
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, record_title(r).c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "vigil-ctl record");
  {
    std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr{cairo_create(surface.get()), &cairo_destroy};
    Pages pages{cr.get(), r};
    pages.heading(record_title(r));
    pages.note(record_source(r));
    pages.items(summary_items(r));
    pages.heading("Signature");
    pages.items(signature_items(r));
    pages.table(amendment_table(r), {0.5, 1.6, 1.2, 2.4, 1.6, 2.6});
    pages.heading("Response to the drug");
    pages.items(response_items(r));
    pages.table(limits_table(r), {2, 1.6, 3, 1.2, 0.7, 1.2});
    pages.table(checkpoint_table(r), {2, 1.2, 2, 1.2});
    pages.table(course_table(r), {1, 1, 1.6, 3});
    pages.table(entry_table(r), {1, 1.1, 1.1, 2.6, 1.6});
    pages.plots("Over the session");
    pages.table(alarm_table(r), {3, 1, 1.1, 1.1, 2, 1.1, 1.1, 1.6});
    pages.table(across_sessions_table(r), {1, 1.6, 0.8, 0.9, 1.4, 1.4, 1.4});
    pages.table(no_data_table(r), {1, 1});
    pages.table(vitals_table(r), {1.2, 1.6});
    if (const auto status = cairo_status(cr.get()); status != CAIRO_STATUS_SUCCESS)
      return core::Error{std::string{"drawing the PDF: "} + cairo_status_to_string(status)};
  }
  cairo_surface_finish(surface.get());
  if (const auto status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS)
    return core::Error{std::string{"writing the PDF: "} + cairo_status_to_string(status)};
  return bytes;
}

}  // namespace vigil::record
