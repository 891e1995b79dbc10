#pragma once
// A number with a fixed count of decimals, as the validation reports print
// it in their tables and JSON ("97.25", "0.912345"): printf's "%.*f", so a
// report reads the same whichever scoring wrote it.
#include <string>

namespace vigil::validate {

std::string fixed(double v, int decimals);

}  // namespace vigil::validate
