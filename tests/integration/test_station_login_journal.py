"""The station's login events reach vigild's journal (issue 21: "logins
journalled"), through the command channel the station already uses, with a
real vigild and a real station over HTTPS with a login. The station starts
while its vigild is down: a failed login and a login wait in the station and
are journalled, in order, once vigild is up. vigild is stopped again, a
logout waits and is journalled after vigild's restart on the same journal.
A user added to users_file while the station runs is journalled as the file
read again. `vigil-ctl export --logins` lists each event once, with who,
where, from which address and when it happened at the station."""
import csv
import io
import json
import os
import sqlite3
import ssl
import subprocess
import time

from harness import (BUILD, VIGIL_STATION, VIGILD, check, free_port, https_request, make_certificates, run, start,
                     stop, workdir, write)

VIGIL_CTL = os.path.join(BUILD, "tools/ctl/vigil-ctl")
d = workdir()
pub, cmd, https = free_port(), free_port(), free_port()
journal = os.path.join(d, "journal.db")
logs = [os.path.join(d, "vigild-1.log"), os.path.join(d, "vigild-2.log"), os.path.join(d, "station.log")]
cert, key, users = (os.path.join(d, n) for n in ("server.pem", "server.key", "users"))

DAEMON = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
journal_path: "{journal}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{d}/no-such-port" }} }}
"""
STATION = f"""name: "station-L"
listen: "127.0.0.1:{https}"
daemon {{ name: "room-1" publish_endpoint: "tcp://127.0.0.1:{pub}" command_endpoint: "tcp://127.0.0.1:{cmd}" }}
tls {{ cert_file: "{cert}" key_file: "{key}" }}
users_file: "{users}"
sessions_file: "{os.path.join(d, "login-sessions")}"
"""


def journalled():
    """The station_login rows in vigild's journal: (kind, operator, actor, detail), in the order journalled."""
    if not os.path.exists(journal):
        return []
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=5)
    try:
        rows = db.execute("SELECT request, actor, result FROM commands WHERE command = 'station_login' AND ok = 1 "
                          "ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()
    out = []
    for request, actor, result in rows:
        e = json.loads(request)["station_login"]
        out.append((e["kind"], e.get("operator_name", ""), actor, e.get("detail", ""), result))
    return out


def wait_journalled(kind, who, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rows = journalled()
        if any(r[0] == kind and r[1] == who for r in rows):
            return rows
        time.sleep(0.1)
    raise AssertionError(f"no {kind} of {who!r} journalled within {seconds} s: {journalled()}")


def main():
    t0 = time.monotonic()
    make_certificates(d)  # ca.pem, and server.pem for 127.0.0.1 signed by it
    conf = write(os.path.join(d, "station.conf"), STATION)
    write(os.path.join(d, "vigild.conf"), DAEMON)
    r = subprocess.run([VIGIL_STATION, "--config", conf, "--add-user", "Nurse Audit"], input="correct horse\n",
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 0, f"--add-user: {r.stderr!r}")
    station = start([VIGIL_STATION, "--config", conf], logs[2])
    tls = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))

    def request(method, path, body=None, cookie=None):
        return https_request(https, tls, method, path, body, cookie, wait=10)

    # vigild is down: the events wait in the station.
    code, _, _ = request("POST", "/login", "name=Nurse+Audit&password=wrong+horse")
    check(code == 401, f"a wrong password: {code}")
    code, headers, _ = request("POST", "/login", "name=Nurse+Audit&password=correct+horse")
    check(code == 303, f"the login: {code} {headers}")
    cookie = headers["set-cookie"].split(";")[0]
    check(journalled() == [], "nothing journalled while vigild is down")

    vigild = start([VIGILD, "--config", os.path.join(d, "vigild.conf")], logs[0])
    t_up = time.monotonic()
    rows = wait_journalled("LOGIN", "Nurse Audit")
    print(f"2 login events kept while vigild was down journalled {time.monotonic() - t_up:.1f} s after its start")
    check([r[0] for r in rows] == ["LOGIN_FAILED", "LOGIN"], f"in the order they happened: {rows}")
    failed, login = rows
    check(failed[1] == "Nurse Audit" and failed[2] == "station-L" and failed[3] == "wrong password",
          f"a failed login names the name typed, is acted by the station, says why: {failed}")
    check(login[2] == "Nurse Audit" and login[4] == "login of Nurse Audit at station-L from 127.0.0.1 (password)",
          f"the login is the nurse's: {login}")

    # vigild down again: the logout waits for its restart on the same journal.
    check(stop(vigild) == 0, "vigild stops cleanly")
    code, _, _ = request("POST", "/logout", "", cookie=cookie)
    check(code == 303, f"logout: {code}")
    time.sleep(0.5)
    check(not any(r[0] == "LOGOUT" for r in journalled()), "the logout is not journalled while vigild is down")
    vigild = start([VIGILD, "--config", os.path.join(d, "vigild.conf")], logs[1])
    t_up = time.monotonic()
    wait_journalled("LOGOUT", "Nurse Audit", seconds=40)
    print(f"the logout kept while vigild was down journalled {time.monotonic() - t_up:.1f} s after its restart")

    # A user added while the station runs: users_file read again, journalled.
    r = subprocess.run([VIGIL_STATION, "--config", conf, "--add-user", "Nurse Two"], input="second horse\n",
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 0, f"--add-user Nurse Two: {r.stderr!r}")
    rows = wait_journalled("USERS_FILE_READ", "")
    reread = [r for r in rows if r[0] == "USERS_FILE_READ"][0]
    check(reread[2] == "station-L" and "added Nurse Two" in reread[3], f"users_file read again: {reread}")
    check(stop(vigild) == 0, "vigild stops cleanly")

    # vigil-ctl lists each event once (a logout sent again after a lost answer is journalled twice).
    r = subprocess.run([VIGIL_CTL, "export", "--logins", "--journal", journal], capture_output=True, text=True,
                       timeout=10)
    check(r.returncode == 0, f"vigil-ctl export --logins: {r.returncode} {r.stderr!r}")
    listed = list(csv.DictReader(io.StringIO(r.stdout)))
    check([(x["event"], x["operator"]) for x in listed] ==
          [("login_failed", "Nurse Audit"), ("login", "Nurse Audit"), ("logout", "Nurse Audit"), ("users_file_read", "")],
          f"vigil-ctl export --logins: {r.stdout!r}")
    check(all(x["station"] == "station-L" for x in listed) and listed[1]["address"] == "127.0.0.1"
          and listed[0]["detail"] == "wrong password" and listed[0]["time"] < listed[1]["journalled"],
          f"each with its station, address, why, and the station's time before vigild's: {listed}")
    check(stop(station) == 0, "the station stops cleanly")
    print(f"station login events journalled end to end, {time.monotonic() - t0:.1f} s")


main.logs = logs
run(main)
