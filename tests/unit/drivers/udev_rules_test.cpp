// The udev rules in systemd/ are made from the protocol registry; a hint
// added, changed or removed in a registry row must reach the committed file.
#include "drivers/udev_rules.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "drivers/device_session.hpp"

TEST_CASE("systemd/60-vigil-monitors.rules is what vigild --udev-rules writes from the registry") {
  const auto path = std::filesystem::path(VIGIL_SOURCE_DIR) / "systemd" / "60-vigil-monitors.rules";
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream committed;
  committed << in.rdbuf();
  CHECK_MESSAGE(committed.str() == vigil::drivers::udev_rules(),
                "regenerate it: build/daemon/vigild --udev-rules > systemd/60-vigil-monitors.rules");
}

TEST_CASE("every USB hint of the registry names its protocol's devices in the udev rules") {
  const auto rules = vigil::drivers::udev_rules();
  for (const auto& p : vigil::drivers::protocols()) {
    if (!p.usb) continue;
    CAPTURE(p.name);
    CHECK(rules.find("SYMLINK+=\"vigil/" + std::string{p.name} + "-") != std::string::npos);
  }
}
