// Package ops provides fast convolution building blocks as real Gorgonia ops
// (forward and backward), so conv autoencoders train far faster than with
// Gorgonia's own Conv2d, which spends its time in a slow im2col/col2im and in
// reshape/transpose nodes around one matmul.
//
// Design:
//   - Every forward op has symbolic differentiation (gorgonia SDOp): its
//     SymDiff returns nodes of internal backward ops, so G.Grad and a
//     TapeMachine with BindDualValues work unchanged.
//   - Whole-batch GEMMs through the package-level functions of
//     gonum.org/v1/gonum/blas/blas32 and blas64. They use gonum's native Go
//     implementation unless the program calls blas32.Use / blas64.Use (for
//     example with netlib.Implementation{} for OpenBLAS). Note that G.Use only
//     switches Gorgonia and tensor, not these packages.
//   - Each op instance owns its output tensor and scratch buffers and reuses
//     them on every run, so a training step makes almost no garbage. Hence the
//     Value bound to one of these nodes is overwritten by the next run: read
//     outputs with G.Read (which copies), not by keeping node.Value() around.
//     Buffers are per op instance (per graph node): two graphs may run on two
//     goroutines, but one graph must not be run by two goroutines at once
//     (Gorgonia binds values to nodes, so that is unsafe anyway).
//   - float32 and float64 are both supported; the kernels are generic.
package ops
