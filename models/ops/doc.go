// Package ops provides fast convolution building blocks as real Gorgonia ops
// (forward and backward): Conv2d, ConvTranspose2d (PyTorch semantics) and
// Upsample2x, with bias and a fused activation (ActNone, ActReLU,
// ActLeakyReLU, ActSigmoid). Gorgonia's own Conv2d spends its time in a slow
// im2col/col2im, in reshape/transpose nodes around one matmul and in
// allocation; these ops train a small MNIST conv autoencoder 15-30x faster.
//
// Design:
//   - Every forward op does symbolic differentiation (gorgonia SDOp): SymDiff
//     returns nodes of internal backward ops, so G.Grad and a TapeMachine with
//     BindDualValues work unchanged. There is no DoDiff (ADOp), so the
//     LispMachine's own backward mode is not supported.
//   - Whole-batch GEMMs go through the package-level functions of
//     gonum.org/v1/gonum/blas/blas32 and blas64: gonum's native Go code unless
//     the program calls blas32.Use / blas64.Use (models/blas_openblas.go does,
//     with netlib for OpenBLAS; G.Use alone does not switch these packages).
//     With the native implementation each GEMM is issued in tiles small enough
//     for gonum's serial kernel, which is faster than its goroutine fan-out at
//     these sizes and keeps an op on one thread.
//   - im2col/col2im work image plane by image plane through a stride-phase
//     split (see phases in im2col.go), so their inner loops are short
//     contiguous copies without padding tests.
//   - Each op instance owns its output tensor and scratch buffers and reuses
//     them on every run: after the first step the ops allocate nothing. Hence
//     the Value bound to one of these nodes is overwritten by the next run:
//     read outputs with G.Read (which copies), not by keeping node.Value().
//     Buffers are per op instance (per graph node): two graphs may run on two
//     goroutines, but one graph must not be run by two goroutines at once
//     (Gorgonia binds values to nodes, so that is unsafe anyway).
//   - float32 and float64 are both supported; the kernels are generic.
//
// Tests: go test ./models/ops/ (pure Go BLAS), and with OpenBLAS:
// OPENBLAS_NUM_THREADS=1 CGO_LDFLAGS=-lopenblas go test -tags openblas ./models/ops/
package ops
