#include "tools/tail/bus_summary.hpp"

#include <cstdio>

#include "core/metric.hpp"

namespace vigil::tools {

void BusSummary::add(const vigil::v1::BusMessage& m) {
  using B = vigil::v1::BusMessage;
  std::string bed;
  std::uint64_t seq = 0;
  switch (m.body_case()) {
    case B::kObservation: {
      const auto& o = m.observation();
      bed = o.bed();
      seq = o.seq();
      auto& b = beds_[bed];
      ++b.readings;
      b.drill = b.drill || o.drill();
      char v[32];
      std::snprintf(v, sizeof v, "%g", o.value());
      // Read by a drill lead at the end of a demo: staff's names (SpO₂ 96 %, NIBP sys 126 mmHg).
      b.last[o.metric()] =
          std::string{core::label(o.metric())} + " " + v + " " + std::string{core::display_unit(o.unit())};
      break;
    }
    case B::kAlarm: {
      const auto& a = m.alarm();
      bed = a.bed();
      seq = a.seq();
      if (a.transition() == vigil::v1::RAISED || a.transition() == vigil::v1::ESCALATED)
        beds_[bed].raised.push_back(vigil::v1::Priority_Name(a.priority()) + " " + a.condition() +
                                    (a.transition() == vigil::v1::ESCALATED ? " (escalated)" : ""));
      break;
    }
    case B::kLink:
      bed = m.link().bed();
      seq = m.link().seq();
      beds_[bed].links[m.link().device()] = vigil::v1::LinkState_Name(m.link().state());
      break;
    case B::kContext:  // admissions, infusions: they take a number of the bed's sequence too
      bed = m.context().bed();
      seq = m.context().seq();
      break;
    default:
      return;
  }
  auto& last = seq_[bed];
  if (last != 0 && seq != last + 1) ++gaps_;
  last = seq;
}

std::string BusSummary::text() const {
  std::string s = "== summary\n";
  for (const auto& [id, b] : beds_) {
    s += id + (b.drill ? " (DRILL)" : "") + ": " + std::to_string(b.readings) + " readings; last";
    for (const auto& [metric, value] : b.last) s += " " + value + ",";
    if (!b.last.empty()) s.pop_back();
    s += "\n  alarms raised: ";
    if (b.raised.empty()) s += "none";
    for (std::size_t i = 0; i < b.raised.size(); ++i) s += (i ? ", " : "") + b.raised[i];
    s += "\n  links:";
    for (const auto& [dev, state] : b.links) s += " " + dev + " " + state;
    s += "\n";
  }
  if (beds_.empty()) s += "nothing was received\n";
  s += "sequence gaps seen: " + std::to_string(gaps_) + "\n";
  return s;
}

}  // namespace vigil::tools
