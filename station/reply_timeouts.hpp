#pragma once
// How long the station waits for vigild's answer to a page's request, and
// what the nurse reads when it did not come. A live command (an
// acknowledgement, an audio pause, a staff entry) is answered at once by a
// working vigild: 2 s. A look into the journal runs on vigild's history
// reader, behind up to 15 other looks: the alarm history and a trend (a day
// at most) get 10 s. A record reads the patient's earlier visits too: on the
// shared test machine 50 visits take 0.1 s of CPU, 1000 visits 3.4-3.9 s of
// CPU and 6 s of wall time (tests/unit/record/record_view_timing_test.cpp,
// its kVisits set to 1000), so a record and a session list get 20 s, still
// below the 30 s after which an open record view asks again.
#include <chrono>
#include <string>

#include "vigil/v1/station.pb.h"

namespace vigil::station {

inline constexpr std::chrono::seconds kLiveCommandTimeout{2};
inline constexpr std::chrono::seconds kJournalLookTimeout{10};
inline constexpr std::chrono::seconds kRecordTimeout{20};

std::chrono::milliseconds reply_timeout(const v1::station::PageRequest& r);

// For the nurse, when vigild `daemon` did not answer `r` in time: what was
// asked, how long the station waited, and whether something may have been
// done (a command) or nothing was (a look).
std::string no_answer_words(const v1::station::PageRequest& r, const std::string& daemon);

}  // namespace vigil::station
