// A bed's infusion from the station: Start with the dose as numbers (shown
// computed before anything is sent) and the baseline measured by vigild or
// entered, Pause with an optional reason, Resume, a new rate (its arithmetic
// shown), and Stop after a confirmation. Sent with the operator's name as
// vigil-ctl would send them; vigild's refusal is shown word for word. The
// tile's infusion line (running, or PAUSED since when and why) is drawn here
// too, from the ward vigild's snapshot and events fill. Loaded before app.js,
// whose helpers (h, send, state, clockText) it uses once the page runs.
"use strict";

// vigild's bounds for a dose (core/infusion_dose.cpp): a slip is caught here
// in words before sending, and vigild refuses anything that passes here anyway.
const DOSE_BOUNDS = { amountMax: 5000, weightMin: 1, weightMax: 400, durationMax: 24 * 60 };

// vigild's bounds for a rate change (daemon/infusion_course.hpp) and for an
// entered baseline value (alerts/alarm_settings.cpp's metric ranges).
const RATE_MAX_MG_PER_MIN = 1000;
const BASELINE_FIELDS = [
  { name: "nibpSys", label: "NIBP sys (mmHg)", lowest: 40, highest: 300 },
  { name: "nibpDia", label: "NIBP dia (mmHg)", lowest: 20, highest: 200 },
  { name: "heartRate", label: "Pulse/HR (/min)", lowest: 20, highest: 300 },
  { name: "spo2", label: "SpO\u2082 (%)", lowest: 50, highest: 100 },
];

// As vigild prints a dose (printf's %.4g): "0.5", "36", "0.9".
function doseNumber(v) { return String(Number(v.toPrecision(4))); }

// The dose the form holds, or the first thing wrong with it, in words.
function readDose(f) {
  const drug = f.drug.value.trim();
  const amount = f.amount.valueAsNumber, weight = f.weight.valueAsNumber, duration = f.duration.valueAsNumber;
  const unit = f.unit.value;
  if (!drug) return { problem: "Enter the drug." };
  if (!(amount > 0)) return { problem: "Enter the amount: a number above 0." };
  if (amount > DOSE_BOUNDS.amountMax) return { problem: `The amount must be at most ${DOSE_BOUNDS.amountMax} ${unit}.` };
  const weightGiven = f.weight.value !== "" || f.weight.validity.badInput;
  if (unit === "mg/kg" && !weightGiven) return { problem: "A dose in mg/kg needs the patient's weight in kg." };
  if (weightGiven && !(weight >= DOSE_BOUNDS.weightMin && weight <= DOSE_BOUNDS.weightMax))
    return { problem: `The weight must be ${DOSE_BOUNDS.weightMin} to ${DOSE_BOUNDS.weightMax} kg.` };
  if (!Number.isInteger(duration) || duration < 1 || duration > DOSE_BOUNDS.durationMax)
    return { problem: `Enter the duration in whole minutes, 1 to ${DOSE_BOUNDS.durationMax}.` };
  const dose = { amount, unit, durationMin: duration };
  if (weightGiven) dose.weightKg = weight;
  const total = unit === "mg/kg" ? amount * weight : amount;
  const perKg = unit === "mg/kg" ? ` \u00d7 ${doseNumber(weight)} kg = ${doseNumber(total)} mg` : "";
  const text = `${doseNumber(amount)} ${unit}${perKg} over ${duration} min (${doseNumber(total / duration)} mg/min)`;
  return { drug, dose, text };
}

// The entered baseline ({} when vigild is to measure it), or what is wrong with it, in words.
function readBaseline(f) {
  if (f.baselineFrom.value !== "entered") return { baseline: {} };
  const baseline = {};
  for (const b of BASELINE_FIELDS) {
    const input = f[b.name];
    if (input.value === "" && !input.validity.badInput) continue;
    const v = input.valueAsNumber;
    if (!(v >= b.lowest && v <= b.highest))
      return { problem: `The baseline ${b.label.replace(/ \(.*/, "")} must be ${b.lowest} to ${b.highest}.` };
    baseline[b.name] = v;
  }
  if (Object.keys(baseline).length === 0)
    return { problem: "Enter at least one baseline value, or let vigild measure it." };
  if (("nibpSys" in baseline) !== ("nibpDia" in baseline))
    return { problem: "Enter the baseline blood pressure as both systolic and diastolic." };
  if (baseline.nibpSys <= baseline.nibpDia)
    return { problem: "The baseline systolic must be above the diastolic." };
  return { baseline };
}

// The new rate the form holds, in mg/min, with its arithmetic; or the first thing wrong, in words.
function readRate(f, bed) {
  const amount = f.rate.valueAsNumber, unit = f.rateUnit.value, weight = f.rateWeight.valueAsNumber;
  if (!(amount > 0)) return { problem: "Enter the new rate: a number above 0." };
  const weightGiven = f.rateWeight.value !== "" || f.rateWeight.validity.badInput;
  if (unit === "mg/kg/h" && !weightGiven) return { problem: "A rate in mg/kg/h needs the patient's weight in kg." };
  if (weightGiven && !(weight >= DOSE_BOUNDS.weightMin && weight <= DOSE_BOUNDS.weightMax))
    return { problem: `The weight must be ${DOSE_BOUNDS.weightMin} to ${DOSE_BOUNDS.weightMax} kg.` };
  const mgPerH = unit === "mg/kg/h" ? amount * weight : unit === "mg/h" ? amount : amount * 60;
  const mgPerMin = mgPerH / 60;
  if (mgPerMin > RATE_MAX_MG_PER_MIN)
    return { problem: `That is ${doseNumber(mgPerMin)} mg/min: vigild takes at most ${RATE_MAX_MG_PER_MIN} mg/min.` };
  const steps = unit === "mg/kg/h" ? [`${doseNumber(amount)} mg/kg/h \u00d7 ${doseNumber(weight)} kg`, `${doseNumber(mgPerH)} mg/h`]
    : unit === "mg/h" ? [`${doseNumber(amount)} mg/h`] : [];
  const now = bed.infusionRateMgPerMin ? ` (now ${doseNumber(bed.infusionRateMgPerMin)} mg/min)` : "";
  const text = [...steps, `${doseNumber(mgPerMin)} mg/min`].join(" = ") + now;
  return { mgPerMin, text };
}

// The tile's infusion line: running (and its rate when one was set), or paused with
// since when, why and by whom, marked by the pause sign and a dashed box, not by colour alone.
function showInfusionLine(line, bed) {
  const paused = bed.infusionRunning && !!bed.infusionPausedSince;
  const drug = bed.infusionDrug || "Infusion";
  if (!bed.infusionRunning) {
    line.textContent = "No infusion running";
  } else if (paused) {
    const reason = bed.infusionPauseReason ? ` (${bed.infusionPauseReason})` : "";
    line.textContent = `\u2016 ${drug} PAUSED since ${clockText(ms(bed.infusionPausedSince))}${reason}` +
      (bed.infusionPausedBy ? ` by ${bed.infusionPausedBy}` : "");
  } else {
    const rate = bed.infusionRateMgPerMin ? ` at ${doseNumber(bed.infusionRateMgPerMin)} mg/min` : "";
    line.textContent = `${drug} running ${durationText(ms(bed.infusionStarted))} ` +
      `(since ${clockText(ms(bed.infusionStarted))})${rate}`;
  }
  line.classList.toggle("running", bed.infusionRunning && !paused);
  line.classList.toggle("paused", paused);
}

function labelled(text, input) {
  const l = h("label", "infusion-field", text);
  l.append(input);
  return l;
}

function numberInput(name, step, min) {
  const i = h("input");
  i.type = "number";
  i.name = name;
  i.step = step;
  i.min = min;
  i.inputMode = "decimal";
  return i;
}

// Sends an infusion command; `said` shows vigild's answer in the panel.
function sendInfusion(bed, action, body, said, after) {
  said.textContent = "";
  const id = send({ daemon: bed.daemon, [action]: { bed: bed.bed, ...body } });
  if (!id) return;
  state.afterReply.set(id, (reply) => {
    said.textContent = reply.ok ? `Done: ${reply.message}` : `Not done: ${reply.message}`;
    said.classList.toggle("bad", !reply.ok);
    if (reply.ok && after) after();
  });
}

function makeStartForm(bed, said) {
  const f = h("form", "infusion-start");
  f.setAttribute("aria-label", `Start an infusion on ${bed.bed}`);
  f.noValidate = true;  // the problems are said in words below, not by the browser's bubbles
  const drug = h("input");
  drug.name = "drug";
  drug.maxLength = 100;
  drug.autocomplete = "off";
  const unit = h("select");
  unit.name = "unit";
  unit.append(new Option("mg/kg", "mg/kg"), new Option("mg", "mg"));
  const regimen = h("input");
  regimen.name = "regimen";
  regimen.maxLength = 200;
  regimen.placeholder = "as in the protocol";
  const computed = h("p", "infusion-dose");
  computed.setAttribute("aria-live", "polite");
  const start = h("button", "infusion-send", "Start infusion");
  start.type = "submit";
  const baseline = makeBaselineFields(bed);
  f.append(labelled("Drug", drug), labelled("Amount", numberInput("amount", "any", "0")), labelled("Unit", unit),
           labelled("Weight (kg)", numberInput("weight", "any", "1")),
           labelled("Duration (min)", numberInput("duration", "1", "1")), labelled("Regimen", regimen),
           baseline, computed, start);
  // The first problem of the dose or of the baseline; the dose as vigild will print it otherwise.
  const read = () => {
    const d = readDose(f);
    if (d.problem) return d;
    const b = readBaseline(f);
    return b.problem ? b : { ...d, baseline: b.baseline };
  };
  const show = () => {
    const d = read();
    baseline.querySelector(".infusion-baseline-values").hidden = f.baselineFrom.value !== "entered";
    computed.textContent = d.problem ? d.problem : `Dose: ${d.text}`;
    computed.classList.toggle("bad", !!d.problem);
    if (said.textContent.startsWith("Not sent: ")) said.textContent = "";  // said of what is no longer there
  };
  f.addEventListener("input", show);
  f.addEventListener("change", show);
  show();
  f.addEventListener("submit", (event) => {
    event.preventDefault();
    const d = read();
    show();
    if (d.problem) {
      said.textContent = `Not sent: ${d.problem}`;
      said.classList.add("bad");
      return;
    }
    const body = { drug: d.drug, regimen: regimen.value.trim(), dose: d.dose };
    if (Object.keys(d.baseline).length) body.baseline = d.baseline;
    sendInfusion(bed, "startInfusion", body, said, () => {
      f.reset();
      show();
    });
  });
  return f;
}

// The baseline: measured by vigild at the start (the median of its last minutes
// of readings), or entered by staff (each value overrides the measured one).
function makeBaselineFields(bed) {
  const box = h("fieldset", "infusion-baseline");
  box.append(h("legend", "", "Baseline"));
  const choice = (value, text, checked) => {
    const l = h("label", "infusion-choice");
    const r = h("input");
    r.type = "radio";
    r.name = "baselineFrom";
    r.value = value;
    r.checked = checked;
    l.append(r, ` ${text}`);
    return l;
  };
  const values = h("div", "infusion-baseline-values");
  for (const b of BASELINE_FIELDS) values.append(labelled(b.label, numberInput(b.name, "any", String(b.lowest))));
  values.hidden = true;
  box.append(choice("measured", "measured by vigild at the start", true), choice("entered", "entered:", false),
             values);
  box.setAttribute("aria-label", `Baseline for the infusion on ${bed.bed}`);
  return box;
}

// A new rate for the running infusion: in mg/min, mg/h or mg/kg/h (with the
// weight), sent as mg/min with the arithmetic shown before anything is sent.
function makeRateForm(bed, said, currentBed) {
  const f = h("form", "infusion-rate");
  f.setAttribute("aria-label", `Change the rate of the infusion on ${bed.bed}`);
  f.noValidate = true;
  const unit = h("select");
  unit.name = "rateUnit";
  unit.append(new Option("mg/min", "mg/min"), new Option("mg/h", "mg/h"), new Option("mg/kg/h", "mg/kg/h"));
  const reason = h("input");
  reason.name = "rateReason";
  reason.maxLength = 200;
  reason.placeholder = "optional";
  const computed = h("p", "infusion-rate-computed");
  computed.setAttribute("aria-live", "polite");
  const submit = h("button", "infusion-rate-send", "Change rate");
  submit.type = "submit";
  f.append(labelled("New rate", numberInput("rate", "any", "0")), labelled("Rate unit", unit),
           labelled("Weight (kg)", numberInput("rateWeight", "any", "1")), labelled("Rate reason", reason),
           computed, submit);
  const show = () => {
    const r = readRate(f, currentBed());
    computed.textContent = r.problem ? r.problem : `New rate: ${r.text}`;
    computed.classList.toggle("bad", !!r.problem);
    if (said.textContent.startsWith("Not sent: ")) said.textContent = "";
  };
  f.addEventListener("input", show);
  f.addEventListener("change", show);
  show();
  f.addEventListener("submit", (event) => {
    event.preventDefault();
    const r = readRate(f, currentBed());
    show();
    if (r.problem) {
      said.textContent = `Not sent: ${r.problem}`;
      said.classList.add("bad");
      return;
    }
    sendInfusion(bed, "changeInfusionRate", { rateMgPerMin: r.mgPerMin, reason: reason.value.trim() }, said, () => {
      f.reset();
      show();
    });
  });
  return { form: f, show };
}

function makeRunningControls(bed, said) {
  const box = h("div", "infusion-running");
  const reason = h("input");
  reason.maxLength = 200;
  reason.placeholder = "optional";
  const pause = h("button", "infusion-pause", "Pause");
  pause.type = "button";
  pause.addEventListener("click", () => {
    sendInfusion(bed, "pauseInfusion", { reason: reason.value.trim() }, said, () => { reason.value = ""; });
  });
  const resume = h("button", "infusion-resume", "Resume");
  resume.type = "button";
  resume.addEventListener("click", () => sendInfusion(bed, "resumeInfusion", {}, said));
  const stop = h("button", "infusion-stop", "Stop\u2026");
  stop.type = "button";
  const confirm = h("div", "infusion-confirm");
  confirm.setAttribute("role", "group");
  confirm.setAttribute("aria-label", `Confirm stopping the infusion on ${bed.bed}`);
  const yes = h("button", "infusion-stop-yes", "Yes, stop it");
  yes.type = "button";
  const no = h("button", "infusion-stop-no", "Keep it running");
  no.type = "button";
  confirm.append(h("span", "", `Stop the infusion on ${bed.bed} now?`), yes, no);
  confirm.hidden = true;
  stop.addEventListener("click", () => { confirm.hidden = false; no.focus(); });
  no.addEventListener("click", () => { confirm.hidden = true; stop.focus(); });
  yes.addEventListener("click", () => {
    confirm.hidden = true;
    sendInfusion(bed, "stopInfusion", {}, said);
  });
  const reasonField = labelled("Pause reason", reason);
  box.append(reasonField, pause, resume, stop, confirm);
  // Only what applies: Pause while running, Resume while paused, Stop for either.
  const update = (paused) => {
    reasonField.hidden = paused;
    pause.hidden = paused;
    resume.hidden = !paused;
  };
  return { box, update };
}

// The tile's Infusion button and its panel (closed until opened). The panel
// is built once: a render every second must not clear what is being typed.
function makeInfusionControl(bed) {
  const panel = h("section", "infusion-panel");
  panel.id = `infusion-${bed.daemon}-${bed.bed}`.replace(/[^A-Za-z0-9_-]/g, "_");
  panel.setAttribute("aria-label", `Infusion on ${bed.bed}`);
  panel.hidden = true;
  const toggle = h("button", "open-infusion", "Infusion");
  toggle.type = "button";
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", panel.id);
  toggle.setAttribute("aria-label", `Infusion on ${bed.bed}: start, pause, resume, change the rate or stop`);
  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
  });
  const said = h("p", "infusion-said");
  said.setAttribute("role", "status");
  const start = makeStartForm(bed, said);
  const running = makeRunningControls(bed, said);
  let current = bed;
  const rate = makeRateForm(bed, said, () => current);
  panel.append(start, running.box, rate.form, said);
  // What shows follows the ward (vigild's state, not the page's): the start form while
  // nothing runs; Pause or Resume as the infusion runs or is paused.
  const update = (b) => {
    const rateBefore = current.infusionRateMgPerMin;
    current = b;
    start.hidden = b.infusionRunning;
    running.box.hidden = !b.infusionRunning;
    rate.form.hidden = !b.infusionRunning;
    running.update(b.infusionRunning && !!b.infusionPausedSince);
    if (b.infusionRateMgPerMin !== rateBefore) rate.show();
  };
  return { toggle, panel, update };
}
