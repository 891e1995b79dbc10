// The key folder of a drill that stations on other PCs join: what is made
// when missing, who is let in with which role, and that the file a station
// is given never holds vigild's secret.
#include "drill/drill_keys.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "client/curve_client.hpp"
#include "core/curve_keys.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace vigil;
using namespace vigil::drill;

namespace {

std::string read(const std::string& path) {
  std::ifstream in{path};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("an empty folder gets vigild's, the runner's and a station's keys; the station joins as a nurse") {
  test::TempDir dir;
  auto keys = prepare_drill_keys(dir.file("keys"));
  REQUIRE_MESSAGE(keys.ok(), (keys.ok() ? "" : keys.error()));
  for (const char* f : {"vigild.key", "vigild.pub", "vigil-drill.key", "station.key", "station.pub"})
    CHECK_MESSAGE(std::filesystem::exists(dir.file(std::string{"keys/"} + f)), f);
  REQUIRE(keys->stations.size() == 1);
  CHECK(keys->stations[0].name == "station");
  const auto config = security_config(*keys);
  CHECK(config.find("server_key_file: \"" + dir.file("keys") + "/vigild.key\"") != std::string::npos);
  CHECK(config.find("name: \"vigil-drill\" public_key: \"" + keys->runner_public + "\" role: ADMIN") !=
        std::string::npos);
  CHECK(config.find("name: \"station\" public_key: \"" + keys->stations[0].public_key + "\" role: NURSE") !=
        std::string::npos);
  CHECK(keys->runner().key_file == dir.file("keys") + "/vigil-drill.key");
  CHECK(keys->runner().server_key_file == dir.file("keys") + "/vigild.pub");
}

TEST_CASE("a ward's own vigild key is used, and the .pub made for stations holds no secret") {
  test::TempDir dir;
  auto made = client::write_key_pair(dir.path().string(), "vigild");
  REQUIRE(made.ok());
  std::filesystem::remove(dir.file("vigild.pub"));
  auto keys = prepare_drill_keys(dir.path().string());
  REQUIRE_MESSAGE(keys.ok(), (keys.ok() ? "" : keys.error()));
  CHECK(keys->server_public == made.value());
  auto pub = core::read_curve_key_file(dir.file("vigild.pub"));
  REQUIRE(pub.ok());
  CHECK(pub->public_key == made.value());
  CHECK(pub->secret_key.empty());
  CHECK(read(dir.file("vigild.pub")).find("secret") == std::string::npos);
}

TEST_CASE("every station's NAME.pub in the folder is let in; a broken one is named") {
  test::TempDir dir;
  REQUIRE(client::write_key_pair(dir.path().string(), "tablet-3").ok());
  auto keys = prepare_drill_keys(dir.path().string());
  REQUIRE(keys.ok());
  REQUIRE(keys->stations.size() == 2);
  CHECK(keys->stations[0].name == "station");
  CHECK(keys->stations[1].name == "tablet-3");

  std::ofstream{dir.file("broken.pub")} << "public: not-a-key\n";
  auto refused = prepare_drill_keys(dir.path().string());
  REQUIRE(!refused.ok());
  CHECK(refused.error().find("broken.pub") != std::string::npos);
}
