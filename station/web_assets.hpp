#pragma once
// The dashboard's files (station/web/), built into the binary by
// station/embed_web_assets.cmake: the station needs nothing beside it and
// nothing from the internet at run time.
#include <string_view>
#include <vector>

namespace vigil::station {

struct WebAsset {
  std::string_view path;  // "/index.html"
  std::string_view content_type;
  std::string_view body;
};

const std::vector<WebAsset>& web_assets();
const WebAsset* find_web_asset(std::string_view path);

}  // namespace vigil::station
