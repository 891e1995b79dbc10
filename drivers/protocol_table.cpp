// The one table of device protocols. Adding a protocol means adding its codec
// file pair and one entry here; nothing else in vigil names a device.
#include <vector>

#include "drivers/auto_detect.hpp"
#include "drivers/cms50/cms50_codec.hpp"
#include "drivers/datex/datex_session.hpp"
#include "drivers/device_session.hpp"
#include "drivers/hl7/mllp_codec.hpp"
#include "drivers/intellivue/intellivue_session.hpp"
#include "drivers/masimo/masimo_codec.hpp"
#include "drivers/nonin/nonin_codec.hpp"

namespace vigil::drivers {
namespace {
using std::chrono::milliseconds;

const std::vector<Protocol>& table() {
  using std::chrono::seconds;
  // Nonin formats 2 and 7 send a packet every 1/3 s, format 8 one a second; the
  // codecs report readings at least once a second for all three. The CMS50
  // sends 60 packets a second and its codec reports about once a second.
  // Nonin 2/7 (perfusion bits) and the CMS50 (beep bit) flag every pulse.
  static const std::vector<Protocol> kProtocols{
      {"masimo", "Masimo Radical-7 / Rad-8 / Rad-97 ASCII 1 serial output", 9600, seconds{1}, false,
       &make_masimo_session},
      // Gateways send PCD-01 results at a configured period; 5 s is what vigil
      // asks sites to configure (staleness is judged on it), not a standard.
      {"hl7-mllp", "HL7 v2 ORU^R01 (IHE PCD-01) over MLLP", 0, seconds{5}, false, &make_hl7_session},
      {"nonin-2", "Nonin OEM III / Xpod / 9560 serial data format 2 (8-bit pleth, 75 frames/s)", 9600,
       milliseconds{1000}, false, &make_nonin2_session, 'N', false, BeatSource::pulse},
      {"nonin-7", "Nonin OEM III / Xpod / 9560 serial data format 7 (16-bit pleth, 75 frames/s)", 9600,
       milliseconds{1000}, false, &make_nonin7_session, 'N', false, BeatSource::pulse},
      {"nonin-8", "Nonin Xpod / 9560 serial data format 8 (one packet a second, no waveform)", 9600,
       milliseconds{1000}, false, &make_nonin8_session},
      {"cms50", "Contec CMS50D+ / CMS50E USB live stream (V7.0 protocol; old 19200 8O1 stream too)", 115200,
       milliseconds{1000}, true, &make_cms50_session, 'N', false, BeatSource::pulse},
      // vigil polls once a second; 2 s leaves room for tick jitter.
      {"intellivue", "Philips IntelliVue MP/MX Data Export over the MIB/RS232 port", 115200, seconds{2}, true,
       &make_intellivue_session},
      // vigil asks for displayed values every 5 s.
      // 8E1 with RTS/CTS, as GE's interface specification asks and every open
      // reader opens it.
      {"datex", "GE Datex-Ohmeda S/5, Cardiocap/5, CARESCAPE computer interface", 19200, seconds{5}, true,
       &make_datex_session, 'E', true},
      // Last: it builds sessions of every protocol above that talks unasked.
      {"auto", "listen-only detection among the protocols that talk unasked (masimo, nonin-2/7/8, hl7-mllp)",
       9600, seconds{1}, false, &make_auto_session},
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
