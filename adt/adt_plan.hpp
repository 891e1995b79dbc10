#pragma once
// What an ADT message asks of vigil's beds, as the commands staff would send
// (admit, discharge), or why it is refused. The daemon runs the commands on
// its core thread through the command handler, so an admission from ADT is
// checked and journalled like one typed by staff, with actor "ADT".
//
// Decisions (vigil's):
//  - The bed is the one the config maps PV1-3 to; a location that maps to no
//    bed is refused (AE), never guessed.
//  - A patient is in at most one bed: an admit of a patient vigil already has
//    elsewhere is refused (the sender should send A02).
//  - A repeated admit or transfer that is already in effect is accepted with
//    nothing to do: interface engines resend when an ACK is lost.
//  - Discharge, transfer and cancel of an admission are refused while an
//    infusion runs on the patient's bed: the infusion's monitoring must not
//    end because a message came; staff stop the infusion first.
//  - A02 and A12 move the patient from the bed vigil has them in to the bed
//    PV1-3 names (for A12, the bed before the transfer being cancelled);
//    the new bed gets its own configured profile.
//  - A08 updates the name and date of birth of the patient PID-3 names,
//    wherever vigil has them; A40 gives the patient vigil has as MRG-1 the
//    id PID-3. Both are refused with AR for a patient in none of vigil's
//    beds, and A40 with AE when both ids lie in beds. The location is not
//    checked: the patient's id says who, and neither moves anyone.
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "adt/adt_message.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::adt {

// One line of the config's location map.
struct BedPlace {
  Location location;
  std::string bed_id;
};

// What the plan needs to know of a bed now.
struct BedView {
  std::string patient_id;  // empty: no patient
  bool infusion_running = false;
};

struct AdtPlan {
  std::vector<vigil::v1::CommandRequest> commands;  // in order; empty: nothing to do
  std::string note;                                 // when there is nothing to do: why
};

std::variant<AdtPlan, AdtRefusal> plan_adt(const AdtMessage& m, const std::vector<BedPlace>& places,
                                           const std::map<std::string, BedView>& beds);

}  // namespace vigil::adt
