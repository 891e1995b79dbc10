#include "tools/ctl/request_builders.hpp"

#include <charconv>
#include <vector>

namespace vigil::tools {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (true) {
    const auto next = s.find(sep, pos);
    parts.push_back(s.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) return parts;
    pos = next + 1;
  }
}

core::Result<double> number(const std::string& text, const std::string& what) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return core::Error{what + ": '" + text + "' is not a number"};
  return v;
}

}  // namespace

core::Result<vigil::v1::Priority> parse_priority(const std::string& text) {
  std::string t;
  for (char c : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "low") return vigil::v1::LOW;
  if (t == "medium") return vigil::v1::MEDIUM;
  if (t == "high") return vigil::v1::HIGH;
  return core::Error{"priority: '" + text + "' is not low, medium or high"};
}

core::Result<vigil::v1::Baseline> parse_baseline(const std::string& text) {
  vigil::v1::Baseline b;
  for (const auto& item : split(text, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) return core::Error{"baseline: '" + item + "' is not name=value"};
    const auto key = item.substr(0, eq);
    auto v = number(item.substr(eq + 1), "baseline." + key);
    if (!v) return core::Error{v.error()};
    if (key == "sys")
      b.set_nibp_sys(*v);
    else if (key == "dia")
      b.set_nibp_dia(*v);
    else if (key == "map" || key == "mean")
      b.set_nibp_mean(*v);
    else if (key == "hr")
      b.set_heart_rate(*v);
    else if (key == "spo2")
      b.set_spo2(*v);
    else
      return core::Error{"baseline: unknown name '" + key + "' (sys, dia, map, hr, spo2)"};
  }
  return b;
}

core::Result<vigil::v1::LimitOverride> parse_override(const std::string& text) {
  const auto parts = split(text, ':');
  if (parts.size() < 3 || parts.size() > 4)
    return core::Error{"override: '" + text + "' is not condition:priority:threshold[:delay_s]"};
  vigil::v1::LimitOverride o;
  o.set_condition(parts[0]);
  auto p = parse_priority(parts[1]);
  if (!p) return core::Error{p.error()};
  o.set_priority(*p);
  if (!parts[2].empty()) {
    auto t = number(parts[2], "threshold");
    if (!t) return core::Error{t.error()};
    o.set_threshold(*t);
  }
  if (parts.size() == 4) {
    auto d = number(parts[3], "delay_s");
    if (!d) return core::Error{d.error()};
    if (*d < 0) return core::Error{"delay_s: cannot be negative"};
    o.set_delay_s(static_cast<std::uint32_t>(*d));
  }
  return o;
}

}  // namespace vigil::tools
