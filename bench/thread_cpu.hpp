#pragma once
// CPU time for benchmarks. The calling thread's: what a benchmark charges one thread (the
// core's, say) when other threads (a writer, a sender) work beside it.
#include <time.h>

namespace vigil::bench {

inline double thread_cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// The whole process's CPU time: a thread that cannot be timed from inside
// (the journal's writer) is this less the threads that can.
inline double process_cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

}  // namespace vigil::bench
