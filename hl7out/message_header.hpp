#pragma once
// What every message vigil sends begins with: who sends it to whom (MSH),
// for which patient and bed (PID, PV1).
#include <string>

#include "core/time.hpp"

namespace vigil::hl7out {

struct MessageHeader {
  std::string sending_application = "VIGIL";
  std::string sending_facility;
  std::string receiving_application;
  std::string receiving_facility;
  std::string equipment_eui64;  // 16 hex digits; MSH-3 and OBX-18
  std::string control_id;       // MSH-10, kept by every retry
  core::TimePoint time{};       // MSH-7
  bool test = false;            // MSH-11 T instead of P (a drill sent to a test system)
};

struct BedContext {
  std::string bed;         // PV1-3.3
  std::string patient_id;  // PID-3.1; empty: no admitted patient
};

// The MSH segment of `message_type` (e.g. "ORU^R01^ORU_R01") under `profile` (MSH-21).
std::string msh(const MessageHeader& h, const char* message_type, const char* profile);
// PID and PV1.
std::string pid_pv1(const BedContext& bed, const MessageHeader& h);
// An entity identifier naming vigild's equipment: EUI^^EUI^EUI-64.
std::string equipment(const MessageHeader& h);

}  // namespace vigil::hl7out
