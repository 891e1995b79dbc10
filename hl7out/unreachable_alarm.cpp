#include "hl7out/unreachable_alarm.hpp"

namespace vigil::hl7out {

bool UnreachableAlarm::update(std::optional<core::TimePoint> failing_since,
                              const std::function<std::size_t()>& depth, core::TimePoint now) {
  const auto was = raised_;
  if (failing_since && now - *failing_since >= after_)
    raised_ = true;
  else if (!failing_since && raised_ != false && depth() == 0)
    raised_ = false;
  return raised_ != was;
}

}  // namespace vigil::hl7out
