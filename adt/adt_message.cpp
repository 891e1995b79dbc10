#include "adt/adt_message.hpp"

#include <array>
#include <cctype>

namespace vigil::adt {
namespace {

using drivers::AckCode;
namespace err = drivers::hl7_error;

struct Trigger {
  std::string_view code;
  AdtEvent event;
};
constexpr std::array<Trigger, 9> kTriggers{{
    {"A01", AdtEvent::admit},
    {"A04", AdtEvent::admit},
    {"A02", AdtEvent::transfer},
    {"A03", AdtEvent::discharge},
    {"A11", AdtEvent::cancel_admit},
    {"A12", AdtEvent::cancel_transfer},
    {"A13", AdtEvent::cancel_discharge},
    {"A08", AdtEvent::update},
    {"A40", AdtEvent::merge},
}};

AdtRefusal refuse(AckCode code, int error_code, std::string text) {
  return {code, error_code, std::move(text), {}};
}

Location location_of(const drivers::Hl7Message& m, std::string_view field) {
  return {m.component(field, 1), m.component(field, 2), m.component(field, 3)};
}

bool digits(std::string_view s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

const char* event_text(AdtEvent e) {
  switch (e) {
    case AdtEvent::admit:
      return "admission";
    case AdtEvent::transfer:
      return "transfer";
    case AdtEvent::discharge:
      return "discharge";
    case AdtEvent::cancel_admit:
      return "cancel of the admission";
    case AdtEvent::cancel_transfer:
      return "cancel of the transfer";
    case AdtEvent::cancel_discharge:
      return "cancel of the discharge";
    case AdtEvent::update:
      return "update";
    case AdtEvent::merge:
      return "merge";
  }
  return "event";
}

std::string location_text(const Location& l) {
  return "'" + l.point_of_care + "' room '" + l.room + "' bed '" + l.bed + "'";
}

std::variant<AdtMessage, AdtRefusal> read_adt(const drivers::Hl7Message& m) {
  const auto* msh = m.first("MSH");
  if (!msh) return refuse(AckCode::reject, err::required_field_missing, "no MSH segment");
  AdtMessage a;
  a.control_id = std::string{msh->field(10)};
  if (a.control_id.empty()) return refuse(AckCode::reject, err::required_field_missing, "MSH-10 is empty");
  const std::string type = m.component(msh->field(9), 1);
  a.trigger = m.component(msh->field(9), 2);
  a.sender = m.component(msh->field(3), 1) + "^" + m.component(msh->field(4), 1);
  if (type != "ADT")
    return refuse(AckCode::reject, err::unsupported_message_type,
                  "MSH-9 '" + type + "' is not ADT: this port takes admissions only");
  const auto* trigger = [&]() -> const Trigger* {
    for (const auto& t : kTriggers)
      if (t.code == a.trigger) return &t;
    return nullptr;
  }();
  if (!trigger) {
    std::string known;
    for (const auto& t : kTriggers) known += (known.empty() ? "" : ", ") + std::string{t.code};
    return refuse(AckCode::reject, err::unsupported_message_type,
                  "ADT^" + a.trigger + " is not handled; vigil acts on " + known);
  }
  a.event = trigger->event;
  // A training or debugging message must not move a real patient.
  if (const auto processing = m.component(msh->field(11), 1); processing != "P")
    return refuse(AckCode::reject, err::unsupported_processing_id,
                  "MSH-11 '" + processing + "' is not P (production): nothing changed");

  const auto* pid = m.first("PID");
  if (!pid) return refuse(AckCode::error, err::required_field_missing, "no PID segment");
  a.patient_id = m.component(pid->field(3), 1);
  if (a.patient_id.empty())
    return refuse(AckCode::error, err::required_field_missing, "PID-3 (patient identifier) is missing");
  a.family_name = m.component(pid->field(5), 1);
  a.given_name = m.component(pid->field(5), 2);
  a.birth_date = m.component(pid->field(7), 1);
  if (!a.birth_date.empty() && (a.birth_date.size() < 8 || !digits(a.birth_date.substr(0, 8))))
    return refuse(AckCode::error, err::data_type_error,
                  "PID-7 (date of birth) '" + a.birth_date + "' is not YYYYMMDD");

  if (a.event == AdtEvent::merge) {
    const auto* mrg = m.first("MRG");
    a.prior_patient_id = mrg ? m.component(mrg->field(1), 1) : "";
    if (a.prior_patient_id.empty())
      return refuse(AckCode::error, err::required_field_missing,
                    "MRG-1 (the prior patient identifier to merge) is missing");
  }
  // An update or merge finds the patient by id; where they lie is not asked.
  const bool by_id = a.event == AdtEvent::update || a.event == AdtEvent::merge;
  const auto* pv1 = m.first("PV1");
  if (by_id && (!pv1 || pv1->field(3).empty())) return a;
  if (!pv1) return refuse(AckCode::error, err::required_field_missing, "no PV1 segment");
  a.location = location_of(m, pv1->field(3));
  a.prior_location = location_of(m, pv1->field(6));
  if (a.location.empty())
    return refuse(AckCode::error, err::required_field_missing,
                  "PV1-3 (assigned patient location) is missing");
  return a;
}

}  // namespace vigil::adt
