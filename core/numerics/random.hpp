#pragma once
/// The project's one random-number module (docs/physics.md §10, (E10.1)–(E10.4)).
///
/// Every stream is addressed by a key — (seed, index) or (seed, purpose string) — never by MPI
/// rank, thread or clock, so results do not depend on how work is distributed. The generator
/// (xoshiro256**, Blackman & Vigna, ACM TOMS 47, 36 (2021)) and every distribution are written
/// out here; no std::*_distribution is used, because their algorithms differ between standard
/// libraries. The only library calls are std::sqrt (exact in IEEE 754), std::log, std::cos and
/// std::pow, so two toolchains agree bit for bit wherever their libm agrees on those functions
/// (glibc's are correctly rounded in practice).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <Eigen/Core>

namespace xasforge::random {

/// SplitMix64 finaliser (Steele, Lea & Flood, OOPSLA 2014): a bijection of 64-bit words.
constexpr std::uint64_t splitmix64_finalize(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// One SplitMix64 step: add the golden-ratio increment, then finalise.
constexpr std::uint64_t mix64(std::uint64_t z) { return splitmix64_finalize(z + 0x9e3779b97f4a7c15ULL); }

/// FNV-1a 64-bit hash of a byte string (used to turn purpose names into stream keys).
constexpr std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

/// The one seed-mixing function (E10.4): a child seed from a parent seed and a key, e.g. the
/// seed of campaign item `id` or of ensemble member "structure/member". Nearby parents or keys
/// give unrelated children.
constexpr std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t key) {
  return splitmix64_finalize(seed * 0x9e3779b97f4a7c15ULL + key);
}
constexpr std::uint64_t mix_seed(std::uint64_t seed, std::string_view key) { return mix_seed(seed, fnv1a64(key)); }

/// xoshiro256** stream seeded from (seed, stream) through SplitMix64 (E10.1), with the
/// distributions of (E10.2)–(E10.3).
class Stream {
 public:
  Stream(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = mix64(seed) ^ mix64(stream * 0xd1342543de82ef95ULL + 0x632be59bd9b4e019ULL);
    for (auto& s : state_) {
      x = mix64(x);
      s = x;
    }
  }
  /// Stream named by what its numbers are for ("md.velocities", "rmc.chain.3").
  Stream(std::uint64_t seed, std::string_view purpose) : Stream(seed, fnv1a64(purpose)) {}

  /// Next raw 64-bit word.
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

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, n), unbiased: the low (2^64 mod n) words are rejected, the rest
  /// reduced mod n. n > 0.
  std::size_t index(std::size_t n) {
    const std::uint64_t range = n;
    const std::uint64_t threshold = (0 - range) % range;
    for (;;) {
      const std::uint64_t r = next();
      if (r >= threshold) return static_cast<std::size_t>(r % range);
    }
  }

  /// Standard normal deviate by Box–Muller (Box & Muller, Ann. Math. Stat. 29, 610 (1958));
  /// the second deviate of the pair is not kept, so every call consumes exactly two words.
  double normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  /// Three independent standard normals.
  Eigen::Vector3d normal3() {
    const double x = normal();
    const double y = normal();
    const double z = normal();
    return {x, y, z};
  }

  /// Uniform in the ball of radius r (rejection from the cube).
  Eigen::Vector3d in_ball(double r) {
    for (;;) {
      const double x = 2 * uniform() - 1;
      const double y = 2 * uniform() - 1;
      const double z = 2 * uniform() - 1;
      if (x * x + y * y + z * z <= 1.0) return r * Eigen::Vector3d(x, y, z);
    }
  }

  /// Gamma(shape, 1) variate, shape > 0: Marsaglia & Tsang, ACM TOMS 26, 363 (2000); for
  /// shape < 1, Gamma(shape + 1)·U^{1/shape} (their §6).
  double gamma(double shape) {
    if (shape < 1.0) {
      const double g = gamma(shape + 1.0);
      double u = uniform();
      while (u <= 0.0) u = uniform();
      return g * std::pow(u, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
      if (u > 0.0 && std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  // Names kept for the learning code that calls them (same numbers as uniform() / index()).
  double uniform01() { return uniform(); }
  std::size_t uniform_index(std::size_t n) { return index(n); }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4]{};
};

}  // namespace xasforge::random
