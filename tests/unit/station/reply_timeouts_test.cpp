#include "station/reply_timeouts.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using vigil::station::no_answer_words;
using vigil::station::reply_timeout;
using vigil::v1::station::PageRequest;

TEST_CASE(
    "an acknowledgement is given 2 s, a trend or the alarm history 10 s, a record or its sessions 20 s") {
  PageRequest ack, history, trend, record, sessions, note;
  ack.mutable_acknowledge()->set_bed("bed-1");
  history.mutable_alarm_history();
  trend.mutable_trend()->set_bed("bed-1");
  record.mutable_record()->set_session(12);
  sessions.mutable_sessions()->set_bed("bed-1");
  note.mutable_note()->set_bed("bed-1");
  CHECK(reply_timeout(ack) == 2s);
  CHECK(reply_timeout(note) == 2s);
  CHECK(reply_timeout(history) == 10s);
  CHECK(reply_timeout(trend) == 10s);
  CHECK(reply_timeout(record) == 20s);
  CHECK(reply_timeout(sessions) == 20s);
  // The open record view asks again every 30 s: one request at a time.
  CHECK(reply_timeout(record) < 30s);
}

TEST_CASE("the nurse reads what was not answered, after how long, and whether anything may have been done") {
  PageRequest record, ack;
  record.mutable_record()->set_session(12);
  ack.mutable_acknowledge()->set_bed("bed-1");
  CHECK(
      no_answer_words(record, "room-1") ==
      "vigild room-1 did not answer the record within 20 s (busy, or out of reach): nothing was changed; try "
      "again in a moment");
  CHECK(no_answer_words(ack, "room-1") ==
        "vigild room-1 did not answer the acknowledgement within 2 s (busy, or out of reach): it may or may "
        "not "
        "have been done; look at the bed before sending it again");
}
