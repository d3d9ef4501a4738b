// Serves a real ClickHouse (the one chdb ships as libchdb.so) over HTTP and the
// native protocol, for tests: clickhouse-local's entry point with
// "SYSTEM START LISTEN HTTP" and a long-running query that keeps it up.
// Built by src/__testUtils__/clickhouseServer.ts with the system C compiler.
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
typedef void* (*cmdline_fn)(int, char**);
int main(int argc, char** argv) {
  if (argc < 2) { fprintf(stderr, "usage: chserver LIBCHDB [clickhouse-local args...]\n"); return 2; }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
  if (!lib) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
  cmdline_fn f = (cmdline_fn) dlsym(lib, "chdb_query_cmdline");
  if (!f) { fprintf(stderr, "dlsym: %s\n", dlerror()); return 1; }
  argv[1] = "clickhouse";
  f(argc - 1, argv + 1);
  return 0;
}
