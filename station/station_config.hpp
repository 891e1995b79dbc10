#pragma once
// Reads vigil-station's config (protobuf text format, proto/vigil/v1/station.proto).
// Every mistake is reported as "file:line:column: message".
#include <string>

#include "core/result.hpp"
#include "vigil/v1/station.pb.h"

namespace vigil::station {

// Whether every page needs a login (users_file, which needs tls): then the
// dashboard may listen on a network address.
bool login_required(const vigil::v1::station::StationConfig& c);

core::Result<vigil::v1::station::StationConfig> load_station_config(const std::string& path);
core::Result<vigil::v1::station::StationConfig> parse_station_config(const std::string& text,
                                                                     const std::string& path_for_messages);

}  // namespace vigil::station
