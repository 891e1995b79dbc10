"""Every protocol vigil speaks (the registry, from vigild --list-protocols
--json), end to end through a pty: vigil-sim plays each on its own bed,
those that must be asked only answering vigild's requests; a subscriber that
is not ours checks each bed's SpO2 and pulse, the links, and that a sensor
taken off the finger becomes a technical alarm for every pulse oximeter."""
import os

from harness import (Bus, VIGIL_SIM, VIGILD, bus_pb2, check, command, free_port, heartbeat, protocols, run, start, stop,
                     workdir, write)

d = workdir()
pub, cmd = free_port(), free_port()
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log")]
PROTOCOLS = [p["name"] for p in protocols()]
# A pulse oximeter (the registry's "device") says when its probe comes off,
# and so does its simulated device; the monitors' simulators do not take a
# probe off.
OXIMETERS = [p["name"] for p in protocols() if p["device"] == "pulse-oximeter"]
assert OXIMETERS, "the registry lists no pulse oximeter"

SCENARIO = """title: every protocol, then the probe comes off
duration: 0:40
patient: heart rate 72, spo2 97, perfusion index 2.5
variability: none
at 0:12 sensor off dev for 14 s
"""


def bed(p):
    return "bed-" + p


def main():
    beds = "\n".join(f'bed {{ id: "{bed(p)}" device {{ id: "dev" protocol: "{p}" path: "{d}/{p}" }} }}'
                     for p in PROTOCOLS)
    write(os.path.join(d, "vigil.conf"),
          f'publish_endpoint: "tcp://127.0.0.1:{pub}"\njournal_path: "{os.path.join(d, "journal.db")}"\ncommand_endpoint: "tcp://127.0.0.1:{cmd}"\n{beds}\n')
    write(os.path.join(d, "probe.scn"), SCENARIO)
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    sim = start([VIGIL_SIM, "--scenario", os.path.join(d, "probe.scn")] +
                sum((["--device", f"bed={bed(p)},id=dev,protocol={p},pty={d}/{p}"] for p in PROTOCOLS), []), logs[1])
    bus.pump(0.5)
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    bus.pump(10)

    for p in PROTOCOLS:
        obs = [m.observation for m in bus.of_kind("observation", bed(p))]
        usable = [o for o in obs if not (o.quality.invalid or o.quality.sensor_off or o.quality.artifact)]
        spo2 = {o.value for o in usable if o.metric == "spo2"}
        rate = {o.value for o in usable if o.metric in ("pulse", "hr")}
        check(spo2 == {97.0}, f"{p}: SpO2 readings {sorted(spo2)} (of {len(obs)} readings)")
        check(rate == {72.0}, f"{p}: rate readings {sorted(rate)}")
    # Link states come from the daemon itself: a subscriber may have joined after UP.
    status = command(cmd, lambda r: r.status.SetInParent())
    for s in status.beds:
        dev = s.devices[0]
        check(dev.state == bus_pb2.UP, f"{s.bed}: link {bus_pb2.LinkState.Name(dev.state)}: {dev.reason}")
        check(dev.frames_ok > 0, f"{s.bed}: frames counted")

    # The probe comes off at 0:12 for 14 s; the technical alarm waits 10 s.
    def sensor_alarm(p):
        return lambda t, m: (m.WhichOneof("body") == "alarm" and t.startswith(f"alarm/{bed(p)}/")
                             and m.alarm.kind == bus_pb2.TECHNICAL and m.alarm.transition == bus_pb2.RAISED
                             and m.alarm.device == "dev" and not m.alarm.condition.startswith("device_lost"))
    for p in OXIMETERS:
        _, a, _ = bus.wait_for(sensor_alarm(p), 25, f"{p}: a technical alarm when the sensor comes off")
        check(a.alarm.condition in ("sensor_off:dev", "no_sensor:dev"), f"{p}: condition {a.alarm.condition}")
    lost = [m.alarm.condition for m in bus.of_kind("alarm") if m.alarm.condition.startswith("device_lost")]
    check(not lost, f"no device was lost while sending: {lost}")
    stop(sim)
    stop(daemon)


main.logs = logs
run(main)
