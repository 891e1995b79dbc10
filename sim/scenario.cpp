#include "sim/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace vigil::sim {
namespace {

struct Token {
  std::string text;
  int column = 0;  // 1-based
};

std::vector<Token> tokenize(const std::string& line) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == '#') break;
    if (std::isspace(static_cast<unsigned char>(line[i])) || line[i] == ',') {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])) && line[i] != ',' && line[i] != '#') ++i;
    std::string word = line.substr(start, i - start);
    for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    tokens.push_back({word, static_cast<int>(start) + 1});
  }
  return tokens;
}

class LineParser {
 public:
  LineParser(std::vector<Token> tokens, std::string file, int line, int end_column)
      : t_{std::move(tokens)}, file_{std::move(file)}, line_{line}, end_column_{end_column} {}

  bool done() const { return i_ >= t_.size(); }
  const std::string& peek() const {
    static const std::string empty;
    return done() ? empty : t_[i_].text;
  }
  bool accept(const std::string& word) {
    if (peek() != word) return false;
    ++i_;
    return true;
  }
  void expect(const std::string& word) {
    if (!accept(word)) fail("expected '" + word + "'" + found());
  }
  std::string word() {
    if (done()) fail("unexpected end of line");
    return t_[i_++].text;
  }
  double number() {
    if (done()) fail("expected a number at the end of the line");
    std::string w = t_[i_].text;
    while (!w.empty() && (w.back() == '%' || w.back() == '/')) w.pop_back();
    if (auto slash = w.find("/min"); slash != std::string::npos) w = w.substr(0, slash);
    double v = 0;
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc{} || end != w.data() + w.size()) fail("expected a number" + found());
    ++i_;
    return v;
  }
  // m:ss or h:mm:ss
  core::Duration clock() {
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
    if (parts[0] > 9999) fail("a time must be under 10000 hours or minutes" + found());
    if (parts[n - 1] >= 60 || (n == 3 && parts[1] >= 60)) fail("seconds and minutes go up to 59" + found());
    ++i_;
    const int secs = n == 2 ? parts[0] * 60 + parts[1] : parts[0] * 3600 + parts[1] * 60 + parts[2];
    return std::chrono::seconds{secs};
  }
  // "90 s", "2 min", or a clock time
  core::Duration span() {
    if (peek().find(':') != std::string::npos) return clock();
    const int col = column();
    const double v = number();
    if (v < 0) fail_at(col, "a duration cannot be negative");
    // A drill lasts hours, not years; a larger number is a typo, and would not fit the clock.
    if (!(v <= 1e6)) fail_at(col, "a duration must be under 1000000 s (about 11 days)");
    const std::string unit = done() ? "" : word();
    if (unit == "s" || unit == "sec" || unit == "seconds" || unit == "second")
      return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(v));
    if (unit == "min" || unit == "minutes" || unit == "minute")
      return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(v * 60));
    --i_;
    fail("expected a unit 's' or 'min' after the number");
  }
  [[noreturn]] void fail(const std::string& message) const { fail_at(column(), message); }
  [[noreturn]] void fail_at(int col, const std::string& message) const {
    throw std::runtime_error(file_ + ":" + std::to_string(line_) + ":" + std::to_string(col) + ": " + message);
  }
  // Where the next token starts (the end of the line when there is none).
  int column() const { return done() ? end_column_ : t_[i_].column; }
  std::string found() const { return done() ? " at the end of the line" : ", found '" + t_[i_].text + "'"; }

 private:
  std::vector<Token> t_;
  std::size_t i_ = 0;
  std::string file_;
  int line_;
  int end_column_;
};

std::optional<Param> param_from(LineParser& p) {
  const std::string w = p.peek();
  auto take = [&](std::initializer_list<const char*> rest) {
    p.word();
    for (const char* r : rest) p.expect(r);
  };
  if (w == "heart") return take({"rate"}), Param::heart_rate;
  if (w == "hr" || w == "pulse") return take({}), Param::heart_rate;
  if (w == "spo2" || w == "saturation") return take({}), Param::spo2;
  if (w == "perfusion") return take({"index"}), Param::perfusion_index;
  if (w == "pi") return take({}), Param::perfusion_index;
  if (w == "systolic" || w == "sbp") return take({}), Param::systolic;
  if (w == "diastolic" || w == "dbp") return take({}), Param::diastolic;
  if (w == "respiratory") return take({"rate"}), Param::resp_rate;
  if (w == "resp") return take({}), Param::resp_rate;
  return std::nullopt;
}

Param require_param(LineParser& p) {
  auto param = param_from(p);
  if (!param)
    p.fail("expected a vital sign (heart rate, spo2, perfusion index, systolic, diastolic, respiratory rate)" +
           p.found());
  return *param;
}

double plausible_value(LineParser& p, Param param) {
  const int col = p.column();
  const double v = p.number();
  const bool ok = param == Param::spo2 ? v >= 0 && v <= 100 : v >= 0 && v <= 300;
  if (!ok) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    p.fail_at(col, std::string{param_name(param)} + " " + text + " is not a plausible value");
  }
  return v;
}

void parse_patient(LineParser& p, Vitals& v) {
  while (!p.done()) {
    const Param param = require_param(p);
    v.set(param, plausible_value(p, param));
  }
}

void parse_event(LineParser& p, ScenarioEvent& e) {
  const int verb_col = p.column();
  const std::string verb = p.word();
  if (verb == "raise" || verb == "lower" || verb == "set") {
    // Clauses: "raise A to X and B to Y over 90 s and lower C to Z over 20 s".
    for (;;) {
      const std::size_t first = e.changes.size();
      do {
        const Param param = require_param(p);
        p.expect("to");
        e.changes.push_back({param, plausible_value(p, param), {}});
      } while (p.accept("and") && !(p.peek() == "raise" || p.peek() == "lower" || p.peek() == "set"));
      if (p.accept("over")) {
        const auto over = p.span();
        for (std::size_t i = first; i < e.changes.size(); ++i) e.changes[i].over = over;
        if (!p.accept("and")) break;
      }
      if (!(p.peek() == "raise" || p.peek() == "lower" || p.peek() == "set")) break;
      p.word();
    }
  } else if (verb == "unplug" || verb == "garble" || verb == "motion" || verb == "sensor" || verb == "reboot" ||
             verb == "cuff") {
    if (verb == "sensor") p.expect("off");
    if (verb == "motion") p.accept("artifact");
    if (verb == "cuff") p.expect("failure");
    e.fault = verb == "unplug"   ? FaultKind::unplug
              : verb == "garble" ? FaultKind::garble
              : verb == "motion" ? FaultKind::motion
              : verb == "sensor" ? FaultKind::sensor_off
              : verb == "reboot" ? FaultKind::reboot
                                 : FaultKind::cuff_failure;
    if (e.fault != FaultKind::cuff_failure) e.device = p.word();
    e.fault_for = e.fault == FaultKind::reboot ? std::chrono::seconds{30} : std::chrono::seconds{0};
    if (p.accept("for")) e.fault_for = p.span();
    else if (e.fault != FaultKind::reboot && e.fault != FaultKind::cuff_failure) p.fail("expected 'for <duration>'" + p.found());
  } else if (verb == "measure") {
    p.expect("nibp");
    e.measure_nibp = true;
  } else {
    p.fail_at(verb_col, "unknown action '" + verb + "' (raise, lower, set, unplug, sensor off, garble, motion, reboot, cuff failure, measure nibp)");
  }
  if (!p.done()) p.fail("unexpected words at the end of the event" + p.found());
}

void parse_expectation(LineParser& p, Expectation& x) {
  const int col = p.column();
  x.priority = p.word();
  if (x.priority != "low" && x.priority != "medium" && x.priority != "high")
    p.fail_at(col, "expected a priority low, medium or high, found '" + x.priority + "'");
  x.condition = p.word();
  p.expect("between");
  x.from = p.clock();
  p.expect("and");
  const int to_col = p.column();
  x.to = p.clock();
  if (x.to < x.from) p.fail_at(to_col, "the window ends before it starts");
  if (!p.done()) p.fail("unexpected words after the window" + p.found());
}

std::string rest_of(const std::string& line, const std::string& key) {
  auto pos = line.find(':');
  std::string v = pos == std::string::npos ? "" : line.substr(pos + 1);
  (void)key;
  const auto b = v.find_first_not_of(" \t");
  const auto e = v.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : v.substr(b, e - b + 1);
}

}  // namespace

const char* fault_name(FaultKind k) {
  switch (k) {
    case FaultKind::unplug: return "unplug";
    case FaultKind::sensor_off: return "sensor off";
    case FaultKind::garble: return "garble";
    case FaultKind::motion: return "motion artifact";
    case FaultKind::reboot: return "reboot";
    case FaultKind::cuff_failure: return "cuff failure";
  }
  return "?";
}

std::string clock_text(core::Duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                               static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  return buf;
}

core::Result<Scenario> parse_scenario(const std::string& text, const std::string& file) {
  Scenario s;
  std::istringstream in{text};
  std::string raw;
  int line_no = 0;
  std::string* continued = nullptr;  // an indented line continues the text above
  try {
    while (std::getline(in, raw)) {
      ++line_no;
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      auto tokens = tokenize(raw);
      if (tokens.empty()) continue;
      if (continued && (raw[0] == ' ' || raw[0] == '\t')) {
        *continued += " " + raw.substr(raw.find_first_not_of(" \t"));
        continue;
      }
      continued = nullptr;
      const int end_col = static_cast<int>(raw.size()) + 1;
      const std::string first = tokens[0].text;
      if (first == "title:" || first == "description:") {
        continued = first == "title:" ? &s.title : &s.description;
        *continued = rest_of(raw, first);
        continue;
      }
      LineParser p{tokens, file, line_no, end_col};
      p.word();
      if (first == "duration:") {
        s.duration = p.peek().find(':') != std::string::npos ? p.clock() : p.span();
      } else if (first == "seed:") {
        s.seed = static_cast<unsigned>(p.number());
      } else if (first == "noise:") {
        s.noise = p.number();
      } else if (first == "patient:") {
        parse_patient(p, s.patient);
      } else if (first == "nibp") {
        p.expect("every");
        const int col = p.column();
        s.nibp_cycle = p.span();
        if (s.nibp_cycle < std::chrono::seconds{30}) p.fail_at(col, "a cuff cycle shorter than 30 s is not possible");
        if (p.accept("taking")) {
          const int takes_col = p.column();
          s.nibp_takes = p.span();
          if (s.nibp_takes < std::chrono::seconds{1} || s.nibp_takes > std::chrono::seconds{180})
            p.fail_at(takes_col, "a cuff reading takes 1-180 s");
        }
      } else if (first == "at") {
        ScenarioEvent e;
        e.at = p.clock();
        e.line = line_no;
        e.text = raw;
        parse_event(p, e);
        s.events.push_back(std::move(e));
      } else if (first == "expect") {
        Expectation x;
        x.line = line_no;
        parse_expectation(p, x);
        s.expectations.push_back(x);
      } else {
        LineParser{tokens, file, line_no, end_col}.fail(
            "unknown line '" + first + "' (title:, description:, duration:, seed:, noise:, patient:, nibp every, at, expect)");
      }
      if (!p.done()) p.fail("unexpected words" + p.found());
    }
  } catch (const std::runtime_error& e) {
    return core::Error{e.what()};
  }
  std::stable_sort(s.events.begin(), s.events.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  return s;
}

core::Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in{path};
  if (!in) return core::Error{path + ":1:1: cannot read the scenario file"};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace vigil::sim
