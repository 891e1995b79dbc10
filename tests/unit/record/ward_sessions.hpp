#pragma once
// A journal of many visits on several beds, context events only (no
// readings), for the session list's tests: admissions, infusions,
// discharges, a patient merged (ADT^A40) midway, a re-admission that ends
// the admission before it, and an infusion journalled with no admission
// around it.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "journal/journal.hpp"
#include "tests/unit/record/morning_journal.hpp"

namespace vigil::test {

class WardSessions {
 public:
  explicit WardSessions(journal::Journal& j) : j_{j} {}

  void event(const std::string& bed, const std::string& what, core::TimePoint t, const std::string& patient,
             const std::string& old_value = "", const std::string& new_value = "") {
    v1::BusMessage m;
    auto* c = m.mutable_context();
    c->set_bed(bed);
    c->set_what(what);
    c->set_actor("nurse Ana");
    c->set_station("station-1");
    c->set_patient_id(patient);
    c->set_message(what + " " + patient + " on " + bed);
    c->set_old_value(old_value);
    c->set_new_value(new_value);
    c->set_seq(++seq_[bed]);
    wire::set_time(c->mutable_time(), t);
    REQUIRE(j_.write_bed(bed, {m}, state_[bed], t));
  }

  // `visits` visits a bed, one every 3 hours from T0 on beds bed-0 ..
  // bed-(beds-1) in turn: admitted, an infusion from 10 to 50 min, discharged
  // at 90 min. Every seventh patient is merged into another id during the
  // infusion; every eleventh visit is never discharged (the next admission
  // ends it); every thirteenth infusion starts at the admission's very time.
  void visits(int beds, int visits) {
    for (int v = 0; v < visits; ++v)
      for (int b = 0; b < beds; ++b) {
        const std::string bed = "bed-" + std::to_string(b);
        const std::string patient = "PAT-" + std::to_string(v * beds + b);
        const auto start = T0 + std::chrono::hours{3 * v} + std::chrono::seconds{b};
        event(bed, "admitted", start, patient);
        const auto infusion = v % 13 == 0 ? start : start + std::chrono::minutes{10};
        event(bed, "infusion_started", infusion, patient, "", "ketamine");
        std::string now = patient;
        if ((v * beds + b) % 7 == 0) {
          now = "MRG-" + std::to_string(v * beds + b);
          event(bed, "patient_updated", start + std::chrono::minutes{20}, now, patient, now);
        }
        event(bed, "infusion_stopped", start + std::chrono::minutes{50}, now);
        if (v % 11 != 10) event(bed, "discharged", start + std::chrono::minutes{90}, now);
      }
    // Journalled without an admission (an edited or partly pruned journal).
    event("bed-0", "infusion_started", T0 + std::chrono::hours{3 * visits}, "PAT-X", "", "ketamine");
  }

 private:
  journal::Journal& j_;
  std::map<std::string, std::uint64_t> seq_;
  std::map<std::string, v1::journal::BedState> state_;
};

}  // namespace vigil::test
