// The summary vigil-tail prints at the end of scripts/demo, read by a drill
// lead: a gap is a message the bus lost, and values carry staff's names.
#include "tools/tail/bus_summary.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

vigil::v1::BusMessage reading(std::uint64_t seq, const std::string& metric, double value,
                              const std::string& unit) {
  vigil::v1::BusMessage m;
  auto* o = m.mutable_observation();
  o->set_bed("bed-1");
  o->set_seq(seq);
  o->set_metric(metric);
  o->set_value(value);
  o->set_unit(unit);
  return m;
}

vigil::v1::BusMessage context(std::uint64_t seq, const std::string& what) {
  vigil::v1::BusMessage m;
  auto* c = m.mutable_context();
  c->set_bed("bed-1");
  c->set_seq(seq);
  c->set_what(what);
  return m;
}

}  // namespace

TEST_CASE("an admission and an infusion start between readings are not counted as sequence gaps") {
  vigil::tools::BusSummary summary;
  summary.add(reading(1, "spo2", 97, "%"));
  summary.add(context(2, "admitted"));
  summary.add(reading(3, "spo2", 96, "%"));
  summary.add(context(4, "infusion_started"));
  summary.add(reading(5, "spo2", 95, "%"));
  CHECK(summary.text().find("sequence gaps seen: 0\n") != std::string::npos);
}

TEST_CASE("a message missing from the bed's sequence is counted as a gap") {
  vigil::tools::BusSummary summary;
  summary.add(reading(1, "spo2", 97, "%"));
  summary.add(reading(3, "spo2", 96, "%"));
  CHECK(summary.text().find("sequence gaps seen: 1\n") != std::string::npos);
}

TEST_CASE("the last values are given with the names and units staff read") {
  vigil::tools::BusSummary summary;
  summary.add(reading(1, "spo2", 96, "%"));
  summary.add(reading(2, "nibp_sys", 126, "mm[Hg]"));
  const auto text = summary.text();
  CHECK(text.find("SpO₂ 96 %") != std::string::npos);
  CHECK(text.find("NIBP sys 126 mmHg") != std::string::npos);
  CHECK(text.find("mm[Hg]") == std::string::npos);
  CHECK(text.find("spo2") == std::string::npos);
}
