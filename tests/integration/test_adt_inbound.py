"""ADT in with a sender that is not ours: simple-hl7 (npm) sends HL7 ADT
over MLLP to vigild's ADT port. An A01 admits the patient to the bed the
config maps PV1-3 to (seen in the status and on the bus as from "ADT"), an
A08 updates their name and date of birth, an A02 moves them, an A40 merges
their id into another, an A03 discharges; an A03 while an infusion runs, an
unknown bed, a missing PID-3, an A08 or A40 of a patient vigil does not have
are refused with an ACK that says why, and nothing changes; a sender not on
the allow-list is disconnected. At most max_connections (3 here) are open at
once, and a connection that says nothing for idle_timeout_s (2 s here) is
closed, so silent senders cannot hold the port.

The port speaks TLS and requires a client certificate from the test's CA
(certificates made at test time): simple-hl7's messages go over Node's tls;
a client without a certificate and a plain-TCP sender get no ACK and change
nothing. The A03 refused under the infusion raises the low technical alarm
adt_discharge_refused on the bed, which stopping the infusion clears."""
import json
import os
import shutil
import socket
import sqlite3
import ssl
import subprocess
import time

from harness import (BUILD, Bus, Commands, SOURCE, VIGILD, alarm, bus_pb2, check, free_port, heartbeat,
                     make_certificates, run, start, stop, workdir, write)

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
d = workdir()
port, cmd_port, adt_port = free_port(), free_port(), free_port()
logs = [os.path.join(d, "vigild.log")]

CONFIG = f"""publish_endpoint: "tcp://127.0.0.1:{port}"
command_endpoint: "tcp://127.0.0.1:{cmd_port}"
journal_path: "{d}/journal.db"
bed {{
  id: "bed-1"
  device {{ id: "monitor" protocol: "hl7-mllp" tcp_listen: "127.0.0.1:{free_port()}" }}
}}
bed {{
  id: "bed-2"
  device {{ id: "monitor" protocol: "hl7-mllp" tcp_listen: "127.0.0.1:{free_port()}" }}
}}
adt_listen {{
  address: "127.0.0.1:{adt_port}"
  allow: ["127.0.0.1"]
  tls {{ cert_file: "{d}/server.pem" key_file: "{d}/server.key" client_ca_file: "{d}/ca.pem" }}
  idle_timeout_s: 2
  max_connections: 3
  location {{ point_of_care: "ICU" room: "1" bed: "A" bed_id: "bed-1" }}
  location {{ point_of_care: "ICU" room: "1" bed: "B" bed_id: "bed-2" }}
}}
"""


def send(node, messages):
    tls_files = {"ca": f"{d}/ca.pem", "cert": f"{d}/client.pem", "key": f"{d}/client.key"}
    sender = subprocess.run([node, os.path.join(SOURCE, "tests/integration/adt_send.js"), "127.0.0.1",
                             str(adt_port), json.dumps(messages), json.dumps(tls_files)],
                            capture_output=True, text=True, timeout=20)
    check(sender.returncode == 0, f"the ADT sender failed: {sender.stdout} {sender.stderr}")
    acks = [json.loads(line) for line in sender.stdout.splitlines() if line.startswith("{")]
    check(len(acks) == len(messages), f"expected {len(messages)} ACKs, got {acks}")
    for m, a in zip(messages, acks):
        check(a["acked"] == m["id"], f"MSA-2 {a['acked']} is not the MSH-10 sent, {m['id']}")
    return acks


def patients(commands):
    reply = commands("status")
    check(reply.ok, f"status: {reply.error}")
    return {b.bed: (b.patient_id, b.infusion_running) for b in reply.beds}


def main():
    node = shutil.which("node") or shutil.which("nodejs")
    check(node is not None, "node is not installed (scripts/setup installs Debian's nodejs)")
    make_certificates(d)
    write(os.path.join(d, "vigil.conf"), CONFIG)
    bus = Bus(f"tcp://127.0.0.1:{port}")
    daemon = start([VIGILD, "--config", os.path.join(d, "vigil.conf")], logs[0])
    bus.wait_for(heartbeat, 10, "a first heartbeat")
    commands = Commands(f"tcp://127.0.0.1:{cmd_port}")
    patients(commands)  # the command channel answers once vigild is live, and so does the ADT port

    acks = send(node, [
        {"id": "M1", "event": "A01", "pid3": "PAT-1", "pv1_3": "ICU^1^A"},
        {"id": "M2", "event": "A01", "pid3": "PAT-9", "pv1_3": "ICU^9^Z"},
        {"id": "M3", "event": "A01", "pid3": "", "pv1_3": "ICU^1^B"},
        {"id": "M4", "event": "A01", "pid3": "PAT-2", "pv1_3": "ICU^1^A"},
        {"id": "M5", "event": "A08", "pid3": "PAT-1", "pv1_3": "ICU^1^A"},
        {"id": "M5b", "event": "A08", "pid3": "PAT-404", "pv1_3": "ICU^1^B"},
    ])
    check(acks[0]["code"] == "AA", f"A01: {acks[0]}")
    check(acks[1]["code"] == "AE" and "'ICU' room '9' bed 'Z' is not a bed" in acks[1]["text"] and acks[1]["err"] == "103",
          f"unknown bed: {acks[1]}")
    check(acks[2]["code"] == "AE" and "PID-3" in acks[2]["text"] and acks[2]["err"] == "101",
          f"missing PID-3: {acks[2]}")
    check(acks[3]["code"] == "AE" and "occupied by patient PAT-1" in acks[3]["text"], f"occupied: {acks[3]}")
    check(acks[4]["code"] == "AA", f"A08: {acks[4]}")
    check(acks[5]["code"] == "AR" and acks[5]["err"] == "204"
          and "patient PAT-404 is in no bed of this vigil" in acks[5]["text"], f"A08 of an unknown patient: {acks[5]}")
    check(patients(commands) == {"bed-1": ("PAT-1", False), "bed-2": ("", False)}, "PAT-1 in bed-1 only")

    reply = commands("start_infusion", bed="bed-1", drug="ketamine", regimen="0.5 mg/kg over 40 min")
    check(reply.ok, f"start_infusion: {reply.error}")
    acks = send(node, [{"id": "M6", "event": "A03", "pid3": "PAT-1", "pv1_3": "ICU^1^A"}])
    check(acks[0]["code"] == "AE" and "an infusion runs on bed-1" in acks[0]["text"], f"A03 in infusion: {acks[0]}")
    check(patients(commands)["bed-1"] == ("PAT-1", True), "the A03 refused changed nothing")
    _, raised, _ = bus.wait_for(alarm("adt_discharge_refused", "RAISED"), 5, "the ADT refusal's technical alarm")
    check(raised.alarm.bed == "bed-1" and raised.alarm.priority == bus_pb2.LOW
          and raised.alarm.kind == bus_pb2.TECHNICAL and "ADT^A03 M6 from EPIC^HOSP (discharge of patient PAT-1)"
          in raised.alarm.message, f"a low technical alarm on bed-1 naming the message: {raised.alarm}")
    check(commands("stop_infusion", bed="bed-1").ok, "stop_infusion")
    bus.wait_for(alarm("adt_discharge_refused", "CLEARED"), 5, "the ADT refusal's alarm cleared by the stop")

    acks = send(node, [
        {"id": "M7", "event": "A02", "pid3": "PAT-1", "pv1_3": "ICU^1^B", "pv1_6": "ICU^1^A"},
        {"id": "M7b", "event": "A40", "pid3": "PAT-1M", "mrg1": "PAT-1"},
        {"id": "M7c", "event": "A40", "pid3": "PAT-2M", "mrg1": "PAT-2"},
    ])
    check([a["code"] for a in acks] == ["AA", "AA", "AR"], f"A02, A40, A40 of an unknown patient: {acks}")
    check(patients(commands)["bed-2"] == ("PAT-1M", False), "after A40 bed-2 holds PAT-1 as PAT-1M")
    with sqlite3.connect(f"file:{d}/journal.db?mode=ro", uri=True) as journal:
        merges = journal.execute("SELECT old_id, new_id, actor FROM patient_merges").fetchall()
    check(merges == [("PAT-1", "PAT-1M", "ADT")], f"the A40 journalled as a merge the record follows: {merges}")
    # vigil-ctl's list of sessions, read from the live journal, follows the merge too.
    r = subprocess.run([VIGIL_CTL, "export", "--sessions", "--bed", "bed-2", "--journal", f"{d}/journal.db"],
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 0 and "patient  PAT-1M (admitted as PAT-1)  " in r.stdout,
          f"export --sessions after the A40: {r.stdout!r} {r.stderr!r}")
    acks = send(node, [{"id": "M8", "event": "A03", "pid3": "PAT-1M", "pv1_3": "ICU^1^B"}])
    check([a["code"] for a in acks] == ["AA"], f"A03 under the merged id: {acks}")
    check(patients(commands) == {"bed-1": ("", False), "bed-2": ("", False)}, "both beds empty after A03")

    bus.pump(0.3)
    by_adt = [(m.context.bed, m.context.what) for m in bus.of_kind("context") if m.context.actor == "ADT"]
    check(by_adt == [("bed-1", "admitted"), ("bed-1", "limits_in_force"), ("bed-1", "patient_updated"),
                     ("bed-1", "discharged"), ("bed-2", "admitted"), ("bed-2", "limits_in_force"),
                     ("bed-2", "patient_updated"), ("bed-2", "discharged")],
          f"the changes on the bus as from ADT: {by_adt}")
    updates = [m.context.message for m in bus.of_kind("context") if m.context.what == "patient_updated"]
    check(updates == ["patient PAT-1 on bed-1 updated by ADT at HL7 ADT^A08 from EPIC^HOSP (MSH-10 M5): "
                      "name, date of birth",
                      "patient PAT-1 on bed-2 updated by ADT at HL7 ADT^A40 from EPIC^HOSP (MSH-10 M7b): "
                      "id PAT-1 -> PAT-1M, name, date of birth"], f"what A08 and A40 changed: {updates}")
    station = [m.context.station for m in bus.of_kind("context") if m.context.actor == "ADT"][0]
    check(station == "HL7 ADT^A01 from EPIC^HOSP (MSH-10 M1)", f"the sender in the record: {station}")

    # A sender not on the allow-list: the connection is closed before any ACK.
    s = socket.socket()
    s.settimeout(5)
    s.bind(("127.0.0.2", 0))
    s.connect(("127.0.0.1", adt_port))
    try:
        s.sendall(b"\x0bMSH|^~\\&|X|Y|VIGIL|ICU|2026||ADT^A01|Z1|P|2.5.1\rPID|1||PAT-5\rPV1|1|I|ICU^1^B\r\x1c\r")
        got = s.recv(4096)
    except ConnectionResetError:
        got = b""
    s.close()
    check(got == b"", f"a sender not allowed got an answer: {got!r}")
    check(patients(commands)["bed-2"] == ("", False), "nothing from a sender not allowed")
    with open(logs[0]) as f:
        check("ADT connection from 127.0.0.2 refused: not in adt_listen allow" in f.read(), "the refusal is logged")
    silent_senders()
    refused_without_certificate(commands)  # after silent_senders: their slots must be free again
    record_follows_identity()
    check(daemon.poll() is None, "vigild is still running")
    stop(daemon)


def record_follows_identity():
    """The infusion record of bed-1 (PAT-1, merged into PAT-1M on bed-2
    after its transfer) shows the id now, the id admitted under, and the A08
    made while on bed-1."""
    out = os.path.join(d, "bed-1.json")
    r = subprocess.run([VIGIL_CTL, "record", "--bed", "bed-1", "--last", "--format", "json", "-o", out, "--journal",
                        f"{d}/journal.db"], capture_output=True, text=True, timeout=20)
    check(r.returncode == 0, f"vigil-ctl record: {r.stderr}")
    with open(out) as f:
        rec = json.load(f)
    check((rec["patient_id"], rec.get("admitted_as")) == ("PAT-1M", "PAT-1"), f"the id now and at admission: {rec}")
    check([(c["by"], c["message"].split(": ")[-1]) for c in rec.get("identity_changes", [])]
          == [("ADT at HL7 ADT^A08 from EPIC^HOSP (MSH-10 M5)", "name, date of birth")],
          f"the A08 listed in the record: {rec.get('identity_changes')}")


def silent_senders():
    """Three connections that say nothing fill the port's slots: a fourth is
    closed at once; the three are closed after the idle timeout, not before."""
    opened = time.monotonic()
    silent = [socket.create_connection(("127.0.0.1", adt_port), timeout=6) for _ in range(3)]
    with socket.create_connection(("127.0.0.1", adt_port), timeout=6) as fourth:
        try:
            check(fourth.recv(64) == b"", "a fourth connection was closed at once")
        except ConnectionResetError:
            pass
    check(time.monotonic() - opened < 1.5, "the fourth connection was refused before any idle timeout")
    for s in silent:
        try:
            check(s.recv(64) == b"", "a silent connection is closed, unanswered")
        except ConnectionResetError:
            pass
        s.close()
    waited = time.monotonic() - opened
    check(1.8 <= waited < 6, f"the silent connections were closed after {waited:.1f} s, want the 2 s idle timeout")
    with open(logs[0]) as f:
        log = f.read()
    check("ADT connection from 127.0.0.1 refused: 3 connections are open, adt_listen max_connections" in log,
          "the refusal at the bound is logged")
    check(log.count("closed: nothing received for 2 s (adt_listen idle_timeout_s)") == 3,
          "each idle connection's closing is logged")


def refused_without_certificate(commands):
    """TLS without a client certificate, and plain MLLP, get no ACK; nothing changes."""
    a01 = b"\x0bMSH|^~\\&|X|Y|VIGIL|ICU|2026||ADT^A01|Z2|P|2.5.1\rPID|1||PAT-6\rPV1|1|I|ICU^1^B\r\x1c\r"
    ctx = ssl.create_default_context(cafile=f"{d}/ca.pem")
    got = b""
    try:
        with ctx.wrap_socket(socket.create_connection(("127.0.0.1", adt_port), timeout=5),
                             server_hostname="localhost") as s:
            s.sendall(a01)
            got = s.recv(4096)
    except (ssl.SSLError, ConnectionResetError):
        pass
    check(got == b"", f"a TLS sender without a certificate got an answer: {got!r}")
    with socket.create_connection(("127.0.0.1", adt_port), timeout=5) as s:
        s.sendall(a01)
        try:
            got = s.recv(4096)
        except ConnectionResetError:
            got = b""
    check(not got.startswith(b"\x0b"), f"a plain-TCP sender got an ACK: {got!r}")
    check(patients(commands)["bed-2"] == ("", False), "nothing from a sender without a certificate")
    with open(logs[0]) as f:
        log = f.read()
    check(log.count("closed: TLS handshake failed") >= 2, "both refusals are logged")


main.logs = logs
run(main)
