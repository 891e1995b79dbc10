// The lines vigil-tail prints (the demo's live feed): a context change reads
// in staff's words, never as the wire's key.
#include "display/bus_line_format.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

vigil::v1::BusMessage context_change(const std::string& what, const std::string& message) {
  vigil::v1::BusMessage m;
  auto* c = m.mutable_context();
  c->set_bed("bed-2");
  c->set_what(what);
  c->set_message(message);
  c->set_drill(true);
  return m;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("a context change reads as its message, without the wire's key") {
  const std::string line = vigil::display::format_line(context_change(
      "limits_in_force", "limits in force for patient PAT-7 on bed-2: profile adult, 9 rule(s)"));
  CHECK(ends_with(line, " DRILL bed-2 limits in force for patient PAT-7 on bed-2: profile adult, 9 rule(s)"));
  CHECK(line.find("limits_in_force") == std::string::npos);
  CHECK(vigil::display::format_line(context_change("admitted", "PAT-7 admitted to bed-2 by nurse Ana"))
            .find("admitted:") == std::string::npos);
}

TEST_CASE("a context change without a message reads as its kind, in words") {
  const std::string line = vigil::display::format_line(context_change("infusion_started", ""));
  CHECK(ends_with(line, " DRILL bed-2 infusion started"));
}
