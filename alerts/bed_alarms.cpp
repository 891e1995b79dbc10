#include "alerts/bed_alarms.hpp"

#include "alerts/limits_in_force.hpp"

namespace vigil::alerts {

BedAlarms::BedAlarms(std::string bed, AlarmProfile profile, core::Duration baseline_window)
    : context_{bed, profile, baseline_window}, engine_{std::move(bed), profile.engine} {
  follow_profile();
}

void BedAlarms::follow_profile() {
  rules_ = LimitRules{context_.profile().rules};
  engine_.set_settings(context_.profile().engine);
}

void BedAlarms::say_limits(const Actor& actor, BedOutput& out) const {
  const auto& p = context_.profile();
  const std::string message = "limits in force for patient " + patient_id() + " on " + bed() + ": profile " +
                              p.name + ", " + std::to_string(p.rules.size()) + " rule(s)";
  out.context.push_back({"limits_in_force", message, "", limits_text(p.rules), actor, patient_id()});
}

void BedAlarms::report(const std::vector<ConditionReport>& reports, core::TimePoint now, BedOutput& out) {
  for (const auto& r : reports) engine_.report(r, now, out.alarms);
}

bool BedAlarms::reconfigure(AlarmProfile profile) {
  if (!context_.reconfigure(std::move(profile))) return false;
  follow_profile();
  return true;
}

void BedAlarms::on_reading(const std::string& device, const core::Reading& r, core::TimePoint now,
                           BedOutput& out) {
  context_.on_reading(r, now);
  // Most readings are not rates: RateSource has a say only on those.
  if (!RateSource::is_rate(r.metric)) return judge(device, r, {}, now, out);
  const auto source = rate_source_.on_reading(device, r, now);
  if (!source.use) return;
  if (source.taken_from) rules_.hand_over(*source.taken_from, r.metric);
  if (!source.despite_artefact) return judge(device, r, {}, now, out);
  judge(device, RateSource::without_artefact(r), RateSource::kArtefactNote, now, out);
}

void BedAlarms::judge(const std::string& device, const core::Reading& r, std::string_view note,
                      core::TimePoint now, BedOutput& out) {
  const bool engine_holds_nothing = engine_.holds_nothing();
  for (ConditionReport* report :
       rules_.evaluate(std::span{&r, 1}, device, now, context_.rule_context(), engine_holds_nothing)) {
    if (!note.empty()) report->source_note = note;
    engine_.report(*report, now, out.alarms);
  }
}

void BedAlarms::on_measurement(const std::string& device, std::span<const core::Reading> measurement,
                               core::TimePoint now, BedOutput& out) {
  if (measurement.size() == 1) return on_reading(device, measurement.front(), now, out);
  // A cuff measurement: no rate among its readings, so RateSource has no say.
  for (const auto& r : measurement) context_.on_reading(r, now);
  for (const ConditionReport* report : rules_.evaluate(measurement, device, now, context_.rule_context()))
    engine_.report(*report, now, out.alarms);
}

void BedAlarms::on_device_conditions(const std::string& device, core::DeviceConditions c, core::TimePoint now,
                                     BedOutput& out) {
  report(technical_.device_conditions(device, c), now, out);
}

void BedAlarms::on_link(const std::string& device, const std::string& protocol, bool lost,
                        const std::string& reason, core::TimePoint now, BedOutput& out) {
  report(technical_.link(device, protocol, lost, reason), now, out);
}

void BedAlarms::on_garbled(const std::string& device, bool garbled, const std::string& reason,
                           core::TimePoint now, BedOutput& out) {
  engine_.report(TechnicalConditions::garbled(device, garbled, reason), now, out.alarms);
}

void BedAlarms::on_journal(bool available, const std::string& reason, core::TimePoint now, BedOutput& out) {
  engine_.report(TechnicalConditions::journal(available, reason), now, out.alarms);
}

void BedAlarms::on_hl7_destination(const std::string& destination, bool failing, const std::string& text,
                                   core::TimePoint now, BedOutput& out) {
  engine_.report(TechnicalConditions::hl7_destination(destination, failing, text), now, out.alarms);
}

void BedAlarms::on_adt_refused(const std::string& text, core::TimePoint now, BedOutput& out) {
  engine_.report(TechnicalConditions::adt_refused(true, text), now, out.alarms);
}

void BedAlarms::tick(core::TimePoint now, BedOutput& out) {
  report(rhythm_.check(context_.profile().rhythm, now), now, out);
  engine_.tick(now, out.alarms);
  check_nibp_overdue(now, out);
}

void BedAlarms::check_nibp_overdue(core::TimePoint now, BedOutput& out) {
  const auto r =
      TechnicalConditions::nibp_overdue(context_.cuff_watch(), engine_.has_signal("nibp_overdue"), now);
  if (r) engine_.report(*r, now, out.alarms);
}

core::Result<std::string> BedAlarms::admit(const std::string& patient_id, AlarmProfile profile,
                                           const std::vector<RuleOverride>& overrides,
                                           const std::map<core::Metric, double>& entered_baseline,
                                           const Actor& actor, core::TimePoint, BedOutput& out) {
  auto r = context_.admit(patient_id, std::move(profile), overrides, entered_baseline, actor, out.context);
  if (r) {
    follow_profile();
    say_limits(actor, out);
  }
  return r;
}

core::Result<std::string> BedAlarms::discharge(const Actor& actor, core::TimePoint now, BedOutput& out) {
  if (!context_.patient_id().empty() && context_.infusion()) (void)stop_infusion(actor, now, out);
  auto r = context_.discharge(actor, out.context);
  if (r) end_adt_refused("discharged by " + who(actor), now, out);
  return r;
}

core::Result<std::string> BedAlarms::set_limit(const RuleOverride& o, const Actor& actor, core::TimePoint,
                                               BedOutput& out) {
  auto r = context_.set_limit(o, actor, out.context);
  if (r) {
    follow_profile();
    say_limits(actor, out);
  }
  return r;
}

core::Result<std::string> BedAlarms::start_infusion(const std::string& drug, const std::string& regimen,
                                                    const std::map<core::Metric, double>& entered_baseline,
                                                    const Actor& actor, core::TimePoint now, BedOutput& out) {
  return context_.start_infusion(drug, regimen, entered_baseline, actor, now, out.context);
}

core::Result<std::string> BedAlarms::stop_infusion(const Actor& actor, core::TimePoint now, BedOutput& out) {
  auto r = context_.stop_infusion(actor, now, out.context);
  if (r) {
    check_nibp_overdue(now, out);
    end_adt_refused("infusion stopped by " + who(actor) + "; the ADT system may send the discharge again",
                    now, out);
  }
  return r;
}

void BedAlarms::end_adt_refused(const std::string& why, core::TimePoint now, BedOutput& out) {
  engine_.report(TechnicalConditions::adt_refused(false, why), now, out.alarms);
}

core::Result<std::string> BedAlarms::acknowledge(const std::string& alarm_id, const Actor& actor,
                                                 core::TimePoint now, BedOutput& out) {
  if (!alarm_id.empty()) {
    auto r = engine_.acknowledge(alarm_id, who(actor), now, out.alarms);
    if (!r) return r.failure();
    return std::string{r.value() ? "acknowledged " : "already acknowledged: "} + alarm_id;
  }
  int n = 0;
  for (const auto& a : engine_.current(now))
    if (!a.acknowledged && engine_.acknowledge(a.alarm_id, who(actor), now, out.alarms).ok()) ++n;
  return "acknowledged " + std::to_string(n) + " alarm(s) on " + bed();
}

core::Result<std::string> BedAlarms::audio_pause(const Actor& actor, core::TimePoint now, BedOutput& out) {
  const auto before = out.alarms.size();
  engine_.audio_pause(who(actor), now, out.alarms);
  const auto n = out.alarms.size() - before;
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(profile().engine.audio_pause).count();
  return "audio paused for " + std::to_string(secs) + " s on " + std::to_string(n) + " alarm(s) on " + bed();
}

core::Result<std::string> BedAlarms::reset(const std::string& alarm_id, const Actor& actor,
                                           core::TimePoint now, BedOutput& out) {
  auto r = engine_.reset(alarm_id, who(actor), now, out.alarms);
  if (!r) return r.failure();
  return "reset " + alarm_id;
}

BedState BedAlarms::state() const {
  return {.context = context_.save(),
          .device_conditions = technical_.reported(),
          .alarms = engine_.alarm_states()};
}

void BedAlarms::restore(const BedState& s, AlarmProfile profile, const std::vector<core::Observation>& recent,
                        std::optional<core::TimePoint> last_cuff, core::TimePoint now, BedOutput& out) {
  context_.restore(s.context, std::move(profile), recent, last_cuff, now);
  follow_profile();
  technical_.restore(s.device_conditions);
  engine_.restore(s.alarms, now, out.alarms);
  for (const auto& a : s.alarms)
    if (a.active && a.last.kind == AlarmKind::physiological && a.last.metric)
      rules_.resume(a.last.condition, *a.last.metric, a.onset);
  const std::string message = "vigild restarted; restored on " + bed() + ": " + context_.restored_text(now) +
                              ", " + std::to_string(s.alarms.size()) + " alarm(s) with a signal";
  out.context.push_back({"restored", message, "", patient_id(), Actor{"vigild", ""}, patient_id()});
  // The config read at this start may define the profile anew.
  if (!patient_id().empty()) say_limits(Actor{"vigild", ""}, out);
}

}  // namespace vigil::alerts
