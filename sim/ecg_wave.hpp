#pragma once
// Lead II of the ECG from the beat train, for monitors that stream it: each
// beat drawn as a sum of Gaussian waves (the model of McSharry et al. 2003,
// "A dynamical model for generating synthetic electrocardiogram signals",
// reduced to its waveform), on a breathing-paced baseline with a little noise.
//  - A conducted beat (sinus, premature atrial) has its P wave about 0.16 s
//    before the QRS (a premature atrial beat's P is smaller and differently
//    shaped, as it starts elsewhere in the atrium); a narrow QRS (~80 ms);
//    a T wave that comes earlier at faster rates.
//  - In atrial fibrillation there is no P wave: fibrillatory waves of about
//    6 Hz and 0.05 mV run through the whole baseline instead.
//  - In atrial flutter there is no P wave either: a sawtooth of flutter
//    waves (negative in lead II, 0.3 mV) at the atrial rate, each QRS at the
//    same place on it, since the AV node passes only whole waves.
//  - A premature ventricular beat has no P wave, a wide (~140 ms)
//    differently shaped QRS and a large T wave of the opposite direction.
//  - In ventricular tachycardia every beat is such a ventricular complex
//    (the same shape each time: one focus), regular, with no P wave.
//  - In ventricular fibrillation there are no beats: an irregular 4-8 Hz
//    swing of 0.2-0.8 mV runs through the whole trace.
// Motion artefact (the patient moving, shivering) is drawn apart, for the
// device whose electrodes move to add while they do: bursts of a few seconds
// of baseline wander (up to about 1 mV, 0.4-1.7 Hz), electrode jerks (5-15 Hz,
// the band a QRS detector listens to) and muscle noise.
// Deterministic: the noise is a hash of the sample's time.
#include "core/time.hpp"
#include "drivers/simulated_device.hpp"
#include "sim/heart_rhythm.hpp"

namespace vigil::sim {

// The ECG at t in mV. Needs the beats up to t + kEcgLookahead (a P wave
// starts before its QRS); devices draw it drivers::kEcgDelay behind.
double ecg_sample(const BeatTrain& beats, core::Duration t, double resp_rate);

// Motion artefact at t in mV, at full strength, for a patient's seed.
double ecg_motion_artefact(core::Duration t, unsigned seed);

constexpr core::Duration kEcgLookahead = std::chrono::milliseconds{300};
static_assert(kEcgLookahead <= drivers::kEcgDelay);

}  // namespace vigil::sim
