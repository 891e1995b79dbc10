// A bed's override in the config names one metric's rule of a level, as
// vigil-ctl limit --metric does: only that rule changes, and a name that is
// no metric, or no rule of the level, is refused with the command's words.
#include <doctest/doctest.h>

#include "daemon/config_loader.hpp"
#include "tests/unit/daemon/in_process_daemon.hpp"

using namespace vigil;
namespace v1 = vigil::v1;

namespace {

const char* kOverrideBed =
    R"(bed { id: "bed-1" device { id: "ox" protocol: "masimo" path: "/nonexistent/vigil-unit" }
  override { condition: "hypertension" priority: MEDIUM metric: "nibp_dia" threshold: 105 } })";

std::string refusal(const std::string& metric) {
  const auto c = daemon::parse_config(
      R"(bed { id: "bed-1" device { id: "ox" protocol: "masimo" path: "/p" }
  override { condition: "hypertension" priority: MEDIUM metric: ")" +
          metric + R"(" threshold: 170 } })",
      "unit.conf");
  REQUIRE_FALSE(c.ok());
  return c.error();
}

}  // namespace

TEST_CASE("a config override naming nibp_dia lowers the diastolic hypertension limit only") {
  test::InProcessDaemon w{"override-metric", kOverrideBed, "nurse Ben", "station-2"};
  v1::CommandRequest r;
  r.mutable_status()->set_bed("bed-1");
  const auto reply = w.run(r);
  REQUIRE(reply.beds_size() == 1);
  std::map<std::string, double> medium;
  for (const auto& l : reply.beds(0).limits())
    if (l.condition() == "hypertension" && l.priority() == v1::MEDIUM) medium[l.metric()] = l.threshold();
  CHECK(medium == std::map<std::string, double>{{"nibp_dia", 105}, {"nibp_sys", 180}});
}

TEST_CASE("a config override's metric is refused as the command refuses it") {
  CHECK(refusal("nibp_foo") ==
        "unit.conf:2:3: override: metric: 'nibp_foo' is not a metric (e.g. nibp_sys, nibp_dia)");
  // The same words as set_limit's, after its field.
  test::InProcessDaemon w{"override-metric-cmd", kOverrideBed, "admin Ada", "station-2"};
  v1::CommandRequest r;
  r.mutable_set_limit()->set_bed("bed-1");
  r.mutable_set_limit()->mutable_limit()->set_condition("hypertension");
  r.mutable_set_limit()->mutable_limit()->set_priority(v1::MEDIUM);
  r.mutable_set_limit()->mutable_limit()->set_threshold(170);
  r.mutable_set_limit()->mutable_limit()->set_metric("nibp_foo");
  const auto command = w.run(r);
  CHECK(command.error() == "set_limit.limit.metric: 'nibp_foo' is not a metric (e.g. nibp_sys, nibp_dia)");
  const auto config = refusal("spo2");
  r.mutable_set_limit()->mutable_limit()->set_metric("spo2");
  const auto level = w.run(r).error();
  REQUIRE(level.find(": ") != std::string::npos);
  CHECK(config.ends_with(level.substr(level.find(": ") + 2)));
}
