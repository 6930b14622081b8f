//go:build cgo && !purego

package models

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

// BLAS names the matrix library the models multiply with.
const BLAS = "OpenBLAS"

// Gorgonia's matrix products (and tensor's) and our own ops (blas32/blas64)
// go through OpenBLAS: about twice gonum's pure-Go speed for float32. Build
// with -tags purego (or CGO_ENABLED=0) for the pure-Go fallback.
func init() {
	G.Use(netlib.Implementation{})
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
}
