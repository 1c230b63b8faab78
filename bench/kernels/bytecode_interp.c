/*===- bench/kernels/bytecode_interp.c - A stack-machine interpreter ------===*
 * A switch-dispatched interpreter for a small stack bytecode (push, locals,
 * arithmetic, compare, conditional jumps) running a fixed program: for
 * i in 1..3000, accumulate a Collatz-step count for i. Indirect branches
 * through a jump table, a value stack in memory.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

enum {
  OpPush,  /* push imm */
  OpLoad,  /* push local[imm] */
  OpStore, /* local[imm] = pop */
  OpAdd,
  OpSub,
  OpMul,
  OpAnd,
  OpShr1,  /* x >> 1 */
  OpLt,    /* a < b */
  OpEq,    /* a == b */
  OpJmp,   /* pc = imm */
  OpJz,    /* if pop == 0: pc = imm */
  OpHalt
};

typedef struct {
  uint8_t Op;
  int32_t Imm;
} Insn;

static Insn Program[64];
static int ProgramLen;

static void emit(uint8_t Op, int32_t Imm) {
  Program[ProgramLen].Op = Op;
  Program[ProgramLen].Imm = Imm;
  ++ProgramLen;
}

/* locals: 0 = i, 1 = n, 2 = total, 3 = limit. The numbers are the
 * instruction indices that the jumps name. */
KERNEL_EXPORT(interp_init) void interp_init(void) {
  ProgramLen = 0;
  emit(OpPush, 1);  /*  0 */
  emit(OpStore, 0); /*  1  i = 1 */
  emit(OpPush, 0);  /*  2 */
  emit(OpStore, 2); /*  3  total = 0 */
  emit(OpLoad, 0);  /*  4  outer: while i < limit */
  emit(OpLoad, 3);  /*  5 */
  emit(OpLt, 0);    /*  6 */
  emit(OpJz, 39);   /*  7 */
  emit(OpLoad, 0);  /*  8 */
  emit(OpStore, 1); /*  9  n = i */
  emit(OpLoad, 1);  /* 10  inner: while n != 1 */
  emit(OpPush, 1);  /* 11 */
  emit(OpEq, 0);    /* 12 */
  emit(OpJz, 15);   /* 13 */
  emit(OpJmp, 34);  /* 14  n == 1: next i */
  emit(OpLoad, 1);  /* 15  if n & 1 */
  emit(OpPush, 1);  /* 16 */
  emit(OpAnd, 0);   /* 17 */
  emit(OpJz, 26);   /* 18 */
  emit(OpLoad, 1);  /* 19  n = 3n + 1 */
  emit(OpPush, 3);  /* 20 */
  emit(OpMul, 0);   /* 21 */
  emit(OpPush, 1);  /* 22 */
  emit(OpAdd, 0);   /* 23 */
  emit(OpStore, 1); /* 24 */
  emit(OpJmp, 29);  /* 25 */
  emit(OpLoad, 1);  /* 26  n = n >> 1 */
  emit(OpShr1, 0);  /* 27 */
  emit(OpStore, 1); /* 28 */
  emit(OpLoad, 2);  /* 29  total += 1 */
  emit(OpPush, 1);  /* 30 */
  emit(OpAdd, 0);   /* 31 */
  emit(OpStore, 2); /* 32 */
  emit(OpJmp, 10);  /* 33 */
  emit(OpLoad, 0);  /* 34  i += 1 */
  emit(OpPush, 1);  /* 35 */
  emit(OpAdd, 0);   /* 36 */
  emit(OpStore, 0); /* 37 */
  emit(OpJmp, 4);   /* 38 */
  emit(OpHalt, 0);  /* 39 */
}

KERNEL_EXPORT(interp_run) uint32_t interp_run(void) {
  int32_t Stack[16], Locals[4] = {0, 0, 0, 3000};
  int Sp = 0, Pc = 0;
  uint32_t Steps = 0;
  for (;;) {
    Insn I = Program[Pc++];
    ++Steps;
    switch (I.Op) {
    case OpPush:
      Stack[Sp++] = I.Imm;
      break;
    case OpLoad:
      Stack[Sp++] = Locals[I.Imm];
      break;
    case OpStore:
      Locals[I.Imm] = Stack[--Sp];
      break;
    case OpAdd:
      --Sp;
      Stack[Sp - 1] += Stack[Sp];
      break;
    case OpSub:
      --Sp;
      Stack[Sp - 1] -= Stack[Sp];
      break;
    case OpMul:
      --Sp;
      Stack[Sp - 1] *= Stack[Sp];
      break;
    case OpAnd:
      --Sp;
      Stack[Sp - 1] &= Stack[Sp];
      break;
    case OpShr1:
      Stack[Sp - 1] = (int32_t)((uint32_t)Stack[Sp - 1] >> 1);
      break;
    case OpLt:
      --Sp;
      Stack[Sp - 1] = Stack[Sp - 1] < Stack[Sp];
      break;
    case OpEq:
      --Sp;
      Stack[Sp - 1] = Stack[Sp - 1] == Stack[Sp];
      break;
    case OpJmp:
      Pc = I.Imm;
      break;
    case OpJz:
      if (Stack[--Sp] == 0)
        Pc = I.Imm;
      break;
    case OpHalt:
    default:
      return kb_mix(kb_mix(KB_HASH_INIT, (uint32_t)Locals[2]), Steps);
    }
  }
}
