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
  CHECK(b.dead_letter(h->id, "AE busy"));
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
}

TEST_CASE("outbox: an unwritable path is an error, not a crash") {
  CHECK(!Outbox::open("/nonexistent-dir/x/outbox.db"));
}
