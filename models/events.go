package models

import "time"

// EventKind says what a training Event reports.
type EventKind int

const (
	// EventStep reports progress after a training step.
	EventStep EventKind = iota
	// EventEpoch reports the end of an epoch with its validation loss.
	EventEpoch
	// EventPreview carries a fresh Preview of the fixed validation batch.
	EventPreview
	// EventPaused and EventResumed report the pause state changing.
	EventPaused
	EventResumed
	// EventCheckpoint reports a checkpoint saved (Err: why it could not be).
	EventCheckpoint
	// EventDone is the last event of a run; Err says why it ended early, if it did.
	EventDone
	// EventRestored: a GAN run met a NaN or Inf, went back to its last good
	// weights and halved its learning rates (Err says what happened).
	EventRestored
)

// Event is what the trainer tells its listener. Values are copies: the
// listener may keep them.
type Event struct {
	Kind   EventKind
	Epoch  int // 1-based epoch in progress or just finished
	Epochs int
	Step   int // steps done so far in the whole run
	Steps  int // steps the whole run will take

	TrainLoss float64 // mean loss of the recent steps (EventStep) or the epoch (EventEpoch)
	ValLoss   float64 // validation loss (EventEpoch, EventDone); NaN when not measured yet

	SamplesPerSecond float64
	Elapsed          time.Duration
	Remaining        time.Duration

	Preview *Preview // EventPreview only
	Err     error    // EventDone: nil when the run finished or was stopped; EventCheckpoint: the save error
	Stopped bool     // EventDone only: the run was stopped before its last epoch
}

// Preview shows the model at one step on a fixed validation batch. Each
// slice holds one image of Width*Height*Channels values in [0,1], laid out
// C×H×W like imageops.Dataset.
type Preview struct {
	Step                    int
	Width, Height, Channels int
	Original                [][]float32 // the clean images
	Input                   [][]float32 // what the model saw (noisy for denoise)
	Output                  [][]float32 // the model's reconstruction
}
