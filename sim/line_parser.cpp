#include "sim/line_parser.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace vigil::sim {
namespace {
// No time or span in a drill is longer than a day; the bound also keeps
// every conversion to a duration in range.
constexpr long long kLongest = 24 * 3600;
}  // namespace

std::vector<Token> tokenize(const std::string& line) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  auto space = [&](std::size_t k) {
    return std::isspace(static_cast<unsigned char>(line[k])) || line[k] == ',';
  };
  while (i < line.size()) {
    if (line[i] == '#') break;
    if (space(i)) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < line.size() && !space(i) && line[i] != '#') ++i;
    std::string raw = line.substr(start, i - start);
    std::string word = raw;
    for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    tokens.push_back({word, raw, static_cast<int>(start) + 1});
  }
  return tokens;
}

const std::string& LineParser::peek() const {
  static const std::string empty;
  return done() ? empty : t_[i_].text;
}

bool LineParser::accept(const std::string& w) {
  if (peek() != w) return false;
  ++i_;
  return true;
}

void LineParser::expect(const std::string& w) {
  if (!accept(w)) fail("expected '" + w + "'" + found());
}

std::string LineParser::word() {
  if (done()) fail("unexpected end of line");
  return t_[i_++].text;
}

std::string LineParser::raw_word() {
  if (done()) fail("unexpected end of line");
  return t_[i_++].raw;
}

double LineParser::number() {
  if (done()) fail("expected a number at the end of the line");
  std::string w = t_[i_].text;
  if (auto per_min = w.find("/min"); per_min != std::string::npos && per_min + 4 == w.size())
    w.resize(per_min);
  while (!w.empty() && (w.back() == '%' || w.back() == '/')) w.pop_back();
  double v = 0;
  auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc{} || end != w.data() + w.size() || w.empty()) fail("expected a number" + found());
  ++i_;
  return v;
}

core::Duration LineParser::clock() {
  if (done()) fail("expected a time like 3:00");
  const std::string w = t_[i_].text;
  int parts[3] = {0, 0, 0};
  int n = 0;
  std::size_t pos = 0;
  while (pos <= w.size() && n < 3) {
    auto colon = w.find(':', pos);
    auto piece = w.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
    int v = 0;
    auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), v);
    if (piece.empty() || ec != std::errc{} || end != piece.data() + piece.size() || v < 0)
      fail("expected a time like 3:00 or 1:02:30" + found());
    parts[n++] = v;
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  if (n < 2 || w.find(':', pos) != std::string::npos) fail("expected a time like 3:00 or 1:02:30" + found());
  if (parts[n - 1] >= 60 || (n == 3 && parts[1] >= 60)) fail("seconds and minutes go up to 59" + found());
  const long long secs = n == 2 ? parts[0] * 60LL + parts[1] : parts[0] * 3600LL + parts[1] * 60LL + parts[2];
  if (secs > kLongest) fail("a drill lasts at most 24 hours" + found());
  ++i_;
  return std::chrono::seconds{secs};
}

core::Duration LineParser::span() {
  if (peek().find(':') != std::string::npos) return clock();
  const int col = column();
  const double v = number();
  if (!(v >= 0)) fail_at(col, "a duration cannot be negative");
  const std::string unit = done() ? "" : word();
  const bool secs = unit == "s" || unit == "sec" || unit == "seconds" || unit == "second";
  const bool mins = unit == "min" || unit == "minutes" || unit == "minute";
  if (!secs && !mins) {
    --i_;
    fail("expected a unit 's' or 'min' after the number");
  }
  const double seconds = mins ? v * 60 : v;
  if (seconds > kLongest) fail_at(col, "a drill lasts at most 24 hours");
  return core::from_seconds(seconds);
}

void LineParser::fail_at(int col, const std::string& message) const {
  throw std::runtime_error(file_ + ":" + std::to_string(line_) + ":" + std::to_string(col) + ": " + message);
}

}  // namespace vigil::sim
