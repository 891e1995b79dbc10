#include "hl7out/outbox.hpp"

#include <doctest/doctest.h>

#include "tests/unit/temp_dir.hpp"

using namespace vigil::hl7out;

namespace {
auto text(const std::string& body) {
  return [body](const std::string& id) { return "MSH|" + id + "|" + body; };
}
}  // namespace

TEST_CASE("outbox: order kept per destination, control ids never reused, everything survives a reopen") {
  vigil::test::TempDir dir;
  const auto path = dir.file("outbox.db");
  const vigil::core::TimePoint now{};
  {
    auto box = Outbox::open(path);
    REQUIRE(box);
    auto& b = *box.value();
    CHECK(b.enqueue("emr", text("a"), now));
    CHECK(b.enqueue("alerts", text("x"), now));
    CHECK(b.enqueue("emr", text("b"), now));
    CHECK(b.depth("emr") == 2);
    auto h = b.head("emr");
    REQUIRE(h);
    CHECK(h->control_id == "V1");
    CHECK(h->text == "MSH|V1|a");
    CHECK(b.delivered(h->id));
    CHECK(b.head("emr")->text == "MSH|V3|b");
    CHECK(b.record_ae(b.head("emr")->id, 2, "AE busy"));
  }
  auto box = Outbox::open(path);
  REQUIRE(box);
  auto& b = *box.value();
  auto h = b.head("emr");
  REQUIRE(h);
  CHECK(h->control_id == "V3");
  CHECK(h->ae_count == 2);
  CHECK(b.dead_letter(h->id, 3, "AE busy"));
  CHECK(!b.head("emr"));
  CHECK(b.depth("emr") == 0);
  // Even with the last rows gone, a new message gets a number never given.
  CHECK(b.delivered(b.head("alerts")->id));
  CHECK(b.enqueue("emr", text("c"), now));
  CHECK(b.head("emr")->control_id == "V4");
  const auto kept = b.kept("emr");
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].state == "dead");
  CHECK(kept[0].reason == "AE busy");
  CHECK(kept[0].ae_count == 3);
}

TEST_CASE("outbox: an unwritable path is an error, not a crash") {
  CHECK(!Outbox::open("/nonexistent-dir/x/outbox.db"));
}

TEST_CASE("outbox: a kept message goes back to the queue at its own place, with its MSH-10, AE count reset") {
  vigil::test::TempDir dir;
  auto box = Outbox::open(dir.file("outbox.db"));
  REQUIRE(box);
  auto& b = *box.value();
  const vigil::core::TimePoint now{std::chrono::seconds{1000}};
  CHECK(b.enqueue("emr", text("bad"), now));
  CHECK(b.enqueue("alerts", text("refused"), now));
  const auto bad = b.head("emr")->id;
  CHECK(b.record_ae(bad, 3, "AE unknown patient"));
  CHECK(b.dead_letter(bad, 3, "AE unknown patient"));
  CHECK(b.rejected(b.head("alerts")->id, "AR no"));
  // One bad message does not block the queue: the next one is the head.
  CHECK(b.enqueue("emr", text("next"), now));
  CHECK(b.head("emr")->control_id == "V3");
  CHECK(b.kept("emr").size() == 1);
  CHECK(b.kept("").size() == 2);
  CHECK(b.kept_count("emr") == 1);
  CHECK(b.kept("emr")[0].queued == now);
  CHECK(!b.requeue(b.head("emr")->id));  // queued already: nothing to do
  CHECK(!b.requeue(99));
  CHECK(b.requeue(bad));
  CHECK(!b.requeue(bad));
  const auto h = b.head("emr");
  REQUIRE(h);
  CHECK(h->id == bad);
  CHECK(h->control_id == "V1");
  CHECK(h->ae_count == 0);
  CHECK(h->state == "queued");
  CHECK(b.kept_count("emr") == 0);
  CHECK(b.depth("emr") == 2);
  CHECK(b.find(bad)->text == "MSH|V1|bad");
  CHECK(!b.find(99));
}
