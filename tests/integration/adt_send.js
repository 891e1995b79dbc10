// An ADT sender that is not ours: simple-hl7 (npm) builds HL7 v2.5.1
// ADT messages, sends each over MLLP to vigild's ADT port and prints the ACK
// it gets back as one JSON line: {"sent": id, "code": MSA-1, "acked": MSA-2,
// "text": MSA-3, "err": ERR-3.1}.
//   node adt_send.js HOST PORT 'JSON list of {id, event, pid3, pv1_3, pv1_6, mrg1}' ['{"ca","cert","key"}']
// pid3 "" leaves PID-3 empty; pv1_3 / pv1_6 are "point of care^room^bed";
// mrg1 (A40, structure ADT_A39) adds MRG with the prior patient id.
// With the last argument (PEM paths) the connection is TLS (Node's tls),
// the server checked against ca and this client's certificate shown.
"use strict";
const fs = require("fs");
const tls = require("tls");
const hl7 = require("simple-hl7");

const [host, port, list] = [process.argv[2], Number(process.argv[3]), JSON.parse(process.argv[4])];
const tlsFiles = process.argv[5] ? JSON.parse(process.argv[5]) : null;

function adt(m) {
  const structure = m.mrg1 ? "ADT_A39" : "ADT_A01";
  const msg = new hl7.Message("EPIC", "HOSP", "VIGIL", "ICU", "20261205031500", "", ["ADT", m.event, structure],
                              m.id, "P", "2.5.1");
  msg.addSegment("EVN", m.event, "20261205031500");
  msg.addSegment("PID", "1", "", m.pid3 ? [m.pid3, "", "", "HOSP", "MR"] : "", "", ["DOE", "JANE"], "",
                 "19700412", "F");
  if (m.mrg1) msg.addSegment("MRG", [m.mrg1, "", "", "HOSP", "MR"]);
  if (m.pv1_3) msg.addSegment("PV1", "1", "I", m.pv1_3.split("^"), "", "", m.pv1_6 ? m.pv1_6.split("^") : "");
  return msg;
}

const client = hl7.Server.createTcpClient({ host, port, keepalive: true });
if (tlsFiles) {
  // simple-hl7's client opens a plain socket in connect(); everything else
  // (framing, parsing the ACK) stays its own.
  const plainConnect = client.connect.bind(client);
  client.connect = (callback) => {
    const options = { host, port, ca: fs.readFileSync(tlsFiles.ca), cert: fs.readFileSync(tlsFiles.cert),
                      key: fs.readFileSync(tlsFiles.key), servername: "localhost" };
    const net = require("net");
    const connect = net.connect;
    net.connect = (_, cb) => tls.connect(options, cb);
    try {
      plainConnect(callback);
    } finally {
      net.connect = connect;
    }
  };
}
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
