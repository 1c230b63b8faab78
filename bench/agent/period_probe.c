// period_probe.c MILLISECONDS - how many 1 ms periods this machine misses
// with nothing but a clock_nanosleep loop (absolute releases, timer slack
// 1 ns, SCHED_FIFO where allowed): the platform's share of an agent's
// missed periods. Prints "periods missed".
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

static long long nowNs(void) {
  struct timespec T;
  clock_gettime(CLOCK_MONOTONIC, &T);
  return T.tv_sec * 1000000000LL + T.tv_nsec;
}

int main(int Argc, char **Argv) {
  int N = Argc > 1 ? atoi(Argv[1]) : 1000;
  struct sched_param P = {.sched_priority = 80};
  sched_setscheduler(0, SCHED_FIFO, &P); // as the agent's tasks; may fail
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  long long Next = nowNs() + 1000000, Missed = 0;
  for (int I = 0; I < N; ++I) {
    struct timespec T = {Next / 1000000000LL, Next % 1000000000LL};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &T, NULL);
    if (nowNs() - Next > 1000000) // woke after the period's end
      ++Missed;
    Next += 1000000;
  }
  printf("%d %lld\n", N, Missed);
  return 0;
}
