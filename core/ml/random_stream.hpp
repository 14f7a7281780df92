#pragma once
/// Counter-keyed random numbers for learning: every stream is addressed by (seed, stream index),
/// e.g. (forest seed, tree index), never by MPI rank, so results do not depend on the rank count.
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace xasforge::ml {

/// SplitMix64 finaliser (Steele, Lea & Flood, OOPSLA 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// xoshiro256** (Blackman & Vigna 2018) seeded from (seed, stream) through SplitMix64.
/// The sequence is fixed by the two keys and this file alone (no std:: distribution is used),
/// so it is identical across compilers, standard libraries and rank counts.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = mix64(seed) ^ mix64(stream * 0xd1342543de82ef95ULL + 0x632be59bd9b4e019ULL);
    for (auto& s : state_) {
      x = mix64(x);
      s = x;
    }
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// Uniform integer in [0, n), unbiased: reject the low (2^64 mod n) draws, then reduce mod n
  /// (the arc4random_uniform method). n > 0.
  std::size_t uniform_index(std::size_t n) {
    const std::uint64_t range = n;
    const std::uint64_t threshold = (0 - range) % range;
    for (;;) {
      const std::uint64_t r = next();
      if (r >= threshold) return static_cast<std::size_t>(r % range);
    }
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Standard normal deviate (Box–Muller; one of the pair is discarded for simplicity).
  double normal() {
    double u1 = uniform01();
    while (u1 <= 0.0) u1 = uniform01();
    const double u2 = uniform01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4]{};
};

}  // namespace xasforge::ml
