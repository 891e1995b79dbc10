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

std::size_t RateSource::source(const std::string& device, core::Metric metric) {
  for (std::size_t i = 0; i < seen_.size(); ++i)
    if (seen_[i].metric == metric && seen_[i].device == device) return i;
  seen_.push_back({device, metric, {}, std::nullopt});
  return seen_.size() - 1;
}

bool RateSource::better_good(std::size_t than, int than_rank, core::TimePoint now) const {
  for (std::size_t i = 0; i < seen_.size(); ++i)
    if (i != than && seen_[i].rank && *seen_[i].rank < than_rank && good(seen_[i], now)) return true;
  return false;
}

RateSource::Decision RateSource::on_reading(const std::string& device, const core::Reading& r,
                                            core::TimePoint now) {
  if (!is_rate(r.metric)) return {};
  const std::size_t key = source(device, r.metric);
  const auto r_rank = rank(r);
  seen_[key].time = now;
  seen_[key].rank = r_rank;
  if (current_ == key) {
    // An artefact ECG rate in use gives way to a better source that is good
    // now; otherwise it is the best the bed has and is judged.
    if (r_rank == 2 && better_good(key, 2, now)) return {false, std::nullopt};
    return {true, std::nullopt, r_rank == 2};
  }
  if (!r_rank) return {false, std::nullopt};
  const bool better = current_ && seen_[*current_].rank && *r_rank < *seen_[*current_].rank;
  if (current_ && good(seen_[*current_], now) && !better) return {false, std::nullopt};
  Decision d;
  d.despite_artefact = r_rank == 2;
  if (current_ && seen_[*current_].metric != r.metric) d.taken_from = seen_[*current_].metric;
  // The first source takes over from the other kind too: after a restart
  // the rules of an active alarm's metric were resumed, and rules no
  // reading judges any more must not hold the alarm for ever.
  if (!current_)
    d.taken_from = r.metric == core::Metric::heart_rate ? core::Metric::pulse_rate : core::Metric::heart_rate;
  current_ = key;
  return d;
}

std::string RateSource::in_use() const {
  return current_ ? seen_[*current_].device + " " + std::string{core::name(seen_[*current_].metric)}
                  : std::string{};
}

}  // namespace vigil::alerts
