"""Reference side of `npm run bench`: fail2ban's own Python socket client and CPython's pickle.

Run with /usr/bin/python3 (it must import fail2ban). Each mode prints one JSON line of
per-iteration times in milliseconds, measured inside this process (start-up excluded).
"""
import json
import pickle
import socket
import sys
import time

from fail2ban.client.csocket import CSocket
from fail2ban.protocol import CSPROTO


def ms(t0):
    return (time.perf_counter() - t0) * 1000


def main():
    mode = sys.argv[1]
    if mode == "ping":  # SOCK N: one connection reused, as our client does
        sock, n = sys.argv[2], int(sys.argv[3])
        c = CSocket(sock)
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            assert c.send(["ping"]) == (0, "pong")
            out.append(ms(t0))
        c.close()
    elif mode == "fetch":  # SOCK JAIL N: get JAIL banip --with-time, fetch + unpickle
        sock, jail, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        c = CSocket(sock)
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            r = c.send(["get", jail, "banip", "--with-time"])
            out.append(ms(t0))
            assert r[0] == 0
        c.close()
    elif mode == "dump":  # SOCK JAIL FILE: raw reply bytes (end marker stripped)
        sock, jail, path = sys.argv[2], sys.argv[3], sys.argv[4]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
        s.sendall(pickle.dumps(["get", jail, "banip", "--with-time"], 4) + CSPROTO.END)
        chunks = []
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            if b"".join(chunks[-2:]).endswith(CSPROTO.END):
                break
        s.sendall(CSPROTO.CLOSE + CSPROTO.END)
        s.close()
        data = b"".join(chunks)[: -len(CSPROTO.END)]
        with open(path, "wb") as f:
            f.write(data)
        out = [len(data)]
    elif mode == "loads":  # FILE N: pickle.loads on the same bytes
        path, n = sys.argv[2], int(sys.argv[3])
        data = open(path, "rb").read()
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            pickle.loads(data)
            out.append(ms(t0))
    elif mode == "ban":  # SOCK JAIL FILE: one command with every IP of FILE
        sock, jail, path = sys.argv[2], sys.argv[3], sys.argv[4]
        ips = open(path).read().split()
        # CSocket.send uses socket.send, which writes only part of a large request (the server
        # then answers "pickle data was truncated"): send it whole, read with CSocket.receive.
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
        t0 = time.perf_counter()
        s.sendall(pickle.dumps(["set", jail, "banip"] + ips, pickle.HIGHEST_PROTOCOL) + CSPROTO.END)
        r = CSocket.receive(s)
        out = [ms(t0)]
        assert r[0] == 0, r
        s.sendall(CSPROTO.CLOSE + CSPROTO.END)
        s.close()
    else:
        raise SystemExit("unknown mode " + mode)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
