// An HL7 receiver that is not ours: simple-hl7's (npm) MLLP server parses
// each message vigild sends and prints it as one JSON line, every segment as
// its fields by position as simple-hl7 read them (MSH-n at index n), then
// acknowledges it with the ACK simple-hl7 builds (MSA-2 = the MSH-10 it read).
//   node hl7_receive.js PORT [CODES]
// CODES: comma-separated MSA-1 codes for the first messages (e.g. "AE,AE");
// every later message is answered AA.
"use strict";
const hl7 = require("simple-hl7");

const port = Number(process.argv[2]);
const plan = (process.argv[3] || "").split(",").filter(Boolean);
let received = 0;

const app = hl7.tcp();
app.use((req, res, next) => {
  const m = req.msg;
  const d = m.header.delimiters;
  const encoding = d.componentSeperator + d.repititionCharacter + d.escapeCharacter + d.subcomponentSeperator;
  const segments = [["MSH", d.fieldSeperator, encoding].concat(m.header.fields.map((f) => f.toString(d)))];
  for (const s of m.segments) segments.push([s.name].concat(s.fields.map((f) => f.toString(d))));
  const code = plan[received++] || "AA";
  if (code !== "AA") res.ack.getSegment("MSA").setField(1, code);
  console.log(JSON.stringify({ code, type: `${req.type}^${req.event}`, segments }));
  res.end();
});
app.use((err, req, res, next) => {
  console.log(JSON.stringify({ error: String(err) }));
});
app.start(port);
console.error(`listening on ${port}`);
