#include "station/web_assets.hpp"

namespace vigil::station {

const WebAsset* find_web_asset(std::string_view path) {
  for (const auto& a : web_assets())
    if (a.path == path) return &a;
  return nullptr;
}

}  // namespace vigil::station
