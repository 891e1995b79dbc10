// The journal's intent log read back at start (journal/intent_log): any
// bytes, never a crash. What it reads is a run of whole records from the
// start of the file, and it stops early only with a reason; each record it
// accepts, written again, reads back the same.
#include <google/protobuf/util/message_differencer.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "journal/intent_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::journal;
  using google::protobuf::util::MessageDifferencer;
  const std::string_view bytes{reinterpret_cast<const char*>(data), size};
  const auto contents = read_intent_log(bytes);
  if (contents.whole_bytes > size) __builtin_trap();
  if (contents.problem.empty() != (contents.whole_bytes == size)) __builtin_trap();
  // The whole part alone reads the same, with nothing left over.
  const auto whole = read_intent_log(bytes.substr(0, contents.whole_bytes));
  if (!whole.problem.empty() || whole.records.size() != contents.records.size()) __builtin_trap();
  std::string again;
  for (const auto& r : contents.records) {
    std::string payload;
    const std::vector<vigil::v1::BusMessage> messages{r.messages().begin(), r.messages().end()};
    encode_intent(r.bed(), r.time_us(), messages, r.state(), payload);
    frame_intent(payload, again);
  }
  const auto reread = read_intent_log(again);
  if (!reread.problem.empty() || reread.records.size() != contents.records.size()) __builtin_trap();
  for (std::size_t i = 0; i < reread.records.size(); ++i) {
    // Field by field: fields of the record unknown to this build are not written again.
    const auto& a = contents.records[i];
    const auto& b = reread.records[i];
    if (a.bed() != b.bed() || a.time_us() != b.time_us() || a.messages_size() != b.messages_size() ||
        !MessageDifferencer::Equals(a.state(), b.state()))
      __builtin_trap();
    for (int m = 0; m < a.messages_size(); ++m)
      if (!MessageDifferencer::Equals(a.messages(m), b.messages(m))) __builtin_trap();
  }
  return 0;
}
