#include "record/record_config.hpp"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cstdint>
#include <optional>

#include "core/bounded_file.hpp"

namespace vigil::record {
namespace cfg = vigil::v1::config;

namespace {

class Collector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first.empty())
      first = "line " + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
  }
  std::string first;
};

core::Result<RecordOptions> options_from(const cfg::RecordSettings& s) {
  RecordOptions o;
  if (s.checkpoint_size() > 0) {
    o.checkpoints.clear();
    for (int i = 0; i < s.checkpoint_size(); ++i) {
      const auto& c = s.checkpoint(i);
      if (c.name().empty())
        return core::Error::at("record.checkpoint[" + std::to_string(i) + "].name", "is required");
      if (c.offset_min() < -24 * 60 || c.offset_min() > 24 * 60)
        return core::Error::at("record.checkpoint[" + std::to_string(i) + "].offset_min",
                               "must be within a day of its moment (-1440 to 1440)");
      o.checkpoints.push_back({c.name(),
                               c.from() == cfg::RecordCheckpoint::DISCHARGE ? CheckpointRule::From::discharge
                                                                            : CheckpointRule::From::start,
                               std::chrono::minutes{c.offset_min()}});
    }
  }
  if (s.checkpoint_tolerance_s() > 3600)
    return core::Error::at("record.checkpoint_tolerance_s", "must be at most 3600");
  if (s.checkpoint_tolerance_s() > 0) o.tolerance = std::chrono::seconds{s.checkpoint_tolerance_s()};
  if (s.min_monitored_min() > 24 * 60)
    return core::Error::at("record.min_monitored_min", "must be at most 1440");
  o.min_monitored = std::chrono::minutes{s.min_monitored_min()};
  auto margin = [](double v, const char* field, double& out) -> std::optional<core::Error> {
    if (v < 0 || v > 100) return core::Error::at(std::string{"record."} + field, "must be 0 to 100 (%)");
    if (v > 0) out = v;
    return std::nullopt;
  };
  if (auto e = margin(s.bp_margin_percent(), "bp_margin_percent", o.discharge.bp_margin_percent)) return *e;
  if (auto e = margin(s.heart_rate_margin_percent(), "heart_rate_margin_percent",
                      o.discharge.heart_rate_margin_percent))
    return *e;
  if (s.spo2_min() < 0 || s.spo2_min() > 100)
    return core::Error::at("record.spo2_min", "must be 0 to 100 (%)");
  if (s.spo2_min() > 0) o.discharge.spo2_min = s.spo2_min();
  if (s.stable_min() > 24 * 60) return core::Error::at("record.stable_min", "must be at most 1440");
  if (s.stable_min() > 0) o.discharge.stable = std::chrono::minutes{s.stable_min()};
  // An hour apart is already coarse for a record of an infusion; 0 would
  // be a table without rows between the cuff readings.
  auto cadence = [](bool set, std::uint32_t v, const char* field,
                    core::Duration& out) -> std::optional<core::Error> {
    if (!set) return std::nullopt;
    if (v < 1 || v > 60) return core::Error::at(std::string{"record."} + field, "must be 1 to 60 (minutes)");
    out = std::chrono::minutes{v};
    return std::nullopt;
  };
  if (auto e = cadence(s.has_vitals_every_min(), s.vitals_every_min(), "vitals_every_min", o.during_cadence))
    return *e;
  if (auto e = cadence(s.has_vitals_every_min_after(), s.vitals_every_min_after(), "vitals_every_min_after",
                       o.after_cadence))
    return *e;
  return o;
}

// The profile's own settings, or those of the profile it is based on.
const cfg::RecordSettings* settings_of(const cfg::DaemonConfig& c, const std::string& name, int depth = 0) {
  if (depth > 16) return nullptr;  // a loop of based_on; vigild refuses such a config
  for (const auto& p : c.profile())
    if (p.name() == name) return p.has_record() ? &p.record() : settings_of(c, p.based_on(), depth + 1);
  return nullptr;
}

}  // namespace

core::Result<RecordConfig> record_config(const cfg::DaemonConfig& config) {
  RecordConfig rc;
  rc.clinic = config.clinic_name();
  for (const auto& p : config.profile()) {
    const auto* s = settings_of(config, p.name());
    if (!s) continue;
    auto o = options_from(*s);
    if (!o) return core::Error{"profile '" + p.name() + "': " + o.error()};
    rc.profiles[p.name()] = o.value();
  }
  return rc;
}

core::Result<RecordConfig> read_record_config(const std::string& path) {
  // The same bound vigild reads its config with.
  auto text = core::read_bounded_file(path);
  if (!text) return core::Error{"config " + text.error(), "config", core::ErrorCode::unavailable};
  cfg::DaemonConfig config;
  google::protobuf::TextFormat::Parser parser;
  Collector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text.value(), &config))
    return core::Error{"config " + path + ": " + errors.first};
  auto rc = record_config(config);
  if (!rc) return core::Error{"config " + path + ": " + rc.error()};
  return rc;
}

}  // namespace vigil::record
