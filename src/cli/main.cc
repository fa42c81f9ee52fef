// myvault command line entry point (placeholder until the dump subcommand lands).
#include <cstdio>

int main() {
  std::fprintf(stderr, "myvault: no subcommand yet\n");
  return 2;
}
