#pragma once
// How a drill went, measured against the ward's scenarios: for each scripted
// event, whether the alarms its author expected came within their windows,
// how long they took, when they were acknowledged and by whom; which alarms
// nobody expected; and whether everything was marked as a drill.
#include <optional>
#include <string>
#include <vector>

#include "drill/drill_record.hpp"
#include "sim/ward.hpp"

namespace vigil::drill {

// One alarm's life on one bed, from its transitions.
struct AlarmStory {
  std::string bed;
  std::string alarm_id;
  std::string condition;
  std::string kind;
  std::string message;  // as raised
  std::string raised_priority;
  std::string top_priority;  // the worst it reached (the patient worsening, or nobody answering)
  core::Duration raised{};
  std::optional<core::Duration> escalated;   // by the patient getting worse
  std::optional<core::Duration> unanswered;  // escalated because nobody acknowledged it
  std::optional<core::Duration> acknowledged;
  std::string acknowledged_by;
  std::optional<core::Duration> audio_paused;
  std::string paused_by;
  std::optional<core::Duration> cleared;
};

// An alarm reaching a priority: raised at it, or escalated to it.
struct AlarmOccurrence {
  std::size_t alarm = 0;  // index into BedReport::alarms
  std::string priority;
  core::Duration t{};
};

enum class Verdict {
  met,                // in the window
  early,              // the right alarm, before the window
  late,               // the right alarm, after the window
  other_priority,     // the condition alarmed in the window, at another priority
  missed,             // nothing
  no_beat_source,     // a rhythm condition on a bed whose devices give vigild no such beats: not judged
  unknown_condition,  // this vigild cannot raise such a condition (a typo?)
};
const char* verdict_name(Verdict v);
// Verdicts that count against the drill (all but met and no_beat_source).
bool verdict_fails(Verdict v);

struct ExpectationResult {
  sim::Expectation expected;
  Verdict verdict = Verdict::missed;
  std::optional<AlarmOccurrence> occurrence;  // what met it, or came nearest
  std::string note;                           // for people
};

// A scripted event and the expectations that follow from it (those whose
// window opens after it and before the next event). The first entry, with
// no event, is the drill's start.
struct EventResult {
  std::optional<sim::ScenarioEvent> event;
  std::vector<ExpectationResult> expectations;
};

struct BedReport {
  std::string bed;
  std::string patient_id;
  std::string scenario_ref;
  std::string scenario_title;
  core::Duration duration{};
  std::vector<EventResult> timeline;
  std::vector<AlarmStory> alarms;
  std::vector<AlarmOccurrence> unexpected;
};

struct DrillReport {
  std::string title;
  std::string ward_file;
  core::TimePoint started{};
  double speed = 1;
  std::vector<BedReport> beds;
  std::uint64_t readings = 0;
  std::uint64_t alarm_events = 0;
  std::uint64_t not_marked_drill = 0;
  std::uint64_t sequence_gaps = 0;
  std::vector<std::string> problems;

  int expected_count() const;
  int met_count() const;
  int skipped_count() const;  // no beat source
  int failed_count() const;   // expectations not met, unknown conditions
  int unexpected_count() const;
  // The drill went as its scripts say: every judgeable expectation met, no
  // unexpected alarm, everything marked as a drill, nothing missed on the bus.
  bool as_scripted() const;
};

struct EvaluationOptions {
  // Delivery jitter allowed around a window's edges (a drill at 20x moves
  // alarms by a fraction of a second of scenario time).
  core::Duration tolerance = std::chrono::seconds{2};
};

DrillReport evaluate(const sim::Ward& ward, const DrillRecord& record, EvaluationOptions options = {});

// Whether `condition` ("device_lost:oximeter") is one of vigild's listed
// conditions ("device_lost:<device>"). An empty list knows everything.
bool vigild_can_raise(const std::vector<std::string>& conditions, const std::string& condition);

// Reads what `vigild --list-conditions` printed into the record's
// conditions and rhythm_beats.
void read_condition_list(const std::string& listed, DrillRecord& record);

// A delay as the evaluation's notes and the report say it: whole seconds, "12 s".
std::string seconds_text(core::Duration d);

}  // namespace vigil::drill
