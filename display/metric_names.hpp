#pragma once
// The names a screen shows for every metric, in one list: each metric of the
// core table with its label and unit as staff read them, and the cuff's
// systolic/diastolic/mean pair shown together ("NIBP 220/120 mmHg").
#include <string>
#include <vector>

namespace vigil::display {

struct ShownName {
  std::string metric;  // the wire's short name, or "nibp" for the cuff's pair
  std::string label;
  std::string unit;
};

const std::vector<ShownName>& shown_names();

}  // namespace vigil::display
