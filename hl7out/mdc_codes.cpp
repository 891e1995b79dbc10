#include "hl7out/mdc_codes.hpp"

#include <array>

namespace vigil::hl7out {
namespace {
constexpr MdcCode kSpo2Vmd{69642, "MDC_DEV_ANALY_SAT_O2_VMD"};
constexpr MdcCode kEcgVmd{69798, "MDC_DEV_ECG_VMD"};
constexpr MdcCode kNibpVmd{70686, "MDC_DEV_PRESS_BLD_NONINV_VMD"};
constexpr MdcCode kNibpChan{70687, "MDC_DEV_PRESS_BLD_NONINV_CHAN"};
constexpr MdcCode kPercent{262688, "MDC_DIM_PERCENT"};
constexpr MdcCode kBeatPerMin{264864, "MDC_DIM_BEAT_PER_MIN"};
constexpr MdcCode kMmHg{266016, "MDC_DIM_MMHG"};

// VMD order: pulse oximeter 1, ECG 2, NIBP 3 (the order is ours; the PCD TF
// asks only that it is stable within a message).
constexpr std::array kPlacements{
    MetricPlacement{150456, {150456, "MDC_PULS_OXIM_SAT_O2"}, 1, kSpo2Vmd, std::nullopt, 1, kPercent, "%"},
    MetricPlacement{
        149530, {149530, "MDC_PULS_OXIM_PULS_RATE"}, 1, kSpo2Vmd, std::nullopt, 2, kBeatPerMin, "/min"},
    MetricPlacement{147842, {147842, "MDC_ECG_HEART_RATE"}, 2, kEcgVmd, std::nullopt, 1, kBeatPerMin, "/min"},
    MetricPlacement{150021, {150021, "MDC_PRESS_BLD_NONINV_SYS"}, 3, kNibpVmd, kNibpChan, 1, kMmHg, "mm[Hg]"},
    MetricPlacement{150022, {150022, "MDC_PRESS_BLD_NONINV_DIA"}, 3, kNibpVmd, kNibpChan, 2, kMmHg, "mm[Hg]"},
    MetricPlacement{
        150023, {150023, "MDC_PRESS_BLD_NONINV_MEAN"}, 3, kNibpVmd, kNibpChan, 3, kMmHg, "mm[Hg]"},
};
}  // namespace

const MetricPlacement* placement(std::uint32_t mdc_code) {
  for (const auto& p : kPlacements)
    if (p.metric == mdc_code) return &p;
  return nullptr;
}

// AF, flutter with variable conduction and an irregular pulse are each an
// irregular beat rate, which is what vigil measures (its text says which);
// VT, VF and a pause are arrhythmias whose own codes were not confirmed by
// two sources (docs/hl7.md, "Codes and where they were confirmed").
const MdcCode& rhythm_event(std::string_view condition) {
  return condition == "atrial_fibrillation" ? kEvtBeatRateIrregular : kEvtArrhythmia;
}

}  // namespace vigil::hl7out
