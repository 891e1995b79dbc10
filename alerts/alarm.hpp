#pragma once
// Alarm vocabulary after IEC 60601-1-8: a condition is present or not; its
// signal is raised, acknowledged, paused, latched or reset. Every transition
// is an AlarmEvent carrying the values and limits behind it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/metric.hpp"
#include "core/time.hpp"

namespace vigil::alerts {

enum class Priority : std::uint8_t { low = 1, medium = 2, high = 3 };
enum class AlarmKind : std::uint8_t { physiological = 1, technical = 2 };
// Which kind of rule raised a condition. Only a limit rule's alarm crossed
// the limit it carries; an AF alarm carries a rate and the rate above which
// it is high, and a receiver must not read that as a heart-rate limit
// (hl7out's PCD-04 codes each differently).
enum class AlarmRule : std::uint8_t { unspecified = 0, limit = 1, rhythm = 2, technical = 3 };
enum class Transition : std::uint8_t {
  raised = 1,
  updated = 2,
  escalated = 3,
  acknowledged = 4,
  audio_paused = 5,
  audio_resumed = 6,
  cleared = 7,
  reset = 8,
  restored = 9,
};

std::string_view to_string(Priority p);
std::string_view to_string(AlarmKind k);
std::string_view to_string(Transition t);

struct LimitText;  // alerts/limit_rules.hpp

// What a rule says about one condition at one instant.
struct ConditionReport {
  std::string condition;  // stable id: "desaturation", "device_lost:spo2-1"
  bool present = false;
  Priority priority = Priority::medium;
  AlarmKind kind = AlarmKind::physiological;
  AlarmRule rule = AlarmRule::unspecified;
  core::Duration delay{};  // alarm condition delay
  // When the condition was first seen, if the rule waited out a delay of
  // its own before saying it is present (limit rules do): the alarm's onset.
  std::optional<core::TimePoint> since;
  bool latching = false;
  std::optional<core::Metric> metric;
  double value = 0;
  double limit = 0;
  double baseline = 0;
  std::string message;
  // A limit rule's report leaves `message` empty and points to the words of
  // its rule instead: formatting the message on every reading took about a
  // third of the bed path, and only a transition says it (text()).
  std::shared_ptr<const LimitText> limit_text;
  std::string device;
  // Said after the message when where the value came from matters to staff:
  // a rate judged although its source flagged it (rate_source.hpp).
  std::string_view source_note;

  // The message, formatted from `limit_text`, `value` and `baseline` when
  // the report came from a limit rule.
  std::string text() const;
};

struct AlarmEvent {
  std::string alarm_id;
  std::string bed;
  std::string condition;
  Priority priority = Priority::medium;
  AlarmKind kind = AlarmKind::physiological;
  AlarmRule rule = AlarmRule::unspecified;
  Transition transition = Transition::raised;
  std::string message;
  std::optional<core::Metric> metric;
  double value = 0;
  double limit = 0;
  double baseline = 0;
  core::TimePoint onset{};
  core::TimePoint time{};
  bool active = false;
  bool latched = false;
  bool acknowledged = false;
  std::string actor;
  std::optional<core::TimePoint> audio_paused_until;
  std::string device;
};

}  // namespace vigil::alerts
