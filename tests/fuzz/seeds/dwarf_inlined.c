// A seed for the artifact fuzzer whose Debug section has source frames:
// clang -O2 -g inlines share() into ratio(), so the artifact holds a chain
// of two source frames (tests/fuzz/corpus/artifact/dwarf_inlined.kiln).
static int share(int Total, int Parts) { return Total / Parts; }
int ratio(int Total, int Parts) { return share(Total, Parts) + 1; }
