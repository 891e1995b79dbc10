#include "drill/drill_plan.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using namespace vigil::drill;

TEST_CASE("a ward becomes a drill config for vigild and matching devices for vigil-sim") {
  // "steady" brings an oximeter (masimo) and a monitor (hl7-mllp); bed-2's
  // oximeter is a CMS50 behind a serial device server instead.
  auto ward = sim::parse_ward(R"(title: two beds
bed bed-1 runs steady
bed bed-2 runs steady
  device oximeter cms50 via tcp
)",
                              "w.ward", "");
  REQUIRE_MESSAGE(ward.ok(), (ward.ok() ? "" : ward.error()));
  int port = 40000;
  const auto plan = plan_drill(*ward, "/tmp/work", "tcp://0.0.0.0:5560", "", [&] { return ++port; });
  CHECK(plan.publish == "tcp://0.0.0.0:5560");
  CHECK(plan.subscribe == "tcp://127.0.0.1:5560");
  CHECK(plan.command == "tcp://127.0.0.1:40001");
  CHECK(plan.command_client == "tcp://127.0.0.1:40001");
  const auto& c = plan.config_text;
  CHECK(c.find("drill: true\n") != std::string::npos);
  CHECK(c.find("journal_path: \"/tmp/work/journal.db\"\n") != std::string::npos);
  CHECK(c.find("device { id: \"oximeter\" protocol: \"masimo\" path: \"/tmp/work/bed-1-oximeter\" }") !=
        std::string::npos);
  CHECK(c.find("device { id: \"monitor\" protocol: \"hl7-mllp\" tcp_listen: \"127.0.0.1:40002\" }") !=
        std::string::npos);
  CHECK(c.find("device { id: \"oximeter\" protocol: \"cms50\" tcp_connect: \"127.0.0.1:40003\" }") !=
        std::string::npos);
  REQUIRE(plan.sim_devices.size() == 4);
  CHECK(plan.sim_devices[0] ==
        "bed=bed-1,id=oximeter,protocol=masimo,scenario=steady,pty=/tmp/work/bed-1-oximeter");
  CHECK(plan.sim_devices[1] ==
        "bed=bed-1,id=monitor,protocol=hl7-mllp,scenario=steady,tcp-connect=127.0.0.1:40002");
  CHECK(plan.sim_devices[2] ==
        "bed=bed-2,id=oximeter,protocol=cms50,scenario=steady,tcp-listen=127.0.0.1:40003");
  CHECK(plan.pty_links == std::vector<std::string>{"/tmp/work/bed-1-oximeter"});
}
