#pragma once
// Metrics are identified by their IEEE 11073-10101 (MDC) code, partition 2
// (SCADA): code = 2 * 65536 + term code. Sources: NIST RTMMS (Rosetta) and the
// OpenICE terminology tables, cross-checked by the term codes they list.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace vigil::core {

enum class Metric : std::uint32_t {
  heart_rate = 147842,       // MDC_ECG_HEART_RATE        /min
  rr_interval = 147240,      // MDC_ECG_TIME_PD_RR_GL     ms
  pulse_rate = 149530,       // MDC_PULS_OXIM_PULS_RATE   /min
  nibp_systolic = 150021,    // MDC_PRESS_BLD_NONINV_SYS  mm[Hg]
  nibp_diastolic = 150022,   // MDC_PRESS_BLD_NONINV_DIA  mm[Hg]
  nibp_mean = 150023,        // MDC_PRESS_BLD_NONINV_MEAN mm[Hg]
  perfusion_index = 150448,  // MDC_PULS_OXIM_PERF_REL    %
  spo2 = 150456,             // MDC_PULS_OXIM_SAT_O2      %
  resp_rate = 151562,        // MDC_RESP_RATE             /min
};

struct MetricInfo {
  Metric metric;
  std::string_view mdc_ref;    // MDC reference id, e.g. "MDC_PULS_OXIM_SAT_O2"
  std::string_view name;       // short readable name used in topics, configs and logs
  std::string_view ucum_unit;  // UCUM unit code
  bool episodic;               // measured on demand (cuff NIBP), not streamed
  // What staff read: "SpO₂", "Pulse", "NIBP sys"; "mmHg", not UCUM's
  // "mm[Hg]". The wire keeps the MDC code, the short name and UCUM.
  std::string_view label;
  std::string_view display_unit;
};

std::span<const MetricInfo> all_metrics();
const MetricInfo& info(Metric m);
std::optional<Metric> metric_from_code(std::uint32_t mdc_code);
std::optional<Metric> metric_from_name(std::string_view name);
std::optional<Metric> metric_from_mdc_ref(std::string_view mdc_ref);
inline std::uint32_t code(Metric m) {
  return static_cast<std::uint32_t>(m);
}
inline std::string_view name(Metric m) {
  return info(m).name;
}
inline std::string_view label(Metric m) {
  return info(m).label;
}
inline std::string_view display_unit(Metric m) {
  return info(m).display_unit;
}
// For readers of the bus, which carries the short name and the UCUM unit:
// the label of a metric by its short name, and the shown form of a UCUM
// unit (each given back unchanged when unknown).
std::string_view label(std::string_view name);
std::string_view display_unit(std::string_view ucum);

}  // namespace vigil::core
