package s3store

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/s3store/s3test"
)

// TestHangingServerTimesOut: a server that accepts connections and never
// answers gives a clear error after ResponseTimeout, not a hang.
func TestHangingServerTimesOut(t *testing.T) {
	srv := s3test.StartShared(t)
	fp := s3test.NewFaultProxy(t, srv.Endpoint)
	fp.Blackhole(t)
	cfg := testConfig(t, srv)
	cfg.Endpoint = fp.Endpoint()
	cfg.ResponseTimeout = 500 * time.Millisecond
	cfg.MaxRetries = -1
	s := newTestStore(t, cfg)
	start := time.Now()
	_, err := s.Put(t.Context(), "x.txt", bytes.NewReader([]byte("hello")), store.PutOptions{Size: 5})
	if err == nil {
		t.Fatal("put to a silent server succeeded")
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("took %v: the response timeout did not apply", time.Since(start))
	}
	if !strings.Contains(err.Error(), "did not answer in time") {
		t.Errorf("unclear error: %v", err)
	}
}

// TestDroppedConnectionIsExplained: a connection cut mid-request gives one
// line saying so.
func TestDroppedConnectionIsExplained(t *testing.T) {
	srv := s3test.StartShared(t)
	fp := s3test.NewFaultProxy(t, srv.Endpoint)
	fp.Blackhole(t)
	cfg := testConfig(t, srv)
	cfg.Endpoint = fp.Endpoint()
	cfg.MaxRetries = -1
	s := newTestStore(t, cfg)
	go func() {
		// Cut the connection once the request is in flight.
		select {
		case <-fp.Held():
			fp.DropAll()
		case <-t.Context().Done():
		}
	}()
	_, err := s.Put(t.Context(), "x.txt", bytes.NewReader([]byte("hello")), store.PutOptions{Size: 5})
	if err == nil || !strings.Contains(err.Error(), "broke during the request") {
		t.Errorf("want a dropped-connection message, got %v", err)
	}
}
