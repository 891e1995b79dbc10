#include "journal/patient_merges.hpp"

#include "journal/journal_reader.hpp"

namespace vigil::journal {

PatientMerges PatientMerges::read(sqlite::Database& db) {
  PatientMerges m;
  auto exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'patient_merges'");
  if (!exists.step()) return m;
  auto s = db.prepare("SELECT time_us, old_id, new_id FROM patient_merges ORDER BY time_us, id");
  while (s.step()) m.from_[s.text(1)].push_back({from_micros(s.integer(0)), s.text(2)});
  return m;
}

std::string patient_text(const std::string& opened_as, const std::string& now) {
  if (now.empty() || now == opened_as) return opened_as;
  return now + " (admitted as " + opened_as + ")";
}

std::string PatientMerges::current(const std::string& id, core::TimePoint since) const {
  std::string now = id;
  auto after = since;
  // Each step moves strictly forward in time, so a merge back (A -> B, then
  // B -> A) ends where the last merge left the patient.
  for (;;) {
    const auto it = from_.find(now);
    if (it == from_.end()) return now;
    const Merge* next = nullptr;
    for (const auto& m : it->second)
      if (m.time > after) {
        next = &m;
        break;
      }
    if (!next) return now;
    now = next->to;
    after = next->time;
  }
}

}  // namespace vigil::journal
