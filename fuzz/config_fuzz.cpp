// vigild's config parser and validator on arbitrary text: an error message or
// a config, never a crash, and every error located as file:line:column.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "daemon/config_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = vigil::daemon::parse_config(text, "fuzz.conf");
  if (!r && r.error().rfind("fuzz.conf:", 0) != 0) std::abort();
  return 0;
}
