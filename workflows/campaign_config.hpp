#pragma once
/// A campaign described in YAML (schema: campaign_schema.cpp; reference: docs/campaign.md).
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "core/ensemble/member_settings.hpp"
#include "core/scattering/spectrum_defaults.hpp"

namespace xasforge::workflows {

struct DebyeWallerSettings {
  std::string model = "correlated_debye";
  double temperature_K = scattering::defaults::kTemperature_K;
  double debye_temperature_K = scattering::defaults::kDebyeTemperature_K;
  double einstein_temperature_K = 300.0;
  double sigma2_A2 = 0.003;
  int recursion_levels = 16;
  double force_constant_scale = 1.0;
};

struct ScatteringSettings {
  bool enabled = true;  ///< run the spectrum stage
  double rmax_A = scattering::defaults::kRmax_A;
  int max_legs = scattering::defaults::kMaxLegs;
  double cluster_radius_A = scattering::defaults::kClusterRadius_A;
  std::string phases = "feff8l";
  double s02 = scattering::defaults::kS02;
  double k_max_invA = 20.0;
  double k_step_invA = 0.05;
  DebyeWallerSettings debye_waller;
};

/// ensemble.*: the kind, the number of members, and the settings of that kind only (a variant:
/// md, trajectory or rmc; none for kind none). The defaults of the per-kind settings are their
/// member initialisers in core/ensemble/member_settings.hpp, which the schema prints.
struct EnsembleSettings {
  using KindSettings = std::variant<std::monostate, ensemble::MdMemberSettings, ensemble::TrajectoryMemberSettings,
                                    ensemble::RmcMemberSettings>;
  std::string kind = "none";  ///< none | md | trajectory | rmc (the alternative held by `settings`)
  int members = 1;
  KindSettings settings;
  /// The settings of kind md / trajectory / rmc; std::logic_error if the campaign is of another kind.
  const ensemble::MdMemberSettings& md() const;
  const ensemble::TrajectoryMemberSettings& trajectory() const;
  const ensemble::RmcMemberSettings& rmc() const;
  /// YAML lines of keys that errors found later (planning, items) name; 0 = default.
  int potential_line = 0, trajectory_file_line = 0, rmc_target_line = 0, members_line = 0;
};

struct FeatureSettings {
  double k_min_invA = 3.0, k_max_invA = 12.0;
  double dk_invA = 1.0;
  int kweight = 2;
  std::string window = "hanning";
  double r_min_A = 0.0, r_max_A = 6.0;
  double r_step_A = 0.03;
};

struct RdfSettings {
  double r_max_A = 6.0;
  double bin_width_A = 0.1;
};

struct SoapSettings {
  std::vector<std::string> species;  ///< element symbols; fixes the descriptor length
  double r_cut_A = 5.0;
  int n_max = 6;
  int l_max = 4;
  double sigma_A = 0.5;
};

struct TrainSettings {
  bool requested = false;  ///< the `train` section is present
  std::string model = "random_forest";
  std::string target = "cn";
  std::string input = "chir_mag";
  int trees = 500;
  int max_depth = 0;
  int cv_folds = 5;
  std::string normalization = "minmax";
  std::uint64_t seed = 42;
  // Measured spectra (docs/ml.md): augmentation of the simulated chi(k), structure-grouped CV,
  // calibrated probabilities. Not part of the campaign hash.
  int augment_copies = 0;
  double augment_s02[2] = {0.7, 1.0};
  double augment_e0_shift_eV = 5.0;
  double augment_sigma2[2] = {-0.001, 0.005};
  double augment_noise[2] = {3.0e-4, 3.0e-3};
  double augment_kmax[2] = {10.0, 14.0};
  bool calibrate = false;
  int group_cv = 0;
  double unsure_below = 0.5;
};

struct OutputSettings {
  std::string file;                      ///< as resolved (default results/<campaign>.h5)
  double checkpoint_every_s = 60.0;      ///< 0 if checkpoints are counted in items
  std::int64_t checkpoint_every_items = 0;
  double progress_every_s = 10.0;
};

struct SchedulerSettings {
  double item_time_limit_s = 0.0;  ///< 0: none
  double batch_seconds = 0.5;
  int master_computes = -1;        ///< -1 auto, 0 no, 1 yes
};

struct CampaignConfig {
  std::string name;
  std::string source;                    ///< the YAML file path
  std::string text;                      ///< the YAML text as read
  /// Hex hash (FNV-1a 64) of the resolved configuration: every key that changes results, with
  /// defaults filled in and numbers canonicalised, independent of formatting, comments and key
  /// order. The `output` and `scheduler` sections are excluded (moving the file or checkpointing
  /// more often is the same campaign).
  std::string hash;
  std::uint64_t seed = 42;
  std::vector<std::string> structure_globs;  ///< resolved against the YAML folder
  int max_sites = 500;
  std::vector<std::string> absorber_elements;
  std::vector<std::string> edges;
  ScatteringSettings scattering;
  EnsembleSettings ensemble;
  FeatureSettings features;
  std::vector<std::string> labels;
  RdfSettings rdf;
  std::vector<std::string> descriptors;
  SoapSettings soap;
  TrainSettings train;
  OutputSettings output;
  SchedulerSettings scheduler;

  bool wants_label(const std::string& l) const;
  bool wants_descriptor(const std::string& d) const;
};

/// Parses and validates YAML text; `source` names the file in messages and is the folder relative
/// paths are resolved against. Throws InputError "<file>:<line>: <key>: <what>; allowed: ...".
CampaignConfig parse_campaign(const std::string& text, const std::filesystem::path& source);

/// Reads and parses a campaign file.
CampaignConfig load_campaign(const std::filesystem::path& path);

}  // namespace xasforge::workflows
