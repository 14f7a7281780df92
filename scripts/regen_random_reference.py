#!/usr/bin/env python3
"""Prints the known-answer values of tests/core/numerics/test_numerics.cpp from an independent
Python implementation of the published algorithms: SplitMix64 (Steele, Lea & Flood, OOPSLA 2014),
xoshiro256** (Blackman & Vigna, ACM TOMS 47, 36 (2021)) and FNV-1a 64. The first check reproduces
the authors' reference sequence for the state {1, 2, 3, 4}, which validates this script itself.

    /usr/bin/python3 scripts/regen_random_reference.py
"""
M = (1 << 64) - 1


def finalize(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def mix64(z):
    return finalize((z + 0x9E3779B97F4A7C15) & M)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


def fnv1a64(text):
    h = 1469598103934665603
    for c in text.encode():
        h = ((h ^ c) * 1099511628211) & M
    return h


class Xoshiro:
    def __init__(self, state):
        self.s = list(state)

    @classmethod
    def keyed(cls, seed, stream):
        x = mix64(seed) ^ mix64((stream * 0xD1342543DE82EF95 + 0x632BE59BD9B4E019) & M)
        state = []
        for _ in range(4):
            x = mix64(x)
            state.append(x)
        return cls(state)

    def next(self):
        s = self.s
        r = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return r


ref = Xoshiro([1, 2, 3, 4])
assert [ref.next() for _ in range(4)] == [11520, 0, 1509978240, 1215971899390074240]
print("mix64(0) =", hex(mix64(0)))
print("mix_seed(5, 17) =", hex(finalize((5 * 0x9E3779B97F4A7C15 + 17) & M)))
a = Xoshiro.keyed(7, 11)
print("Stream(7, 11):", [hex(a.next()) for _ in range(4)])
b = Xoshiro.keyed(7, fnv1a64("md.velocities"))
print('Stream(7, "md.velocities"):', [hex(b.next()) for _ in range(2)])
