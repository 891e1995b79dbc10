#include "alerts/limits_in_force.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace vigil::alerts {
namespace {

constexpr std::array<std::pair<LimitKind, std::string_view>, 6> kKinds{{
    {LimitKind::above, "above"},
    {LimitKind::at_or_above, "at_or_above"},
    {LimitKind::below, "below"},
    {LimitKind::at_or_below, "at_or_below"},
    {LimitKind::rise_percent, "rise_percent"},
    {LimitKind::rise_absolute, "rise_absolute"},
}};

std::string_view kind_name(LimitKind k) {
  for (const auto& [kind, name] : kKinds)
    if (kind == k) return name;
  return "above";
}

// Every digit a double needs to come back as the same double.
std::string exact(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::optional<double> number(std::string_view s) {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0;;) {
    const auto next = s.find(sep, at);
    out.push_back(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
    if (next == std::string_view::npos) return out;
    at = next + 1;
  }
}

core::Result<LimitRule> rule_of(std::string_view line) {
  const auto f = split(line, '\t');
  if (f.size() != 10) return core::Error{"has " + std::to_string(f.size()) + " fields, not 10"};
  LimitRule r;
  r.condition = std::string{f[0]};
  if (r.condition.empty()) return core::Error{"has no condition"};
  if (f[1] == "low")
    r.priority = Priority::low;
  else if (f[1] == "medium")
    r.priority = Priority::medium;
  else if (f[1] == "high")
    r.priority = Priority::high;
  else
    return core::Error{"priority '" + std::string{f[1]} + "' is not low, medium or high"};
  const auto metric = core::metric_from_name(f[2]);
  if (!metric) return core::Error{"metric '" + std::string{f[2]} + "' is not known"};
  r.metric = *metric;
  bool kind_known = false;
  for (const auto& [kind, name] : kKinds)
    if (name == f[3]) {
      r.kind = kind;
      kind_known = true;
    }
  if (!kind_known) return core::Error{"kind '" + std::string{f[3]} + "' is not known"};
  if (f[5] != "-") {
    const auto fm = core::metric_from_name(f[5]);
    if (!fm) return core::Error{"floor metric '" + std::string{f[5]} + "' is not known"};
    r.floor_metric = *fm;
  }
  const auto threshold = number(f[4]), floor = number(f[6]), delay_ms = number(f[7]),
             hysteresis = number(f[8]);
  if (!threshold || !floor || !delay_ms || !hysteresis || *delay_ms < 0 || *delay_ms > 86'400'000)
    return core::Error{"threshold, floor, delay or hysteresis is not a number in range"};
  r.threshold = *threshold;
  r.floor = *floor;
  r.delay = std::chrono::milliseconds{static_cast<std::int64_t>(*delay_ms)};
  r.hysteresis = *hysteresis;
  if (f[9] != "on" && f[9] != "off") return core::Error{"is neither on nor off"};
  r.enabled = f[9] == "on";
  return r;
}

}  // namespace

std::string limits_text(const std::vector<LimitRule>& rules) {
  std::string text;
  for (const auto& r : rules) {
    if (!text.empty()) text += '\n';
    text += r.condition + '\t' + std::string{to_string(r.priority)} + '\t' +
            std::string{core::name(r.metric)} + '\t' + std::string{kind_name(r.kind)} + '\t' +
            exact(r.threshold) + '\t' + (r.floor_metric ? std::string{core::name(*r.floor_metric)} : "-") +
            '\t' + exact(r.floor) + '\t' +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(r.delay).count()) + '\t' +
            exact(r.hysteresis) + '\t' + (r.enabled ? "on" : "off");
  }
  return text;
}

core::Result<std::vector<LimitRule>> parse_limits_text(std::string_view text) {
  std::vector<LimitRule> rules;
  if (text.empty()) return rules;
  const auto lines = split(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto rule = rule_of(lines[i]);
    if (!rule) return core::Error{"limits line " + std::to_string(i + 1) + " " + rule.error()};
    rules.push_back(std::move(rule.value()));
  }
  return rules;
}

}  // namespace vigil::alerts
