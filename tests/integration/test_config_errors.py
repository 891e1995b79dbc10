"""A broken config is refused with file:line:column and a non-zero exit; a
good one passes --check-config."""
import os
import re
import shutil
import stat
import subprocess

from harness import BUILD, VIGIL_SIM, VIGILD, check, run, workdir, write

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
VIGIL_DRILL = os.path.join(BUILD, "drill/vigil-drill")

d = workdir()

CASES = {
    # name: (config text, expected line:column, words the message must hold)
    "syntax": ('bed {\n  id: "bed-1"\n  device { id: "ox" protocol: "masimo" path: "/dev/x" \n}\n', (5, 1), "end of file"),
    "unknown field": ('bed {\n  id: "bed-1"\n  colour: "red"\n}\n', (3, 9), "no field named \"colour\""),
    "unknown protocol": ('bed {\n  id: "bed-1"\n  device { id: "ox" protocol: "nellcor" path: "/dev/x" }\n}\n',
                         (3, 21), "unknown protocol 'nellcor' (known: masimo"),
    "bad bed id": ('bed {\n  id: "bed 1/a"\n  device { id: "ox" protocol: "masimo" path: "/dev/x" }\n}\n', (2, 3),
                   "bed id"),
    "no link": ('bed {\n  id: "b"\n  device { id: "ox" protocol: "masimo" }\n}\n', (3, 12), "needs one of path"),
    "bad port": ('bed {\n  id: "b"\n  device { id: "m" protocol: "hl7-mllp" tcp_listen: "127.0.0.1:99999" }\n}\n',
                 (3, 41), "port"),
    "duplicate bed": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                      'bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n', (2, 7), "used twice"),
    "no beds": ('publish_endpoint: "tcp://127.0.0.1:5560"\n', (1, 1), "no bed"),
    "unknown profile": ('bed { id: "b" profile: "propofol" device { id: "x" protocol: "masimo" path: "/p" } }\n',
                        (1, 15), "profile 'propofol' is not defined"),
    "bad override": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                     '  override { condition: "desat" priority: MEDIUM threshold: 88 } }\n', (2, 3),
                     "no condition 'desat'"),
    # The config's override names a metric as vigil-ctl limit --metric does, checked the same way.
    "override naming no metric": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                                  '  override { condition: "hypertension" priority: MEDIUM metric: "nibp_foo" threshold: 170 } }\n',
                                  (2, 3), "override: metric: 'nibp_foo' is not a metric (e.g. nibp_sys, nibp_dia)"),
    "override metric not in the level": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                                         '  override { condition: "hypertension" priority: MEDIUM metric: "spo2" threshold: 170 } }\n',
                                         (2, 3), "has no rule on 'spo2'"),
    "bad priority": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                     '  override { condition: "desaturation" priority: URGENT } }\n', (2, 57), "URGENT"),
    # Issue 15: no number, enum or contradiction may switch an alarm off.
    "NaN threshold": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                      '  override { condition: "desaturation" priority: HIGH threshold: nan } }\n', (2, 3),
                      "is not a number"),
    "undefined priority number": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                                  '  override { condition: "desaturation" priority: 77 threshold: 88 } }\n', (2, 3),
                                  "77 is not a priority"),
    "bradycardia above tachycardia": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                                      '  override { condition: "tachycardia" priority: MEDIUM threshold: 100 }\n'
                                      '  override { condition: "bradycardia" priority: MEDIUM threshold: 110 } }\n',
                                      (3, 3), "every value would alarm"),
    "hypotension above hypertension": ('profile { name: "p" based_on: "ketamine-iv-adult"\n'
                                       '  rule { condition: "hypotension" priority: MEDIUM metric: NIBP_SYS below: 190 } }\n'
                                       'default_profile: "p"\n'
                                       'bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n', (1, 1),
                                       "is at or above hypertension"),
    "high level under medium": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                                '  override { condition: "desaturation" priority: HIGH threshold: 92 } }\n', (2, 3),
                                "at or below its medium level"),
    "off without a reason": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                             '  override { condition: "desaturation" priority: HIGH enabled: false } }\n', (2, 3),
                             "needs a reason"),
    "desaturation delay too long": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" }\n'
                                    '  override { condition: "desaturation" priority: MEDIUM delay_s: 90 } }\n', (2, 3),
                                    "0-30 s"),
    "empty security block": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\nsecurity { }\n',
                             (2, 1), "security: server_key_file is required"),
    # Issue 20: admissions in over ADT.
    "ADT bed not configured": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                               'adt_listen { address: "127.0.0.1:2575" allow: ["127.0.0.1"]\n'
                               '  location { point_of_care: "ICU" room: "1" bed: "A" bed_id: "bed-9" } }\n', (3, 54),
                               "no bed 'bed-9' is configured"),
    "ADT allow not an address": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                                 'adt_listen { address: "127.0.0.1:2575" allow: ["nope"]\n'
                                 '  location { point_of_care: "ICU" room: "1" bed: "A" bed_id: "b" } }\n', (2, 40),
                                 "allow 'nope' is not an IP address"),
    "ADT plain TCP off loopback": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                                   'adt_listen { address: "10.1.2.3:2575" allow: ["10.0.0.5"]\n'
                                   '  location { point_of_care: "ICU" room: "1" bed: "A" bed_id: "b" } }\n', (2, 14),
                                   "not loopback"),
    "ADT idle timeout over an hour": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                                      'adt_listen { address: "127.0.0.1:2575" allow: ["127.0.0.1"]\n'
                                      '  idle_timeout_s: 7200\n'
                                      '  location { point_of_care: "ICU" room: "1" bed: "A" bed_id: "b" } }\n',
                                      (3, 3), "idle_timeout_s 7200: at most 3600"),
    # A TLS file that is not a regular file is refused at once, never read
    # (a FIFO would block the open, /dev/zero never end).
    "ADT TLS certificate is dev zero": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                                         'adt_listen { address: "127.0.0.1:2575" allow: ["127.0.0.1"]\n'
                                         '  tls { cert_file: "/dev/zero" key_file: "/dev/zero" }\n'
                                         '  location { point_of_care: "ICU" room: "1" bed: "A" bed_id: "b" } }\n',
                                         (3, 3), "tls.cert_file: cannot load /dev/zero: not a regular file"),
    "ADT TLS key is a FIFO": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                              'adt_listen { address: "127.0.0.1:2575" allow: ["127.0.0.1"]\n'
                              f'  tls {{ cert_file: "{d}/fifo.pem" key_file: "{d}/fifo.pem" }}\n'
                              '  location { point_of_care: "ICU" room: "1" bed: "A" bed_id: "b" } }\n',
                              (3, 3), "fifo.pem: not a regular file (a FIFO)"),
    "destination CA is a FIFO": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                                 'equipment_eui64: "0123456789ABCDEF"\n'
                                 'hl7_destination { name: "emr" address: "10.1.2.3:2575" alarms: true\n'
                                 f'  tls {{ ca_file: "{d}/fifo.pem" }} }}\n', (4, 3), "not a regular file (a FIFO)"),
    # The CURVE key file the same way.
    "CURVE key is a FIFO": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                            f'security {{ server_key_file: "{d}/fifo.pem" }}\n', (2, 12),
                            "fifo.pem: not a regular file (a FIFO)"),
    "CURVE key is dev zero": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                              'security { server_key_file: "/dev/zero" }\n', (2, 12),
                              "/dev/zero: not a regular file (a character device)"),
    # Issue 19: the infusion record's settings, refused at load as vigil-ctl record --config refuses them.
    "record setting out of range": ('profile { name: "esk" based_on: "ketamine-iv-adult"\n'
                                    '  record { spo2_min: 120 } }\n'
                                    'bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n', (1, 1),
                                    "profile 'esk': record.spo2_min: must be 0 to 100"),
    "record table cadence out of range": ('profile { name: "esk" based_on: "ketamine-iv-adult"\n'
                                          '  record { vitals_every_min_after: 0 } }\n'
                                          'bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n',
                                          (1, 1), "profile 'esk': record.vitals_every_min_after: must be 1 to 60"),
    "record retention too long": ('bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                                  'record_retention_years: 500\n', (2, 1), "record_retention_years 500"),
}

GOOD = ('bed {\n  id: "bed-1"\n  device { id: "ox" protocol: "masimo" path: "/dev/ttyUSB0" }\n'
        '  override { condition: "desaturation" priority: MEDIUM threshold: 88 }\n'
        '  override { condition: "bp_surge" priority: MEDIUM enabled: false reason: "chronic hypertension" }\n'
        '  override { condition: "hypertension" priority: MEDIUM metric: "nibp_dia" threshold: 105 }\n}\n')


def main():
    os.mkfifo(os.path.join(d, "fifo.pem"))
    for name, (text, where, words) in CASES.items():
        path = write(os.path.join(d, name.replace(" ", "_") + ".conf"), text)
        r = subprocess.run([VIGILD, "--check-config", path], capture_output=True, text=True, timeout=10)
        check(r.returncode != 0, f"{name}: exit code {r.returncode}")
        first = r.stderr.strip().splitlines()[0] if r.stderr.strip() else ""
        m = re.match(re.escape(path) + r":(\d+):(\d+): (.+)", first)
        check(m is not None, f"{name}: '{first}' is not file:line:column: message")
        if where:
            check((int(m.group(1)), int(m.group(2))) == where, f"{name}: at {m.group(1)}:{m.group(2)}, want {where}")
        check(words in m.group(3), f"{name}: message {m.group(3)!r} should mention {words!r}")
        check(": :" not in first, f"{name}: a doubled colon in {first!r}")
        # The daemon refuses to start with it, the same way.
        r2 = subprocess.run([VIGILD, "--config", path], capture_output=True, text=True, timeout=10)
        check(r2.returncode != 0 and first in r2.stderr, f"{name}: vigild --config did not refuse it the same way")

    good = write(os.path.join(d, "good.conf"), GOOD)
    r = subprocess.run([VIGILD, "--check-config", good], capture_output=True, text=True, timeout=10)
    check(r.returncode == 0, f"a good config was refused: {r.stderr}")
    missing = subprocess.run([VIGILD, "--check-config", os.path.join(d, "nope.conf")], capture_output=True, text=True)
    check(missing.returncode != 0 and "cannot read" in missing.stderr, "a missing file is a clear error")
    for path, kind in (("/dev/zero", "a character device"), (os.path.join(d, "fifo.pem"), "a FIFO")):
        r = subprocess.run([VIGILD, "--check-config", path], capture_output=True, text=True, timeout=10)
        check(r.returncode != 0 and f"not a regular file ({kind})" in r.stderr,
              f"a config that is {kind}: {r.stderr!r}")

    tools_refuse_what_would_hang_them(good)
    tls_without_its_module(good)


def tls_without_its_module(good):
    """OpenSSL is in a module of its own that vigild loads only for a config
    with TLS: a vigild whose module is missing still runs a config without
    TLS, and refuses one with TLS, saying which file is missing."""
    lone = os.path.join(d, "alone", "sbin", "vigild")
    os.makedirs(os.path.dirname(lone))
    shutil.copy2(VIGILD, lone)
    r = subprocess.run([lone, "--check-config", good], capture_output=True, text=True, timeout=10)
    check(r.returncode == 0, f"without the TLS module a config without TLS was refused: {r.stderr}")
    path = write(os.path.join(d, "tls-no-module.conf"),
                 'bed { id: "b" device { id: "x" protocol: "masimo" path: "/p" } }\n'
                 'equipment_eui64: "0123456789ABCDEF"\n'
                 'hl7_destination { name: "emr" address: "10.1.2.3:2575" alarms: true\n'
                 '  tls { server_name: "emr.hospital.example" } }\n')
    r = subprocess.run([lone, "--check-config", path], capture_output=True, text=True, timeout=10)
    first = r.stderr.strip().splitlines()[0] if r.stderr.strip() else ""
    check(r.returncode != 0 and first.startswith(f"{path}:4:3: hl7_destination emr: TLS is unavailable: ")
          and "vigil-tls.so: cannot open shared object file" in first and "reinstall the vigil package" in first,
          f"TLS without the module: exit {r.returncode}, {first!r}")


def tools_refuse_what_would_hang_them(good):
    """Every file a tool is told to read is a regular file within a bound:
    with the old readers a FIFO waited for a writer and /dev/zero never
    ended, so each of these hit the timeout. A file a tool is told to write
    (-o) must not be a FIFO or a device either: export's open waited for a
    reader, and record's rename put a regular file in the FIFO's place."""
    fifo = os.path.join(d, "fifo.pem")
    ward = write(os.path.join(d, "fifo-scenario.ward"), f"title: a FIFO for a scenario\nbed bed-1 runs {fifo}\n")
    device = f"bed=bed-1,id=ox,protocol=masimo,pty={d}/bed-1-ox"
    for path, kind in ((fifo, "a FIFO"), ("/dev/zero", "a character device")):
        for argv in ([VIGIL_CTL, "record", "1", "-o", os.path.join(d, "r.json"), "--config", path],
                     [VIGIL_CTL, "record", "verify", "--session", "1", "--config", path],
                     [VIGIL_CTL, "sessions", "--journal", path],
                     [VIGIL_CTL, "export", "--sessions", "--journal", path],
                     [VIGIL_CTL, "export", "--bed", "bed-1", "--journal", path],
                     [VIGIL_CTL, "record", "1", "--format", "json", "-o", path],
                     [VIGIL_CTL, "record", "verify", "--session", "1", "-o", path],
                     [VIGIL_CTL, "export", "--bed", "bed-1", "-o", path],
                     [VIGIL_SIM, "replay", path],
                     [VIGIL_SIM, "--scenario", path, "--device", device],
                     [VIGIL_DRILL, "check", path],
                     [VIGILD, "--config", good, "--capture", path]):
            if path == "/dev/zero" and argv[-1] == "--capture":
                continue  # appending to /dev/zero ends; only a FIFO waited for a reader
            what = " ".join(os.path.basename(a) if a.startswith(BUILD) else a for a in argv)
            try:
                r = subprocess.run(argv, capture_output=True, text=True, timeout=5)
            except subprocess.TimeoutExpired:
                check(False, f"{what}: still running after 5 s")
                continue
            check(r.returncode != 0 and f"{path}: not a regular file ({kind})" in r.stderr,
                  f"{what}: exit {r.returncode}, {r.stderr.strip()!r}")
    check(stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO given to -o is no longer a FIFO")
    r = subprocess.run([VIGIL_DRILL, "check", ward], capture_output=True, text=True, timeout=5)
    check(r.returncode != 0 and f"cannot read the scenario file {fifo}: not a regular file (a FIFO)" in r.stderr,
          f"a ward naming a FIFO for a scenario: {r.stderr.strip()!r}")


run(main)
