// The trend query (the command channel's trend, answered by vigild's history
// reader beside alarm_history) on arbitrary query bytes, against a journal of
// a few minutes of one bed: every query is answered or refused with the field
// at fault; a streamed series holds at most the points asked, in time order,
// each bucket's min at most its max and both times inside the range; a cuff
// series holds samples only, in time order; the events are the range's,
// oldest first, never a limit change or another bed's.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/metric.hpp"
#include "fuzz/fuzz_journal.hpp"
#include "journal/journal.hpp"
#include "journal/trend_query.hpp"
#include "wire/timestamp.hpp"

namespace {

namespace v1 = vigil::v1;
using vigil::core::Metric;

const vigil::core::TimePoint kT0{std::chrono::seconds{1'800'000'000}};

v1::Observation reading(const std::string& bed, Metric m, double value, int second, std::uint64_t seq) {
  v1::Observation o;
  o.set_bed(bed);
  o.set_mdc_code(vigil::core::code(m));
  o.set_value(value);
  o.set_seq(seq);
  vigil::wire::set_time(o.mutable_received(), kT0 + std::chrono::seconds{second});
  return o;
}

struct Fixture {
  vigil::fuzz::FuzzJournal file{"trend"};

  Fixture() {
    vigil::journal::Journal journal{file.options(), [](const vigil::journal::JournalWriterReport&) {}};
    if (!journal.open("fuzz", kT0)) std::abort();
    // Five minutes of SpO₂ and pulse on bed-1 (few: every input reads them
    // all), some flagged, a gap, two at one instant, a cuff measurement each
    // minute; a little of bed-2.
    std::uint64_t seq = 0;
    for (int s = 0; s < 300; s += 2) {
      if (s >= 120 && s < 150) continue;
      auto spo2 = reading("bed-1", Metric::spo2, 90 + s % 9, s, ++seq);
      if (s % 50 == 0) spo2.mutable_quality()->set_artifact(true);
      journal.queue(spo2);
      journal.queue(reading("bed-1", Metric::pulse_rate, 60 + s % 40, s, ++seq));
      if (s % 60 == 0) journal.queue(reading("bed-1", Metric::nibp_systolic, 100 + s / 10, s, ++seq));
      if (s % 30 == 0) journal.queue(reading("bed-2", Metric::heart_rate, 70, s, ++seq));
    }
    journal.hand_over();
    struct Event {
      const char* bed;
      const char* what;
      int second;
    };
    const Event events[] = {
        {"bed-1", "note", 10},          {"bed-1", "limit_changed", 20}, {"bed-1", "infusion_paused", 130},
        {"bed-1", "intervention", 130}, {"bed-2", "note", 140},         {"bed-1", "adverse_event", 299}};
    for (const auto& e : events) {
      v1::BusMessage m;
      auto* c = m.mutable_context();
      c->set_bed(e.bed);
      c->set_what(e.what);
      c->set_message(std::string{e.what} + " at " + std::to_string(e.second));
      c->set_seq(++seq);
      c->set_drill(e.second == 299);
      vigil::wire::set_time(c->mutable_time(), kT0 + std::chrono::seconds{e.second});
      if (!journal.write_bed(e.bed, {m}, v1::journal::BedState{}, kT0 + std::chrono::minutes{5}))
        std::abort();
    }
    journal.close(kT0 + std::chrono::hours{1});
    file.open_for_queries();
  }
};

void check_series(const v1::TrendQuery& q, const v1::TrendPage& page, const v1::TrendSeries& s) {
  const auto from = vigil::wire::from_proto(q.from()), to = vigil::wire::from_proto(q.to());
  const int points =
      q.points() == 0 ? static_cast<int>(vigil::journal::kTrendPointsDefault) : static_cast<int>(q.points());
  if (s.buckets_size() > points) std::abort();
  if (s.episodic() && s.buckets_size() > 0) std::abort();
  if (!s.episodic() && s.samples_size() > 0) std::abort();
  if (page.bucket_ms() == 0) std::abort();
  for (int i = 0; i < s.buckets_size(); ++i) {
    const auto& b = s.buckets(i);
    if (b.min() > b.max() || b.count() == 0) std::abort();
    for (const auto* t : {&b.min_time(), &b.max_time()})
      if (vigil::wire::from_proto(*t) < from || vigil::wire::from_proto(*t) >= to) std::abort();
    if (i > 0 && vigil::wire::from_proto(b.start()) <= vigil::wire::from_proto(s.buckets(i - 1).start()))
      std::abort();
  }
  for (int i = 1; i < s.samples_size(); ++i)
    if (vigil::wire::from_proto(s.samples(i).time()) < vigil::wire::from_proto(s.samples(i - 1).time()))
      std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  v1::TrendQuery q;
  if (!q.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto page = vigil::journal::trend(f.file.db(), q);
  if (!page) {
    if (page.failure().field.empty() || page.failure().message.empty())
      std::abort();  // says which field and why
    return 0;
  }
  for (const auto& s : page->series()) check_series(q, page.value(), s);
  const auto from = vigil::wire::from_proto(q.from()), to = vigil::wire::from_proto(q.to());
  if (page->events_size() > static_cast<int>(vigil::journal::kTrendEventsMax)) std::abort();
  for (int i = 0; i < page->events_size(); ++i) {
    const auto& e = page->events(i);
    const auto t = vigil::wire::from_proto(e.time());
    if (t < from || t >= to || e.what() == "limit_changed" || e.text().empty()) std::abort();
    if (q.bed() == "bed-1" && e.text() == "note at 140") std::abort();  // bed-2's
    if (i > 0 && t < vigil::wire::from_proto(page->events(i - 1).time())) std::abort();
  }
  return 0;
}
