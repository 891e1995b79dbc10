#pragma once
// IHE PCD-04 (Report Alert): one alert's state as ORU^R40 from an Alert
// Reporter, laid out as IHE PCD TF-2 (Rev. 8.0/9.0) appendix B and its
// example E.3.1 lay it out (docs/hl7.md): the OBR (196616 MDC_EVT_ALARM)
// names this report in OBR-3 and the alert, stable across its life, in
// OBR-29.2; the OBX facets under it, OBX-4 <MDS>.<VMD>.<CHAN>.<METRIC>.<facet>,
// are .1 what happened, .2 the source measurement and its limit, .3 phase,
// .4 state, .5 inactivation state, .6 priority and .7 type, each final (F).
#include <cstdint>
#include <string>

#include "core/time.hpp"
#include "hl7out/message_header.hpp"

namespace vigil::hl7out {

enum class AlertPhase { start, continue_, end, escalate, de_escalate };
enum class AlertState { active, latched, inactive };
enum class AlertInactivation { enabled, audio_paused, alarm_off, acknowledged };
enum class AlertPriority { high, medium, low };
// What kind of rule raised the alert: it decides facet .1's event code. A
// limit alert crossed the limit it carries; a rhythm alert carries a rate
// and a threshold but names a rhythm; unknown (an alarm journalled before
// the bus said) claims neither and goes as MDC_EVT_ALARM with its text.
enum class AlertOrigin { unknown, limit_rule, rhythm_analysis, technical_check };

struct AlertReport {
  std::string alert_id;   // stable for the alert's life (vigil's alarm id)
  std::string condition;  // vigil's condition, e.g. "desaturation"
  std::string text;       // for people
  bool technical = false;
  AlertOrigin origin = AlertOrigin::unknown;
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
  std::string source;      // the device behind a technical alert
  core::TimePoint time{};  // this transition
};

std::string_view to_string(AlertPhase p);
std::string_view to_string(AlertState s);
std::string_view to_string(AlertInactivation i);

std::string encode_oru_r40(const MessageHeader& h, const BedContext& bed, const AlertReport& a);

}  // namespace vigil::hl7out
