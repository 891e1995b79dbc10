#include "drill/drill_keys.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/curve_keys.hpp"

namespace vigil::drill {
namespace {

namespace fs = std::filesystem;

// The public key of DIR/NAME.key, made (with NAME.pub) when there is none.
core::Result<std::string> own_key(const std::string& dir, const std::string& name) {
  const auto path = (fs::path{dir} / (name + ".key")).string();
  if (!fs::exists(path)) {
    auto made = client::write_key_pair(dir, name);
    if (!made) return core::Error{made.failure()};
  }
  auto k = core::read_curve_key_file(path);
  if (!k) return core::Error{k.failure()};
  if (k->secret_key.empty()) return core::Error{path + ": no 'secret:' line (a .key file holds both)"};
  return k->public_key;
}

}  // namespace

client::CurveClientFiles DrillKeys::runner() const {
  return {(fs::path{dir} / "vigil-drill.key").string(), (fs::path{dir} / "vigild.pub").string()};
}

core::Result<DrillKeys> prepare_drill_keys(const std::string& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return core::Error{"cannot create the key folder " + folder + ": " + ec.message()};
  // vigild reads its key by the path in its config, whatever its working folder.
  const auto dir = fs::absolute(folder).lexically_normal().string();
  DrillKeys keys;
  keys.dir = dir;
  keys.server_key_file = (fs::path{dir} / "vigild.key").string();
  auto server = own_key(dir, "vigild");
  if (!server) return core::Error{server.failure()};
  keys.server_public = server.value();
  // A ward's vigild.key may come without its .pub: the runner needs the
  // public half, and a station is given that file, never the secret one.
  const auto server_pub = (fs::path{dir} / "vigild.pub").string();
  if (!fs::exists(server_pub)) {
    std::ofstream out{server_pub};
    out << "# vigil CURVE key 'vigild'\npublic: " << keys.server_public << "\n";
    if (!out) return core::Error{"cannot write " + server_pub};
  }
  auto runner = own_key(dir, "vigil-drill");
  if (!runner) return core::Error{runner.failure()};
  keys.runner_public = runner.value();
  if (auto station = own_key(dir, "station"); !station) return core::Error{station.failure()};

  for (const auto& entry : fs::directory_iterator{dir}) {
    const auto& p = entry.path();
    const auto name = p.stem().string();
    if (p.extension() != ".pub" || name == "vigild" || name == "vigil-drill") continue;
    auto k = core::read_curve_key_file(p.string());
    if (!k) return core::Error{k.failure()};
    keys.stations.push_back({name, k->public_key});
  }
  std::sort(keys.stations.begin(), keys.stations.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return keys;
}

std::string security_config(const DrillKeys& keys) {
  std::string c = "security {\n  server_key_file: \"" + keys.server_key_file + "\"\n";
  c += "  client { name: \"vigil-drill\" public_key: \"" + keys.runner_public + "\" role: ADMIN }\n";
  for (const auto& s : keys.stations)
    c += "  client { name: \"" + s.name + "\" public_key: \"" + s.public_key + "\" role: NURSE }\n";
  return c + "}\n";
}

}  // namespace vigil::drill
