#pragma once
// The context events a bed's trend review marks, each with what staff read
// for it and the mark drawn at the foot of the trend, in one list: the
// journal's trend query sends exactly these kinds, and the station tells its
// page their names and marks (WardView.trend_event_names), so a kind added
// here is sent and shown rightly at once, and no kind is shown that is not
// here. Limit and baseline changes are left out: the alarms they cause are
// marked already. The names live beside the kinds, not in display/, because
// the journal that picks the kinds sits above display.
#include <array>
#include <string_view>

namespace vigil::wire {

struct TrendEventKind {
  std::string_view what;   // the context event's `what`, as journalled
  std::string_view label;  // as staff read it: "Infusion paused"
  std::string_view mark;   // one character at the foot of the trend
};

inline constexpr std::array<TrendEventKind, 10> kTrendEventKinds{{
    {.what = "note", .label = "Note", .mark = "N"},
    {.what = "intervention", .label = "Intervention", .mark = "+"},
    {.what = "adverse_event", .label = "Adverse event", .mark = "!"},
    {.what = "infusion_started", .label = "Infusion started", .mark = "\u25b6"},
    {.what = "infusion_paused", .label = "Infusion paused", .mark = "\u2016"},
    {.what = "infusion_resumed", .label = "Infusion resumed", .mark = "\u25b6"},
    {.what = "infusion_rate_changed", .label = "Infusion rate", .mark = "\u21c5"},
    {.what = "infusion_stopped", .label = "Infusion stopped", .mark = "\u25a0"},
    {.what = "admitted", .label = "Admitted", .mark = "A"},
    {.what = "discharged", .label = "Discharged", .mark = "D"},
}};

}  // namespace vigil::wire
