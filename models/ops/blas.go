package ops

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// float is the element type of every kernel in this package.
type float interface{ float32 | float64 }

// Tile of C handed to gonum's native GEMM in one call. Gonum splits a call
// into 64×64 blocks and, from 4 blocks on, runs them on goroutines, even with
// GOMAXPROCS=1. At the sizes of small conv nets its serial kernel on tiles of
// at most 3 blocks is about 1.5-2x faster (measured: 16×12544×9 0.36 → 0.18
// ms, 32×3136×144 2.2 → 1.4 ms) and keeps one op on one thread.
const (
	nativeTileRows = 64
	nativeTileCols = 192
)

// gemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices, where
// op(A) is m×k and op(B) is k×n. It goes through the package-level blas32 /
// blas64 functions so that blas32.Use / blas64.Use (e.g. OpenBLAS via netlib)
// take effect. With gonum's native implementation C is computed tile by tile
// (see nativeTileRows); any other implementation gets the whole matrix.
func gemm[T float](tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	var native bool
	switch any(alpha).(type) {
	case float32:
		_, native = blas32.Implementation().(gonum.Implementation)
	default:
		_, native = blas64.Implementation().(gonum.Implementation)
	}
	if !native || (m <= nativeTileRows && n <= nativeTileCols) || (m <= 3*nativeTileRows && n <= nativeTileRows) {
		gemmCall(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	for i := 0; i < m; i += nativeTileRows {
		mi := min(nativeTileRows, m-i)
		var ai []T
		if tA {
			ai = a[i:] // columns i.. of the stored k×m matrix
		} else {
			ai = a[i*lda:] // rows i.. of A
		}
		for j := 0; j < n; j += nativeTileCols {
			nj := min(nativeTileCols, n-j)
			var bj []T
			if tB {
				bj = b[j*ldb:] // rows j.. of the stored n×k matrix
			} else {
				bj = b[j:] // columns j.. of the stored k×n matrix
			}
			gemmCall(tA, tB, mi, nj, k, alpha, ai, lda, bj, ldb, beta, c[i*ldc+j:], ldc)
		}
	}
}

// gemmCall is one call of the blas32/blas64 Gemm. Slices may extend beyond the
// described matrix; they are trimmed to what gonum's length checks expect.
func gemmCall[T float](tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	ar, ac := m, k // stored shape of A
	if tA {
		ta, ar, ac = blas.Trans, k, m
	}
	br, bc := k, n
	if tB {
		tb, br, bc = blas.Trans, n, k
	}
	a = a[:(ar-1)*lda+ac]
	b = b[:(br-1)*ldb+bc]
	c = c[:(m-1)*ldc+n]
	// The any() conversions do not escape, so they cost no allocation.
	switch a := any(a).(type) {
	case []float32:
		blas32.Gemm(ta, tb, float32(alpha),
			blas32.General{Rows: ar, Cols: ac, Data: a, Stride: lda},
			blas32.General{Rows: br, Cols: bc, Data: any(b).([]float32), Stride: ldb},
			float32(beta),
			blas32.General{Rows: m, Cols: n, Data: any(c).([]float32), Stride: ldc})
	case []float64:
		blas64.Gemm(ta, tb, float64(alpha),
			blas64.General{Rows: ar, Cols: ac, Data: a, Stride: lda},
			blas64.General{Rows: br, Cols: bc, Data: any(b).([]float64), Stride: ldb},
			float64(beta),
			blas64.General{Rows: m, Cols: n, Data: any(c).([]float64), Stride: ldc})
	default:
		panic("ops: gemm on unsupported element type")
	}
}
