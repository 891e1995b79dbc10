#pragma once
// Second-order IIR sections designed at run time for any sampling rate, so
// the beat detectors work at whatever rate a monitor streams (PhysioNet data
// comes at 250 and 360 Hz; bedside monitors use 125-1000 Hz). Butterworth
// responses by the bilinear transform with frequency pre-warping (the
// "Audio EQ Cookbook" formulas with Q = 1/sqrt(2)).
namespace vigil::alerts {

class Biquad {
 public:
  static Biquad low_pass(double cutoff_hz, double sampling_hz);
  static Biquad high_pass(double cutoff_hz, double sampling_hz);

  double step(double x) {
    const double y = b0_ * x + s1_;
    s1_ = b1_ * x - a1_ * y + s2_;
    s2_ = b2_ * x - a2_ * y;
    return y;
  }
  // Starts from a steady input of `x` (no start-up transient).
  void settle(double x);

 private:
  Biquad(double b0, double b1, double b2, double a1, double a2)
      : b0_{b0}, b1_{b1}, b2_{b2}, a1_{a1}, a2_{a2} {}
  double b0_, b1_, b2_, a1_, a2_;
  double s1_ = 0, s2_ = 0;  // transposed direct form II state
};

}  // namespace vigil::alerts
