package integration

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"civilflow/temporalserver"
	"civilflow/workflows"
)

// TestD1RawTemporalClientRefused: the embedded server answers nobody but
// the holder of the client certificate it issued. A plain connection, TLS
// without a client certificate and a certificate of another CA are refused
// at the frontend and at the internal services alike, before any history
// is read; civilflow's own client works, also after a restart and on a data
// dir made before the server had certificates.
func TestD1RawTemporalClientRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	cfg := tsConfig(t, dir)
	srv := tsStart(t, ctx, cfg, "fresh dir")
	c, closeClient := tsConnect(t, srv)
	tsStartCase(t, ctx, c, "case-d1", tsStage.ValueSet("review"))
	tsAwaitBlocked(t, ctx, c, "case-d1")
	if n := historyLen(t, ctx, srv.Address(), grpc.WithTransportCredentials(credentials.NewTLS(srv.ClientTLS()))); n < 4 {
		t.Fatalf("civilflow's own client read %d history events", n)
	}

	caPool := x509.NewCertPool()
	caPEM, err := os.ReadFile(filepath.Join(dir, "tls", "ca.pem"))
	if err != nil || !caPool.AppendCertsFromPEM(caPEM) {
		t.Fatalf("read the server's CA: %v", err)
	}
	foreign := selfSigned(t, temporalserver.ClientCommonName)
	strangers := map[string]struct {
		tls  *tls.Config // nil: plain h2c, as in the review
		want string      // the TLS alert the server answers with
	}{
		"plain h2c":                  {nil, ""},
		"TLS, no client certificate": {&tls.Config{RootCAs: caPool, ServerName: temporalserver.ServerName}, "certificate required"},
		"TLS, another CA's client certificate": {&tls.Config{RootCAs: caPool, ServerName: temporalserver.ServerName,
			// Presented even though the server asks for its own CA's.
			GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &foreign, nil },
		}, "unknown certificate authority"},
	}
	for name, s := range strangers {
		creds := grpc.WithTransportCredentials(insecure.NewCredentials())
		if s.tls != nil {
			creds = grpc.WithTransportCredentials(credentials.NewTLS(s.tls))
		}
		addrs := map[string]string{"frontend": srv.Address()}
		for svc, addr := range srv.InternalAddresses() {
			addrs[svc] = addr
		}
		for svc, addr := range addrs {
			what := name + ", " + svc
			if svc == "frontend" {
				// The review's read of a case history.
				expectRefused(t, what, historyErr(ctx, addr, creds))
			} else {
				// The internal services would hand out the same data; not
				// even their health check answers.
				expectRefused(t, what, healthErr(ctx, addr, creds))
			}
			if s.tls != nil {
				expectAlert(t, what, addr, s.tls, s.want)
			}
		}
	}
	// And the SDK, as any local program would use it.
	dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
	raw, err := client.DialContext(dctx, client.Options{HostPort: srv.Address(), Namespace: tsNamespace})
	dcancel()
	if err == nil {
		raw.Close()
		t.Fatal("an SDK client without credentials connected")
	}
	closeClient()
	tsStop(t, srv)

	// A data dir from before certificates existed: the case survives and
	// only the new client certificate is accepted.
	old := srv.ClientTLS()
	if err := os.RemoveAll(filepath.Join(dir, "tls")); err != nil {
		t.Fatal(err)
	}
	srv = tsStart(t, ctx, cfg, "existing dir without certificates")
	defer tsStop(t, srv)
	c, closeClient = tsConnect(t, srv)
	defer closeClient()
	if got := tsStatus(t, ctx, c, "case-d1"); got != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("case after restart: %v", got)
	}
	old.RootCAs = srv.ClientTLS().RootCAs // trust the new server, present the old certificate
	expectRefused(t, "previous CA's client certificate", historyErr(ctx, srv.Address(),
		grpc.WithTransportCredentials(credentials.NewTLS(old))))
	expectAlert(t, "previous CA's client certificate", srv.Address(), old, "unknown certificate authority")
	tsDecide(t, ctx, c, "case-d1", "approved")
}

// TestD1ForgedActThroughTemporalRejected: even with civilflow's own
// Temporal credentials, an act update the API did not sign is rejected by
// the workflow's validator and leaves the case as it was; the API's signed
// action then goes through.
func TestD1ForgedActThroughTemporalRejected(t *testing.T) {
	e := sharedEnv(t)
	reg := e.token("reg-d1-001", "王登记", "registrar:110105")
	cp := e.couple("19890304", "19910506")
	st := e.do(http.MethodPost, "/v1/cases", cp.manTok, marriageBody(cp, "110105")).expect(t, http.StatusCreated).state(t)
	if st.Stage != "registrar-review" {
		t.Fatalf("stage %s", st.Stage)
	}
	nobody := workflows.Actor{Subject: "nobody", Name: "无名", Roles: []workflows.RoleGrant{{Role: "registrar", Division: "000000"}}}
	register := workflows.ActRequest{Action: "register", Actor: nobody}
	forged, err := workflows.SignAct([]byte("a key that is not this installation's"), st.CaseID, register, time.Now(), "forged-1")
	if err != nil {
		t.Fatal(err)
	}
	tampered, err := workflows.SignAct(e.app.ActionKey, st.CaseID,
		workflows.ActRequest{Action: "withdraw", Actor: workflows.Actor{Subject: cp.man, Name: cp.manName}}, time.Now(), "tampered-1")
	if err != nil {
		t.Fatal(err)
	}
	tampered.Action, tampered.Actor = "register", nobody

	for name, tc := range map[string]struct {
		req  workflows.ActRequest
		want string
	}{
		"unsigned":       {register, "not signed"},
		"other key":      {forged, "does not verify"},
		"signed, edited": {tampered, "does not verify"},
	} {
		h, err := e.app.Client().UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{
			WorkflowID: st.CaseID, UpdateName: workflows.UpdateAct, WaitForStage: client.WorkflowUpdateStageCompleted,
			Args: []any{tc.req},
		})
		if err == nil {
			err = h.Get(context.Background(), nil)
		}
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrTypeActionRejected || !strings.Contains(appErr.Message(), tc.want) {
			t.Errorf("%s: %v, want %s containing %q", name, err, workflows.ErrTypeActionRejected, tc.want)
		}
	}
	now := e.do(http.MethodGet, "/v1/cases/"+st.CaseID, reg, nil).expect(t, http.StatusOK).state(t)
	if now.Stage != st.Stage || now.Status != workflows.StatusOpen || len(now.Timeline) != len(st.Timeline) || len(now.Documents) != 0 {
		t.Fatalf("forged updates changed the case: stage %s status %s timeline %d→%d documents %d",
			now.Stage, now.Status, len(st.Timeline), len(now.Timeline), len(now.Documents))
	}
	// Rejected in the validator, so not even the history holds them.
	it := e.app.Client().GetWorkflowHistory(context.Background(), st.CaseID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		acc := ev.GetWorkflowExecutionUpdateAcceptedEventAttributes()
		if acc.GetAcceptedRequest().GetInput().GetName() == workflows.UpdateAct {
			t.Fatalf("an update was accepted into the history: %v", ev)
		}
	}
	done := e.act(st.CaseID, reg, "register", "").expect(t, http.StatusOK).state(t)
	if done.Outcome != "approved" || len(done.Documents) != 2 {
		t.Fatalf("signed register through the API: outcome %s documents %d", done.Outcome, len(done.Documents))
	}
}

func historyErr(ctx context.Context, addr string, creds grpc.DialOption) error {
	_, err := readHistory(ctx, addr, creds)
	return err
}

func historyLen(t *testing.T, ctx context.Context, addr string, creds grpc.DialOption) int {
	t.Helper()
	res, err := readHistory(ctx, addr, creds)
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	return len(res.GetHistory().GetEvents())
}

// readHistory is the review's probe: GetWorkflowExecutionHistory over raw gRPC.
func readHistory(ctx context.Context, addr string, creds grpc.DialOption) (*workflowservice.GetWorkflowExecutionHistoryResponse, error) {
	conn, err := grpc.NewClient(addr, creds)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return workflowservice.NewWorkflowServiceClient(conn).GetWorkflowExecutionHistory(ctx,
		&workflowservice.GetWorkflowExecutionHistoryRequest{Namespace: tsNamespace,
			Execution: &commonpb.WorkflowExecution{WorkflowId: "case-d1"}})
}

func healthErr(ctx context.Context, addr string, creds grpc.DialOption) error {
	conn, err := grpc.NewClient(addr, creds)
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	return err
}

// expectRefused wants the call refused below gRPC: Unavailable (the
// connection never carried a call), not an answer and not an error of the
// service, which would mean the request reached it.
func expectRefused(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: answered", what)
		return
	}
	if code := status.Code(err); code != codes.Unavailable {
		t.Errorf("%s: %v, want Unavailable (refused before any call)", what, err)
	}
	t.Logf("%s: refused: %v", what, err)
}

// expectAlert does the TLS handshake alone and reads: the server must end
// the connection with the alert want. Reading (rather than writing, as gRPC
// does first) is what reliably receives the alert under TLS 1.3, where the
// client's side of the handshake completes before the server has checked
// the client certificate.
func expectAlert(t *testing.T, what, addr string, cfg *tls.Config, want string) {
	t.Helper()
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err == nil {
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = conn.Read(make([]byte, 1))
		conn.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "tls: "+want) {
		t.Errorf("%s: TLS handshake and read: %v, want the alert %q", what, err, want)
	}
}

// selfSigned is a client certificate of a CA of one's own.
func selfSigned(t *testing.T, cn string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
