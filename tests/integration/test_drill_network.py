"""A ward drill that stations on other PCs join: vigil-drill run with its
bus and command channel on every interface (tcp://0.0.0.0, as the README's
quarterly-drill command) turns CURVE on with keys of its own in the key
folder, and a station that brought its own key pair (NAME.pub put in the
folder before the drill) subscribes with python3-zmq, not our client, using
vigild's public key from the folder: it receives the drill's readings,
marked as a drill, while a subscriber without CURVE receives nothing. With
--curve off vigild refuses the network endpoints, and vigil-drill says so
in vigild's own words."""
import os
import socket
import subprocess
import time

from harness import BUILD, bus_pb2, check, free_port, run, workdir, write, zmq

VIGIL_DRILL = os.path.join(BUILD, "drill/vigil-drill")
d = workdir()
keys = os.path.join(d, "keys")
logs = [os.path.join(d, "drill.log"), os.path.join(d, "work", "vigild.log")]

WARD = """title: Steady, joined from another PC
speed: 10
bed bed-1 runs steady-20s.scn
"""

SCENARIO = """title: Steady for 20 s
duration: 0:20
patient: heart rate 72, spo2 97, systolic 120, diastolic 80
device oximeter masimo
"""


def this_pc():
    """An address of this machine other PCs would use; 127.0.0.1 when it has none."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
        return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        s.close()


def refused_without_keys():
    pub, cmd = free_port(), free_port()
    p = subprocess.run([VIGIL_DRILL, "run", os.path.join(d, "net.ward"), "--curve", "off", "--out", d,
                        "--work", os.path.join(d, "work-off"), "--publish", f"tcp://0.0.0.0:{pub}",
                        "--command", f"tcp://0.0.0.0:{cmd}"], capture_output=True, text=True, timeout=30)
    check(p.returncode == 1, f"exit {p.returncode}: {p.stdout}{p.stderr}")
    conf = os.path.join(d, "work-off", "vigil.conf")
    said = (f"{conf}:3:1: publish_endpoint 'tcp://0.0.0.0:{pub}' is reachable from the network: configure "
            "'security' with CURVE keys (vigil-ctl keygen) or bind to 127.0.0.1")
    check(said in p.stderr, f"vigild's refusal, word for word, in: {p.stderr}")
    check("a vigild?" not in p.stderr, f"the refusal hidden: {p.stderr}")


def subscriber(endpoint, server_key=None):
    s = zmq.Context.instance().socket(zmq.SUB)
    if server_key:
        public, secret = zmq.curve_keypair()
        write(os.path.join(keys, "nurse-pc.pub"), f"# the station's own key\npublic: {public.decode()}\n")
        s.curve_serverkey = server_key
        s.curve_publickey, s.curve_secretkey = public, secret
    s.setsockopt(zmq.SUBSCRIBE, b"")
    s.connect(endpoint)
    return s


def main():
    write(os.path.join(d, "net.ward"), WARD)
    write(os.path.join(d, "steady-20s.scn"), SCENARIO)
    refused_without_keys()

    # The ward's key folder, with vigild's key made beforehand, as an admin would.
    os.makedirs(keys)
    server_public, server_secret = zmq.curve_keypair()
    write(os.path.join(keys, "vigild.key"),
          f"public: {server_public.decode()}\nsecret: {server_secret.decode()}\n")
    os.chmod(os.path.join(keys, "vigild.key"), 0o600)
    pub, cmd = free_port(), free_port()
    endpoint = f"tcp://{this_pc()}:{pub}"
    station = subscriber(endpoint, server_public)  # writes its nurse-pc.pub into the folder
    plain = subscriber(endpoint)
    with open(logs[0], "w") as log:
        drill = subprocess.Popen([VIGIL_DRILL, "run", os.path.join(d, "net.ward"), "--keys", keys, "--out", d,
                                  "--work", os.path.join(d, "work"), "--publish", f"tcp://0.0.0.0:{pub}",
                                  "--command", f"tcp://0.0.0.0:{cmd}"], stdout=log, stderr=subprocess.STDOUT)
        readings, plain_heard = [], 0
        deadline = time.monotonic() + 30
        while drill.poll() is None and time.monotonic() < deadline:
            for sock in zmq.select([station, plain], [], [], 0.2)[0]:
                topic, body = sock.recv_multipart()
                if sock is plain:
                    plain_heard += 1
                    continue
                m = bus_pb2.BusMessage()
                m.ParseFromString(body)
                if m.WhichOneof("body") == "observation":
                    readings.append(m.observation)
        drill.wait(timeout=10)
    with open(logs[0]) as f:
        said = f.read()
    check(drill.returncode == 0, f"the drill on the network did not go as scripted (exit {drill.returncode})")
    check(f"vigild's public key {keys}/vigild.pub ({server_public.decode()})" in said,
          f"vigil-drill names the key a station needs: {said}")
    check(len(readings) >= 10, f"the station on {endpoint} received {len(readings)} readings")
    check(all(o.drill and o.bed == "bed-1" for o in readings), "every reading is bed-1's and marked as a drill")
    check(plain_heard == 0, f"a subscriber without CURVE received {plain_heard} messages")
    with open(os.path.join(d, "work", "vigil.conf")) as f:
        conf = f.read()
    check('name: "nurse-pc"' in conf and "role: NURSE" in conf, f"the station's key let in: {conf}")
    for name in ("vigil-drill.key", "station.key", "vigild.pub"):
        check(os.path.exists(os.path.join(keys, name)), f"{name} made in the key folder")


main.logs = logs
run(main)
