#!/usr/bin/env python3
"""Sends random datagrams at a CoAP server from many source ports: a flood for trying robustness by hand.

    scripts/flood.py [--host 127.0.0.1] [--port 5683] [--count 100000] [--ports 1000] [--seed 1]

A mix of pure random bytes (any length up to 1200), CoAP-looking headers with random options and
payloads (CON/NON requests, some with tokens, some truncated), and valid CON GETs for random paths,
each from one of --ports sockets (distinct source ports). Prints the rate when done. Uses only the
Python standard library; sends to loopback unless told otherwise.
"""
import argparse
import os
import random
import socket
import time


def datagram(rng):
    kind = rng.random()
    if kind < 0.4:
        return os.urandom(rng.randint(0, 1200))
    if kind < 0.8:
        tkl = rng.randint(0, 15)
        head = bytes([0x40 | rng.randint(0, 3) << 4 | tkl, rng.choice([1, 2, 3, 4, 5, 0, 69, 255]),
                      rng.randint(0, 255), rng.randint(0, 255)])
        return head + os.urandom(rng.randint(0, 300))
    path = ''.join(rng.choice('abcdefghij') for _ in range(rng.randint(1, 12))).encode()
    mid = rng.randint(0, 0xFFFF)
    token = os.urandom(rng.randint(0, 8))
    return bytes([0x40 | len(token), 0x01, mid >> 8, mid & 0xFF]) + token + bytes([0xB0 | min(len(path), 12)]) + path[:12]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--port', type=int, default=5683)
    p.add_argument('--count', type=int, default=100_000)
    p.add_argument('--ports', type=int, default=1000, help='distinct source ports')
    p.add_argument('--seed', type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    family = socket.AF_INET6 if ':' in a.host else socket.AF_INET
    socks = []
    for _ in range(a.ports):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.setblocking(False)
        socks.append(s)
    target = (a.host, a.port)
    sent = dropped = 0
    start = time.monotonic()
    for i in range(a.count):
        try:
            socks[i % len(socks)].sendto(datagram(rng), target)
            sent += 1
        except (BlockingIOError, OSError):
            dropped += 1
    elapsed = time.monotonic() - start
    for s in socks:
        s.close()
    print(f'sent {sent} datagrams from {len(socks)} ports in {elapsed:.1f} s ({sent / elapsed:.0f}/s); '
          f'{dropped} not sent (socket buffer full)')


if __name__ == '__main__':
    main()
