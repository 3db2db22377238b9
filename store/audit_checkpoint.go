package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// CheckpointFile is the default name of the checkpoint file in the data
// directory. Operators should ship or copy it somewhere the database's
// writers cannot reach (a log collector, write-once storage): only a copy
// out of reach proves the chain was not rewritten.
const CheckpointFile = "audit-checkpoints.jsonl"

// Checkpoint records the head of the global chain at a moment: a JSON line
// in the checkpoint file.
type Checkpoint struct {
	At        time.Time `json:"at"`
	GlobalSeq int64     `json:"globalSeq"`
	Hash      string    `json:"hash"`
}

// ReadCheckpoints parses checkpoint lines; a malformed line is an error
// naming it, since a damaged checkpoint file is itself a finding.
func ReadCheckpoints(r io.Reader) ([]Checkpoint, error) {
	var out []Checkpoint
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var cp Checkpoint
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cp); err != nil {
			return nil, fmt.Errorf("store: checkpoint line %d: %w", n, err)
		}
		if cp.GlobalSeq < 0 || (cp.GlobalSeq > 0 && len(cp.Hash) != 64) {
			return nil, fmt.Errorf("store: checkpoint line %d: global seq %d with hash %q is not a chain head", n, cp.GlobalSeq, cp.Hash)
		}
		out = append(out, cp)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("store: read checkpoints: %w", err)
	}
	return out, nil
}

// ReadCheckpointFile reads the checkpoint file at path; a missing file
// yields no checkpoints and an error wrapping fs.ErrNotExist.
func ReadCheckpointFile(path string) ([]Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("store: checkpoints: %w", err)
	}
	defer f.Close()
	cps, err := ReadCheckpoints(f)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return cps, nil
}

// AppendCheckpoint appends cp to the file at path (created if missing) and
// syncs it, so a checkpoint written survives a crash.
func AppendCheckpoint(path string, cp Checkpoint) error {
	line, err := json.Marshal(cp)
	if err != nil {
		return fmt.Errorf("store: encode checkpoint: %w", err)
	}
	// The file names no person, but it is part of the audit record: only its
	// owner may read or append to it (an older version created it 0644).
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, PrivateFileMode)
	if err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	if err := chmodPrivate(path); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("store: write checkpoint to %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("store: sync checkpoint file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: close checkpoint file %s: %w", path, err)
	}
	return nil
}

// globalHashAt returns the global hash stored for global number gs.
func (db *DB) globalHashAt(ctx context.Context, gs int64) (string, bool, error) {
	var h sql.NullString
	err := db.conn().queryRow(ctx, `SELECT global_hash FROM audit_entries WHERE global_seq = ?`, gs).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: global hash at #%d: %w", gs, err)
	}
	return h.String, true, nil
}

// Checkpointer appends the head of the global chain to a checkpoint file
// whenever it has moved since the last checkpoint. It is safe for
// concurrent use.
type Checkpointer struct {
	DB     *DB
	Path   string
	Logger *slog.Logger

	mu     sync.Mutex
	loaded bool
	last   ChainHead
}

// Checkpoint writes the current head if it moved since the last checkpoint
// written to the file, and reports whether it wrote one.
func (c *Checkpointer) Checkpoint(ctx context.Context) (Checkpoint, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		if err := c.load(ctx); err != nil {
			return Checkpoint{}, false, err
		}
		c.loaded = true
	}
	head, err := c.DB.ChainHead(ctx)
	if err != nil {
		return Checkpoint{}, false, err
	}
	if head == c.last || head.GlobalSeq == 0 {
		return Checkpoint{}, false, nil
	}
	cp := Checkpoint{At: time.Now().UTC(), GlobalSeq: head.GlobalSeq, Hash: head.Hash}
	if err := AppendCheckpoint(c.Path, cp); err != nil {
		return Checkpoint{}, false, err
	}
	c.last = head
	// Logged as well, so a log collector keeps a second copy.
	c.logger().Info("audit checkpoint", "globalSeq", cp.GlobalSeq, "hash", cp.Hash)
	return cp, true, nil
}

// load reads the last checkpoint of the file and warns at once if the
// chain no longer passes through it (a full verification tells more).
func (c *Checkpointer) load(ctx context.Context) error {
	cps, err := ReadCheckpointFile(c.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(cps) == 0 {
		return nil
	}
	last := cps[len(cps)-1]
	c.last = ChainHead{GlobalSeq: last.GlobalSeq, Hash: last.Hash}
	h, ok, err := c.DB.globalHashAt(ctx, last.GlobalSeq)
	if err != nil {
		return err
	}
	if last.GlobalSeq > 0 && (!ok || h != last.Hash) {
		c.logger().Error("the audit chain does not pass through the last checkpoint; run civilflow audit verify",
			"checkpointGlobalSeq", last.GlobalSeq, "checkpointHash", last.Hash, "found", ok)
	}
	return nil
}

func (c *Checkpointer) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.Default()
	}
	return c.Logger
}

// Run checkpoints every interval until ctx ends. Failures are logged and
// retried at the next tick: a missed checkpoint weakens the evidence but
// must not stop case work.
func (c *Checkpointer) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, _, err := c.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				c.logger().Error("audit checkpoint failed", "error", err)
			}
		}
	}
}
