#include "alerts/alarm.hpp"

namespace vigil::alerts {

std::string_view to_string(Priority p) {
  switch (p) {
    case Priority::low:
      return "low";
    case Priority::medium:
      return "medium";
    case Priority::high:
      return "high";
  }
  return "unknown";
}

std::string_view to_string(AlarmKind k) {
  return k == AlarmKind::technical ? "technical" : "physiological";
}

std::string_view to_string(Transition t) {
  switch (t) {
    case Transition::raised:
      return "raised";
    case Transition::updated:
      return "updated";
    case Transition::escalated:
      return "escalated";
    case Transition::acknowledged:
      return "acknowledged";
    case Transition::audio_paused:
      return "audio_paused";
    case Transition::audio_resumed:
      return "audio_resumed";
    case Transition::cleared:
      return "cleared";
    case Transition::reset:
      return "reset";
    case Transition::restored:
      return "restored";
  }
  return "unknown";
}

}  // namespace vigil::alerts
