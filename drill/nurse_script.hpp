#pragma once
// The nurse's scripted actions in a ward's scenarios (starting and stopping
// infusions, acknowledging, pausing, entries, discharge), played by the
// drill runner through vigild's command channel as vigil-ctl would send them.
//
// An action falls due when vigild's own time, as its bus has carried it to
// the runner (the daemon-wide heartbeat), reaches the action's time, not
// when the simulator's clock does. The simulator runs up to half a second of
// drill time ahead of vigild, and the bus takes a moment more; at 100x on a
// busy machine that gap is many seconds of drill, and an acknowledgement
// played by the simulator's clock found no alarm yet heard though vigild had
// raised it 20 s (of drill time) before. vigild publishes its heartbeat after
// everything it did up to that moment, and the bus keeps order, so an action
// played by the heartbeat acts on the state vigild was in at that time.
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

  // The actions due now that the bus has carried vigild's time to
  // `seen.daemon_time`, each returned once, in time order.
  std::vector<ScriptedAction> due(const DrillRecord& seen);

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
