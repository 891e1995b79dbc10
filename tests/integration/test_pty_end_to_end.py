"""Bytes on a pty become decoded readings and alarms at a subscriber that is
not ours: vigil-sim speaks Masimo ASCII 1 on a pseudo-terminal, vigild reads
it with the shipped ketamine-iv-adult profile, and python3-zmq +
python3-protobuf check the exact readings and the severe desaturation raised
after its 5 s delay, then cleared but latched (a high-priority alarm stays
until someone acknowledges it)."""
import os

from harness import (Bus, VIGIL_SIM, VIGILD, alarm, bus_pb2, check, free_port, heartbeat, run, start, stop,
                     workdir, write)

d = workdir()
port = free_port()
pty = os.path.join(d, "bed-1-ox")
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log")]

# The path is under test here, not physiology: a metronome heart and an
# oximeter without delay or averaging, so every value is known exactly.
SCENARIO = """title: end-to-end desaturation
duration: 0:16
patient: heart rate 72, spo2 97, perfusion index 3.1
variability: none
oximeter delay 0 s averaging 0 s
at 0:04 lower spo2 to 84
at 0:12 raise spo2 to 97
"""

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{port}"
command_endpoint: "tcp://127.0.0.1:{free_port()}"
journal_path: "{d}/journal.db"
bed {{
  id: "bed-1"
  device {{ id: "ox" protocol: "masimo" path: "{pty}" }}
}}
"""


def main():
    write(os.path.join(d, "vigil.conf"), CONFIG)
    write(os.path.join(d, "e2e.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{port}")
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    # Subscribed before any reading exists: nothing can be lost to a slow join.
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    sim = start([VIGIL_SIM, "--device", f"bed=bed-1,id=ox,protocol=masimo,pty={pty}",
                 "--scenario", os.path.join(d, "e2e.scn")], logs[1])
    bus.wait_for(alarm("desaturation", "CLEARED"), 30, "desaturation to be raised and cleared")
    stop(sim)
    bus.pump(0.5)
    stop(daemon)

    obs = [m.observation for m in bus.of_kind("observation", "bed-1")]
    spo2 = [o.value for o in obs if o.metric == "spo2"]
    collapsed = [v for i, v in enumerate(spo2) if i == 0 or spo2[i - 1] != v]
    check(collapsed == [97.0, 84.0, 97.0], f"SpO2 went {spo2}, expected 97 then 84 then 97")
    check(spo2.count(84.0) >= 6, f"expected about eight seconds at 84 %, got {spo2}")
    pulses = {o.value for o in obs if o.metric == "pulse"}
    check(pulses == {72.0}, f"pulse readings {pulses}, expected only 72")
    pis = {o.value for o in obs if o.metric == "pi"}
    check(pis == {3.1}, f"perfusion index readings {pis}, expected only 3.1")
    for o in obs:
        check(o.bed == "bed-1" and o.device == "ox", f"reading from {o.bed}/{o.device}")
        check(not o.drill, "a reading marked as drill in a non-drill config")
    # vigild writes a reading's bytes by hand: they must be protobuf's own, on a two-frame message whose
    # topic is obs/<bed>/ (docs/bus-protocol.md), as python3-protobuf writes the message back.
    readings = [(t, b) for t, b in bus.frames if t.startswith(b"obs/")]
    check(len(readings) == len(obs), f"{len(readings)} reading frames for {len(obs)} readings")
    for topic, body in readings:
        m = bus_pb2.BusMessage()
        m.ParseFromString(body)
        check(topic == b"obs/bed-1/" and m.SerializeToString() == body,
              f"reading on {topic} is not protobuf's bytes: {body.hex()} against {m.SerializeToString().hex()}")
    first = next(o for o in obs if o.metric == "spo2")
    check((first.mdc_code, first.mdc_ref, first.unit) == (150456, "MDC_PULS_OXIM_SAT_O2", "%"),
          f"SpO2 identity {first.mdc_code} {first.mdc_ref} {first.unit}")
    pr = next(o for o in obs if o.metric == "pulse")
    check((pr.mdc_code, pr.unit) == (149530, "/min"), f"pulse identity {pr.mdc_code} {pr.unit}")

    alarms = [m.alarm for m in bus.of_kind("alarm", "bed-1") if m.alarm.condition == "desaturation"]
    check([a.transition for a in alarms] == [bus_pb2.RAISED, bus_pb2.CLEARED],
          f"desaturation transitions {[bus_pb2.AlarmTransition.Name(a.transition) for a in alarms]}")
    raised, cleared = alarms
    check(raised.priority == bus_pb2.HIGH and raised.kind == bus_pb2.PHYSIOLOGICAL, "priority/kind")
    check((raised.value, raised.limit, raised.metric) == (84.0, 85.0, "spo2"),
          f"raised with value {raised.value} limit {raised.limit} metric {raised.metric}")
    first_low = next(o for o in obs if o.metric == "spo2" and o.value == 84.0)
    delay = (raised.time.ToNanoseconds() - first_low.received.ToNanoseconds()) / 1e9
    check(4.5 <= delay <= 6.5, f"raised {delay:.1f} s after the first 84 %, expected the 5 s condition delay")
    check(raised.active and not cleared.active and cleared.latched, "active, then cleared but latched")
    check(cleared.alarm_id == raised.alarm_id, "cleared a different alarm than was raised")
    # Every event of an alarm carries the value and limit that raised it (issue 15).
    check((cleared.value, cleared.limit) == (84.0, 85.0), f"cleared with value {cleared.value} limit {cleared.limit}")

    # One stream per bed: sequence numbers count up by one with no gap.
    seqs = [m.observation.seq if m.WhichOneof("body") == "observation" else
            m.alarm.seq if m.WhichOneof("body") == "alarm" else m.link.seq
            for topic, m, _ in bus.messages if m.WhichOneof("body") != "heartbeat" and topic.split("/")[1] == "bed-1"]
    check(seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"bed-1 sequence has gaps: {seqs[:20]}...")
    # Each heartbeat names the last sequence number published before it.
    last = None  # published before we joined: the first heartbeat tells
    beats = 0
    for topic, m, _ in bus.messages:
        if topic.split("/")[1] != "bed-1":
            continue
        body = m.WhichOneof("body")
        if body == "heartbeat":
            check(last is None or m.heartbeat.last_seq == last,
                  f"heartbeat says {m.heartbeat.last_seq}, last seen {last}")
            last = m.heartbeat.last_seq
            beats += 1
        else:
            last = getattr(m, body).seq
    check(beats >= 5, f"only {beats} heartbeats in over five seconds")

main.logs = logs
run(main)
