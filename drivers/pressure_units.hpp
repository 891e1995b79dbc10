#pragma once
// Blood pressures some monitors send in kPa (set so in their menus): vigil
// judges and shows mmHg, so a codec converts on reading. 1 mmHg is
// 133.322 Pa (the conventional millimetre of mercury).
namespace vigil::drivers {

inline constexpr double kMmHgPerKPa = 7.500615758;

}  // namespace vigil::drivers
