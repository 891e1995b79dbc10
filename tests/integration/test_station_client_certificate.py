"""Logging in to the station with a client certificate instead of a password
(issue 21), with certificates made here by openssl and presented by
python's ssl: the station's HTTPS asks for one when tls names a
client_ca_file. A certificate from that CA whose CN is a user's name logs
that user in (the cookie then opens the dashboard); one with another CN whose
SHA-256 fingerprint is listed in users_file logs its listed user in; one
from another CA, and an expired one from the right CA, log nobody in and the
login page says why; without a certificate the password login works as
before. Each is in the station's log."""
import os
import ssl
import subprocess
import time

from harness import VIGIL_STATION, check, free_port, https_request, make_certificates, run, start, stop, workdir, write

d = workdir()
https, pub, cmd = free_port(), free_port(), free_port()
logs = [os.path.join(d, "station.log")]
users = os.path.join(d, "users")


def openssl(*args):
    return subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True, text=True, timeout=20).stdout


def client_certificate(name, cn, ca="ca", days="1"):
    """name.pem/.key for CN `cn`, signed by `ca` (days -1: expired yesterday)."""
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", f"{name}.key",
            "-out", f"{name}.csr", "-subj", f"/CN={cn}")
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", days)


def main():
    t0 = time.monotonic()
    make_certificates(d)  # ca.pem, and server.pem for 127.0.0.1 signed by it
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "other-ca.key", "-out", "other-ca.pem", "-subj", "/CN=another clinic's CA", "-days", "1")
    client_certificate("nurse", "Nurse Cert")
    client_certificate("tablet", "ward tablet 7")
    client_certificate("expired", "Nurse Cert", days="-1")
    client_certificate("stranger", "Nurse Cert", ca="other-ca")
    conf = write(os.path.join(d, "station.conf"), f"""name: "station-C"
listen: "127.0.0.1:{https}"
daemon {{ name: "room-1" publish_endpoint: "tcp://127.0.0.1:{pub}" command_endpoint: "tcp://127.0.0.1:{cmd}" }}
tls {{ cert_file: "{d}/server.pem" key_file: "{d}/server.key" client_ca_file: "{d}/ca.pem" }}
users_file: "{users}"
sessions_file: "{d}/login-sessions"
""")
    r = subprocess.run([VIGIL_STATION, "--config", conf, "--add-user", "Nurse Cert"], input="correct horse\n",
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 0, f"--add-user: {r.stderr!r}")
    fingerprint = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", "tablet.pem").strip().split("=", 1)[1]
    with open(users, "a") as f:
        f.write(f"Nurse Cert:sha256:{fingerprint}\n")
    r = subprocess.run([VIGIL_STATION, "--config", conf, "--check-config"], capture_output=True, text=True, timeout=10)
    check(r.returncode == 0, f"--check-config with client_ca_file and a certificate line: {r.stdout!r} {r.stderr!r}")
    station = start([VIGIL_STATION, "--config", conf], logs[0])

    def get(certificate=None, cookie=None, method="GET", path="/", body=None):
        tls = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
        if certificate:
            tls.load_cert_chain(os.path.join(d, f"{certificate}.pem"), os.path.join(d, f"{certificate}.key"))
        return https_request(https, tls, method, path, body, cookie, wait=10)

    for certificate in ("nurse", "tablet"):
        code, headers, _ = get(certificate)
        check(code == 303 and headers["location"] == "/" and "__Host-vigil-session=" in headers.get("set-cookie", ""),
              f"the {certificate}'s certificate logs in without a password: {code} {headers}")
        cookie = headers["set-cookie"].split(";")[0]
        code, _, body = get(cookie=cookie)
        check(code == 200 and 'id="session"' in body, f"its cookie opens the dashboard: {code}")

    for certificate, why in (("stranger", "unable to verify the first certificate"),
                             ("expired", "certificate has expired")):
        code, headers, body = get(certificate)
        check(code == 401 and "set-cookie" not in headers and "Your certificate was not accepted" in body
              and why in body and 'action="/login"' in body,
              f"the {certificate} certificate logs nobody in and the login page says why: {code} {body[:400]!r}")

    code, headers, _ = get()
    check(code == 303 and headers["location"] == "/login.html", f"no certificate: the password login page: {code}")
    code, headers, _ = get(method="POST", path="/login", body="name=Nurse+Cert&password=correct+horse")
    check(code == 303 and "__Host-vigil-session=" in headers.get("set-cookie", ""),
          f"the password login remains: {code} {headers}")

    check(stop(station) == 0, "the station stops cleanly")
    with open(logs[0]) as f:
        log = f.read()
    for line in ("login: Nurse Cert from 127.0.0.1 (client certificate sha256:",
                 "certificate login REFUSED from 127.0.0.1: the certificate of 'Nurse Cert' is not accepted: "
                 "certificate has expired",
                 "login: Nurse Cert from 127.0.0.1\n"):
        check(line in log, f"the station's log says {line!r}: {log!r}")
    check(log.count("(client certificate sha256:") == 2, f"two certificate logins logged: {log!r}")
    print(f"client certificate login: 2 let in, 2 refused with the reason, password login kept, "
          f"{time.monotonic() - t0:.1f} s")


main.logs = logs
run(main)
