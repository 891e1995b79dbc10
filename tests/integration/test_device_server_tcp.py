"""Serial device servers: a monitor behind a serial-to-TCP adapter is reached
with tcp_connect, for protocols that only talk (Masimo, Nonin) and for those
that must be asked (IntelliVue, Datex, CMS50); vigild reconnects when the
adapter drops the connection."""
import os

from harness import (Bus, VIGIL_SIM, VIGILD, bus_pb2, check, command, free_port, heartbeat, protocols, run, start, stop,
                     workdir, write)

d = workdir()
pub, cmd = free_port(), free_port()
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "sim.log")]
# One protocol per family of those on a serial line (a device that connects
# by itself, like an HL7 gateway, needs no device server): the last row of
# each family, which for Nonin is format 8, its lightest stream.
PROTOCOLS = list({p["family"]: p["name"] for p in protocols() if p["transport"] == "serial"}.values())
ports = {p: free_port() for p in PROTOCOLS}

SCENARIO = """title: behind a device server, which reboots
duration: 0:40
patient: heart rate 66, spo2 96
at 0:12 unplug dev for 3 s
"""


def main():
    beds = "\n".join(f'bed {{ id: "tcp-{p}" device {{ id: "dev" protocol: "{p}" tcp_connect: "127.0.0.1:{ports[p]}" }} }}'
                     for p in PROTOCOLS)
    write(os.path.join(d, "vigil.conf"),
          f'publish_endpoint: "tcp://127.0.0.1:{pub}"\njournal_path: "{os.path.join(d, "journal.db")}"\ncommand_endpoint: "tcp://127.0.0.1:{cmd}"\n{beds}\n')
    write(os.path.join(d, "tcp.scn"), SCENARIO)
    sim = start([VIGIL_SIM, "--scenario", os.path.join(d, "tcp.scn")] +
                sum((["--device", f"bed=tcp-{p},id=dev,protocol={p},tcp-listen=127.0.0.1:{ports[p]}"]
                     for p in PROTOCOLS), []), logs[1])
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    bus.pump(0.5)
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    bus.pump(9)
    for p in PROTOCOLS:
        spo2 = {m.observation.value for m in bus.of_kind("observation", f"tcp-{p}") if m.observation.metric == "spo2"}
        check(spo2 == {96.0}, f"{p} over TCP: SpO2 {sorted(spo2)}")
    # The adapter drops every connection at 0:12 for 3 s; vigild notices and reconnects.
    for p in PROTOCOLS:
        bus.wait_for(lambda t, m, p=p: t.startswith(f"alarm/tcp-{p}/") and m.alarm.condition == "device_lost:dev"
                     and m.alarm.transition == bus_pb2.CLEARED, 25, f"{p}: back after the device server dropped")
    status = command(cmd, lambda r: r.status.SetInParent())
    for s in status.beds:
        check(s.devices[0].state == bus_pb2.UP, f"{s.bed}: {bus_pb2.LinkState.Name(s.devices[0].state)}")
    stop(sim)
    stop(daemon)


main.logs = logs
run(main)
