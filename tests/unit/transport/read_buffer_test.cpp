// A link's read buffer grows for a flood or a backlog and gives the large
// buffer back once the link sends little again.
#include "drivers/transport/read_buffer.hpp"

#include <doctest/doctest.h>

using vigil::drivers::ReadBuffer;

TEST_CASE("a link that sends a line at a time keeps the small read buffer") {
  ReadBuffer b;
  for (int i = 0; i < 1000; ++i) b.after_read(80);
  CHECK(b.size() == ReadBuffer::kSmall);
  CHECK(b.capacity() == ReadBuffer::kSmall);
}

TEST_CASE("a start-up backlog grows the read buffer, and the streaming after it gives the memory back") {
  ReadBuffer b;
  b.after_read(ReadBuffer::kSmall);  // the backlog fills the small buffer
  CHECK(b.size() == ReadBuffer::kLarge);
  b.after_read(ReadBuffer::kLarge);
  b.after_read(900);  // the rest of it
  for (int i = 1; i < ReadBuffer::kSmallReadsToShrink; ++i) b.after_read(15);
  CHECK(b.size() == ReadBuffer::kLarge);
  b.after_read(15);
  CHECK(b.size() == ReadBuffer::kSmall);
  CHECK(b.capacity() == ReadBuffer::kSmall);
}

TEST_CASE("a link whose reads keep exceeding the small buffer (HL7, a flood) keeps the large one") {
  ReadBuffer b;
  b.after_read(ReadBuffer::kSmall);
  for (int i = 0; i < 1000; ++i) {
    // Many short reads, but a large one before they have added up.
    b.after_read(i % (ReadBuffer::kSmallReadsToShrink - 1) == 0 ? 1500 : 40);
    REQUIRE(b.size() == ReadBuffer::kLarge);
  }
}
