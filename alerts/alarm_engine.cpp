#include "alerts/alarm_engine.hpp"

#include <algorithm>

namespace vigil::alerts {

AlarmEngine::AlarmEngine(std::string bed, EngineSettings settings)
    : bed_{std::move(bed)}, settings_{settings} {}

AlarmEvent AlarmEngine::event(const Condition& c, Transition t, core::TimePoint now) const {
  AlarmEvent e;
  e.alarm_id = c.alarm_id;
  e.bed = bed_;
  e.condition = c.last.condition;
  e.priority = c.priority;
  e.kind = c.last.kind;
  e.rule = c.last.rule;
  e.transition = t;
  e.message = c.last.text();
  e.metric = c.last.metric;
  e.value = c.last.value;
  e.limit = c.last.limit;
  e.baseline = c.last.baseline;
  e.onset = c.onset;
  e.time = now;
  e.active = c.active;
  e.latched = c.alarmed && !c.active;
  e.acknowledged = c.acknowledged;
  e.actor = c.actor;
  e.audio_paused_until = c.paused_until;
  e.device = c.last.device;
  return e;
}

void AlarmEngine::raise(Condition& c, core::TimePoint now, std::vector<AlarmEvent>& out) {
  // Onset is when the condition began: the first report that started the
  // engine's delay, or earlier when the rules waited out a delay of their own.
  core::TimePoint onset = c.pending_since.value_or(now);
  if (c.last.since && *c.last.since < onset) onset = *c.last.since;
  if (c.alarmed) {
    // A latched signal whose condition returns: the same alarm, active again.
    c.active = true;
    c.acknowledged = false;
    c.priority = std::max(c.priority, c.last.priority);
    c.latching = c.latching || c.last.latching;
    c.pending_since.reset();
    out.push_back(event(c, Transition::updated, now));
    return;
  }
  c.alarmed = true;
  c.active = true;
  c.acknowledged = false;
  c.escalated = false;
  c.actor.clear();
  c.paused_until.reset();
  c.onset = onset;
  c.raised = now;
  c.priority = c.last.priority;
  c.latching = c.last.latching;
  c.alarm_id =
      bed_ + ":" + c.last.condition + ":" +
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(onset.time_since_epoch()).count());
  c.pending_since.reset();
  out.push_back(event(c, Transition::raised, now));
}

void AlarmEngine::end_condition(Condition& c, core::TimePoint now, std::vector<AlarmEvent>& out) {
  c.active = false;
  c.paused_until.reset();
  // Only unacknowledged high-priority physiological alarms latch: the nurse
  // must see that it happened even if it is over.
  const bool latch = c.latching && !c.acknowledged && c.last.kind == AlarmKind::physiological;
  auto e = event(c, Transition::cleared, now);
  e.latched = latch;
  out.push_back(e);
  if (!latch) c.alarmed = false;
}

void AlarmEngine::report(const ConditionReport& r, core::TimePoint now, std::vector<AlarmEvent>& out) {
  // The common case, a reading within its limits on a condition the engine
  // does not hold: nothing to do, and nothing to add and forget again.
  if (!r.present && !conditions_.contains(r.condition)) return;
  auto [it, inserted] = conditions_.try_emplace(r.condition);
  Condition& c = it->second;
  const Priority before = c.last.priority;
  // Every event of a physiological alarm carries the value and limit that
  // raised (or last escalated) it: a lower level or another metric of the
  // same condition while it is active, its clearing, a latched signal's
  // reset. New numbers come with an escalation or a return of the condition.
  // (A technical alarm says what happened: "receiving again".)
  const bool escalates = r.present && c.active && r.priority > c.priority;
  const bool returns = r.present && !c.active;
  if (c.alarmed && r.kind == AlarmKind::physiological && !escalates && !returns) {
    c.last.present = r.present;
    c.last.delay = r.delay;
  } else {
    c.last = r;
  }
  if (!r.present) {
    c.pending_since.reset();
    if (c.active) end_condition(c, now, out);
    forget_if_silent(r.condition);
    return;
  }
  if (c.active) {
    c.latching = c.latching || r.latching;
    if (r.priority > c.priority) {
      c.priority = r.priority;
      out.push_back(event(c, Transition::escalated, now));
    } else if (r.priority != before) {
      // A lower level of the same condition keeps the alarm at its worst.
      c.last.priority = c.priority;
    }
    return;
  }
  if (!c.pending_since) c.pending_since = now;
  if (now - *c.pending_since >= r.delay) raise(c, now, out);
}

void AlarmEngine::tick(core::TimePoint now, std::vector<AlarmEvent>& out) {
  for (auto& [name, c] : conditions_) {
    if (!c.active && c.pending_since && c.last.present && now - *c.pending_since >= c.last.delay)
      raise(c, now, out);
    if (!c.active) continue;
    if (c.paused_until && now >= *c.paused_until) {
      c.paused_until.reset();
      out.push_back(event(c, Transition::audio_resumed, now));
    }
    if (c.last.kind == AlarmKind::physiological && c.priority == Priority::medium && !c.acknowledged &&
        !c.escalated && settings_.escalate_medium_after.count() > 0 &&
        now - c.raised >= settings_.escalate_medium_after) {
      c.priority = Priority::high;
      c.escalated = true;
      auto e = event(c, Transition::escalated, now);
      e.message = "unacknowledged for " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - c.raised).count()) +
                  " s: " + c.last.text();
      out.push_back(e);
    }
  }
}

AlarmEngine::Condition* AlarmEngine::find_alarm(const std::string& alarm_id) {
  for (auto& [name, c] : conditions_)
    if (c.alarmed && c.alarm_id == alarm_id) return &c;
  return nullptr;
}

void AlarmEngine::forget_if_silent(const std::string& condition) {
  auto it = conditions_.find(condition);
  if (it != conditions_.end() && !it->second.alarmed && !it->second.pending_since) conditions_.erase(it);
}

core::Result<bool> AlarmEngine::acknowledge(const std::string& alarm_id, const std::string& actor,
                                            core::TimePoint now, std::vector<AlarmEvent>& out) {
  Condition* c = find_alarm(alarm_id);
  if (!c)
    return core::Error::at("alarm_id", "no alarm '" + alarm_id + "' on bed " + bed_ + " has a signal now",
                           core::ErrorCode::not_found);
  if (c->acknowledged && c->active) return false;
  c->acknowledged = true;
  c->actor = actor;
  c->paused_until.reset();
  out.push_back(event(*c, Transition::acknowledged, now));
  if (!c->active) {
    // Acknowledging a latched alarm whose condition is over is also its reset.
    c->alarmed = false;
    out.push_back(event(*c, Transition::reset, now));
    forget_if_silent(c->last.condition);
  }
  return true;
}

void AlarmEngine::audio_pause(const std::string& actor, core::TimePoint now, std::vector<AlarmEvent>& out) {
  for (auto& [name, c] : conditions_) {
    if (!c.active || c.acknowledged) continue;
    c.paused_until = now + settings_.audio_pause;
    c.actor = actor;
    out.push_back(event(c, Transition::audio_paused, now));
  }
}

core::Result<bool> AlarmEngine::reset(const std::string& alarm_id, const std::string& actor,
                                      core::TimePoint now, std::vector<AlarmEvent>& out) {
  Condition* c = find_alarm(alarm_id);
  if (!c)
    return core::Error::at("alarm_id", "no alarm '" + alarm_id + "' on bed " + bed_ + " has a signal now",
                           core::ErrorCode::not_found);
  if (c->active)
    return core::Error::at("alarm_id", "'" + alarm_id + "' is still present; acknowledge it instead",
                           core::ErrorCode::conflict);
  c->alarmed = false;
  c->actor = actor;
  out.push_back(event(*c, Transition::reset, now));
  forget_if_silent(c->last.condition);
  return true;
}

void AlarmEngine::withdraw(const std::string& condition, core::TimePoint now, std::vector<AlarmEvent>& out) {
  auto it = conditions_.find(condition);
  if (it == conditions_.end()) return;
  if (it->second.alarmed) {
    it->second.active = false;
    out.push_back(event(it->second, Transition::cleared, now));
  }
  conditions_.erase(it);
}

std::vector<AlarmEvent> AlarmEngine::current(core::TimePoint now) const {
  std::vector<AlarmEvent> v;
  for (const auto& [name, c] : conditions_)
    if (c.alarmed) v.push_back(event(c, c.active ? Transition::raised : Transition::cleared, now));
  return v;
}

std::vector<AlarmState> AlarmEngine::alarm_states() const {
  std::vector<AlarmState> v;
  for (const auto& [name, c] : conditions_) {
    if (!c.alarmed) continue;
    v.push_back({c.last, c.alarm_id, c.onset, c.raised, c.priority, c.active, c.acknowledged, c.escalated,
                 c.latching, c.actor, c.paused_until});
  }
  return v;
}

void AlarmEngine::restore(const std::vector<AlarmState>& alarms, core::TimePoint now,
                          std::vector<AlarmEvent>& out) {
  for (const auto& a : alarms) {
    Condition& c = conditions_[a.last.condition];
    c = Condition{};
    c.last = a.last;
    c.last.present = a.active;
    c.alarmed = true;
    c.alarm_id = a.alarm_id;
    c.onset = a.onset;
    // A journal written before the raise time was kept: onset was the raise time.
    c.raised = a.raised == core::TimePoint{} ? a.onset : a.raised;
    c.priority = a.priority;
    c.active = a.active;
    c.acknowledged = a.acknowledged;
    c.escalated = a.escalated;
    c.latching = a.latching;
    c.actor = a.actor;
    c.paused_until = a.paused_until;
    out.push_back(event(c, Transition::restored, now));
  }
}

bool AlarmEngine::has_signal(const std::string& condition) const {
  auto it = conditions_.find(condition);
  return it != conditions_.end() && it->second.alarmed;
}

}  // namespace vigil::alerts
