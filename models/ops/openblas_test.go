//go:build openblas

package ops

// Built with -tags openblas (and CGO_LDFLAGS=-lopenblas), the tests and
// benchmarks of this package run on OpenBLAS through gonum's netlib binding,
// as the application does (models/blas_openblas.go). Set
// OPENBLAS_NUM_THREADS=1 for single-threaded figures.

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
}
