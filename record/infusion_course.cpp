#include "record/infusion_course.hpp"

#include <algorithm>
#include <cmath>

#include "core/infusion_dose.hpp"
#include "wire/timestamp.hpp"

namespace vigil::record {

namespace {

std::string who(const vigil::v1::ContextEvent& c) {
  return c.actor() + (c.station().empty() ? "" : " at " + c.station());
}

double minutes(core::Duration d) {
  return std::chrono::duration<double, std::ratio<60>>(d).count();
}

}  // namespace

std::optional<double> parse_rate(const std::string& text) {
  return core::parse_infusion_rate(text);
}

std::vector<InfusionChange> infusion_changes(const JournalSpan& j, core::TimePoint started,
                                             core::TimePoint end) {
  std::vector<InfusionChange> v;
  for (const auto& c : j.context) {
    const auto t = wire::from_proto(c.time());
    if (t < started || t > end) continue;
    InfusionChange x;
    if (c.what() == "infusion_paused") {
      x.kind = InfusionChange::Kind::paused;
    } else if (c.what() == "infusion_resumed") {
      x.kind = InfusionChange::Kind::resumed;
    } else if (c.what() == "infusion_rate_changed") {
      x.kind = InfusionChange::Kind::rate_changed;
      x.rate_mg_per_min = parse_rate(c.new_value());
    } else {
      continue;
    }
    x.time = t;
    x.by = who(c);
    x.message = c.message();
    v.push_back(std::move(x));
  }
  return v;
}

std::vector<StaffEntry> staff_entries(const JournalSpan& j, core::TimePoint from, core::TimePoint to) {
  std::vector<StaffEntry> v;
  for (const auto& c : j.context) {
    const auto t = wire::from_proto(c.time());
    if (t < from || t > to) continue;
    StaffEntry e;
    if (c.what() == "note")
      e.type = StaffEntry::Type::note;
    else if (c.what() == "intervention")
      e.type = StaffEntry::Type::intervention;
    else if (c.what() == "adverse_event")
      e.type = StaffEntry::Type::adverse_event;
    else
      continue;
    e.time = t;
    e.by = who(c);
    e.text = c.new_value();
    if (e.type != StaffEntry::Type::note) {
      // "kind: text", or the kind alone
      const auto colon = e.text.find(": ");
      e.kind = e.text.substr(0, colon);
      e.text = colon == std::string::npos ? "" : e.text.substr(colon + 2);
    }
    v.push_back(std::move(e));
  }
  return v;
}

double cumulative_mg(const core::InfusionDose& dose, core::TimePoint started, core::TimePoint end,
                     const std::vector<InfusionChange>& changes) {
  double given = 0, rate = dose.rate_mg_per_min();
  bool paused = false;
  auto from = started;
  for (const auto& c : changes) {
    if (c.time >= end) break;
    if (!paused) given += rate * minutes(c.time - from);
    from = std::max(from, c.time);
    if (c.kind == InfusionChange::Kind::paused) paused = true;
    if (c.kind == InfusionChange::Kind::resumed) paused = false;
    if (c.kind == InfusionChange::Kind::rate_changed && c.rate_mg_per_min) rate = *c.rate_mg_per_min;
  }
  if (!paused && end > from) given += rate * minutes(end - from);
  return std::min(given, dose.total_mg());
}

}  // namespace vigil::record
