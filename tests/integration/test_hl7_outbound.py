"""Readings and alarms out to a hospital system (issue 20): vigild sends IHE
PCD-01 and PCD-04 over MLLP to an HL7 server that is not ours (simple-hl7
from npm, hl7_receive.js), which parses every message and acknowledges it.

vigil-sim feeds a Masimo pulse oximeter whose SpO2 drops to 80 and comes
back. The receiver answers the first message AE (it must come again with the
same MSH-10, then AA); it is then stopped while the desaturation starts and
ends, and started again: every reading published after the admission and
every alarm transition arrives, parsed by position as the PCD TF places it,
each once (but the AE'd one), in the order vigild queued them (MSH-10 V1,
V2, ... without a gap). Readings from before the admission are never sent.
The readings counted are those after the admission's own place on the bus
up to the oximeter's removal: its device_lost alarm is queued after the
last reading, so once the receiver has it, every reading was delivered.
vigil-ctl status shows the queue and the last ACK, and that the destination
is failing while it is down.

The same alarms go over MLLP with TLS to a Python ssl listener whose
certificates are made at test time with `openssl req` (no key is committed):
vigil checks the listener's certificate and host name and shows its own client
certificate; a second destination expects another host name from the same
listener and is refused with the reason, sending nothing. That listener
parses every message with Debian's python3-hl7 (a second HL7 parser that is
not ours) and the desaturation's start and end are compared field by field,
by position, with golden messages laid out as the IHE PCD TF-2 example E.3.1
(docs/hl7.md, "Against the IHE PCD TF's examples")."""
import json
import os
import sqlite3
import ssl
import subprocess
import time

import hl7  # Debian's python3-hl7 (scripts/setup)

from harness import (BUILD, Bus, Commands, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, free_port, heartbeat,
                     make_certificates, run, start, stop, workdir, write)
from hl7_golden import check_golden
from mllp_listener import MllpListener, ack

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
HERE = os.path.dirname(os.path.abspath(__file__))
d = workdir()
pub, cmd, hl7_port, tls_port = free_port(), free_port(), free_port(), free_port()
pty = os.path.join(d, "bed-1-ox")
outbox = os.path.join(d, "hl7-outbox.db")
logs = [os.path.join(d, n) for n in ("vigild.log", "sim.log", "receiver-1.log", "receiver-2.log")]
EUI = "0123456789ABCDEF"
PLACED = {150456, 149530}  # the oximeter's metrics with confirmed codes (PI has none)

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{d}/journal.db"
equipment_eui64: "{EUI}"
profile {{
  name: "no-delay"
  rule {{ condition: "desaturation" priority: HIGH metric: SPO2 below: 85 delay_s: 0 hysteresis: 1
         latching: false label: "Severe desaturation" }}
  rule {{ condition: "tachycardia" priority: MEDIUM metric: PULSE_RATE above: 120 delay_s: 0 hysteresis: 3 }}
  rule {{ condition: "bradycardia" priority: MEDIUM metric: PULSE_RATE below: 50 delay_s: 0 hysteresis: 3 }}
  rule {{ condition: "hypertension" priority: MEDIUM metric: NIBP_SYS at_or_above: 180 }}
  rule {{ condition: "hypotension" priority: MEDIUM metric: NIBP_SYS below: 90 }}
}}
default_profile: "no-delay"
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{pty}" }} }}
hl7_destination {{
  name: "emr"
  address: "127.0.0.1:{hl7_port}"
  readings: true
  alarms: true
  sending_facility: "CLINIC"
  receiving_application: "SIMPLE-HL7"
  ack_timeout_ms: 2000
  connect_timeout_ms: 1000
  backoff_initial_ms: 100
  backoff_max_ms: 400
  max_ae: 3
}}
hl7_destination {{
  name: "secure"
  address: "localhost:{tls_port}"
  readings: true
  alarms: true
  backoff_initial_ms: 100
  backoff_max_ms: 400
  tls {{ ca_file: "{d}/ca.pem" cert_file: "{d}/client.pem" key_file: "{d}/client.key" }}
}}
hl7_destination {{
  name: "impostor"
  address: "127.0.0.1:{tls_port}"
  alarms: true
  backoff_initial_ms: 100
  backoff_max_ms: 400
  tls {{ ca_file: "{d}/ca.pem" server_name: "emr.other-hospital.example"
         cert_file: "{d}/client.pem" key_file: "{d}/client.key" }}
}}
"""

SCENARIO = """title: a desaturation while the interface engine is down
duration: 0:24
patient: heart rate 75, spo2 97
variability: none
oximeter delay 0 s averaging 0 s
at 0:12 lower spo2 to 80
at 0:16 raise spo2 to 97
"""


# The desaturation's start over TLS, field by field ("*": differs per run).
# The end is the same message with phase end and state inactive.
GOLDEN_START = "\r".join([
    f"MSH|^~\\&|VIGIL^{EUI}^EUI-64||||*||ORU^R40^ORU_R40|*|P|2.6|||AL|NE||UNICODE UTF-8|||"
    "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO",
    "PID|||PAT-0042^^^^MR",
    "PV1||I|^^bed-1",
    "OBR|1||*|196616^MDC_EVT_ALARM^MDC|||*" + "|" * 22 + "*",
    f"OBX|1|CWE|196672^MDC_EVT_LO_LT_LIM^MDC|1.1.1.1.1|*|||L~PH~SP|||F|||*||||{EUI}^^{EUI}^EUI-64",
    "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1.2|*|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM|85-||||F|||*",
    "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.1.1.1.3|start||||||F",
    "OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.1.1.1.4|active||||||F",
    "OBX|5|ST|68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC|1.1.1.1.5|enabled||||||F",
    "OBX|6|ST|68484^MDC_ATTR_ALARM_PRIORITY^MDC|1.1.1.1.6|PH||||||F",
    "OBX|7|ST|68485^MDC_ATTR_ALERT_TYPE^MDC|1.1.1.1.7|SP||||||F",
])


# One SpO2 reading (PCD-01) to the TLS listener, laid out as docs/hl7.md's
# PCD-01 sample; this destination names no sending_facility.
GOLDEN_SPO2 = "\r".join([
    f"MSH|^~\\&|VIGIL^{EUI}^EUI-64||||*||ORU^R01^ORU_R01|*|P|2.6|||AL|NE||UNICODE UTF-8|||"
    "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO",
    "PID|||PAT-0042^^^^MR",
    "PV1||I|^^bed-1",
    "OBR|1|*|*|182777000^monitoring of patient^SCT|||*",
    f"OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||{EUI}^^{EUI}^EUI-64",
    "OBX|2||69642^MDC_DEV_ANALY_SAT_O2_VMD^MDC|1.1.0.0|||||||X",
    "OBX|3|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|*|262688^MDC_DIM_PERCENT^MDC^%^%^UCUM|||||R|||*|||"
    f"AMEAS^auto-measurement^MDC|{EUI}^^{EUI}^EUI-64",
])


class TlsListener(MllpListener):
    """MLLP over TLS, AA to everything; asks for a client certificate."""

    def __init__(self):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(os.path.join(d, "server.pem"), os.path.join(d, "server.key"))
        self.ctx.load_verify_locations(os.path.join(d, "ca.pem"))
        self.ctx.verify_mode = ssl.CERT_REQUIRED
        self.received, self.parsed, self.clients, self.refused = [], [], [], []
        super().__init__(tls_port)

    def connected(self, raw):
        try:
            conn = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.refused.append(str(e))
            raw.close()
            return None
        self.clients.append(dict(x[0] for x in conn.getpeercert()["subject"])["commonName"])
        return conn

    def answer(self, message):
        self.received.append(message)
        self.parsed.append(hl7.parse(message))
        return ack(message.split("\r")[0].split("|")[9], number=len(self.received), event="R40", prefix="T")


def receiver(log, codes=""):
    return start(["node", os.path.join(HERE, "hl7_receive.js"), str(hl7_port)] + ([codes] if codes else []), log)


def received(log):
    with open(log) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def queued():
    db = sqlite3.connect(f"file:{outbox}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM hl7_outbox WHERE state = 'queued' AND destination = 'emr'").fetchone()[0]
    finally:
        db.close()


def check_config():
    """Plain TCP off loopback must be asked for; the EUI-64 is required."""
    bad = CONFIG.replace(f'equipment_eui64: "{EUI}"', 'equipment_eui64: "12AB"').replace(
        f'address: "127.0.0.1:{hl7_port}"', 'address: "10.1.2.3:2575"')
    path = write(os.path.join(d, "bad.conf"), bad)
    out = subprocess.run([VIGILD, "--check-config", path], capture_output=True, text=True, timeout=10)
    errors = (out.stdout + out.stderr).strip().splitlines()
    check(out.returncode != 0, "a bad hl7_destination is refused")
    line = lambda text: 1 + next(i for i, l in enumerate(bad.splitlines()) if text in l)
    check(any(e.startswith(f"{path}:{line('equipment_eui64')}:1: equipment_eui64 must be 16 hex digits")
              for e in errors), errors)
    check(any(e.startswith(f"{path}:{line('10.1.2.3')}:3: hl7_destination emr: 10.1.2.3:2575 is not loopback")
              and "allow_plain_tcp" in e for e in errors), errors)
    tls_line = next(i for i in range(line('name: "secure"'), len(bad.splitlines()) + 1)
                    if bad.splitlines()[i - 1].strip().startswith("tls {"))
    check(any(e.startswith(f"{path}:{tls_line}:3: hl7_destination secure: tls.ca_file: cannot load") for e in errors),
          errors)


def index_of(bus, message):
    """Where a message wait_for returned is in bus.messages."""
    return next(i for i, (_, m, _) in enumerate(bus.messages) if m is message)


def ctl_status(name="emr"):
    """What vigil-ctl status says about one destination."""
    out = subprocess.run([VIGIL_CTL, "--endpoint", f"tcp://127.0.0.1:{cmd}", "status"], capture_output=True,
                         text=True, timeout=10).stdout
    return out[out.index(f"hl7 {name} "):].split("\nhl7 ")[0]


def main():
    check_config()
    make_certificates(d)
    secure = TlsListener()
    write(os.path.join(d, "vigil.conf"), CONFIG)
    write(os.path.join(d, "desat.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{pub}", prefixes=("obs/bed-1/", "alarm/bed-1/", "ctx/bed-1/", "hb/"))
    rx = receiver(logs[2], "AE")
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    sim = start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty}",
                 "--scenario", os.path.join(d, "desat.scn")], logs[1])
    # Readings before anyone is admitted are for no chart.
    bus.wait_for(lambda t, m: m.WhichOneof("body") == "observation", 10, "a first reading")
    bus.pump(1.5)
    reply = Commands(f"tcp://127.0.0.1:{cmd}")("admit", bed="bed-1", patient_id="PAT-0042")
    check(reply.ok, reply.error)
    _, admission, _ = bus.wait_for(lambda t, m: m.WhichOneof("body") == "context" and m.context.what == "admitted",
                                   5, "the admission on the bus")
    # Counted from the admission itself: wait_for pumps on past the message
    # it finds, so the length of the list would leave out readings that came
    # just after it (and were sent).
    admitted_at = index_of(bus, admission) + 1
    bus.pump(3)
    stop(rx)  # the interface engine goes down before the desaturation
    _, raised, _ = bus.wait_for(alarm("desaturation", "RAISED"), 20, "the desaturation")
    _, cleared, _ = bus.wait_for(alarm("desaturation", "CLEARED"), 15, "its end")
    # The readings end at the source: the oximeter goes away and vigild
    # raises device_lost, queued after the last reading (the bus and each
    # queue keep vigild's order), so once it is delivered every reading is.
    stop(sim)
    _, lost, _ = bus.wait_for(alarm("device_lost:ox", "RAISED"), 10, "device_lost once the oximeter is gone",
                              since=index_of(bus, cleared))
    check(queued() > 0, "messages wait in the outbox while the receiver is down")
    line = ctl_status()
    check(" queued, not connected, last ack AA V" in line and "failing since" in line, line)
    rx = receiver(logs[3])
    deadline = time.monotonic() + 30
    while not any(g["segments"][0][9] == "ORU^R40^ORU_R40" and g["segments"][3][3].startswith(lost.alarm.alarm_id)
                  for g in received(logs[3]) if "segments" in g):
        check(time.monotonic() < deadline, "device_lost (queued after the last reading) delivered within 30 s")
        bus.pump(0.2)
    # Its ACK recorded in the outbox.
    deadline = time.monotonic() + 5
    while queued() and time.monotonic() < deadline:
        bus.pump(0.1)
    check(queued() == 0, f"{queued()} messages still queued")
    line = ctl_status()
    check(line.startswith(f"hl7 emr (127.0.0.1:{hl7_port}): 0 queued, connected, last ack AA V"), line)
    check("failing since" not in line, line)
    wait_tls = time.monotonic() + 10
    while sum("desaturation" in m.split("\r")[3] for m in secure.received) < 2 and time.monotonic() < wait_tls:
        time.sleep(0.2)
    status = ctl_status("impostor")
    stop(rx)
    stop(daemon)
    secure.close()

    # Over TLS: the listener's certificate and name checked, vigil's client certificate shown.
    check(secure.clients and set(secure.clients) == {"bed-pc-1"}, f"client certificates: {secure.clients}")
    tls_r40 = [m.split("\r") for m in secure.received if m.split("\r")[0].split("|")[8] == "ORU^R40^ORU_R40"]
    parent = f"^{raised.alarm.alarm_id}&VIGIL&{EUI}&EUI-64"  # OBR-29: the alert, in each of its reports
    desat = [s for s in tls_r40 if s[3].split("|")[29:30] == [parent]]
    # Exactly start and end: the impostor destination (same alarms, same listener) sent nothing.
    check([s[6].split("|")[5] for s in desat] == ["start", "end"], f"the desaturation over TLS: {desat}")
    # Parsed by python3-hl7, against the golden message, field by field.
    began, ended = [m for m in secure.parsed if len(m.segment("OBR")) > 29 and str(m.segment("OBR")[29]) == parent]
    check_golden(began, GOLDEN_START)
    check_golden(ended, GOLDEN_START.replace("|start|", "|end|").replace("|active|", "|inactive|"))
    check(all(str(m.segment("MSH")[9]) in ("ORU^R40^ORU_R40", "ORU^R01^ORU_R01") for m in secure.parsed),
          "python3-hl7 read them all")
    # Readings (PCD-01) parsed by python3-hl7 too: every SpO2 reading by
    # position against the golden, the value as the bus published it.
    spo2 = [m for m in secure.parsed if str(m.segment("MSH")[9]) == "ORU^R01^ORU_R01"
            and str(m.segments("OBX")[-1][3]).startswith("150456^")]
    check(len(spo2) >= 5, f"{len(spo2)} SpO2 readings over TLS")
    published = {o.observation.value for _, o, _ in bus.messages if o.WhichOneof("body") == "observation"}
    for m in spo2:
        check_golden(m, GOLDEN_SPO2)
        check(float(str(m.segments("OBX")[-1][5])) in published, f"an SpO2 value the bus never had: {m}")
    # The same listener under another expected name: refused, nothing sent, and said why.
    why = "TLS with emr.other-hospital.example refused: its certificate is not for emr.other-hospital.example"
    check(f"hl7 impostor (127.0.0.1:{tls_port}, TLS to emr.other-hospital.example): " in status and why in status,
          status)
    check(why in open(logs[0]).read(), "the refusal is in vigild's log")

    got = received(logs[2]) + received(logs[3])
    check(all("error" not in g for g in got), f"simple-hl7 could not parse: {[g for g in got if 'error' in g]}")
    msh = lambda g: g["segments"][0]
    ids = [msh(g)[10] for g in got]
    # The first message was answered AE: it came again, same MSH-10, and was taken.
    check(got[0]["code"] == "AE" and ids[1] == ids[0] and got[1]["code"] == "AA",
          f"AE then a retry with the same MSH-10: {[(g['code'], i) for g, i in zip(got[:3], ids)]}")
    delivered = got[1:]
    numbers = [int(msh(g)[10][1:]) for g in delivered]
    # MSH-10 numbers are shared by the destinations: with those the TLS
    # destinations took (or still hold), none is missing.
    db = sqlite3.connect(f"file:{outbox}?mode=ro", uri=True)
    others = {int(c[1:]) for (c,) in db.execute("SELECT control_id FROM hl7_outbox WHERE destination = 'impostor'")}
    db.close()
    others |= {int(m.split("\r")[0].split("|")[9][1:]) for m in secure.received}
    check(numbers == sorted(set(numbers)), f"once and in order: {numbers}")
    check(sorted(set(numbers) | others) == list(range(1, max(numbers + list(others)) + 1)),
          f"none missing: {numbers} with {sorted(others)} for the TLS destinations")

    # Every reading published after the admission, as PCD-01.
    observations = [m.observation for _, m, _ in bus.messages[admitted_at:]
                    if m.WhichOneof("body") == "observation" and m.observation.mdc_code in PLACED]
    oru = [g for g in delivered if msh(g)[9] == "ORU^R01^ORU_R01"]
    check(len(oru) == len(observations), f"{len(oru)} ORU^R01 for {len(observations)} readings since the admission")
    for g, o in zip(oru, observations):
        seg = {s[0]: s for s in g["segments"]}
        obx = [s for s in g["segments"] if s[0] == "OBX"]
        check(msh(g)[3] == f"VIGIL^{EUI}^EUI-64" and msh(g)[4] == "CLINIC" and msh(g)[5] == "SIMPLE-HL7", msh(g))
        check(msh(g)[11] == "P" and msh(g)[12] == "2.6" and msh(g)[15] == "AL", msh(g))
        check(msh(g)[21] == "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO", msh(g)[21])
        check(seg["PID"][3] == "PAT-0042^^^CLINIC^MR" and seg["PV1"][3] == "^^bed-1", (seg["PID"], seg["PV1"]))
        check(seg["OBR"][4] == "182777000^monitoring of patient^SCT", seg["OBR"])
        check([s[3] for s in obx[:2]] == ["69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC",
                                          "69642^MDC_DEV_ANALY_SAT_O2_VMD^MDC"], obx)
        check(obx[0][4] == "1.0.0.0" and obx[0][11] == "X" and obx[0][18] == f"{EUI}^^{EUI}^EUI-64", obx[0])
        value = obx[2]
        check(value[3] == f"{o.mdc_code}^{o.mdc_ref}^MDC", f"{value[3]} for {o.mdc_ref}")
        check(value[2] == "NM" and float(value[5]) == o.value, f"{value[5]} for {o.value}")
        unit = {150456: "262688^MDC_DIM_PERCENT^MDC^%^%^UCUM", 149530: "264864^MDC_DIM_BEAT_PER_MIN^MDC^/min^/min^UCUM"}
        check(value[6] == unit[o.mdc_code], value[6])
        check(value[4] == ("1.1.1.1" if o.mdc_code == 150456 else "1.1.1.2"), value[4])
        check(value[11] == "R" and value[17] == "AMEAS^auto-measurement^MDC" and value[18] == f"{EUI}^^{EUI}^EUI-64",
              value)
        check(len(value[14]) == len("20261205001500.250+0000"), value[14])

    # The technical alarm of the device not yet there, before anyone was
    # admitted: sent all the same, without a patient, as ST.
    lost = got[0]["segments"]
    check(msh(got[0])[9] == "ORU^R40^ORU_R40", msh(got[0]))
    check(lost[1][0] == "PID" and all(f == "" for f in lost[1][1:]), lost[1])
    check(lost[4][5].startswith("device_lost:ox^") and lost[4][8] == "PM~ST", lost[4])
    check(lost[5][3] == "68480^MDC_ATTR_ALERT_SOURCE^MDC" and lost[5][5] == "ox", lost[5])

    # The desaturation's life as PCD-04: start, then end, under one alert id.
    alert = f"^{raised.alarm.alarm_id}&VIGIL&{EUI}&EUI-64"
    r40 = [g for g in delivered if msh(g)[9] == "ORU^R40^ORU_R40" and g["segments"][3][29:30] == [alert]]
    transitions = [m.alarm for _, m, _ in bus.messages
                   if m.WhichOneof("body") == "alarm" and m.alarm.alarm_id == raised.alarm.alarm_id]
    check(len(r40) == len(transitions) == 2, f"{len(r40)} ORU^R40 for {len(transitions)} alarm transitions")
    facets = []
    for g in r40:
        seg = {s[0]: s for s in g["segments"]}
        obx = [s for s in g["segments"] if s[0] == "OBX"]
        check(msh(g)[21] == "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO", msh(g)[21])
        check(seg["OBR"][4] == "196616^MDC_EVT_ALARM^MDC", seg["OBR"])
        check(seg["PID"][3] == "PAT-0042^^^CLINIC^MR", seg["PID"])
        check([s[4] for s in obx] == [f"1.1.1.1.{i}" for i in range(1, 8)], [s[4] for s in obx])
        check(obx[0][3] == "196672^MDC_EVT_LO_LT_LIM^MDC" and obx[0][5].startswith("196672^MDC_EVT_LO_LT_LIM^MDC^"),
              obx[0])
        check(all(s[11] == "F" for s in obx), [s[11] for s in obx])
        check(obx[0][8] == "L~PH~SP", obx[0][8])
        check(obx[1][3] == "150456^MDC_PULS_OXIM_SAT_O2^MDC" and obx[1][7] == "85-", obx[1])
        check([s[3].split("^")[0] for s in obx[2:]] == ["68481", "68482", "68483", "68484", "68485"], obx[2:])
        facets.append(tuple(s[5] for s in obx[2:]))
    check(facets == [("start", "active", "enabled", "PH", "SP"), ("end", "inactive", "enabled", "PH", "SP")],
          f"facets {facets}")
    check(float(r40[0]["segments"][5][5]) == raised.alarm.value, "the value behind the start")


main.logs = logs
run(main)
