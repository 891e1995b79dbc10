#include "drill/drill_evaluation.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "drivers/device_session.hpp"

namespace vigil::drill {
namespace {

int rank(const std::string& priority) {
  return priority == "high" ? 3 : priority == "medium" ? 2 : 1;
}

std::vector<AlarmStory> stories_of(const std::string& bed, const std::vector<SeenAlarm>& seen) {
  std::vector<AlarmStory> stories;
  std::map<std::string, std::size_t> by_id;
  for (const auto& a : seen) {
    if (a.bed != bed) continue;
    auto it = by_id.find(a.alarm_id);
    if (it == by_id.end()) {
      // Only an alarm raised while we watched has a story to tell.
      if (a.transition != "RAISED") continue;
      AlarmStory s;
      s.bed = bed;
      s.alarm_id = a.alarm_id;
      s.condition = a.condition;
      s.kind = a.kind;
      s.message = a.message;
      s.raised_priority = s.top_priority = a.priority;
      s.raised = a.t;
      by_id[a.alarm_id] = stories.size();
      stories.push_back(s);
      continue;
    }
    auto& s = stories[it->second];
    if (a.transition == "ESCALATED") {
      if (a.unanswered)
        s.unanswered = s.unanswered.value_or(a.t);
      else
        s.escalated = s.escalated.value_or(a.t);
      if (rank(a.priority) > rank(s.top_priority)) s.top_priority = a.priority;
    } else if (a.transition == "ACKNOWLEDGED" && !s.acknowledged) {
      s.acknowledged = a.t;
      s.acknowledged_by = a.actor;
    } else if (a.transition == "AUDIO_PAUSED" && !s.audio_paused) {
      s.audio_paused = a.t;
      s.paused_by = a.actor;
    } else if (a.transition == "CLEARED" && !s.cleared) {
      s.cleared = a.t;
    } else if (a.transition == "UPDATED" && s.cleared) {
      // A latched alarm whose condition came back: it did not end then.
      s.cleared.reset();
    }
  }
  return stories;
}

// Raised at a priority, or escalated to it because the patient got worse.
std::vector<AlarmOccurrence> occurrences_of(const std::string& bed, const std::vector<SeenAlarm>& seen,
                                            const std::vector<AlarmStory>& stories) {
  std::vector<AlarmOccurrence> v;
  for (const auto& a : seen) {
    if (a.bed != bed || !(a.transition == "RAISED" || (a.transition == "ESCALATED" && !a.unanswered)))
      continue;
    for (std::size_t i = 0; i < stories.size(); ++i)
      if (stories[i].alarm_id == a.alarm_id) v.push_back({i, a.priority, a.t});
  }
  return v;
}

struct Matcher {
  const std::vector<AlarmStory>& stories;
  std::vector<AlarmOccurrence> occurrences;
  std::vector<bool> used;
  core::Duration tolerance;

  bool fits(const AlarmOccurrence& o, const sim::Expectation& x) const {
    return stories[o.alarm].condition == x.condition && o.t >= x.from - tolerance && o.t <= x.to + tolerance;
  }

  // The earliest unused occurrence satisfying `ok`, or the nearest to the window.
  std::optional<std::size_t> pick(const sim::Expectation& x, auto ok) {
    std::optional<std::size_t> best;
    auto distance = [&](const AlarmOccurrence& o) {
      return o.t < x.from ? x.from - o.t : o.t > x.to ? o.t - x.to : core::Duration{};
    };
    for (std::size_t i = 0; i < occurrences.size(); ++i) {
      if (used[i] || !ok(occurrences[i])) continue;
      if (!best || distance(occurrences[i]) < distance(occurrences[*best])) best = i;
    }
    return best;
  }
};

ExpectationResult judge_in_window(Matcher& m, const sim::Expectation& x, core::Duration event_at) {
  ExpectationResult r{x, Verdict::missed, std::nullopt, ""};
  auto i = m.pick(x, [&](const AlarmOccurrence& o) { return m.fits(o, x) && o.priority == x.priority; });
  if (!i) return r;
  m.used[*i] = true;
  r.verdict = Verdict::met;
  r.occurrence = m.occurrences[*i];
  r.note = "came at " + sim::clock_text(r.occurrence->t) + ", " + seconds_text(r.occurrence->t - event_at) +
           " after the event";
  return r;
}

void judge_outside_window(Matcher& m, ExpectationResult& r, core::Duration event_at) {
  const auto& x = r.expected;
  const auto window = sim::clock_text(x.from) + "-" + sim::clock_text(x.to);
  auto same = m.pick(x, [&](const AlarmOccurrence& o) {
    return m.stories[o.alarm].condition == x.condition && o.priority == x.priority;
  });
  if (same) {
    m.used[*same] = true;
    r.occurrence = m.occurrences[*same];
    r.verdict = r.occurrence->t < x.from ? Verdict::early : Verdict::late;
    r.note = "came at " + sim::clock_text(r.occurrence->t) + " (" + seconds_text(r.occurrence->t - event_at) +
             " after the event), outside " + window;
    return;
  }
  auto other = m.pick(x, [&](const AlarmOccurrence& o) { return m.fits(o, x); });
  if (other) {
    m.used[*other] = true;
    r.occurrence = m.occurrences[*other];
    r.verdict = Verdict::other_priority;
    r.note = "came at " + sim::clock_text(r.occurrence->t) + " as " + r.occurrence->priority + ", not " +
             x.priority;
    return;
  }
  r.note = "no " + x.priority + " " + x.condition + " alarm came (window " + window + ")";
}

// A rhythm condition vigild raises only from certain beats: none of the
// bed's devices gives them (the protocol table says which codecs flag
// beats), so no alarm could come. Returns the reason, or nothing.
std::optional<std::string> missing_beats(const sim::WardBed& bed, const DrillRecord& record,
                                         const std::string& condition) {
  const auto it = record.rhythm_beats.find(condition);
  if (it == record.rhythm_beats.end()) return std::nullopt;
  const auto& wanted = it->second;
  std::string devices;
  for (const auto& d : bed.devices) {
    const auto* p = drivers::find_protocol(d.protocol);
    if (p && p->beats &&
        std::find(wanted.begin(), wanted.end(), drivers::beat_source_name(*p->beats)) != wanted.end())
      return std::nullopt;
    devices += (devices.empty() ? "" : ", ") + d.protocol;
  }
  std::string kinds;
  for (const auto& w : wanted) kinds += (kinds.empty() ? "" : " or ") + w;
  return "not judged: vigild raises " + condition + " from " + kinds +
         " beats, and none of this bed's devices (" + (devices.empty() ? "none" : devices) +
         ") gives them: rhythm analysis has nothing to judge";
}

BedReport evaluate_bed(const sim::WardBed& bed, const DrillRecord& record, const EvaluationOptions& options) {
  BedReport report;
  report.bed = bed.id;
  report.patient_id = bed.patient_id;
  report.scenario_ref = bed.scenario_ref;
  report.scenario_title = bed.scenario.title;
  report.duration = bed.scenario.duration;
  report.alarms = stories_of(bed.id, record.alarms);
  Matcher m{report.alarms, occurrences_of(bed.id, record.alarms, report.alarms), {}, options.tolerance};
  m.used.assign(m.occurrences.size(), false);

  report.timeline.push_back({std::nullopt, {}});
  for (const auto& e : bed.scenario.events) report.timeline.push_back({e, {}});
  // Each expectation belongs to the last event at or before its window opens.
  auto home = [&](const sim::Expectation& x) -> EventResult& {
    for (auto it = report.timeline.rbegin(); it != report.timeline.rend(); ++it)
      if (!it->event || it->event->at <= x.from) return *it;
    return report.timeline.front();
  };
  auto event_time = [](const EventResult& er) { return er.event ? er.event->at : core::Duration{}; };

  std::vector<std::pair<EventResult*, std::size_t>> pending;
  for (const auto& x : bed.scenario.expectations) {
    EventResult& er = home(x);
    if (!vigild_can_raise(record.conditions, x.condition)) {
      er.expectations.push_back(
          {x, Verdict::unknown_condition, std::nullopt,
           "vigild cannot raise '" + x.condition + "' (see vigild --list-conditions); a typo?"});
      continue;
    }
    if (auto why = missing_beats(bed, record, x.condition)) {
      er.expectations.push_back({x, Verdict::no_beat_source, std::nullopt, *why});
      continue;
    }
    er.expectations.push_back(judge_in_window(m, x, event_time(er)));
    if (er.expectations.back().verdict == Verdict::missed)
      pending.push_back({&er, er.expectations.size() - 1});
  }
  for (auto& [er, i] : pending) judge_outside_window(m, er->expectations[i], event_time(*er));
  // An alarm that met an expectation may have passed through a lower level
  // on its way (raised medium, worsened to the expected high): that is the
  // expected alarm, not a surprise. A level above what was expected is one.
  auto expected_at_or_above = [&](const AlarmOccurrence& o) {
    for (std::size_t j = 0; j < m.occurrences.size(); ++j)
      if (m.used[j] && m.occurrences[j].alarm == o.alarm &&
          rank(m.occurrences[j].priority) >= rank(o.priority))
        return true;
    return false;
  };
  for (std::size_t i = 0; i < m.occurrences.size(); ++i)
    if (!m.used[i] && !expected_at_or_above(m.occurrences[i])) report.unexpected.push_back(m.occurrences[i]);
  return report;
}

}  // namespace

std::string seconds_text(core::Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::met:
      return "met";
    case Verdict::early:
      return "early";
    case Verdict::late:
      return "late";
    case Verdict::other_priority:
      return "other priority";
    case Verdict::missed:
      return "missed";
    case Verdict::no_beat_source:
      return "no beat source";
    case Verdict::unknown_condition:
      return "unknown condition";
  }
  return "?";
}

bool verdict_fails(Verdict v) {
  return v != Verdict::met && v != Verdict::no_beat_source;
}

bool vigild_can_raise(const std::vector<std::string>& conditions, const std::string& condition) {
  if (conditions.empty()) return true;
  const auto colon = condition.find(':');
  for (const auto& c : conditions) {
    if (c == condition) return true;
    if (colon != std::string::npos && c == condition.substr(0, colon + 1) + "<device>" &&
        colon + 1 < condition.size())
      return true;
  }
  return false;
}

void read_condition_list(const std::string& listed, DrillRecord& record) {
  // "<condition> <kind> <priorities>[ beats=<source>,...]  <label>"
  std::istringstream lines{listed};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words{line.substr(0, line.find("  "))};
    std::string condition, word;
    if (!(words >> condition)) continue;
    record.conditions.push_back(condition);
    while (words >> word) {
      if (!word.starts_with("beats=")) continue;
      auto& beats = record.rhythm_beats[condition];
      std::istringstream sources{word.substr(6)};
      for (std::string s; std::getline(sources, s, ',');) beats.push_back(s);
    }
  }
}

int DrillReport::expected_count() const {
  int n = 0;
  for (const auto& b : beds)
    for (const auto& e : b.timeline) n += static_cast<int>(e.expectations.size());
  return n;
}

int DrillReport::met_count() const {
  int n = 0;
  for (const auto& b : beds)
    for (const auto& e : b.timeline)
      for (const auto& x : e.expectations) n += x.verdict == Verdict::met;
  return n;
}

int DrillReport::skipped_count() const {
  int n = 0;
  for (const auto& b : beds)
    for (const auto& e : b.timeline)
      for (const auto& x : e.expectations) n += x.verdict == Verdict::no_beat_source;
  return n;
}

int DrillReport::failed_count() const {
  return expected_count() - met_count() - skipped_count();
}

int DrillReport::unexpected_count() const {
  int n = 0;
  for (const auto& b : beds) n += static_cast<int>(b.unexpected.size());
  return n;
}

bool DrillReport::as_scripted() const {
  return failed_count() == 0 && unexpected_count() == 0 && not_marked_drill == 0 && sequence_gaps == 0 &&
         problems.empty();
}

DrillReport evaluate(const sim::Ward& ward, const DrillRecord& record, EvaluationOptions options) {
  DrillReport r;
  r.title = ward.title.empty() ? "Drill" : ward.title;
  r.ward_file = ward.file;
  r.started = record.started;
  r.speed = record.speed;
  r.readings = record.readings.size();
  r.alarm_events = record.alarms.size();
  r.not_marked_drill = record.not_marked_drill;
  r.sequence_gaps = record.sequence_gaps;
  r.problems = record.problems;
  for (const auto& b : ward.beds) r.beds.push_back(evaluate_bed(b, record, options));
  return r;
}

}  // namespace vigil::drill
