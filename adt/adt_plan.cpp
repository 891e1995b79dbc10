#include "adt/adt_plan.hpp"

#include <optional>

namespace vigil::adt {
namespace {

using drivers::AckCode;
namespace err = drivers::hl7_error;
namespace v1 = vigil::v1;

AdtRefusal refuse(int error_code, std::string text) {
  return {AckCode::error, error_code, std::move(text), {}};
}

class Planner {
 public:
  Planner(const AdtMessage& m, const std::vector<BedPlace>& places,
          const std::map<std::string, BedView>& beds)
      : m_(m), places_(places), beds_(beds) {}

  std::variant<AdtPlan, AdtRefusal> run() {
    switch (m_.event) {
      case AdtEvent::admit:
      case AdtEvent::cancel_discharge:
        return admit();
      case AdtEvent::transfer:
      case AdtEvent::cancel_transfer:
        return transfer();
      case AdtEvent::discharge:
      case AdtEvent::cancel_admit:
        return discharge();
      case AdtEvent::update:
        return update();
      case AdtEvent::merge:
        return merge();
    }
    return refuse(err::application_internal_error, "event not handled");
  }

 private:
  std::variant<std::string, AdtRefusal> bed_at(const Location& l) const {
    for (const auto& p : places_)
      if (p.location == l && beds_.count(p.bed_id)) return p.bed_id;
    std::string known;
    for (const auto& p : places_) known += (known.empty() ? "" : ", ") + location_text(p.location);
    return refuse(err::table_value_not_found, "PV1-3 location " + location_text(l) +
                                                  " is not a bed vigil monitors (mapped: " +
                                                  (known.empty() ? "none" : known) + "); nothing changed");
  }

  std::optional<std::string> bed_of_patient(const std::string& patient_id) const {
    for (const auto& [id, b] : beds_)
      if (b.patient_id == patient_id) return id;
    return std::nullopt;
  }
  std::optional<std::string> bed_of_patient() const { return bed_of_patient(m_.patient_id); }

  // An update or merge of someone vigil does not monitor: resending cannot
  // help, so AR (an engine that sends every patient's A08 to vigil learns to
  // route only its beds' patients).
  AdtRefusal unknown(const std::string& patient_id) const {
    return {AckCode::reject,
            err::unknown_key_identifier,
            "patient " + patient_id + " is in no bed of this vigil; nothing changed",
            {}};
  }

  // PID-5 and PID-7 as vigil-ctl admit --name --dob writes them.
  v1::CommandRequest update_of(const std::string& bed, const std::string& patient_id) const {
    auto r = request(1);
    auto* u = r.mutable_update_patient();
    u->set_bed(bed);
    u->set_patient_id(patient_id);
    if (!m_.family_name.empty() || !m_.given_name.empty())
      u->set_patient_name(m_.given_name.empty()    ? m_.family_name
                          : m_.family_name.empty() ? m_.given_name
                                                   : m_.family_name + ", " + m_.given_name);
    if (m_.birth_date.size() >= 8)
      u->set_birth_date(m_.birth_date.substr(0, 4) + "-" + m_.birth_date.substr(4, 2) + "-" +
                        m_.birth_date.substr(6, 2));
    return r;
  }

  v1::CommandRequest request(std::size_t n) const {
    v1::CommandRequest r;
    r.set_request_id("adt:" + m_.control_id + ":" + std::to_string(n));
    r.set_actor("ADT");
    r.set_station("HL7 ADT^" + m_.trigger + " from " + m_.sender + " (MSH-10 " + m_.control_id + ")");
    return r;
  }
  v1::CommandRequest admit_to(const std::string& bed, std::size_t n) const {
    auto r = request(n);
    r.mutable_admit()->set_bed(bed);
    r.mutable_admit()->set_patient_id(m_.patient_id);
    return r;
  }
  v1::CommandRequest discharge_from(const std::string& bed, std::size_t n) const {
    auto r = request(n);
    r.mutable_discharge()->set_bed(bed);
    return r;
  }
  std::optional<AdtRefusal> infusion_on(const std::string& bed, const std::string& what) const {
    if (!beds_.at(bed).infusion_running) return std::nullopt;
    auto r = refuse(err::application_internal_error,
                    "an infusion runs on " + bed + " (patient " + m_.patient_id + "): " + what +
                        " refused until staff stop it at the bedside; nothing "
                        "changed");
    r.infusion_bed = bed;
    return r;
  }

  std::variant<AdtPlan, AdtRefusal> admit() const {
    auto to = bed_at(m_.location);
    if (auto* r = std::get_if<AdtRefusal>(&to)) return *r;
    const auto& bed = std::get<std::string>(to);
    const auto& occupant = beds_.at(bed).patient_id;
    if (occupant == m_.patient_id) return AdtPlan{{}, "patient " + m_.patient_id + " is already in " + bed};
    if (!occupant.empty())
      return refuse(err::application_internal_error,
                    bed + " (" + location_text(m_.location) + ") is occupied by patient " + occupant +
                        "; discharge or transfer them first; nothing changed");
    if (auto elsewhere = bed_of_patient())
      return refuse(err::application_internal_error, "patient " + m_.patient_id + " is already in " +
                                                         *elsewhere +
                                                         "; send A02 to move them; nothing changed");
    return AdtPlan{{admit_to(bed, 1)}, {}};
  }

  std::variant<AdtPlan, AdtRefusal> discharge() const {
    auto at = bed_at(m_.location);
    if (auto* r = std::get_if<AdtRefusal>(&at)) return *r;
    const auto& bed = std::get<std::string>(at);
    const auto& occupant = beds_.at(bed).patient_id;
    if (occupant != m_.patient_id)
      return refuse(err::application_internal_error,
                    "patient " + m_.patient_id + " is not in " + bed + " (" +
                        (occupant.empty() ? "it is empty" : "patient " + occupant + " is") +
                        "); nothing changed");
    if (auto r = infusion_on(bed, m_.event == AdtEvent::discharge ? "discharge" : "cancel of the admission"))
      return *r;
    return AdtPlan{{discharge_from(bed, 1)}, {}};
  }

  std::variant<AdtPlan, AdtRefusal> transfer() const {
    auto to = bed_at(m_.location);
    if (auto* r = std::get_if<AdtRefusal>(&to)) return *r;
    const auto& target = std::get<std::string>(to);
    const auto from = bed_of_patient();
    if (!from)
      return refuse(
          err::application_internal_error,
          "patient " + m_.patient_id + " is in no bed of this vigil; admit them first; nothing changed");
    if (*from == target) return AdtPlan{{}, "patient " + m_.patient_id + " is already in " + target};
    const auto& occupant = beds_.at(target).patient_id;
    if (!occupant.empty())
      return refuse(err::application_internal_error, target + " (" + location_text(m_.location) +
                                                         ") is occupied by patient " + occupant +
                                                         "; nothing changed");
    if (auto r = infusion_on(*from, "transfer")) return *r;
    return AdtPlan{{discharge_from(*from, 1), admit_to(target, 2)}, {}};
  }

  std::variant<AdtPlan, AdtRefusal> update() const {
    const auto bed = bed_of_patient();
    if (!bed) return unknown(m_.patient_id);
    auto r = update_of(*bed, m_.patient_id);
    if (r.update_patient().patient_name().empty() && r.update_patient().birth_date().empty())
      return AdtPlan{{}, "PID-5 and PID-7 are empty: nothing to update for patient " + m_.patient_id};
    return AdtPlan{{std::move(r)}, {}};
  }

  // A40: the patient vigil knows as MRG-1 is from now on PID-3.
  std::variant<AdtPlan, AdtRefusal> merge() const {
    const auto prior = bed_of_patient(m_.prior_patient_id);
    const auto surviving = bed_of_patient();
    if (!prior) {
      if (surviving) return AdtPlan{{}, "patient " + m_.patient_id + " is already in " + *surviving};
      return unknown(m_.prior_patient_id);
    }
    if (surviving)
      return refuse(err::application_internal_error,
                    "patient " + m_.prior_patient_id + " (" + *prior + ") and patient " + m_.patient_id +
                        " (" + *surviving +
                        ") are both in beds: one person cannot lie in two; discharge the wrong "
                        "admission first; nothing changed");
    auto r = update_of(*prior, m_.prior_patient_id);
    r.mutable_update_patient()->set_new_patient_id(m_.patient_id);
    return AdtPlan{{std::move(r)}, {}};
  }

  const AdtMessage& m_;
  const std::vector<BedPlace>& places_;
  const std::map<std::string, BedView>& beds_;
};

}  // namespace

std::variant<AdtPlan, AdtRefusal> plan_adt(const AdtMessage& m, const std::vector<BedPlace>& places,
                                           const std::map<std::string, BedView>& beds) {
  return Planner{m, places, beds}.run();
}

}  // namespace vigil::adt
