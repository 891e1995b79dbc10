#pragma once
// Which admission an infusion session falls in: of its bed's patient
// sessions (oldest first), the last that began by the infusion's start and
// had not ended before it. Answered for a bed's infusions in start order in
// one sweep, so listing a ward's sessions reads the journal's sessions once.
#include <cstddef>
#include <optional>
#include <queue>
#include <set>
#include <utility>
#include <vector>

#include "journal/journal_reader.hpp"

namespace vigil::record {

class AdmissionSweep {
 public:
  // One bed's patient sessions, oldest first, as JournalReader::sessions gives them.
  explicit AdmissionSweep(std::vector<journal::SessionRecord> admissions);
  // The admission around a session starting at `start`; each call's start
  // at or after the one before.
  std::optional<journal::SessionRecord> around(core::TimePoint start);

 private:
  std::vector<journal::SessionRecord> admissions_;
  std::size_t next_ = 0;        // the first admission not yet begun
  std::set<std::size_t> open_;  // begun and not ended, by position
  using End = std::pair<core::TimePoint, std::size_t>;
  std::priority_queue<End, std::vector<End>, std::greater<>> ends_;
};

// The admission around `s`, from every session of its bed (JournalReader::sessions).
std::optional<journal::SessionRecord> admission_around(
    const std::vector<journal::SessionRecord>& bed_sessions, const journal::SessionRecord& s);

}  // namespace vigil::record
