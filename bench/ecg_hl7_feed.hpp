#pragma once
// ECG over HL7 for the benchmarks: what an IHE PCD gateway streams from a
// bedside monitor, so the cost of vigild's QRS detector and rhythm analysis
// is measured on the same path as every other reading.
#include "bench/device_feed.hpp"

namespace vigil::bench {

// One ORU^R01 a second, MLLP-framed, with a second of ECG lead II at 250
// samples/s (sinus rhythm at 75 /min: P, QRS and T waves, baseline wander
// and noise) beside heart rate and SpO2, laid out as
// tests/integration/test_ecg_waveform_hl7.py sends it.
Recording record_ecg_hl7(core::Duration length);

}  // namespace vigil::bench
