#include "drill/nurse_script.hpp"

#include <algorithm>
#include <sstream>

namespace vigil::drill {
namespace {

void fill_start(vigil::v1::StartInfusion& s, const std::optional<sim::ScriptedDose>& dose) {
  if (!dose) {
    s.set_drug("ketamine");
    s.set_regimen("drill");
    return;
  }
  s.set_drug(dose->drug);
  auto& d = *s.mutable_dose();
  d.set_amount(dose->amount);
  d.set_unit(dose->unit);
  d.set_weight_kg(dose->weight_kg);
  d.set_duration_min(static_cast<std::uint32_t>(dose->duration_min));
  std::ostringstream regimen;
  regimen << dose->amount << " " << dose->unit << " over " << dose->duration_min << " min";
  s.set_regimen(regimen.str());
}

// The id of the bed's latest alarm of the condition that is raised and not yet cleared, or "".
std::string sounding_alarm(const DrillRecord& seen, const std::string& bed, const std::string& condition) {
  std::string id;
  for (const auto& a : seen.alarms) {
    if (a.bed != bed || a.condition != condition) continue;
    if (a.transition == "RAISED") id = a.alarm_id;
    if (a.transition == "CLEARED" && a.alarm_id == id) id.clear();
  }
  return id;
}

core::Result<bool> fill_staff(const ScriptedAction& s, const DrillRecord& seen,
                              vigil::v1::CommandRequest& r) {
  using Kind = sim::StaffAction::Kind;
  const auto& a = *s.event->staff;
  const std::string& bed = s.bed;
  switch (a.kind) {
    case Kind::admit:
      r.mutable_admit()->set_bed(bed);
      r.mutable_admit()->set_patient_id(s.patient_id);
      return true;
    case Kind::acknowledge: {
      const auto id = sounding_alarm(seen, bed, a.what);
      if (id.empty()) return core::Error{"no " + a.what + " alarm is sounding on " + bed};
      r.mutable_acknowledge()->set_bed(bed);
      r.mutable_acknowledge()->set_alarm_id(id);
      return true;
    }
    case Kind::pause_infusion:
      r.mutable_pause_infusion()->set_bed(bed);
      r.mutable_pause_infusion()->set_reason(a.text);
      return true;
    case Kind::resume_infusion:
      r.mutable_resume_infusion()->set_bed(bed);
      return true;
    case Kind::change_rate:
      r.mutable_change_infusion_rate()->set_bed(bed);
      r.mutable_change_infusion_rate()->set_rate_mg_per_min(a.rate_mg_per_min);
      r.mutable_change_infusion_rate()->set_reason(a.text);
      return true;
    case Kind::note:
    case Kind::intervention:
    case Kind::adverse_event: {
      auto* entry = a.kind == Kind::note           ? r.mutable_note()
                    : a.kind == Kind::intervention ? r.mutable_intervention()
                                                   : r.mutable_adverse_event();
      entry->set_bed(bed);
      entry->set_kind(a.what);
      entry->set_text(a.text);
      return true;
    }
    case Kind::discharge:
      r.mutable_discharge()->set_bed(bed);
      return true;
  }
  return core::Error{"a staff action vigil-drill cannot send"};
}

}  // namespace

NurseScript::NurseScript(const sim::Ward& ward) {
  for (const auto& b : ward.beds)
    for (const auto& e : b.scenario.events)
      if (e.infusion || e.staff) actions_.push_back({e.at, b.id, b.patient_id, &e});
  std::stable_sort(actions_.begin(), actions_.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
}

std::vector<ScriptedAction> NurseScript::due(core::Duration simulator_time, const DrillRecord& seen) {
  std::vector<ScriptedAction> v;
  for (; next_ < actions_.size(); ++next_) {
    const auto& a = actions_[next_];
    if (simulator_time < a.at) break;
    const auto& staff = a.event->staff;
    const bool waits_for_bus = staff && staff->kind == sim::StaffAction::Kind::acknowledge &&
                               sounding_alarm(seen, a.bed, staff->what).empty() &&
                               !(seen.daemon_time && *seen.daemon_time >= a.at);
    if (waits_for_bus) break;
    v.push_back(a);
  }
  return v;
}

std::string action_text(const ScriptedAction& a) {
  return sim::clock_text(a.at) + " " + a.bed + " " + sim::event_text(*a.event);
}

core::Result<vigil::v1::CommandRequest> scripted_request(const ScriptedAction& a, const DrillRecord& seen) {
  vigil::v1::CommandRequest r;
  r.set_actor("vigil-drill (scripted)");
  r.set_station("drill runner");
  if (a.event->infusion == sim::InfusionAction::start) {
    r.mutable_start_infusion()->set_bed(a.bed);
    fill_start(*r.mutable_start_infusion(), a.event->dose);
  } else if (a.event->infusion == sim::InfusionAction::stop) {
    r.mutable_stop_infusion()->set_bed(a.bed);
  } else if (a.event->staff) {
    auto filled = fill_staff(a, seen, r);
    if (!filled) return filled.failure();
  }
  return r;
}

}  // namespace vigil::drill
