#include "tools/ctl/export_journal.hpp"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <limits>
#include <set>
#include <sstream>

#include "core/json_string.hpp"
#include "journal/bus_messages.hpp"
#include "journal/journal_schema.hpp"
#include "journal/patient_merges.hpp"

namespace vigil::tools {
namespace v1 = vigil::v1;
using core::json_string;
using journal::MessageQuery;

namespace {

// A long range is read an hour at a time, so memory stays small.
constexpr std::chrono::hours kWindow{1};

core::TimePoint time_of(const v1::BusMessage& m) {
  switch (m.body_case()) {
    case v1::BusMessage::kObservation:
      return wire::from_proto(m.observation().received());
    case v1::BusMessage::kAlarm:
      return wire::from_proto(m.alarm().time());
    case v1::BusMessage::kContext:
      return wire::from_proto(m.context().time());
    case v1::BusMessage::kLink:
      return wire::from_proto(m.link().time());
    default:
      return {};
  }
}

std::string csv(std::string_view field) {
  if (field.find_first_of(",\"\n\r") == std::string_view::npos) return std::string{field};
  std::string s = "\"";
  for (char c : field) s += c == '"' ? std::string{"\"\""} : std::string{c};
  return s + "\"";
}

std::string number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string quality_text(const v1::Quality& q) {
  std::string s;
  auto add = [&](bool on, const char* name) {
    if (on) s += (s.empty() ? "" : "|") + std::string{name};
  };
  add(q.invalid(), "invalid");
  add(q.artifact(), "artifact");
  add(q.sensor_off(), "sensor_off");
  add(q.low_perfusion(), "low_perfusion");
  add(q.questionable(), "questionable");
  return s.empty() ? "ok" : s;
}

constexpr const char* kCsvHeader =
    "time,bed,seq,kind,device,metric,value,unit,quality,device_time,alarm_id,condition,transition,priority,"
    "alarm_kind,limit,active,latched,acknowledged,actor,message\n";

void write_csv_row(const v1::BusMessage& m, std::ostream& out) {
  std::string row = iso_time(time_of(m)) + ",";
  if (m.has_observation()) {
    const auto& o = m.observation();
    row += csv(o.bed()) + "," + std::to_string(o.seq()) + ",reading," + csv(o.device()) + "," + o.metric() +
           "," + number(o.value()) + "," + csv(o.unit()) + "," + quality_text(o.quality()) + "," +
           (o.has_device_time() ? iso_time(wire::from_proto(o.device_time())) : "") + ",,,,,,,,,,,";
  } else if (m.has_alarm()) {
    const auto& a = m.alarm();
    row += csv(a.bed()) + "," + std::to_string(a.seq()) + ",alarm," + csv(a.device()) + "," + a.metric() +
           "," + number(a.value()) + ",,,," + csv(a.alarm_id()) + "," + csv(a.condition()) + "," +
           v1::AlarmTransition_Name(a.transition()) + "," + v1::Priority_Name(a.priority()) + "," +
           v1::AlarmKind_Name(a.kind()) + "," + number(a.limit()) + "," + (a.active() ? "1" : "0") + "," +
           (a.latched() ? "1" : "0") + "," + (a.acknowledged() ? "1" : "0") + "," + csv(a.actor()) + "," +
           csv(a.message());
  } else if (m.has_context()) {
    const auto& c = m.context();
    const std::string actor = c.actor() + (c.station().empty() ? "" : " at " + c.station());
    row += csv(c.bed()) + "," + std::to_string(c.seq()) + ",context,,,,,,,,," + csv(c.what()) + ",,,,,,,," +
           csv(actor) + "," + csv(c.message());
  }
  out << row << "\n";
}

// The message inside the BusMessage's oneof.
const google::protobuf::Message& body_of(const v1::BusMessage& m) {
  const auto* field = v1::BusMessage::descriptor()->FindFieldByNumber(static_cast<int>(m.body_case()));
  return m.GetReflection()->GetMessage(m, field);
}

std::string to_json(const google::protobuf::Message& m) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(m, &text, options);
  return text;
}

std::string session_json(const journal::SessionRecord& s) {
  return "{\"id\": " + std::to_string(s.id) + ", \"bed\": " + json_string(s.bed) +
         ", \"kind\": " + json_string(s.kind) + ", \"patient_id\": " + json_string(s.patient_id) +
         ", \"patient_id_now\": " + json_string(s.patient_now) +
         ", \"started\": " + json_string(iso_time(s.started)) +
         ", \"started_by\": " + json_string(s.started_by) +
         ", \"ended\": " + (s.ended ? json_string(iso_time(*s.ended)) : std::string{"null"}) +
         ", \"ended_by\": " + json_string(s.ended_by) + ", \"details\": " + json_string(s.details) + "}";
}

struct Range {
  std::string bed;
  core::TimePoint from;
  core::TimePoint to;
  core::TimePoint walk_from;  // from, or the bed's first journalled message if later
  std::optional<journal::SessionRecord> session;
};

// Every message of the kinds asked for in the range, window by window, in stream order.
template <class F>
void for_each_message(journal::JournalReader& r, const Range& range, std::set<std::string> kinds, F&& f) {
  for (auto start = range.walk_from; start < range.to; start += kWindow) {
    MessageQuery q;
    q.bed = range.bed;
    q.from = start;
    q.to = std::min(start + kWindow, range.to);
    q.max = std::numeric_limits<std::int32_t>::max();
    q.kinds = kinds;
    for (const auto& m : r.messages(q)) f(m);
  }
}

core::Result<Range> resolve(journal::JournalReader& r, const ExportRequest& req) {
  Range range;
  range.bed = req.bed;
  if (req.session) {
    range.session = r.session(*req.session);
    if (!range.session)
      return core::Error{"session: no session " + std::to_string(*req.session) + " in the journal"};
    if (!req.bed.empty() && req.bed != range.session->bed)
      return core::Error{"session: session " + std::to_string(*req.session) + " is on " + range.session->bed +
                         ", not " + req.bed};
    range.bed = range.session->bed;
  }
  if (range.bed.empty()) return core::Error{"bed: say which bed (--bed) or which session (--session)"};
  const auto now = std::chrono::system_clock::now();
  range.from = req.from.value_or(range.session ? range.session->started : core::TimePoint{});
  range.to = req.to.value_or(range.session && range.session->ended ? *range.session->ended : now);
  // Never before the bed's first journalled message: the export walks the
  // range window by window, and an open or generous start ("--from 2000")
  // would otherwise walk decades of empty windows.
  MessageQuery first;
  first.bed = range.bed;
  first.max = 1;
  const auto m = r.messages(first);
  const auto first_time = m.empty() ? range.to : time_of(m.front());
  if (!req.from && !range.session) range.from = first_time;
  if (range.to < range.from) return core::Error{"to: the range ends before it starts"};
  // (One window early: a reading's own time may precede the first message's.)
  range.walk_from = std::min(std::max(range.from, first_time - kWindow), range.to);
  return range;
}

template <class F>
auto with_database(const std::string& path, F&& f)
    -> decltype(f(std::declval<journal::sqlite::Database&>())) {
  try {
    journal::sqlite::Database db{path, journal::sqlite::Database::Mode::read_only};
    db.exec("PRAGMA busy_timeout = 5000");
    const int version = journal::journal_version(db);
    if (version == 0) return core::Error{path + " is not a vigil journal"};
    return f(db);
  } catch (const journal::sqlite::Error& e) {
    return core::Error{"journal " + path + ": " + e.what()};
  }
}

template <class F>
auto with_journal(const std::string& path, F&& f) -> decltype(f(std::declval<journal::JournalReader&>())) {
  return with_database(path, [&](journal::sqlite::Database& db) {
    journal::JournalReader r{db};
    return f(r);
  });
}

constexpr const char* kLoginsCsvHeader =
    "time,station,event,operator,address,detail,dropped_before,journalled\n";

std::string event_name(v1::StationLogin::Kind k) {
  std::string s = v1::StationLogin::Kind_Name(k);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string iso_time(core::TimePoint t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(((ms % 1000) + 1000) % 1000));
  return std::string{buf} + frac;
}

core::Result<core::TimePoint> parse_time(std::string_view text) {
  const auto bad = [&] {
    return core::Error{
        "'" + std::string{text} +
        "' is not a time (2026-11-23T14:05:00Z, 2026-11-23T14:05+01:00, or local 2026-11-23 14:05)"};
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::size_t i = 0;
  auto digits = [&](std::size_t n, int& out) {
    if (i + n > text.size()) return false;
    const auto r = std::from_chars(text.data() + i, text.data() + i + n, out);
    if (r.ec != std::errc{} || r.ptr != text.data() + i + n) return false;
    i += n;
    return true;
  };
  auto literal = [&](char c) { return i < text.size() && text[i] == c ? (++i, true) : false; };
  if (!digits(4, y) || !literal('-') || !digits(2, mo) || !literal('-') || !digits(2, d)) return bad();
  if (i < text.size() && (text[i] == 'T' || text[i] == ' ')) {
    ++i;
    if (!digits(2, h) || !literal(':') || !digits(2, mi)) return bad();
    if (literal(':') && !digits(2, s)) return bad();
  }
  std::optional<int> offset_min;
  if (literal('Z')) {
    offset_min = 0;
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    const int sign = text[i++] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!digits(2, oh) || !literal(':') || !digits(2, om)) return bad();
    offset_min = sign * (oh * 60 + om);
  }
  if (i != text.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return bad();
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  const std::time_t t = offset_min ? timegm(&tm) - *offset_min * 60 : mktime(&tm);
  return std::chrono::system_clock::from_time_t(t);
}

core::Result<ExportSummary> export_journal(const ExportRequest& req, std::ostream& out) {
  return with_journal(req.journal, [&](journal::JournalReader& r) -> core::Result<ExportSummary> {
    auto range = resolve(r, req);
    if (!range) return core::Error{range.error()};
    ExportSummary n;
    auto count = [&](const v1::BusMessage& m) {
      if (m.has_observation())
        ++n.readings;
      else if (m.has_alarm())
        ++n.alarms;
      else
        ++n.context;
    };
    if (req.format == ExportFormat::csv) {
      out << kCsvHeader;
      for_each_message(r, *range, {"obs", "alarm", "ctx"}, [&](const v1::BusMessage& m) {
        write_csv_row(m, out);
        count(m);
      });
      return n;
    }
    out << "{\n  \"bed\": " << json_string(range->bed)
        << ",\n  \"from\": " << json_string(iso_time(range->from))
        << ",\n  \"to\": " << json_string(iso_time(range->to));
    if (range->session) out << ",\n  \"session\": " << session_json(*range->session);
    for (const auto& [name, kind] : {std::pair{"readings", "obs"}, {"alarms", "alarm"}, {"context", "ctx"}}) {
      out << ",\n  \"" << name << "\": [";
      bool first = true;
      for_each_message(r, *range, {kind}, [&](const v1::BusMessage& m) {
        out << (first ? "\n    " : ",\n    ") << to_json(body_of(m));
        first = false;
        count(m);
      });
      out << (first ? "]" : "\n  ]");
    }
    out << "\n}\n";
    return n;
  });
}

core::Result<std::size_t> export_logins(const ExportRequest& req, std::ostream& out) {
  return with_database(req.journal, [&](journal::sqlite::Database& db) -> core::Result<std::size_t> {
    auto rows = db.prepare(
        "SELECT time_us, request FROM commands WHERE command = 'station_login' AND ok = 1 ORDER BY id");
    std::set<std::string> seen;  // an event sent again after a lost answer is journalled again
    std::size_t n = 0;
    const bool csv_rows = req.format == ExportFormat::csv;
    out << (csv_rows ? kLoginsCsvHeader : "[");
    while (rows.step()) {
      v1::CommandRequest request;
      if (!google::protobuf::util::JsonStringToMessage(rows.text(1), &request).ok()) continue;
      const auto& e = request.station_login();
      const auto at = wire::from_proto(e.at());
      if ((req.from && at < *req.from) || (req.to && at >= *req.to)) continue;
      if (!e.event_id().empty() && !seen.insert(e.station_id() + "\n" + e.event_id()).second) continue;
      const auto journalled = iso_time(journal::from_micros(rows.integer(0)));
      if (csv_rows)
        out << iso_time(at) << "," << csv(e.station_id()) << "," << event_name(e.kind()) << ","
            << csv(e.operator_name()) << "," << csv(e.address()) << "," << csv(e.detail()) << ","
            << e.dropped_before() << "," << journalled << "\n";
      else
        out << (n == 0 ? "\n  " : ",\n  ") << "{\"journalled\": " << json_string(journalled)
            << ", \"event\": " << to_json(e) << "}";
      ++n;
    }
    if (!csv_rows) out << (n == 0 ? "]\n" : "\n]\n");
    return n;
  });
}

core::Result<std::vector<journal::SessionRecord>> journal_sessions(const std::string& journal,
                                                                   const std::string& bed) {
  return with_journal(journal,
                      [&](journal::JournalReader& r) -> core::Result<std::vector<journal::SessionRecord>> {
                        return r.sessions(bed);
                      });
}

std::string format_sessions(const std::vector<journal::SessionRecord>& sessions) {
  std::string s;
  for (const auto& x : sessions) {
    s += std::to_string(x.id) + "  " + x.bed + "  " + x.kind + "  " +
         (x.patient_id.empty() ? "-" : journal::patient_text(x.patient_id, x.patient_now)) + "  " +
         iso_time(x.started) + " - " + (x.ended ? iso_time(*x.ended) : std::string{"(open)"}) + "  by " +
         x.started_by + "\n";
  }
  return s.empty() ? "no sessions\n" : s;
}

}  // namespace vigil::tools
