/*===- bench/kernels/csv_parser.c - Parse sensor CSV text ----------------===*
 * A 96 KiB CSV log of "timestamp,sensor-id,reading,status" lines (readings
 * are signed decimals with up to 3 fractional digits) is generated once in
 * init; each run scans it byte by byte: field splitting, integer and
 * fixed-point parsing, a status keyword switch and per-sensor sums.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define CSV_CAP (96 * 1024)
#define CSV_SENSORS 16

static char Text[CSV_CAP];
static uint32_t TextLen;

static char *putUint(char *P, uint32_t V) {
  char Tmp[12];
  int N = 0;
  do {
    Tmp[N++] = (char)('0' + V % 10);
    V /= 10;
  } while (V);
  while (N)
    *P++ = Tmp[--N];
  return P;
}

KERNEL_EXPORT(csv_init) void csv_init(void) {
  static const char *const Status[] = {"ok", "warn", "fault", "ok"};
  uint32_t S = 0xc5fu, Ts = 1700000000u;
  char *P = Text, *End = Text + CSV_CAP - 64;
  while (P < End) {
    Ts += 1 + kb_next(&S) % 3;
    P = putUint(P, Ts);
    *P++ = ',';
    P = putUint(P, kb_next(&S) % CSV_SENSORS);
    *P++ = ',';
    uint32_t R = kb_next(&S);
    if (R & 1)
      *P++ = '-';
    P = putUint(P, (R >> 1) % 5000);
    *P++ = '.';
    uint32_t Frac = (R >> 16) % 1000;
    *P++ = (char)('0' + Frac / 100);
    *P++ = (char)('0' + Frac / 10 % 10);
    *P++ = (char)('0' + Frac % 10);
    *P++ = ',';
    for (const char *W = Status[kb_next(&S) % 4]; *W; ++W)
      *P++ = *W;
    *P++ = '\n';
  }
  TextLen = (uint32_t)(P - Text);
}

KERNEL_EXPORT(csv_run) uint32_t csv_run(void) {
  int64_t Sum[CSV_SENSORS] = {0};
  uint32_t Count[CSV_SENSORS] = {0}, Warn = 0, Fault = 0, Lines = 0;
  uint32_t LastTs = 0, Gaps = 0;
  const char *P = Text, *End = Text + TextLen;
  while (P < End) {
    uint32_t Ts = 0;
    while (*P != ',')
      Ts = Ts * 10 + (uint32_t)(*P++ - '0');
    ++P;
    uint32_t Id = 0;
    while (*P != ',')
      Id = Id * 10 + (uint32_t)(*P++ - '0');
    ++P;
    int Neg = 0;
    if (*P == '-') {
      Neg = 1;
      ++P;
    }
    int64_t Milli = 0;
    while (*P != '.' && *P != ',')
      Milli = Milli * 10 + (*P++ - '0');
    Milli *= 1000;
    if (*P == '.') {
      ++P;
      int64_t Scale = 100;
      while (*P != ',') {
        Milli += (*P++ - '0') * Scale;
        Scale /= 10;
      }
    }
    ++P;
    switch (*P) {
    case 'w':
      ++Warn;
      break;
    case 'f':
      ++Fault;
      break;
    default:
      break;
    }
    while (*P != '\n')
      ++P;
    ++P;
    if (Id < CSV_SENSORS) {
      Sum[Id] += Neg ? -Milli : Milli;
      ++Count[Id];
    }
    if (LastTs && Ts - LastTs > 2)
      ++Gaps;
    LastTs = Ts;
    ++Lines;
  }
  uint32_t H = KB_HASH_INIT;
  for (int I = 0; I < CSV_SENSORS; ++I) {
    H = kb_mix(H, (uint32_t)Sum[I]);
    H = kb_mix(H, (uint32_t)((uint64_t)Sum[I] >> 32));
    H = kb_mix(H, Count[I]);
  }
  H = kb_mix(H, Warn);
  H = kb_mix(H, Fault);
  H = kb_mix(H, Gaps);
  return kb_mix(H, Lines);
}
