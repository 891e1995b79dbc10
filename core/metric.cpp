#include "core/metric.hpp"

#include <array>
#include <stdexcept>

namespace vigil::core {
namespace {
constexpr std::array kMetrics{
    MetricInfo{Metric::heart_rate, "MDC_ECG_HEART_RATE", "hr", "/min", false, "HR", "/min"},
    MetricInfo{Metric::rr_interval, "MDC_ECG_TIME_PD_RR_GL", "rr", "ms", false, "RR interval", "ms"},
    MetricInfo{Metric::pulse_rate, "MDC_PULS_OXIM_PULS_RATE", "pulse", "/min", false, "Pulse", "/min"},
    MetricInfo{Metric::nibp_systolic, "MDC_PRESS_BLD_NONINV_SYS", "nibp_sys", "mm[Hg]", true, "NIBP sys",
               "mmHg"},
    MetricInfo{Metric::nibp_diastolic, "MDC_PRESS_BLD_NONINV_DIA", "nibp_dia", "mm[Hg]", true, "NIBP dia",
               "mmHg"},
    MetricInfo{Metric::nibp_mean, "MDC_PRESS_BLD_NONINV_MEAN", "nibp_mean", "mm[Hg]", true, "NIBP mean",
               "mmHg"},
    MetricInfo{Metric::perfusion_index, "MDC_PULS_OXIM_PERF_REL", "pi", "%", false, "PI", "%"},
    MetricInfo{Metric::spo2, "MDC_PULS_OXIM_SAT_O2", "spo2", "%", false, "SpO\u2082", "%"},
    MetricInfo{Metric::resp_rate, "MDC_RESP_RATE", "resp", "/min", false, "Resp", "/min"},
};
}  // namespace

std::span<const MetricInfo> all_metrics() {
  return kMetrics;
}

const MetricInfo& info(Metric m) {
  for (const auto& i : kMetrics)
    if (i.metric == m) return i;
  throw std::logic_error("metric without a table entry");
}

std::string_view label(std::string_view name) {
  const auto m = metric_from_name(name);
  return m ? info(*m).label : name;
}

std::string_view display_unit(std::string_view ucum) {
  for (const auto& i : kMetrics)
    if (i.ucum_unit == ucum) return i.display_unit;
  return ucum;
}

std::optional<Metric> metric_from_code(std::uint32_t mdc_code) {
  for (const auto& i : kMetrics)
    if (code(i.metric) == mdc_code) return i.metric;
  return std::nullopt;
}

std::optional<Metric> metric_from_name(std::string_view n) {
  for (const auto& i : kMetrics)
    if (i.name == n) return i.metric;
  return std::nullopt;
}

std::optional<Metric> metric_from_mdc_ref(std::string_view ref) {
  for (const auto& i : kMetrics)
    if (i.mdc_ref == ref) return i.metric;
  return std::nullopt;
}

}  // namespace vigil::core
