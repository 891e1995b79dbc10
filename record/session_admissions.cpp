#include "record/session_admissions.hpp"

namespace vigil::record {

AdmissionSweep::AdmissionSweep(std::vector<journal::SessionRecord> admissions)
    : admissions_{std::move(admissions)} {}

std::optional<journal::SessionRecord> AdmissionSweep::around(core::TimePoint start) {
  for (; next_ < admissions_.size() && admissions_[next_].started <= start; ++next_) {
    open_.insert(next_);
    if (admissions_[next_].ended) ends_.push({*admissions_[next_].ended, next_});
  }
  // An admission that ended at the very start still holds it (the discharge
  // and the next start journalled in the same instant).
  while (!ends_.empty() && ends_.top().first < start) {
    open_.erase(ends_.top().second);
    ends_.pop();
  }
  if (open_.empty()) return std::nullopt;
  return admissions_[*open_.rbegin()];
}

std::optional<journal::SessionRecord> admission_around(
    const std::vector<journal::SessionRecord>& bed_sessions, const journal::SessionRecord& s) {
  std::vector<journal::SessionRecord> admissions;
  for (const auto& p : bed_sessions)
    if (p.kind == "patient" && p.bed == s.bed) admissions.push_back(p);
  return AdmissionSweep{std::move(admissions)}.around(s.started);
}

}  // namespace vigil::record
