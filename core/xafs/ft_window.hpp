#pragma once
/// Fourier-transform windows exactly as Larch 0.9.58's ftwindow (docs/physics.md (E6.8)).
#include <string>
#include <string_view>
#include <vector>

namespace xasforge::xafs {

enum class WindowKind { kHanning, kKaiser, kParzen, kWelch, kSine, kGaussian };

/// Parses a window name; like Larch only the first three letters count ("han", "kai", ...).
/// Throws InputError listing the valid names.
WindowKind parse_window(std::string_view name);
std::string window_name(WindowKind kind);

/// Window W(x) on the uniform grid x (x[0] = 0 in every Larch use): W = 1 on [xmin + dx/2,
/// xmax − dx2/2], tapers of widths dx and dx2 (dx is also the Kaiser β and the Gaussian width).
/// Throws InputError for fewer than 2 grid points.
std::vector<double> ft_window(const std::vector<double>& x, double xmin, double xmax, double dx,
                              double dx2, WindowKind kind);

}  // namespace xasforge::xafs
