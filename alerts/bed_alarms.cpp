#include "alerts/bed_alarms.hpp"

#include <algorithm>

namespace vigil::alerts {
using namespace std::chrono_literals;
using core::Metric;

namespace {

struct TechnicalSpec {
  Priority priority;
  core::Duration delay;
  const char* text;
};

TechnicalSpec technical_spec(core::DeviceCondition c) {
  using core::DeviceCondition;
  switch (c) {
    case DeviceCondition::sensor_off:
      return {Priority::medium, 10s, "sensor off the patient"};
    case DeviceCondition::no_sensor:
      return {Priority::medium, 10s, "no sensor connected"};
    case DeviceCondition::device_malfunction:
      return {Priority::medium, 0s, "device or sensor fault"};
    case DeviceCondition::low_signal_quality:
      return {Priority::low, 10s, "low signal quality"};
    case DeviceCondition::artifact:
      return {Priority::low, 10s, "motion artifact or interference"};
    case DeviceCondition::low_perfusion:
      return {Priority::low, 10s, "low perfusion"};
    case DeviceCondition::searching:
      return {Priority::low, 10s, "searching for a pulse"};
    case DeviceCondition::low_battery:
      return {Priority::low, 0s, "device battery low"};
  }
  return {Priority::low, 0s, "device condition"};
}

bool is_cuff(Metric m) {
  return core::info(m).episodic;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string values_text(const std::map<Metric, double>& values) {
  std::string s;
  for (const auto& [m, v] : values)
    s += (s.empty() ? "" : ", ") + std::string{core::label(m)} + " " + format_number(v);
  return s.empty() ? "none" : s;
}

}  // namespace

std::vector<ConditionInfo> known_conditions(const AlarmProfile& profile) {
  std::vector<ConditionInfo> v;
  auto add = [&](const std::string& condition, AlarmKind kind, Priority p,
                 const std::string& label) -> ConditionInfo& {
    auto it = std::find_if(v.begin(), v.end(), [&](const auto& c) { return c.condition == condition; });
    if (it == v.end()) it = v.insert(v.end(), ConditionInfo{condition, kind, {}, label, {}});
    if (std::find(it->priorities.begin(), it->priorities.end(), p) == it->priorities.end())
      it->priorities.push_back(p);
    std::sort(it->priorities.begin(), it->priorities.end());
    return *it;
  };
  for (const auto& r : profile.rules)
    if (r.enabled) add(r.condition, AlarmKind::physiological, r.priority, r.label);
  if (profile.nibp_cycle > 0s) {
    add("nibp_overdue", AlarmKind::technical, Priority::low,
        "no cuff reading for a cycle during an infusion");
    add("nibp_overdue", AlarmKind::technical, Priority::medium, "");
  }
  if (profile.rhythm.enabled) {
    // check_rhythm(): AF from the intervals of any beats; pauses from ECG
    // beats only (a missing pulse is as often the probe as the heart).
    const auto rvr = format_number(profile.rhythm.af_rvr_rate);
    add("atrial_fibrillation", AlarmKind::physiological, Priority::medium,
        "irregular rhythm (AF) from beat intervals; high above " + rvr + "/min");
    add("atrial_fibrillation", AlarmKind::physiological, Priority::high, "").beats = {
        BeatSource::ecg, BeatSource::reported, BeatSource::pulse};
    add("pause", AlarmKind::physiological, Priority::high, "no ECG beat for 3 s").beats = {BeatSource::ecg};
    add("rhythm_unavailable", AlarmKind::technical, Priority::low, "rhythm analysis cannot judge its beats");
  }
  add("device_lost:<device>", AlarmKind::technical, Priority::medium, "device silent, unplugged or garbled");
  add("garbled_stream:<device>", AlarmKind::technical, Priority::low, "many bad frames among the good ones");
  for (auto c : core::kAllDeviceConditions) {
    const auto spec = technical_spec(c);
    add(std::string{core::condition_name(c)} + ":<device>", AlarmKind::technical, spec.priority, spec.text);
  }
  return v;
}

BedAlarms::BedAlarms(std::string bed, AlarmProfile profile, core::Duration baseline_window)
    : bed_{std::move(bed)}, baseline_window_{baseline_window}, engine_{bed_, profile.engine} {
  use_profile(std::move(profile));
}

bool BedAlarms::reconfigure(AlarmProfile profile) {
  if (!patient_id_.empty()) return false;
  use_profile(std::move(profile));
  return true;
}

void BedAlarms::use_profile(AlarmProfile p) {
  profile_ = std::move(p);
  rules_ = LimitRules{profile_.rules};
  engine_.set_settings(profile_.engine);
}

std::string BedAlarms::who(const Actor& a) {
  return a.who.empty() ? "(unnamed)" : a.who + (a.station.empty() ? "" : " at " + a.station);
}

void BedAlarms::on_reading(const std::string& device, const core::Reading& r, core::TimePoint now,
                           BedOutput& out) {
  if (r.usable()) {
    latest_[r.metric] = r;
    history_.push_back({r.metric, *r.value, now});
    while (!history_.empty() && now - history_.front().time > baseline_window_) history_.pop_front();
    if (is_cuff(r.metric)) last_cuff_ = r.device_time.value_or(now);
  }
  const RuleContext ctx{baseline_.empty() ? nullptr : &baseline_, &latest_};
  for (const auto& report : rules_.evaluate(r, device, now, ctx)) engine_.report(report, now, out.alarms);
}

void BedAlarms::on_device_conditions(const std::string& device, core::DeviceConditions c, core::TimePoint now,
                                     BedOutput& out) {
  auto& previous = device_conditions_[device];
  for (auto condition : core::kAllDeviceConditions) {
    const bool present = c.has(condition);
    // Reported while present (so the delay can run out) and once when it ends.
    if (!present && !previous.has(condition)) continue;
    const auto spec = technical_spec(condition);
    ConditionReport r;
    r.condition = std::string{core::condition_name(condition)} + ":" + device;
    r.present = present;
    r.kind = AlarmKind::technical;
    r.priority = spec.priority;
    r.delay = spec.delay;
    r.device = device;
    r.message = device + ": " + spec.text;
    engine_.report(r, now, out.alarms);
  }
  previous = c;
}

void BedAlarms::on_link(const std::string& device, const std::string& protocol, bool lost,
                        const std::string& reason, core::TimePoint now, BedOutput& out) {
  ConditionReport r;
  r.condition = "device_lost:" + device;
  r.present = lost;
  r.kind = AlarmKind::technical;
  r.priority = Priority::medium;
  r.device = device;
  r.message = device + " (" + protocol + "): " + (lost ? reason : "receiving again");
  engine_.report(r, now, out.alarms);
  // A device that comes back reports its own status afresh with its next frame.
  if (!lost) on_device_conditions(device, core::DeviceConditions{}, now, out);
}

void BedAlarms::on_garbled(const std::string& device, bool garbled, const std::string& reason,
                           core::TimePoint now, BedOutput& out) {
  ConditionReport r;
  r.condition = "garbled_stream:" + device;
  r.present = garbled;
  r.kind = AlarmKind::technical;
  r.priority = Priority::low;
  r.device = device;
  r.message = device + ": " + reason;
  engine_.report(r, now, out.alarms);
}

void BedAlarms::on_beat(const Beat& beat) {
  rhythm_.add_beat(beat);
  last_beat_ = beat.time;
}

void BedAlarms::tick(core::TimePoint now, BedOutput& out) {
  check_rhythm(now, out);
  engine_.tick(now, out.alarms);
  check_nibp_overdue(now, out);
}

namespace {

// Only an ECG (beat shapes and atrial activity) lets vigil name AF; from
// pulse or device-reported beats the wording says what was seen.
std::string af_message(bool rvr, BeatSource source, const std::string& rate_text, double evidence,
                       bool current, bool present, core::Duration hold) {
  std::string m;
  if (source == BeatSource::ecg) {
    m = rvr ? "AF with rapid ventricular response: " : "Irregular rhythm, AF suspected: ";
  } else if (source == BeatSource::pulse) {
    m = rvr ? "Fast irregular pulse: " : "Irregular pulse: ";
  } else {
    m = rvr ? "Fast irregular rhythm: " : "Irregular rhythm: ";
  }
  m += rate_text;
  if (current) {
    m += " (AF evidence " + format_number(evidence * 100) + " % from " + std::string{source_name(source)} +
         " intervals" + (source == BeatSource::ecg ? ")" : "; no ECG to confirm AF)");
  } else if (present) {
    m += " (episode continues: the evidence is interrupted, e.g. by artefact)";
  } else {
    m += " (no irregular rhythm for " + format_number(core::to_seconds(hold)) + " s: episode over)";
  }
  return m;
}

}  // namespace

void BedAlarms::check_rhythm(core::TimePoint now, BedOutput& out) {
  const auto& rules = profile_.rhythm;
  // Beds whose devices give no beat timing have no rhythm to judge.
  if (!rules.enabled || !last_beat_) return;
  const RhythmState s = rhythm_.state(now);
  const double rate = s.ventricular_rate_bpm.value_or(0);
  const std::string source = s.source ? std::string{source_name(*s.source)} : "beats";

  // One AF episode is one condition: it stays present through gaps in the
  // evidence (motion artefact, a window that looks regular by chance)
  // shorter than af_episode_hold, at the rate and source of its last call.
  const bool called = s.available() && s.rhythm == Rhythm::irregular_af;
  if (called) {
    af_last_called_ = now;
    af_last_rate_ = rate;
    af_last_source_ = s.source;
  }
  ConditionReport af;
  af.condition = "atrial_fibrillation";
  af.present = called || (af_last_called_ && now - *af_last_called_ < rules.af_episode_hold);
  const double af_rate = called ? rate : af_last_rate_;
  af.value = af_rate;
  af.limit = rules.af_rvr_rate;
  af.metric = Metric::heart_rate;
  // A fast irregular rhythm is high priority whatever the beats could tell.
  const bool rvr = af_rate > rules.af_rvr_rate;
  af.priority = rvr ? Priority::high : Priority::medium;
  af.delay = rvr ? rules.af_rvr_delay : rules.irregular_delay;
  af.latching = rvr;
  af.message =
      af_message(rvr, af_last_source_.value_or(BeatSource::reported), format_number(af_rate) + "/min",
                 called ? s.af_evidence : 0.0, called, af.present, rules.af_episode_hold);
  engine_.report(af, now, out.alarms);

  if (s.pause && (!reported_pause_ || *reported_pause_ != s.pause->start)) {
    ConditionReport p;
    p.condition = "pause";
    p.priority = Priority::high;
    p.latching = true;
    p.present = s.pause->ongoing;
    p.value = core::to_seconds(s.pause->length);
    p.limit = 3;
    p.message = "Pause: no beat for " + format_number(p.value) + " s" +
                (s.pause->poor_signal ? " (ECG signal poor: check the leads)" : "");
    if (p.present) {
      engine_.report(p, now, out.alarms);
    } else {
      // A pause that began and ended between two ticks still happened.
      p.present = true;
      engine_.report(p, now, out.alarms);
      p.present = false;
      engine_.report(p, now, out.alarms);
      reported_pause_ = s.pause->start;
    }
  }

  ConditionReport u;
  u.condition = "rhythm_unavailable";
  u.kind = AlarmKind::technical;
  u.priority = Priority::low;
  u.delay = rules.unavailable_delay;
  u.present = s.unavailable == Unavailable::poor_signal || s.unavailable == Unavailable::signal_lost;
  u.message = std::string{"rhythm analysis unavailable: "} + std::string{unavailable_name(s.unavailable)} +
              " (" + source + ")";
  engine_.report(u, now, out.alarms);
}

void BedAlarms::check_nibp_overdue(core::TimePoint now, BedOutput& out) {
  const bool watching = infusion_ && profile_.nibp_cycle > 0s;
  if (!watching && !engine_.has_signal("nibp_overdue")) return;
  ConditionReport r;
  r.condition = "nibp_overdue";
  r.kind = AlarmKind::technical;
  r.metric = Metric::nibp_systolic;
  r.present = false;
  if (watching) {
    const core::TimePoint last = std::max(last_cuff_.value_or(infusion_->started), infusion_->started);
    const auto since = now - last;
    const auto one = profile_.nibp_cycle + profile_.nibp_grace;
    const auto two = 2 * profile_.nibp_cycle + profile_.nibp_grace;
    r.present = since > one;
    r.priority = since > two ? Priority::medium : Priority::low;
    r.value = std::chrono::duration_cast<std::chrono::seconds>(since).count();
    r.limit = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(one).count());
    r.message =
        "no blood pressure reading for " +
        std::to_string(std::chrono::duration_cast<std::chrono::minutes>(since).count()) +
        " min during the infusion (cuff cycle " +
        std::to_string(std::chrono::duration_cast<std::chrono::minutes>(profile_.nibp_cycle).count()) +
        " min)";
  }
  // Only a change is worth a report; the engine escalates when the level rises.
  engine_.report(r, now, out.alarms);
}

core::Result<std::string> BedAlarms::admit(const std::string& patient_id, AlarmProfile profile,
                                           const std::vector<RuleOverride>& overrides,
                                           const std::map<Metric, double>& entered_baseline,
                                           const Actor& actor, core::TimePoint now, BedOutput& out) {
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
  use_profile(std::move(profile));
  profile_from_admission_ = true;
  profile_changes_ = overrides;
  baseline_.clear();
  baseline_source_ = "none";
  if (!entered_baseline.empty()) {
    baseline_ = entered_baseline;
    baseline_source_ = "entered";
  }
  std::string message = "patient " + patient_id + " admitted to " + bed_ + " with profile " + profile_.name +
                        " by " + who(actor);
  for (const auto& c : changes) message += "; " + c;
  if (!entered_baseline.empty()) message += "; baseline entered: " + values_text(baseline_);
  out.context.push_back({"admitted", message, "", profile_.name, actor, patient_id_});
  (void)now;
  return message;
}

core::Result<std::string> BedAlarms::discharge(const Actor& actor, core::TimePoint now, BedOutput& out) {
  if (patient_id_.empty())
    return core::Error::at("bed", bed_ + " has no patient to discharge", core::ErrorCode::conflict);
  if (infusion_) (void)stop_infusion(actor, now, out);
  const std::string message = "patient " + patient_id_ + " discharged from " + bed_ + " by " + who(actor);
  out.context.push_back({"discharged", message, patient_id_, "", actor, patient_id_});
  patient_id_.clear();
  baseline_.clear();
  baseline_source_ = "none";
  return message;
}

core::Result<std::string> BedAlarms::set_limit(const RuleOverride& o, const Actor& actor, core::TimePoint,
                                               BedOutput& out) {
  AlarmProfile changed = profile_;
  auto r = apply_override(changed, o);
  if (!r) return r.failure().within("limit");
  // Rule states restart: a limit that moved is judged afresh on the next reading.
  use_profile(std::move(changed));
  profile_changes_.push_back(o);
  const auto arrow = r.value().find(" -> ");
  const std::string message = "limit changed on " + bed_ + " by " + who(actor) + ": " + r.value();
  out.context.push_back({"limit_changed", message, r.value().substr(0, arrow),
                         arrow == std::string::npos ? "" : r.value().substr(arrow + 4), actor, patient_id_});
  return message;
}

std::string BedAlarms::take_baseline(core::TimePoint start, const std::map<Metric, double>& entered) {
  std::map<Metric, std::vector<double>> values;
  std::map<Metric, std::pair<core::TimePoint, core::TimePoint>> span;
  for (const auto& s : history_) {
    if (s.time > start || start - s.time > baseline_window_) continue;
    values[s.metric].push_back(s.value);
    auto [it, fresh] = span.try_emplace(s.metric, s.time, s.time);
    if (!fresh) it->second.second = s.time;
  }
  baseline_.clear();
  std::vector<std::string> missing;
  for (Metric m : {Metric::nibp_systolic, Metric::nibp_diastolic, Metric::nibp_mean, Metric::heart_rate,
                   Metric::pulse_rate, Metric::spo2}) {
    const bool enough = values.count(m) && (is_cuff(m) || span[m].second - span[m].first >=
                                                              60s);  // one cuff or a minute of stream
    if (enough) baseline_[m] = median(values[m]);
  }
  for (const auto& [m, v] : entered) baseline_[m] = v;
  const bool have_bp = baseline_.count(Metric::nibp_systolic) > 0;
  const bool have_rate = baseline_.count(Metric::heart_rate) || baseline_.count(Metric::pulse_rate);
  if (!have_bp) missing.push_back("a cuff reading");
  if (!have_rate || !baseline_.count(Metric::spo2)) missing.push_back("60 s of SpO2 and heart rate");
  const auto window_min = std::chrono::duration_cast<std::chrono::minutes>(baseline_window_).count();
  baseline_source_ = entered.empty() ? "measured" : values.empty() ? "entered" : "measured and entered";
  std::string text = "baseline (" + baseline_source_ + ", median of the last " + std::to_string(window_min) +
                     " min): " + values_text(baseline_);
  if (!missing.empty()) {
    std::string need;
    for (const auto& m : missing) need += (need.empty() ? "" : " and ") + m;
    text += "; not enough data for a full baseline (need " + need + " before the start)";
    if (!have_bp) {
      text += ": blood-pressure surge alarms are off, absolute limits stay in force";
      if (baseline_.empty()) baseline_source_ = "unavailable";
    }
  }
  return text;
}

core::Result<std::string> BedAlarms::start_infusion(const std::string& drug, const std::string& regimen,
                                                    const std::map<Metric, double>& entered_baseline,
                                                    const Actor& actor, core::TimePoint now, BedOutput& out) {
  if (infusion_)
    return core::Error::at("bed", "an infusion is already running on " + bed_ + "; stop it first",
                           core::ErrorCode::conflict);
  infusion_ = Infusion{now, drug.empty() ? "infusion" : drug, regimen};
  const std::string baseline = take_baseline(now, entered_baseline);
  const std::string message = infusion_->drug + (regimen.empty() ? "" : " (" + regimen + ")") +
                              " started on " + bed_ + " by " + who(actor) + "; " + baseline;
  out.context.push_back({"infusion_started", message, "", infusion_->drug, actor, patient_id_});
  out.context.push_back({"baseline", baseline, "", values_text(baseline_), actor, patient_id_});
  return message;
}

core::Result<std::string> BedAlarms::stop_infusion(const Actor& actor, core::TimePoint now, BedOutput& out) {
  if (!infusion_)
    return core::Error::at("bed", "no infusion is running on " + bed_, core::ErrorCode::conflict);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - infusion_->started).count();
  const std::string message = infusion_->drug + " stopped on " + bed_ + " by " + who(actor) + " after " +
                              std::to_string(minutes) + " min; the baseline stays in force until discharge";
  out.context.push_back({"infusion_stopped", message, infusion_->drug, "", actor, patient_id_});
  infusion_.reset();
  check_nibp_overdue(now, out);
  return message;
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
  return "acknowledged " + std::to_string(n) + " alarm(s) on " + bed_;
}

core::Result<std::string> BedAlarms::audio_pause(const Actor& actor, core::TimePoint now, BedOutput& out) {
  const auto before = out.alarms.size();
  engine_.audio_pause(who(actor), now, out.alarms);
  const auto n = out.alarms.size() - before;
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(profile_.engine.audio_pause).count();
  return "audio paused for " + std::to_string(secs) + " s on " + std::to_string(n) + " alarm(s) on " + bed_;
}

core::Result<std::string> BedAlarms::reset(const std::string& alarm_id, const Actor& actor,
                                           core::TimePoint now, BedOutput& out) {
  auto r = engine_.reset(alarm_id, who(actor), now, out.alarms);
  if (!r) return r.failure();
  return "reset " + alarm_id;
}

void BedAlarms::on_journal(bool available, const std::string& reason, core::TimePoint now, BedOutput& out) {
  ConditionReport r;
  r.condition = "journal_unavailable";
  r.present = !available;
  r.kind = AlarmKind::technical;
  r.priority = Priority::medium;
  r.message = available ? "journal writing again"
                        : "journal unavailable: " + reason +
                              "; alarms are still published but would not survive a restart";
  engine_.report(r, now, out.alarms);
}

BedState BedAlarms::state() const {
  BedState s;
  s.patient_id = patient_id_;
  s.profile = profile_.name;
  s.profile_from_admission = profile_from_admission_;
  s.profile_changes = profile_changes_;
  s.infusion = infusion_;
  s.baseline = baseline_;
  s.baseline_source = baseline_source_;
  s.device_conditions = device_conditions_;
  s.alarms = engine_.alarm_states();
  return s;
}

void BedAlarms::restore(const BedState& s, AlarmProfile profile, const std::vector<core::Observation>& recent,
                        std::optional<core::TimePoint> last_cuff, core::TimePoint now, BedOutput& out) {
  patient_id_ = s.patient_id;
  use_profile(std::move(profile));
  profile_from_admission_ = s.profile_from_admission;
  profile_changes_ = s.profile_changes;
  infusion_ = s.infusion;
  baseline_ = s.baseline;
  baseline_source_ = s.baseline_source;
  // A device condition behind a restored alarm must be seen to end, or its alarm would never clear.
  device_conditions_ = s.device_conditions;
  history_.clear();
  for (const auto& o : recent)
    if (o.reading.usable() && now - o.received <= baseline_window_)
      history_.push_back({o.reading.metric, *o.reading.value, o.received});
  last_cuff_ = last_cuff;
  engine_.restore(s.alarms, now, out.alarms);
  for (const auto& a : s.alarms)
    if (a.active && a.last.kind == AlarmKind::physiological && a.last.metric)
      rules_.resume(a.last.condition, *a.last.metric, a.onset);

  std::string message = "vigild restarted; restored on " + bed_ + ": ";
  message += patient_id_.empty() ? "no patient" : "patient " + patient_id_;
  message += ", profile " + profile_.name;
  if (!profile_changes_.empty()) message += " with " + std::to_string(profile_changes_.size()) + " change(s)";
  if (infusion_) {
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - infusion_->started).count();
    message += ", " + infusion_->drug + " infusion running for " + std::to_string(minutes) + " min";
  }
  if (!baseline_.empty()) message += ", baseline (" + baseline_source_ + ") " + values_text(baseline_);
  message += ", " + std::to_string(s.alarms.size()) + " alarm(s) with a signal";
  out.context.push_back({"restored", message, "", patient_id_, Actor{"vigild", ""}, patient_id_});
}

}  // namespace vigil::alerts
