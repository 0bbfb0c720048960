package s3store

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/feedpub/feedpub/media/store"
	"github.com/feedpub/feedpub/media/store/s3store/s3test"
	"github.com/feedpub/feedpub/media/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	s3test.StopShared()
	os.Exit(code)
}

// testConfig returns a Config for srv's shared bucket under a fresh prefix
// that is emptied when the test ends.
func testConfig(t testing.TB, srv *s3test.Server) Config {
	t.Helper()
	return Config{
		Bucket:      srv.Bucket,
		Prefix:      srv.NewPrefix(t),
		Region:      srv.Region,
		Endpoint:    srv.Endpoint,
		PathStyle:   true,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
	}
}

func newTestStore(t testing.TB, cfg Config) *Store {
	t.Helper()
	s, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	srv := s3test.StartShared(t)
	storetest.Run(t, func(t testing.TB) store.Store {
		cfg := testConfig(t, srv)
		cfg.MultipartThreshold = 6 << 20 // the 20 MiB body goes multipart
		cfg.PartSize = 5 << 20
		return newTestStore(t, cfg)
	}, storetest.Capabilities{Metadata: true, SHA256: true})
}
