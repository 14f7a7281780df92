// The xasforge command line. Only this file turns exceptions into exit codes.
#include <iostream>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "workflows/cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"xasforge: EXAFS spectra for thousands of crystal structures, and structure from spectra"};
  app.set_version_flag("--version", "xasforge " XASFORGE_VERSION);
  app.require_subcommand(1);
  xasforge::cli::add_info_command(app);
  xasforge::cli::add_campaign_commands(app);
  xasforge::cli::add_spectrum_command(app);
  xasforge::cli::add_reduce_command(app);
  xasforge::cli::add_cn_command(app);
  xasforge::cli::add_train_command(app);
  xasforge::cli::add_predict_command(app);
  xasforge::cli::add_average_command(app);
  xasforge::cli::add_shell_fit_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const xasforge::InputError& e) {
    std::cerr << "xasforge: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "xasforge: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
