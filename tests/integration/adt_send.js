// An ADT sender that is not ours: simple-hl7 (npm) builds HL7 v2.5.1
// ADT messages, sends each over MLLP to vigild's ADT port and prints the ACK
// it gets back as one JSON line: {"sent": id, "code": MSA-1, "acked": MSA-2,
// "text": MSA-3, "err": ERR-3.1}.
//   node adt_send.js HOST PORT 'JSON list of {id, event, pid3, pv1_3, pv1_6}'
// pid3 "" leaves PID-3 empty; pv1_3 / pv1_6 are "point of care^room^bed".
"use strict";
const hl7 = require("simple-hl7");

const [host, port, list] = [process.argv[2], Number(process.argv[3]), JSON.parse(process.argv[4])];

function adt(m) {
  const msg = new hl7.Message("EPIC", "HOSP", "VIGIL", "ICU", "20261205031500", "", ["ADT", m.event, "ADT_A01"],
                              m.id, "P", "2.5.1");
  msg.addSegment("EVN", m.event, "20261205031500");
  msg.addSegment("PID", "1", "", m.pid3 ? [m.pid3, "", "", "HOSP", "MR"] : "", "", ["DOE", "JANE"], "",
                 "19700412", "F");
  msg.addSegment("PV1", "1", "I", m.pv1_3.split("^"), "", "", m.pv1_6 ? m.pv1_6.split("^") : "");
  return msg;
}

const client = hl7.Server.createTcpClient({ host, port, keepalive: true });
let i = 0;
function next() {
  if (i >= list.length) return client.close();
  const m = list[i++];
  client.send(adt(m), (err, ack) => {
    if (err) {
      console.log(JSON.stringify({ sent: m.id, error: String(err) }));
      process.exitCode = 1;
      return client.close();
    }
    const msa = ack.getSegment("MSA");
    const errSeg = ack.getSegment("ERR");
    console.log(JSON.stringify({ sent: m.id, code: msa.getField(1), acked: msa.getField(2), text: msa.getField(3),
                                 err: errSeg ? String(errSeg.getField(3)).split("^")[0] : "" }));
    // simple-hl7 marks the reply consumed only after this callback returns.
    setImmediate(next);
  });
}
next();
