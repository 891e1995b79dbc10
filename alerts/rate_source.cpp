#include "alerts/rate_source.hpp"

namespace vigil::alerts {
namespace {

// Lower is better: the ECG times the heartbeat itself, the pulse only its
// arrival at a finger, which motion fakes and a weak beat misses.
int rank(core::Metric m) {
  return m == core::Metric::heart_rate ? 0 : 1;
}

}  // namespace

bool RateSource::good(const Key& k, core::TimePoint now) const {
  const auto it = seen_.find(k);
  return it != seen_.end() && it->second.usable && now - it->second.time <= kFresh;
}

RateSource::Decision RateSource::on_reading(const std::string& device, const core::Reading& r,
                                            core::TimePoint now) {
  if (!is_rate(r.metric)) return {};
  const Key key{device, r.metric};
  seen_[key] = {now, r.usable()};
  if (current_ == key) return {};
  const bool better = current_ && rank(r.metric) < rank(current_->second);
  if (!r.usable() || (current_ && good(*current_, now) && !better)) return {false, std::nullopt};
  Decision d;
  if (current_ && current_->second != r.metric) d.taken_from = current_->second;
  // The first source takes over from the other kind too: after a restart
  // the rules of an active alarm's metric were resumed, and rules no
  // reading judges any more must not hold the alarm for ever.
  if (!current_)
    d.taken_from = r.metric == core::Metric::heart_rate ? core::Metric::pulse_rate : core::Metric::heart_rate;
  current_ = key;
  return d;
}

std::string RateSource::in_use() const {
  return current_ ? current_->first + " " + std::string{core::name(current_->second)} : std::string{};
}

}  // namespace vigil::alerts
