#pragma once
/// A reproducible random stream keyed by (seed, purpose), never by rank or clock
/// (docs/STYLE.md, "No hidden global state"). Two streams with the same key give the same numbers.
#include <cstdint>
#include <random>
#include <string_view>

#include <Eigen/Dense>

namespace xasforge::ensemble {

class RandomStream {
 public:
  /// `purpose` names what the numbers are for ("md.velocities", "rmc.chain.3"); it is hashed
  /// (FNV-1a) and mixed with `seed` by splitmix64 so nearby seeds give unrelated streams.
  RandomStream(std::uint64_t seed, std::string_view purpose) : engine_(mix(seed, purpose)) {}

  double uniform() { return uniform_(engine_); }             ///< in [0, 1)
  double normal() { return normal_(engine_); }               ///< standard normal
  std::size_t index(std::size_t n) {                          ///< uniform in [0, n)
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(engine_);
  }
  Eigen::Vector3d normal3() { return {normal(), normal(), normal()}; }
  /// Uniform in the ball of radius r (rejection sampling from the cube).
  Eigen::Vector3d in_ball(double r) {
    for (;;) {
      Eigen::Vector3d v(2 * uniform() - 1, 2 * uniform() - 1, 2 * uniform() - 1);
      if (v.squaredNorm() <= 1.0) return r * v;
    }
  }
  /// Gamma(shape, 1) variate (Bussi thermostat).
  double gamma(double shape) { return std::gamma_distribution<double>(shape, 1.0)(engine_); }
  std::mt19937_64& engine() { return engine_; }

 private:
  static std::uint64_t mix(std::uint64_t seed, std::string_view purpose) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a offset basis
    for (unsigned char c : purpose) h = (h ^ c) * 1099511628211ULL;
    std::uint64_t z = seed ^ (h + 0x9E3779B97F4A7C15ULL + (seed << 6) + (seed >> 2));
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;  // splitmix64 finaliser
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::mt19937_64 engine_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  std::normal_distribution<double> normal_{0.0, 1.0};
};

}  // namespace xasforge::ensemble
