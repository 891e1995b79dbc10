#include "alerts/condition_catalog.hpp"

#include <algorithm>
#include <string>

#include "alerts/limit_rules.hpp"
#include "alerts/technical_conditions.hpp"
#include "alerts/vt_episode.hpp"

namespace vigil::alerts {
using namespace std::chrono_literals;

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
    // RhythmConditions: AF from the intervals of any beats; pauses from ECG
    // beats only (a missing pulse is as often the probe as the heart).
    const auto rvr = format_number(profile.rhythm.af_rvr_rate);
    add("atrial_fibrillation", AlarmKind::physiological, Priority::medium,
        "irregular rhythm (AF) from beat intervals; high above " + rvr + "/min");
    add("atrial_fibrillation", AlarmKind::physiological, Priority::high, "").beats = {
        BeatSource::ecg, BeatSource::reported, BeatSource::pulse};
    add("pause", AlarmKind::physiological, Priority::high, "no ECG beat for 3 s").beats = {BeatSource::ecg};
    add("rhythm_unavailable", AlarmKind::technical, Priority::low, "rhythm analysis cannot judge its beats");
    add("ventricular_fibrillation", AlarmKind::physiological, Priority::high,
        "VF/VT suspected — check patient (the streamed ECG swings like VF or a coarse fast VT)")
        .beats = {BeatSource::ecg};
    add("ventricular_tachycardia", AlarmKind::physiological, Priority::high,
        "VT — check patient (" + std::to_string(VtEpisode::kRunBeats) +
            " wide ventricular beats in a row at " + format_number(VtEpisode::kRateBpm) +
            "/min or more on the streamed ECG)")
        .beats = {BeatSource::ecg};
    add("ecg_artefact", AlarmKind::technical, Priority::low,
        "ECG artefact — check electrodes (the streamed ECG is motion or electrode noise)");
  }
  add("device_lost:<device>", AlarmKind::technical, Priority::medium, "device silent, unplugged or garbled");
  add("garbled_stream:<device>", AlarmKind::technical, Priority::low, "many bad frames among the good ones");
  for (auto c : core::kAllDeviceConditions) {
    const auto spec = technical_spec(c);
    add(std::string{core::condition_name(c)} + ":<device>", AlarmKind::technical, spec.priority, spec.text);
  }
  return v;
}

}  // namespace vigil::alerts
