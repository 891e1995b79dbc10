// A bed's infusion from the station: Start with the dose as numbers (shown
// computed before anything is sent), Pause with an optional reason, Resume,
// and Stop after a confirmation. Sent with the operator's name as vigil-ctl
// would send them; vigild's refusal is shown word for word. Loaded before
// app.js, whose helpers (h, send, state) it uses once the page runs.
"use strict";

// vigild's bounds for a dose (core/infusion_dose.cpp): a slip is caught here
// in words before sending, and vigild refuses anything that passes here anyway.
const DOSE_BOUNDS = { amountMax: 5000, weightMin: 1, weightMax: 400, durationMax: 24 * 60 };

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
  f.append(labelled("Drug", drug), labelled("Amount", numberInput("amount", "any", "0")), labelled("Unit", unit),
           labelled("Weight (kg)", numberInput("weight", "any", "1")),
           labelled("Duration (min)", numberInput("duration", "1", "1")), labelled("Regimen", regimen),
           computed, start);
  const show = () => {
    const d = readDose(f);
    computed.textContent = d.problem ? d.problem : `Dose: ${d.text}`;
    computed.classList.toggle("bad", !!d.problem);
    if (said.textContent.startsWith("Not sent: ")) said.textContent = "";  // said of what is no longer there
  };
  f.addEventListener("input", show);
  f.addEventListener("change", show);
  show();
  f.addEventListener("submit", (event) => {
    event.preventDefault();
    const d = readDose(f);
    show();
    if (d.problem) {
      said.textContent = `Not sent: ${d.problem}`;
      said.classList.add("bad");
      return;
    }
    sendInfusion(bed, "startInfusion", { drug: d.drug, regimen: regimen.value.trim(), dose: d.dose }, said, () => {
      f.reset();
      show();
    });
  });
  return f;
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
  box.append(labelled("Pause reason", reason), pause, resume, stop, confirm);
  return box;
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
  toggle.setAttribute("aria-label", `Infusion on ${bed.bed}: start, pause, resume or stop`);
  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
  });
  const said = h("p", "infusion-said");
  said.setAttribute("role", "status");
  const start = makeStartForm(bed, said);
  const running = makeRunningControls(bed, said);
  panel.append(start, running, said);
  // Which half shows follows the ward: the start form while nothing runs.
  const update = (b) => {
    start.hidden = b.infusionRunning;
    running.hidden = !b.infusionRunning;
  };
  return { toggle, panel, update };
}
