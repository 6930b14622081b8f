//go:build cgo && !purego

package kernels

/*
#cgo CFLAGS: -O3 -ffast-math
#cgo LDFLAGS: -lm -lmvec
#include <math.h>

// One clone for AVX2 machines, one for the rest; the loader picks at start.
// Adam opts out of fast-math: with it gcc computes sqrt(v) as v·rsqrt(v),
// which is NaN for a weight whose gradient has always been 0.
__attribute__((target_clones("avx2", "default"), optimize("no-fast-math")))
static void adam_f32(float *restrict w, float *restrict g, float *restrict m, float *restrict v, long n,
                     float step, float b1, float b2, float inv_sqrt_c2, float eps) {
	for (long i = 0; i < n; i++) {
		float gi = g[i];
		float mi = b1 * m[i] + (1 - b1) * gi;
		float vi = b2 * v[i] + (1 - b2) * gi * gi;
		m[i] = mi;
		v[i] = vi;
		w[i] -= step * mi / (sqrtf(vi) * inv_sqrt_c2 + eps);
		g[i] = 0;
	}
}

// Mean of max(l,0) - l*y + log(1 + exp(-|l|)); writes sigmoid(l) to sig.
__attribute__((target_clones("avx2", "default")))
static double bce_logits_f32(float *restrict sig, const float *restrict l, const float *restrict y, long n) {
	double total = 0;
	for (long start = 0; start < n; start += 4096) { // float partial sums, double across blocks
		long end = start + 4096 < n ? start + 4096 : n;
		float sum = 0;
		for (long i = start; i < end; i++) {
			float x = l[i];
			float e = expf(-fabsf(x));
			sum += fmaxf(x, 0) - x * y[i] + logf(1 + e);
			float r = 1 / (1 + e);
			sig[i] = x >= 0 ? r : e * r;
		}
		total += sum;
	}
	return total / (double)n;
}
*/
import "C"

import "unsafe"

// Adam updates w from g with moments m and v, and zeroes g. All four slices
// have the same length.
func Adam(w, g, m, v []float32, p AdamParams) {
	n := len(w)
	if n == 0 {
		return
	}
	_, _, _ = g[n-1], m[n-1], v[n-1]
	C.adam_f32((*C.float)(unsafe.Pointer(&w[0])), (*C.float)(unsafe.Pointer(&g[0])),
		(*C.float)(unsafe.Pointer(&m[0])), (*C.float)(unsafe.Pointer(&v[0])), C.long(n),
		C.float(p.StepSize), C.float(p.Beta1), C.float(p.Beta2), C.float(p.InvSqrtC2), C.float(p.Eps))
}

// BCELogits returns the mean binary cross-entropy of logits l against
// targets y and writes sigmoid(l) into sig (all of one length).
func BCELogits(sig, l, y []float32) float64 {
	n := len(l)
	if n == 0 {
		return 0
	}
	_, _ = sig[n-1], y[n-1]
	return float64(C.bce_logits_f32((*C.float)(unsafe.Pointer(&sig[0])), (*C.float)(unsafe.Pointer(&l[0])),
		(*C.float)(unsafe.Pointer(&y[0])), C.long(n)))
}
