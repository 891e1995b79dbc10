#pragma once
// The record's plots (SpO₂, pulse/HR, NIBP over the session, with the
// infusion shaded and each alarm marked), drawn once with the shared
// chart (chart/time_plot.hpp) onto a Canvas that the HTML (SVG) and the PDF
// (cairo) each implement, so both show the same.
#include "chart/canvas.hpp"
#include "record/infusion_record.hpp"

namespace vigil::record {

using chart::Canvas;
using chart::Color;

// Three panels, one under the other, `panel_height` each (plus axis room),
// in the box from (x, y) of `width`. Returns the height used.
double draw_plots(const InfusionRecord& r, Canvas& canvas, double x, double y, double width,
                  double panel_height);

}  // namespace vigil::record
