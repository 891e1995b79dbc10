#include "drill/drill_plan.hpp"

#include "drivers/device_session.hpp"

namespace vigil::drill {

std::string local_endpoint(const std::string& bound) {
  for (const std::string any : {"tcp://0.0.0.0:", "tcp://*:"})
    if (bound.starts_with(any)) return "tcp://127.0.0.1:" + bound.substr(any.size());
  return bound;
}

DrillPlan plan_drill(const sim::Ward& ward, const std::string& work_dir, const std::string& publish,
                     const std::string& command, const std::function<int()>& free_port,
                     bool serial_over_tcp) {
  DrillPlan plan;
  plan.publish = publish.empty() ? "tcp://127.0.0.1:" + std::to_string(free_port()) : publish;
  plan.command = command.empty() ? "tcp://127.0.0.1:" + std::to_string(free_port()) : command;
  plan.subscribe = local_endpoint(plan.publish);
  plan.command_client = local_endpoint(plan.command);
  std::string c = "# Written by vigil-drill for \"" + ward.title + "\" (" + ward.file + ").\n";
  c += "# A drill: everything vigild publishes is marked as drill data.\n";
  c +=
      "publish_endpoint: \"" + plan.publish + "\"\ncommand_endpoint: \"" + plan.command + "\"\ndrill: true\n";
  // The drill's journal is its own: a drill never writes into a ward's journal.
  c += "journal_path: \"" + work_dir + "/journal.db\"\n";
  for (const auto& bed : ward.beds) {
    c += "bed {\n  id: \"" + bed.id + "\"\n";
    for (const auto& d : bed.devices) {
      std::string sim =
          "bed=" + bed.id + ",id=" + d.id + ",protocol=" + d.protocol + ",scenario=" + bed.scenario_ref;
      c += "  device { id: \"" + d.id + "\" protocol: \"" + d.protocol + "\" ";
      const auto* protocol = drivers::find_protocol(d.protocol);
      const bool sender = protocol && protocol->transport == drivers::Transport::tcp_sender;
      if (d.via == sim::WardDevice::Via::pty && !serial_over_tcp) {
        const std::string link = work_dir + "/" + bed.id + "-" + d.id;
        c += "path: \"" + link + "\"";
        sim += ",pty=" + link;
        plan.pty_links.push_back(link);
      } else {
        // An HL7 sender connects to vigild; a serial device server is
        // connected to by vigild.
        const std::string where = "127.0.0.1:" + std::to_string(free_port());
        c += std::string{sender ? "tcp_listen" : "tcp_connect"} + ": \"" + where + "\"";
        sim += std::string{sender ? ",tcp-connect=" : ",tcp-listen="} + where;
      }
      c += " }\n";
      plan.sim_devices.push_back(sim);
    }
    c += "}\n";
  }
  plan.config_text = c;
  return plan;
}

}  // namespace vigil::drill
