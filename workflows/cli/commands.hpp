#pragma once
/// Sub-commands of the `xasforge` program. Each add_*_command() registers one CLI11 sub-command
/// whose callback does the work; errors propagate as xasforge::Error to main().
namespace CLI {
class App;
}

namespace xasforge::cli {

void add_info_command(CLI::App& app);
void add_campaign_commands(CLI::App& app);
void add_spectrum_command(CLI::App& app);
void add_reduce_command(CLI::App& app);
void add_cn_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_average_command(CLI::App& app);
void add_shell_fit_command(CLI::App& app);

}  // namespace xasforge::cli
