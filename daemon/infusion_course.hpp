#pragma once
// A running infusion's pauses, resumes and rate changes: state commands,
// not notes, since they change what the record counts as given. vigild
// keeps whether the infusion it knows is paused and at what rate it runs;
// each change goes out as an attributed context change (infusion_paused,
// infusion_resumed, infusion_rate_changed) for the bus and the journal,
// from which the record computes the cumulative dose. The alarms do not
// change: the baseline and its rules stay in force while paused.
#include <optional>
#include <string>
#include <vector>

#include "alerts/bed_alarms.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "vigil/v1/bus.pb.h"

namespace vigil::daemon {

class InfusionCourse {
 public:
  static constexpr double kMaxRateMgPerMin = 1000;

  // Errors name the field at fault: "bed" (no infusion, already paused,
  // not paused), "rate_mg_per_min".
  core::Result<std::string> pause(const alerts::BedAlarms& bed, const std::string& reason,
                                  const alerts::Actor& actor, core::TimePoint now,
                                  std::vector<alerts::ContextChange>& out);
  core::Result<std::string> resume(const alerts::BedAlarms& bed, const alerts::Actor& actor,
                                   core::TimePoint now, std::vector<alerts::ContextChange>& out);
  core::Result<std::string> change_rate(const alerts::BedAlarms& bed, double rate_mg_per_min,
                                        const std::string& reason, const alerts::Actor& actor,
                                        std::vector<alerts::ContextChange>& out);

  // Whether the bed's running infusion is paused now.
  bool paused(const alerts::BedAlarms& bed) const;

  // The pause in force, for the bed's status: a station that starts
  // mid-pause shows it from this, not from events it never saw.
  struct Pause {
    core::TimePoint since;
    std::string reason;  // as entered; empty when none was given
    std::string by;      // "A. Diaz at station-1"
  };
  std::optional<Pause> pause_now(const alerts::BedAlarms& bed) const;
  // The last rate set for the bed's running infusion, when one was.
  std::optional<double> rate_now(const alerts::BedAlarms& bed) const;

  // After a restart: the course of the infusion that started at
  // `infusion_started`, from its context events as journalled (oldest
  // first; other events are passed over), so a paused infusion is still
  // paused and its last rate known.
  void restore(core::TimePoint infusion_started, const std::vector<vigil::v1::ContextEvent>& events);

 private:
  // Forgets what belonged to an earlier infusion; an error when none runs.
  std::optional<core::Error> follow(const alerts::BedAlarms& bed);

  core::TimePoint infusion_started_{};
  std::optional<Pause> pause_;
  std::optional<double> rate_mg_per_min_;  // the last one set; unknown until then
};

}  // namespace vigil::daemon
