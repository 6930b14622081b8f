package ui

import (
	"strings"
	"testing"
)

// TestDesignFollowsTheForm: typing a code size or layers redraws the
// hourglass and the memory estimate; an invalid value clears them.
func TestDesignFollowsTheForm(t *testing.T) {
	s, _, p := newTestStudio(t)
	loadDigits(t, s, p, 20)
	shapes := func() string {
		var out []string
		for _, l := range s.diagram.Layers() {
			out = append(out, l.Shape)
		}
		return strings.Join(out, " ")
	}
	s.form.Layers.SetText("128,32")
	s.form.Code.SetText("3")
	if got := shapes(); got != "1×28×28 128 32 3 32 128 1×28×28" {
		t.Errorf("diagram %q", got)
	}
	if !strings.Contains(s.memory.Text, "MiB") {
		t.Errorf("memory estimate %q", s.memory.Text)
	}
	s.form.Code.SetText("abc")
	if len(s.diagram.Layers()) != 0 || s.memory.Text != "" {
		t.Errorf("an invalid code size still shows %q, %q", shapes(), s.memory.Text)
	}
}
