#include "alerts/cuff_measurement.hpp"

namespace vigil::alerts {

std::size_t measurement_end(std::span<const core::Reading> read, std::size_t first) {
  const core::Reading& head = read[first];
  std::size_t end = first + 1;
  // The last reading of a read (a streamed value mostly is) ends its own.
  if (end == read.size() || !core::info(head.metric).episodic) return end;
  for (; end < read.size(); ++end) {
    const core::Reading& r = read[end];
    if (!core::info(r.metric).episodic || r.device_time != head.device_time) break;
    bool repeated = false;
    for (std::size_t k = first; k < end; ++k) repeated = repeated || read[k].metric == r.metric;
    if (repeated) break;
  }
  return end;
}

}  // namespace vigil::alerts
