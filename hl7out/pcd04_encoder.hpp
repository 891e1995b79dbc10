#pragma once
// IHE PCD-04 (Report Alert): one alert's state as ORU^R40 from an Alert
// Reporter. The OBR names the alert (196616 MDC_EVT_ALARM) with an
// identifier stable across its life; the OBX facets under it, OBX-4
// <MDS>.<VMD>.<CHAN>.<METRIC>.<facet>, are .1 what happened, .2 the source
// measurement and its limit, .3 phase, .4 state, .5 inactivation state,
// .6 priority and .7 type.
#include <cstdint>
#include <string>

#include "core/time.hpp"
#include "hl7out/message_header.hpp"

namespace vigil::hl7out {

enum class AlertPhase { start, continue_, end, escalate, de_escalate };
enum class AlertState { active, latched, inactive };
enum class AlertInactivation { enabled, audio_paused, alarm_off, acknowledged };
enum class AlertPriority { high, medium, low };

struct AlertReport {
  std::string alert_id;   // stable for the alert's life (vigil's alarm id)
  std::string condition;  // vigil's condition, e.g. "desaturation"
  std::string text;       // for people
  bool technical = false;
  AlertPhase phase = AlertPhase::start;
  AlertState state = AlertState::active;
  AlertInactivation inactivation = AlertInactivation::enabled;
  AlertPriority priority = AlertPriority::medium;
  // The measurement behind a physiological alert (0: none), its value and
  // the limit it crossed; `below` says which side.
  std::uint32_t mdc_code = 0;
  double value = 0;
  double limit = 0;
  bool below = false;
  std::string source;  // the device behind a technical alert
  core::TimePoint onset{};
  core::TimePoint time{};  // this transition
};

std::string_view to_string(AlertPhase p);
std::string_view to_string(AlertState s);
std::string_view to_string(AlertInactivation i);

std::string encode_oru_r40(const MessageHeader& h, const BedContext& bed, const AlertReport& a);

}  // namespace vigil::hl7out
