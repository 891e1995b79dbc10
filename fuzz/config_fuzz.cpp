// vigild's config parser and validator on arbitrary text: an error message or
// a config, never a crash, and every error located as file:line:column. A
// config that is accepted keeps every alarm on (alarm_invariants.hpp).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "daemon/config_loader.hpp"
#include "daemon/profile_config.hpp"
#include "fuzz/alarm_invariants.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = vigil::daemon::parse_config(text, "fuzz.conf");
  if (!r && r.error().rfind("fuzz.conf:", 0) != 0) std::abort();
  if (!r) return 0;
  auto profiles = vigil::daemon::build_profiles(r->config);
  if (!profiles) std::abort();  // parse_config accepted what build_profiles refuses
  for (const auto& bed : r->config.bed()) {
    const auto name = bed.profile().empty() ? vigil::daemon::default_profile_name(r->config) : bed.profile();
    auto profile = profiles->at(name);
    for (const auto& o : bed.override())
      if (!vigil::daemon::apply_config_override(profile, o)) std::abort();
    vigil::fuzz::require_safe(profile);
  }
  return 0;
}
