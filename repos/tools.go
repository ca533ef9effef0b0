package repos

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
)

// ErrNoSharedState is returned by RunTools when its context carries no
// SharedState (see WithSharedState and Middleware).
var ErrNoSharedState = errors.New("repos: context carries no shared state")

// ErrToolPanic is wrapped by the error RunTools returns for a tool that
// panicked; the error holds the panic value and the stack.
var ErrToolPanic = errors.New("repos: tool panicked")

// Tool is work done for one request in a goroutine of its own (a search,
// a call to a model, an agent step), reading and writing the user's
// shared state.
type Tool func(ctx context.Context, ss *SharedState) error

// RunTools runs each tool in a goroutine of its own and waits for all of
// them, the way a request handler fans work out to tools: each gets a
// context derived from ctx (it carries the request's SharedState, values
// and deadline) and the SharedState itself. The first tool to fail
// cancels the others' context. RunTools returns the tools' errors joined
// (errors.Join; nil when every tool succeeded); a tool's panic is
// recovered and returned as an error wrapping ErrToolPanic, so one tool
// cannot bring the server down. No goroutine outlives the call. It fails
// at once, running nothing, with ErrNoSharedState when ctx carries none.
//
// Work that must go on after the response (a fire-and-forget write) does
// not belong here: give it context.WithoutCancel(ctx), which keeps the
// SharedState but not the request's cancellation, and keep track of its
// goroutine yourself so that it ends before the backend is closed.
func RunTools(ctx context.Context, tools ...Tool) error {
	ss, ok := SharedStateFrom(ctx)
	if !ok {
		return ErrNoSharedState
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(tools))
	var wg sync.WaitGroup
	for i, tool := range tools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = runTool(ctx, ss, i, tool)
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// runTool runs tool i, turning a panic into an error.
func runTool(ctx context.Context, ss *SharedState, i int, tool Tool) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: tool %d: %v\n%s", ErrToolPanic, i, p, debug.Stack())
		}
	}()
	if tool == nil {
		return fmt.Errorf("repos: tool %d is nil", i)
	}
	return tool(ctx, ss)
}
