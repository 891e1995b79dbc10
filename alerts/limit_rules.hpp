#pragma once
// Limit rules: a reading past a threshold, or past the patient's own
// pre-infusion baseline by a margin, is a condition.
//
// Several rules may share one condition. Rules of the same priority are
// alternatives ("SBP >= 200 or DBP >= 120"); rules of different priorities
// are the condition's levels ("SpO2 < 90 for 15 s" medium, "< 85 for 5 s"
// high), so a worsening patient escalates one alarm instead of raising a
// second. Each rule keeps its own condition delay: it counts only once its
// value has been past the limit for that long, measured on usable readings.
// A rule clears once its value is back past the limit by its hysteresis, so
// a value hovering at the limit does not flap.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alerts/alarm.hpp"
#include "core/observation.hpp"

namespace vigil::alerts {

enum class LimitKind : std::uint8_t { above, at_or_above, below, at_or_below, rise_percent, rise_absolute };

struct LimitRule {
  std::string condition;
  core::Metric metric{};
  LimitKind kind = LimitKind::above;
  double threshold = 0;  // the limit, or the rise for baseline-relative rules
  // Rise rules only: and this metric's latest value is at least `floor`.
  std::optional<core::Metric> floor_metric;
  double floor = 0;
  Priority priority = Priority::medium;
  core::Duration delay{};
  double hysteresis = 0;
  bool latching = false;
  bool enabled = true;
  // A level is off only on purpose: who turned it off and why, shown as
  // ALARM OFF until it is turned on again (IEC 60601-1-8).
  std::string off_reason;
  std::string off_by;
  std::string label;  // for people: "SpO2 low", "Hypertensive crisis"

  bool operator==(const LimitRule&) const = default;
  bool baseline_relative() const {
    return kind == LimitKind::rise_percent || kind == LimitKind::rise_absolute;
  }
};

// The rule engine's judgement of one value, for whoever must judge a value
// the way the rules do (the infusion record): the limit a value is compared
// with (the threshold, or for a baseline-relative rule the baseline raised
// by it: 30 % over 140 is 182), whether a value is past it (`hysteresis`
// once the rule is past already), and whether a rise rule's floor is met
// (`floor_value`: the floor metric's latest value; empty when unknown).
double limit_of(const LimitRule& rule, double baseline);
bool past_limit(LimitKind kind, double value, double limit, double hysteresis = 0);
bool meets_floor(const LimitRule& rule, std::optional<double> floor_value);

// The words of a limit rule's alarm message that do not change with the
// value, made once per rule: "Severe desaturation: SpO₂ ", " %",
// " (limit SpO₂ < 85 %)".
struct LimitText {
  std::string head;
  std::string unit;
  bool baseline_relative = false;
  std::string tail;
};
LimitText limit_text(const LimitRule& rule);

// What the rules may look at besides the reading itself.
struct RuleContext {
  const std::map<core::Metric, double>* baseline = nullptr;  // pre-infusion values, when known
  // The latest usable reading of each metric seen, one each, in no order:
  // a bed sees a few metrics, and a list costs its every reading less than
  // a map's insertion.
  std::span<const core::Reading> latest;
};

class LimitRules {
 public:
  explicit LimitRules(std::vector<LimitRule> rules = {});

  // Reports for every condition that has a rule on this reading's metric.
  // Unusable readings (artifact, sensor off, invalid, no value) report nothing: they
  // neither count toward a condition nor clear it, and its delay keeps running.
  std::vector<ConditionReport> evaluate(const core::Reading& r, const std::string& device,
                                        core::TimePoint now, const RuleContext& ctx = {});
  // The readings of one measurement (alerts/cuff_measurement.hpp), judged
  // together: one report per condition touched, on all of its values, in
  // rule order. The reports are the rules' own, one kept per condition and
  // rewritten whole by each call (their strings keep their room: no
  // allocation per reading); they stay valid until the next call, and the
  // caller may set their `source_note`.
  //
  // `engine_holds_nothing`: the caller's alarm engine holds no condition, so
  // a report that says not present would change nothing there
  // (AlarmEngine::report). A streamed reading then leaves out the report of
  // a condition that was not present and has no rule past its limit now,
  // instead of rewriting it: in a steady patient, every report.
  std::span<ConditionReport* const> evaluate(std::span<const core::Reading> measurement,
                                             const std::string& device, core::TimePoint now,
                                             const RuleContext& ctx, bool engine_holds_nothing = false);
  // After a restart, for a condition whose alarm was active: its rules on the
  // alarm's metric count as past their limits, each for its whole delay, as
  // of the alarm's onset.
  // The next reading keeps the levels it is still past (the alarm goes on)
  // and drops the others; a value back within the limits clears it by the
  // same hysteresis as before the restart.
  void resume(const std::string& condition, core::Metric metric, core::TimePoint onset);
  // The readings of `from` stop judging and those of `to` take over
  // (RateSource): each rule on `to` takes the state of the rule on `from` of
  // the same condition, priority and kind (unless its own state is past the
  // limit since earlier, as after a restart), which starts afresh. A condition
  // past its limit stays so, its onset and delay unchanged, until a reading
  // of `to` says otherwise; a silent `from` cannot hold it.
  void hand_over(core::Metric from, core::Metric to);
  const std::vector<LimitRule>& rules() const;

 private:
  struct RuleState {
    bool present = false;
    std::optional<core::TimePoint> since;
    double value = 0;
    double limit = 0;
    double baseline = 0;
  };
  // What a profile's rules make, worked out once and never changed: which
  // rules a reading of each metric visits, each condition's rules, each
  // rule's words. Beds with the same rules share one (book_for()): at 128
  // beds, a copy each was 128 copies of the same rules and words.
  struct Book;
  // One condition of this bed: the report it gives and whether it said present.
  struct ConditionState {
    ConditionReport report;
    // Whether its last report said present: a present condition goes on
    // while any of its limits is crossed.
    bool present = false;
    // The device_generation_ in which report.device was last written.
    std::uint64_t device_generation = 0;
  };
  static std::shared_ptr<const Book> book_for(std::vector<LimitRule> rules);
  void update(std::size_t i, const core::Reading& r, core::TimePoint now, const RuleContext& ctx);
  void report_for(std::size_t condition, core::Metric metric, core::TimePoint now);
  // Not present before, and no rule of it past its limit now: its report
  // would say not present (report_for() needs a rule past its limit for that).
  bool stays_absent(std::size_t condition) const;
  void note_device(const std::string& device);

  std::shared_ptr<const Book> book_;
  std::vector<RuleState> state_;            // one per rule
  std::vector<ConditionState> conditions_;  // one per condition of the book
  // The device of the last evaluate() and a count of its changes: a report
  // written in the current generation names it already, so a reading costs
  // one comparison of device names, not one per condition it touches.
  std::string device_;
  std::uint64_t device_generation_ = 0;
  std::vector<std::size_t> touched_;      // evaluate()'s scratch: per condition, the rule that touched it
  std::vector<ConditionReport*> output_;  // evaluate()'s answer
};

std::string describe_limit(const LimitRule& rule);
std::string format_number(double v);

}  // namespace vigil::alerts
