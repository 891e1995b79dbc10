#pragma once
// An HL7 v2 ADT message read into what vigil uses of it.
//
// Fields read (HL7 v2.5.1 chapter 3, Patient Administration; the same
// positions in v2.3 to v2.8): MSH-3/4 sending application and facility,
// MSH-9 message type and trigger (ADT^A01), MSH-10 control id, MSH-11
// processing id; PID-3 patient identifier list (first repetition, ID in
// component 1), PID-5 patient name (family^given), PID-7 date of birth
// (read and checked, journalled with the message; not kept on the bed yet);
// PV1-3 assigned patient location (point of care^room^bed), PV1-6 prior
// patient location; for A40 (ADT_A39 structure) MRG-1 prior patient
// identifier list (first repetition, ID in component 1): the id merged into
// PID-3. A08 and A40 do not need PV1 (vigil finds the patient by id).
#include <string>
#include <variant>

#include "drivers/hl7/hl7_message.hpp"

namespace vigil::adt {

enum class AdtEvent {
  admit,             // A01 admit, A04 register
  transfer,          // A02
  discharge,         // A03
  cancel_admit,      // A11
  cancel_transfer,   // A12
  cancel_discharge,  // A13
  update,            // A08: name, date of birth
  merge,             // A40: MRG-1 becomes PID-3
};

// "discharge", "transfer", ...: what the event does, for staff.
const char* event_text(AdtEvent e);

// PV1-3 / PV1-6: point of care^room^bed (PL components 1-3).
struct Location {
  std::string point_of_care;
  std::string room;
  std::string bed;

  bool empty() const { return point_of_care.empty() && room.empty() && bed.empty(); }
  bool operator==(const Location&) const = default;
};
// "'ICU' room '1' bed 'A'": readable in an ACK, where '^' would be escaped.
std::string location_text(const Location& l);

struct AdtMessage {
  std::string trigger;  // "A01"
  AdtEvent event = AdtEvent::admit;
  std::string control_id;  // MSH-10
  std::string sender;      // "APP^FACILITY" (MSH-3.1, MSH-4.1)
  std::string patient_id;  // PID-3.1
  std::string family_name;
  std::string given_name;
  std::string birth_date;        // PID-7 as written (YYYYMMDD...)
  std::string prior_patient_id;  // MRG-1.1 (A40)
  Location location;             // PV1-3
  Location prior_location;       // PV1-6
};

// Why a message is not acted on: the acknowledgement to send.
struct AdtRefusal {
  drivers::AckCode code = drivers::AckCode::error;
  int error_code = drivers::hl7_error::application_internal_error;  // HL7 table 0357
  std::string text;
  // The bed whose running infusion refused a discharge, cancel or transfer
  // (the ADT system now believes the patient left it); empty otherwise.
  std::string infusion_bed;
};

// AR: not ADT, an event vigil does not handle, or not a production
// (MSH-11 P) message; AE: a field vigil needs is missing or malformed.
std::variant<AdtMessage, AdtRefusal> read_adt(const drivers::Hl7Message& m);

}  // namespace vigil::adt
