#include "record/command_log.hpp"

#include <google/protobuf/util/json_util.h>

#include "journal/journal_reader.hpp"

namespace vigil::record {

std::optional<LoggedCommand> find_command(journal::sqlite::Database& db, const std::string& bed,
                                          const std::string& command, core::TimePoint near,
                                          core::Duration within) {
  auto s = db.prepare(
      "SELECT time_us, actor, station, request FROM commands WHERE bed = ?1 AND command = ?2 AND ok = 1 "
      "AND time_us BETWEEN ?3 AND ?4 ORDER BY ABS(time_us - ?5) LIMIT 1");
  const auto t = journal::to_micros(near);
  const auto w = std::chrono::duration_cast<std::chrono::microseconds>(within).count();
  s.bind(1, bed).bind(2, command).bind(3, t - w).bind(4, t + w).bind(5, t);
  if (!s.step()) return std::nullopt;
  LoggedCommand c;
  c.time = journal::from_micros(s.integer(0));
  c.actor = s.text(1) + (s.text(2).empty() ? "" : " at " + s.text(2));
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // written by a later vigild
  if (!google::protobuf::util::JsonStringToMessage(s.text(3), &c.request, options).ok()) return std::nullopt;
  return c;
}

}  // namespace vigil::record
