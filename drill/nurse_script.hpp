#pragma once
// The nurse's scripted actions in a ward's scenarios (starting and stopping
// infusions, acknowledging, pausing, entries, discharge), played by the
// drill runner through vigild's command channel as vigil-ctl would send them.
//
// An action falls due at its time on the simulator's clock, so vigild gets
// it at that moment of the drill (at 100x, a wait for the bus's round trip
// would start an infusion seconds of drill late). An acknowledgement acts
// on the alarm it names, so it also waits until that alarm is heard on the
// bus, or until vigild's own time, as the bus has carried it (its
// daemon-wide heartbeat), has reached the action's time, whichever comes
// first. The simulator runs up to half a second of drill time ahead of
// vigild and the bus takes a moment more: at 100x on a busy machine, the
// acknowledgement in infusion-record at 21:00 by the simulator's clock alone
// once found no desaturation heard, though vigild had raised it at 20:40.
// vigild publishes its heartbeat after everything it did up to that moment
// and the bus keeps order, so by then the alarm has been heard if vigild
// raised it in time.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "drill/drill_record.hpp"
#include "sim/ward.hpp"
#include "vigil/v1/command.pb.h"

namespace vigil::drill {

struct ScriptedAction {
  core::Duration at{};
  std::string bed;
  std::string patient_id;
  const sim::ScenarioEvent* event = nullptr;  // in the ward the script was made from
};

class NurseScript {
 public:
  // Every bed's infusion and staff events, in time order. `ward` must outlive the script.
  explicit NurseScript(const sim::Ward& ward);

  // The actions due when the simulator's clock says `simulator_time` (from
  // the drill's start) and the bus has shown `seen`, each returned once, in
  // time order: one that must wait holds back those after it.
  std::vector<ScriptedAction> due(core::Duration simulator_time, const DrillRecord& seen);
  bool done() const { return next_ == actions_.size(); }

 private:
  std::vector<ScriptedAction> actions_;
  std::size_t next_ = 0;
};

// "21:00 bed-1 acknowledge desaturation": the action as the runner reports it.
std::string action_text(const ScriptedAction& a);

// The command for the action, given what the bus has shown (an
// acknowledgement needs the id of the alarm it names); an error saying why
// when there is nothing to send it about.
core::Result<vigil::v1::CommandRequest> scripted_request(const ScriptedAction& a, const DrillRecord& seen);

}  // namespace vigil::drill
