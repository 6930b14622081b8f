package models

import (
	"context"
	"sync"
	"time"
)

// pauseGate lets another goroutine pause a training loop between steps.
// Trainer and GANTrainer embed it.
type pauseGate struct {
	mu     sync.Mutex
	paused bool
	resume chan struct{} // closed by Resume
}

// Pause makes the run wait before its next step.
func (p *pauseGate) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.paused {
		p.paused = true
		p.resume = make(chan struct{})
	}
}

// Resume lets a paused run go on.
func (p *pauseGate) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused {
		p.paused = false
		close(p.resume)
	}
}

// Paused reports whether the run is paused.
func (p *pauseGate) Paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// wait blocks while paused, telling notify of EventPaused and
// EventResumed; it returns how long it waited and whether ctx ended.
func (p *pauseGate) wait(ctx context.Context, notify func(EventKind)) (time.Duration, bool) {
	p.mu.Lock()
	paused, resume := p.paused, p.resume
	p.mu.Unlock()
	if ctx.Err() != nil {
		return 0, true
	}
	if !paused {
		return 0, false
	}
	since := time.Now()
	notify(EventPaused)
	select {
	case <-resume:
	case <-ctx.Done():
		return time.Since(since), true
	}
	notify(EventResumed)
	return time.Since(since), false
}

// runClock times a training run: its active time leaves out pauses, and
// it says when a time limit is reached or a checkpoint is due.
type runClock struct {
	start          time.Time
	pausedFor      time.Duration
	maxDuration    time.Duration // 0: no limit
	lastCheckpoint time.Time
}

func newRunClock(maxDuration time.Duration) runClock {
	return runClock{start: time.Now(), maxDuration: maxDuration}
}

func (c *runClock) activeTime() time.Duration { return time.Since(c.start) - c.pausedFor }

func (c *runClock) timeUp() bool { return c.maxDuration > 0 && c.activeTime() >= c.maxDuration }
