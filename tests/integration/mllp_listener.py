"""An MLLP listener for the HL7 tests, standing in for a hospital system: it
takes any number of connections, cuts what comes into frames and sends back
what the subclass's `answer` makes of each (None: no reply at all)."""
import socket
import threading


def ack(msa2, code="AA", number=1, event="R01", prefix="A"):
    """An HL7 ACK from the receiver: MSA-1 `code` about the message whose MSH-10 is `msa2`."""
    return f"MSH|^~\\&|RX|HOSP|VIGIL|CLINIC|20261205||ACK^{event}^ACK|{prefix}{number}|P|2.6\r" \
           f"MSA|{code}|{msa2}\r"


class MllpListener:
    running = True  # a connection stops answering once this turns False

    def __init__(self, port):
        self.sock = socket.create_server(("127.0.0.1", port))
        threading.Thread(target=self.serve, daemon=True).start()

    def answer(self, message):
        raise NotImplementedError

    def connected(self, conn):
        """The connection to talk on, or None to drop it (a TLS listener wraps it here)."""
        return conn

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.talk, args=(conn,), daemon=True).start()

    def talk(self, raw):
        conn = self.connected(raw)
        if conn is None:
            return
        buf = b""
        with conn:
            while self.running:
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                buf += data
                while b"\x1c\r" in buf:
                    frame, buf = buf.split(b"\x1c\r", 1)
                    reply = self.answer(frame.lstrip(b"\x0b").decode())
                    if reply is None:
                        continue
                    try:
                        conn.sendall(b"\x0b" + reply.encode() + b"\x1c\r")
                    except OSError:
                        return

    def close(self):
        self.sock.close()
