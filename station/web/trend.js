// vigil station: a bed's trend review over hours, read from its vigild's
// journal through the station (the tiles keep their 30-minute live trend).
// vigild sends each streamed metric as buckets with their lowest and highest
// reading, so a short desaturation shows at every zoom; each cuff reading
// as taken. A bucket without a reading is a gap in the line, never a value
// carried over. What was done and noted at the bed (staff entries, the
// infusion's course) is marked on it with its journalled text; a drill's
// readings are said to be a drill's. Loaded after app.js (uses its state, h(), clockText(),
// shownName(), TREND_LINES and the WebSocket) and history.js.
"use strict";

const TREND_RANGES_H = [1, 4, 8, 12, 24];
const TREND_POINTS = 360;

// What each kind of event is called and the mark drawn for it: the station
// sends the one list vigild's trend query uses (wire/trend_event_kinds.hpp);
// the page lists no kind itself.
function trendEventName(what) {
  const n = ((state.ward && state.ward.trendEventNames) || []).find((x) => x.what === what);
  return n || { what, label: what, mark: "?" };
}

const trendView = {
  daemon: "", bed: "",
  hours: 4,
  from: 0, to: 0,       // the range shown (ms since epoch)
  latest: true,         // the range ends now (not paged back)
  page: null,           // the TrendPage, as JSON
  alarms: [],           // AlarmHistoryEntry of the bed in the range
  pending: new Set(),   // request ids still unanswered
  cursor: null,         // ms since epoch, or null
};

function openTrend(daemon, bed) {
  trendView.daemon = daemon;
  trendView.bed = bed;
  trendView.cursor = null;
  const section = document.getElementById("trend");
  section.hidden = false;
  document.getElementById("trend-bed").textContent = `${bed} (${daemon})`;
  askTrend(trendView.hours, null);
  document.getElementById("trend-heading").focus();
}

function closeTrend() {
  document.getElementById("trend").hidden = true;
  trendView.pending.clear();
}

// `hours` ending at `end` (ms since epoch), or ending now when `end` is null
// or not in the past. Each look is one query of at most a day, as vigild
// bounds it; paging asks the next one.
function askTrend(hours, end) {
  trendView.hours = hours;
  for (const b of document.querySelectorAll("#trend-ranges button"))
    b.setAttribute("aria-pressed", String(Number(b.dataset.hours) === hours));
  const now = stationNow();
  trendView.latest = end === null || end >= now;
  trendView.to = trendView.latest ? now : end;
  trendView.from = trendView.to - hours * 3600000;
  renderPaging();
  trendView.page = null;
  trendView.alarms = [];
  trendView.pending.clear();
  const from = new Date(trendView.from).toISOString(), to = new Date(trendView.to).toISOString();
  const { daemon, bed } = trendView;
  const ask = (what) => {
    const id = `trend-${state.nextRequest++}`;
    trendView.pending.add(id);
    if (!post({ requestId: id, daemon, ...what })) trendView.pending.delete(id);
  };
  ask({ trend: { bed, from, to, points: TREND_POINTS, metric: TREND_LINES.flatMap((l) => l.metrics) } });
  ask({ alarmHistory: { bed, from, to, max: 500 } });
  renderTrend();
}

// Paging: the range moves back or forward by its own length, with no gap and
// no overlap (vigild takes readings at or after `from` and before `to`).
function pageTrend(direction) {
  askTrend(trendView.hours, trendView.to + direction * trendView.hours * 3600000);
}

function renderPaging() {
  const hours = `${trendView.hours} h`;
  document.getElementById("trend-earlier").textContent = `\u25c0 ${hours} earlier`;
  document.getElementById("trend-later").textContent = `${hours} later \u25b6`;
  document.getElementById("trend-later").disabled = trendView.latest;
  document.getElementById("trend-latest").disabled = trendView.latest;
  // Later and Now go disabled on reaching now: the keyboard keeps its place.
  if (document.activeElement && document.activeElement.disabled) document.getElementById("trend-earlier").focus();
}

function onTrendReply(reply) {
  if (!trendView.pending.has(reply.requestId)) return;  // an answer to a look since replaced
  trendView.pending.delete(reply.requestId);
  if (!reply.ok) toast(`Trend of ${trendView.bed}: ${reply.message}`, true);
  else if (reply.trend) trendView.page = reply.trend;
  else if (reply.alarmHistory) trendView.alarms = reply.alarmHistory.alarms || [];
  renderTrend();
}

function trendEvents() { return (trendView.page && trendView.page.events) || []; }

function eventText(e) {
  return `${e.drill ? "DRILL " : ""}${trendEventName(e.what).label} ${clockText(ms(e.time))}: ${e.text}`;
}

function trendSeries(metric) {
  return ((trendView.page && trendView.page.series) || []).find((s) => s.metric === metric);
}

// The bucket holding t, or undefined in a gap.
function bucketAt(series, t) {
  const width = Number(trendView.page.bucketMs);
  return (series.buckets || []).find((b) => ms(b.start) <= t && t < ms(b.start) + width);
}

function lastSampleBefore(series, t) {
  let found;
  for (const s of (series && series.samples) || []) if (ms(s.time) <= t) found = s;
  return found;
}

function rangeText(lo, hi, unit) {
  return lo === hi ? `${number(lo)} ${unit}` : `${number(lo)}\u2013${number(hi)} ${unit}`;
}

// What the cursor reads, one line per metric, with the times of the readings.
function cursorLines(t) {
  const lines = [`at ${dateTimeText(t)}`];
  for (const line of TREND_LINES) {
    if (line.named === "nibp") {
      const sys = lastSampleBefore(trendSeries("nibp_sys"), t);
      if (!sys) continue;
      const dia = lastSampleBefore(trendSeries("nibp_dia"), t);
      const name = shownName("nibp");
      const value = dia && dia.time === sys.time ? `${number(sys.value)}/${number(dia.value)}` : number(sys.value);
      lines.push(`${name.label} ${value} ${name.unit} measured ${clockText(ms(sys.time))}${sys.drill ? " (DRILL)" : ""}`);
      continue;
    }
    for (const metric of line.metrics) {
      const s = trendSeries(metric);
      if (!s) continue;
      const name = shownName(metric);
      const b = bucketAt(s, t);
      if (!b) { lines.push(`${name.label} no reading`); continue; }
      const when = b.min === b.max ? clockText(ms(b.minTime))
                                   : `lowest ${clockText(ms(b.minTime))}, highest ${clockText(ms(b.maxTime))}`;
      lines.push(`${name.label} ${rangeText(b.min, b.max, name.unit)} (${when})${b.drill ? " (DRILL)" : ""}`);
    }
  }
  // Events within half a point of the cursor, in the words they were journalled with.
  const half = trendView.page ? Number(trendView.page.bucketMs) / 2 : 0;
  for (const e of trendEvents()) if (Math.abs(ms(e.time) - t) <= half) lines.push(eventText(e));
  return lines;
}

// Lowest and highest of each metric over the whole range shown.
function summaryItems() {
  const items = [];
  for (const s of (trendView.page && trendView.page.series) || []) {
    const values = (s.buckets || []).flatMap((b) => [b.min, b.max]).concat((s.samples || []).map((x) => x.value));
    if (values.length === 0) continue;
    const name = shownName(s.metric);
    const li = h("li", null, `${name.label} ${rangeText(Math.min(...values), Math.max(...values), name.unit)}`);
    li.dataset.metric = s.metric;
    li.dataset.min = String(Math.min(...values));
    li.dataset.max = String(Math.max(...values));
    if (s.excluded) li.append(h("span", "dim", ` (${s.excluded} flagged reading(s) left out)`));
    items.push(li);
  }
  return items;
}

function trendX(t, w) { return 40 + ((t - trendView.from) / (trendView.to - trendView.from)) * (w - 44); }

function trendY(v, line, top, band) {
  return top + band - 3 - ((Math.min(Math.max(v, line.lo), line.hi) - line.lo) / (line.hi - line.lo)) * (band - 16);
}

function drawBuckets(ctx, s, line, top, band, w) {
  const width = Number(trendView.page.bucketMs);
  let previous = null;
  for (const b of s.buckets || []) {
    const start = ms(b.start);
    const x = trendX(start + width / 2, w);
    const yLo = trendY(b.min, line, top, band), yHi = trendY(b.max, line, top, band);
    ctx.fillRect(x - 1, yHi - 1, 2, Math.max(2, yLo - yHi + 2));  // the bucket's whole span
    if (previous && start - previous.start <= width) {           // no line across a gap
      ctx.beginPath();
      ctx.moveTo(previous.x, previous.y);
      ctx.lineTo(x, (yLo + yHi) / 2);
      ctx.stroke();
    }
    previous = { start, x, y: (yLo + yHi) / 2 };
  }
}

function drawTrendReview() {
  const canvas = document.getElementById("trend-canvas");
  const ctx = canvas.getContext("2d");
  const w = canvas.width, hgt = canvas.height, band = hgt / TREND_LINES.length;
  ctx.clearRect(0, 0, w, hgt);
  ctx.font = "11px sans-serif";
  TREND_LINES.forEach((line, i) => {
    const top = i * band;
    ctx.fillStyle = "#aab";
    ctx.fillText(shownName(line.named || line.metrics.find((m) => trendSeries(m)) || line.metrics[0]).label, 2, top + 11);
    ctx.fillText(String(line.hi), 2, top + 24);
    ctx.fillText(String(line.lo), 2, top + band - 4);
    ctx.strokeStyle = "#333";
    ctx.beginPath(); ctx.moveTo(0, top + band - 0.5); ctx.lineTo(w, top + band - 0.5); ctx.stroke();
    ctx.strokeStyle = line.colour;
    ctx.fillStyle = line.colour;
    for (const metric of line.metrics) {
      const s = trendSeries(metric);
      if (!s) continue;
      if (!s.episodic) { drawBuckets(ctx, s, line, top, band, w); continue; }
      for (const x of s.samples || []) {
        const px = trendX(ms(x.time), w), py = trendY(x.value, line, top, band);
        ctx.fillRect(px - 3, py - 1, 6, 3);  // a cuff reading: a mark, never joined by a line
      }
    }
  });
  for (const a of trendView.alarms) {  // alarm marks: a line and the priority's shape
    const x = trendX(ms(a.raised), w);
    ctx.strokeStyle = ctx.fillStyle = a.priority === "HIGH" ? "#ff8a80" : a.priority === "MEDIUM" ? "#ffd54f" : "#81d4fa";
    ctx.setLineDash([3, 3]);
    ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, hgt); ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillText(PRIORITY_SHAPE[a.priority] || "", x - 4, 10);
  }
  ctx.strokeStyle = ctx.fillStyle = "#c5e1a5";  // event marks: a dotted line and the kind's mark at the foot
  for (const e of trendEvents()) {
    const x = trendX(ms(e.time), w);
    ctx.setLineDash([1, 3]);
    ctx.beginPath(); ctx.moveTo(x, 14); ctx.lineTo(x, hgt - 12); ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillText(trendEventName(e.what).mark, x - 3, hgt - 2);
  }
  if (trendView.page && Number(trendView.page.drillReadings) > 0) {
    ctx.fillStyle = "#b39ddb";
    ctx.font = "bold 13px sans-serif";
    ctx.fillText("DRILL \u2014 simulated readings, not a patient", w / 2 - 150, 12);
    ctx.font = "11px sans-serif";
  }
  if (trendView.cursor !== null) {
    const x = trendX(trendView.cursor, w);
    ctx.strokeStyle = "#fff";
    ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, hgt); ctx.stroke();
  }
}

function renderTrend() {
  if (document.getElementById("trend").hidden) return;
  const waiting = trendView.pending.size > 0;
  const empty = trendView.page && !(trendView.page.series || []).length && !trendEvents().length;
  document.getElementById("trend-status").textContent = waiting ? "Reading the journal\u2026" :
    `${dateTimeText(trendView.from)} to ${dateTimeText(trendView.to)}${trendView.latest ? " (now)" : ""}` +
    (trendView.page ? `, one point per ${secondsText(Number(trendView.page.bucketMs) / 1000)}` : "") +
    (empty ? ": no readings in the journal" : "");
  document.getElementById("trend-summary").replaceChildren(...summaryItems());
  const drill = document.getElementById("trend-drill");
  drill.hidden = !(trendView.page && Number(trendView.page.drillReadings) > 0);
  drill.textContent = drill.hidden ? "" :
    `DRILL \u2014 ${trendView.page.drillReadings} reading(s) in this range are simulated, not a patient's`;
  // Each alarm a button: it puts the cursor where the alarm was raised.
  const marks = trendView.alarms.map((a) => {
    const li = h("li", `trend-alarm ${a.priority}`);
    li.dataset.alarmId = a.alarmId;
    const b = h("button", null,
                `${a.drill ? "DRILL " : ""}${PRIORITY_SHAPE[a.priority] || ""} ${a.priority} ${clockText(ms(a.raised))} ${a.message}`);
    b.type = "button";
    b.addEventListener("click", () => moveCursor(ms(a.raised)));
    li.append(b);
    return li;
  });
  document.getElementById("trend-alarms").replaceChildren(...marks);
  // Each event a button too: focus or a click puts the cursor on it, and the
  // readout then says its whole text.
  const events = trendEvents().map((e) => {
    const li = h("li", `trend-event ${e.what}`);
    li.dataset.what = e.what;
    const b = h("button", null, eventText(e));
    b.type = "button";
    b.addEventListener("click", () => moveCursor(ms(e.time)));
    b.addEventListener("focus", () => moveCursor(ms(e.time)));
    li.append(b);
    return li;
  });
  if (trendView.page && trendView.page.eventsCut)
    events.unshift(h("li", "dim", "More events than a page holds: the newest 500 are shown"));
  document.getElementById("trend-events").replaceChildren(...events);
  renderCursor();
}

// Only the readout and the drawing: the alarm buttons keep their focus.
function renderCursor() {
  document.getElementById("trend-readout").textContent =
    trendView.cursor === null ? "Move over the trend, or use the arrow keys, for exact values" :
    cursorLines(trendView.cursor).join(" \u00b7 ");
  drawTrendReview();
}

// The cursor: the pointer, or the arrow keys one point at a time (Home, End).
function moveCursor(t) {
  trendView.cursor = Math.min(Math.max(t, trendView.from), trendView.to - 1);
  renderCursor();
}

function onTrendKey(ev) {
  if (ev.key === "PageUp" || ev.key === "PageDown") {
    ev.preventDefault();
    if (ev.key === "PageUp") pageTrend(-1);
    else if (!trendView.latest) pageTrend(1);
    return;
  }
  if (!trendView.page) return;
  const step = Number(trendView.page.bucketMs);
  const at = trendView.cursor === null ? trendView.to - 1 : trendView.cursor;
  const to = { ArrowLeft: at - step, ArrowRight: at + step, Home: trendView.from, End: trendView.to - 1 }[ev.key];
  if (to === undefined) return;
  ev.preventDefault();
  moveCursor(to);
}

function onTrendPointer(ev) {
  const canvas = ev.currentTarget;
  const x = ((ev.clientX - canvas.getBoundingClientRect().left) / canvas.clientWidth) * canvas.width;
  moveCursor(trendView.from + ((x - 40) / (canvas.width - 44)) * (trendView.to - trendView.from));
}

for (const hours of TREND_RANGES_H) {
  const b = h("button", null, `${hours} h`);
  b.type = "button";
  b.dataset.hours = String(hours);
  // A new range ends where the one shown ends: zooming keeps the look back.
  b.addEventListener("click", () => askTrend(hours, trendView.latest ? null : trendView.to));
  document.getElementById("trend-ranges").append(b);
}
document.getElementById("trend-close").addEventListener("click", closeTrend);
document.getElementById("trend-earlier").addEventListener("click", () => pageTrend(-1));
document.getElementById("trend-later").addEventListener("click", () => pageTrend(1));
document.getElementById("trend-latest").addEventListener("click", () => askTrend(trendView.hours, null));
document.getElementById("trend-canvas").addEventListener("keydown", onTrendKey);
document.getElementById("trend-canvas").addEventListener("pointermove", onTrendPointer);
