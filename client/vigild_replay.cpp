#include "client/vigild_replay.hpp"

namespace vigil::client {

std::optional<ReplayProtocol> vigild_replay_protocol() {
  namespace pb = google::protobuf;
  const auto* replay = vigil::v1::CommandRequest::descriptor()->FindFieldByName("replay");
  const auto* messages = vigil::v1::CommandReply::descriptor()->FindFieldByName("messages");
  if (!replay || replay->type() != pb::FieldDescriptor::TYPE_MESSAGE || !messages ||
      !messages->is_repeated() || messages->message_type() != vigil::v1::BusMessage::descriptor())
    return std::nullopt;
  const auto* bed_field = replay->message_type()->FindFieldByName("bed");
  const auto* after_field = replay->message_type()->FindFieldByName("after_seq");
  if (!bed_field || !after_field || bed_field->type() != pb::FieldDescriptor::TYPE_STRING ||
      after_field->type() != pb::FieldDescriptor::TYPE_UINT64)
    return std::nullopt;
  ReplayProtocol p;
  p.ask = [replay, bed_field, after_field](vigil::v1::CommandRequest& r, const std::string& bed,
                                           std::uint64_t after) {
    pb::Message* q = r.GetReflection()->MutableMessage(&r, replay);
    q->GetReflection()->SetString(q, bed_field, bed);
    q->GetReflection()->SetUInt64(q, after_field, after);
  };
  p.messages = [messages](const vigil::v1::CommandReply& reply) {
    std::vector<vigil::v1::BusMessage> v;
    const auto* refl = reply.GetReflection();
    for (int i = 0; i < refl->FieldSize(reply, messages); ++i) {
      vigil::v1::BusMessage m;
      m.CopyFrom(refl->GetRepeatedMessage(reply, messages, i));
      v.push_back(std::move(m));
    }
    return v;
  };
  return p;
}

}  // namespace vigil::client
