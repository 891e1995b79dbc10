#pragma once
// The drill report a nurse educator reads after a drill (text), the same for
// programs (JSON), and a plot of every bed's vitals with the scripted events,
// expectation windows, alarms and acknowledgements marked (SVG, drawn by
// our own code: no plotting library).
#include <string>

#include "drill/drill_evaluation.hpp"

namespace vigil::drill {

std::string report_text(const DrillReport& report);
std::string report_json(const DrillReport& report);
// The readings come from the record: the report keeps only what it judged.
std::string report_svg(const DrillReport& report, const DrillRecord& record);

}  // namespace vigil::drill
