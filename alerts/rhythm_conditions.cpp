#include "alerts/rhythm_conditions.hpp"

#include <cmath>
#include <optional>
#include <string>

#include "alerts/limit_rules.hpp"

namespace vigil::alerts {

namespace {

// Only an ECG (beat shapes and atrial activity) lets vigil name AF, or
// flutter (`flutter_rate`: the atrial rate of the flutter waves); from pulse
// or device-reported beats the wording says what was seen.
std::string af_message(bool rvr, BeatSource source, const std::string& rate_text, double evidence,
                       bool current, bool present, core::Duration hold, std::optional<double> flutter_rate) {
  std::string m;
  if (flutter_rate) {
    m = rvr ? "Atrial flutter, fast variable conduction: " : "Atrial flutter, variable conduction: ";
  } else if (source == BeatSource::ecg) {
    m = rvr ? "AF with rapid ventricular response: " : "Irregular rhythm, AF suspected: ";
  } else if (source == BeatSource::pulse) {
    m = rvr ? "Fast irregular pulse: " : "Irregular pulse: ";
  } else {
    m = rvr ? "Fast irregular rhythm: " : "Irregular rhythm: ";
  }
  m += rate_text;
  if (current && flutter_rate) {
    m += " (flutter waves " + format_number(std::round(*flutter_rate)) +
         "/min between irregular ecg intervals)";
  } else if (current) {
    m += " (AF evidence " + format_number(evidence * 100) + " % from " + std::string{source_name(source)} +
         " intervals" + (source == BeatSource::ecg ? ")" : "; no ECG to confirm AF)");
  } else if (present) {
    m += " (episode continues: the evidence is interrupted, e.g. by artefact)";
  } else {
    m += " (no irregular rhythm for " + format_number(core::to_seconds(hold)) + " s: episode over)";
  }
  return m;
}

ConditionReport rhythm_unavailable(const RhythmRules& rules, const RhythmState& s) {
  const std::string source = s.source ? std::string{source_name(*s.source)} : "beats";
  ConditionReport u;
  u.condition = "rhythm_unavailable";
  u.kind = AlarmKind::technical;
  u.rule = AlarmRule::rhythm;
  u.priority = Priority::low;
  u.delay = rules.unavailable_delay;
  // An ECG in artefact says so itself (ecg_artefact, with what to do);
  // a second technical alarm for the same cause would only add noise.
  u.present = (s.unavailable == Unavailable::poor_signal || s.unavailable == Unavailable::signal_lost) &&
              !(s.ecg_artefact && s.source == BeatSource::ecg);
  u.message = std::string{"rhythm analysis unavailable: "} + std::string{unavailable_name(s.unavailable)} +
              " (" + source + ")";
  return u;
}

// Staff can fix this one: electrodes that move, dry or lift make the noise.
ConditionReport ecg_artefact(const RhythmRules& rules, const RhythmState& s) {
  ConditionReport a;
  a.condition = "ecg_artefact";
  a.kind = AlarmKind::technical;
  a.rule = AlarmRule::rhythm;
  a.priority = Priority::low;
  a.delay = rules.unavailable_delay;
  a.present = s.ecg_artefact;
  a.message = "ECG artefact — check electrodes (heart rate and rhythm from the ECG not counted meanwhile)";
  return a;
}

}  // namespace

void RhythmConditions::on_beat(const Beat& beat) {
  analyzer_.add_beat(beat);
  vt_.on_beat(beat, vf_.present());
  last_beat_ = beat.time;
}

std::vector<ConditionReport> RhythmConditions::check(const RhythmRules& rules, core::TimePoint now) {
  std::vector<ConditionReport> out;
  if (!rules.enabled) return out;
  // VF may leave the QRS detector without a single beat to hand out.
  if (vf_.judged()) out.push_back(vf_.report());
  if (vt_.judged()) out.push_back(vt_.report());
  if (!last_beat_) return out;
  const RhythmState s = analyzer_.state(now);
  out.push_back(atrial_fibrillation(rules, s, now));
  add_pause(s, out);
  out.push_back(rhythm_unavailable(rules, s));
  out.push_back(ecg_artefact(rules, s));
  return out;
}

// One AF episode is one condition: it stays present through gaps in the
// evidence (motion artefact, a window that looks regular by chance) shorter
// than af_episode_hold, at the rate and source of its last call.
ConditionReport RhythmConditions::atrial_fibrillation(const RhythmRules& rules, const RhythmState& s,
                                                      core::TimePoint now) {
  const double rate = s.ventricular_rate_bpm.value_or(0);
  // Flutter with variable conduction is as irregular at the ventricles and
  // as urgent at a fast rate: the same condition, worded as what it is.
  const bool called =
      s.available() && (s.rhythm == Rhythm::irregular_af || s.rhythm == Rhythm::atrial_flutter);
  if (called) {
    af_last_called_ = now;
    af_last_rate_ = rate;
    af_last_source_ = s.source;
    af_last_flutter_rate_.reset();
    if (s.rhythm == Rhythm::atrial_flutter && s.atrial) af_last_flutter_rate_ = 60.0 / s.atrial->cycle_s;
  }
  ConditionReport af;
  af.condition = "atrial_fibrillation";
  af.rule = AlarmRule::rhythm;
  af.present = called || (af_last_called_ && now - *af_last_called_ < rules.af_episode_hold);
  const double af_rate = called ? rate : af_last_rate_;
  af.value = af_rate;
  af.limit = rules.af_rvr_rate;
  // The rate of the beats it was judged on: from an oximeter's, a pulse rate.
  af.metric = af_last_source_ == BeatSource::pulse ? core::Metric::pulse_rate : core::Metric::heart_rate;
  // A fast irregular rhythm is high priority whatever the beats could tell.
  const bool rvr = af_rate > rules.af_rvr_rate;
  af.priority = rvr ? Priority::high : Priority::medium;
  af.delay = rvr ? rules.af_rvr_delay : rules.irregular_delay;
  af.latching = rvr;
  af.message = af_message(rvr, af_last_source_.value_or(BeatSource::reported),
                          format_number(af_rate) + "/min", called ? s.af_evidence : 0.0, called, af.present,
                          rules.af_episode_hold, af_last_flutter_rate_);
  return af;
}

void RhythmConditions::add_pause(const RhythmState& s, std::vector<ConditionReport>& out) {
  if (!s.pause || (reported_pause_ && *reported_pause_ == s.pause->start)) return;
  ConditionReport p;
  p.condition = "pause";
  p.rule = AlarmRule::rhythm;
  p.priority = Priority::high;
  p.latching = true;
  p.present = s.pause->ongoing;
  p.value = core::to_seconds(s.pause->length);
  p.limit = 3;
  p.message = "Pause: no beat for " + format_number(p.value) + " s" +
              (s.pause->poor_signal ? " (ECG signal poor: check the leads)" : "");
  if (p.present) {
    out.push_back(p);
    return;
  }
  // A pause that began and ended between two ticks still happened.
  p.present = true;
  out.push_back(p);
  p.present = false;
  out.push_back(p);
  reported_pause_ = s.pause->start;
}

}  // namespace vigil::alerts
