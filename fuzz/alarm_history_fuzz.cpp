// The alarm history query (the command channel's alarm_history, answered by
// vigild's history reader) on arbitrary query bytes, against a journal of a
// few alarms: every query is answered or refused with the field at fault; a
// page holds at most what was asked, newest first, each alarm with its
// transitions; and a next_page the reader gave is always taken back.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "fuzz/fuzz_journal.hpp"
#include "journal/alarm_history.hpp"
#include "journal/journal.hpp"
#include "wire/timestamp.hpp"

namespace {

namespace v1 = vigil::v1;
using vigil::journal::alarm_history;

const vigil::core::TimePoint kT0{std::chrono::seconds{1'800'000'000}};

struct Fixture {
  vigil::fuzz::FuzzJournal file{"history"};
  std::unique_ptr<vigil::journal::Journal> journal;

  Fixture() {
    journal = std::make_unique<vigil::journal::Journal>(file.options(),
                                                        [](const vigil::journal::JournalWriterReport&) {});
    if (!journal->open("fuzz", kT0)) std::abort();
    // Five alarms on two beds (few: every input reads them all), two raised in the same microsecond
    // (paging must still give each once), with acknowledgements and clears.
    std::uint64_t seq = 0;
    for (int i = 0; i < 5; ++i) {
      const std::string bed = i % 2 ? "bed-2" : "bed-1";
      const auto raised = kT0 + std::chrono::minutes{i == 4 ? 3 : i};
      for (auto t : {v1::RAISED, v1::ACKNOWLEDGED, v1::CLEARED}) {
        if (t == v1::ACKNOWLEDGED && i % 3 == 0) continue;
        v1::BusMessage m;
        auto* a = m.mutable_alarm();
        a->set_bed(bed);
        a->set_alarm_id(bed + ":a" + std::to_string(i));
        a->set_condition(i % 4 == 3 ? "device_lost:ox" : "desaturation");
        a->set_kind(i % 4 == 3 ? v1::TECHNICAL : v1::PHYSIOLOGICAL);
        a->set_priority(static_cast<v1::Priority>(1 + i % 3));
        a->set_transition(t);
        a->set_actor(t == v1::ACKNOWLEDGED ? "nurse" : "");
        a->set_seq(++seq);
        const auto at = raised + std::chrono::seconds{t == v1::RAISED ? 0 : t == v1::ACKNOWLEDGED ? 20 : 40};
        vigil::wire::set_time(a->mutable_time(), at);
        v1::journal::BedState state;
        state.set_bed(bed);
        if (!journal->write_bed(bed, {m}, state, at)) std::abort();
      }
    }
    journal->close(kT0 + std::chrono::hours{1});
    journal.reset();
    file.open_for_queries();
  }
};

void check_page(const v1::AlarmHistoryQuery& q, const v1::AlarmHistoryPage& page) {
  const int max =
      q.max() == 0 ? static_cast<int>(vigil::journal::kHistoryPageDefault) : static_cast<int>(q.max());
  if (page.alarms_size() > max) std::abort();
  for (int i = 0; i < page.alarms_size(); ++i) {
    const auto& a = page.alarms(i);
    if (a.transitions_size() == 0 || a.bed().empty() || a.alarm_id().empty()) std::abort();
    if (!q.bed().empty() && a.bed() != q.bed()) std::abort();
    if (i > 0 && vigil::wire::from_proto(a.raised()) > vigil::wire::from_proto(page.alarms(i - 1).raised()))
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  v1::AlarmHistoryQuery q;
  if (!q.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto page = alarm_history(f.file.db(), q);
  if (!page) {
    if (page.failure().field.empty() || page.failure().message.empty())
      std::abort();  // says which field and why
    return 0;
  }
  check_page(q, page.value());
  if (!page->next_page().empty()) {
    q.set_page(page->next_page());
    auto next = alarm_history(f.file.db(), q);
    if (!next) std::abort();  // a token it gave is always taken back
    check_page(q, next.value());
  }
  return 0;
}
