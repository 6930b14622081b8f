package models

import (
	"fmt"
	"testing"
)

func TestLayoutMirrorsTheEncoder(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{Arch: ArchDense, Width: 28, Height: 28, Channels: 1, Layers: []int{256, 64}, Code: 16},
			"[input 1×28×28 encoder 256 encoder 64 code 16 decoder 64 decoder 256 output 1×28×28]"},
		{Config{Arch: ArchConv, Width: 28, Height: 28, Channels: 1, Layers: []int{16, 32}, Code: 8},
			"[input 1×28×28 encoder 16×14×14 encoder 32×7×7 code 8 decoder 32×7×7 decoder 16×14×14 output 1×28×28]"},
		{Config{Arch: ArchConv, Width: 28, Height: 28, Channels: 1, Layers: []int{16, 32}, Code: 0},
			"[input 1×28×28 encoder 16×14×14 code 32×7×7 decoder 16×14×14 output 1×28×28]"},
	}
	for _, c := range cases {
		var got []string
		for _, l := range c.cfg.Layout() {
			got = append(got, l.Role, l.Shape)
		}
		if s := fmt.Sprint(got); s != c.want {
			t.Errorf("layout %s\nwant   %s", s, c.want)
		}
	}
}

func TestMemoryEstimateGrowsWithBatchAndModel(t *testing.T) {
	small := Config{Arch: ArchDense, Width: 28, Height: 28, Channels: 1, Layers: []int{64}, Code: 8}
	big := small
	big.Layers = []int{1024}
	if small.MemoryEstimate(64) >= big.MemoryEstimate(64) || small.MemoryEstimate(64) >= small.MemoryEstimate(256) {
		t.Errorf("estimates: small %d, big %d, small at batch 256 %d", small.MemoryEstimate(64), big.MemoryEstimate(64), small.MemoryEstimate(256))
	}
	// The parameters alone, four copies of float32: 784·64+64+64·8+8, twice.
	if p := int64(small.ParamCount()); small.MemoryEstimate(0) != 16*p {
		t.Errorf("batch 0 estimate %d, want 16·%d", small.MemoryEstimate(0), p)
	}
}
