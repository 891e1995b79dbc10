// BedStream under any order of updates, heartbeats, snapshots, replays,
// failures and restarts: whatever it hands on after a snapshot goes up by
// exactly one each time, nothing is handed on while it is out of step, and
// what it holds back stays bounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "client/bed_stream.hpp"
#include "wire/envelope.hpp"

namespace {

vigil::v1::BusMessage obs(std::uint64_t seq) {
  vigil::v1::BusMessage m;
  m.mutable_observation()->set_seq(seq);
  return m;
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vigil::client::BedStream s{size > 0 && (data[0] & 0x80) == 0};
  const bool recoverable = size == 0 || (data[0] & 0x80) == 0;
  std::uint64_t published = 0;  // the daemon's numbers, moving forward
  for (std::size_t i = 1; i + 1 < size; i += 2) {
    const std::uint8_t op = data[i] % 8, arg = data[i + 1];
    const auto before = s.state();
    const auto applied = s.applied();
    vigil::client::StreamStep step;
    switch (op) {
      case 0:
      case 1:
        published += 1 + (arg % 4 == 0 ? arg % 5 : 0);
        step = s.on_update(obs(published - (arg % 3 == 0 ? arg % 4 : 0)));
        break;
      case 2:
        (void)s.on_heartbeat(published);
        break;
      case 3:
        s.begin_sync();
        break;
      case 4:
        step = s.on_snapshot(published - std::min<std::uint64_t>(published, arg % 6));
        break;
      case 5: {
        std::vector<vigil::v1::BusMessage> replay;
        for (std::uint64_t q = s.applied() + 1 + arg % 3; q <= published; ++q) replay.push_back(obs(q));
        step = s.on_replay(replay);
        break;
      }
      case 6:
        s.sync_failed();
        break;
      case 7:
        s.reset();
        published = arg % 3;
        break;
    }
    // Handed on in order, one number after the other, from where it stood.
    std::uint64_t expect = op == 4 ? s.applied() - step.deliver.size() : applied;
    if (!recoverable && !step.deliver.empty()) expect = vigil::wire::seq_of(step.deliver.front()) - 1;
    for (const auto& m : step.deliver) check(vigil::wire::seq_of(m) == ++expect);
    if (recoverable && (op == 0 || op == 1) && before != vigil::client::BedStream::State::live)
      check(step.deliver.empty());
    check(s.held() <= vigil::client::BedStream::kMaxHeld);
  }
  return 0;
}
