// A baseline staff replaced while the infusion ran, as vigild journals it
// (the context event's words from BedContext itself): the record's Baseline
// says how each was obtained, by whom and when, shows the earlier one as
// replaced and by whom, and the response compares with the one in force.
#include <doctest/doctest.h>

#include "alerts/bed_context.hpp"
#include "record/record_builder.hpp"
#include "record/record_formats.hpp"
#include "record/record_text.hpp"
#include "record/signed_content.hpp"
#include "tests/unit/record/morning_journal.hpp"

using namespace vigil;
using namespace std::chrono_literals;
using core::Metric;
using test::at;

namespace {

// The morning of morning_journal.hpp, with nurse Ben entering 120/75 at 08:35
// in place of the 128/78 measured at the start.
struct ReplacedMorning {
  test::TempDir dir;
  std::string path = dir.file("journal.db");

  ReplacedMorning() {
    test::journal_run(path, test::T0, at(91), [](test::Writer& w) {
      test::Morning::visit(w, {}, true, false, {220, 120});
      const auto c = entered_by_ben();
      w.context("baseline", at(35), c.actor.who, c.message, c.new_value);
    });
  }

  // What vigild says when nurse Ben enters it (BedContext words it).
  static alerts::ContextChange entered_by_ben() {
    alerts::BedContext bed{"bed-1", alerts::ketamine_iv_adult_profile(), 10min};
    std::vector<alerts::ContextChange> out;
    const alerts::Actor ana{"nurse Ana", "station-1"}, ben{"nurse Ben", "station-1"};
    REQUIRE(bed.admit("PAT-5", alerts::ketamine_iv_adult_profile(), {}, {}, ana, out));
    REQUIRE(bed.start_infusion("ketamine", "",
                               {{Metric::nibp_systolic, 128},
                                {Metric::nibp_diastolic, 78},
                                {Metric::pulse_rate, 72},
                                {Metric::spo2, 97}},
                               ana, at(10), out));
    REQUIRE(bed.set_baseline({{Metric::nibp_systolic, 120}, {Metric::nibp_diastolic, 75}}, ben, at(35), out));
    return out.back();
  }
};

std::string item(const record::Items& items, const std::string& name) {
  for (const auto& [k, v] : items)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST_CASE(
    "a baseline entered during the infusion is the record's, the measured one shown as replaced by whom") {
  ReplacedMorning m;
  const auto built = record::build_record(m.path, 2, record::RecordOptions{}, at(120));
  REQUIRE(built.ok());
  const auto& r = built.value();
  REQUIRE(r.baseline);
  CHECK(r.baseline->source == "entered");
  CHECK(r.baseline->time == at(35));
  CHECK(r.baseline->by == "nurse Ben at station-1");
  CHECK(r.baseline->values.at(Metric::nibp_systolic) == 120);
  CHECK(r.baseline->values.at(Metric::pulse_rate) == 72);  // not entered: kept
  REQUIRE(r.replaced_baselines.size() == 1);
  CHECK(r.replaced_baselines[0].source == "measured");
  CHECK(r.replaced_baselines[0].values.at(Metric::nibp_systolic) == 128);
  CHECK(r.replaced_baselines[0].by == "nurse Ana at station-1");
  // The peak 220 at 08:30 over the baseline in force at the end, 120.
  REQUIRE(r.response.systolic);
  CHECK(r.response.systolic->baseline == 120);

  const auto items = record::summary_items(r);
  CHECK(item(items, "Baseline").starts_with("entered, at 2026-11-23 "));
  CHECK(item(items, "Baseline")
            .ends_with("NIBP 120/75 mmHg, Pulse 72 /min, SpO₂ 97 %; set by nurse Ben at station-1"));
  const auto replaced = item(items, "Baseline replaced");
  CHECK(replaced.starts_with("measured, at 2026-11-23 "));
  CHECK(replaced.find("NIBP 128/78 mmHg") != std::string::npos);
  CHECK(replaced.find("; set by nurse Ana at station-1; replaced at 2026-11-23 ") != std::string::npos);
  CHECK(replaced.ends_with(" by nurse Ben at station-1"));

  // The signed content holds both, and reads back to the same content.
  const auto content = record::record_content(r);
  CHECK(content.find("\"replaced\": [{\"source\": \"measured\"") != std::string::npos);
  const auto back = record::record_from_content(content);
  REQUIRE(back.ok());
  CHECK(record::record_content(back.value()) == content);
  REQUIRE(back.value().replaced_baselines.size() == 1);
  CHECK(back.value().replaced_baselines[0].by == "nurse Ana at station-1");
}

TEST_CASE("a record whose baseline was never replaced writes it as before, without who set it") {
  test::Morning m;
  const auto built = record::build_record(m.path, 2, record::RecordOptions{}, at(120));
  REQUIRE(built.ok());
  CHECK(built.value().replaced_baselines.empty());
  const auto content = record::record_content(built.value());
  const auto baseline = content.substr(content.find("\"baseline\": {"));
  CHECK(baseline.substr(0, baseline.find('}', baseline.find("\"message\""))).find("\"by\"") ==
        std::string::npos);
  CHECK(content.find("\"replaced\"") == std::string::npos);
}
