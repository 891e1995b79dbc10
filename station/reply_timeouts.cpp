#include "station/reply_timeouts.hpp"

namespace vigil::station {
namespace {

bool is_record(const v1::station::PageRequest& r) {
  return r.has_record() || r.has_sessions();
}

bool is_look(const v1::station::PageRequest& r) {
  return is_record(r) || r.has_trend() || r.has_alarm_history();
}

std::string asked(const v1::station::PageRequest& r) {
  using A = v1::station::PageRequest;
  switch (r.action_case()) {
    case A::kAcknowledge:
      return "acknowledgement";
    case A::kAudioPause:
      return "audio pause";
    case A::kAlarmHistory:
      return "alarm history";
    case A::kTrend:
      return "trend";
    case A::kRecord:
      return "record";
    case A::kSessions:
      return "list of infusion sessions";
    case A::kNote:
      return "note";
    case A::kIntervention:
      return "intervention";
    case A::kAdverseEvent:
      return "adverse event";
    case A::kStartInfusion:
      return "start of the infusion";
    case A::kPauseInfusion:
      return "pause of the infusion";
    case A::kResumeInfusion:
      return "resumption of the infusion";
    case A::kStopInfusion:
      return "stop of the infusion";
    case A::kChangeInfusionRate:
      return "rate change of the infusion";
    case A::kSetBaseline:
      return "baseline";
    case A::ACTION_NOT_SET:
      break;
  }
  return "request";
}

}  // namespace

std::chrono::milliseconds reply_timeout(const v1::station::PageRequest& r) {
  if (is_record(r)) return kRecordTimeout;
  if (is_look(r)) return kJournalLookTimeout;
  return kLiveCommandTimeout;
}

std::string no_answer_words(const v1::station::PageRequest& r, const std::string& daemon) {
  const auto waited = std::chrono::duration_cast<std::chrono::seconds>(reply_timeout(r)).count();
  const std::string head =
      "vigild " + daemon + " did not answer the " + asked(r) + " within " + std::to_string(waited) + " s";
  if (is_look(r)) return head + " (busy, or out of reach): nothing was changed; try again in a moment";
  return head +
         " (busy, or out of reach): it may or may not have been done; look at the bed before sending it "
         "again";
}

}  // namespace vigil::station
