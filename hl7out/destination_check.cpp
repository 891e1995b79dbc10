#include "hl7out/destination_check.hpp"

#include <set>

#include "hl7out/tls_context.hpp"

namespace vigil::hl7out {
namespace {
bool good_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

bool hex16(const std::string& s) {
  if (s.size() != 16) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// Values that go into MSH fields unescaped would break the message.
bool plain(const std::string& s) {
  return s.find_first_of("|^~\\&\r\n") == std::string::npos;
}
}  // namespace

bool split_address(const std::string& address, std::string& host, std::string& port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  host = address.substr(0, colon);
  port = address.substr(colon + 1);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  const int p = std::stoi(port);
  return p > 0 && p < 65536 && !host.empty();
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::vector<ConfigProblem> check_destinations(const vigil::v1::config::DaemonConfig& c) {
  std::vector<ConfigProblem> out;
  if (c.hl7_destination_size() == 0) return out;
  if (!hex16(c.equipment_eui64()))
    out.push_back({-1, c.equipment_eui64().empty() ? "hl7_destination" : "equipment_eui64",
                   "equipment_eui64 must be 16 hex digits (this vigild's EUI-64, sent as the equipment "
                   "identifier) when an hl7_destination is set"});
  if (c.hl7_retention_days() > 3650)
    out.push_back(
        {-1, "hl7_retention_days",
         "hl7_retention_days " + std::to_string(c.hl7_retention_days()) + " is over 3650 (ten years)"});
  std::set<std::string> names;
  for (int i = 0; i < c.hl7_destination_size(); ++i) {
    const auto& d = c.hl7_destination(i);
    if (!good_name(d.name()))
      out.push_back(
          {i, "name",
           "hl7_destination name '" + d.name() + "' must be 1-64 letters, digits, '-', '_' or '.'"});
    else if (!names.insert(d.name()).second)
      out.push_back({i, "name", "hl7_destination name '" + d.name() + "' is used twice"});
    std::string host, port;
    if (!split_address(d.address(), host, port))
      out.push_back({i, d.address().empty() ? "name" : "address",
                     "hl7_destination " + d.name() + ": address '" + d.address() + "' must be host:port"});
    else if (!is_loopback(host) && !d.allow_plain_tcp() && !d.has_tls())
      out.push_back(
          {i, "address",
           "hl7_destination " + d.name() + ": " + d.address() +
               " is not loopback: set tls { ca_file: ... } (or allow_plain_tcp: true to send patient "
               "data unencrypted on purpose)"});
    if (d.has_tls() && d.allow_plain_tcp())
      out.push_back({i, "allow_plain_tcp",
                     "hl7_destination " + d.name() + ": allow_plain_tcp and tls contradict each other"});
    if (d.has_tls())
      if (auto context = make_tls_context(d.tls()); !context)
        out.push_back({i, "tls", "hl7_destination " + d.name() + ": " + context.failure().text()});
    if (!d.readings() && !d.alarms())
      out.push_back(
          {i, "name",
           "hl7_destination " + d.name() + " sends nothing: set readings: true and/or alarms: true"});
    for (const auto* f : {&d.sending_application(), &d.sending_facility(), &d.receiving_application(),
                          &d.receiving_facility()})
      if (!plain(*f))
        out.push_back(
            {i, "name",
             "hl7_destination " + d.name() + ": '" + *f + "' may not contain | ^ ~ \\ & or a line break"});
    if (d.max_ae() > 100)
      out.push_back({i, "max_ae", "max_ae " + std::to_string(d.max_ae()) + " is over 100"});
    if (d.backoff_max_ms() != 0 && d.backoff_max_ms() < d.backoff_initial_ms())
      out.push_back({i, "backoff_max_ms", "backoff_max_ms is below backoff_initial_ms"});
    if (d.alarm_keepalive_s() && !d.alarms())
      out.push_back({i, "alarm_keepalive_s", "alarm_keepalive_s without alarms: true sends nothing"});
    if (d.reading_period_s() > 3600)
      out.push_back({i, "reading_period_s",
                     "reading_period_s " + std::to_string(d.reading_period_s()) + " is over an hour"});
  }
  return out;
}

}  // namespace vigil::hl7out
