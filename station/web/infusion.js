// A bed's infusion from the station: Start with the dose as numbers (shown
// computed before anything is sent) and the baseline measured by vigild or
// entered, Pause with an optional reason, Resume, a new rate (its arithmetic
// shown), Stop after a confirmation, and the baseline set again (entered or
// measured anew) before or while the infusion runs. Sent with the operator's name as
// vigil-ctl would send them; vigild's refusal is shown word for word. The
// tile's infusion line (running, or PAUSED since when and why) is drawn here
// too, from the ward vigild's snapshot and events fill. Loaded before app.js,
// whose helpers (h, send, state, clockText) it uses once the page runs.
"use strict";

// What vigild accepts in the infusion commands (InfusionBounds, from its
// snapshot through the station's ward): a slip is caught here in words before
// sending, with vigild's own numbers, and vigild refuses anything that passes
// here anyway. Null until the bed's vigild is heard.
function infusionBounds(bed) {
  const d = ((state.ward && state.ward.daemons) || []).find((x) => x.name === bed.daemon);
  return (d && d.infusionBounds) || null;
}
const NO_BOUNDS = "Waiting for vigild to say what it accepts.";

// The values of an entered baseline: the page's field, vigild's name for it, what staff read.
const BASELINE_FIELDS = [
  { name: "nibpSys", field: "nibp_sys", label: "NIBP sys (mmHg)" },
  { name: "nibpDia", field: "nibp_dia", label: "NIBP dia (mmHg)" },
  { name: "heartRate", field: "heart_rate", label: "Pulse/HR (/min)" },
  { name: "spo2", field: "spo2", label: "SpO\u2082 (%)" },
];

// As vigild prints a dose (printf's %.4g): "0.5", "36", "0.9".
function doseNumber(v) { return String(Number(v.toPrecision(4))); }

// The dose the form holds, or the first thing wrong with it, in words.
function readDose(f, bounds) {
  if (!bounds) return { problem: NO_BOUNDS };
  const drug = f.drug.value.trim();
  const amount = f.amount.valueAsNumber, weight = f.weight.valueAsNumber, duration = f.duration.valueAsNumber;
  const unit = f.unit.value;
  if (!drug) return { problem: "Enter the drug." };
  if (!(amount > 0)) return { problem: "Enter the amount: a number above 0." };
  if (amount > bounds.doseAmountMax) return { problem: `The amount must be at most ${bounds.doseAmountMax} ${unit}.` };
  const weightGiven = f.weight.value !== "" || f.weight.validity.badInput;
  if (unit === "mg/kg" && !weightGiven) return { problem: "A dose in mg/kg needs the patient's weight in kg." };
  if (weightGiven && !(weight >= bounds.weightMinKg && weight <= bounds.weightMaxKg))
    return { problem: `The weight must be ${bounds.weightMinKg} to ${bounds.weightMaxKg} kg.` };
  if (!Number.isInteger(duration) || duration < 1 || duration > bounds.durationMinMax)
    return { problem: `Enter the duration in whole minutes, 1 to ${bounds.durationMinMax}.` };
  const dose = { amount, unit, durationMin: duration };
  if (weightGiven) dose.weightKg = weight;
  const total = unit === "mg/kg" ? amount * weight : amount;
  const perKg = unit === "mg/kg" ? ` \u00d7 ${doseNumber(weight)} kg = ${doseNumber(total)} mg` : "";
  const text = `${doseNumber(amount)} ${unit}${perKg} over ${duration} min (${doseNumber(total / duration)} mg/min)`;
  return { drug, dose, text };
}

// The entered baseline ({} when vigild is to measure it), or what is wrong with it, in words.
function readBaseline(f, bounds) {
  if (f.baselineFrom.value !== "entered") return { baseline: {} };
  if (!bounds) return { problem: NO_BOUNDS };
  const baseline = {};
  for (const b of BASELINE_FIELDS) {
    const input = f[b.name];
    if (input.value === "" && !input.validity.badInput) continue;
    const v = input.valueAsNumber;
    const range = (bounds.baseline || []).find((x) => x.field === b.field);
    const lowest = (range && range.lowest) || 0, highest = (range && range.highest) || 0;
    if (!range || !(v >= lowest && v <= highest))
      return { problem: `The baseline ${b.label.replace(/ \(.*/, "")} must be ${lowest} to ${highest}.` };
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
function readRate(f, bed, bounds) {
  if (!bounds) return { problem: NO_BOUNDS };
  const amount = f.rate.valueAsNumber, unit = f.rateUnit.value, weight = f.rateWeight.valueAsNumber;
  if (!(amount > 0)) return { problem: "Enter the new rate: a number above 0." };
  const weightGiven = f.rateWeight.value !== "" || f.rateWeight.validity.badInput;
  if (unit === "mg/kg/h" && !weightGiven) return { problem: "A rate in mg/kg/h needs the patient's weight in kg." };
  if (weightGiven && !(weight >= bounds.weightMinKg && weight <= bounds.weightMaxKg))
    return { problem: `The weight must be ${bounds.weightMinKg} to ${bounds.weightMaxKg} kg.` };
  const mgPerH = unit === "mg/kg/h" ? amount * weight : unit === "mg/h" ? amount : amount * 60;
  const mgPerMin = mgPerH / 60;
  if (mgPerMin > bounds.rateMaxMgPerMin)
    return { problem: `That is ${doseNumber(mgPerMin)} mg/min: vigild takes at most ${bounds.rateMaxMgPerMin} mg/min.` };
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

// A form that says in words, as it is typed, what it will send or the first
// thing wrong, and sends only what is right: the start, the rate and the
// baseline forms. `read(f)` gives {problem} or what `describe` and `body` take;
// its words go in `<className>-computed`, and `<className>-send` sends it.
function makeCheckedForm(bed, said, o) {
  const f = h("form", o.className);
  f.setAttribute("aria-label", o.label);
  f.noValidate = true;  // the problems are said in words below, not by the browser's bubbles
  const computed = h("p", `${o.className}-computed`);
  computed.setAttribute("aria-live", "polite");
  const submit = h("button", `${o.className}-send`, o.sendText);
  submit.type = "submit";
  f.append(...o.fields, computed, submit);
  const show = () => {
    const r = o.read(f);
    if (o.onShow) o.onShow(f);
    computed.textContent = r.problem ? r.problem : o.describe(r);
    computed.classList.toggle("bad", !!r.problem);
    if (said.textContent.startsWith("Not sent: ")) said.textContent = "";  // said of what is no longer there
  };
  f.addEventListener("input", show);
  f.addEventListener("change", show);
  show();
  f.addEventListener("submit", (event) => {
    event.preventDefault();
    const r = o.read(f);
    show();
    if (r.problem) {
      said.textContent = `Not sent: ${r.problem}`;
      said.classList.add("bad");
      return;
    }
    sendInfusion(bed, o.action, o.body(r), said, () => {
      f.reset();
      show();
    });
  });
  return { form: f, show };
}

// Hides the entered values unless "entered" is chosen.
function showBaselineValues(f) {
  f.querySelector(".infusion-baseline-values").hidden = f.baselineFrom.value !== "entered";
}

function makeStartForm(bed, said) {
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
  const baseline = makeBaselineFields(bed, "measured by vigild at the start, or as set before it");
  return makeCheckedForm(bed, said, {
    className: "infusion-start",
    label: `Start an infusion on ${bed.bed}`,
    sendText: "Start infusion",
    fields: [labelled("Drug", drug), labelled("Amount", numberInput("amount", "any", "0")), labelled("Unit", unit),
             labelled("Weight (kg)", numberInput("weight", "any", "1")),
             labelled("Duration (min)", numberInput("duration", "1", "1")), labelled("Regimen", regimen), baseline],
    // The first problem of the dose or of the baseline; the dose as vigild will print it otherwise.
    read: (f) => {
      const d = readDose(f, infusionBounds(bed));
      if (d.problem) return d;
      const b = readBaseline(f, infusionBounds(bed));
      return b.problem ? b : { ...d, baseline: b.baseline };
    },
    onShow: showBaselineValues,
    describe: (d) => `Dose: ${d.text}`,
    action: "startInfusion",
    body: (d) => {
      const body = { drug: d.drug, regimen: regimen.value.trim(), dose: d.dose };
      if (Object.keys(d.baseline).length) body.baseline = d.baseline;
      return body;
    },
  });
}

// The admitted patient's baseline, before or while the infusion runs: entered,
// or measured again by vigild from its last minutes of readings. The alarms
// judge by it from then on.
function makeSetBaselineForm(bed, said) {
  return makeCheckedForm(bed, said, {
    className: "infusion-set-baseline",
    label: `Set the baseline on ${bed.bed}`,
    sendText: "Set baseline",
    fields: [makeBaselineFields(bed, "measured again by vigild now", "Set the baseline")],
    read: (f) => readBaseline(f, infusionBounds(bed)),
    onShow: showBaselineValues,
    describe: (b) => Object.keys(b.baseline).length ? "The values entered replace those in force; the alarms use them from now on."
      : "vigild measures it from its last minutes of readings; the alarms use it from now on.",
    action: "setBaseline",
    body: (b) => Object.keys(b.baseline).length ? { baseline: b.baseline } : { measure: true },
  });
}

// The baseline: measured by vigild at the start (the median of its last minutes
// of readings), or entered by staff (each value overrides the measured one).
function makeBaselineFields(bed, measuredText, legend = "Baseline") {
  const box = h("fieldset", "infusion-baseline");
  box.append(h("legend", "", legend));
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
  for (const b of BASELINE_FIELDS) values.append(labelled(b.label, numberInput(b.name, "any", "0")));
  values.hidden = true;
  box.append(choice("measured", measuredText, true), choice("entered", "entered:", false), values);
  box.setAttribute("aria-label", `${legend} on ${bed.bed}`);
  return box;
}

// A new rate for the running infusion: in mg/min, mg/h or mg/kg/h (with the
// weight), sent as mg/min with the arithmetic shown before anything is sent.
function makeRateForm(bed, said, currentBed) {
  const unit = h("select");
  unit.name = "rateUnit";
  unit.append(new Option("mg/min", "mg/min"), new Option("mg/h", "mg/h"), new Option("mg/kg/h", "mg/kg/h"));
  const reason = h("input");
  reason.name = "rateReason";
  reason.maxLength = 200;
  reason.placeholder = "optional";
  return makeCheckedForm(bed, said, {
    className: "infusion-rate",
    label: `Change the rate of the infusion on ${bed.bed}`,
    sendText: "Change rate",
    fields: [labelled("New rate", numberInput("rate", "any", "0")), labelled("Rate unit", unit),
             labelled("Weight (kg)", numberInput("rateWeight", "any", "1")), labelled("Rate reason", reason)],
    read: (f) => readRate(f, currentBed(), infusionBounds(bed)),
    describe: (r) => `New rate: ${r.text}`,
    action: "changeInfusionRate",
    body: (r) => ({ rateMgPerMin: r.mgPerMin, reason: reason.value.trim() }),
  });
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
  toggle.setAttribute("aria-label",
                      `Infusion on ${bed.bed}: start, pause, resume, change the rate, stop or set the baseline`);
  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
  });
  const said = h("p", "infusion-said");
  said.setAttribute("role", "status");
  const start = makeStartForm(bed, said);
  const running = makeRunningControls(bed, said);
  let current = bed;
  let boundsBefore = JSON.stringify(infusionBounds(bed));
  const rate = makeRateForm(bed, said, () => current);
  const baseline = makeSetBaselineForm(bed, said);
  panel.append(start.form, running.box, rate.form, baseline.form, said);
  // What shows follows the ward (vigild's state, not the page's): the start form while
  // nothing runs; Pause or Resume as the infusion runs or is paused.
  const update = (b) => {
    const rateBefore = current.infusionRateMgPerMin;
    current = b;
    start.form.hidden = b.infusionRunning;
    running.box.hidden = !b.infusionRunning;
    rate.form.hidden = !b.infusionRunning;
    baseline.form.hidden = !b.patientId;  // a baseline is the admitted patient's
    running.update(b.infusionRunning && !!b.infusionPausedSince);
    if (b.infusionRateMgPerMin !== rateBefore) rate.show();
    // vigild's bounds arrive with its snapshot, perhaps after the panel was built: said again then.
    const bounds = JSON.stringify(infusionBounds(b));
    if (bounds !== boundsBefore) [start, rate, baseline].forEach((form) => form.show());
    boundsBefore = bounds;
  };
  return { toggle, panel, update };
}
