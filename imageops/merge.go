package imageops

import (
	"fmt"
	"slices"
)

// Merge puts several datasets of one shape into one. Classes with the same
// name become one class; class indices are renumbered over the sorted union
// of names. Skipped files of every part are kept.
func Merge(parts ...*Dataset) (*Dataset, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("merge: no datasets")
	}
	first := parts[0]
	out := &Dataset{Width: first.Width, Height: first.Height, Channels: first.Channels}
	for _, p := range parts {
		if p.Width != first.Width || p.Height != first.Height || p.Channels != first.Channels {
			return nil, fmt.Errorf("merge: images of %dx%dx%d and %dx%dx%d cannot be mixed",
				first.Width, first.Height, first.Channels, p.Width, p.Height, p.Channels)
		}
		for _, c := range p.Classes {
			if !slices.Contains(out.Classes, c) {
				out.Classes = append(out.Classes, c)
			}
		}
	}
	slices.Sort(out.Classes)
	for _, p := range parts {
		out.Data = append(out.Data, p.Data...)
		for i := 0; i < p.Len(); i++ {
			label := -1
			if name := p.Label(i); name != "" || (i < len(p.Labels) && p.Labels[i] >= 0) {
				label = slices.Index(out.Classes, name)
			}
			out.Labels = append(out.Labels, label)
			out.Files = append(out.Files, p.fileAt(i))
		}
		out.Skipped = append(out.Skipped, p.Skipped...)
		out.SourceSizes = append(out.SourceSizes, p.SourceSizes...)
	}
	if len(out.SourceSizes) != out.Len() {
		out.SourceSizes = nil // some parts (IDX) had none
	}
	return out, nil
}
