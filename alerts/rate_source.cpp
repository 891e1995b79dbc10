#include "alerts/rate_source.hpp"

namespace vigil::alerts {

std::optional<int> RateSource::rank(const core::Reading& r) {
  if (r.usable()) return r.metric == core::Metric::heart_rate ? 0 : 1;
  if (judged_despite_artefact(r)) return 2;
  return std::nullopt;
}

core::Reading RateSource::without_artefact(core::Reading r) {
  r.quality.bits =
      static_cast<std::uint16_t>(r.quality.bits & ~static_cast<std::uint16_t>(core::QualityFlag::artifact));
  return r;
}

bool RateSource::judged_despite_artefact(const core::Reading& r) {
  return r.metric == core::Metric::heart_rate && r.quality.has(core::QualityFlag::artifact) &&
         without_artefact(r).usable();
}

bool RateSource::good(const Key& k, core::TimePoint now) const {
  const auto it = seen_.find(k);
  return it != seen_.end() && it->second.rank && now - it->second.time <= kFresh;
}

bool RateSource::better_good(const Key& than, int than_rank, core::TimePoint now) const {
  for (const auto& [k, s] : seen_)
    if (k != than && s.rank && *s.rank < than_rank && good(k, now)) return true;
  return false;
}

RateSource::Decision RateSource::on_reading(const std::string& device, const core::Reading& r,
                                            core::TimePoint now) {
  if (!is_rate(r.metric)) return {};
  const Key key{device, r.metric};
  const auto r_rank = rank(r);
  seen_[key] = {now, r_rank};
  if (current_ == key) {
    // An artefact ECG rate in use gives way to a better source that is good
    // now; otherwise it is the best the bed has and is judged.
    if (r_rank == 2 && better_good(key, 2, now)) return {false, std::nullopt};
    return {true, std::nullopt, r_rank == 2};
  }
  if (!r_rank) return {false, std::nullopt};
  const bool better = current_ && seen_.at(*current_).rank && *r_rank < *seen_.at(*current_).rank;
  if (current_ && good(*current_, now) && !better) return {false, std::nullopt};
  Decision d;
  d.despite_artefact = r_rank == 2;
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
