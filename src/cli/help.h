// What `--help` says beyond each option's line: the top-level help names mysqldump mode, and each
// subcommand's help ends with every environment variable the subcommand reads (its options'
// CLI11 envnames, plus the connection, Slack and host-label variables read outside CLI11).
//
// Thread safety: call once on the main thread, after every subcommand is registered.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace myvault::cli {

// The environment variables subcommand `app` reads, in the order --help lists them.
std::vector<std::string> EnvironmentOf(CLI::App* app);

// Adds the footers described above to `root` and its subcommands.
void DescribeHelp(CLI::App* root);

// The subcommand `name` of `root`, or nullptr: `myvault bogus` says "unknown command".
CLI::App* FindSubcommand(CLI::App* root, const std::string& name);

}  // namespace myvault::cli
