#pragma once
// Patient ids replaced by another (ADT^A40, or any update_patient that gives
// a new id), journal schema version 4. Sessions keep the id they were
// opened under, as every other row does; readers follow these rows from it
// to the id the patient has now (docs/journal.md says why).
#include <map>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "journal/sqlite_database.hpp"

namespace vigil::journal {

class PatientMerges {
 public:
  // Every merge in the journal; none on a journal older than version 4
  // (read-only readers cannot migrate it).
  static PatientMerges read(sqlite::Database& db);

  // The id a patient known as `id` at `since` has now: each merge of that id
  // made after `since` is followed in time order (A -> B, later B -> C: C).
  std::string current(const std::string& id, core::TimePoint since) const;

 private:
  struct Merge {
    core::TimePoint time;
    std::string to;
  };
  std::map<std::string, std::vector<Merge>> from_;  // by old id, oldest first
};

// The patient as a person reads it: "PAT-5 (admitted as TMP-77)" when a
// merge changed the id the session was opened under, else the id alone.
// Machine-readable output keeps both ids in their own fields instead.
std::string patient_text(const std::string& opened_as, const std::string& now);

}  // namespace vigil::journal
