// The infusion's course and staff entries read back from the journal's
// context events (record/infusion_course): any `what` and `new_value`, in
// any order, never a crash, and a cumulative dose that is a finite number
// from 0 to the dose's total. Each input line is "what|new_value", its
// context event a minute after the one before.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "record/infusion_course.hpp"
#include "wire/timestamp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  const vigil::core::TimePoint start{std::chrono::hours{24 * 365 * 50}};
  vigil::record::JournalSpan j;
  auto t = start;
  for (std::size_t pos = 0; pos < text.size() && j.context.size() < 200;) {
    const auto end = std::min(text.find('\n', pos), text.size());
    const auto line = text.substr(pos, end - pos);
    const auto bar = line.find('|');
    auto& c = j.context.emplace_back();
    c.set_what(std::string{line.substr(0, bar)});
    if (bar != std::string_view::npos) c.set_new_value(std::string{line.substr(bar + 1)});
    t += std::chrono::minutes{1};
    vigil::wire::set_time(c.mutable_time(), t);
    pos = end + 1;
  }
  const auto changes = vigil::record::infusion_changes(j, start, t);
  for (const auto& e : vigil::record::staff_entries(j, start, t))
    if (e.type != vigil::record::StaffEntry::Type::note && e.kind.find(": ") != std::string::npos)
      __builtin_trap();
  const vigil::core::InfusionDose dose{0.5, "mg/kg", 72, 40};
  const double given = vigil::record::cumulative_mg(dose, start, t, changes);
  if (!std::isfinite(given) || given < 0 || given > dose.total_mg()) __builtin_trap();
  return 0;
}
