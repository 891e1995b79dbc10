#include "hl7out/pcd01_encoder.hpp"

#include <algorithm>

#include "hl7out/hl7_text.hpp"
#include "hl7out/mdc_codes.hpp"

namespace vigil::hl7out {
namespace {
std::string cwe(const MdcCode& c) {
  return std::to_string(c.code) + "^" + std::string{c.ref} + "^MDC";
}
}  // namespace

std::string encode_oru_r01(const MessageHeader& h, const BedContext& bed,
                           const std::vector<ReportedValue>& values) {
  std::vector<std::pair<const MetricPlacement*, const ReportedValue*>> rows;
  for (const auto& v : values)
    if (const auto* p = placement(v.mdc_code)) rows.emplace_back(p, &v);
  if (rows.empty()) return {};
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::pair{a.first->vmd_index, a.first->metric_index} <
           std::pair{b.first->vmd_index, b.first->metric_index};
  });

  std::string m = msh(h, "ORU^R01^ORU_R01", kProfilePcd01.data());
  m += pid_pv1(bed, h);
  // OBR-2/3: the report's own identifier; OBR-4 SNOMED CT 182777000
  // "monitoring of patient", as in the PCD TF examples.
  const std::string order =
      escape(h.control_id) + "^" + escape(h.sending_application) + "^" + h.equipment_eui64 + "^EUI-64";
  m += "OBR|1|" + order + "|" + order + "|182777000^monitoring of patient^SCT|||" + timestamp(h.time) + "\r";
  int n = 0;
  auto device_row = [&](const MdcCode& c, const std::string& sub, const std::string& tail) {
    m += "OBX|" + std::to_string(++n) + "||" + cwe(c) + "|" + sub + "|||||||X" + tail + "\r";
  };
  device_row(kMds, "1.0.0.0", "|||||||" + equipment(h));
  int vmd = 0;
  for (const auto& [p, v] : rows) {
    const std::string prefix = "1." + std::to_string(p->vmd_index) + ".";
    if (p->vmd_index != vmd) {
      vmd = p->vmd_index;
      device_row(p->vmd, prefix + "0.0", "");
      if (p->chan) device_row(*p->chan, prefix + "1.0", "");
    }
    const std::string unit = cwe(p->unit) + "^" + std::string{p->ucum} + "^" + std::string{p->ucum} + "^UCUM";
    // OBX-11 R: unverified device data. OBX-17 AMEAS: measured by the device.
    m += "OBX|" + std::to_string(++n) + "|NM|" + cwe(p->metric_code) + "|" + prefix + "1." +
         std::to_string(p->metric_index) + "|" + number(v->value) + "|" + unit + "|||||R|||" +
         timestamp(v->measured) + "|||AMEAS^auto-measurement^MDC|" + equipment(h) + "\r";
  }
  return m;
}

}  // namespace vigil::hl7out
