#include "record/alarm_history.hpp"

#include <map>
#include <string>

#include "wire/timestamp.hpp"

namespace vigil::record {
namespace v1 = vigil::v1;

std::vector<AlarmStory> alarm_stories(const JournalSpan& j) {
  std::vector<AlarmStory> v;
  std::map<std::string, std::size_t> index;
  const auto rank = [](const std::string& p) {
    return p == "HIGH" ? 3 : p == "MEDIUM" ? 2 : p == "LOW" ? 1 : 0;
  };
  for (const auto& a : j.alarms) {
    auto [it, fresh] = index.try_emplace(a.alarm_id(), v.size());
    if (fresh) {
      AlarmStory s;
      s.alarm_id = a.alarm_id();
      s.condition = a.condition();
      s.technical = a.kind() == v1::TECHNICAL;
      s.onset = wire::from_proto(a.onset().seconds() || a.onset().nanos() ? a.onset() : a.time());
      v.push_back(s);
    }
    auto& s = v[it->second];
    const auto t = wire::from_proto(a.time());
    const std::string priority = v1::Priority_Name(a.priority());
    if (rank(priority) > rank(s.priority)) s.priority = priority;
    switch (a.transition()) {
      case v1::RAISED:
        s.raised = t;
        s.message = a.message();
        s.metric = core::metric_from_code(a.mdc_code());
        s.value = a.value();
        break;
      case v1::ACKNOWLEDGED:
        if (!s.acknowledged) {
          s.acknowledged = t;
          s.acknowledged_by = a.actor();
        }
        break;
      case v1::CLEARED:
        s.cleared = t;
        break;
      case v1::ESCALATED:
        s.steps.push_back({t, "escalated to " + priority, a.actor()});
        break;
      case v1::AUDIO_PAUSED:
        s.steps.push_back({t, "audio paused", a.actor()});
        break;
      case v1::RESET:
        s.steps.push_back({t, "reset", a.actor()});
        break;
      case v1::RESTORED:
        s.steps.push_back({t, "restored after a restart of vigild", ""});
        if (!s.raised && s.message.empty()) s.message = a.message();
        break;
      default:
        break;
    }
  }
  return v;
}

}  // namespace vigil::record
