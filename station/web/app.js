// vigil station dashboard. Plain JavaScript, no framework, nothing fetched
// from anywhere but this station. The station sends the whole ward on every
// change and at least every second; this page draws it, sounds the alarms,
// and sends acknowledgements, audio pauses, staff entries (notes,
// interventions, adverse events) and infusion commands (infusion.js) with the
// operator's name.
"use strict";

const STATION_SILENCE_MS = 3000;  // no word from the station for this long: it is lost
const LOSS_PAUSE_MS = 120000;     // a local pause of the connection-loss sound

const state = {
  ward: null,
  offsetMs: 0,            // station clock minus ours
  lastMessageAt: 0,
  connected: false,
  trends: new Map(),      // "daemon/bed" -> Map(metric -> {t: [], v: []})
  tiles: new Map(),       // "daemon/bed" -> tile elements
  rows: new Map(),        // alarm id -> row elements
  shownAt: new Map(),     // alarm id -> when it was first drawn (ms since epoch)
  lossPausedUntil: 0,
  nextRequest: 1,
  session: null,          // who this page acts as, when the station requires a login
  loggedOut: "",          // why the station closed this page's login (its user changed): no reconnecting
  unanswered: new Map(),  // request id -> the request, sent and not yet answered
  afterReply: new Map(),  // request id -> what to do with vigild's answer (empty a field it took, show it)
};

// ---- helpers ---------------------------------------------------------------

function h(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function stationNow() { return Date.now() + state.offsetMs; }
function ms(ts) { return ts ? Date.parse(ts) : 0; }

function clockText(t) {
  const d = new Date(t);
  const p = (n) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function ageText(sinceMs) {
  const s = Math.max(0, Math.round((stationNow() - sinceMs) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
}

function durationText(sinceMs) {
  const s = Math.max(0, Math.floor((stationNow() - sinceMs) / 1000));
  const p = (n) => String(n).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}` : `${Math.floor(s / 60)}:${p(s % 60)}`;
}

// The WebSocket close code of a login ended by a change of the users file (web_server.hpp).
const ACCOUNT_CHANGED_CODE = 4001;

const PRIORITY_RANK = { HIGH: 3, MEDIUM: 2, LOW: 1 };
// Priority by shape as well as colour and word: a triangle, a diamond, a circle.
const PRIORITY_SHAPE = { HIGH: "\u25b2", MEDIUM: "\u25c6", LOW: "\u25cf" };
function rank(p) { return PRIORITY_RANK[p] || 0; }

function number(v) { return Number.isInteger(v) ? String(v) : v.toFixed(1); }

// ---- the connection --------------------------------------------------------

function connect() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
  state.ws = ws;
  ws.onopen = () => {
    state.connected = true;
    answerAfterReconnect();
  };
  ws.onmessage = (ev) => {
    state.lastMessageAt = Date.now();
    let m;
    try { m = JSON.parse(ev.data); } catch (e) { return; }
    if (m.reply && m.reply.requestId) state.unanswered.delete(m.reply.requestId);
    if (m.session) {
      onSession(m.session);
    } else if (m.ward) {
      state.ward = m.ward;
      state.offsetMs = ms(m.ward.now) - Date.now();
      render();
    } else if (m.trend) {
      mergeTrend(m.trend);
    } else if (m.reply && m.reply.requestId.startsWith("history-")) {
      onHistoryReply(m.reply);
    } else if (m.reply && m.reply.requestId.startsWith("trend-")) {
      onTrendReply(m.reply);
    } else if (m.reply && m.reply.requestId.startsWith("record-")) {
      onRecordReply(m.reply);
    } else if (m.reply && m.reply.loginNeeded) {
      toast(`Not done: ${m.reply.message}`, true);
      setTimeout(() => { location.href = "/login.html"; }, 2000);
    } else if (m.reply) {
      toast(m.reply.ok ? `Done: ${m.reply.message}` : `Not done: ${m.reply.message}`, !m.reply.ok);
      const after = state.afterReply.get(m.reply.requestId);
      state.afterReply.delete(m.reply.requestId);
      if (after) after(m.reply);
    }
  };
  ws.onclose = (ev) => {
    state.connected = false;
    // The station ended this login (the user was removed or given a new
    // password): reconnecting would be refused, so the page says why instead.
    if (ev.code === ACCOUNT_CHANGED_CODE) state.loggedOut = ev.reason || "your account was changed; log in again";
    render();
    if (!state.loggedOut) setTimeout(connect, 1000);
  };
}

// What was asked on a connection that then dropped (the station drops a
// page that cannot keep up, or restarts): its answer went with the old
// connection. A look at the journal (trend, alarm history, record) is asked
// again under its id, so the view waiting for it is answered; an action
// (acknowledgement, pause, entry) is not sent twice, as it may have been
// done: the nurse is told no answer came.
function answerAfterReconnect() {
  const asked = [...state.unanswered.values()];
  state.unanswered.clear();
  let actions = 0;
  for (const request of asked) {
    if (isJournalLook(request)) {
      post(request);
    } else {
      actions++;
      state.afterReply.delete(request.requestId);  // a staff entry's text stays in its field
    }
  }
  if (actions)
    toast(`No answer to ${actions} action(s): the connection to the station dropped. ` +
          "Check whether it was done before doing it again", true);
}

function isJournalLook(request) {
  return "trend" in request || "alarmHistory" in request || "record" in request || "sessions" in request;
}

function stationLost() {
  return !state.connected || Date.now() - state.lastMessageAt > STATION_SILENCE_MS;
}

// With a login the station records the logged-in name: the typed one goes away.
function onSession(session) {
  state.session = session;
  document.querySelector(".operator").hidden = session.loginRequired;
  document.getElementById("session").hidden = !session.loginRequired;
  document.getElementById("session-user").textContent = session.user;
  render();
}

// An action, sent with the operator's name (refused here without one, unless
// the station knows who is logged in); its request id, or false when nothing was sent.
function send(request) {
  const operator = state.session && state.session.loginRequired ? state.session.user
                                                                : document.getElementById("operator").value.trim();
  if (!operator) {
    toast("Enter your name first: everything done here is recorded with it", true);
    document.getElementById("operator").focus();
    return false;
  }
  request.requestId = `page-${state.nextRequest++}`;
  request.operatorName = operator;
  return post(request) && request.requestId;
}

// Any request to the station; false when it could not be sent.
function post(request) {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN) {
    toast("Not connected to the station: nothing was sent", true);
    return false;
  }
  state.ws.send(JSON.stringify(request));
  if (request.requestId) state.unanswered.set(request.requestId, request);
  return true;
}

function acknowledge(daemon, alarm) {
  send({ daemon, acknowledge: { bed: alarm.bed, alarmId: alarm.alarmId } });
}

function pauseAudio(daemon, bed) {
  send({ daemon, audioPause: { bed } });
}

// The kinds vigild accepts (daemon/staff_entry.cpp, entry_kinds): it refuses
// any other, and its refusal is shown, so a list gone stale loses nothing.
const ENTRY_KINDS = {
  note: [""],
  intervention: ["oxygen", "medication", "position", "airway", "fluids", "other"],
  adverseEvent: ["hypertension", "hypotension", "desaturation", "arrhythmia", "bradycardia", "tachycardia",
                 "nausea", "vomiting", "dissociation", "sedation", "agitation", "other"],
};
const ENTRY_NAMES = { note: "Note", intervention: "Intervention", adverseEvent: "Adverse event" };

// A note, an intervention or an adverse event for the bed's record.
function makeEntryForm(bed) {
  const form = h("form", "entry");
  form.setAttribute("aria-label", `Record entry for ${bed.bed}`);
  const type = h("select", "entry-type");
  type.setAttribute("aria-label", `Entry type for ${bed.bed}`);
  for (const [value, name] of Object.entries(ENTRY_NAMES)) type.append(new Option(name, value));
  const kind = h("select", "entry-kind");
  kind.setAttribute("aria-label", `Kind for ${bed.bed}`);
  const text = h("input", "entry-text");
  text.maxLength = 1000;
  text.placeholder = "what was done or seen";
  text.setAttribute("aria-label", `What was done or seen, ${bed.bed}`);
  const submit = h("button", "entry-send", "Record");
  submit.type = "submit";
  const fillKinds = () => {
    kind.replaceChildren(...ENTRY_KINDS[type.value].map((k) => new Option(k || "(no kind)", k)));
    kind.hidden = type.value === "note";
  };
  type.addEventListener("change", fillKinds);
  fillKinds();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const entry = { bed: bed.bed, kind: kind.value, text: text.value.trim() };
    if (type.value === "note") delete entry.kind;
    // Kept until vigild has taken it, so nothing typed is lost to a refusal.
    const id = send({ daemon: bed.daemon, [type.value]: entry });
    if (id) state.afterReply.set(id, (reply) => { if (reply.ok) text.value = ""; });
  });
  form.append(type, kind, text, submit);
  return form;
}

// Read out once by screen readers when an alarm first shows; the list itself
// is not a live region, its times change every second.
function announce(text) {
  document.getElementById("alarm-announcer").textContent = text;
}

function toast(text, bad) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.className = bad ? "show bad" : "show";
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.className = ""; }, 5000);
}

// ---- trends ------------------------------------------------------------------

function mergeTrend(update) {
  if (update.full) state.trends.clear();
  for (const s of update.series) {
    if (!state.trends.has(s.bed)) state.trends.set(s.bed, new Map());
    const bed = state.trends.get(s.bed);
    if (!bed.has(s.metric)) bed.set(s.metric, { t: [], v: [] });
    const series = bed.get(s.metric);
    for (let i = 0; i < s.time.length; i++) {
      series.t.push(s.time[i] * 1000);
      series.v.push(s.value[i]);
    }
  }
}

const TREND_LINES = [
  { metrics: ["spo2"], lo: 70, hi: 100, colour: "#4fc3f7" },
  { metrics: ["hr", "pulse"], lo: 30, hi: 180, colour: "#81c784" },
  { metrics: ["nibp_sys", "nibp_dia"], named: "nibp", lo: 40, hi: 240, colour: "#ef9a9a" },
];

function drawTrend(canvas, key) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, hgt = canvas.height;
  ctx.clearRect(0, 0, w, hgt);
  const span = ((state.ward && state.ward.trendMinutes) || 30) * 60000;
  const end = stationNow(), start = end - span;
  const bed = state.trends.get(key);
  const band = hgt / TREND_LINES.length;
  TREND_LINES.forEach((line, i) => {
    const top = i * band;
    ctx.fillStyle = "#777";
    ctx.font = "10px sans-serif";
    const metric = bed ? line.metrics.find((m) => bed.has(m)) : undefined;
    ctx.fillText(shownName(line.named || metric || line.metrics[0]).label, 2, top + 10);
    ctx.strokeStyle = "#333";
    ctx.beginPath(); ctx.moveTo(0, top + band - 0.5); ctx.lineTo(w, top + band - 0.5); ctx.stroke();
    if (!bed) return;
    const all = line.metrics.filter((m) => bed.has(m));
    for (const m of all) {
      const s = bed.get(m);
      ctx.strokeStyle = line.colour;
      ctx.fillStyle = line.colour;
      ctx.lineWidth = m === metric ? 1.5 : 1;
      ctx.beginPath();
      let drawn = 0;
      for (let j = 0; j < s.t.length; j++) {
        if (s.t[j] < start) continue;
        const x = 30 + ((s.t[j] - start) / span) * (w - 32);
        const y = top + band - 2 - ((Math.min(Math.max(s.v[j], line.lo), line.hi) - line.lo) / (line.hi - line.lo)) * (band - 4);
        if (drawn++ === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        ctx.fillRect(x - 1, y - 1, 2, 2);
      }
      ctx.stroke();
    }
  });
}

// ---- tiles -------------------------------------------------------------------

function makeTile(key, bed) {
  const el = h("article", "tile");
  el.dataset.key = key;
  el.dataset.bed = bed.bed;
  const head = h("header", "tile-head");
  const name = h("h3", "bed-name", bed.bed);
  const daemon = h("span", "daemon-name", bed.daemon);
  const drill = h("span", "drill-tag", "DRILL");
  const alarmTag = h("span", "tile-alarm");
  const pause = h("button", "pause", "Pause audio 2 min");
  pause.type = "button";
  pause.addEventListener("click", () => pauseAudio(bed.daemon, bed.bed));
  pause.setAttribute("aria-label", `Pause audio 2 minutes on ${bed.bed}`);
  const trend = h("button", "open-trend", "Trend");
  trend.type = "button";
  trend.addEventListener("click", () => openTrend(bed.daemon, bed.bed));
  trend.setAttribute("aria-label", `Trend of ${bed.bed} over hours`);
  const record = h("button", "open-record", "Record");
  record.type = "button";
  record.addEventListener("click", () => openRecord(bed.daemon, bed.bed));
  record.setAttribute("aria-label", `Infusion record of ${bed.bed}`);
  const infusionControl = makeInfusionControl(bed);
  head.append(name, daemon, drill, alarmTag, pause, trend, record, infusionControl.toggle);
  const patient = h("div", "patient");
  const infusion = h("div", "infusion");
  const alarmsOff = h("ul", "alarms-off");
  const values = h("div", "values");
  const canvas = h("canvas", "trend");
  canvas.width = 420;
  canvas.height = 96;
  const offline = h("div", "offline-note");
  el.append(head, offline, patient, infusion, infusionControl.panel, alarmsOff, values, canvas, makeEntryForm(bed));
  document.getElementById("beds").append(el);
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${bed.bed}: trend of the last minutes`);
  return { el, patient, infusion, infusionControl, alarmsOff, values, canvas, offline, drill, alarmTag };
}

// Which cells a tile has; their names and units come from the station (the
// display library's), never from here. `named` is the name a cell shows.
const VALUE_CELLS = [
  { metrics: ["hr", "pulse"], continuous: true },
  { metrics: ["spo2"], continuous: true },
  { metrics: ["nibp_sys"], named: "nibp", continuous: false },
  { metrics: ["resp"], continuous: true },
  { metrics: ["pi"], continuous: true },
];

function shownName(metric) {
  const n = ((state.ward && state.ward.metricNames) || []).find((x) => x.metric === metric);
  return n || { label: metric, unit: "" };
}

function valueCell(bed, spec) {
  const byMetric = new Map(bed.values.map((v) => [v.metric, v]));
  const v = spec.metrics.map((m) => byMetric.get(m)).find((x) => x);
  const cell = h("div", "value");
  cell.dataset.metric = v ? v.metric : spec.metrics[0];
  const name = shownName(spec.named || (v ? v.metric : spec.metrics[0]));
  const label = h("div", "label", name.label);
  label.append(h("span", "unit", ` ${name.unit}`));
  const big = h("div", "number");
  const sub = h("div", "age");
  cell.append(label, big, sub);
  if (!v) {
    big.textContent = "\u2014";
    sub.textContent = "no reading";
    cell.classList.add("none");
    return cell;
  }
  const when = v.measured ? ms(v.measured) : ms(v.received);
  const ageS = (stationNow() - when) / 1000;
  if (!v.usable) {
    big.textContent = "---";
    sub.textContent = v.quality;
    cell.classList.add("unusable");
    return cell;
  }
  if (v.metric === "nibp_sys") {
    const dia = byMetric.get("nibp_dia"), mean = byMetric.get("nibp_mean");
    big.textContent = `${number(v.value)}/${dia && dia.usable ? number(dia.value) : "--"}`;
    // The mean on a line of its own: "220/120 (160)" in one line does not fit a phone's tile.
    if (mean && mean.usable) big.append(h("span", "mean", `mean ${number(mean.value)}`));
    sub.textContent = `measured ${clockText(when)}, ${ageText(when)}`;
    if (dia && dia.pastLimit) cell.classList.add("past");
  } else {
    big.textContent = number(v.value);
    sub.textContent = ageText(when);
  }
  // vigild's own rate from the monitor's ECG (device "<id>:ecg"): staff must
  // not take it for the monitor's number.
  if (v.device && v.device.endsWith(":ecg")) sub.textContent += " \u00b7 ECG, by vigild";
  if (v.pastLimit) {
    cell.classList.add("past");
    cell.title = v.limit;
  }
  if (v.deviceLost) {
    cell.classList.add("lost");
    sub.textContent = `device lost \u2014 last ${ageText(when)}`;
  } else if ((spec.continuous && ageS > 30) || (!spec.continuous && ageS > 15 * 60)) {
    cell.classList.add("old");
  }
  return cell;
}

function renderTile(key, bed) {
  let t = state.tiles.get(key);
  if (!t) { t = makeTile(key, bed); state.tiles.set(key, t); }
  const el = t.el;
  const offline = !bed.online || stationLost();
  el.dataset.online = String(!offline);
  el.classList.toggle("offline", offline);
  el.classList.toggle("out-of-step", bed.online && !bed.inStep);
  el.classList.remove("alarm-HIGH", "alarm-MEDIUM", "alarm-LOW");
  if (!offline && bed.highestAlarm !== "PRIORITY_UNSPECIFIED") el.classList.add(`alarm-${bed.highestAlarm}`);
  t.drill.hidden = !bed.drill;
  const highest = offline ? "" : bed.highestAlarm;
  t.alarmTag.textContent = PRIORITY_SHAPE[highest] ? `${PRIORITY_SHAPE[highest]} ${highest} ALARM` : "";
  t.alarmTag.hidden = t.alarmTag.textContent === "";
  if (stationLost()) t.offline.textContent = "STATION CONNECTION LOST \u2014 values below are not current";
  else if (!bed.online) t.offline.textContent = `OFFLINE: ${bed.status}` + (bed.offlineSince ? ` since ${clockText(ms(bed.offlineSince))}` : "");
  else if (!bed.inStep) t.offline.textContent = `OUT OF STEP: ${bed.status}`;
  else t.offline.textContent = "";
  t.offline.hidden = t.offline.textContent === "";
  t.patient.textContent = bed.patientId ? `Patient ${bed.patientId}` : "No patient admitted";
  showInfusionLine(t.infusion, bed);
  t.infusionControl.update(bed);
  // A condition turned off on purpose stays in sight until it is turned on.
  t.alarmsOff.replaceChildren(...(bed.alarmsOff || []).map((text) => h("li", "alarm-off", text)));
  t.alarmsOff.hidden = t.alarmsOff.childElementCount === 0;
  t.values.replaceChildren(...VALUE_CELLS.map((spec) => valueCell(bed, spec)));
  drawTrend(t.canvas, key);
}

// ---- alarm list --------------------------------------------------------------

function makeRow(view) {
  const el = h("li", "alarm");
  el.dataset.alarmId = view.alarm.alarmId;
  const prio = h("span", "prio");
  const shape = h("span", "shape");
  shape.setAttribute("aria-hidden", "true");
  const word = h("span", "word");
  prio.append(shape, word);
  const kind = h("span", "kind");
  const bed = h("span", "where");
  const msg = h("span", "msg");
  const time = h("span", "time");
  const ack = h("span", "ack-state");
  const button = h("button", "ack", "Acknowledge");
  button.type = "button";
  el.append(prio, kind, bed, msg, time, ack, button);
  const row = { el, prio, shape, word, kind, bed, msg, time, ack, button, view };
  button.addEventListener("click", () => acknowledge(row.view.daemon, row.view.alarm));
  return row;
}

function renderAlarms(views) {
  const list = document.getElementById("alarms");
  const seen = new Set();
  views.forEach((view, i) => {
    const a = view.alarm;
    seen.add(a.alarmId);
    let row = state.rows.get(a.alarmId);
    if (!row) {
      row = makeRow(view);
      state.rows.set(a.alarmId, row);
      if (!state.shownAt.has(a.alarmId)) {
        state.shownAt.set(a.alarmId, Date.now());
        if (a.active && !a.acknowledged) announce(`${a.priority} priority alarm, ${a.bed}: ${a.message}`);
      }
      row.el.dataset.shownAt = String(state.shownAt.get(a.alarmId));
    }
    row.view = view;
    const el = row.el;
    el.className = `alarm ${a.priority} ${a.kind === "TECHNICAL" ? "technical" : "physiological"}` +
      (a.acknowledged ? " acknowledged" : " unacknowledged") + (a.active ? "" : " ended");
    row.shape.textContent = PRIORITY_SHAPE[a.priority] || "";
    row.word.textContent = a.priority;
    row.kind.textContent = a.kind === "TECHNICAL" ? "\u2699 TECHNICAL" : "\u2665";
    row.bed.textContent = a.bed;
    row.msg.textContent = a.message + (a.active ? "" : " (condition ended, latched)");
    row.time.textContent = `${clockText(ms(a.onset))} (${ageText(ms(a.onset))})`;
    const paused = ms(a.audioPausedUntil) > stationNow();
    const bed = state.ward.beds.find((b) => b.daemon === view.daemon && b.bed === a.bed);
    const offline = stationLost() || !bed || !bed.online;
    el.classList.toggle("stale", offline);
    row.ack.textContent = offline ? "bed offline: last known state" : a.acknowledged ? `acknowledged by ${a.actor}` :
      paused ? `audio paused by ${a.actor} until ${clockText(ms(a.audioPausedUntil))}` : "";
    row.button.hidden = a.acknowledged;
    row.button.setAttribute("aria-label", `Acknowledge ${a.priority} alarm on ${a.bed}: ${a.message}`);
    row.button.disabled = offline;
    if (list.children[i] !== el) list.insertBefore(el, list.children[i] || null);
  });
  for (const [id, row] of state.rows) {
    if (!seen.has(id)) { row.el.remove(); state.rows.delete(id); }
  }
  document.getElementById("no-alarms").hidden = views.length > 0;
}

// ---- banners -----------------------------------------------------------------

function banner(id, cls, text) {
  const e = h("div", `banner ${cls}`, text);
  e.id = id;
  return e;
}

function renderBanners() {
  const out = [];
  const w = state.ward;
  if (state.loggedOut) {
    const e = banner("banner-station", "lost",
      `LOGGED OUT: ${state.loggedOut} \u2014 nothing on this screen is current. `);
    const link = h("a", null, "Log in again");
    link.href = "/login.html";
    e.append(link);
    out.push(e);
  } else if (stationLost()) {
    out.push(banner("banner-station", "lost",
      "CONNECTION TO THE STATION LOST \u2014 nothing on this screen is current. Reconnecting\u2026"));
  }
  if (w) {
    if (w.drill) out.push(banner("banner-drill", "drill", "DRILL \u2014 simulated data, not real patients"));
    for (const d of w.daemons) {
      if (d.online) continue;
      const beds = w.beds.filter((b) => b.daemon === d.name).map((b) => b.bed);
      const since = d.offlineSince ? ` since ${clockText(ms(d.offlineSince))}` : "";
      const e = banner(`banner-daemon-${d.name}`, "lost",
        `VIGILD ${d.name} LOST${since} \u2014 ${beds.length ? `${beds.join(", ")} OFFLINE` : "its beds are not monitored here"}: ${d.detail}`);
      e.classList.add("daemon-lost");
      out.push(e);
    }
    for (const b of w.beds) {
      const daemonOnline = (w.daemons.find((d) => d.name === b.daemon) || {}).online;
      if (daemonOnline && !b.online) out.push(banner(`banner-bed-${b.daemon}-${b.bed}`, "lost", `${b.bed} OFFLINE: ${b.status}`));
      else if (b.online && !b.inStep) out.push(banner(`banner-step-${b.daemon}-${b.bed}`, "warn", `${b.bed}: ${b.status}`));
    }
  }
  const firstLost = out.find((e) => e.classList.contains("lost"));
  if (firstLost && Date.now() < state.lossPausedUntil) {
    out.push(banner("banner-loss-paused", "warn", `Loss sound paused until ${clockText(state.lossPausedUntil)}`));
  } else if (firstLost) {
    const b = h("button", "loss-pause", "Pause loss sound 2 min");
    b.type = "button";
    b.addEventListener("click", () => { state.lossPausedUntil = Date.now() + LOSS_PAUSE_MS; render(); });
    firstLost.append(b);
  }
  document.getElementById("banners").replaceChildren(...out);
}

// ---- the whole page ------------------------------------------------------------

function render() {
  document.body.classList.toggle("station-lost", stationLost());
  document.getElementById("clock").textContent = clockText(stationNow());
  renderBanners();
  const w = state.ward;
  if (!w) return;
  document.getElementById("station-name").textContent = w.station;
  const keys = new Set();
  for (const b of w.beds) {
    const key = `${b.daemon}/${b.bed}`;
    keys.add(key);
    renderTile(key, b);
  }
  for (const [key, t] of state.tiles) {
    if (!keys.has(key)) { t.el.remove(); state.tiles.delete(key); }
  }
  renderAlarms(w.alarms);
  const named = (state.session && state.session.loginRequired) ||
                document.getElementById("operator").value.trim() !== "";
  document.getElementById("operator-hint").hidden = named;
}

// ---- what sounds when (the patterns and the Web Audio are in sound.js) ----------

// The priority that should sound now: the highest unacknowledged alarm that
// is not audio-paused, or a lost connection (medium, technical), unless paused here.
function prioritySounding() {
  let best = null;
  const w = state.ward;
  if (w && !stationLost()) {
    for (const v of w.alarms) {
      const a = v.alarm;
      if (a.acknowledged || ms(a.audioPausedUntil) > stationNow()) continue;
      if (!best || rank(a.priority) > rank(best)) best = a.priority;
    }
  }
  const lost = stationLost() || (w && (w.daemons.some((d) => !d.online) || w.beds.some((b) => !b.online)));
  if (lost && Date.now() >= state.lossPausedUntil && rank("MEDIUM") > rank(best)) best = "MEDIUM";
  return best;
}

function soundTick() {
  const p = prioritySounding();
  const now = Date.now();
  if (p !== sound.current) {
    const higher = rank(p) > rank(sound.current);
    sound.current = p;
    if (p && higher) {
      playBurst(p);
      sound.nextAt = now + PATTERNS[p].every * 1000;
    } else if (p) {
      sound.nextAt = Math.min(sound.nextAt, now + PATTERNS[p].every * 1000);
    }
    return;
  }
  if (p && now >= sound.nextAt) {
    playBurst(p);
    sound.nextAt = now + PATTERNS[p].every * 1000;
  }
}

// ---- start ---------------------------------------------------------------------

document.getElementById("enable-sound").addEventListener("click", enableSound);
document.getElementById("sound-check").addEventListener("click", soundCheck);
const operatorInput = document.getElementById("operator");
operatorInput.value = localStorage.getItem("vigil.operator") || "";
operatorInput.addEventListener("input", () => {
  localStorage.setItem("vigil.operator", operatorInput.value.trim());
  render();
});
setInterval(() => { render(); }, 1000);
setInterval(() => {
  // Losing the station must show even when no message comes to trigger a render.
  if (stationLost() !== document.body.classList.contains("station-lost")) render();
  soundTick();
}, 250);
updateSoundButton();
connect();
