#include "daemon/station_login.hpp"

#include <optional>

#include "daemon/command_refusal.hpp"
#include "wire/station_login.hpp"

namespace vigil::daemon {
namespace {

constexpr std::size_t kLongestText = wire::kStationLoginTextMax;

// One line of at most kLongestText bytes: the journal's reader and vigil-ctl
// print it as a line.
std::optional<std::string> text_problem(const std::string& s) {
  if (s.size() > kLongestText) return "is longer than " + std::to_string(kLongestText) + " bytes";
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20) return "holds control characters (one line only)";
  return std::nullopt;
}

std::optional<core::Error> problem(const vigil::v1::StationLogin& e) {
  using K = vigil::v1::StationLogin;
  if (!K::Kind_IsValid(e.kind()) || e.kind() == K::KIND_UNSPECIFIED)
    return core::Error::at("station_login.kind", "is required (LOGIN, LOGIN_FAILED, LOGOUT, ...)");
  if (e.station_id().empty()) return core::Error::at("station_login.station_id", "is required");
  if (!e.has_at()) return core::Error::at("station_login.at", "is required: when it happened at the station");
  if (e.kind() != K::USERS_FILE_READ && e.operator_name().empty())
    return core::Error::at("station_login.operator_name", "is required: whose login it was");
  const std::pair<const char*, const std::string*> texts[] = {{"operator_name", &e.operator_name()},
                                                              {"station_id", &e.station_id()},
                                                              {"address", &e.address()},
                                                              {"detail", &e.detail()},
                                                              {"event_id", &e.event_id()}};
  for (const auto& [name, text] : texts)
    if (auto p = text_problem(*text)) return core::Error::at(std::string{"station_login."} + name, *p);
  return std::nullopt;
}

}  // namespace

vigil::v1::CommandReply station_login_reply(const vigil::v1::CommandRequest& req) {
  if (auto p = problem(req.station_login())) return refused(req, *p);
  vigil::v1::CommandReply reply;
  reply.set_request_id(req.request_id());
  reply.set_ok(true);
  reply.set_message(wire::describe(req.station_login()));
  return reply;
}

}  // namespace vigil::daemon
