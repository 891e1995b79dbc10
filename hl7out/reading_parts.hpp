#pragma once
// A PCD-01 message of one reading, kept in the outbox as what it is made of
// rather than as its text (about 0.7 kB): the value, and the send context,
// that is everything else the message says (the MSH ids, the drill flag, the
// bed and patient) as they were when the reading came, so a reload or a
// discharge never changes a queued message. Many readings share one context,
// so the outbox stores each context once (outbox.hpp); a reading that goes to
// several destinations is stored once too, with a copy (its own MSH-10 and
// context) per destination. The text is built again each time a copy is
// read, the same each time: MSH-10 from the copy's id, MSH-7 from when it
// was queued, times to the millisecond as HL7 has them.
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "core/time.hpp"
#include "hl7out/message_header.hpp"
#include "hl7out/pcd01_encoder.hpp"

namespace vigil::hl7out {

struct SendContext {
  std::string sending_application;
  std::string sending_facility;
  std::string receiving_application;
  std::string receiving_facility;
  std::string equipment_eui64;
  bool test = false;  // MSH-11 T
  std::string bed;
  std::string patient_id;

  auto key() const {
    return std::tie(sending_application, sending_facility, receiving_application, receiving_facility,
                    equipment_eui64, test, bed, patient_id);
  }
  bool operator<(const SendContext& o) const { return key() < o.key(); }
  bool operator==(const SendContext& o) const { return key() == o.key(); }
};

struct ReadingParts {
  SendContext context;
  ReportedValue value;
};

// One destination's copy of a reading: its id (its MSH-10, and its place in
// that destination's queue) and its context.
struct ReadingCopy {
  std::int64_t id = 0;
  std::string destination;
  SendContext context;
};

// A reading for every destination that takes it, its value stored once.
struct SharedReading {
  ReportedValue value;
  std::vector<ReadingCopy> copies;  // ids ascending
};

// The context of a message made with this header for this bed.
SendContext send_context(const MessageHeader& h, const BedContext& bed);
// The message as encode_oru_r01 made it when queued with id `id` at `queued`.
std::string reading_text(const ReadingParts& parts, std::int64_t id, core::TimePoint queued);

}  // namespace vigil::hl7out
