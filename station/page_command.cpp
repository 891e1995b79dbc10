#include "station/page_command.hpp"

#include "core/infusion_dose.hpp"
#include "wire/dose.hpp"

namespace vigil::station {
namespace {

constexpr std::size_t kMaxName = 64;

std::string entry_what(const char* type, const v1::StaffEntry& e) {
  return e.kind().empty() ? std::string{type} : std::string{type} + " " + e.kind();
}

// The station's log names the drug and the dose as sent; vigild judges them
// (a dose it refuses is logged as it came, and the refusal follows).
std::string start_what(const v1::StartInfusion& s) {
  std::string what = "start infusion";
  if (!s.drug().empty()) what += " " + s.drug();
  if (!s.has_dose()) return what;
  const auto dose = wire::from_proto(s.dose());
  return what + " " + (dose.problem() ? "(a dose vigild will refuse)" : dose.text());
}

}  // namespace

std::string operator_name(const v1::station::PageRequest& r) {
  const std::string& s = r.operator_name();
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

core::Result<PageCommand> page_command(const v1::station::PageRequest& r) {
  PageCommand out;
  const std::string who = operator_name(r);
  if (who.empty() || who.size() > kMaxName)
    return core::Error::at("operator_name",
                           "enter your name first: everything done here is recorded with it");
  out.command.set_actor(who);
  switch (r.action_case()) {
    case v1::station::PageRequest::kAcknowledge:
      *out.command.mutable_acknowledge() = r.acknowledge();
      out.bed = r.acknowledge().bed();
      out.what =
          "acknowledge " + (r.acknowledge().alarm_id().empty() ? "all alarms" : r.acknowledge().alarm_id());
      break;
    case v1::station::PageRequest::kAudioPause:
      *out.command.mutable_audio_pause() = r.audio_pause();
      out.bed = r.audio_pause().bed();
      out.what = "pause audio";
      break;
    case v1::station::PageRequest::kNote:
      *out.command.mutable_note() = r.note();
      out.bed = r.note().bed();
      out.what = "note";
      break;
    case v1::station::PageRequest::kIntervention:
      *out.command.mutable_intervention() = r.intervention();
      out.bed = r.intervention().bed();
      out.what = entry_what("intervention", r.intervention());
      break;
    case v1::station::PageRequest::kAdverseEvent:
      *out.command.mutable_adverse_event() = r.adverse_event();
      out.bed = r.adverse_event().bed();
      out.what = entry_what("adverse event", r.adverse_event());
      break;
    case v1::station::PageRequest::kStartInfusion:
      *out.command.mutable_start_infusion() = r.start_infusion();
      out.bed = r.start_infusion().bed();
      out.what = start_what(r.start_infusion());
      break;
    case v1::station::PageRequest::kPauseInfusion:
      *out.command.mutable_pause_infusion() = r.pause_infusion();
      out.bed = r.pause_infusion().bed();
      out.what = "pause infusion";
      break;
    case v1::station::PageRequest::kResumeInfusion:
      *out.command.mutable_resume_infusion() = r.resume_infusion();
      out.bed = r.resume_infusion().bed();
      out.what = "resume infusion";
      break;
    case v1::station::PageRequest::kStopInfusion:
      *out.command.mutable_stop_infusion() = r.stop_infusion();
      out.bed = r.stop_infusion().bed();
      out.what = "stop infusion";
      break;
    case v1::station::PageRequest::kChangeInfusionRate:
      *out.command.mutable_change_infusion_rate() = r.change_infusion_rate();
      out.bed = r.change_infusion_rate().bed();
      out.what =
          "change infusion rate to " + core::infusion_rate_text(r.change_infusion_rate().rate_mg_per_min());
      break;
    case v1::station::PageRequest::kSetBaseline:
      *out.command.mutable_set_baseline() = r.set_baseline();
      out.bed = r.set_baseline().bed();
      out.what = r.set_baseline().measure() ? "measure the baseline again" : "enter the baseline";
      break;
    case v1::station::PageRequest::kAlarmHistory:  // only looks: no actor needed, not a bed's command
    case v1::station::PageRequest::kTrend:
    case v1::station::PageRequest::kRecord:
    case v1::station::PageRequest::kSessions:
    case v1::station::PageRequest::ACTION_NOT_SET:
      return core::Error{
          "no action: acknowledge, audio_pause, note, intervention, adverse_event, start_infusion, "
          "pause_infusion, resume_infusion, stop_infusion, change_infusion_rate or set_baseline"};
  }
  if (out.bed.empty()) return core::Error::at("bed", "is required: which bed this is for");
  return out;
}

}  // namespace vigil::station
