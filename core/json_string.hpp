#pragma once
// A text as a JSON string literal, quotes included. The few JSON documents
// vigil writes (journal exports, validation reports, the protocol registry)
// are small and flat; this is the one escaping they share.
#include <string>
#include <string_view>

namespace vigil::core {

std::string json_string(std::string_view text);

}  // namespace vigil::core
