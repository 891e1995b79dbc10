#include "station/station_config.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <vector>

#include "config/text_config_errors.hpp"
#include "core/bounded_file.hpp"
#include "core/curve_keys.hpp"
#include "station/https_context.hpp"
#include "station/web_server.hpp"

namespace vigil::station {
namespace pb = google::protobuf;
using vigil::v1::station::StationConfig;

namespace {

// A key file that cannot be used is said at --check-config, not found out at
// the first connection.
std::string key_file_problem(const std::string& path, bool needs_secret) {
  auto keys = core::read_curve_key_file(path);
  if (!keys) return keys.error();
  if (needs_secret && keys->secret_key.empty())
    return path + ": no 'secret:' line (key_file is the station's .key file, not its .pub)";
  return "";
}

bool endpoint_ok(const std::string& e) {
  return e.starts_with("tcp://") || e.starts_with("ipc://");
}

void validate(const StationConfig& c, const pb::TextFormat::ParseInfoTree& tree,
              config::TextConfigErrors& errors) {
  const auto* d = StationConfig::descriptor();
  if (c.daemon_size() == 0)
    errors.add(0, 0, "no daemon to watch: add 'daemon { name: ... publish_endpoint: ... }'");
  if (c.trend_minutes() > 24 * 60)
    errors.at(tree, d, "trend_minutes", -1, "trend_minutes is at most 1440 (a day)");
  std::set<std::string> names;
  const auto* dd = vigil::v1::station::Daemon::descriptor();
  for (int i = 0; i < c.daemon_size(); ++i) {
    const auto& daemon = c.daemon(i);
    const auto* t = tree.GetTreeForNested(d->FindFieldByName("daemon"), i);
    if (daemon.name().empty())
      errors.at(tree, d, "daemon", i, "a daemon needs a name (shown when it is lost)");
    else if (!names.insert(daemon.name()).second)
      errors.at(*t, dd, "name", -1, "daemon name '" + daemon.name() + "' is used twice");
    if (!endpoint_ok(daemon.publish_endpoint()))
      errors.at(daemon.publish_endpoint().empty() ? tree : *t, daemon.publish_endpoint().empty() ? d : dd,
                daemon.publish_endpoint().empty() ? "daemon" : "publish_endpoint",
                daemon.publish_endpoint().empty() ? i : -1,
                "publish_endpoint must be tcp://host:port (vigild's publish_endpoint)");
    if (!endpoint_ok(daemon.command_endpoint()))
      errors.at(daemon.command_endpoint().empty() ? tree : *t, daemon.command_endpoint().empty() ? d : dd,
                daemon.command_endpoint().empty() ? "daemon" : "command_endpoint",
                daemon.command_endpoint().empty() ? i : -1,
                "command_endpoint must be tcp://host:port (vigild's command_endpoint: snapshots and "
                "acknowledgements)");
    if (!daemon.server_key_file().empty()) {
      if (c.key_file().empty())
        errors.at(
            *t, dd, "server_key_file", -1,
            "server_key_file needs the station's own key_file (vigil-ctl keygen) to connect with CURVE");
      else if (const auto why = key_file_problem(daemon.server_key_file(), false); !why.empty())
        errors.at(*t, dd, "server_key_file", -1, why);
    }
  }
  if (!c.users_file().empty() && !c.has_tls())
    errors.at(tree, d, "users_file", -1,
              "a login needs HTTPS: add tls { cert_file: ... key_file: ... } (a password must not cross the "
              "network "
              "in "
              "clear)");
  if (c.has_tls())
    if (auto tls = make_https_context(c.tls()); !tls) errors.at(tree, d, "tls", -1, tls.error());
  if (!c.tls().client_ca_file().empty() && c.users_file().empty())
    errors.at(tree, d, "tls", -1,
              "client_ca_file needs users_file: it says whom each client certificate logs in as (its CN is a "
              "user's name, or its fingerprint is listed)");
  if (c.session_hours() > 24 * 7)
    errors.at(tree, d, "session_hours", -1, "session_hours is at most 168 (a week)");
  if (c.idle_minutes() > std::max(c.session_hours(), 12u) * 60)
    errors.at(tree, d, "idle_minutes", -1, "idle_minutes is longer than a whole session (session_hours)");
  if (!c.listen().empty())
    if (const auto why = listen_problem(c.listen(), login_required(c)); !why.empty())
      errors.at(tree, d, "listen", -1, why);
  if (!c.key_file().empty())
    if (const auto why = key_file_problem(c.key_file(), true); !why.empty())
      errors.at(tree, d, "key_file", -1, why);
}

}  // namespace

core::Result<StationConfig> parse_station_config(const std::string& text, const std::string& path) {
  StationConfig c;
  config::TextConfigErrors errors{path};
  pb::TextFormat::ParseInfoTree tree;
  if (!config::parse_text_config(text, c, tree, errors, "station config")) return core::Error{errors.text()};
  validate(c, tree, errors);
  if (!errors.empty()) return core::Error{errors.text()};
  if (c.name().empty()) c.set_name("station");
  if (c.listen().empty()) c.set_listen("127.0.0.1:8080");
  if (c.trend_minutes() == 0) c.set_trend_minutes(30);
  if (c.session_hours() == 0) c.set_session_hours(12);
  if (c.idle_minutes() == 0) c.set_idle_minutes(60);
  return c;
}

bool login_required(const StationConfig& c) {
  return !c.users_file().empty() && c.has_tls();
}

core::Result<StationConfig> load_station_config(const std::string& path) {
  auto text = core::read_bounded_file(path);
  if (!text) return core::Error{"the config cannot be read: " + text.error()};
  return parse_station_config(text.value(), path);
}

}  // namespace vigil::station
