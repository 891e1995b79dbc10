// The one table of device protocols. Adding a protocol means adding its codec
// file pair and one entry here; nothing else in vigil names a device.
#include <vector>

#include "drivers/datex_session.hpp"
#include "drivers/device_session.hpp"
#include "drivers/intellivue_session.hpp"
#include "drivers/masimo_codec.hpp"
#include "drivers/mllp_codec.hpp"

namespace vigil::drivers {
namespace {
const std::vector<Protocol>& table() {
  using std::chrono::seconds;
  static const std::vector<Protocol> kProtocols{
      {"masimo", "Masimo Radical-7 / Rad-8 / Rad-97 ASCII 1 serial output", 9600, seconds{1}, false,
       &make_masimo_session},
      // Gateways send PCD-01 results at a configured period; 5 s is what vigil
      // asks sites to configure (staleness is judged on it), not a standard.
      {"hl7-mllp", "HL7 v2 ORU^R01 (IHE PCD-01) over MLLP", 0, seconds{5}, false, &make_hl7_session},
      // vigil polls once a second; 2 s leaves room for tick jitter.
      {"intellivue", "Philips IntelliVue MP/MX Data Export over the MIB/RS232 port", 115200, seconds{2}, true,
       &make_intellivue_session},
      // vigil asks for displayed values every 5 s. The readers open the port
      // 8E1 with RTS/CTS; the table carries the baud rate only.
      {"datex", "GE Datex-Ohmeda S/5, Cardiocap/5, CARESCAPE computer interface", 19200, seconds{5}, true,
       &make_datex_session},
  };
  return kProtocols;
}
}  // namespace

std::span<const Protocol> protocols() {
  return table();
}

const Protocol* find_protocol(std::string_view name) {
  for (const auto& p : table())
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace vigil::drivers
