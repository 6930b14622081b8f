package ops

import (
	"math"
	"math/rand"
	"testing"
)

func reluGradBits32(dst, y, dy []float32) {
	y = y[:len(dst)]
	dy = dy[:len(dst)]
	for i, v := range y {
		b := int32(math.Float32bits(v))
		m := uint32(((-b) >> 31) &^ (b >> 31))
		dst[i] = math.Float32frombits(math.Float32bits(dy[i]) & m)
	}
}

func reluMax32(dst, src []float32, bias float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = max(v+bias, 0)
	}
}

func reluBits32(dst, src []float32, bias float32) {
	src = src[:len(dst)]
	for i, v := range src {
		v += bias
		b := int32(math.Float32bits(v))
		dst[i] = math.Float32frombits(uint32(b &^ (b >> 31)))
	}
}

func BenchmarkActKernels(b *testing.B) {
	n := 200704
	rng := rand.New(rand.NewSource(1))
	y := make([]float32, n)
	dy := make([]float32, n)
	dst := make([]float32, n)
	for i := range y {
		y[i] = float32(rng.NormFloat64())
		dy[i] = float32(rng.NormFloat64())
	}
	yr := make([]float32, n)
	biasAct(ActReLU, yr, y, 0)
	b.Run("actGradBranchy", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			actGrad(ActReLU, dst, yr, dy)
		}
	})
	b.Run("actGradBits", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			reluGradBits32(dst, yr, dy)
		}
	})
	b.Run("biasActBranchy", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			biasAct(ActReLU, dst, y, 0.1)
		}
	})
	b.Run("biasActMax", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			reluMax32(dst, y, 0.1)
		}
	})
	b.Run("biasActBits", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			reluBits32(dst, y, 0.1)
		}
	})
}
