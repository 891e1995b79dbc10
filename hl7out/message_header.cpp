#include "hl7out/message_header.hpp"

#include "hl7out/hl7_text.hpp"

namespace vigil::hl7out {

std::string msh(const MessageHeader& h, const char* message_type, const char* profile) {
  // MSH-15 AL, MSH-16 NE: the receiver acknowledges accepting each message
  // (original-mode ACK over MLLP), as the PCD TF asks of a reporter.
  return "MSH|^~\\&|" + escape(h.sending_application) + "^" + h.equipment_eui64 + "^EUI-64|" +
         escape(h.sending_facility) + "|" + escape(h.receiving_application) + "|" +
         escape(h.receiving_facility) + "|" + timestamp(h.time) + "||" + message_type + "|" +
         escape(h.control_id) + "|" + (h.test ? "T" : "P") + "|2.6|||AL|NE||UNICODE UTF-8|||" + profile +
         "\r";
}

std::string pid_pv1(const BedContext& bed, const MessageHeader& h) {
  std::string s = "PID|||";
  if (!bed.patient_id.empty()) s += escape(bed.patient_id) + "^^^" + escape(h.sending_facility) + "^MR";
  s += "\rPV1||I|^^" + escape(bed.bed) + "\r";
  return s;
}

std::string equipment(const MessageHeader& h) {
  return h.equipment_eui64 + "^^" + h.equipment_eui64 + "^EUI-64";
}

}  // namespace vigil::hl7out
