#include "alerts/limit_rules.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/shared_copies.hpp"

namespace vigil::alerts {

// printf's "%g" (six significant digits), which std::to_chars gives without
// the locale and the format string: every alarm's words are made here.
std::string format_number(double v) {
  char buf[32];
  const auto end =
      std::to_chars(buf, buf + sizeof buf, std::round(v * 10) / 10, std::chars_format::general, 6);
  return std::string(buf, end.ptr);
}

namespace {
template <class Map>
const typename Map::mapped_type* lookup(const Map* map, core::Metric m) {
  if (!map) return nullptr;
  auto it = map->find(m);
  return it == map->end() ? nullptr : &it->second;
}

std::string unit(core::Metric m) {
  return std::string{core::display_unit(m)};
}
std::string metric_name(core::Metric m) {
  return std::string{core::label(m)};
}

const char* op_text(LimitKind k) {
  switch (k) {
    case LimitKind::above:
      return ">";
    case LimitKind::at_or_above:
      return ">=";
    case LimitKind::below:
      return "<";
    case LimitKind::at_or_below:
      return "<=";
    default:
      return "";
  }
}
}  // namespace

std::string describe_limit(const LimitRule& rule) {
  std::string text;
  if (rule.kind == LimitKind::rise_percent)
    text = metric_name(rule.metric) + " >= baseline + " + format_number(rule.threshold) + " %";
  else if (rule.kind == LimitKind::rise_absolute)
    text = metric_name(rule.metric) + " >= baseline + " + format_number(rule.threshold) + " " +
           unit(rule.metric);
  else
    text = metric_name(rule.metric) + " " + op_text(rule.kind) + " " + format_number(rule.threshold) + " " +
           unit(rule.metric);
  if (rule.baseline_relative() && rule.floor > 0) {
    const auto fm = rule.floor_metric.value_or(rule.metric);
    text += " and " + metric_name(fm) + " >= " + format_number(rule.floor);
  }
  if (rule.delay.count() > 0)
    text +=
        " for " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(rule.delay).count()) + " s";
  return text;
}

double limit_of(const LimitRule& rule, double baseline) {
  switch (rule.kind) {
    case LimitKind::rise_percent:
      return baseline * (1 + rule.threshold / 100);
    case LimitKind::rise_absolute:
      return baseline + rule.threshold;
    default:
      return rule.threshold;
  }
}

bool past_limit(LimitKind kind, double value, double limit, double hysteresis) {
  const double h = hysteresis;
  switch (kind) {
    case LimitKind::above:
      return h > 0 ? value >= limit - h : value > limit;
    case LimitKind::below:
      return h > 0 ? value <= limit + h : value < limit;
    case LimitKind::at_or_below:
      return value <= limit + h;
    default:
      return value >= limit - h;
  }
}

bool meets_floor(const LimitRule& rule, std::optional<double> floor_value) {
  if (!rule.baseline_relative() || rule.floor <= 0) return true;
  return floor_value && *floor_value >= rule.floor;
}

LimitText limit_text(const LimitRule& rule) {
  LimitText t;
  t.head = (rule.label.empty() ? rule.condition : rule.label) + ": " + metric_name(rule.metric) + " ";
  t.unit = " " + unit(rule.metric);
  t.baseline_relative = rule.baseline_relative();
  t.tail = " (limit " + describe_limit(rule) + ")";
  return t;
}

std::string ConditionReport::text() const {
  if (!limit_text) return message + std::string{source_note};
  std::string text = limit_text->head + format_number(value) + limit_text->unit;
  if (limit_text->baseline_relative && baseline > 0) {
    const double pct = (value - baseline) / baseline * 100;
    text += ", " + format_number(pct) + " % above baseline " + format_number(baseline);
  }
  return text + limit_text->tail + std::string{source_note};
}

struct LimitRules::Book {
  // The enabled rules on one metric, in rule order, and the conditions they
  // touch, each once, in the order of its first rule among them: what a
  // reading of the metric visits and reports, not every rule of the profile.
  struct MetricRules {
    core::Metric metric{};
    std::vector<std::size_t> rules;
    std::vector<std::size_t> conditions;
  };
  // One condition: its name and its enabled rules in rule order.
  struct Condition {
    std::string name;
    std::vector<std::size_t> rules;
  };

  explicit Book(std::vector<LimitRule> r);
  const MetricRules* rules_on(core::Metric metric) const {
    for (const auto& m : by_metric)
      if (m.metric == metric) return &m;
    return nullptr;
  }

  std::vector<LimitRule> rules;
  std::vector<std::shared_ptr<const LimitText>> texts;  // one per rule
  std::vector<std::size_t> condition_of;                // per rule, its index in conditions
  std::vector<Condition> conditions;                    // in the order of their first rules
  std::vector<MetricRules> by_metric;
};

LimitRules::Book::Book(std::vector<LimitRule> r) : rules{std::move(r)} {
  texts.reserve(rules.size());
  for (const auto& rule : rules) texts.push_back(std::make_shared<const LimitText>(limit_text(rule)));
  condition_of.reserve(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    std::size_t first = 0;
    while (rules[first].condition != rules[i].condition) ++first;
    if (first == i) conditions.push_back({rules[i].condition, {}});
    condition_of.push_back(first == i ? conditions.size() - 1 : condition_of[first]);
    if (!rules[i].enabled) continue;
    conditions[condition_of[i]].rules.push_back(i);
    auto on = std::find_if(by_metric.begin(), by_metric.end(),
                           [&](const MetricRules& m) { return m.metric == rules[i].metric; });
    if (on == by_metric.end()) on = by_metric.insert(on, MetricRules{rules[i].metric, {}, {}});
    on->rules.push_back(i);
    if (std::find(on->conditions.begin(), on->conditions.end(), condition_of[i]) == on->conditions.end())
      on->conditions.push_back(condition_of[i]);
  }
}

std::shared_ptr<const LimitRules::Book> LimitRules::book_for(std::vector<LimitRule> rules) {
  static core::SharedCopies<Book> books;
  return books.find_or_make(std::move(rules), [&](const Book& b) { return b.rules == rules; });
}

LimitRules::LimitRules(std::vector<LimitRule> rules) : book_{book_for(std::move(rules))} {
  // The rules are fixed for the object's life (a changed profile makes new
  // LimitRules), so who judges what is in the book.
  state_.resize(book_->rules.size());
  conditions_.resize(book_->conditions.size());
  for (std::size_t c = 0; c < conditions_.size(); ++c) {
    // What a report of the condition always says.
    ConditionReport& report = conditions_[c].report;
    report.condition = book_->conditions[c].name;
    report.kind = AlarmKind::physiological;
    report.rule = AlarmRule::limit;
  }
}

const std::vector<LimitRule>& LimitRules::rules() const {
  return book_->rules;
}

void LimitRules::resume(const std::string& condition, core::Metric metric, core::TimePoint onset) {
  const auto& rules = book_->rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].condition != condition || rules[i].metric != metric) continue;
    state_[i].present = true;
    state_[i].since = onset - rules[i].delay;
    conditions_[book_->condition_of[i]].present = true;
  }
}

void LimitRules::hand_over(core::Metric from, core::Metric to) {
  const auto& rules = book_->rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].metric != to) continue;
    for (std::size_t j = 0; j < rules.size(); ++j) {
      const auto& a = rules[j];
      if (a.metric != from || a.condition != rules[i].condition || a.priority != rules[i].priority ||
          a.kind != rules[i].kind)
        continue;
      // The earlier of two conditions past the limit: after a restart the
      // rules of the alarm's metric were resumed (resume()) and a source
      // that came first must not shorten them to its own few seconds.
      const auto& kept = state_[i];
      const bool keep = kept.present && kept.since &&
                        (!state_[j].present || !state_[j].since || *kept.since <= *state_[j].since);
      if (!keep) state_[i] = state_[j];
      state_[j] = RuleState{};
      break;
    }
  }
}

void LimitRules::update(std::size_t i, const core::Reading& r, core::TimePoint now, const RuleContext& ctx) {
  const LimitRule& rule = book_->rules[i];
  RuleState& st = state_[i];
  const double value = *r.value;  // evaluate() passes usable readings only
  double baseline = 0;
  if (rule.baseline_relative()) {
    const double* b = lookup(ctx.baseline, rule.metric);
    if (!b) {
      // No baseline: the rule cannot judge; the absolute limits still do.
      st = RuleState{};
      return;
    }
    baseline = *b;
  }
  const double limit = limit_of(rule, baseline);
  // Once present, the value must come back past the limit by the hysteresis.
  bool crossed = past_limit(rule.kind, value, limit, st.present ? rule.hysteresis : 0);
  if (crossed && rule.baseline_relative() && rule.floor > 0) {
    const auto fm = rule.floor_metric.value_or(rule.metric);
    const auto other = std::find_if(ctx.latest.begin(), ctx.latest.end(),
                                    [&](const core::Reading& l) { return l.metric == fm; });
    crossed = meets_floor(rule, fm == rule.metric           ? std::optional<double>{value}
                                : other != ctx.latest.end() ? other->value
                                                            : std::nullopt);
  }
  if (crossed && !st.present) st.since = now;
  if (!crossed) st.since.reset();
  st.present = crossed;
  st.value = value;
  st.limit = limit;
  st.baseline = baseline;
}

void LimitRules::report_for(std::size_t condition, core::Metric metric, core::TimePoint now) {
  ConditionState& group = conditions_[condition];
  const auto& rules = book_->rules;
  const auto& group_rules = book_->conditions[condition].rules;
  ConditionReport& rep = group.report;
  // Every field but the constant ones (set when the rules were made) is set
  // anew: the report still holds the previous reading's.
  if (group.device_generation != device_generation_) {
    rep.device = device_;
    group.device_generation = device_generation_;
  }
  rep.since.reset();
  rep.source_note = {};
  // The condition's level now: the highest priority among the rules that
  // have been past their limit for their whole delay.
  const LimitRule* basis = nullptr;
  std::size_t basis_index = 0;
  const LimitRule* any = nullptr;
  const RuleState* any_state = nullptr;
  std::size_t any_index = 0;
  for (const std::size_t j : group_rules) {
    const auto& rule = rules[j];
    const auto& st = state_[j];
    // With nothing past its limit, the report speaks of the reading at hand
    // (a pulse rate, not the ECG heart rate that never came).
    const bool better =
        !any || (st.present && !any_state->present) ||
        (!any_state->present && !st.present && rule.metric == metric && any->metric != metric);
    if (better) {
      any = &rule;
      any_state = &st;
      any_index = j;
    }
    // The condition began with the first reading past any of its limits.
    if (st.present && st.since && (!rep.since || *st.since < *rep.since)) rep.since = st.since;
    if (!st.present || !st.since || now - *st.since < rule.delay) continue;
    if (!basis || rule.priority > basis->priority) {
      basis = &rule;
      basis_index = j;
    }
  }
  // A delay confirms that a condition has begun, not each level of it: once
  // present, the condition goes on while a reading is past any of its limits,
  // though that level's own delay has not run out. A high tachycardia whose
  // rate falls to 146 is still a tachycardia (over 120), and must not read as
  // ended until the medium level's 30 s have passed since it crossed 120.
  // The lowest such level speaks for it: the engine keeps the alarm at its
  // worst, and a level that has not waited out its delay never escalates.
  if (!basis && group.present) {
    for (const std::size_t j : group_rules) {
      const auto& st = state_[j];
      if (!st.present || !st.since) continue;
      if (!basis || rules[j].priority < basis->priority) {
        basis = &rules[j];
        basis_index = j;
      }
    }
  }
  group.present = basis != nullptr;
  const std::size_t index = basis ? basis_index : any_index;
  const LimitRule& rule = rules[index];
  const RuleState& st = state_[index];
  rep.present = basis != nullptr;
  rep.priority = rule.priority;
  rep.latching = rule.latching;
  rep.metric = rule.metric;
  rep.value = st.value;
  rep.limit = st.limit;
  rep.baseline = st.baseline;
  // Compared first: a copy of a shared_ptr is two atomic operations.
  if (rep.limit_text != book_->texts[index]) rep.limit_text = book_->texts[index];
}

bool LimitRules::stays_absent(std::size_t condition) const {
  if (conditions_[condition].present) return false;
  for (const std::size_t j : book_->conditions[condition].rules)
    if (state_[j].present) return false;
  return true;
}

std::vector<ConditionReport> LimitRules::evaluate(const core::Reading& r, const std::string& device,
                                                  core::TimePoint now, const RuleContext& ctx) {
  std::vector<ConditionReport> reports;
  for (const ConditionReport* rep : evaluate(std::span{&r, 1}, device, now, ctx)) reports.push_back(*rep);
  return reports;
}

void LimitRules::note_device(const std::string& device) {
  if (device_generation_ != 0 && device == device_) return;
  device_ = device;
  ++device_generation_;
}

std::span<ConditionReport* const> LimitRules::evaluate(std::span<const core::Reading> measurement,
                                                       const std::string& device, core::TimePoint now,
                                                       const RuleContext& ctx, bool engine_holds_nothing) {
  output_.clear();
  if (measurement.size() == 1) {
    // A streamed value, the usual reading: its metric's conditions are known.
    const core::Reading& r = measurement.front();
    const Book::MetricRules* on = r.usable() ? book_->rules_on(r.metric) : nullptr;
    if (!on) return output_;
    for (const std::size_t i : on->rules) update(i, r, now, ctx);
    for (const std::size_t c : on->conditions) {
      if (engine_holds_nothing && stays_absent(c)) continue;
      // Only a report names the device: a reading that gives none need not
      // compare it.
      if (output_.empty()) note_device(device);
      report_for(c, r.metric, now);
      output_.push_back(&conditions_[c].report);
    }
    return output_;
  }
  // Every value of the measurement is in the rules' states before any
  // condition is judged. The conditions touched, each by its first rule on
  // one of these metrics, in rule order.
  note_device(device);
  const auto& condition_of = book_->condition_of;
  touched_.clear();
  for (const auto& r : measurement) {
    if (!r.usable()) continue;
    const Book::MetricRules* on = book_->rules_on(r.metric);
    if (!on) continue;
    for (const std::size_t i : on->rules) {
      update(i, r, now, ctx);
      bool seen = false;
      for (const auto j : touched_) seen = seen || condition_of[j] == condition_of[i];
      if (!seen) touched_.push_back(i);
    }
  }
  for (const std::size_t i : touched_) {
    report_for(condition_of[i], book_->rules[i].metric, now);
    output_.push_back(&conditions_[condition_of[i]].report);
  }
  return output_;
}

}  // namespace vigil::alerts
