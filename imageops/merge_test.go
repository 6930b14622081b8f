package imageops

import "testing"

func TestMerge(t *testing.T) {
	a := &Dataset{Width: 1, Height: 1, Channels: 1, Data: []float32{0.1, 0.2}, Labels: []int{0, 1},
		Classes: []string{"dogs", "cats"}, Files: []string{"a/1", "a/2"}, Skipped: []Skipped{{"a/x", "bad"}}}
	b := &Dataset{Width: 1, Height: 1, Channels: 1, Data: []float32{0.3, 0.4}, Labels: []int{0, -1},
		Classes: []string{"birds"}, Files: []string{"b/1", "b/2"}}
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 4 || len(m.Classes) != 3 || m.Classes[0] != "birds" || len(m.Skipped) != 1 {
		t.Fatalf("merged %d images, classes %v, skipped %v", m.Len(), m.Classes, m.Skipped)
	}
	for i, want := range []string{"dogs", "cats", "birds", ""} {
		if m.Label(i) != want || m.Image(i)[0] != []float32{0.1, 0.2, 0.3, 0.4}[i] {
			t.Errorf("image %d: class %q value %v", i, m.Label(i), m.Image(i)[0])
		}
	}
	c := &Dataset{Width: 2, Height: 1, Channels: 1, Data: []float32{0, 0}}
	if _, err := Merge(a, c); err == nil {
		t.Error("merged images of different sizes")
	}
}
