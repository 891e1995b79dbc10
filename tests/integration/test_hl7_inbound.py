"""HL7 inbound with a sender that is not ours: simple-hl7 (npm) sends IHE
PCD-01 ORU^R01 messages over MLLP to vigild's HL7 listener; its rows become
readings on the bus with their MDC codes and units, the cuff values keep
their measurement time, a 212/118 raises the blood-pressure alarm, and the
sender gets an ACK for every message (AA for the good one, an error code
naming the problem for the bad one)."""
import calendar
import json
import os
import shutil
import subprocess
import time

from harness import Bus, SOURCE, VIGILD, alarm, bus_pb2, check, free_port, heartbeat, link, run, start, stop, workdir, write

d = workdir()
port, hl7_port = free_port(), free_port()
logs = [os.path.join(d, "vigild.log")]

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{port}"
command_endpoint: "tcp://127.0.0.1:{free_port()}"
journal_path: "{d}/journal.db"
bed {{
  id: "bed-2"
  device {{ id: "monitor" protocol: "hl7-mllp" tcp_listen: "127.0.0.1:{hl7_port}" }}
}}
"""


def main():
    node = shutil.which("node") or shutil.which("nodejs")
    check(node is not None, "node is not installed (scripts/setup installs Debian's nodejs)")
    write(os.path.join(d, "vigil.conf"), CONFIG)
    bus = Bus(f"tcp://127.0.0.1:{port}")
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    sender = subprocess.run([node, os.path.join(SOURCE, "tests/integration/hl7_send.js"), "127.0.0.1", str(hl7_port)],
                            capture_output=True, text=True, timeout=30)
    check(sender.returncode == 0, f"the HL7 sender failed: {sender.stdout} {sender.stderr}")
    acks = [json.loads(line) for line in sender.stdout.splitlines() if line.startswith("{")]
    check(len(acks) == 2, f"expected two ACKs, got {acks}")
    check((acks[0]["code"], acks[0]["acked"]) == ("AA", "GW0001"), f"first ACK {acks[0]}")
    check(acks[1]["acked"] == "GW0002" and acks[1]["code"] in ("AE", "AR"), f"second ACK {acks[1]}")
    check(acks[1]["text"] != "", "an error ACK says why")

    bus.wait_for(link("UP"), 5, "the HL7 link to come up")
    _, crisis, _ = bus.wait_for(alarm("hypertension", "RAISED"), 5, "the blood-pressure alarm")
    check(crisis.alarm.priority == bus_pb2.HIGH, "212/118 is a hypertensive crisis: high priority")
    bus.pump(0.5)
    obs = {m.observation.metric: m.observation for m in bus.of_kind("observation", "bed-2")}
    want = {"hr": (131, 147842, "/min"), "spo2": (96, 150456, "%"), "pulse": (129, 149530, "/min"),
            "nibp_sys": (212, 150021, "mm[Hg]"), "nibp_dia": (118, 150022, "mm[Hg]"),
            "nibp_mean": (149, 150023, "mm[Hg]")}
    for metric, (value, code, unit) in want.items():
        check(metric in obs, f"no {metric} reading; got {sorted(obs)}")
        o = obs[metric]
        check((o.value, o.mdc_code, o.unit) == (value, code, unit), f"{metric}: {o.value} {o.mdc_code} {o.unit}")
        check(o.device == "monitor", f"{metric} from device {o.device}")
    measured = calendar.timegm(time.strptime("20261123101500", "%Y%m%d%H%M%S"))
    check(obs["nibp_sys"].device_time.seconds == measured, "the cuff reading keeps its measurement time (OBX-14)")
    spo2_values = [m.observation.value for m in bus.of_kind("observation", "bed-2") if m.observation.metric == "spo2"]
    check(spo2_values == [96], f"the malformed row must not become a reading: {spo2_values}")
    check(daemon.poll() is None, "vigild is still running")
    stop(daemon)


main.logs = logs
run(main)
