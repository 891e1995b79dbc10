#include "tools/drill/drill_plan.hpp"

#include <doctest/doctest.h>

using namespace vigil;
using namespace vigil::tools;

TEST_CASE("a ward becomes a drill config for vigild and matching devices for vigil-sim") {
  auto ward = sim::parse_ward(R"(title: two beds
bed bed-1 runs steady
  device ox masimo
  device monitor hl7-mllp
bed bed-2 runs steady
  device pod cms50 via tcp
)",
                              "w.ward", "");
  REQUIRE_MESSAGE(ward.ok(), (ward.ok() ? "" : ward.error()));
  int port = 40000;
  const auto plan = plan_drill(*ward, "/tmp/work", "tcp://0.0.0.0:5560", "", [&] { return ++port; });
  CHECK(plan.publish == "tcp://0.0.0.0:5560");
  CHECK(plan.subscribe == "tcp://127.0.0.1:5560");
  CHECK(plan.command == "tcp://127.0.0.1:40001");
  const auto& c = plan.config_text;
  CHECK(c.find("drill: true\n") != std::string::npos);
  CHECK(c.find("device { id: \"ox\" protocol: \"masimo\" path: \"/tmp/work/bed-1-ox\" }") !=
        std::string::npos);
  CHECK(c.find("device { id: \"monitor\" protocol: \"hl7-mllp\" tcp_listen: \"127.0.0.1:40002\" }") !=
        std::string::npos);
  CHECK(c.find("device { id: \"pod\" protocol: \"cms50\" tcp_connect: \"127.0.0.1:40003\" }") !=
        std::string::npos);
  REQUIRE(plan.sim_devices.size() == 3);
  CHECK(plan.sim_devices[0] == "bed=bed-1,id=ox,protocol=masimo,scenario=steady,pty=/tmp/work/bed-1-ox");
  CHECK(plan.sim_devices[1] ==
        "bed=bed-1,id=monitor,protocol=hl7-mllp,scenario=steady,tcp-connect=127.0.0.1:40002");
  CHECK(plan.sim_devices[2] == "bed=bed-2,id=pod,protocol=cms50,scenario=steady,tcp-listen=127.0.0.1:40003");
  CHECK(plan.pty_links == std::vector<std::string>{"/tmp/work/bed-1-ox"});
}
