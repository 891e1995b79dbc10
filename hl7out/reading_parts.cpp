#include "hl7out/reading_parts.hpp"

#include "hl7out/outbox.hpp"

namespace vigil::hl7out {

SendContext send_context(const MessageHeader& h, const BedContext& bed) {
  return {h.sending_application,
          h.sending_facility,
          h.receiving_application,
          h.receiving_facility,
          h.equipment_eui64,
          h.test,
          bed.bed,
          bed.patient_id};
}

std::string reading_text(const ReadingParts& parts, std::int64_t id, core::TimePoint queued) {
  const auto& c = parts.context;
  MessageHeader h;
  h.sending_application = c.sending_application;
  h.sending_facility = c.sending_facility;
  h.receiving_application = c.receiving_application;
  h.receiving_facility = c.receiving_facility;
  h.equipment_eui64 = c.equipment_eui64;
  h.control_id = Outbox::control_id(id);
  h.time = queued;
  h.test = c.test;
  return encode_oru_r01(h, {c.bed, c.patient_id}, {parts.value});
}

}  // namespace vigil::hl7out
