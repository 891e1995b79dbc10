"""A rhythm alarm out to an alert manager as IHE PCD-04 (issue 20): vigil-sim
streams a bedside monitor's ECG over HL7 (MLLP) into vigild, in ventricular
tachycardia at 140/min from the first second. vigild raises the high
ventricular_tachycardia, which carries the heart rate and the VT rate
threshold (100/min) as a heart-rate limit alarm does; the bus says rhythm
analysis raised it, and the ORU^R40 that reaches an MLLP listener (parsed by
Debian's python3-hl7) names an arrhythmia, MDC_EVT_ECG_ARRHY, with the rate
and no limit, never MDC_EVT_HI_GT_LIM "heart rate above limit": the start is
compared with its golden message field by field, by position
(docs/hl7.md, "Codes and where they were confirmed")."""
import os
import time

import hl7  # Debian's python3-hl7 (scripts/setup)

from harness import (Bus, Commands, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, free_port, heartbeat, run, start,
                     stop, workdir, write)
from hl7_golden import check_golden
from mllp_listener import MllpListener, ack

d = workdir()
pub, cmd, monitor_port, alerts_port = free_port(), free_port(), free_port(), free_port()
logs = [os.path.join(d, n) for n in ("vigild.log", "sim.log")]
EUI = "0123456789ABCDEF"

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
journal_path: "{d}/journal.db"
equipment_eui64: "{EUI}"
bed {{ id: "bed-1" device {{ id: "monitor" protocol: "hl7-mllp" tcp_listen: "127.0.0.1:{monitor_port}" }} }}
hl7_destination {{
  name: "alerts"
  address: "127.0.0.1:{alerts_port}"
  alarms: true
  receiving_application: "ALERTS"
  backoff_initial_ms: 100
  backoff_max_ms: 400
}}
"""

SCENARIO = """title: connected in VT; the alarm goes on to the alert manager
duration: 0:40
patient: heart rate 140, blood pressure 124/78, spo2 97
waveforms: only
at 0:00 start ventricular tachycardia at 140/min
"""

# The VT's start ("*": differs per run; the text and the rate are checked
# against the bus below). The alert hangs below the ECG heart rate (VMD 2).
GOLDEN_VT_START = "\r".join([
    f"MSH|^~\\&|VIGIL^{EUI}^EUI-64||ALERTS||*||ORU^R40^ORU_R40|*|P|2.6|||AL|NE||UNICODE UTF-8|||"
    "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO",
    "PID|||PAT-0077^^^^MR",
    "PV1||I|^^bed-1",
    "OBR|1||*|196616^MDC_EVT_ALARM^MDC|||*" + "|" * 22 + "*",
    f"OBX|1|CWE|199874^MDC_EVT_ECG_ARRHY^MDC|1.2.1.1.1|*|||A~PH~SP|||F|||*||||{EUI}^^{EUI}^EUI-64",
    "OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.2.1.1.2|*|264864^MDC_DIM_BEAT_PER_MIN^MDC^/min^/min^UCUM|||||F|||*",
    "OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.2.1.1.3|start||||||F",
    "OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.2.1.1.4|active||||||F",
    "OBX|5|ST|68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC|1.2.1.1.5|enabled||||||F",
    "OBX|6|ST|68484^MDC_ATTR_ALARM_PRIORITY^MDC|1.2.1.1.6|PH||||||F",
    "OBX|7|ST|68485^MDC_ATTR_ALERT_TYPE^MDC|1.2.1.1.7|SP||||||F",
])


class AlertManager(MllpListener):
    """An alert manager's MLLP port: parses every message with python3-hl7 and answers AA."""

    def __init__(self):
        self.parsed = []
        super().__init__(alerts_port)

    def answer(self, message):
        self.parsed.append(hl7.parse(message))
        return ack(message.split("\r")[0].split("|")[9], number=len(self.parsed), event="R40")


def main():
    manager = AlertManager()
    write(os.path.join(d, "vigil.conf"), CONFIG)
    write(os.path.join(d, "vt.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{pub}", prefixes=("alarm/bed-1/", "hb/"))
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    reply = Commands(f"tcp://127.0.0.1:{cmd}")("admit", bed="bed-1", patient_id="PAT-0077")
    check(reply.ok, reply.error)
    sim = start([VIGIL_SIM, "--device", f"bed=bed-1,id=monitor,protocol=hl7-mllp,tcp-connect=127.0.0.1:{monitor_port}",
                 "--scenario", os.path.join(d, "vt.scn")], logs[1])
    _, raised, _ = bus.wait_for(alarm("ventricular_tachycardia", "RAISED"), 30, "VT from the streamed ECG")
    vt = raised.alarm
    check(vt.rule == bus_pb2.RHYTHM_ANALYSIS, f"the bus says rhythm analysis raised it: {vt.rule}")
    check(vt.mdc_code == 147842 and vt.value >= 100 and vt.limit == 100, f"the rate and threshold behind it: {vt}")
    parent = f"^{vt.alarm_id}&VIGIL&{EUI}&EUI-64"  # OBR-29: the alert
    deadline = time.monotonic() + 15
    while not [m for m in manager.parsed if str(m.segment("OBR")[29]) == parent]:
        check(time.monotonic() < deadline, "the VT's ORU^R40 at the alert manager within 15 s")
        time.sleep(0.2)
    stop(sim)
    stop(daemon)
    manager.close()

    start_msg = next(m for m in manager.parsed if str(m.segment("OBR")[29]) == parent)
    check_golden(start_msg, GOLDEN_VT_START)
    what, source = start_msg.segments("OBX")[0], start_msg.segments("OBX")[1]
    check(str(what[5]) == f"199874^MDC_EVT_ECG_ARRHY^MDC^ventricular_tachycardia^{vt.message}^99VIGIL",
          f"the event, vigil's condition and its text: {what[5]}")
    check(float(str(source[5])) == vt.value, f"the rate behind it: {source[5]} for {vt.value}")
    rhythm = [m for m in manager.parsed
              if str(m.segments("OBX")[0][5]).split("^")[3:4] in (["ventricular_tachycardia"], ["pause"],
                                                                  ["ventricular_fibrillation"], ["atrial_fibrillation"])]
    check(rhythm and not any("_LIM^" in str(m.segments("OBX")[0][3]) for m in rhythm),
          f"no rhythm alarm went out as a limit crossed: {[str(m.segments('OBX')[0][3]) for m in rhythm]}")


main.logs = logs
run(main)
