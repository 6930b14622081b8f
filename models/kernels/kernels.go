// Package kernels holds the hot elementwise loops of training: the fused
// Adam update and binary cross-entropy from logits. With cgo they are C
// compiled for AVX2 where the CPU has it (gcc target_clones, vector exp and
// log from glibc's libmvec); with the purego tag or without cgo they are
// plain Go loops computing the same thing.
package kernels

// AdamParams are the scalars of one Adam step. StepSize is lr/(1-β1^t) and
// InvSqrtC2 is 1/sqrt(1-β2^t): the bias corrections folded in, as PyTorch does.
type AdamParams struct {
	StepSize, Beta1, Beta2, InvSqrtC2, Eps float32
}
