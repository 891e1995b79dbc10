#include "hl7out/hl7_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>

namespace vigil::hl7out {

std::string escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '|':
        out += "\\F\\";
        break;
      case '^':
        out += "\\S\\";
        break;
      case '~':
        out += "\\R\\";
        break;
      case '\\':
        out += "\\E\\";
        break;
      case '&':
        out += "\\T\\";
        break;
      case '\r':
        out += "\\X0D\\";
        break;
      case '\n':
        out += "\\X0A\\";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string timestamp(core::TimePoint t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  const std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}.{:03}+0000", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (ms - secs).count());
}

std::string number(double v) {
  if (!std::isfinite(v)) return {};
  std::string s = fmt::format("{:.3f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

}  // namespace vigil::hl7out
