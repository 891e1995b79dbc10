#pragma once
// IHE PCD-01 (Communicate PCD Data): readings as ORU^R01 from a Device
// Observation Reporter. One OBR per report; under it the containment tree
// (MDS, VMD and channel rows, then the metrics; OBX-4 MDS.VMD.CHAN.METRIC).
#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "hl7out/message_header.hpp"

namespace vigil::hl7out {

struct ReportedValue {
  std::uint32_t mdc_code = 0;
  double value = 0;
  core::TimePoint measured{};  // OBX-14: when the device measured (NIBP is episodic)
};

// The message, or an empty string when no value has a confirmed placement
// (mdc_codes.hpp). Values are sent in containment order.
std::string encode_oru_r01(const MessageHeader& h, const BedContext& bed,
                           const std::vector<ReportedValue>& values);

}  // namespace vigil::hl7out
