package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress draws a one-line bar on a terminal, redrawn at most 10 times a
// second, and prints plain lines every few seconds when the output is not a
// terminal (a log file or a test).
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	label    string
	tty      bool
	last     time.Time
	drawn    bool
	fraction float64
	detail   string
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(fraction float64, detail string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fraction, p.detail = fraction, detail
	every := 5 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	if time.Since(p.last) < every && fraction < 1 {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *progress) draw() {
	if !p.tty {
		fmt.Fprintf(p.w, "%s: %3.0f%% %s\n", p.label, 100*p.fraction, p.detail)
		return
	}
	const width = 24
	n := int(p.fraction*width + 0.5)
	n = min(max(n, 0), width)
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %3.0f%% %s", strings.Repeat("=", n), strings.Repeat(" ", width-n), 100*p.fraction, p.detail)
	p.drawn = true
}

// println prints a line above the bar.
func (p *progress) println(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintln(p.w, line)
	if p.tty && p.drawn {
		p.draw()
	}
}

// finish ends the bar's line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
