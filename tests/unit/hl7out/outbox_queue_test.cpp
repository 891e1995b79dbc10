#include "hl7out/outbox_queue.hpp"

#include <doctest/doctest.h>

using namespace vigil::hl7out;

namespace {
OutboxRow row(std::int64_t id, bool reading) {
  return {id, "emr", "MSH|V" + std::to_string(id), {}, reading, std::nullopt};
}

std::vector<std::int64_t> ids(const std::vector<OutboxRow>& rows) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}
}  // namespace

TEST_CASE("outbox queue: past its bound readings are shed and counted, an alarm is always kept") {
  OutboxQueue q{2};
  CHECK(q.push(row(1, true)));
  CHECK(q.push(row(2, false)));
  CHECK(q.push(row(3, true)));
  CHECK(!q.push(row(4, true)));  // two readings wait: shed
  CHECK(q.push(row(5, false)));  // an alarm: kept all the same
  CHECK(!q.push(row(6, true)));
  CHECK(q.shed() == 2);
  CHECK(q.readings() == 2);
  CHECK(q.waiting("emr") == 4);  // counted in vigil-ctl status as queued
  CHECK(q.waiting("alerts") == 0);
  CHECK(ids(q.take(10)) == std::vector<std::int64_t>{1, 2, 3, 5});
  CHECK(q.readings() == 0);
  CHECK(q.push(row(7, true)));  // room again
}

TEST_CASE("outbox queue: a batch that could not be written goes back in front, order kept, bound counted") {
  OutboxQueue q{3};
  for (std::int64_t i = 1; i <= 4; ++i) CHECK(q.push(row(i, i != 2)));
  auto batch = q.take(2);
  CHECK(ids(batch) == std::vector<std::int64_t>{1, 2});
  CHECK(q.push(row(5, true)));
  q.put_back(std::move(batch));  // the disk was full
  CHECK(q.readings() == 4);
  CHECK(!q.push(row(6, true)));  // the readings put back count against the bound
  CHECK(q.push(row(7, false)));
  CHECK(ids(q.take(100)) == std::vector<std::int64_t>{1, 2, 3, 4, 5, 7});
  CHECK(q.empty());
}

TEST_CASE("outbox queue: a reading for two destinations counts once against the bound, once in each queue") {
  OutboxQueue q{2};
  const auto shared = [](std::int64_t first) {
    OutboxRow r{0, {}, {}, {}, true, SharedReading{{150456, 97, {}}, {}}};
    r.parts->copies.push_back({first, "emr", {}});
    r.parts->copies.push_back({first + 1, "research", {}});
    return r;
  };
  CHECK(q.push(shared(1)));
  CHECK(q.push(shared(3)));
  CHECK(!q.push(shared(5)));  // two readings wait, four messages: the bound is in readings
  CHECK(q.push(row(7, false)));
  CHECK(q.readings() == 2);
  CHECK(q.waiting("emr") == 3);
  CHECK(q.waiting("research") == 2);
  CHECK(q.shed() == 1);
}
