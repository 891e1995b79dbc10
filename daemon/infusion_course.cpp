#include "daemon/infusion_course.hpp"

#include <cmath>

#include "core/infusion_dose.hpp"
#include "wire/timestamp.hpp"

namespace vigil::daemon {

std::optional<core::Error> InfusionCourse::follow(const alerts::BedAlarms& bed) {
  const auto& inf = bed.infusion();
  if (!inf)
    return core::Error::at("bed", "no infusion is running on " + bed.bed(), core::ErrorCode::conflict);
  if (inf->started != infusion_started_) {
    infusion_started_ = inf->started;
    pause_.reset();
    rate_mg_per_min_.reset();
  }
  return std::nullopt;
}

void InfusionCourse::restore(core::TimePoint infusion_started,
                             const std::vector<vigil::v1::ContextEvent>& events) {
  infusion_started_ = infusion_started;
  pause_.reset();
  rate_mg_per_min_.reset();
  for (const auto& e : events) {
    const auto time = wire::from_proto(e.time());
    if (time < infusion_started) continue;
    if (e.what() == "infusion_paused") {
      pause_ = Pause{time, e.new_value(), alerts::who({e.actor(), e.station()})};
    } else if (e.what() == "infusion_resumed") {
      pause_.reset();
    } else if (e.what() == "infusion_rate_changed") {
      if (const auto rate = core::parse_infusion_rate(e.new_value())) rate_mg_per_min_ = rate;
    }
  }
}

bool InfusionCourse::paused(const alerts::BedAlarms& bed) const {
  return pause_now(bed).has_value();
}

std::optional<InfusionCourse::Pause> InfusionCourse::pause_now(const alerts::BedAlarms& bed) const {
  if (!bed.infusion() || bed.infusion()->started != infusion_started_) return std::nullopt;
  return pause_;
}

std::optional<double> InfusionCourse::rate_now(const alerts::BedAlarms& bed) const {
  if (!bed.infusion() || bed.infusion()->started != infusion_started_) return std::nullopt;
  return rate_mg_per_min_;
}

core::Result<std::string> InfusionCourse::pause(const alerts::BedAlarms& bed, const std::string& reason,
                                                const alerts::Actor& actor, core::TimePoint now,
                                                std::vector<alerts::ContextChange>& out) {
  if (auto e = follow(bed)) return *e;
  if (pause_)
    return core::Error::at(
        "bed",
        "the infusion on " + bed.bed() + " is already paused (since " +
            std::to_string(std::chrono::duration_cast<std::chrono::minutes>(now - pause_->since).count()) +
            " min)",
        core::ErrorCode::conflict);
  pause_ = Pause{now, reason, alerts::who(actor)};
  const std::string message = bed.infusion()->drug + " paused on " + bed.bed() + " by " + alerts::who(actor) +
                              (reason.empty() ? "" : ": " + reason);
  out.push_back({"infusion_paused", message, "", reason, actor, bed.patient_id()});
  return message;
}

core::Result<std::string> InfusionCourse::resume(const alerts::BedAlarms& bed, const alerts::Actor& actor,
                                                 core::TimePoint now,
                                                 std::vector<alerts::ContextChange>& out) {
  if (auto e = follow(bed)) return *e;
  if (!pause_)
    return core::Error::at("bed", "the infusion on " + bed.bed() + " is not paused",
                           core::ErrorCode::conflict);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - pause_->since).count();
  pause_.reset();
  const std::string message = bed.infusion()->drug + " resumed on " + bed.bed() + " by " +
                              alerts::who(actor) + " after a pause of " + std::to_string(minutes) + " min";
  out.push_back({"infusion_resumed", message, "", "", actor, bed.patient_id()});
  return message;
}

core::Result<std::string> InfusionCourse::change_rate(const alerts::BedAlarms& bed, double rate_mg_per_min,
                                                      const std::string& reason, const alerts::Actor& actor,
                                                      std::vector<alerts::ContextChange>& out) {
  if (auto e = follow(bed)) return *e;
  if (!std::isfinite(rate_mg_per_min) || rate_mg_per_min <= 0 || rate_mg_per_min > kMaxRateMgPerMin)
    return core::Error::at("rate_mg_per_min", "must be above 0 and at most " +
                                                  core::infusion_rate_text(kMaxRateMgPerMin) +
                                                  " (pause the infusion to stop it for a while)");
  const std::string old = rate_mg_per_min_ ? core::infusion_rate_text(*rate_mg_per_min_) : "";
  rate_mg_per_min_ = rate_mg_per_min;
  const std::string message = bed.infusion()->drug + " rate on " + bed.bed() + " set to " +
                              core::infusion_rate_text(rate_mg_per_min) + " by " + alerts::who(actor) +
                              (pause_ ? " (still paused)" : "") + (reason.empty() ? "" : ": " + reason);
  out.push_back({"infusion_rate_changed", message, old, core::infusion_rate_text(rate_mg_per_min), actor,
                 bed.patient_id()});
  return message;
}

}  // namespace vigil::daemon
