// "Whether the rise stayed inside the patient's limits": each blood-pressure
// peak against the limits vigild journalled as in force at that moment,
// judged by the rule engine's own functions, on journals written by the
// journal itself.
#include "record/bp_limits.hpp"

#include <doctest/doctest.h>

#include "alerts/alarm_profile.hpp"
#include "alerts/limits_in_force.hpp"
#include "record/record_builder.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "record/signed_content.hpp"
#include "tests/unit/record/morning_journal.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using core::Metric;
namespace v1 = vigil::v1;

namespace {

using test::at;

std::string shipped_limits() {
  return alerts::limits_text(alerts::ketamine_iv_adult_profile().rules);
}

// The shipped profile with the surge set to `percent` over the baseline, by
// the rule engine's own override.
std::string limits_with_surge(double percent) {
  auto profile = alerts::ketamine_iv_adult_profile();
  const auto changed = alerts::apply_override(
      profile, {"bp_surge", alerts::Priority::medium, percent, {}, {}, "", "nurse Ben"});
  REQUIRE_MESSAGE(changed.ok(), (changed.ok() ? "" : changed.error()));
  return alerts::limits_text(profile.rules);
}

// 08:00 admitted (limits journalled unless `limits_at_admission` is empty),
// 08:10 started with the baseline 128/78 (or `baseline`), a cuff reading every
// 5 min with `peak` at 08:30, stopped 09:00, discharged 09:30. `before_peak`
// runs at 08:15 (a limit change, a restart), `alarm` raises at the peak.
struct Session {
  test::TempDir dir;
  std::string path = dir.file("journal.db");
  record::InfusionRecord rec;

  Session(std::pair<double, double> peak, const std::string& limits_at_admission,
          std::function<void(test::Writer&)> before_peak = {}, bool alarm = false,
          std::pair<double, double> baseline = {128, 78}) {
    journal::JournalOptions o;
    o.path = path;
    o.flush_interval = 20ms;
    {
      journal::Journal j{o, [](const journal::JournalWriterReport&) {}};
      REQUIRE(j.open("d", at(0)));
      test::Writer w{j};
      w.context("admitted", at(0), "nurse Ana", "patient PAT-5 admitted to bed-1 by nurse Ana at station-1",
                "ketamine-iv-adult");
      if (!limits_at_admission.empty())
        w.context("limits_in_force", at(0), "nurse Ana", "limits in force", limits_at_admission);
      const std::string b = "NIBP sys " + std::to_string(int(baseline.first)) + ", NIBP dia " +
                            std::to_string(int(baseline.second));
      for (int minute = 5; minute <= 85; minute += 5) {
        const auto t = at(minute);
        if (minute == 10) {
          w.start_command(t);
          w.context("infusion_started", t, "nurse Ana", "ketamine started on bed-1", "ketamine");
          w.context("baseline", t, "nurse Ana", "baseline (measured, median of the last 5 min): " + b, b);
        }
        if (minute == 15 && before_peak) before_peak(w);
        if (minute == 30 && alarm) w.alarm(v1::RAISED, t + 25s);
        const auto [sys, dia] = minute == 30 ? peak : minute == 5 ? baseline : std::pair{140.0, 85.0};
        w.reading(Metric::nibp_systolic, sys, t + 20s, t);
        w.reading(Metric::nibp_diastolic, dia, t + 20s, t);
        if (minute == 60) w.context("infusion_stopped", t, "nurse Cleo", "ketamine stopped on bed-1");
      }
      w.context("discharged", at(90), "nurse Dee", "patient PAT-5 discharged from bed-1");
      j.close(at(91));
    }
    auto r = record::build_record(path, 2, record::RecordOptions{}, at(120));
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
    rec = r.value();
  }

  const record::LimitAtPeak& limit(Metric m, const std::string& condition,
                                   const std::string& priority) const {
    REQUIRE(rec.bp_limits);
    for (const auto& l : rec.bp_limits->limits)
      if (l.metric == m && l.condition == condition && l.priority == priority) return l;
    FAIL("no " << condition << " " << priority << " limit at the peak");
    throw std::logic_error{"unreachable"};
  }
  std::string answer() const {
    for (const auto& [label, text] : record::limits_items(rec))
      if (label == "Inside the patient's limits") return text;
    return "";
  }
};

}  // namespace

TEST_CASE("a rise to 160/95 over 128/78 stays inside every limit in force, and no BP alarm sounded") {
  const Session s{{160, 95}, shipped_limits()};
  REQUIRE(s.rec.bp_limits);
  CHECK(s.rec.bp_limits->inside() == true);
  // 30 % over 128 is 166.4: the surge limit the engine would have used.
  const auto& surge = s.limit(Metric::nibp_systolic, "bp_surge", "MEDIUM");
  CHECK(surge.limit == doctest::Approx(166.4));
  CHECK_FALSE(surge.exceeded);
  CHECK(s.limit(Metric::nibp_diastolic, "hypertension", "HIGH").limit == 120);
  CHECK(s.rec.bp_limits->raised.empty());
  CHECK(s.answer() == "yes: no peak past a limit in force at its time");
}

TEST_CASE("a rise to 220/120 is past the hypertension limits, and the alarm raised at it is named") {
  const Session s{{220, 120}, shipped_limits(), {}, true};
  CHECK(s.rec.bp_limits->inside() == false);
  CHECK(s.limit(Metric::nibp_systolic, "hypertension", "HIGH").exceeded);
  CHECK(s.limit(Metric::nibp_diastolic, "hypertension", "HIGH").exceeded);  // at_or_above 120
  REQUIRE(s.rec.bp_limits->raised.size() == 1);
  CHECK(s.rec.bp_limits->raised[0].condition == "hypertension");
  CHECK(s.rec.bp_limits->raised[0].priority == "HIGH");
  CHECK(s.answer().rfind("NO: NIBP sys 220 mmHg at ", 0) == 0);
  CHECK(s.answer().find(" past hypertension MEDIUM (180 mmHg), hypertension HIGH (200 mmHg), bp_surge MEDIUM "
                        "(166.4 mmHg); NIBP dia 120 mmHg at ") != std::string::npos);
}

TEST_CASE(
    "the baseline-relative surge: 170 over 128 is past its 166.4; 150 over 110 is past 143 but under the "
    "floor") {
  const Session over{{170, 100}, shipped_limits()};
  CHECK(over.limit(Metric::nibp_systolic, "bp_surge", "MEDIUM").exceeded);
  CHECK_FALSE(over.limit(Metric::nibp_systolic, "hypertension", "MEDIUM").exceeded);  // 180
  CHECK(over.rec.bp_limits->inside() == false);

  const Session low{{150, 90}, shipped_limits(), {}, false, {110, 70}};
  const auto& surge = low.limit(Metric::nibp_systolic, "bp_surge", "MEDIUM");
  CHECK(surge.limit == doctest::Approx(143));
  CHECK_FALSE(surge.exceeded);  // NIBP sys >= 160 is the floor, as the engine has it
  CHECK(low.rec.bp_limits->inside() == true);
}

TEST_CASE("a surge limit lowered at 08:15 is the one in force at the 08:30 peak, and the change is listed") {
  const Session s{
      {160, 95}, shipped_limits(), [](test::Writer& w) {
        w.context("limit_changed", at(15), "nurse Ben",
                  "limit changed on bed-1 by nurse Ben at station-1: bp_surge medium: NIBP sys >= "
                  "baseline + 30 % and NIBP sys >= 160 -> NIBP sys >= baseline + 20 % and NIBP sys >= 160");
        w.context("limits_in_force", at(15), "nurse Ben", "limits in force", limits_with_surge(20));
      }};
  const auto& l = s.limit(Metric::nibp_systolic, "bp_surge", "MEDIUM");
  CHECK(l.limit == doctest::Approx(153.6));  // 20 % over 128
  CHECK(l.exceeded);
  CHECK(l.in_force_since == at(15));
  CHECK(s.rec.bp_limits->inside() == false);
  REQUIRE(s.rec.bp_limits->changes.size() == 1);
  CHECK(s.rec.bp_limits->changes[0].by == "nurse Ben at station-1");
  // The same peak under the limits of the admission was inside them.
  const Session unchanged{{160, 95}, shipped_limits()};
  CHECK_FALSE(unchanged.limit(Metric::nibp_systolic, "bp_surge", "MEDIUM").exceeded);
}

TEST_CASE(
    "a systolic-only hypertension limit of 170 set at 08:15: the 172/100 peak is past it, the diastolic "
    "limit in force is still 110") {
  auto profile = alerts::ketamine_iv_adult_profile();
  alerts::RuleOverride systolic{"hypertension", alerts::Priority::medium, 170.0, {}, {}, "", "Dr. Lee"};
  systolic.metric = "nibp_sys";
  const auto changed = alerts::apply_override(profile, systolic);
  REQUIRE(changed.ok());
  const Session s{{172, 100}, shipped_limits(), [&](test::Writer& w) {
                    w.context("limit_changed", at(15), "Dr. Lee",
                              "limit changed on bed-1 by Dr. Lee at station-1: " + changed.value());
                    w.context("limits_in_force", at(15), "Dr. Lee", "limits in force",
                              alerts::limits_text(profile.rules));
                  }};
  const auto& sys = s.limit(Metric::nibp_systolic, "hypertension", "MEDIUM");
  CHECK(sys.limit == 170);
  CHECK(sys.exceeded);
  CHECK(sys.in_force_since == at(15));
  const auto& dia = s.limit(Metric::nibp_diastolic, "hypertension", "MEDIUM");
  CHECK(dia.limit == 110);
  CHECK_FALSE(dia.exceeded);
  CHECK(s.rec.bp_limits->inside() == false);
  CHECK(s.answer().find("past hypertension MEDIUM (170 mmHg)") != std::string::npos);
}

TEST_CASE("limits journalled only after the peak are not guessed: the record says they are not knowable") {
  // A journal from before vigild journalled its limits: the JSON leaves the field out.
  const Session old{{175, 95}, ""};
  CHECK_FALSE(old.rec.bp_limits);
  CHECK(old.answer().rfind("not knowable from the journal", 0) == 0);
  CHECK(record::record_json(old.rec).find("bp_limits") == std::string::npos);

  // Admitted before, vigild restarted at 08:35 with the profile as its config then said.
  const Session late{{175, 95}, "", [](test::Writer& w) {
                       w.context("limits_in_force", at(35), "vigild", "limits in force", shipped_limits());
                     }};
  REQUIRE(late.rec.bp_limits);
  CHECK(late.rec.bp_limits->limits.empty());
  CHECK_FALSE(late.rec.bp_limits->inside().has_value());
  CHECK(late.answer() ==
        "not knowable from the journal: the journal holds no limits in force from before the NIBP sys peak; "
        "the profile read now may not be what judged it");
}

TEST_CASE("the limits answer is in the JSON and reads back from the signed content as it was") {
  const Session s{{220, 120}, shipped_limits(), {}, true};
  const auto content = record::record_content(s.rec);
  CHECK(content.find("\"bp_limits\": {\"inside\": false") != std::string::npos);
  const auto back = record::record_from_content(content);
  REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.error()));
  CHECK(record::record_content(back.value()) == content);
  CHECK(record::record_html(s.rec).find("Inside the patient's limits") != std::string::npos);
}
