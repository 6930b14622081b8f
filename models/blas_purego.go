//go:build !cgo || purego

package models

// BLAS names the matrix library the models multiply with: gonum's pure-Go
// implementation, Gorgonia's default.
const BLAS = "gonum (pure Go)"
