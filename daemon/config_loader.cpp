#include "daemon/config_loader.hpp"

#include <boost/asio/ip/address.hpp>
#include <set>
#include <sstream>

#include "config/text_config_errors.hpp"
#include "core/bounded_file.hpp"
#include "core/curve_keys.hpp"
#include "core/loopback_endpoint.hpp"
#include "daemon/profile_config.hpp"
#include "drivers/device_session.hpp"
#include "drivers/transport/stream.hpp"
#include "hl7out/destination_check.hpp"
#include "hl7out/tls_context.hpp"
#include "record/record_config.hpp"

namespace vigil::daemon {
namespace pb = google::protobuf;
using vigil::v1::config::DaemonConfig;

namespace {

// Semantic checks, each error placed where the offending field was written.
class Validator {
 public:
  Validator(const pb::TextFormat::ParseInfoTree& tree, config::TextConfigErrors& errors)
      : root_{tree}, errors_{errors} {}

  void check(const DaemonConfig& c) {
    const auto* d = DaemonConfig::descriptor();
    if (c.bed_size() == 0)
      errors_.add(0, 0, "no bed is configured: add a 'bed { id: ... device { ... } }' block");
    auto profiles = build_profiles(c);
    if (!profiles)
      errors_.at(root_, d, "profile", profile_index(c, profiles.error()), profiles.error());
    else
      profiles_ = profiles.value();
    if (profiles && !profiles_.count(default_profile_name(c)))
      errors_.at(root_, d, "default_profile", -1,
                 "default_profile '" + c.default_profile() + "' is not defined");
    default_profile_ = default_profile_name(c);
    std::set<std::string> beds;
    for (int i = 0; i < c.bed_size(); ++i) {
      const auto* bed_tree = root_.GetTreeForNested(d->FindFieldByName("bed"), i);
      check_bed(c.bed(i), bed_tree, beds);
    }
    check_security(c);
    check_hl7(c);
    if (c.has_adt_listen()) check_adt(c);
    if (!c.log_level().empty() && c.log_level() != "debug" && c.log_level() != "info" &&
        c.log_level() != "warn" && c.log_level() != "error")
      errors_.at(root_, d, "log_level", -1,
                 "log_level must be debug, info, warn or error, not '" + c.log_level() + "'");
    check_record(c);
    if (c.retention_days() > 3650)
      errors_.at(root_, d, "retention_days", -1,
                 "retention_days " + std::to_string(c.retention_days()) + " is over 10 years");
    if (!c.journal_path().empty() && c.journal_path().back() == '/')
      errors_.at(root_, d, "journal_path", -1,
                 "journal_path names a file, not a folder: '" + c.journal_path() + "'");
  }

 private:
  // Profile errors begin "profile NAME"; the error points at that profile.
  static int profile_index(const DaemonConfig& c, const std::string& error) {
    for (int i = 0; i < c.profile_size(); ++i) {
      const std::string prefix = "profile " + c.profile(i).name();
      if (error.starts_with(prefix + ":") || error.starts_with(prefix + " ")) return i;
    }
    return c.profile_size() ? c.profile_size() - 1 : -1;
  }

  // The infusion record's settings, as `vigil-ctl record --config` reads
  // them: refused here too, so a bad one is found at --check-config and at
  // start rather than when a record is written or signed.
  void check_record(const DaemonConfig& c) {
    const auto* d = DaemonConfig::descriptor();
    if (auto rc = record::record_config(c); !rc) {
      int index = -1;
      for (int i = 0; i < c.profile_size(); ++i)
        if (rc.error().starts_with("profile '" + c.profile(i).name() + "'")) index = i;
      errors_.at(root_, d, "profile", index, rc.error());
    }
    if (c.record_retention_years() > 100)
      errors_.at(root_, d, "record_retention_years", -1,
                 "record_retention_years " + std::to_string(c.record_retention_years()) +
                     " is over 100 years (0: the default, 10)");
  }

  void check_adt(const DaemonConfig& c) {
    const auto* root = DaemonConfig::descriptor();
    const auto* tree = root_.GetTreeForNested(root->FindFieldByName("adt_listen"), -1);
    const auto& t = tree ? *tree : root_;
    const auto* d = vigil::v1::config::AdtListen::descriptor();
    const auto& a = c.adt_listen();
    std::string host, port;
    if (!hl7out::split_address(a.address(), host, port))
      errors_.at(t, d, "address", -1, "adt_listen address '" + a.address() + "' is not host:port");
    else if (!hl7out::is_loopback(host) && !a.allow_plain_tcp() && !a.has_tls())
      errors_.at(
          t, d, "address", -1,
          "adt_listen on " + host +
              " is not loopback: set tls { cert_file: ... key_file: ... } (or allow_plain_tcp: true to take "
              "patient data unencrypted on purpose)");
    if (a.idle_timeout_s() > 3600)
      errors_.at(t, d, "idle_timeout_s", -1,
                 "adt_listen idle_timeout_s " + std::to_string(a.idle_timeout_s()) +
                     ": at most 3600 (an hour); a silent sender holds its connection that long");
    if (a.max_connections() > 64)
      errors_.at(t, d, "max_connections", -1,
                 "adt_listen max_connections " + std::to_string(a.max_connections()) + ": at most 64");
    if (a.has_tls() && a.allow_plain_tcp())
      errors_.at(t, d, "allow_plain_tcp", -1, "adt_listen: allow_plain_tcp and tls contradict each other");
    if (a.has_tls())
      if (auto context = hl7out::make_tls_server_context(a.tls()); !context)
        errors_.at(t, d, "tls", -1, "adt_listen " + context.failure().text());
    boost::system::error_code ec;
    if (a.allow_size() == 0)
      errors_.at(root_, root, "adt_listen", -1, "adt_listen needs at least one allow address");
    for (int i = 0; i < a.allow_size(); ++i)
      if (boost::asio::ip::make_address(a.allow(i), ec); ec)
        // protobuf places the items of a [list] at the list's first one only.
        errors_.at(t, d, "allow", t.GetLocation(d->FindFieldByName("allow"), i).line < 0 ? 0 : i,
                   "allow '" + a.allow(i) + "' is not an IP address");
    std::set<std::string> beds, places;
    for (const auto& b : c.bed()) beds.insert(b.id());
    if (a.location_size() == 0)
      errors_.at(root_, root, "adt_listen", -1, "adt_listen maps no location to a bed");
    const auto* ld = vigil::v1::config::AdtLocation::descriptor();
    for (int i = 0; i < a.location_size(); ++i) {
      const auto& l = a.location(i);
      const auto* lt = t.GetTreeForNested(d->FindFieldByName("location"), i);
      const auto& where = lt ? *lt : t;
      const std::string place = l.point_of_care() + "^" + l.room() + "^" + l.bed();
      if (!beds.count(l.bed_id()))
        errors_.at(where, ld, "bed_id", -1,
                   "location " + place + ": no bed '" + l.bed_id() + "' is configured");
      if (l.point_of_care().empty() && l.room().empty() && l.bed().empty())
        errors_.at(t, d, "location", i, "location needs point_of_care, room or bed");
      else if (!places.insert(place).second)
        errors_.at(t, d, "location", i, "location " + place + " is mapped twice");
    }
  }

  void check_hl7(const DaemonConfig& c) {
    const auto* d = DaemonConfig::descriptor();
    for (const auto& p : hl7out::check_destinations(c)) {
      if (p.destination < 0) {
        errors_.at(root_, d, p.field.c_str(), p.field == "hl7_destination" ? 0 : -1, p.message);
        continue;
      }
      const auto* t = root_.GetTreeForNested(d->FindFieldByName("hl7_destination"), p.destination);
      errors_.at(t ? *t : root_, vigil::v1::config::Hl7Destination::descriptor(), p.field.c_str(), -1,
                 p.message);
    }
  }

  // Readings must not be readable by anyone on the network: a network
  // address needs CURVE, and CURVE needs a usable key and an allow-list.
  void check_security(const DaemonConfig& c) {
    const auto* d = DaemonConfig::descriptor();
    for (const char* field : {"publish_endpoint", "command_endpoint"}) {
      const auto& ep = field[0] == 'p' ? c.publish_endpoint() : c.command_endpoint();
      if (!core::loopback_only(ep) && !c.has_security())
        errors_.at(root_, d, field, -1,
                   std::string{field} + " '" + ep +
                       "' is reachable from the network: configure 'security' with CURVE keys "
                       "(vigil-ctl keygen) or bind to 127.0.0.1");
    }
    if (!c.has_security()) return;
    const auto* sec_tree = root_.GetTreeForNested(d->FindFieldByName("security"), -1);
    const auto& t = sec_tree ? *sec_tree : root_;
    const auto* sd = vigil::v1::config::Security::descriptor();
    if (c.security().server_key_file().empty()) {
      // An empty block has no fields to point at: the block itself is at fault.
      errors_.at(
          root_, d, "security", -1,
          "security: server_key_file is required (make one with vigil-ctl keygen vigild --dir /etc/vigil)");
      return;
    }
    auto keys = core::read_curve_key_file(c.security().server_key_file());
    if (!keys || keys->secret_key.empty())
      errors_.at(t, sd, "server_key_file", -1,
                 "server_key_file: " +
                     (keys ? c.security().server_key_file() + " has no 'secret:' line" : keys.error()));
    std::set<std::string> names;
    for (int i = 0; i < c.security().client_size(); ++i) {
      const auto& k = c.security().client(i);
      const auto* kt = t.GetTreeForNested(sd->FindFieldByName("client"), i);
      const auto* kd = vigil::v1::config::AuthorizedKey::descriptor();
      if (!valid_id(k.name()) || !names.insert(k.name()).second)
        errors_.at(kt ? *kt : t, kd, "name", -1, "client key name '" + k.name() + "' must be a unique id");
      if (!core::is_z85_key(k.public_key()))
        errors_.at(kt ? *kt : t, kd, "public_key", -1,
                   "public_key must be the 40-character Z85 key of a .pub file");
      if (k.role() == vigil::v1::config::ROLE_UNSPECIFIED)
        errors_.at(kt ? *kt : t, kd, "name", -1,
                   "client key '" + k.name() + "' needs a role: VIEWER, NURSE or ADMIN");
    }
  }

  static bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char ch : id)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'))
        return false;
    return true;
  }

  void check_bed(const vigil::v1::config::Bed& bed, const pb::TextFormat::ParseInfoTree* tree,
                 std::set<std::string>& beds) {
    const auto* d = vigil::v1::config::Bed::descriptor();
    const auto& t = tree ? *tree : root_;
    if (!valid_id(bed.id()))
      errors_.at(t, d, "id", -1,
                 "bed id '" + bed.id() +
                     "' must be 1-64 letters, digits, '-', '_' or '.' (it is used in bus topics)");
    else if (!beds.insert(bed.id()).second)
      errors_.at(t, d, "id", -1, "bed id '" + bed.id() + "' is used twice");
    if (bed.device_size() == 0) errors_.at(t, d, "id", -1, "bed '" + bed.id() + "' has no device");
    std::set<std::string> devices;
    for (int i = 0; i < bed.device_size(); ++i) {
      const auto* dev_tree = t.GetTreeForNested(d->FindFieldByName("device"), i);
      check_device(bed.device(i), dev_tree ? *dev_tree : t, devices);
    }
    const std::string profile_name = bed.profile().empty() ? default_profile_ : bed.profile();
    auto it = profiles_.find(profile_name);
    if (it == profiles_.end()) {
      if (!profiles_.empty())
        errors_.at(t, d, "profile", -1, "profile '" + profile_name + "' is not defined");
      return;
    }
    auto profile = it->second;
    for (int i = 0; i < bed.override_size(); ++i) {
      auto r = apply_config_override(profile, bed.override(i));
      if (!r) errors_.at(t, d, "override", i, "override: " + r.error());
    }
  }

  void check_device(const vigil::v1::config::Device& dev, const pb::TextFormat::ParseInfoTree& t,
                    std::set<std::string>& devices) {
    const auto* d = vigil::v1::config::Device::descriptor();
    if (!valid_id(dev.id()))
      errors_.at(t, d, "id", -1,
                 "device id '" + dev.id() + "' must be 1-64 letters, digits, '-', '_' or '.'");
    else if (!devices.insert(dev.id()).second)
      errors_.at(t, d, "id", -1, "device id '" + dev.id() + "' is used twice in this bed");
    if (!drivers::find_protocol(dev.protocol())) {
      std::string known;
      for (const auto& p : drivers::protocols()) known += (known.empty() ? "" : ", ") + std::string{p.name};
      errors_.at(t, d, "protocol", -1, "unknown protocol '" + dev.protocol() + "' (known: " + known + ")");
    }
    using Link = vigil::v1::config::Device;
    switch (dev.link_case()) {
      case Link::LINK_NOT_SET:
        errors_.at(t, d, "id", -1,
                   "device '" + dev.id() +
                       "' needs one of path, usb_serial, usb_vid_pid, tcp_connect or tcp_listen");
        break;
      case Link::kTcpConnect:
        if (auto hp = drivers::split_host_port(dev.tcp_connect()); !hp)
          errors_.at(t, d, "tcp_connect", -1, hp.error());
        break;
      case Link::kTcpListen:
        if (auto hp = drivers::split_host_port(dev.tcp_listen()); !hp)
          errors_.at(t, d, "tcp_listen", -1, hp.error());
        break;
      case Link::kPath:
        if (dev.path().empty()) errors_.at(t, d, "path", -1, "path is empty");
        break;
      case Link::kUsbSerial:
        if (dev.usb_serial().empty()) errors_.at(t, d, "usb_serial", -1, "usb_serial is empty");
        break;
      case Link::kUsbVidPid:
        if (auto ids = drivers::parse_vid_pid(dev.usb_vid_pid()); !ids)
          errors_.at(t, d, "usb_vid_pid", -1, ids.error());
        break;
    }
    if (!dev.parity().empty() && dev.parity() != "N" && dev.parity() != "E" && dev.parity() != "O")
      errors_.at(t, d, "parity", -1, "parity must be N, E or O, not '" + dev.parity() + "'");
    if (dev.baud() != 0 && (dev.baud() < 300 || dev.baud() > 921600))
      errors_.at(t, d, "baud", -1, "baud " + std::to_string(dev.baud()) + " is outside 300-921600");
  }

  const pb::TextFormat::ParseInfoTree& root_;
  config::TextConfigErrors& errors_;
  ProfileSet profiles_;
  std::string default_profile_;
};

}  // namespace

void apply_defaults(DaemonConfig& c) {
  if (c.publish_endpoint().empty()) c.set_publish_endpoint("tcp://127.0.0.1:5560");
  if (c.command_endpoint().empty()) c.set_command_endpoint("tcp://127.0.0.1:5561");
  if (c.heartbeat_ms() == 0) c.set_heartbeat_ms(1000);
  if (c.log_level().empty()) c.set_log_level("info");
  if (c.journal_path().empty()) c.set_journal_path("/var/lib/vigil/journal.db");
  if (c.retention_days() == 0) c.set_retention_days(30);
  if (c.record_retention_years() == 0) c.set_record_retention_years(10);
  if (c.publish_hwm() == 0) c.set_publish_hwm(10000);
  if (c.has_adt_listen()) {
    auto& a = *c.mutable_adt_listen();
    if (a.idle_timeout_s() == 0) a.set_idle_timeout_s(300);
    if (a.max_connections() == 0) a.set_max_connections(8);
  }
}

core::Result<LoadedConfig> parse_config(const std::string& text, const std::string& path) {
  LoadedConfig loaded;
  loaded.path = path;
  config::TextConfigErrors errors{path};
  pb::TextFormat::ParseInfoTree tree;
  if (!config::parse_text_config(text, loaded.config, tree, errors, "vigil config"))
    return core::Error{errors.text()};
  Validator{tree, errors}.check(loaded.config);
  if (!errors.empty()) return core::Error{errors.text()};
  apply_defaults(loaded.config);
  return loaded;
}

core::Result<LoadedConfig> load_config(const std::string& path) {
  auto text = core::read_bounded_file(path);
  if (!text) return core::Error{path + ":1:1: cannot read the config file: " + text.error()};
  return parse_config(text.value(), path);
}

}  // namespace vigil::daemon
