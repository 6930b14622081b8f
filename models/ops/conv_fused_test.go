package ops

import (
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// forceFused runs the conv tests through the fused op, one image per chunk
// so that chunk boundaries are crossed, and restores the thresholds after.
func forceFused(t *testing.T) {
	minCols, chunkCols := fusedMinCols, fusedChunkCols
	fusedMinCols, fusedChunkCols = 0, 1
	t.Cleanup(func() { fusedMinCols, fusedChunkCols = minCols, chunkCols })
}

func TestConv2dFusedGradients(t *testing.T) {
	forceFused(t)
	conv2dGradients(t, true)
}

func TestConv2dFusedMatchesGorgonia(t *testing.T) {
	forceFused(t) // one output row per chunk
	TestConv2dMatchesGorgonia(t)
}

// TestConv2dFusedRowBands: with a chunk budget below one image's column
// matrix the fused op works in bands of output rows, the last one partial
// in some cases (e.g. 9 rows in bands of 5), and still matches Gorgonia.
func TestConv2dFusedRowBands(t *testing.T) {
	minCols, chunkCols := fusedMinCols, fusedChunkCols
	t.Cleanup(func() { fusedMinCols, fusedChunkCols = minCols, chunkCols })
	fusedMinCols, fusedChunkCols = 0, 1000
	TestConv2dMatchesGorgonia(t)
}

// TestConv2dFusedChain checks a stack of stride-1 convs as the residual
// denoiser uses them, so that inner input gradients are exercised, with x
// both as data (no input gradient built) and behind an op.
func TestConv2dFusedChain(t *testing.T) {
	forceFused(t)
	rng := rand.New(rand.NewSource(8))
	in := map[string]*tensor.Dense{
		"x":  randDense(rng, tensor.Float64, 1, 3, 2, 6, 5),
		"w1": randDense(rng, tensor.Float64, 0.5, 3, 2, 3, 3),
		"b1": randDense(rng, tensor.Float64, 0.1, 1, 3, 1, 1),
		"w2": randDense(rng, tensor.Float64, 0.5, 4, 3, 3, 3),
		"b2": randDense(rng, tensor.Float64, 0.1, 1, 4, 1, 1),
		"w3": randDense(rng, tensor.Float64, 0.5, 2, 4, 3, 3),
	}
	for _, xThroughOp := range []bool{false, true} {
		order := []string{"w1", "b1", "w2", "b2", "w3"}
		if xThroughOp {
			order = append(order, "x")
		}
		gradCheck(t, 500, in, order, func(n map[string]*G.Node) (*G.Node, error) {
			var x *G.Node
			if xThroughOp {
				x = G.Must(G.Mul(n["x"], G.NewConstant(2.0)))
			} else {
				x = leaf(n["w1"].Graph(), "x", in["x"])
			}
			h := G.Must(Conv2d(x, n["w1"], n["b1"], 1, 1, ActReLU))
			h = G.Must(Conv2d(h, n["w2"], n["b2"], 1, 1, ActLeakyReLU(0.1)))
			return Conv2d(h, n["w3"], nil, 1, 1, ActNone)
		})
	}
}

// TestConv2dFusedUnevenChunks: a batch that is not a multiple of the chunk
// (3 images, chunks of 2) gives the same gradients.
func TestConv2dFusedUnevenChunks(t *testing.T) {
	minCols, chunkCols := fusedMinCols, fusedChunkCols
	t.Cleanup(func() { fusedMinCols, fusedChunkCols = minCols, chunkCols })
	rng := rand.New(rand.NewSource(3))
	in := map[string]*tensor.Dense{
		"x": randDense(rng, tensor.Float64, 1, 3, 2, 5, 4),
		"w": randDense(rng, tensor.Float64, 0.5, 3, 2, 3, 3),
		"b": randDense(rng, tensor.Float64, 0.1, 1, 3, 1, 1),
	}
	g, _ := newGeom(3, 2, 5, 4, 3, 3, 1, 1, 1)
	fusedMinCols, fusedChunkCols = 0, 2*g.K()*g.PO()
	if g.chunkImages() != 2 {
		t.Fatalf("chunk of %d images", g.chunkImages())
	}
	gradCheck(t, 700, in, []string{"x", "w", "b"}, func(n map[string]*G.Node) (*G.Node, error) {
		x := G.Must(G.Mul(n["x"], G.NewConstant(2.0)))
		return Conv2d(x, n["w"], n["b"], 1, 1, ActReLU)
	})
}
