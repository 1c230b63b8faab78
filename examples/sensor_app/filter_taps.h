// filter_taps.h - FIR coefficients of the filter module's versions.
//
// 31-tap Hamming-windowed sinc designs for a 1 kHz sample rate (linear
// phase, symmetric). The high-pass is the spectral inversion of a 200 Hz
// low-pass (-49 dB at 29.5 Hz, -53 dB at 87 Hz, 0 dB from 250 Hz up); the
// band-pass is the difference of 450 Hz and 250 Hz low-passes (-74 dB at
// 87 Hz, 0 dB at 320 Hz). Both keep the bearing resonance (320 Hz) and
// drop the machine's running lines (29.5 and 87 Hz).
#ifndef SENSOR_APP_FILTER_TAPS_H
#define SENSOR_APP_FILTER_TAPS_H

#define FIR_TAPS 31

#ifdef FILTER_BANDPASS
static const float Taps[FIR_TAPS] = {
    -5.0863092e-08f, 0.0019504585f, -0.0053137538f, 0.0026213741f,
    0.0046503166f,   0.0f,          -0.0097385067f, -0.011523516f,
    0.048455233f,    -0.034474513f, 1.4686718e-06f, -0.064269416f,
    0.17536544f,     -0.089976468f, -0.21808484f,   0.40067355f,
    -0.21808484f,    -0.089976468f, 0.17536544f,    -0.064269416f,
    1.4686718e-06f,  -0.034474513f, 0.048455233f,   -0.011523516f,
    -0.0097385067f,  0.0f,          0.0046503166f,  0.0026213741f,
    -0.0053137538f,  0.0019504585f, -5.0863092e-08f};
#else
static const float Taps[FIR_TAPS] = {
    0.0f,        0.0019509549f,  0.0017270112f,  -0.0026220412f, -0.0064025176f,
    0.0f,        0.013407896f,   0.011526449f,   -0.015748327f,  -0.034483286f,
    0.0f,        0.064285771f,   0.056995127f,   -0.089999365f,  -0.30025741f,
    0.59923948f, -0.30025741f,   -0.089999365f,  0.056995127f,   0.064285771f,
    0.0f,        -0.034483286f,  -0.015748327f,  0.011526449f,   0.013407896f,
    0.0f,        -0.0064025176f, -0.0026220412f, 0.0017270112f,  0.0019509549f,
    0.0f};
#endif

#endif // SENSOR_APP_FILTER_TAPS_H
