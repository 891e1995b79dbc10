"""ECG waveform over HL7: a sender that is not ours (plain sockets with MLLP
framing) streams a synthetic lead II ECG to vigild's HL7 listener as 1 s
ORU^R01 segments (OBX NA rows with an MDC_ATTR_SAMP_RATE facet, IHE PCD
waveform style) at real time: regular sinus rhythm at 75 /min for 10 s, then
atrial fibrillation with irregular intervals around 130 /min. vigild's QRS
detector finds the beats; no rhythm alarm may sound during sinus rhythm, and
AF with rapid ventricular response (high) must be raised after its 30 s
delay. Every segment is acknowledged AA.

vigild also publishes the heart rate its QRS detector counts, as an `hr`
reading of device "monitor:ecg" (marked as derived from the monitor's ECG,
docs/bus-protocol.md): 75 during sinus rhythm, usable, and well above 110
in the AF; the monitor sends no heart rate of its own here."""
import math
import os
import random
import socket
import threading
import time

from harness import Bus, VIGILD, alarm, bus_pb2, check, free_port, heartbeat, link, run, start, stop, workdir, write

d = workdir()
port, hl7_port = free_port(), free_port()
logs = [os.path.join(d, "vigild.log")]
FS = 250
SINUS_S = 10
TOTAL_S = 58

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{port}"
command_endpoint: "tcp://127.0.0.1:{free_port()}"
journal_path: "{d}/journal.db"
bed {{
  id: "bed-7"
  device {{ id: "monitor" protocol: "hl7-mllp" tcp_listen: "127.0.0.1:{hl7_port}" }}
}}
"""


def beat_times():
    """R-wave times (s): sinus at 0.8 s, then AF with independent intervals, mean ~0.46 s."""
    rng = random.Random(7)
    t, beats = 0.4, []
    while t < TOTAL_S + 2:
        beats.append(t)
        if t < SINUS_S:
            t += 0.8 + 0.01 * math.sin(len(beats) / 2.0)
        else:
            t += min(0.9, max(0.3, rng.gammavariate(9.0, 0.46 / 9.0)))
    return beats


def gauss(x, width):
    return math.exp(-0.5 * (x / width) ** 2)


def ecg_second(second, beats):
    """One second of lead II in mV: P (sinus only), QRS, T; fibrillatory waves in AF."""
    rng = random.Random(second)
    out = []
    for i in range(FS):
        t = second + i / FS
        v = 0.1 * math.sin(2 * math.pi * 0.25 * t) + rng.gauss(0, 0.015)
        if t >= SINUS_S:
            v += 0.05 * math.sin(2 * math.pi * 6.3 * t)
        for b in beats:
            dt = t - b
            if dt < -0.3:
                break
            if dt > 0.6:
                continue
            if b < SINUS_S:
                v += 0.12 * gauss(dt + 0.16, 0.02)
            v += -0.12 * gauss(dt + 0.025, 0.008) + 1.1 * gauss(dt, 0.01) - 0.25 * gauss(dt - 0.03, 0.01) \
                + 0.3 * gauss(dt - 0.26, 0.045)
        out.append(v)
    return out


def derived_rates(bus):
    """Usable heart rates vigild derived from the monitor's ECG, in order."""
    return [o.value for o in (m.observation for m in bus.of_kind("observation", "bed-7"))
            if o.device == "monitor:ecg" and o.metric == "hr" and o.unit == "/min" and o.mdc_code == 147842
            and not (o.quality.invalid or o.quality.questionable or o.quality.artifact)]


def hl7_time(epoch):
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}+0000"


def message(k, start, samples):
    first = hl7_time(start + k)
    values = "^".join(f"{v:.3f}" for v in samples)
    return "\r".join([
        f"MSH|^~\\&|ECGGW|ICU|||{hl7_time(start + k + 1)}||ORU^R01^ORU_R01|E{k:05d}|P|2.6|||AL|NE",
        "PID|||P7^^^^PI",
        "PV1||I|bed-7",
        f"OBR|1|E{k:05d}^ECGGW|E{k:05d}^ECGGW|CONTINUOUS WAVEFORM|||{first}|{hl7_time(start + k + 1)}",
        "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X",
        f"OBX|2|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.1.1.1|{values}|266418^MDC_DIM_MILLI_VOLT^MDC|||||R|||{first}",
        "OBX|3|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.1.1.1.1|250|264608^MDC_DIM_PER_SEC^MDC|||||R",
    ]) + "\r"


class Sender(threading.Thread):
    """Sends one segment per second, each after its last sample 'happened', and reads its ACK."""

    def __init__(self):
        super().__init__(daemon=True)
        self.acks, self.error, self.stop_flag = [], None, threading.Event()
        self.start_time = None

    def run(self):
        try:
            beats = beat_times()
            sock = socket.create_connection(("127.0.0.1", hl7_port), timeout=5)
            self.start_time = time.time()
            buf = b""
            for k in range(TOTAL_S):
                if self.stop_flag.is_set():
                    break
                samples = ecg_second(k, beats)
                time.sleep(max(0.0, self.start_time + k + 1 - time.time()))
                sock.sendall(b"\x0b" + message(k, self.start_time, samples).encode() + b"\x1c\x0d")
                while b"\x1c\x0d" not in buf:
                    chunk = sock.recv(4096)
                    if not chunk:
                        raise RuntimeError("vigild closed the HL7 connection")
                    buf += chunk
                frame, buf = buf.split(b"\x1c\x0d", 1)
                msa = [s for s in frame.decode(errors="replace").split("\r") if s.startswith("MSA|")]
                self.acks.append(msa[0].split("|")[1] if msa else "none")
            sock.close()
        except Exception as e:  # reported by the test, not lost in the thread
            self.error = e


def main():
    write(os.path.join(d, "vigil.conf"), CONFIG)
    bus = Bus(f"tcp://127.0.0.1:{port}")
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    sender = Sender()
    sender.start()
    try:
        bus.wait_for(link("UP"), 5, "the HL7 link to come up")
        # Sinus rhythm, and a little beyond while the window still holds it.
        bus.pump(SINUS_S + 3 - (time.time() - sender.start_time))
        rhythm_alarms = [m.alarm.condition for m in bus.of_kind("alarm", "bed-7")
                         if m.alarm.transition == bus_pb2.RAISED]
        check(rhythm_alarms == [], f"no alarm may sound during regular sinus rhythm: {rhythm_alarms}")
        rates = derived_rates(bus)
        check(len(rates) >= 5, f"vigild's ECG heart rate comes about once a second: {rates}")
        check(all(73 <= v <= 77 for v in rates[-3:]), f"ECG heart rate 75 /min in sinus rhythm: {rates}")
        print(f"derived ECG heart rate in sinus rhythm: {rates}")
        _, af, arrived = bus.wait_for(alarm("atrial_fibrillation", "RAISED"), TOTAL_S - SINUS_S,
                                      "AF with rapid ventricular response")
        after_onset = time.time() - (sender.start_time + SINUS_S)
        check(af.alarm.priority == bus_pb2.HIGH, f"AF at ~130 /min is high priority: {af.alarm}")
        check(after_onset >= 30, f"raised {after_onset:.1f} s after AF began: before its 30 s delay")
        print(f"AF alarm raised {after_onset:.1f} s after AF onset: {af.alarm.message}")
    finally:
        sender.stop_flag.set()
        sender.join(5)
    check(sender.error is None, f"the HL7 sender failed: {sender.error}")
    check(sender.acks and set(sender.acks) == {"AA"}, f"every segment is acknowledged AA: {set(sender.acks)}")
    raised = [m.alarm.condition for m in bus.of_kind("alarm", "bed-7") if m.alarm.transition == bus_pb2.RAISED]
    check("pause" not in raised and "rhythm_unavailable" not in raised, f"no pause or lost rhythm: {raised}")
    rates = derived_rates(bus)
    check(rates and rates[-1] > 110, f"ECG heart rate in AF at ~130 /min: {rates[-5:]}")
    others = {m.observation.device for m in bus.of_kind("observation", "bed-7")}
    check(others == {"monitor:ecg"}, f"the only readings are vigild's derived ones: {others}")
    check(daemon.poll() is None, "vigild is still running")
    stop(daemon)


main.logs = logs
run(main)
