// vigil station: the alarm history, read from each vigild's journal through
// the station (never kept in this page), so it is the same after a restart
// of the station or of the browser. Loaded after app.js (uses its state,
// h(), clockText() and the WebSocket).
"use strict";

const HISTORY_HOURS = 12;  // what the view shows first: the last shift

const alarmHistory = {
  pending: new Map(),  // request id -> daemon
  entries: [],         // { daemon, alarm } of every page received, newest first
  nextPages: new Map(), // daemon -> next_page token
  query: null,
};

function localInputValue(t) {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

function toggleHistory() {
  const section = document.getElementById("history");
  const button = document.getElementById("history-toggle");
  section.hidden = !section.hidden;
  button.setAttribute("aria-expanded", String(!section.hidden));
  if (section.hidden) return;
  if (!document.getElementById("history-from").value) {
    document.getElementById("history-from").value = localInputValue(Date.now() - HISTORY_HOURS * 3600000);
  }
  fillHistoryBeds();
  showHistory();
  document.getElementById("history-heading").focus();
}

function fillHistoryBeds() {
  const select = document.getElementById("history-bed");
  const chosen = select.value;
  const options = [h("option", null, "every bed")];
  options[0].value = "";
  for (const b of (state.ward && state.ward.beds) || []) {
    const o = h("option", null, `${b.bed} (${b.daemon})`);
    o.value = `${b.daemon}/${b.bed}`;
    options.push(o);
  }
  select.replaceChildren(...options);
  select.value = chosen;
}

function historyQuery() {
  const q = { max: 50 };
  const from = document.getElementById("history-from").value;
  const to = document.getElementById("history-to").value;
  if (from) q.from = new Date(from).toISOString();
  if (to) q.to = new Date(to).toISOString();
  q.priority = [...document.querySelectorAll("#history-filters input[name=priority]:checked")].map((e) => e.value);
  const kind = document.getElementById("history-kind").value;
  if (kind) q.kind = kind;
  q.unacknowledged = document.getElementById("history-unacked").checked;
  return q;
}

// A new look: every daemon (or the chosen bed's), from the newest alarm.
function showHistory(ev) {
  if (ev) ev.preventDefault();
  const chosen = document.getElementById("history-bed").value;
  const [daemon, bed] = chosen ? chosen.split("/") : ["", ""];
  alarmHistory.query = historyQuery();
  if (bed) alarmHistory.query.bed = bed;
  alarmHistory.entries = [];
  alarmHistory.nextPages.clear();
  alarmHistory.pending.clear();
  const daemons = daemon ? [daemon] : ((state.ward && state.ward.daemons) || []).map((d) => d.name);
  for (const d of daemons) askHistory(d, "");
  renderHistory();
}

function olderHistory() {
  for (const [d, page] of alarmHistory.nextPages) askHistory(d, page);
  alarmHistory.nextPages.clear();
  renderHistory();
}

function askHistory(daemon, page) {
  const id = `history-${state.nextRequest++}`;
  alarmHistory.pending.set(id, daemon);
  const query = { ...alarmHistory.query };
  if (page) query.page = page;
  if (!post({ requestId: id, daemon, alarmHistory: query })) alarmHistory.pending.delete(id);
}

function onHistoryReply(reply) {
  if (!alarmHistory.pending.has(reply.requestId)) return;  // an answer to a look since replaced
  alarmHistory.pending.delete(reply.requestId);
  if (!reply.ok) {
    toast(`Alarm history of ${reply.daemon}: ${reply.message}`, true);
  } else {
    const page = reply.alarmHistory || {};
    for (const a of page.alarms || []) alarmHistory.entries.push({ daemon: reply.daemon, alarm: a });
    if (page.nextPage) alarmHistory.nextPages.set(reply.daemon, page.nextPage);
    alarmHistory.entries.sort((x, y) => ms(y.alarm.raised) - ms(x.alarm.raised));
  }
  renderHistory();
}

function dateTimeText(t) {
  const d = new Date(t);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${clockText(t)}`;
}

// As vigil-ctl and the record say it (journal::patient_text): the id the
// patient has now, and the id the admission was opened under when an ADT^A40
// merge changed it.
function patientText(openedAs, now) {
  if (!openedAs) return "";
  return now && now !== openedAs ? `${now} (admitted as ${openedAs})` : openedAs;
}

function secondsText(s) {
  return s < 120 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function historyRow(entry) {
  const a = entry.alarm;
  const tr = h("tr", `history-row ${a.priority} ${a.kind === "TECHNICAL" ? "technical" : "physiological"}`);
  tr.dataset.alarmId = a.alarmId;
  const prio = h("td", "prio");
  const shape = h("span", "shape", PRIORITY_SHAPE[a.priority] || "");
  shape.setAttribute("aria-hidden", "true");
  prio.append(shape, ` ${a.priority}`);
  const escalated = (a.transitions || []).some((t) => t.transition === "ESCALATED");
  const what = h("td", "what", a.message);
  if (a.kind === "TECHNICAL") what.prepend(h("strong", null, "TECHNICAL "));
  if (escalated) what.append(h("div", "note", `escalated to ${a.priority}`));
  if (a.drill) what.prepend(h("strong", null, "DRILL "));
  const raised = ms(a.raised);
  const ack = a.acknowledged
    ? `${a.acknowledgedBy}, after ${secondsText((ms(a.acknowledged) - raised) / 1000)}`
    : "not acknowledged";
  const ackCell = h("td", a.acknowledged ? "acked" : "unacked", ack);
  const ended = h("td", "ended", a.ended ? dateTimeText(ms(a.ended)) : "still on");
  const patient = patientText(a.patientId, a.patientIdNow) || "\u2014";
  tr.append(h("td", "when", dateTimeText(raised)), h("td", "bed", a.bed), h("td", "patient", patient),
            prio, what, ackCell, ended);
  return tr;
}

function renderHistory() {
  const body = document.querySelector("#history-table tbody");
  body.replaceChildren(...alarmHistory.entries.map(historyRow));
  const waiting = alarmHistory.pending.size > 0;
  document.getElementById("history-status").textContent = waiting ? "Reading the journals\u2026" :
    alarmHistory.entries.length === 0 ? "No alarm matches." : `${alarmHistory.entries.length} alarm(s), newest first.`;
  document.getElementById("history-more").hidden = waiting || alarmHistory.nextPages.size === 0;
}

document.getElementById("history-toggle").addEventListener("click", toggleHistory);
document.getElementById("history-filters").addEventListener("submit", showHistory);
document.getElementById("history-more").addEventListener("click", olderHistory);
