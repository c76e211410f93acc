package rvpserver

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
)

// metrics are the server's counters; gauges are computed at scrape time.
type metrics struct {
	subscribes       atomic.Int64
	notifies         atomic.Int64
	presenceNotifies atomic.Int64
	deliveries       atomic.Int64
	callbackFailures atomic.Int64
	deadLogins       atomic.Int64
	asyncDropped     atomic.Int64
	pollEnqueued     atomic.Int64
	pollRefused      atomic.Int64
	pollDropped      atomic.Int64
	pollAnswers      atomic.Int64
	leaseExpiries    atomic.Int64
	authFailures     atomic.Int64
	foreignRequests  atomic.Int64
	overloaded       atomic.Int64
	forwards         atomic.Int64
	forwardRetries   atomic.Int64
	forwardFailures  atomic.Int64
	hopLimit         atomic.Int64

	mu       sync.Mutex
	byStatus map[int]int64 // error responses by status; guarded by mu
}

func (m *metrics) countStatus(code int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byStatus == nil {
		m.byStatus = map[int]int64{}
	}
	m.byStatus[code]++
}

// MetricsHandler serves the metrics in the Prometheus text format (0.0.4).
// It is safe for concurrent use and does not need a running server.
func (s *Server) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		body := s.renderMetrics()
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
}

type gauges struct {
	accounts, subs, logins, pollLogins, held, queued, queuedBytes, views int
}

func (s *Server) gauges() gauges {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := gauges{accounts: len(s.accounts), subs: len(s.subs), views: len(s.views)}
	for _, sub := range s.subs {
		if sub.Type == "pragma/notify" {
			g.logins++
		}
		if q := sub.queue; q != nil {
			g.pollLogins++
			g.queued += len(q.items)
			g.queuedBytes += q.bytes
			if q.held != nil {
				g.held++
			}
		}
	}
	return g
}

func (s *Server) renderMetrics() []byte {
	var b bytes.Buffer
	put := func(name, typ, help string, v int64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n%s %d\n", name, help, name, typ, name, v)
	}
	g := s.gauges()
	put("rvpd_accounts", "gauge", "Accounts.", int64(g.accounts))
	put("rvpd_subscriptions", "gauge", "Live subscriptions of all types.", int64(g.subs))
	put("rvpd_logins", "gauge", "Live login (pragma/notify) subscriptions.", int64(g.logins))
	put("rvpd_poll_logins", "gauge", "Live polling logins.", int64(g.pollLogins))
	put("rvpd_polls_held", "gauge", "POLL requests being held.", int64(g.held))
	put("rvpd_poll_queue_items", "gauge", "Items in all poll queues.", int64(g.queued))
	put("rvpd_poll_queue_bytes", "gauge", "Bytes in all poll queues.", int64(g.queuedBytes))
	put("rvpd_presence_views", "gauge", "Live presence leases (views).", int64(g.views))
	put("rvpd_inbound_outstanding", "gauge", "Requests holding a work-queue slot.", int64(len(s.inflight)))
	m := &s.met
	put("rvpd_subscribes_total", "counter", "Subscriptions created.", m.subscribes.Load())
	put("rvpd_notifies_total", "counter", "NOTIFY requests routed.", m.notifies.Load())
	put("rvpd_presence_notifies_total", "counter", "Property notifications (presence and other properties) generated.", m.presenceNotifies.Load())
	put("rvpd_deliveries_total", "counter", "Callback deliveries accepted by the receiver.", m.deliveries.Load())
	put("rvpd_callback_failures_total", "counter", "Callback deliveries that failed.", m.callbackFailures.Load())
	put("rvpd_dead_logins_total", "counter", "Callback logins declared dead.", m.deadLogins.Load())
	put("rvpd_async_dropped_total", "counter", "Presence deliveries dropped because the delivery queue was full.", m.asyncDropped.Load())
	put("rvpd_poll_enqueued_total", "counter", "Items put in poll queues.", m.pollEnqueued.Load())
	put("rvpd_poll_refused_total", "counter", "Items refused by full poll queues (507).", m.pollRefused.Load())
	put("rvpd_poll_dropped_total", "counter", "Queued items dropped (expired or queue dropped).", m.pollDropped.Load())
	put("rvpd_poll_answers_total", "counter", "POLL answers with items.", m.pollAnswers.Load())
	put("rvpd_lease_expiries_total", "counter", "Presence leases that expired.", m.leaseExpiries.Load())
	put("rvpd_auth_failures_total", "counter", "Failed Digest authentications.", m.authFailures.Load())
	put("rvpd_foreign_requests_total", "counter", "Requests from foreign principals (assertion).", m.foreignRequests.Load())
	put("rvpd_overloaded_total", "counter", "Requests answered 503 because the work queue was full.", m.overloaded.Load())
	put("rvpd_forwards_total", "counter", "NOTIFYs accepted by other servers.", m.forwards.Load())
	put("rvpd_forward_retries_total", "counter", "Retries of failed server-to-server NOTIFYs.", m.forwardRetries.Load())
	put("rvpd_forward_failures_total", "counter", "Presence NOTIFYs to other servers given up after the last retry.", m.forwardFailures.Load())
	put("rvpd_hop_limit_total", "counter", "NOTIFYs refused because RVP-Hop-Count reached the limit (loops).", m.hopLimit.Load())
	s.renderStatuses(&b)
	return b.Bytes()
}

func (s *Server) renderStatuses(b *bytes.Buffer) {
	m := &s.met
	m.mu.Lock()
	codes := make([]int, 0, len(m.byStatus))
	for c := range m.byStatus {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	b.WriteString("# HELP rvpd_error_responses_total Error responses by status code.\n# TYPE rvpd_error_responses_total counter\n")
	for _, c := range codes {
		fmt.Fprintf(b, "rvpd_error_responses_total{code=\"%d\"} %d\n", c, m.byStatus[c])
	}
	m.mu.Unlock()
}
