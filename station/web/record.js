// vigil station: a bed's infusion record, as `vigil-ctl record` writes it in
// HTML (vigild renders it from its journal: one home for what a record
// shows), with a picker of the bed's sessions. An open session's record is
// asked again every 30 s; a closed one is final. Printing shows the record
// alone (style.css, @media print). Loaded after app.js (uses its state, h(),
// clockText(), toast() and the WebSocket).
"use strict";

const RECORD_REFRESH_MS = 30000;

const recordView = {
  daemon: "", bed: "",
  session: "",          // the session shown (an int64, as protobuf's JSON gives it: a string)
  provisional: false,   // the session shown is open: asked again every 30 s
  read: 0,              // when vigild read the record shown (ms since epoch)
  pending: new Set(),   // request ids still unanswered
  timer: null,
};

// Who is looking: the station logs it (under the login when there is one).
function viewerName() {
  return state.session && state.session.loginRequired ? state.session.user
                                                      : document.getElementById("operator").value.trim();
}

function openRecord(daemon, bed) {
  closeRecord();
  Object.assign(recordView, { daemon, bed, session: "", provisional: false, read: 0 });
  document.getElementById("record").hidden = false;
  document.body.classList.add("record-open");
  document.getElementById("record-bed").textContent = `${bed} (${daemon})`;
  document.getElementById("record-session").replaceChildren();
  recordStatus("Reading the bed's infusion sessions\u2026");
  askRecordView({ sessions: { bed } });
  document.getElementById("record-heading").focus();
}

function closeRecord() {
  clearTimeout(recordView.timer);
  recordView.pending.clear();
  document.getElementById("record").hidden = true;
  document.body.classList.remove("record-open");
  document.getElementById("record-doc").replaceChildren();
}

function recordStatus(text) {
  document.getElementById("record-status").textContent = text;
}

function askRecordView(what) {
  const id = `record-${state.nextRequest++}`;
  recordView.pending.add(id);
  const { daemon } = recordView;
  if (!post({ requestId: id, daemon, operatorName: viewerName(), ...what })) recordView.pending.delete(id);
}

function askRecord(session, refresh) {
  clearTimeout(recordView.timer);
  if (!refresh) {
    recordView.provisional = false;
    document.getElementById("record-doc").replaceChildren();
  }
  recordView.session = session;
  askRecordView({ record: { session }, refresh });
}

function onRecordReply(reply) {
  if (!recordView.pending.has(reply.requestId)) return;  // an answer to a view since closed or replaced
  recordView.pending.delete(reply.requestId);
  if (!reply.ok && recordView.provisional && document.getElementById("record-doc").childElementCount) {
    // Kept on screen, said to be old, and asked again: never a silently stale record.
    recordStatus(`NOT REFRESHED at ${clockText(stationNow())}: ${reply.message}. ` +
                 `Shown as read ${clockText(recordView.read)}; asking again in 30 s.`);
    recordView.timer = setTimeout(() => askRecord(recordView.session, true), RECORD_REFRESH_MS);
  } else if (!reply.ok) {
    recordStatus(`Not shown: ${reply.message}`);
    toast(`Record of ${recordView.bed}: ${reply.message}`, true);
  } else if (reply.sessions) {
    showSessions(reply.sessions.sessions || []);
  } else if (reply.record) {
    showRecord(reply.record);
  }
}

function sessionText(s) {
  const span = `${dateTimeText(ms(s.started))} \u2013 ${s.stopped ? clockText(ms(s.stopped)) : "running"}`;
  const patient = patientText(s.patientId, s.patientIdNow) || "no patient id";
  return `${s.session}: ${patient}, ${span}${s.open ? " (open)" : ""}`;
}

function showSessions(sessions) {
  const picker = document.getElementById("record-session");
  picker.replaceChildren(...sessions.map((s) => new Option(sessionText(s), s.session)));
  if (!sessions.length) {
    recordStatus(`No infusion session of ${recordView.bed} in its vigild's journal.`);
    return;
  }
  recordStatus("Reading the record\u2026");
  askRecord(sessions[0].session, false);  // the newest: the current one while it runs
}

// The page as vigild rendered it, parsed inert (nothing in it runs), cut
// into one <section> per heading so that print pages break between them.
function recordSections(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html");
  for (const e of parsed.querySelectorAll("script, style, link, iframe, object, embed")) e.remove();
  for (const e of parsed.body.querySelectorAll("*"))
    for (const a of [...e.attributes]) if (a.name.startsWith("on")) e.removeAttribute(a.name);
  const sections = [];
  let current = null;
  for (const node of [...parsed.body.childNodes]) {
    if (!current || node.nodeName === "H2") {
      current = document.createElement("section");
      sections.push(current);
    }
    current.append(node);
  }
  return sections;
}

function showRecord(page) {
  if (String(page.session) !== String(recordView.session)) return;
  document.getElementById("record-doc").replaceChildren(...recordSections(page.html));
  document.getElementById("record-session").value = String(page.session);
  recordView.provisional = page.provisional;
  recordView.read = ms(page.generated);
  const marks = [page.drill ? "DRILL" : "", page.provisional ? "open: shown as it stands, asked again every 30 s"
                                                            : "closed"].filter(Boolean);
  recordStatus(`Session ${page.session}, ${page.patientId} on ${page.bed}: ${marks.join(", ")}. ` +
               `Read ${clockText(ms(page.generated))}.`);
  if (page.provisional)
    recordView.timer = setTimeout(() => askRecord(recordView.session, true), RECORD_REFRESH_MS);
}

document.getElementById("record-session").addEventListener("change", (ev) => askRecord(ev.target.value, false));
document.getElementById("record-print").addEventListener("click", () => window.print());
document.getElementById("record-close").addEventListener("click", closeRecord);
