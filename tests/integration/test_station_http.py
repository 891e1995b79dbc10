"""The station's HTTP side refuses what it does not serve and stays up under
abuse, checked with raw sockets (no HTTP library smoothing anything over):
unknown paths 404, other methods 405, bodies 413, huge headers 431, bytes
that are not HTTP, WebSocket handshakes from another origin (403) or to
another path (404); on /ws, malformed frames (unmasked, reserved opcode,
absurd length, invalid UTF-8, oversized message) close that connection
only, and bad JSON gets an answer; 300 connections at once (more than the
limit) leave an open page served and the server answering afterwards.
Without HTTPS and a login it refuses a network address, from the config or
from --listen, and says why. With them (a certificate made here, a user
added by --add-user), a second station on the same vigild listens on the
network over HTTPS only: no page without a login, a wrong password refused
and logged, the session cookie Secure/HttpOnly/SameSite=Strict, and an
acknowledgement and an intervention sent under another typed name recorded
under the logged-in user (an unknown kind refused by vigild, the refusal
shown); a restart of that station keeps the login (the cookie opens the
dashboard and its WebSocket, the sessions file is 0600 and holds no token);
the users file changed while it runs (a user added, the logged-in one
removed) closes her open page with the reason, her cookie opens nothing and
the new user logs in, even while the file is emptied by mistake; after logging out the cookie opens nothing."""
import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import subprocess
import time

from harness import (VIGIL_STATION, VIGILD, Bus, Commands, bus_pb2, check, free_port, https_request, run, start,
                     stop, workdir, write)

d = workdir()
pub, cmd, http, https = free_port(), free_port(), free_port(), free_port()
logs = [os.path.join(d, "vigild.log"), os.path.join(d, "station.log"), os.path.join(d, "station-login.log"),
        os.path.join(d, "station-login-restarted.log")]

DAEMON = f"""publish_endpoint: "tcp://127.0.0.1:{pub}"
journal_path: "{os.path.join(d, "journal.db")}"
command_endpoint: "tcp://127.0.0.1:{cmd}"
bed {{ id: "bed-1" device {{ id: "ox" protocol: "masimo" path: "{d}/no-such-port" }} }}
"""
STATION = f"""name: "station-H"
listen: "127.0.0.1:{http}"
daemon {{ name: "room-1" publish_endpoint: "tcp://127.0.0.1:{pub}" command_endpoint: "tcp://127.0.0.1:{cmd}" }}
"""


def connect():
    s = socket.create_connection(("127.0.0.1", http), timeout=5)
    return s


def exchange(raw, read_all=True):
    """Sends raw bytes, returns (status code or None, headers dict, body) of the answer."""
    s = connect()
    s.sendall(raw)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if not read_all and b"\r\n\r\n" in data:
                break
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    if not data.startswith(b"HTTP/1.1 "):
        return None, {}, data
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def get(path, method="GET", extra=""):
    return exchange(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{http}\r\nConnection: close\r\n{extra}\r\n".encode())


def alive():
    code, _, body = get("/")
    check(code == 200 and b"vigil" in body, f"the station no longer serves its page: {code}")


class Page:
    """A WebSocket client written out by hand, so it can also send what a browser never would."""

    def __init__(self, origin=None, path="/ws", sock=None, port=None, cookie=None):
        self.sock = sock or connect()
        key = base64.b64encode(os.urandom(16)).decode()
        origin_line = f"Origin: {origin}\r\n" if origin else ""
        cookie_line = f"Cookie: {cookie}\r\n" if cookie else ""
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port or http}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"{origin_line}{cookie_line}\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                break
            head += chunk
        self.status = int(head.split()[1]) if head.startswith(b"HTTP/1.1") else None
        if self.status == 101:
            accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode())
                                      .digest()).decode()
            check(accept.encode() in head, "the handshake answer does not match the key")
        self.buffer = b""
        self.close_payload = None  # the close frame's code and reason, once the server closed

    def frame(self, payload, opcode=1, masked=True, fin=True, length=None):
        n = len(payload) if length is None else length
        head = bytes([(0x80 if fin else 0) | opcode])
        mask_bit = 0x80 if masked else 0
        if n < 126:
            head += bytes([mask_bit | n])
        elif n < 65536:
            head += bytes([mask_bit | 126]) + struct.pack(">H", n)
        else:
            head += bytes([mask_bit | 127]) + struct.pack(">Q", n)
        if masked:
            mask = os.urandom(4)
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            head += mask
        return head + payload

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send_text(self, text):
        self.send_raw(self.frame(text.encode()))

    def recv(self, timeout=3):
        """The next message's text, or None when the server closed the connection;
        raises TimeoutError when neither happened in time."""
        self.sock.settimeout(timeout)
        while True:
            if len(self.buffer) >= 2:
                b1, b2 = self.buffer[0], self.buffer[1]
                n, off = b2 & 0x7F, 2
                if n == 126:
                    n, off = struct.unpack(">H", self.buffer[2:4])[0], 4
                elif n == 127:
                    n, off = struct.unpack(">Q", self.buffer[2:10])[0], 10
                if len(self.buffer) >= off + n:
                    payload, self.buffer = self.buffer[off:off + n], self.buffer[off + n:]
                    opcode = b1 & 0x0F
                    if opcode == 8:
                        self.close_payload = payload
                        return None
                    if opcode == 1:
                        return payload.decode()
                    continue  # pings and the like
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return None
            except socket.timeout:
                raise TimeoutError(f"no message and no close within {timeout} s")
            if not chunk:
                return None
            self.buffer += chunk

    def closed_after(self, data):
        """Sends `data` and reads until the server closes; True when it did within 3 s."""
        self.send_raw(data)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                if self.recv(timeout=1) is None:
                    return True
            except TimeoutError:
                pass
        return False


def main():
    write(os.path.join(d, "vigild.conf"), DAEMON)
    write(os.path.join(d, "station.conf"), STATION)
    open_conf = write(os.path.join(d, "open.conf"), STATION.replace("127.0.0.1:", "0.0.0.0:", 1))
    for args in ([os.path.join(d, "station.conf"), "--listen", f"10.0.3.5:{http}"], [open_conf, "--check-config"]):
        r = subprocess.run([VIGIL_STATION, "--config", *args], capture_output=True, text=True, timeout=10)
        check(r.returncode == 1 and "reachable from the network" in r.stderr and "login" in r.stderr,
              f"vigil-station --config {' '.join(args)}: exit {r.returncode}, {r.stderr!r}")
    start([VIGILD, "--config", os.path.join(d, "vigild.conf")], logs[0])
    station = start([VIGIL_STATION, "--config", os.path.join(d, "station.conf")], logs[1])
    deadline = time.monotonic() + 10
    while True:
        try:
            alive()
            break
        except (ConnectionRefusedError, AssertionError):
            check(time.monotonic() < deadline, "the station did not start serving")
            time.sleep(0.1)

    # What it serves, and what it refuses.
    code, headers, body = get("/")
    check(code == 200 and headers["content-type"].startswith("text/html"), f"GET / {code} {headers}")
    check("default-src 'self'" in headers.get("content-security-policy", ""), "the page may load only its own files")
    for path, kind in (("/app.js", "text/javascript"), ("/style.css", "text/css"), ("/favicon.svg", "image/svg")):
        code, headers, _ = get(path)
        check(code == 200 and headers["content-type"].startswith(kind), f"GET {path}: {code} {headers}")
    code, headers, body = get("/", method="HEAD")
    check(code == 200 and body == b"" and int(headers["content-length"]) > 100, f"HEAD / {code} {headers} {body[:20]}")
    for path in ("/nope", "/../../etc/passwd", "/index.html/", "/%2e%2e/etc/passwd", "//app.js"):
        code, _, _ = get(path)
        check(code == 404, f"GET {path} answered {code}")
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        code, headers, _ = get("/", method=method, extra="Content-Length: 0\r\n")
        check(code == 405 and headers.get("allow") == "GET, HEAD", f"{method} / answered {code} {headers}")
    code, _, _ = get("/", method="POST", extra="Content-Length: 10000\r\n\r\n" + "x" * 10000)
    check(code == 413, f"a 10 kB body answered {code}")
    code, _, _ = get("/", extra="X-Big: " + "y" * 20000 + "\r\n")
    check(code == 431, f"a 20 kB header answered {code}")
    code, _, _ = exchange(os.urandom(2000))
    check(code is None, "bytes that are not HTTP get no answer")
    alive()

    # WebSocket handshakes: only this station's own page, only at /ws.
    check(Page(origin="http://evil.example").status == 403, "a page from another origin may not connect")
    check(Page(path="/other").status == 404, "a WebSocket elsewhere than /ws is refused")
    page = Page(origin=f"http://127.0.0.1:{http}")
    check(page.status == 101, f"handshake {page.status}")
    first = json.loads(page.recv())
    check(first["ward"]["station"] == "station-H", f"the first message is the ward: {str(first)[:200]}")

    # Bad requests get an answer; the connection stays.
    page.send_text("{not json")
    while (m := page.recv()) is not None and "reply" not in json.loads(m):
        pass
    check(m is not None and json.loads(m)["reply"]["ok"] is False, "bad JSON is answered")
    page.send_text(json.dumps({"operatorName": "", "acknowledge": {"bed": "bed-1"}}))
    while (m := page.recv()) is not None and "reply" not in json.loads(m):
        pass
    check(m is not None and "enter your name" in json.loads(m)["reply"]["message"], f"nameless ack answered {m}")
    page.send_raw(page.frame(b"\x00\x01binary", opcode=2))
    while (m := page.recv()) is not None and "reply" not in json.loads(m):
        pass
    check(m is not None and "not binary" in m, "a binary message is answered")

    # Malformed frames close that connection only.
    cases = {
        "an unmasked client frame": lambda p: p.frame(b"hello", masked=False),
        "a reserved opcode": lambda p: p.frame(b"x", opcode=3),
        "a length of 2^62": lambda p: p.frame(b"", length=1 << 62),
        "invalid UTF-8 in a text frame": lambda p: p.frame(b"\xff\xfe\xfd"),
        "a message over the size limit": lambda p: p.frame(b"a" * 70000),
        "a fragmented control frame": lambda p: p.frame(b"", opcode=9, fin=False),
    }
    for what, make in cases.items():
        bad = Page(origin=f"http://127.0.0.1:{http}")
        check(bad.status == 101, f"handshake before {what}")
        check(bad.closed_after(make(bad)), f"the station kept a connection that sent {what}")
        alive()
    check(page.recv() is not None, "the good page is still served after the bad ones")

    # Many connections: past the limit, half of them stalled mid-request.
    flood = []
    for i in range(300):
        try:
            s = connect()
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" if i % 2 else b"")
            flood.append(s)
        except OSError:
            pass
    got = [page.recv(timeout=3) for _ in range(2)]
    check(all(g is not None for g in got), "the open page was starved by the flood")
    for s in flood:
        s.close()
    time.sleep(0.3)
    for _ in range(50):
        alive()
    check(station.poll() is None, "vigil-station is still running")
    check(stop(station) == 0, "vigil-station stops cleanly on SIGTERM")
    check_login()


def check_login():
    """HTTPS and a login on a network address, against the same vigild."""
    t0 = time.monotonic()
    cert, key, users = (os.path.join(d, n) for n in ("station.pem", "station.key", "users"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=10)
    conf = write(os.path.join(d, "login.conf"), STATION.replace(f"127.0.0.1:{http}", f"0.0.0.0:{https}", 1) +
                 f'tls {{ cert_file: "{cert}" key_file: "{key}" }}\nusers_file: "{users}"\n'
                 f'sessions_file: "{os.path.join(d, "login-sessions")}"\n')
    r = subprocess.run([VIGIL_STATION, "--config", conf, "--check-config"], capture_output=True, text=True, timeout=10)
    check(r.returncode == 1 and "cannot be read" in r.stderr, f"a login without a users file: {r.stderr!r}")
    r = subprocess.run([VIGIL_STATION, "--config", conf, "--add-user", "Nurse Login"], input="correct horse\n",
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 0 and "added Nurse Login" in r.stdout, f"--add-user: {r.returncode} {r.stdout!r} {r.stderr!r}")
    bus = Bus(f"tcp://127.0.0.1:{pub}")
    station = start([VIGIL_STATION, "--config", conf], logs[2])
    tls = ssl.create_default_context(cafile=cert)

    def tls_socket():
        return tls.wrap_socket(socket.create_connection(("127.0.0.1", https), timeout=5), server_hostname="127.0.0.1")

    def request(method, path, body=None, cookie=None):
        return https_request(https, tls, method, path, body, cookie)

    def first_answer(cookie=None):
        deadline = time.monotonic() + 10
        while True:
            try:
                return request("GET", "/", cookie=cookie)
            except (ConnectionRefusedError, ssl.SSLError, OSError):
                check(time.monotonic() < deadline, "the HTTPS station did not start serving")
                time.sleep(0.1)

    code, headers, _ = first_answer()
    check(code == 303 and headers["location"] == "/login.html", f"GET / without a login: {code} {headers}")
    code, _, body = request("GET", "/login.html")
    check(code == 200 and 'action="/login"' in body, f"the login page: {code}")
    plain = socket.create_connection(("127.0.0.1", https), timeout=5)
    plain.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        answer = plain.recv(100)
    except (ConnectionResetError, socket.timeout):
        answer = b""
    plain.close()
    check(not answer.startswith(b"HTTP/1.1 200"), f"plain HTTP on the HTTPS port got {answer!r}")
    check(Page(origin=f"https://127.0.0.1:{https}", sock=tls_socket(), port=https).status == 401,
          "a WebSocket without a login is refused")

    code, _, body = request("POST", "/login", "name=Nurse+Login&password=wrong+horse")
    check(code == 401 and "Wrong name or password" in body, f"a wrong password: {code} {body[:200]!r}")
    code, headers, _ = request("POST", "/login", "name=Nurse+Login&password=correct+horse")
    cookie_line = headers.get("set-cookie", "")
    check(code == 303 and headers["location"] == "/" and all(
        a in cookie_line for a in ("__Host-vigil-session=", "Secure", "HttpOnly", "SameSite=Strict", "Max-Age=43200")),
        f"the login: {code} {headers}")
    cookie = cookie_line.split(";")[0]
    code, _, body = request("GET", "/", cookie=cookie)
    check(code == 200 and 'id="session"' in body, f"the dashboard after the login: {code}")

    page = Page(origin=f"https://127.0.0.1:{https}", sock=tls_socket(), port=https, cookie=cookie)
    check(page.status == 101, f"the logged-in page's WebSocket: {page.status}")
    session = json.loads(page.recv())["session"]
    check(session["loginRequired"] and session["user"] == "Nurse Login", f"the page is told who it is: {session}")
    alarm_id = None
    while alarm_id is None:
        m = json.loads(page.recv(timeout=5))
        for a in m.get("ward", {}).get("alarms", []):
            if a["alarm"]["condition"] == "device_lost:ox":
                alarm_id = a["alarm"]["alarmId"]
    page.send_text(json.dumps({"requestId": "r1", "daemon": "room-1", "operatorName": "Someone Else",
                               "acknowledge": {"bed": "bed-1", "alarmId": alarm_id}}))
    while "reply" not in (m := json.loads(page.recv(timeout=5))):
        pass
    check(m["reply"]["ok"], f"the acknowledgement: {m['reply']}")
    _, acked, _ = bus.wait_for(lambda t, m: m.WhichOneof("body") == "alarm" and m.alarm.alarm_id == alarm_id
                               and m.alarm.transition == bus_pb2.ACKNOWLEDGED, 5, "ACKNOWLEDGED on the bus")
    check("Nurse Login" in acked.alarm.actor and "Someone Else" not in acked.alarm.actor,
          f"acknowledged by {acked.alarm.actor!r}: the logged-in user, not the typed name")

    # A staff entry from the page: forwarded as vigild's command under the
    # logged-in name, and vigild's refusal of an unknown kind shown word for word.
    check(Commands(f"tcp://127.0.0.1:{cmd}")("admit", bed="bed-1", patient_id="PAT-19").ok, "admit")

    def entry(kind):
        page.send_text(json.dumps({"requestId": f"entry-{kind}", "daemon": "room-1", "operatorName": "Someone Else",
                                   "intervention": {"bed": "bed-1", "kind": kind, "text": "nasal cannula 2 L/min"}}))
        while "reply" not in (m := json.loads(page.recv(timeout=5))):
            pass
        return m["reply"]

    refused = entry("nitrous")
    check(not refused["ok"] and "unknown kind 'nitrous'" in refused["message"], f"an unknown kind: {refused}")
    done = entry("oxygen")
    check(done["ok"], f"the intervention: {done}")
    _, noted, _ = bus.wait_for(lambda t, m: m.WhichOneof("body") == "context" and m.context.what == "intervention",
                               5, "the intervention on the bus")
    check(noted.context.new_value == "oxygen: nasal cannula 2 L/min" and "Nurse Login" in noted.context.actor
          and noted.context.station == "station-H", f"the intervention on the bus: {noted.context}")

    # A restart of the station (an upgrade, a crash) logs nobody out: the
    # page's cookie opens the dashboard and its WebSocket without a login.
    t_restart = time.monotonic()
    check(stop(station) == 0, "the HTTPS station stops cleanly on SIGTERM before its restart")
    check(oct(os.stat(os.path.join(d, "login-sessions")).st_mode & 0o777) == "0o600"
          and cookie.split("=", 1)[1].encode() not in open(os.path.join(d, "login-sessions"), "rb").read(),
          "the sessions file is mode 0600 and holds no token")
    station = start([VIGIL_STATION, "--config", conf], logs[3])
    code, headers, body = first_answer(cookie)
    check(code == 200 and 'id="session"' in body, f"the dashboard after the station's restart, no login: {code} {headers}")
    page = Page(origin=f"https://127.0.0.1:{https}", sock=tls_socket(), port=https, cookie=cookie)
    check(page.status == 101, f"the page's WebSocket after the station's restart: {page.status}")
    session = json.loads(page.recv())["session"]
    check(session["user"] == "Nurse Login", f"the page is still the logged-in user's after the restart: {session}")
    with open(logs[3]) as f:
        restored = f.read()
    check("login sessions: 1 kept from " in restored, f"the restarted station says what it kept: {restored!r}")
    print(f"station restart with a login open: the page kept its session, {time.monotonic() - t_restart:.1f} s")

    # users_file changed while the station runs: Nurse Two added (--add-user), Nurse Login removed by hand.
    # Within about two seconds Nurse Login's open page is closed with the reason, her cookie opens nothing,
    # and Nurse Two logs in.
    t_users = time.monotonic()
    r = subprocess.run([VIGIL_STATION, "--config", conf, "--add-user", "Nurse Two"], input="second horse\n",
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 0, f"--add-user Nurse Two: {r.stderr!r}")
    with open(users) as f:
        kept = [line for line in f.read().splitlines() if not line.startswith("Nurse Login:")]
    write(users, "\n".join(kept) + "\n")
    deadline = time.monotonic() + 6
    while page.recv(timeout=6) is not None:
        check(time.monotonic() < deadline, "Nurse Login's page was not closed within 6 s of her removal")
    closed = page.close_payload or b""
    check(closed[:2] == struct.pack(">H", 4001) and closed[2:] == b"your account was changed; log in again",
          f"the page closed with code 4001 and the reason it shows: {closed!r}")
    print(f"users_file changed: the removed user's page closed {time.monotonic() - t_users:.1f} s after --add-user")
    code, headers, _ = request("GET", "/", cookie=cookie)
    check(code == 303 and headers["location"] == "/login.html", f"the removed user's cookie: {code} {headers}")
    code, headers, _ = request("POST", "/login", "name=Nurse+Two&password=second+horse")
    check(code == 303, f"Nurse Two, added while the station runs, logs in: {code} {headers}")
    cookie = headers.get("set-cookie", "").split(";")[0]
    # Emptied by mistake: a login is still checked against the users read before (nobody locked out).
    with open(users) as f:
        listed = f.read()
    write(users, "# emptied by mistake\n")
    code, _, _ = request("POST", "/login", "name=Nurse+Two&password=second+horse")
    write(users, listed)
    check(code == 303, f"a login while users_file lists nobody, against the users read before: {code}")
    with open(logs[3]) as f:
        log = f.read()
    # One reload, or two when a poll fell between --add-user and the edit.
    check(f"users_file {users} read again: " in log and "added Nurse Two" in log and "removed Nurse Login" in log and
          "login session of Nurse Login ENDED: no longer in users_file" in log,
          f"the station logs the new users file and the session it ended: {log!r}")

    code, headers, _ = request("POST", "/logout", "", cookie=cookie)
    check(code == 303 and "Max-Age=0" in headers.get("set-cookie", ""), f"logout: {code} {headers}")
    check(Page(origin=f"https://127.0.0.1:{https}", sock=tls_socket(), port=https, cookie=cookie).status == 401,
          "the cookie of a logged-out session opens nothing")
    log = ""
    for path in logs[2:4]:
        with open(path) as f:
            log += f.read()
    for line in ("login FAILED for 'Nurse Login' from 127.0.0.1: wrong password", "login: Nurse Login from 127.0.0.1",
                 "by Nurse Login at station-H", "intervention oxygen by Nurse Login",
                 "REFUSED: ", "unknown kind 'nitrous'", "logout: Nurse Two from 127.0.0.1"):
        check(line in log, f"the station's log says {line!r}")
    check(stop(station) == 0, "the HTTPS station stops cleanly on SIGTERM")
    print(f"HTTPS and login: wrong password refused, ack recorded as {acked.alarm.actor!r}, "
          f"{time.monotonic() - t0:.1f} s")


main.logs = logs
run(main)
