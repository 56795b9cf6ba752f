// archscope CLI entry point: parses the command line, runs a subcommand, maps errors to one line
// on stderr and a non-zero exit code.
#include <iostream>

int main() {
  std::cerr << "archscope: CLI under construction\n";
  return 2;
}
