// Admissions in (adt/): arbitrary bytes through the MLLP deframer, the HL7
// parser, the ADT reader and the planner, against two mapped beds, one of
// them with an infusion running. No crash; every refusal says why; a plan
// never admits to an occupied bed, never discharges or moves the patient of
// the bed with the infusion, updates (A08, A40) only the patient a bed holds
// and never merges into an id another bed holds, and every command is from
// "ADT"; the ACK sent back reads as an acknowledgement.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "adt/adt_plan.hpp"
#include "drivers/hl7/mllp_framing.hpp"

namespace {
void check(bool ok) {
  if (!ok) __builtin_trap();
}

using namespace vigil;

const std::vector<adt::BedPlace> kPlaces{
    {{"ICU", "1", "A"}, "bed-1"}, {{"ICU", "1", "B"}, "bed-2"}, {{"ICU", "2", "A"}, "bed-3"}};
const std::map<std::string, adt::BedView> kBeds{
    {"bed-1", {"PAT-1", true}}, {"bed-2", {"", false}}, {"bed-3", {"PAT-3", false}}};

void one(const std::string& text) {
  const auto parsed = drivers::parse_hl7(text);
  if (!parsed.message) return;
  const auto read = adt::read_adt(*parsed.message);
  drivers::AckRequest ack;
  ack.original = &*parsed.message;
  ack.control_id = "ADT1";
  if (const auto* r = std::get_if<adt::AdtRefusal>(&read)) {
    check(!r->text.empty() && r->code != drivers::AckCode::accept);
    ack.code = r->code;
    ack.text = r->text;
  } else {
    const auto& m = std::get<adt::AdtMessage>(read);
    check(!m.patient_id.empty() && !m.control_id.empty());
    const auto plan = adt::plan_adt(m, kPlaces, kBeds);
    if (const auto* refused = std::get_if<adt::AdtRefusal>(&plan)) {
      check(!refused->text.empty() && refused->code != drivers::AckCode::accept);
    } else {
      const auto& p = std::get<adt::AdtPlan>(plan);
      check(p.commands.size() <= 2 && (p.commands.empty() != p.note.empty()));
      for (const auto& c : p.commands) {
        check(c.actor() == "ADT");
        if (c.has_admit()) check(kBeds.at(c.admit().bed()).patient_id.empty());
        if (c.has_discharge()) check(!kBeds.at(c.discharge().bed()).infusion_running);
        // An update lands only on the patient the bed holds; a merge never
        // gives one person two beds.
        if (c.has_update_patient()) {
          const auto& u = c.update_patient();
          check(kBeds.at(u.bed()).patient_id == u.patient_id() && !u.patient_id().empty());
          for (const auto& [id, b] : kBeds)
            check(u.new_patient_id().empty() || b.patient_id != u.new_patient_id());
        }
        check(c.has_admit() || c.has_discharge() || c.has_update_patient());
      }
    }
  }
  check(drivers::parse_ack(drivers::encode_ack(ack)).has_value());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Framed as a sender would, and also as the bare text of one message.
  drivers::MllpDeframer deframer;
  std::vector<std::string> errors;
  deframer.feed(
      std::span{data, size}, [](const std::string& frame) { one(frame); }, errors);
  one(std::string{reinterpret_cast<const char*>(data), size});
  return 0;
}
