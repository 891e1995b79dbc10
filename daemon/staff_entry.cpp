#include "daemon/staff_entry.hpp"

#include <algorithm>

namespace vigil::daemon {
namespace {

// Long enough for a few sentences; a record is not a document store.
constexpr std::size_t kMaxText = 1000;

const char* what_of(EntryType t) {
  switch (t) {
    case EntryType::note:
      return "note";
    case EntryType::intervention:
      return "intervention";
    case EntryType::adverse_event:
      return "adverse_event";
  }
  return "note";
}

const char* shown(EntryType t) {
  switch (t) {
    case EntryType::note:
      return "Note";
    case EntryType::intervention:
      return "Intervention";
    case EntryType::adverse_event:
      return "Adverse event";
  }
  return "Note";
}

std::string joined(const std::vector<std::string_view>& kinds) {
  std::string s;
  for (auto k : kinds) s += (s.empty() ? "" : ", ") + std::string{k};
  return s;
}

bool has_control(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

const std::vector<std::string_view>& entry_kinds(EntryType t) {
  // What the clinics prepare for (docs/record.md): a BP spike handled by a
  // pause or a beta-blocker, a desaturation by nasal cannula oxygen.
  static const std::vector<std::string_view> interventions{"oxygen", "medication", "position",
                                                           "airway", "fluids",     "other"};
  static const std::vector<std::string_view> adverse_events{
      "hypertension", "hypotension", "desaturation", "arrhythmia", "bradycardia", "tachycardia",
      "nausea",       "vomiting",    "dissociation", "sedation",   "agitation",   "other"};
  static const std::vector<std::string_view> none;
  return t == EntryType::intervention ? interventions : t == EntryType::adverse_event ? adverse_events : none;
}

core::Result<std::string> enter(EntryType type, const alerts::BedAlarms& bed, const std::string& kind,
                                const std::string& text, const alerts::Actor& actor,
                                std::vector<alerts::ContextChange>& out) {
  if (bed.patient_id().empty())
    return core::Error::at("bed", "no patient is admitted to " + bed.bed() + "; admit one first",
                           core::ErrorCode::conflict);
  const auto& kinds = entry_kinds(type);
  if (type != EntryType::note) {
    if (kind.empty()) return core::Error::at("kind", "is required (" + joined(kinds) + ")");
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
      return core::Error::at("kind", "unknown kind '" + kind + "' (" + joined(kinds) + ")");
  } else if (!kind.empty()) {
    return core::Error::at("kind", "a note has no kind; say it in the text");
  }
  const bool text_needed = type == EntryType::note || kind == "medication" || kind == "other";
  if (text_needed && blank(text))
    return core::Error::at("text", type == EntryType::note ? std::string{"is empty; say what to note"}
                                                           : "is required for '" + kind + "': say what");
  if (text.size() > kMaxText)
    return core::Error::at(
        "text", "is " + std::to_string(text.size()) + " bytes; at most " + std::to_string(kMaxText));
  if (has_control(text)) return core::Error::at("text", "holds control characters (one line of text)");
  const std::string value = type == EntryType::note ? text : blank(text) ? kind : kind + ": " + text;
  const std::string message =
      std::string{shown(type)} + " on " + bed.bed() + " by " + alerts::who(actor) + ": " + value;
  out.push_back({what_of(type), message, "", value, actor, bed.patient_id()});
  return message;
}

}  // namespace vigil::daemon
