#include "wire/dose.hpp"

#include <algorithm>

namespace vigil::wire {

core::InfusionDose from_proto(const vigil::v1::Dose& d) {
  // A duration past what problem() accepts stays past it, rather than wrapping.
  const auto minutes = static_cast<int>(std::min<std::uint32_t>(d.duration_min(), 1'000'000));
  return core::InfusionDose{d.amount(), d.unit(), d.weight_kg(), minutes};
}

}  // namespace vigil::wire
