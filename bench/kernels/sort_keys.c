/*===- bench/kernels/sort_keys.c - Quicksort of 32,768 integer keys -------===*
 * Median-of-three quicksort with an insertion sort below 16 elements, on a
 * fresh copy of fixed random keys each run: branchy, data-dependent control
 * flow and an explicit stack.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define SORT_N 32768

static uint32_t Keys[SORT_N];
static uint32_t Work[SORT_N];

static void insertionSort(uint32_t *A, int Lo, int Hi) {
  for (int I = Lo + 1; I <= Hi; ++I) {
    uint32_t V = A[I];
    int J = I - 1;
    while (J >= Lo && A[J] > V) {
      A[J + 1] = A[J];
      --J;
    }
    A[J + 1] = V;
  }
}

static inline void swap(uint32_t *A, int I, int J) {
  uint32_t T = A[I];
  A[I] = A[J];
  A[J] = T;
}

static void quickSort(uint32_t *A, int N) {
  int StackLo[64], StackHi[64], Top = 0;
  StackLo[Top] = 0;
  StackHi[Top++] = N - 1;
  while (Top > 0) {
    int Lo = StackLo[--Top], Hi = StackHi[Top];
    while (Hi - Lo >= 16) {
      int Mid = Lo + (Hi - Lo) / 2;
      if (A[Mid] < A[Lo])
        swap(A, Mid, Lo);
      if (A[Hi] < A[Lo])
        swap(A, Hi, Lo);
      if (A[Hi] < A[Mid])
        swap(A, Hi, Mid);
      uint32_t Pivot = A[Mid];
      int I = Lo, J = Hi;
      while (I <= J) {
        while (A[I] < Pivot)
          ++I;
        while (A[J] > Pivot)
          --J;
        if (I <= J)
          swap(A, I++, J--);
      }
      /* Push the larger side, loop on the smaller: the stack stays small. */
      if (J - Lo > Hi - I) {
        StackLo[Top] = Lo;
        StackHi[Top++] = J;
        Lo = I;
      } else {
        StackLo[Top] = I;
        StackHi[Top++] = Hi;
        Hi = J;
      }
    }
    insertionSort(A, Lo, Hi);
  }
}

KERNEL_EXPORT(sort_init) void sort_init(void) {
  uint32_t S = 0x50471u;
  for (int I = 0; I < SORT_N; ++I)
    Keys[I] = kb_next(&S);
}

KERNEL_EXPORT(sort_run) uint32_t sort_run(void) {
  for (int I = 0; I < SORT_N; ++I)
    Work[I] = Keys[I];
  quickSort(Work, SORT_N);
  uint32_t H = KB_HASH_INIT;
  for (int I = 0; I < SORT_N; I += 7)
    H = kb_mix(H, Work[I]);
  for (int I = 1; I < SORT_N; ++I)
    if (Work[I - 1] > Work[I])
      return 0; /* not sorted: a checksum no correct run produces */
  return H;
}
