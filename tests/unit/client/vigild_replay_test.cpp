#include "client/vigild_replay.hpp"

#include <doctest/doctest.h>

TEST_CASE(
    "vigild's replay is used exactly when the schema has it: bed and after_seq asked, messages read back") {
  const auto* replay = vigil::v1::CommandRequest::descriptor()->FindFieldByName("replay");
  const auto p = vigil::client::vigild_replay_protocol();
  if (!replay) {
    CHECK_FALSE(p.has_value());  // this build's daemon has no replay: snapshots only
    return;
  }
  REQUIRE(p.has_value());
  vigil::v1::CommandRequest r;
  p->ask(r, "bed-3", 41);
  CHECK(r.GetReflection()->HasField(r, replay));
  const auto& q = r.GetReflection()->GetMessage(r, replay);
  CHECK(q.GetReflection()->GetString(q, q.GetDescriptor()->FindFieldByName("bed")) == "bed-3");
  CHECK(q.GetReflection()->GetUInt64(q, q.GetDescriptor()->FindFieldByName("after_seq")) == 41);
  vigil::v1::CommandReply reply;
  const auto* field = reply.GetDescriptor()->FindFieldByName("messages");
  for (std::uint64_t seq : {42, 43}) {
    auto* m = reply.GetReflection()->AddMessage(&reply, field);
    vigil::v1::BusMessage b;
    b.mutable_observation()->set_seq(seq);
    m->CopyFrom(b);
  }
  const auto got = p->messages(reply);
  REQUIRE(got.size() == 2);
  CHECK(got[1].observation().seq() == 43);
}
