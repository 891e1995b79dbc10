"""Bus security: binding to a network address without keys is refused; with
CURVE on, only allowed keys get in, each limited to its role (a viewer cannot
acknowledge, a nurse cannot admit), the record names the key, and a client
without a key, or with an unknown one, hears nothing at all. A nurse station
with its own key pair and vigild's public key in its config follows the bed
over CURVE."""
import os
import stat
import subprocess
import time

import zmq

from harness import BUILD, VIGIL_STATION, VIGILD, bus_pb2, check, free_port, run, start, stop, workdir, write

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
d = workdir()
pub, cmd = free_port(), free_port()
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "station.log")]


def ctl(*args, key=None):
    extra = ["--key", os.path.join(d, key + ".key"), "--server-key", os.path.join(d, "vigild.pub")] if key else []
    r = subprocess.run([VIGIL_CTL, "--endpoint", f"tcp://127.0.0.1:{cmd}", "--actor", "tester", "--station", "T",
                        "--timeout-ms", "1500", *extra, *args], capture_output=True, text=True, timeout=10)
    return r.returncode, r.stdout + r.stderr


def public(name):
    return open(os.path.join(d, name + ".pub")).read().split("public: ")[1].strip()


def main():
    for name in ["vigild", "viewer-1", "nurse-1", "admin-1", "intruder", "station-1"]:
        code, out = ctl("keygen", name, "--dir", d)
        check(code == 0 and "public key:" in out, out)
    check(stat.S_IMODE(os.stat(os.path.join(d, "nurse-1.key")).st_mode) == 0o600, "secret key file is 0600")
    check(stat.S_IMODE(os.stat(os.path.join(d, "nurse-1.pub")).st_mode) == 0o644, "public key file is 0644")
    code, out = ctl("keygen", "nurse-1", "--dir", d)
    check(code != 0 and "must not exist yet" in out, "keygen never overwrites a key")

    open_config = write(os.path.join(d, "open.conf"), f'publish_endpoint: "tcp://0.0.0.0:{pub}"\njournal_path: "{os.path.join(d, "journal.db")}"\n'
                        f'bed {{ id: "b" device {{ id: "x" protocol: "masimo" path: "{d}/none" }} }}\n')
    r = subprocess.run([VIGILD, "--check-config", open_config], capture_output=True, text=True)
    check(r.returncode != 0 and "reachable from the network" in r.stderr, f"network bind without keys: {r.stderr}")

    clients = "\n".join(f'  client {{ name: "{n}" public_key: "{public(n)}" role: {role} }}'
                        for n, role in [("viewer-1", "VIEWER"), ("nurse-1", "NURSE"), ("admin-1", "ADMIN"),
                                       ("station-1", "NURSE")])
    config = write(os.path.join(d, "vigil.conf"), f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
journal_path: "{os.path.join(d, "journal.db")}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
security {{
  server_key_file: "{d}/vigild.key"
{clients}
}}
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{d}/none" }} }}
""")
    daemon = start([VIGILD, "--config", config], logs[0])
    station_conf = write(os.path.join(d, "station.conf"), f"""name: "station-C"
key_file: "{d}/station-1.key"
daemon {{
  name: "room-1" publish_endpoint: "tcp://127.0.0.1:{pub}" command_endpoint: "tcp://127.0.0.1:{cmd}"
  server_key_file: "{d}/vigild.pub"
}}
""")
    station = start([VIGIL_STATION, "--config", station_conf, "--no-web"], logs[1])

    code, out = ctl("status", key="viewer-1")
    check(code == 0 and "bed-1" in out, f"a viewer may look: {out}")
    code, out = ctl("ack", "bed-1", key="viewer-1")
    check(code == 1 and "role: key 'viewer-1' has role viewer; acknowledge needs nurse" in out, out)
    code, out = ctl("ack", "bed-1", key="nurse-1")
    check(code == 0, f"a nurse may acknowledge: {out}")
    code, out = ctl("admit", "bed-1", "P-1", key="nurse-1")
    check(code == 1 and "admit needs admin" in out, out)
    code, out = ctl("admit", "bed-1", "P-1", key="admin-1")
    check(code == 0 and "admitted" in out and "[key admin-1]" in out, f"the record names the key: {out}")
    code, out = ctl("status", key="intruder")
    check(code == 3 and "no reply" in out, f"an unknown key hears nothing: {out}")
    code, out = ctl("status")
    check(code == 3 and "no reply" in out, f"a plain-text client hears nothing: {out}")

    # The bus: an allowed subscriber gets heartbeats, a plain one nothing.
    ctx = zmq.Context.instance()
    good = ctx.socket(zmq.SUB)
    good.curve_serverkey = public("vigild").encode()
    keys = open(os.path.join(d, "viewer-1.key")).read()
    good.curve_publickey = keys.split("public: ")[1].split()[0].encode()
    good.curve_secretkey = keys.split("secret: ")[1].split()[0].encode()
    good.setsockopt_string(zmq.SUBSCRIBE, "hb/")
    good.connect(f"tcp://127.0.0.1:{pub}")
    plain = ctx.socket(zmq.SUB)
    plain.setsockopt_string(zmq.SUBSCRIBE, "")
    plain.connect(f"tcp://127.0.0.1:{pub}")
    check(good.poll(4000), "an allowed viewer receives heartbeats")
    topic, body = good.recv_multipart()
    m = bus_pb2.BusMessage()
    m.ParseFromString(body)
    check(m.WhichOneof("body") == "heartbeat", "and they decode")
    check(not plain.poll(2000), "a plain-text subscriber receives nothing")

    # The station, connected over CURVE for a few seconds now, follows the bed.
    code, out = ctl("discharge", "bed-1", key="admin-1")
    check(code == 0, f"discharge: {out}")
    deadline = time.monotonic() + 5
    while "discharged from bed-1" not in open(logs[1]).read():
        check(time.monotonic() < deadline, "the station with its CURVE keys did not see the discharge")
        time.sleep(0.1)
    check("PUBLISHER LOST" not in open(logs[1]).read(), "the station's CURVE link was never lost")
    check(stop(station) == 0, "vigil-station stops cleanly")
    check(daemon.poll() is None, "vigild is still running")
    stop(daemon)
    log = open(logs[0]).read()
    check("refused an unknown client key" in log, "an unknown key is logged")
    check("command refused: role: key 'viewer-1'" in log, "a refused command is logged")


main.logs = logs
run(main)
