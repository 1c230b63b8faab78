// A small C program of the usual kind (printf, malloc, qsort, time, stdio
// file I/O) whose output must be identical under kiln and under node's WASI.
// Everything printed is deterministic.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmpInt(const void *A, const void *B) {
  int X = *(const int *)A, Y = *(const int *)B;
  return (X > Y) - (X < Y);
}

int main(int argc, char **argv) {
  printf("argc %d argv[1] %s\n", argc, argc > 1 ? argv[1] : "-");
  unsigned Seed = 12345;
  int N = 10000;
  int *V = malloc(sizeof(int) * (size_t)N);
  for (int I = 0; I < N; ++I) {
    Seed = Seed * 1103515245u + 12345u;
    V[I] = (int)(Seed >> 8) % 100000;
  }
  qsort(V, (size_t)N, sizeof(int), cmpInt);
  long long Sum = 0;
  for (int I = 0; I < N; ++I)
    Sum += V[I];
  printf("min %d max %d median %d sum %lld\n", V[0], V[N - 1], V[N / 2], Sum);
  printf("pi %.10f e %.6e\n", 3.14159265358979, 2.718281828459045);

  time_t Fixed = 1700000000;
  struct tm *G = gmtime(&Fixed);
  char Date[64];
  strftime(Date, sizeof Date, "%Y-%m-%d %H:%M:%S", G);
  printf("fixed time %s\n", Date);
  time_t Now = time(NULL);
  printf("now is after 2023: %s\n", Now > Fixed ? "yes" : "no");

  FILE *F = fopen("/sb/numbers.txt", "w");
  if (!F) {
    perror("fopen");
    return 1;
  }
  for (int I = 0; I < N; I += 100)
    fprintf(F, "%d\n", V[I]);
  fclose(F);
  F = fopen("/sb/numbers.txt", "r");
  int X, Count = 0;
  long long Back = 0;
  while (fscanf(F, "%d", &X) == 1) {
    Back += X;
    ++Count;
  }
  fclose(F);
  printf("read back %d numbers, sum %lld\n", Count, Back);
  char *Dup = strdup("kiln and node agree");
  for (char *C = Dup; *C; ++C)
    if (*C == ' ')
      *C = '_';
  printf("%s\n", Dup);
  free(Dup);
  free(V);
  return 7;
}
