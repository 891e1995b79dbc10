// An HL7 sender that is not ours: simple-hl7 (npm) builds IHE PCD-01
// ORU^R01 messages, sends each over MLLP to vigild, and prints the ACK it
// gets back as one JSON line: {"sent": id, "code": MSA-1, "acked": MSA-2, "text": MSA-3}.
//   node hl7_send.js HOST PORT
"use strict";
const hl7 = require("simple-hl7");

const [host, port] = [process.argv[2], Number(process.argv[3])];

function stamp(d) {
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
         `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+0000`;
}

function oru(controlId, rows) {
  const now = stamp(new Date());
  const msg = new hl7.Message("NODE-GW", "CLINIC", "VIGIL", "CLINIC", now, "", ["ORU", "R01", "ORU_R01"],
                              controlId, "P", "2.6");
  msg.addSegment("PID", "", "", ["PAT-0042", "", "", "CLINIC", "MR"], "", ["DOE", "JANE"]);
  msg.addSegment("PV1", "", "I", ["INFUSION", "", "BED-2"]);
  msg.addSegment("OBR", "1", controlId, controlId, ["182777000", "monitoring of patient", "SNOMED-CT"], "", "", now);
  rows.forEach((r, i) => {
    msg.addSegment("OBX", String(i + 1), r.type || "NM", r.code, r.sub || `1.1.1.${i + 1}`, r.value, r.unit,
                   "", "", "", "", "R", "", "", r.time || now);
  });
  return msg;
}

const MDC = (code, ref) => [String(code), ref, "MDC"];
const messages = [
  ["GW0001", [
    { code: MDC(147842, "MDC_ECG_HEART_RATE"), value: "131", unit: MDC(264864, "MDC_DIM_BEAT_PER_MIN") },
    { code: MDC(150456, "MDC_PULS_OXIM_SAT_O2"), value: "96", unit: MDC(262688, "MDC_DIM_PERCENT") },
    { code: MDC(149530, "MDC_PULS_OXIM_PULS_RATE"), value: "129", unit: MDC(264864, "MDC_DIM_BEAT_PER_MIN") },
    { code: MDC(150021, "MDC_PRESS_BLD_NONINV_SYS"), value: "212", unit: MDC(266016, "MDC_DIM_MMHG"),
      time: "20261123101500+0000" },
    { code: MDC(150022, "MDC_PRESS_BLD_NONINV_DIA"), value: "118", unit: MDC(266016, "MDC_DIM_MMHG"),
      time: "20261123101500+0000" },
    { code: MDC(150023, "MDC_PRESS_BLD_NONINV_MEAN"), value: "149", unit: MDC(266016, "MDC_DIM_MMHG"),
      time: "20261123101500+0000" },
  ]],
  // A row whose value is not a number: the message is answered, not dropped.
  ["GW0002", [{ code: MDC(150456, "MDC_PULS_OXIM_SAT_O2"), value: "ninety", unit: MDC(262688, "MDC_DIM_PERCENT") }]],
];

const client = hl7.Server.createTcpClient({ host, port, keepalive: true });
let i = 0;
function next() {
  if (i >= messages.length) {
    client.close();
    return;
  }
  const [id, rows] = messages[i++];
  client.send(oru(id, rows), (err, ack) => {
    if (err) {
      console.log(JSON.stringify({ sent: id, error: String(err) }));
      process.exitCode = 1;
      return client.close();
    }
    const msa = ack.getSegment("MSA");
    console.log(JSON.stringify({ sent: id, code: msa.getField(1), acked: msa.getField(2), text: msa.getField(3) }));
    // simple-hl7 marks the reply consumed only after this callback returns.
    setImmediate(next);
  });
}
next();
