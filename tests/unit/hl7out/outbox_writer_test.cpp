#include "hl7out/outbox_writer.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <memory>

#include "tests/unit/temp_dir.hpp"

using namespace vigil::hl7out;

namespace {

// One outbox file opened twice, as vigild does: the core's connection and the
// writer thread's.
struct Sides {
  vigil::test::TempDir dir;
  vigil::core::ManualClock clock;
  std::unique_ptr<Outbox> core_side = open();
  std::unique_ptr<Outbox> writing = open();

  std::unique_ptr<Outbox> open() {
    auto box = Outbox::open(dir.file("outbox.db"), clock);
    REQUIRE(box);
    return std::move(box.value());
  }
};

}  // namespace

TEST_CASE("outbox writer: what the core hands over is written in order, then the senders are woken") {
  Sides sides;
  auto& clock = sides.clock;
  auto& box = *sides.core_side;
  std::atomic<int> woken{0};
  OutboxWriter writer{std::move(sides.writing), {}, [&] { ++woken; }};
  for (int i = 0; i < 300; ++i) {
    const auto id = box.reserve_id();
    CHECK(writer.submit({id, i % 3 ? "emr" : "alerts", "MSH|" + Outbox::control_id(id), clock.now(),
                         i % 3 != 0, std::nullopt}));
  }
  writer.sync();
  CHECK(writer.problem().empty());
  CHECK(woken > 0);
  CHECK(box.depth("emr") == 200);
  CHECK(box.depth("alerts") == 100);
  // The queue's order is the order of the ids the core gave.
  std::int64_t last = 0;
  while (auto h = box.head("emr")) {
    CHECK(h->id > last);
    CHECK(h->text == "MSH|" + h->control_id);
    last = h->id;
    CHECK(box.delivered(h->id));
  }
  CHECK(last == 300);  // ids 1..300, every third for alerts
}

TEST_CASE("outbox writer: prunes on its own thread what was done with before the cutoff, in chunks") {
  Sides sides;
  auto& clock = sides.clock;
  auto& box = *sides.core_side;
  OutboxWriterOptions options;
  options.prune_rows = 7;  // several chunks
  OutboxWriter writer{std::move(sides.writing), options, {}};
  for (int i = 0; i < 40; ++i)
    CHECK(box.enqueue(
        "emr", [](const std::string& id) { return id; }, clock.now()));
  for (int i = 0; i < 30; ++i) CHECK(box.delivered(box.head("emr")->id));
  const auto done_at = clock.now();
  writer.prune(done_at);  // done at the cutoff, not before it: kept
  writer.sync();
  CHECK(writer.pruned() == 0);
  writer.prune(done_at + std::chrono::seconds{1});
  writer.sync();
  CHECK(writer.pruned() == 30);
  CHECK(box.depth("emr") == 10);
  CHECK(!box.find(30));
  CHECK(box.find(31));
}
