// The registry of device protocols: one row per protocol, holding everything
// the rest of vigil needs to know about it (see Protocol). A protocol's code
// lives in its own folder, drivers/<family>/. Outside that folder and its row,
// vigil takes protocol names from this table (vigild --list-protocols --json
// for programs and tests that are not C++), vigil-sim included: it plays
// each protocol through the row's simulated-device factory. The exceptions
// still written down are listed in docs/architecture.md, "Where the
// structure is known to be thin". tests/unit/drivers/protocol_conformance_test.cpp
// checks that every row has a simulated device, golden captures that its session decodes as
// they expect, a fuzz target with seeds, a docs page and its rows in the
// README's device table and docs/fuzzing.md.
#include <string>
#include <vector>

#include "drivers/auto_detect.hpp"
#include "drivers/cms50/cms50_codec.hpp"
#include "drivers/datex/datex_session.hpp"
#include "drivers/device_session.hpp"
#include "drivers/hl7/mllp_codec.hpp"
#include "drivers/intellivue/intellivue_session.hpp"
#include "drivers/masimo/masimo_codec.hpp"
#include "drivers/nonin/nonin_codec.hpp"
#include "drivers/simulated_device.hpp"

namespace vigil::drivers {
namespace {

bool talks_unasked(const Protocol& p) {
  return !p.needs_request;
}

std::string names_of(std::span<const Protocol> rows, bool (*keep)(const Protocol&), std::string_view last) {
  // Runs of rows of one family whose names are family-suffix fold into one
  // entry: nonin-2, nonin-7, nonin-8 -> nonin-2/7/8.
  std::vector<std::string> entries;
  std::string_view folding;  // the family of the entry being folded into
  for (const auto& p : rows) {
    if (p.family.empty() || !keep(p)) continue;
    const std::string prefix = std::string{p.family} + "-";
    const bool formats = p.name.starts_with(prefix);
    if (formats && folding == p.family && !entries.empty()) {
      entries.back() += "/" + std::string{p.name.substr(prefix.size())};
      continue;
    }
    entries.emplace_back(p.name);
    folding = formats ? p.family : std::string_view{};
  }
  std::string out;
  for (std::size_t i = 0; i < entries.size(); ++i)
    out += (i == 0 ? "" : i + 1 == entries.size() ? std::string{last} : std::string{", "}) + entries[i];
  return out;
}

// The "auto" row's title names the protocols it chooses among, so that it
// never lists one the registry lacks (or misses one it has).
std::vector<Protocol> with_auto_title(std::vector<Protocol> rows) {
  static const std::string title = "listen-only detection among the protocols that talk unasked (" +
                                   names_of(rows, &talks_unasked, ", ") + ")";
  for (auto& p : rows)
    if (p.name == "auto") p.title = title;
  return rows;
}

const std::vector<Protocol>& table() {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  // Nonin formats 2 and 7 send a packet every 1/3 s, format 8 one a second; the
  // codecs report readings at least once a second for all three. The CMS50
  // sends 60 packets a second and its codec reports about once a second.
  // Nonin 2/7 (perfusion bits) and the CMS50 (beep bit) flag every pulse.
  static const std::vector<Protocol> kProtocols = with_auto_title({
      {.name = "masimo",
       .title = "Masimo Radical-7 / Rad-8 / Rad-97 ASCII 1 serial output",
       .family = "masimo",
       .device = DeviceKind::pulse_oximeter,
       .default_baud = 9600,
       .expected_interval = seconds{1},
       .make_session = &make_masimo_session,
       .make_simulated_device = &make_masimo_sim_device},
      // Gateways send PCD-01 results at a configured period; 5 s is what vigil
      // asks sites to configure (staleness is judged on it), not a standard.
      // The folder is hl7/ (the message parsers serve any HL7 link), the
      // protocol's name stays "hl7-mllp", as configs already write it.
      {.name = "hl7-mllp",
       .title = "HL7 v2 ORU^R01 (IHE PCD-01) over MLLP",
       .family = "hl7",
       .device = DeviceKind::patient_monitor,
       .transport = Transport::tcp_sender,
       .default_baud = 0,
       .expected_interval = seconds{5},
       // vigild's QRS detector finds them in the ECG the monitor streams
       // (hl7_waveform.hpp); a gateway that sends numerics only gives none.
       .beats = BeatSource::ecg,
       .make_session = &make_hl7_session,
       .make_simulated_device = &make_hl7_sim_device},
      {.name = "nonin-2",
       .title = "Nonin OEM III / Xpod / 9560 serial data format 2 (8-bit pleth, 75 frames/s)",
       .family = "nonin",
       .device = DeviceKind::pulse_oximeter,
       .default_baud = 9600,
       .expected_interval = milliseconds{1000},
       .beats = BeatSource::pulse,
       .make_session = &make_nonin2_session,
       .make_simulated_device = &make_nonin2_sim_device},
      {.name = "nonin-7",
       .title = "Nonin OEM III / Xpod / 9560 serial data format 7 (16-bit pleth, 75 frames/s)",
       .family = "nonin",
       .device = DeviceKind::pulse_oximeter,
       .default_baud = 9600,
       .expected_interval = milliseconds{1000},
       .beats = BeatSource::pulse,
       .make_session = &make_nonin7_session,
       .make_simulated_device = &make_nonin7_sim_device},
      {.name = "nonin-8",
       .title = "Nonin Xpod / 9560 serial data format 8 (one packet a second, no waveform)",
       .family = "nonin",
       .device = DeviceKind::pulse_oximeter,
       .default_baud = 9600,
       .expected_interval = milliseconds{1000},
       .make_session = &make_nonin8_session,
       .make_simulated_device = &make_nonin8_sim_device},
      // The CP210x bridge is the one inside the Contec CMS50D+/CMS50E.
      {.name = "cms50",
       .title = "Contec CMS50D+ / CMS50E USB live stream (V7.0 protocol; old 19200 8O1 stream too)",
       .family = "cms50",
       .device = DeviceKind::pulse_oximeter,
       .default_baud = 115200,
       .expected_interval = milliseconds{1000},
       .needs_request = true,
       .beats = BeatSource::pulse,
       .usb = UsbHint{.vid = 0x10c4, .pid = 0xea60, .note = "CP210x bridge as in Contec CMS50D+/E"},
       .make_session = &make_cms50_session,
       .make_simulated_device = &make_cms50_sim_device},
      // vigil polls once a second; 2 s leaves room for tick jitter.
      {.name = "intellivue",
       .title = "Philips IntelliVue MP/MX Data Export over the MIB/RS232 port",
       .family = "intellivue",
       .device = DeviceKind::patient_monitor,
       .default_baud = 115200,
       .expected_interval = seconds{2},
       .needs_request = true,
       .make_session = &make_intellivue_session,
       .make_simulated_device = &make_intellivue_sim_device},
      // vigil asks for displayed values every 5 s.
      // 8E1 with RTS/CTS, as GE's interface specification asks and every open
      // reader opens it.
      {.name = "datex",
       .title = "GE Datex-Ohmeda S/5, Cardiocap/5, CARESCAPE computer interface",
       .family = "datex",
       .device = DeviceKind::patient_monitor,
       .default_baud = 19200,
       .parity = 'E',
       .rts_cts = true,
       .expected_interval = seconds{5},
       .needs_request = true,
       .make_session = &make_datex_session,
       .make_simulated_device = &make_datex_sim_device},
      // Last: it builds sessions of every protocol above that talks unasked.
      // Its title names them, from the rows above (see below).
      {.name = "auto",
       .title = {},  // with_auto_title() writes it
       .family = "",
       .default_baud = 9600,
       .expected_interval = seconds{1},
       .make_session = &make_auto_session},
  });
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

std::string protocol_names(bool (*keep)(const Protocol&), std::string_view last) {
  return names_of(table(), keep, last);
}

std::unique_ptr<SimulatedDevice> make_simulated_device(std::string_view protocol) {
  const auto* p = find_protocol(protocol);
  return p && p->make_simulated_device ? p->make_simulated_device() : nullptr;
}

std::string simulated_device_names() {
  return protocol_names([](const Protocol& p) { return p.make_simulated_device != nullptr; });
}

std::string_view device_kind_name(DeviceKind k) {
  switch (k) {
    case DeviceKind::none:
      return "none";
    case DeviceKind::pulse_oximeter:
      return "pulse-oximeter";
    case DeviceKind::patient_monitor:
      return "patient-monitor";
  }
  return "none";
}

std::string_view transport_name(Transport t) {
  switch (t) {
    case Transport::serial:
      return "serial";
    case Transport::tcp_sender:
      return "tcp-sender";
  }
  return "serial";
}

}  // namespace vigil::drivers
