#include "wire/station_login.hpp"

namespace vigil::wire {
namespace {

std::string from(const vigil::v1::StationLogin& e) {
  return e.address().empty() ? "" : " from " + e.address();
}

std::string why(const vigil::v1::StationLogin& e) {
  return e.detail().empty() ? "" : ": " + e.detail();
}

std::string what(const vigil::v1::StationLogin& e) {
  const std::string at = " at " + e.station_id();
  switch (e.kind()) {
    case vigil::v1::StationLogin::LOGIN:
      return "login of " + e.operator_name() + at + from(e) +
             (e.detail().empty() ? "" : " (" + e.detail() + ")");
    case vigil::v1::StationLogin::LOGIN_FAILED:
      return "login FAILED for '" + e.operator_name() + "'" + at + from(e) + why(e);
    case vigil::v1::StationLogin::LOGOUT:
      return "logout of " + e.operator_name() + at + from(e);
    case vigil::v1::StationLogin::SESSION_EXPIRED:
      return "login session of " + e.operator_name() + at + " EXPIRED" + why(e);
    case vigil::v1::StationLogin::SESSION_ENDED:
      return "login session of " + e.operator_name() + at + " ENDED" + why(e);
    case vigil::v1::StationLogin::USERS_FILE_READ:
      return "users_file" + at + " read again" + why(e);
    default:
      return "login event of unknown kind " + std::to_string(static_cast<int>(e.kind())) + at;
  }
}

}  // namespace

std::string station_login_text(std::string text) {
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (text.size() <= kStationLoginTextMax) return text;
  std::size_t cut = kStationLoginTextMax - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;  // not inside a character
  return text.substr(0, cut) + "...";
}

std::string describe(const vigil::v1::StationLogin& e) {
  std::string text = what(e);
  if (e.dropped_before() > 0)
    text += " (" + std::to_string(e.dropped_before()) +
            " earlier login event(s) were dropped by the station: its buffer was full)";
  return text;
}

}  // namespace vigil::wire
