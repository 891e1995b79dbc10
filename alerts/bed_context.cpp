#include "alerts/bed_context.hpp"

#include <algorithm>

#include "core/shared_copies.hpp"

namespace vigil::alerts {
using namespace std::chrono_literals;
using core::Metric;

namespace {

bool is_cuff(Metric m) {
  return core::info(m).episodic;
}

// One copy of each distinct profile for all beds (about 5 kB each, most of
// it the rules), as LimitRules::book_for does for the rules' book.
std::shared_ptr<const AlarmProfile> shared_bed_profile(AlarmProfile profile) {
  static core::SharedCopies<AlarmProfile> profiles;
  return profiles.find_or_make(std::move(profile), [&](const AlarmProfile& p) { return p == profile; });
}

}  // namespace

std::string who(const Actor& a) {
  return a.who.empty() ? "(unnamed)" : a.who + (a.station.empty() ? "" : " at " + a.station);
}

BedContext::BedContext(std::string bed, AlarmProfile profile, core::Duration baseline_window)
    : bed_{std::move(bed)}, profile_{shared_bed_profile(std::move(profile))}, window_{baseline_window} {}

void BedContext::on_reading(const core::Reading& r, core::TimePoint now) {
  if (!r.usable()) return;
  const auto latest = std::find_if(latest_.begin(), latest_.end(),
                                   [&](const core::Reading& l) { return l.metric == r.metric; });
  const auto slot = static_cast<std::size_t>(latest - latest_.begin());
  if (latest != latest_.end()) {
    *latest = r;
  } else {
    latest_.push_back(r);
    if (is_cuff(r.metric)) cuff_slots_ |= std::uint64_t{1} << slot;
  }
  window_.add(r.metric, *r.value, now);
  if (cuff_slots_ >> slot & 1) last_cuff_ = r.device_time.value_or(now);
}

RuleContext BedContext::rule_context() const {
  return {baseline_.empty() ? nullptr : &baseline_, latest_};
}

std::optional<CuffWatch> BedContext::cuff_watch() const {
  if (!infusion_ || profile_->nibp_cycle <= 0s) return std::nullopt;
  return CuffWatch{infusion_->started, last_cuff_, profile_->nibp_cycle, profile_->nibp_grace};
}

bool BedContext::reconfigure(AlarmProfile profile) {
  if (!patient_id_.empty()) return false;
  profile_ = shared_bed_profile(std::move(profile));
  return true;
}

core::Result<std::string> BedContext::admit(const std::string& patient_id, AlarmProfile profile,
                                            const std::vector<RuleOverride>& overrides,
                                            const std::map<Metric, double>& entered_baseline,
                                            const Actor& actor, std::vector<ContextChange>& out) {
  if (patient_id.empty()) return core::Error::at("patient_id", "a patient id is required");
  if (!patient_id_.empty() && patient_id_ != patient_id)
    return core::Error::at("bed", bed_ + " is occupied by patient " + patient_id_ + "; discharge first",
                           core::ErrorCode::conflict);
  std::vector<std::string> changes;
  for (const auto& o : overrides) {
    auto r = apply_override(profile, o);
    if (!r) return r.failure().within("overrides");
    changes.push_back(r.value());
  }
  patient_id_ = patient_id;
  profile_ = shared_bed_profile(std::move(profile));
  profile_from_admission_ = true;
  profile_changes_ = overrides;
  baseline_.clear();
  baseline_source_ = "none";
  baseline_set_.reset();
  if (!entered_baseline.empty()) {
    baseline_ = entered_baseline;
    baseline_source_ = "entered";
  }
  std::string message = "patient " + patient_id + " admitted to " + bed_ + " with profile " + profile_->name +
                        " by " + who(actor);
  for (const auto& c : changes) message += "; " + c;
  if (!entered_baseline.empty()) message += "; baseline entered: " + values_text(baseline_);
  out.push_back({"admitted", message, "", profile_->name, actor, patient_id_});
  return message;
}

core::Result<std::string> BedContext::discharge(const Actor& actor, std::vector<ContextChange>& out) {
  if (patient_id_.empty())
    return core::Error::at("bed", bed_ + " has no patient to discharge", core::ErrorCode::conflict);
  const std::string message = "patient " + patient_id_ + " discharged from " + bed_ + " by " + who(actor);
  out.push_back({"discharged", message, patient_id_, "", actor, patient_id_});
  patient_id_.clear();
  baseline_.clear();
  baseline_source_ = "none";
  baseline_set_.reset();
  return message;
}

core::Result<std::string> BedContext::update_patient(const std::string& patient_id,
                                                     const std::string& new_patient_id,
                                                     const std::string& also, const Actor& actor,
                                                     std::vector<ContextChange>& out) {
  if (patient_id_.empty())
    return core::Error::at("bed", bed_ + " has no patient to update", core::ErrorCode::conflict);
  if (patient_id != patient_id_)
    return core::Error::at(
        "patient_id", bed_ + " holds patient " + patient_id_ + ", not " + patient_id + "; nothing changed",
        core::ErrorCode::conflict);
  const bool renamed = !new_patient_id.empty() && new_patient_id != patient_id_;
  if (!renamed && also.empty()) return core::Error::at("patient_id", "nothing to update");
  std::string changed = renamed ? "id " + patient_id_ + " -> " + new_patient_id : "";
  if (!also.empty()) changed += (changed.empty() ? "" : ", ") + also;
  const std::string message =
      "patient " + patient_id_ + " on " + bed_ + " updated by " + who(actor) + ": " + changed;
  const std::string before = patient_id_;
  if (renamed) patient_id_ = new_patient_id;
  out.push_back({"patient_updated", message, before, patient_id_, actor, patient_id_});
  return message;
}

core::Result<std::string> BedContext::set_limit(const RuleOverride& o, const Actor& actor,
                                                std::vector<ContextChange>& out) {
  AlarmProfile changed = *profile_;
  auto r = apply_override(changed, o);
  if (!r) return r.failure().within("limit");
  profile_ = shared_bed_profile(std::move(changed));
  profile_changes_.push_back(o);
  const auto arrow = r.value().find(" -> ");
  const std::string message = "limit changed on " + bed_ + " by " + who(actor) + ": " + r.value();
  out.push_back({"limit_changed", message, r.value().substr(0, arrow),
                 arrow == std::string::npos ? "" : r.value().substr(arrow + 4), actor, patient_id_});
  return message;
}

core::Result<std::string> BedContext::start_infusion(const std::string& drug, const std::string& regimen,
                                                     const std::map<Metric, double>& entered_baseline,
                                                     const Actor& actor, core::TimePoint now,
                                                     std::vector<ContextChange>& out) {
  if (infusion_)
    return core::Error::at("bed", "an infusion is already running on " + bed_ + "; stop it first",
                           core::ErrorCode::conflict);
  infusion_ = Infusion{now, drug.empty() ? "infusion" : drug, regimen};
  const Baseline baseline = start_baseline(now, entered_baseline);
  baseline_set_.reset();
  baseline_ = baseline.values;
  baseline_source_ = baseline.source;
  const std::string message = infusion_->drug + (regimen.empty() ? "" : " (" + regimen + ")") +
                              " started on " + bed_ + " by " + who(actor) + "; " + baseline.text;
  out.push_back({"infusion_started", message, "", infusion_->drug, actor, patient_id_});
  out.push_back({"baseline", baseline.text, "", values_text(baseline_), actor, patient_id_});
  return message;
}

// A baseline staff set before the start counts as entered at the start: its
// values go over those measured then, and values entered with the start over both.
Baseline BedContext::start_baseline(core::TimePoint now, const std::map<Metric, double>& entered) const {
  if (!baseline_set_) return window_.take(now, entered);
  auto over = baseline_;
  for (const auto& [m, v] : entered) over[m] = v;
  Baseline b = window_.take(now, over);
  b.text += "; the values set by " + baseline_set_->by + " before the start go over the measured ones";
  return b;
}

// "entered" when the values entered are all there is; else some were measured.
std::string BedContext::entered_source(const std::map<Metric, double>& entered) const {
  const bool measured_left = baseline_source_.starts_with("measured") &&
                             std::any_of(baseline_.begin(), baseline_.end(),
                                         [&](const auto& kv) { return !entered.count(kv.first); });
  return measured_left ? "measured and entered" : "entered";
}

core::Result<std::string> BedContext::set_baseline(const std::map<Metric, double>& entered,
                                                   const Actor& actor, core::TimePoint now,
                                                   std::vector<ContextChange>& out) {
  if (patient_id_.empty())
    return core::Error::at("bed", bed_ + " has no patient: admit one first", core::ErrorCode::conflict);
  Baseline b;
  if (entered.empty()) {
    b = window_.take(now, {});
    if (const auto lost = lost_by(b.values); !lost.empty())
      return core::Error::at(
          "measure",
          "the last " + window_text() + " of readings on " + bed_ + " give no " + lost +
              (baseline_.empty() ? "" : "; the baseline in force (" + values_text(baseline_) + ") stays") +
              ": take a reading first, or enter the values",
          core::ErrorCode::conflict);
  } else {
    b.values = baseline_;
    for (const auto& [m, v] : entered) b.values[m] = v;
    b.source = entered_source(entered);
  }
  const std::string when = infusion_ ? "while the infusion runs" : "before the start";
  const std::string was =
      baseline_.empty() ? "" : "; replaces (" + baseline_source_ + ") " + values_text(baseline_);
  b.text = "baseline (" + b.source + ", set by " + who(actor) + " " + when + "): " + values_text(b.values);
  const std::string old = baseline_.empty() ? "" : values_text(baseline_);
  baseline_ = b.values;
  baseline_source_ = b.source;
  if (!infusion_) baseline_set_ = BaselineSetting{now, who(actor)};
  out.push_back({"baseline", b.text + was, old, values_text(baseline_), actor, patient_id_});
  return "baseline on " + bed_ + " " + b.source + " by " + who(actor) + ": " + values_text(baseline_) + was;
}

// What a measured baseline would lose of the one in force, in words ("" when nothing):
// the rules of a value left out would stop judging.
std::string BedContext::lost_by(const std::map<Metric, double>& measured) const {
  struct Group {
    Metric first, second;
    std::string label;
  };
  const Group groups[] = {{Metric::nibp_systolic, Metric::nibp_diastolic, "NIBP"},
                          {Metric::heart_rate, Metric::pulse_rate, "Pulse/HR"},
                          {Metric::spo2, Metric::spo2, std::string{core::label(Metric::spo2)}}};
  const auto has = [](const std::map<Metric, double>& v, const Group& g) {
    return v.count(g.first) > 0 || v.count(g.second) > 0;
  };
  std::string lost;
  for (const auto& g : groups)
    if (has(baseline_, g) && !has(measured, g)) lost += (lost.empty() ? "" : ", ") + g.label;
  if (measured.empty() && lost.empty()) lost = "value at all";
  return lost;
}

std::string BedContext::window_text() const {
  return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(window_.window()).count()) + " min";
}

core::Result<std::string> BedContext::stop_infusion(const Actor& actor, core::TimePoint now,
                                                    std::vector<ContextChange>& out) {
  if (!infusion_)
    return core::Error::at("bed", "no infusion is running on " + bed_, core::ErrorCode::conflict);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - infusion_->started).count();
  const std::string message = infusion_->drug + " stopped on " + bed_ + " by " + who(actor) + " after " +
                              std::to_string(minutes) + " min; the baseline stays in force until discharge";
  out.push_back({"infusion_stopped", message, infusion_->drug, "", actor, patient_id_});
  infusion_.reset();
  return message;
}

SavedContext BedContext::save() const {
  return {.patient_id = patient_id_,
          .profile = profile_->name,
          .profile_from_admission = profile_from_admission_,
          .profile_changes = profile_changes_,
          .infusion = infusion_,
          .baseline = baseline_,
          .baseline_source = baseline_source_,
          .baseline_set = baseline_set_};
}

void BedContext::restore(const SavedContext& s, AlarmProfile profile,
                         const std::vector<core::Observation>& recent,
                         std::optional<core::TimePoint> last_cuff, core::TimePoint now) {
  patient_id_ = s.patient_id;
  profile_ = shared_bed_profile(std::move(profile));
  profile_from_admission_ = s.profile_from_admission;
  profile_changes_ = s.profile_changes;
  infusion_ = s.infusion;
  baseline_ = s.baseline;
  baseline_source_ = s.baseline_source;
  baseline_set_ = s.baseline_set;
  window_.clear();
  for (const auto& o : recent)
    if (o.reading.usable() && now - o.received <= window_.window())
      window_.add(o.reading.metric, *o.reading.value, o.received);
  last_cuff_ = last_cuff;
}

std::string BedContext::restored_text(core::TimePoint now) const {
  std::string text = patient_id_.empty() ? "no patient" : "patient " + patient_id_;
  text += ", profile " + profile_->name;
  if (!profile_changes_.empty()) text += " with " + std::to_string(profile_changes_.size()) + " change(s)";
  if (infusion_) {
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - infusion_->started).count();
    text += ", " + infusion_->drug + " infusion running for " + std::to_string(minutes) + " min";
  }
  if (!baseline_.empty()) text += ", baseline (" + baseline_source_ + ") " + values_text(baseline_);
  return text;
}

}  // namespace vigil::alerts
