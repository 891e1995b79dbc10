#include "journal/core_writes.hpp"

#include <google/protobuf/util/json_util.h>

namespace vigil::journal {
namespace v1 = vigil::v1;
namespace {

// The command's own field of the request (null for a request without one).
const google::protobuf::FieldDescriptor* command_field(const v1::CommandRequest& request) {
  return v1::CommandRequest::descriptor()->FindFieldByNumber(static_cast<int>(request.command_case()));
}

std::string command_bed(const v1::CommandRequest& request, const google::protobuf::FieldDescriptor* field) {
  if (!field) return "";
  const auto& body = request.GetReflection()->GetMessage(request, field);
  const auto* b = body.GetDescriptor()->FindFieldByName("bed");
  return b ? body.GetReflection()->GetString(body, b) : "";
}

}  // namespace

std::string describe(const CoreWrite& w) {
  if (const auto* b = std::get_if<BedWrite>(&w)) return b->bed + "'s alarms and state";
  if (const auto* c = std::get_if<CommandWrite>(&w)) {
    const auto* field = command_field(c->request);
    return "the command " + (field ? std::string{field->name()} : std::string{"(none)"}) + " by " +
           c->request.actor();
  }
  const auto& r = std::get<SeqReservation>(w);
  return r.bed + "'s sequence reservation up to " + std::to_string(r.up_to);
}

void encode_intent(const CommandWrite& c, std::string& out) {
  v1::journal::IntentRecord r;
  r.set_time_us(c.time_us);
  *r.mutable_command()->mutable_request() = c.request;
  *r.mutable_command()->mutable_reply() = c.reply;
  r.SerializeToString(&out);
}

void encode_intent(const SeqReservation& s, std::string& out) {
  v1::journal::IntentRecord r;
  r.set_bed(s.bed);
  r.set_seq_reserved(s.up_to);
  r.SerializeToString(&out);
}

CoreWriteStatements::CoreWriteStatements(sqlite::Database& db)
    : bed_{db},
      command_{
          db.prepare("INSERT INTO commands (time_us, request_id, actor, station, command, bed, request, ok, "
                     "result, error_field) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")},
      reserve_{db.prepare("INSERT INTO streams (bed, seq_reserved) VALUES (?1, ?2) "
                          "ON CONFLICT (bed) DO UPDATE SET seq_reserved = excluded.seq_reserved")},
      holds_command_{
          db.prepare("SELECT 1 FROM commands WHERE time_us = ?1 AND request_id = ?2 AND actor = ?3 LIMIT 1")},
      reserve_at_least_{
          db.prepare("INSERT INTO streams (bed, seq_reserved) VALUES (?1, ?2) ON CONFLICT (bed) "
                     "DO UPDATE SET seq_reserved = max(seq_reserved, excluded.seq_reserved)")} {}

void CoreWriteStatements::insert(const CoreWrite& w) {
  if (const auto* b = std::get_if<BedWrite>(&w)) {
    bed_.insert(*b);
  } else if (const auto* c = std::get_if<CommandWrite>(&w)) {
    insert_command(*c);
  } else {
    const auto& r = std::get<SeqReservation>(w);
    reserve_.bind(1, r.bed).bind(2, static_cast<std::int64_t>(r.up_to));
    reserve_.run();
  }
}

void CoreWriteStatements::insert_command(const CommandWrite& c) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(c.request, &json, options);
  const auto* field = command_field(c.request);
  const auto& reply = c.reply;
  command_.bind(1, c.time_us)
      .bind(2, c.request.request_id())
      .bind(3, c.request.actor())
      .bind(4, c.request.station())
      .bind(5, field ? std::string{field->name()} : std::string{"none"})
      .bind(6, command_bed(c.request, field))
      .bind(7, json)
      .bind(8, std::int64_t{reply.ok()})
      .bind(9, reply.ok() ? reply.message() : reply.error())
      .bind(10, reply.error_field());
  command_.run();
}

bool CoreWriteStatements::holds(const CommandWrite& c) {
  holds_command_.bind(1, c.time_us).bind(2, c.request.request_id()).bind(3, c.request.actor());
  const bool there = holds_command_.step();
  holds_command_.reset();
  return there;
}

void CoreWriteStatements::reserve_at_least(const SeqReservation& r) {
  reserve_at_least_.bind(1, r.bed).bind(2, static_cast<std::int64_t>(r.up_to));
  reserve_at_least_.run();
}

}  // namespace vigil::journal
