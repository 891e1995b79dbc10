// vigil station: the alarm sounds (IEC 60601-1-8 style patterns, Web Audio)
// and the sound check staff play before a shift to know the speakers work.
// Loaded before app.js, which decides what sounds when.
"use strict";

// Pulse start times in seconds within one burst, pulse length, pitch, and how
// often the burst repeats. High: ten pulses, 3+2 then 3+2; medium: three;
// low: two.
const PATTERNS = {
  HIGH: { pulses: [0, 0.25, 0.5, 1.0, 1.25, 2.0, 2.25, 2.5, 3.0, 3.25], length: 0.15, pitch: 880, every: 10 },
  MEDIUM: { pulses: [0, 0.3, 0.6], length: 0.2, pitch: 660, every: 20 },
  LOW: { pulses: [0, 0.4], length: 0.25, pitch: 520, every: 30 },
};

// The sound check plays each burst once, highest first, with a gap after each
// long enough to tell them apart.
const SOUND_CHECK = [
  { priority: "HIGH", at: 0 },
  { priority: "MEDIUM", at: 4.5 },
  { priority: "LOW", at: 6.5 },
];

const sound = { ctx: null, current: null, nextAt: 0, played: [] };
window.vigilSound = sound;  // what was sounded, for whoever checks the page

function soundReady() { return sound.ctx !== null && sound.ctx.state === "running"; }

function startAudio() {
  if (!sound.ctx) {
    sound.ctx = new AudioContext();
    sound.ctx.onstatechange = updateSoundButton;
  }
  return sound.ctx.resume().then(updateSoundButton);
}

function enableSound() {
  startAudio().then(() => pulse(sound.ctx.currentTime, 0.08, 440, 0.05));  // a short chirp says it works
}

function updateSoundButton() {
  document.getElementById("enable-sound").hidden = soundReady();
}

function pulse(at, length, pitch, volume) {
  const ctx = sound.ctx;
  const osc = ctx.createOscillator();
  const harmonic = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = "square";
  osc.frequency.value = pitch;
  harmonic.type = "sine";
  harmonic.frequency.value = pitch * 3;
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(volume, at + 0.015);
  gain.gain.setValueAtTime(volume, at + length - 0.02);
  gain.gain.linearRampToValueAtTime(0, at + length);
  osc.connect(gain); harmonic.connect(gain); gain.connect(ctx.destination);
  osc.start(at); harmonic.start(at);
  osc.stop(at + length); harmonic.stop(at + length);
}

function burstAt(priority, t0) {
  const p = PATTERNS[priority];
  for (const offset of p.pulses) pulse(t0 + offset, p.length, p.pitch, 0.2);
}

function playBurst(priority) {
  sound.played.push({ priority, at: Date.now() });
  if (sound.played.length > 100) sound.played.shift();
  if (!soundReady()) return;
  burstAt(priority, sound.ctx.currentTime + 0.05);
}

// Not an alarm: it is not recorded in sound.played, and the status line says
// which pattern is playing so staff can match what they hear to its name.
function soundCheck() {
  const status = document.getElementById("sound-check-status");
  const button = document.getElementById("sound-check");
  button.disabled = true;
  startAudio().then(() => {
    const t0 = sound.ctx.currentTime + 0.05;
    for (const step of SOUND_CHECK) {
      burstAt(step.priority, t0 + step.at);
      setTimeout(() => { status.textContent = `Sound check: ${step.priority} priority`; }, step.at * 1000);
    }
    const last = SOUND_CHECK[SOUND_CHECK.length - 1];
    const end = last.at + PATTERNS[last.priority].pulses.slice(-1)[0] + PATTERNS[last.priority].length;
    setTimeout(() => {
      status.textContent = "Sound check done: high, medium and low were played";
      button.disabled = false;
    }, end * 1000 + 200);
  }, (e) => {
    status.textContent = `Sound check failed: ${e}`;
    button.disabled = false;
  });
}
