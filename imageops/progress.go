package imageops

import (
	"sync"
	"sync/atomic"
	"time"
)

// progressInterval keeps Progress to about 20 calls a second.
const progressInterval = 50 * time.Millisecond

// progress counts work from any goroutine and reports it to a callback from
// a single goroutine, so callers (often UI code) need no locking.
type progress struct {
	fn          func(done, total int)
	done, total atomic.Int64
	stopc       chan struct{}
	wg          sync.WaitGroup
}

// startProgress begins reporting to fn; fn may be nil.
func startProgress(fn func(done, total int), total int) *progress {
	p := &progress{fn: fn, stopc: make(chan struct{})}
	p.total.Store(int64(total))
	if fn == nil {
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		last := int64(-1)
		for {
			select {
			case <-p.stopc:
				return
			case <-t.C:
				if d := p.done.Load(); d != last {
					last = d
					p.fn(int(d), int(p.total.Load()))
				}
			}
		}
	}()
	return p
}

func (p *progress) add(n int)      { p.done.Add(int64(n)) }
func (p *progress) addTotal(n int) { p.total.Add(int64(n)) }

// stop ends the ticker and makes the final call. The ticker goroutine has
// exited before that call, so calls never overlap.
func (p *progress) stop() {
	close(p.stopc)
	p.wg.Wait()
	if p.fn != nil {
		p.fn(int(p.done.Load()), int(p.total.Load()))
	}
}
