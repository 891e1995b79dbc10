// ADT messages from the hospital, applied on the core loop: read, planned
// against the beds as they are now, run as the commands staff would send
// (journalled with actor "ADT"), and answered with an HL7 ACK that says what
// changed or why nothing did.
#include <spdlog/spdlog.h>

#include "adt/adt_plan.hpp"
#include "daemon/vigil_daemon.hpp"

namespace vigil::daemon {
namespace {

using drivers::AckCode;

std::string ack(const drivers::Hl7Message* original, AckCode code, int error_code, const std::string& text,
                std::uint64_t n, core::TimePoint now) {
  drivers::AckRequest r;
  r.original = original;
  r.code = code;
  r.error_code = error_code;
  r.text = text;
  r.control_id = "ADT" + std::to_string(n);
  r.time = now;
  return drivers::encode_ack(r);
}

std::vector<adt::BedPlace> adt_places(const vigil::v1::config::AdtListen& config) {
  std::vector<adt::BedPlace> places;
  for (const auto& l : config.location())
    places.push_back({{l.point_of_care(), l.room(), l.bed()}, l.bed_id()});
  return places;
}

}  // namespace

std::string VigilDaemon::on_adt(const std::string& text, const std::string& peer) {
  const auto now = clock_.now();
  const auto n = ++adt_acks_;
  const auto parsed = drivers::parse_hl7(text);
  if (!parsed.message) {
    spdlog::warn("ADT from {} refused: not HL7: {}", peer, parsed.error);
    return ack(nullptr, AckCode::reject, drivers::hl7_error::data_type_error, "not HL7: " + parsed.error, n,
               now);
  }
  const auto* original = &*parsed.message;
  const auto refuse = [&](const adt::AdtRefusal& r, const std::string& what) {
    spdlog::warn("ADT {} from {} refused ({}): {}", what, peer, ack_code_text(r.code), r.text);
    return ack(original, r.code, r.error_code, r.text, n, now);
  };
  const auto read = adt::read_adt(*original);
  if (const auto* r = std::get_if<adt::AdtRefusal>(&read)) return refuse(*r, "message");
  const auto& m = std::get<adt::AdtMessage>(read);
  const std::string what = "ADT^" + m.trigger + " " + m.control_id;
  std::map<std::string, adt::BedView> beds;
  for (const auto& [id, b] : beds_) beds[id] = {b->alarms().patient_id(), b->alarms().infusion().has_value()};
  const auto plan = adt::plan_adt(m, adt_places(config_.adt_listen()), beds);
  if (const auto* r = std::get_if<adt::AdtRefusal>(&plan)) {
    // The chart now says the patient left while vigil still monitors the
    // infusion: staff must hear of it, not only the sender's log.
    if (!r->infusion_bed.empty())
      beds_.at(r->infusion_bed)
          ->on_adt_refused(what + " from " + m.sender + " (" + adt::event_text(m.event) + " of patient " +
                               m.patient_id +
                               ") refused while the infusion runs: the hospital record shows the patient "
                               "gone; stop the infusion and discharge, or have the record corrected",
                           now);
    return refuse(*r, what);
  }
  const auto& p = std::get<adt::AdtPlan>(plan);
  if (p.commands.empty()) {
    spdlog::info("{} from {}: nothing to do: {}", what, peer, p.note);
    return ack(original, AckCode::accept, 0, p.note, n, now);
  }
  // The plan was checked against the beds as they are, on this thread, so
  // each command should succeed; if one does not, what ran is said too.
  std::string done;
  for (const auto& command : p.commands) {
    const auto reply = execute(command);
    if (!reply.ok()) {
      const std::string why =
          reply.error() + (done.empty() ? "; nothing changed" : "; done before it: " + done);
      return refuse({AckCode::error, drivers::hl7_error::application_internal_error, why, {}}, what);
    }
    done += (done.empty() ? "" : "; ") + reply.message();
  }
  spdlog::info("{} from {}: {}", what, peer, done);
  return ack(original, AckCode::accept, 0, done, n, now);
}

}  // namespace vigil::daemon
